import Foundation
import PreflightTestSupport
import Testing

import PreflightKit

/// `run --baseline` and `preflight diff` through the binary: what a cron job and a reviewer see.
@Suite("CLI: baselines and diff")
struct DriftCLITests {
    let folder = try! TemporaryFolder("cli-drift")

    /// A plugin check whose reply is read from `<id>.reply` at run time, so a test can change it between runs.
    func writeCheck(_ id: String, severity: String = "high") throws {
        try TestCatalog(in: folder).plugin(id, severity: severity, script: "#!/bin/sh\ncat >/dev/null\ncat \"$(dirname \"$0\")/\(id).reply\"\n")
    }

    func reply(_ id: String, _ status: String, users: [String] = []) throws {
        let findings = users.map { #"{"status":"fail","target":"CN=\#($0),OU=Staff,DC=corp","message":"No ACE grants Reset Password."}"# }
        try TestCatalog(in: folder).file("\(id).reply", #"{"status":"\#(status)","message":"\#(status) reply","findings":[\#(findings.joined(separator: ","))]}"#)
    }

    func run(_ arguments: [String]) async throws -> CLIResult { try await CLI.run(arguments, in: folder.path) }

    func report(_ relative: String) throws -> Report {
        try JSONReporter.parse(Data(try folder.read(relative).utf8), file: relative)
    }

    var cronRun: [String] {
        ["run", "--checks", folder.url("custom"), "--only", "PLG-701,PLG-702", "--out", "out", "--baseline", "latest"]
    }

    @Test func aCronRunLeadsWithWhatChangedSinceTheLatestReport() async throws {
        try writeCheck("PLG-701", severity: "critical")
        try writeCheck("PLG-702", severity: "medium")
        try reply("PLG-701", "fail", users: ["alice", "bob"])
        try reply("PLG-702", "pass")

        let first = try await run(cronRun + ["--format", "md,json,summary"])
        #expect(first.exitCode == 1 && first.stderr.isEmpty, "\(first) \((try? folder.read("out/latest.json")) ?? "")")
        #expect(first.stdout.hasPrefix("NOT READY (selection: --only PLG-701,PLG-702) 1 fail, 0 warn, 0 error, 1 pass, 0 skip (out/preflight-"), "\(first)")
        #expect(!first.stdout.contains("baseline"), "nothing to compare with yet: \(first)")
        let firstReport = try report("out/latest.json")
        #expect(firstReport.changes == nil)
        #expect(firstReport.notices.contains { $0.hasPrefix("--baseline latest: there is no earlier report 'out/latest.json' yet") })

        try reply("PLG-701", "fail", users: ["bob", "carol"])
        try reply("PLG-702", "warn")
        let second = try await run(cronRun + ["--format", "md,json,prom,summary"])
        #expect(second.exitCode == 1 && second.stderr.isEmpty, "\(second)")
        #expect(second.stdout.hasSuffix("; worse since the baseline (1 new, 1 resolved, 1 check worse)\n"), "\(second)")
        let changes = try #require(try report("out/latest.json").changes)
        #expect(changes.worse && changes.baseline.runId == firstReport.run.id)
        let baselineFile = try #require(changes.baseline.file)
        #expect(baselineFile.hasPrefix("out/preflight-") && baselineFile.hasSuffix(".json"), "the run's own file, not latest.json, which this run replaced")
        #expect(try JSONReporter.load(folder.url(baselineFile)).run.id == firstReport.run.id)
        #expect(changes.findings.new.map(\.target) == ["CN=carol,OU=Staff,DC=corp"])
        #expect(changes.findings.resolved.map(\.target) == ["CN=alice,OU=Staff,DC=corp"])
        #expect(changes.findings.unchanged.map(\.target) == ["CN=bob,OU=Staff,DC=corp"])
        #expect(changes.checks.map { "\($0.id) \($0.from!.rawValue)→\($0.to!.rawValue) \($0.trend.rawValue)" } == ["PLG-702 pass→warn worse"])
        try await SchemaValidator.validate(reportAt: folder.url("out/latest.json"))
        let samples = try await FormatValidators.prometheus(at: folder.url("out/latest.prom"))
        #expect(samples["preflight_baseline_worse"] == 1)
        #expect(samples[#"preflight_baseline_findings{change="new"}"#] == 1 && samples[#"preflight_baseline_findings{change="resolved"}"#] == 1)
        let markdown = try folder.read("out/latest.md")
        let changesAt = try #require(markdown.range(of: "## Changes since "))
        let checksAt = try #require(markdown.range(of: "## Checks"))
        #expect(changesAt.lowerBound < checksAt.lowerBound, "the report leads with what changed")
        #expect(markdown.contains("| PLG-701 | critical | ❌ fail | CN=carol,OU=Staff,DC=corp | No ACE grants Reset Password. |"))

        let third = try await run(cronRun)
        #expect(third.exitCode == 1, "\(third)")
        let lines = third.stdout.split(separator: "\n").map(String.init)
        #expect(lines.count == 4 && lines[1].hasPrefix("No change since the baseline of "), "\(third)")
        let sets = Set(try FileManager.default.contentsOfDirectory(atPath: folder.url("out")).filter { $0.hasSuffix(".json") })
        #expect(sets.count == 4, "three timestamped sets (same-second runs get -2, -3) and latest.json: \(sets)")
    }

    @Test func baselineLatestNeedsTheJSONFormat() async throws {
        try writeCheck("PLG-701")
        try reply("PLG-701", "pass")
        let result = try await run(["run", "--checks", folder.url("custom"), "--only", "PLG-701", "--out", "out", "--baseline", "latest", "--format", "md,prom"])
        #expect(result.exitCode == 64 && result.stdout.isEmpty, "\(result)")
        #expect(result.stderr == "preflight: error: --baseline latest compares with the previous latest.json in --out, which only the json format writes: add json to --format (e.g. --format md,json).\n")
    }

    @Test func aNamedBaselineMustBeAReport() async throws {
        try writeCheck("PLG-701")
        try reply("PLG-701", "pass")
        let base = ["run", "--checks", folder.url("custom"), "--only", "PLG-701", "--out", "out"]
        let missing = try await run(base + ["--baseline", "nope.json"])
        #expect(missing.exitCode == 66 && missing.stdout.isEmpty, "\(missing)")
        #expect(missing.stderr.hasPrefix("preflight: error: Cannot read baseline report 'nope.json': it does not exist"), "\(missing)")
        try folder.write("old.json", "{\"schemaVersion\": 1}")
        let malformed = try await run(base + ["--baseline", "old.json"])
        #expect(malformed.exitCode == 65, "\(malformed)")
        #expect(malformed.stderr.hasPrefix("old.json: error: it is not a preflight report: 'tool' is missing."), "\(malformed)")
        #expect(!FileManager.default.fileExists(atPath: folder.url("out/latest.json")), "nothing ran")
    }

    @Test func anUnreadableLatestReportIsANoticeNotAFailure() async throws {
        try writeCheck("PLG-701")
        try reply("PLG-701", "pass")
        // After an upgrade the previous latest.json may be of another schema version; the run must go on and replace it.
        try folder.write("out/latest.json", "{\"schemaVersion\": 99}")
        let result = try await run(["run", "--checks", folder.url("custom"), "--only", "PLG-701", "--out", "out", "--baseline", "latest"])
        #expect(result.exitCode == 0, "\(result)")
        let notices = try report("out/latest.json").notices
        #expect(notices.contains { $0.hasPrefix("--baseline latest: the earlier report could not be compared with (out/latest.json: error:") }, "\(notices)")
    }

    /// Two reports of the same checks, the later one with one user fixed and one new.
    func twoReports() async throws -> (old: String, new: String) {
        try writeCheck("PLG-701")
        try reply("PLG-701", "fail", users: ["alice", "bob"])
        let first = try await run(["run", "--checks", folder.url("custom"), "--only", "PLG-701", "--out", "a", "--format", "json"])
        try reply("PLG-701", "fail", users: ["bob", "dave"])
        let second = try await run(["run", "--checks", folder.url("custom"), "--only", "PLG-701", "--out", "b", "--format", "json"])
        #expect(first.exitCode == 1 && second.exitCode == 1)
        return ("a/latest.json", "b/latest.json")
    }

    @Test func diffPrintsMarkdownAndExitsOneWhenSomethingGotWorse() async throws {
        let (old, new) = try await twoReports()
        let worse = try await run(["diff", old, new])
        #expect(worse.exitCode == 1 && worse.stderr.isEmpty, "\(worse)")
        #expect(worse.stdout.hasPrefix("# Changes: Worse\n"), "\(worse)")
        #expect(worse.stdout.contains("| PLG-701 | high | ❌ fail | CN=dave,OU=Staff,DC=corp | No ACE grants Reset Password. |"))
        #expect(worse.stdout.contains("## Resolved findings (1)"))

        let better = try await run(["diff", new, new])
        #expect(better.exitCode == 0 && better.stdout.hasPrefix("# Changes: No change\n"), "\(better)")

        let json = try await run(["diff", old, new, "--format", "json", "--out", "diff.json"])
        #expect(json.exitCode == 1 && json.stdout.isEmpty && json.stderr.isEmpty, "\(json)")
        try await SchemaValidator.validate(diffAt: folder.url("diff.json"))
        let document = try #require(try JSONSerialization.jsonObject(with: Data(try folder.read("diff.json").utf8)) as? [String: Any])
        #expect(document["exitCode"] as? Int == 1)
        let findings = try #require((document["changes"] as? [String: Any])?["findings"] as? [String: Any])
        #expect((findings["new"] as? [[String: Any]])?.first?["target"] as? String == "CN=dave,OU=Staff,DC=corp")
        #expect((findings["unchanged"] as? [[String: Any]])?.count == 1)
        #expect(document["failOn"] is NSNull)
    }

    @Test func diffFailOnIgnoresWhatGotWorseBelowTheSeverity() async throws {
        let (old, new) = try await twoReports()  // PLG-701 is high
        let critical = try await run(["diff", old, new, "--fail-on", "critical"])
        #expect(critical.exitCode == 0 && critical.stdout.hasPrefix("# Changes: Worse\n"), "the document still tells the truth: \(critical)")
        let high = try await run(["diff", old, new, "--fail-on", "high"])
        #expect(high.exitCode == 1, "\(high)")
        let json = try await run(["diff", old, new, "--fail-on", "critical", "--format", "json", "--out", "diff.json"])
        #expect(json.exitCode == 0, "\(json)")
        try await SchemaValidator.validate(diffAt: folder.url("diff.json"))
        let document = try #require(try JSONSerialization.jsonObject(with: Data(try folder.read("diff.json").utf8)) as? [String: Any])
        #expect(document["failOn"] as? String == "critical" && document["exitCode"] as? Int == 0)
        #expect((document["changes"] as? [String: Any])?["worse"] as? Bool == true)
        let unknown = try await run(["diff", old, new, "--fail-on", "severe"])
        #expect(unknown.exitCode == 64 && unknown.stderr.hasPrefix("Error: The value 'severe' is invalid for '--fail-on <severity>'."), "\(unknown)")
    }
}
