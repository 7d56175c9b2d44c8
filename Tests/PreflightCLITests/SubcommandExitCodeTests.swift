import Foundation
import PreflightTestSupport
import Testing

import PreflightKit

/// The README's exit-code table, subcommand by subcommand, and the gate flags of `run`.
@Suite("CLI exit codes per subcommand and gate")
struct SubcommandExitCodeTests {
    let folder = try! TemporaryFolder("cli-gate")

    /// One plugin check per reply, each with its own severity.
    func checks(_ replies: [(id: String, severity: String, reply: String)]) throws -> String {
        let catalog = TestCatalog(in: folder)
        for (id, severity, reply) in replies {
            try catalog.plugin(id, title: "Check \(id)", severity: severity, reply: reply)
        }
        return catalog.path
    }

    func run(_ arguments: [String]) async throws -> CLIResult { try await CLI.run(arguments, in: folder.path) }

    static let pass = #"{"status":"pass"}"#
    static let fail = #"{"status":"fail","message":"broken"}"#
    static let warn = #"{"status":"warn","message":"shaky"}"#

    @Test func failOnLetsLowerFailuresThroughButReportsThem() async throws {
        let custom = try checks([("PLG-601", "medium", Self.fail), ("PLG-602", "critical", Self.pass)])
        let base = ["run", "--checks", custom, "--only", "PLG-601,PLG-602", "--out", "out"]
        let gated = try await run(base + ["--fail-on", "high"])
        #expect(gated.exitCode == 0, "\(gated)")
        #expect(gated.stderr.isEmpty)
        let lines = gated.stdout.split(separator: "\n").map(String.init)
        #expect(lines[0].hasPrefix("NOT READY (selection: --only PLG-601,PLG-602) — at least one check failed"), "the verdict is still the truth: \(gated)")
        #expect(lines[1] == "Gate --fail-on high: exit code 0 (no check blocks the run).")
        let report = try JSONReporter.parse(Data(try folder.read("out/latest.json").utf8), file: "latest.json")
        #expect(report.exitCode == 0 && !report.ready && report.checks.first { $0.id == "PLG-601" }?.status == .fail)
        try await SchemaValidator.validate(reportAt: folder.url("out/latest.json"))

        let atMedium = try await run(base + ["--fail-on", "medium", "--quiet"])
        #expect(atMedium.exitCode == 1 && atMedium.stdout.isEmpty && atMedium.stderr.isEmpty, "\(atMedium)")
    }

    @Test func strictFailsOnWarnings() async throws {
        let custom = try checks([("PLG-611", "low", Self.warn), ("PLG-612", "high", Self.pass)])
        let base = ["run", "--checks", custom, "--only", "PLG-611,PLG-612", "--out", "out", "--format", "json,summary"]
        let lenient = try await run(base)
        #expect(
            lenient.exitCode == 0 && lenient.stdout.hasPrefix("READY (selection: --only PLG-611,PLG-612) 0 fail, 1 warn, 0 error, 1 pass, 0 skip"),
            "\(lenient)")
        let strict = try await run(base + ["--strict"])
        #expect(strict.exitCode == 1 && strict.stderr.isEmpty, "\(strict)")
        let strictAboveLow = try await run(base + ["--strict", "--fail-on", "medium"])
        #expect(strictAboveLow.exitCode == 0, "\(strictAboveLow)")
        try await SchemaValidator.validate(reportAt: folder.url("out/latest.json"))
    }

    @Test func anUnknownSeverityIs64() async throws {
        let result = try await run(["run", "--fail-on", "severe", "--out", "out"])
        #expect(result.exitCode == 64 && result.stdout.isEmpty)
        #expect(
            result.stderr.hasPrefix(
                "Error: The value 'severe' is invalid for '--fail-on <severity>'. Please provide one of 'critical', 'high', 'medium', 'low' or 'info'.\n"),
            "\(result)")
    }

    struct Case: Sendable, CustomStringConvertible {
        var arguments: [String]
        var code: Int32
        var stderr: String
        var description: String { "\(arguments.joined(separator: " ")) → \(code)" }
    }

    /// `{custom}` is a folder with one valid check, `{broken}` one with an invalid check definition.
    static let table: [Case] = [
        Case(arguments: ["list"], code: 0, stderr: ""),
        Case(arguments: ["list", "--format", "xml"], code: 64, stderr: "Error: The value 'xml' is invalid for '--format <format>'. Please provide one of 'text', 'md' or 'json'.\n"),
        Case(arguments: ["list", "--checks", "{broken}"], code: 78, stderr: "PLG-699.yml:"),
        Case(arguments: ["list", "--checks", "no-such-folder"], code: 66, stderr: "preflight: error: Cannot read check folder 'no-such-folder'"),
        Case(arguments: ["explain", "PLG-001"], code: 0, stderr: ""),
        Case(arguments: ["explain", "NOPE-999"], code: 64, stderr: "preflight: error: Unknown check id 'NOPE-999'."),
        Case(arguments: ["explain", "PLG-001", "--checks", "{broken}"], code: 78, stderr: "PLG-699.yml:"),
        Case(arguments: ["explain", "PLG-001", "--checks", "no-such-folder"], code: 66, stderr: "preflight: error: Cannot read check folder 'no-such-folder'"),
        Case(arguments: ["validate", "--checks", "{custom}"], code: 0, stderr: ""),
        Case(arguments: ["validate", "--config", "missing.yml"], code: 66, stderr: "preflight: error: Cannot read configuration file 'missing.yml'"),
        Case(arguments: ["validate", "--checks", "{broken}"], code: 78, stderr: "PLG-699.yml:"),
        Case(arguments: ["validate", "--frobnicate"], code: 64, stderr: "Unknown option '--frobnicate'"),
        Case(arguments: ["render", "{golden}", "--format", "summary"], code: 0, stderr: ""),
        Case(arguments: ["render", "{golden}", "--format", "pdf"], code: 64, stderr: "Error: The value 'pdf' is invalid for '--format <format>'. Please provide one of the following:\n  - md\n"),
        Case(arguments: ["render", "{golden}", "--frobnicate"], code: 64, stderr: "Unknown option '--frobnicate'"),
        Case(arguments: ["render", "not-json.txt"], code: 65, stderr: "not-json.txt: error: it is not valid JSON"),
        Case(arguments: ["render", "missing.json"], code: 66, stderr: "preflight: error: Cannot read report 'missing.json'"),
        Case(arguments: ["render", "{golden}", "--out", "not-a-folder/x.md"], code: 73, stderr: "preflight: error: Cannot write 'not-a-folder/x.md'"),
        Case(arguments: ["run", "--checks", "{custom}", "--only", "PLG-698", "--out", "out"], code: 0, stderr: ""),
        Case(arguments: ["run", "--checks", "{broken}", "--out", "out"], code: 78, stderr: "PLG-699.yml:"),
        Case(arguments: ["run", "--checks", "{custom}", "--only", "PLG-698", "--keep", "0"], code: 64, stderr: "preflight: error: --keep must be at least 1"),
        Case(arguments: ["run", "--checks", "{custom}", "--only", "PLG-698", "--baseline", "missing.json"], code: 66, stderr: "Cannot read baseline report 'missing.json'"),
        Case(arguments: ["run", "--checks", "{custom}", "--only", "PLG-698", "--baseline", "not-json.txt"], code: 65, stderr: "not-json.txt: error:"),
        Case(arguments: ["diff", "{golden}", "{golden}"], code: 0, stderr: ""),
        Case(arguments: ["diff", "{golden}", "worse.json"], code: 1, stderr: ""),
        Case(arguments: ["diff", "{golden}"], code: 64, stderr: "Missing expected argument '<new>'"),
        Case(arguments: ["diff", "{golden}", "{golden}", "--format", "html"], code: 64, stderr: "Error: The value 'html' is invalid for '--format <format>'. Please provide one of 'md' and 'json'.\n"),
        Case(arguments: ["diff", "{golden}", "not-json.txt"], code: 65, stderr: "not-json.txt: error: it is not valid JSON"),
        Case(arguments: ["diff", "missing.json", "{golden}"], code: 66, stderr: "preflight: error: Cannot read report 'missing.json'"),
        Case(arguments: ["diff", "{golden}", "{golden}", "--out", "not-a-folder/x.md"], code: 73, stderr: "preflight: error: Cannot write 'not-a-folder/x.md'"),
    ]

    @Test(arguments: table)
    func everySubcommandHonoursTheExitCodeTable(_ testCase: Case) async throws {
        let custom = try checks([("PLG-698", "low", Self.pass)])
        try TestCatalog(in: folder, "broken").file("PLG-699.yml", "id: PLG-699\ntitle: x\ndescription: x\nprobe: exec\nseverity: extreme\nparams: {command: [x]}\n")
        try folder.write("not-json.txt", "hello")
        try folder.write("not-a-folder", "x")
        // The golden report with one more failing finding: worse.
        var worse = try JSONReporter.load(Repository.fixture("golden/report.json"))
        let index = try #require(worse.checks.firstIndex { $0.status == .fail })
        worse.checks[index].findings.append(Finding(status: .fail, target: "CN=New Hire,DC=corp", message: "No ACE."))
        try folder.write("worse.json", JSONReporter.render(worse))
        let arguments = testCase.arguments.map {
            $0.replacingOccurrences(of: "{custom}", with: custom).replacingOccurrences(of: "{broken}", with: folder.url("broken"))
                .replacingOccurrences(of: "{golden}", with: Repository.fixture("golden/report.json"))
        }
        let result = try await run(arguments)
        #expect(result.exitCode == testCase.code, "\(result)")
        if testCase.stderr.isEmpty {
            #expect(result.stderr.isEmpty, "\(result)")
            #expect(!result.stdout.isEmpty, "a successful command prints its answer: \(result)")
        } else {
            #expect(result.stderr.contains(testCase.stderr), "\(result)")
        }
    }
}
