import Foundation
import PreflightTestSupport
import Testing

@testable import PreflightConnect
@testable import PreflightCore
@testable import PreflightDirectory
@testable import PreflightEngine
@testable import PreflightInventory
@testable import PreflightKit
@testable import PreflightMonitoring
@testable import PreflightNetwork
@testable import PreflightReporting

#if canImport(Glibc)
    import Glibc
#endif

/// A publish stopped at every one of its moments, as a SIGKILL or a power cut would stop it (no clean-up runs): a
/// reader of `latest.*` finds the previous set or the new one, whole, every time, and the next publish leaves nothing
/// behind. The CLI tests do the same with real signals at random moments (InterruptionTests).
@Suite("Report set publication")
struct ReportPublicationTests {
    static let formats: [ReportFormat] = [.md, .json, .junit, .prom, .csv]

    /// Every moment of a publish of the five file formats.
    static let steps: [ReportWriter.Step] =
        [.recovered, .migrated] + formats.map { .staged($0) } + [.stagedAll, .runFolder] + formats.map { .pointed($0) }
        + [.switched] + formats.map { .timestamped($0) } + [.done]

    /// Report `n`: every format renders differently from every other report's (messages, titles, duration, run id; the
    /// action plan shows a check's title in its action, not its message).
    static func report(_ n: Int) -> Report {
        var report = SampleReport.value
        report.run.id = "00000000-0000-0000-0000-\(String(format: "%012d", n))"
        report.run.durationMs = 1000 * n
        for index in report.checks.indices {
            report.checks[index].message = "Message of run \(n) for \(report.checks[index].id)."
            report.checks[index].title += " (run \(n))"
        }
        return report
    }

    /// Which of `candidates` each `latest.<ext>` is, byte for byte (nil: a file no report renders to).
    static func latestRuns(in folder: String, candidates: [Int]) -> [String: Int?] {
        ReportSets.latest(in: folder).reduce(into: [:]) { found, entry in
            let format = formats.first { $0.fileExtension == entry.key }!
            found[entry.key] = candidates.first { format.render(report($0)) == entry.value }
        }
    }

    static func publish(_ n: Int, to folder: String, stopAt step: ReportWriter.Step? = nil) throws -> Bool {
        do {
            _ = try ReportWriter.publish(report(n), formats: formats, to: folder, stopAt: { $0 == step })
            return true
        } catch is ReportWriter.Stopped {
            return false
        }
    }

    /// All five formats, and all of them the same run's.
    static func expectWhole(_ runs: [String: Int?], oneOf allowed: Set<Int>, _ comment: Comment, sourceLocation: Testing.SourceLocation = #_sourceLocation) {
        let values = Set(runs.values)
        #expect(runs.count == 5 && values.count == 1, "\(comment): \(runs)", sourceLocation: sourceLocation)
        if let only = values.first, let run = only {
            #expect(allowed.contains(run), "\(comment): \(runs)", sourceLocation: sourceLocation)
        }
    }

    @Test(arguments: steps)
    func stoppedAtAnyMomentLatestIsOneWholeSetAndTheNextPublishRepairs(_ step: ReportWriter.Step) throws {
        let folder = try TemporaryFolder("publish")
        #expect(try Self.publish(1, to: folder.path))
        #expect(try !Self.publish(2, to: folder.path, stopAt: step), "the publish stopped at \(step)")
        let switched = Self.steps.firstIndex(of: step)! >= Self.steps.firstIndex(of: .switched)!
        let runs = Self.latestRuns(in: folder.path, candidates: [1, 2])
        Self.expectWhole(runs, oneOf: [switched ? 2 : 1], "stopped at \(step)")

        #expect(try Self.publish(3, to: folder.path))
        Self.expectWhole(Self.latestRuns(in: folder.path, candidates: [1, 2, 3]), oneOf: [3], "the next publish after \(step)")
        #expect(ReportSets.leftovers(in: folder.path).isEmpty, "\(ReportSets.leftovers(in: folder.path))")
        let sets = ReportSets.timestamped(in: folder.path)
        #expect(sets.count == (switched ? 3 : 2), "a set that was never published leaves no timestamped file: \(sets)")
        for (stem, extensions) in sets {
            #expect(extensions.count == 5, "every timestamped set is whole after the next publish: \(stem) \(extensions)")
        }
        let hidden = try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { $0.hasPrefix(".preflight-run-") }
        #expect(hidden.count <= 2, "only the published run folder and the one it replaced: \(hidden)")
    }

    /// Versions before this one wrote `latest.*` as regular files: the first publish turns them into links without a
    /// moment at which a reader could see a mix, wherever it stops.
    @Test(arguments: steps)
    func anUpgradeFromRegularLatestFilesIsAsSafe(_ step: ReportWriter.Step) throws {
        let folder = try TemporaryFolder("publish-upgrade")
        for format in Self.formats {
            try format.render(Self.report(1)).write(to: URL(fileURLWithPath: folder.url("latest.\(format.fileExtension!)")))
        }
        #expect(try !Self.publish(2, to: folder.path, stopAt: step), "the publish stopped at \(step)")
        let switched = Self.steps.firstIndex(of: step)! >= Self.steps.firstIndex(of: .switched)!
        Self.expectWhole(Self.latestRuns(in: folder.path, candidates: [1, 2]), oneOf: [switched ? 2 : 1], "upgrade stopped at \(step)")
        #expect(try Self.publish(3, to: folder.path))
        Self.expectWhole(Self.latestRuns(in: folder.path, candidates: [3]), oneOf: [3], "the next publish after \(step)")
        #expect(ReportSets.leftovers(in: folder.path).isEmpty)
    }

    @Test func aRunWithFewerFormatsLeavesNoLatestFileOfAnother() throws {
        let folder = try TemporaryFolder("publish-formats")
        #expect(try Self.publish(1, to: folder.path))
        _ = try ReportWriter.write(Self.report(2), formats: [.md, .json], to: folder.path)
        let latest = ReportSets.latest(in: folder.path)
        #expect(latest.keys.sorted() == ["json", "md"], "latest.prom of run 1 would be a mix with run 2's latest.md")
        #expect(latest["md"] == ReportFormat.md.render(Self.report(2)))
        let names = try FileManager.default.contentsOfDirectory(atPath: folder.path)
        #expect(!names.contains("latest.prom") && !names.contains("latest.csv"), "no dangling link: \(names)")
    }

    @Test func theTimestampedFilesAndLatestAreTheSameBytesWithoutASecondCopy() throws {
        let folder = try TemporaryFolder("publish-links")
        let written = try ReportWriter.write(Self.report(1), formats: Self.formats, to: folder.path)
        for path in written {
            let ext = String(path.split(separator: ".", maxSplits: 1)[1])
            let latest = folder.url("latest.\(ext)")
            #expect(FileManager.default.contents(atPath: latest) == FileManager.default.contents(atPath: path))
            var a = stat(), b = stat()
            #expect(stat(latest, &a) == 0 && stat(path, &b) == 0 && a.st_ino == b.st_ino, "hard links, not copies: \(path)")
        }
    }

    /// A folder whose previous `latest.*` a run cannot replace (here: a folder named `latest.md`) fails with 73 and
    /// publishes nothing: the other formats keep the previous run's too.
    @Test func aFailedPublishChangesNoLatestFile() throws {
        let folder = try TemporaryFolder("publish-fail")
        _ = try ReportWriter.write(Self.report(1), formats: [.json], to: folder.path)
        try FileManager.default.createDirectory(atPath: folder.url("latest.md/inside"), withIntermediateDirectories: true)
        #expect(throws: PreflightError.self) { try ReportWriter.write(Self.report(2), formats: [.json, .md], to: folder.path) }
        #expect(ReportSets.latest(in: folder.path)["json"] == ReportFormat.json.render(Self.report(1)))
        #expect(ReportSets.leftovers(in: folder.path).isEmpty)
        #expect(ReportSets.timestamped(in: folder.path).count == 1, "the failed run left no timestamped file")
    }
}
