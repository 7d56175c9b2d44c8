import Foundation
import PreflightTestSupport
import Testing

import PreflightKit

/// End-to-end: the built binary, as CI and cron run it. Each test asserts stdout, stderr and the exit code.
@Suite("CLI exit codes")
struct ExitCodeTests {
    let folder = try! TemporaryFolder("cli")

    /// A custom check folder with one plugin that replies `reply` (a JSON object or raw text).
    func pluginFolder(_ id: String = "PLG-201", reply: String) throws -> String {
        try TestCatalog(in: folder).plugin(id, title: "Custom check \(id)", reply: reply)
    }

    func run(_ arguments: [String]) async throws -> CLIResult {
        try await CLI.run(arguments, in: folder.path)
    }

    @Test func readyIs0AndWritesValidReports() async throws {
        let checks = try pluginFolder(reply: #"{"status":"pass","message":"fine"}"#)
        let result = try await run(["run", "--checks", checks, "--only", "PLG-201", "--out", "out"])
        #expect(result.exitCode == 0, "\(result) \((try? folder.read("out/latest.json")) ?? "")")
        #expect(result.stderr.isEmpty, "\(result)")
        let lines = result.stdout.split(separator: "\n").map(String.init)
        // --only narrows the run: READY speaks for the selection, and says so (issue #13).
        #expect(
            lines.first
                == "READY (selection: --only PLG-201) — no selected check failed or errored (0 failed, 0 warnings, 0 errors, 1 passed, "
                + "0 skipped); checks outside the selection were not run.")
        #expect(lines.count == 3 && lines[1].hasPrefix("out/preflight-") && lines[1].hasSuffix(".md") && lines[2].hasSuffix(".json"))
        try await SchemaValidator.validate(reportAt: folder.url("out/latest.json"))
        #expect(try folder.read("out/latest.md").contains("# Password writeback readiness: READY (selection: --only PLG-201)\n"))
        let report = try JSONReporter.parse(Data(try folder.read("out/latest.json").utf8), file: "latest.json")
        #expect(report.ready && report.exitCode == 0 && report.checks.map(\.id) == ["PLG-201"])
    }

    @Test func notReadyIs1() async throws {
        let checks = try pluginFolder(reply: #"{"status":"fail","message":"broken","findings":[{"status":"fail","target":"x","message":"y"}]}"#)
        let result = try await run(["run", "--checks", checks, "--only", "PLG-201", "--out", "out", "--quiet"])
        #expect(result.exitCode == 1, "\(result)")
        #expect(result.stdout.isEmpty && result.stderr.isEmpty, "--quiet prints nothing: \(result)")
        try await SchemaValidator.validate(reportAt: folder.url("out/latest.json"))
        #expect(try folder.read("out/latest.md").contains("**NOT READY**"))
    }

    @Test func incompleteIs2() async throws {
        let checks = try pluginFolder(reply: "not json at all")
        let result = try await run(["run", "--checks", checks, "--only", "PLG-201", "--out", "out"])
        #expect(result.exitCode == 2, "\(result)")
        #expect(result.stdout.hasPrefix("INCOMPLETE (selection: --only PLG-201) — nothing failed, but some checks could not decide"), "\(result)")
        #expect(result.stdout.contains("; not assessed: PLG-201 (error)."), "\(result)")
        #expect(result.stderr.isEmpty)
        try await SchemaValidator.validate(reportAt: folder.url("out/latest.json"))
    }

    /// The deadline's precision is judged here, in a process of its own: inside the test process, hundreds of
    /// parallel tests share two cooperative threads with the runner's timer, so only "it ended" can be asserted there.
    @Test func aHungPluginIs2AtItsDeadlineAndItsChildrenDie() async throws {
        let pidFile = folder.url("child.pid")
        let hung = try TestCatalog(in: folder, "hung").plugin(
            "PLG-202", title: "A plugin that hangs", timeoutSeconds: 1, script: "#!/bin/sh\ncat >/dev/null\nsleep 300 &\necho $! > \(pidFile)\nwait\n")
        let result = try await run(["run", "--checks", hung, "--only", "PLG-202", "--out", "out"])
        #expect(result.exitCode == 2, "\(result)")
        #expect(result.stdout.hasPrefix("INCOMPLETE"), "\(result)")
        let report = try JSONReporter.parse(Data(try folder.read("out/latest.json").utf8), file: "latest.json")
        let check = try #require(report.checks.first)
        #expect(check.status == .error)
        #expect(check.message.contains("deadline of 1 s") || check.message.contains("killed with its process group"), "\(check.message)")
        // One second of deadline plus slack for killing the group and draining its pipes; far below the child's 300 s.
        #expect(check.durationMs < 3_500, "took \(check.durationMs) ms")
        #expect(report.run.durationMs < 5_000, "the run took \(report.run.durationMs) ms")
        let childPID = try #require(Int32(try folder.read("child.pid").trimmingCharacters(in: .whitespacesAndNewlines)))
        let status = try? String(contentsOfFile: "/proc/\(childPID)/status", encoding: .utf8)
        #expect(status == nil || status!.contains("State:\tZ"), "child \(childPID) still alive")
    }

    @Test func unknownCheckIdIs64() async throws {
        let result = try await run(["run", "--only", "NOPE-999", "--out", "out"])
        #expect(result.exitCode == 64)
        #expect(result.stdout.isEmpty)
        #expect(result.stderr == "preflight: error: Unknown check id 'NOPE-999'. Run 'preflight list' to see the catalog.\n")
        #expect(!FileManager.default.fileExists(atPath: folder.url("out")))
    }

    @Test func badFlagsAre64() async throws {
        let unknownFlag = try await run(["run", "--frobnicate"])
        #expect(unknownFlag.exitCode == 64 && unknownFlag.stderr.contains("Unknown option '--frobnicate'"))
        let badFormat = try await run(["run", "--format", "xml", "--out", "out"])
        #expect(badFormat.exitCode == 64 && badFormat.stderr.contains("The value 'xml' is invalid for '--format <formats>'"))
        let explain = try await run(["explain", "NOPE-999"])
        #expect(explain.exitCode == 64 && explain.stderr.contains("Unknown check id 'NOPE-999'"))
    }

    @Test func malformedRenderInputIs65() async throws {
        try folder.write("broken.json", "{\"schemaVersion\": 1, \"tool\": ")
        let result = try await run(["render", "broken.json", "--format", "md"])
        #expect(result.exitCode == 65)
        #expect(result.stdout.isEmpty)
        #expect(result.stderr.hasPrefix("broken.json: error: it is not valid JSON"), "\(result)")
    }

    @Test func unreadableFilesAre66() async throws {
        let missingConfig = try await run(["run", "--config", "nope.yml", "--out", "out"])
        #expect(missingConfig.exitCode == 66)
        #expect(missingConfig.stderr.hasPrefix("preflight: error: Cannot read configuration file 'nope.yml': it does not exist."))

        try folder.write("preflight.yml", "ldap: {url: \"ldaps://127.0.0.1\", bindDN: r, passwordEnv: P, caFile: ca/missing.pem}\n")
        let namedFile = try await run(["run", "--config", "preflight.yml", "--out", "out"])
        #expect(namedFile.exitCode == 66)
        #expect(namedFile.stderr.contains("Cannot read the file named by 'ldap.caFile'"))
        #expect(namedFile.stderr.contains(folder.url("ca/missing.pem")))

        let missingReport = try await run(["render", "gone.json"])
        #expect(missingReport.exitCode == 66 && missingReport.stderr.contains("'gone.json'"))
    }

    @Test func anUnwritableOutputFolderIs73() async throws {
        let checks = try pluginFolder(reply: #"{"status":"pass"}"#)
        try folder.write("not-a-folder", "x")
        let result = try await run(["run", "--checks", checks, "--only", "PLG-201", "--out", "not-a-folder/reports"])
        #expect(result.exitCode == 73, "\(result)")
        #expect(result.stderr.hasPrefix("preflight: error: Cannot write 'not-a-folder/reports'"), "\(result)")
    }

    @Test func malformedConfigIs78WithFileLineColumn() async throws {
        try folder.write("bad.yml", "phase: preflight\nldap:\n  url: [ldaps://dc\n")
        let result = try await run(["run", "--config", "bad.yml", "--out", "out"])
        #expect(result.exitCode == 78)
        #expect(result.stdout.isEmpty)
        #expect(result.stderr.hasPrefix("bad.yml:4:1: error: The file is not valid YAML"), "\(result)")

        try folder.write("unknown.yml", "phase: preflight\ntopolgy: cloud-sync\n")
        let unknown = try await run(["validate", "--config", "unknown.yml"])
        #expect(unknown.exitCode == 78)
        #expect(unknown.stderr.hasPrefix("unknown.yml:2:1: error: Unknown key 'topolgy'. Did you mean 'topology'?"), "\(unknown)")
    }

    @Test func invalidCheckDefinitionIs78() async throws {
        let custom = TestCatalog(in: folder)
        try custom.file("PLG-300.yml", "id: PLG-300\ntitle: x\ndescription: x\nprobe: exec\nseverity: high\nparams: {}\n")
        let result = try await run(["validate", "--checks", custom.path])
        #expect(result.exitCode == 78)
        #expect(result.stderr.contains("PLG-300.yml:6:9: error: 'params.command' is required"), "\(result)")
    }

    @Test func validateListAndExplainTheShippedCatalog() async throws {
        let validate = try await run(["validate"])
        #expect(validate.exitCode == 0 && validate.stderr.isEmpty)
        #expect(validate.stdout.hasPrefix("Catalog OK: "))
        let list = try await run(["list"])
        #expect(list.exitCode == 0 && list.stdout.contains("PLG-001  medium"))
        let json = try await run(["list", "--format", "json"])
        #expect(json.exitCode == 0 && json.stdout.contains("\"id\" : \"PLG-001\""))
        let explain = try await run(["explain", "PLG-001"])
        #expect(explain.exitCode == 0 && explain.stdout.hasPrefix("PLG-001: Trusted CA certificates are not about to expire"))
        #expect(explain.stdout.contains("Remediation:") && explain.stdout.contains("warnDays: 30"))
    }

    @Test func renderReproducesTheGoldenMarkdown() async throws {
        let result = try await run(["render", Repository.fixture("golden/report.json"), "--format", "md"])
        #expect(result.exitCode == 0 && result.stderr.isEmpty)
        assertSnapshot(result.stdout, named: "report.md")
        let toFile = try await run(["render", Repository.fixture("golden/report.json"), "--out", "copy.md"])
        #expect(toFile.exitCode == 0 && toFile.stdout.isEmpty)
        #expect(try folder.read("copy.md") == result.stdout)
    }

    @Test func versionAndHelp() async throws {
        let version = try await run(["--version"])
        #expect(version.exitCode == 0 && version.stdout == "\(PreflightVersion.current)\n")
        let help = try await run(["run", "--help"])
        #expect(help.exitCode == 0 && help.stdout.contains("--checks <dir>"))
    }

    /// Options taking one of a closed set list the values in `--help`; the report formats with their reporter's line.
    @Test func helpListsTheValuesOfEveryClosedSetOption() async throws {
        let run = try await self.run(["run", "--help"])
        #expect(run.exitCode == 0, "\(run)")
        let oneLine = run.stdout.split(whereSeparator: \.isWhitespace).joined(separator: " ")
        #expect(oneLine.contains("--phase <phase> Override the configuration's phase. (values: preflight, health)"), "\(run)")
        #expect(oneLine.contains("(values: critical, high, medium, low, info)"), "\(run)")
        #expect(oneLine.contains("--format <formats> Report formats, comma-separated or repeated. (default: md,json)"), "\(run)")
        let render = try await self.run(["render", "--help"])
        let evaluate = try await self.run(["evaluate", "--help"])
        for output in [run, render, evaluate] {
            let lines = output.stdout.split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }
            for format in ReportFormat.allCases {
                let words = format.reporter.description.split(separator: " ").prefix(2).joined(separator: " ")
                #expect(lines.contains { $0.hasPrefix(format.rawValue + " ") && $0.contains("- " + words) }, "\(format): \(output)")
            }
        }
        let list = try await self.run(["list", "--help"])
        let listLines = list.stdout.split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }
        #expect(["text ", "md ", "json "].allSatisfy { value in listLines.contains { $0.hasPrefix(value) } }, "\(list)")
        let diff = try await self.run(["diff", "--help"])
        let diffText = diff.stdout.split(whereSeparator: \.isWhitespace).joined(separator: " ")
        #expect(diffText.contains("md - A Markdown document of the changes.") && diffText.contains("(values: critical, high, medium, low, info)"), "\(diff)")
    }
}
