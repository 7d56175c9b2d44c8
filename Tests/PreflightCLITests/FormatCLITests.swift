import Foundation
import PreflightTestSupport
import Testing

import PreflightKit

/// `run --format` and `render --format` with the machine formats, end to end.
@Suite("CLI report formats")
struct FormatCLITests {
    let folder = try! TemporaryFolder("cli-formats")

    func failingCheck() throws -> String {
        try TestCatalog(in: folder).plugin(
            "PLG-501", title: "Formats check",
            reply: #"{"status":"fail","message":"Two things are broken.","findings":[{"status":"fail","target":"CN=a,DC=x","message":"bad, \"really\""},{"status":"fail","target":"CN=b,DC=x","message":"also bad"}]}"#)
    }

    @Test func everyFormatAtOnceWithTheSummaryLineOnStdout() async throws {
        let checks = try failingCheck()
        let result = try await CLI.run(
            ["run", "--checks", checks, "--only", "PLG-501", "--out", "out", "--format", "md,json,junit", "--format", "prom,csv,subjects-csv,summary"],
            in: folder.path)
        #expect(result.exitCode == 1, "\(result)")
        #expect(result.stderr.isEmpty, "\(result)")
        let line = try #require(result.stdout.split(separator: "\n").first.map(String.init))
        #expect(result.stdout == line + "\n", "summary prints exactly one line: \(result)")
        #expect(
            line.hasPrefix("NOT READY (selection: --only PLG-501) 1 fail, 0 warn, 0 error, 0 pass, 0 skip (out/preflight-") && line.hasSuffix(".md)"),
            "\(line)")
        for ext in ["md", "json", "junit.xml", "prom", "csv", "subjects.csv"] {
            #expect(FileManager.default.fileExists(atPath: folder.url("out/latest.\(ext)")), "latest.\(ext)")
        }
        let mdPath = try #require(line.split(separator: "(").last).dropLast()  // "out/preflight-<timestamp>.md"
        let stem = String(mdPath.dropLast(3))
        #expect(FileManager.default.fileExists(atPath: folder.url(stem + ".junit.xml")))
        let cases = try await FormatValidators.junit(at: folder.url("out/latest.junit.xml"))
        #expect(cases["PLG-501 Formats check"] == "failure")
        let samples = try await FormatValidators.prometheus(at: folder.url("out/latest.prom"))
        #expect(samples[#"preflight_check_status{area="plugins",id="PLG-501",severity="high"}"#] == 2)
        #expect(samples[#"preflight_findings{id="PLG-501"}"#] == 2 && samples["preflight_ready"] == 0)
        // The action plan: one action covering both subjects; the subjects CSV: one row each.
        let actions = try await FormatValidators.csv(at: folder.url("out/latest.csv"))
        #expect(actions.count == 2 && actions[1][1] == "Resolve PLG-501: Formats check" && actions[1][5] == "2", "\(actions)")
        #expect(actions[1][6] == "CN=a,DC=x; CN=b,DC=x" && actions[1][7...].allSatisfy(\.isEmpty), "\(actions)")
        let subjects = try await FormatValidators.csv(at: folder.url("out/latest.subjects.csv"))
        #expect(subjects.count == 3 && subjects[1][7] == "bad, \"really\"" && subjects[2][3] == "CN=b,DC=x", "\(subjects)")
        try await SchemaValidator.validate(reportAt: folder.url("out/latest.json"))
    }

    @Test func summaryAloneWritesNoFile() async throws {
        let checks = try failingCheck()
        let result = try await CLI.run(
            ["run", "--checks", checks, "--only", "PLG-501", "--out", "out", "--format", "summary"], in: folder.path)
        #expect(result.exitCode == 1 && result.stderr.isEmpty, "\(result)")
        #expect(result.stdout == "NOT READY (selection: --only PLG-501) 1 fail, 0 warn, 0 error, 0 pass, 0 skip\n")
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.url("out")) == [RunLock.fileName], "only the run lock")
    }

    @Test func renderWritesEachMachineFormatFromASavedReport() async throws {
        let golden = Repository.fixture("golden/report.json")
        for (format, goldenName) in [
            ("junit", "report.junit.xml"), ("prom", "report.prom"), ("csv", "report.csv"), ("html", "report.html"),
            ("users-csv", "report.users.csv"), ("subjects-csv", "report.subjects.csv"),
        ] {
            let result = try await CLI.run(["render", golden, "--format", format, "--out", "copy.\(format)"], in: folder.path)
            #expect(result.exitCode == 0 && result.stdout.isEmpty && result.stderr.isEmpty, "\(result)")
            let copy = try Data(contentsOf: URL(fileURLWithPath: folder.url("copy.\(format)")))
            assertSnapshot(copy, named: goldenName)
        }
        let summary = try await CLI.run(["render", golden, "--format", "summary"], in: folder.path)
        #expect(
            summary.exitCode == 0 && summary.stdout == "NOT READY 1 fail, 1 warn, 1 error, 2 pass, 1 skip; not assessed: NET-001 (error)\n",
            "\(summary)")
        let bad = try await CLI.run(["render", golden, "--format", "yaml"], in: folder.path)
        #expect(bad.exitCode == 64)
        #expect(
            bad.stderr.hasPrefix(
                "Error: The value 'yaml' is invalid for '--format <format>'. Please provide one of the following:\n"
                    + "  - md\n  - json\n  - html\n  - junit\n  - prom\n  - csv\n  - users-csv\n  - subjects-csv\n  - summary\n"), "\(bad)")
    }
}
