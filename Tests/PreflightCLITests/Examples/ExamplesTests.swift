import Foundation
import PreflightTestSupport
import Testing
import Yams

import PreflightKit

/// The unattended-run examples in `examples/{cron,systemd,github-actions,azure-devops}`. Each example's preflight
/// command runs for real with the built binary, plugin checks standing in for the catalog; each file is checked
/// by its platform's own tool where one runs here (systemd-analyze, GitHub's workflow schema), structurally otherwise.
@Suite("Examples: cron, systemd, GitHub Actions, Azure DevOps")
struct ExamplesTests {}

// MARK: - Scenarios: what the checks answer, and the exit code each kind of run must make of it

extension ExamplesTests {
    struct Reply: Sendable {
        var id: String
        var severity: String
        var status: String  // pass, fail, error or skip (for want of input)

        var json: String {
            switch status {
            case "pass": #"{"status":"pass"}"#
            case "skip": #"{"status":"skip","reason":"no-input","message":"The export this check reads was not given."}"#
            default: #"{"status":"\#(status)","message":"The check says \#(status)."}"#
            }
        }
        var junitName: String { "\(id) Check \(id)" }
        var junitOutcome: String { ["pass": "passed", "fail": "failure", "error": "error", "skip": "skipped"][status] ?? status }
    }

    struct Scenario: Sendable, CustomStringConvertible {
        var description: String
        var replies: [Reply]
        /// The CI gate: `--phase preflight --fail-on high`.
        var gateExit: Int32
        /// The health run of cron and systemd: any failure counts.
        var healthExit: Int32

        /// Exit 2 (incomplete: readiness could not be judged) must never look like a pass: the examples fail or alert on it.
        var incomplete: Bool { healthExit == 2 }

        static let all: [Scenario] = [
            .init(description: "all pass", replies: replies("pass", "pass"), gateExit: 0, healthExit: 0),
            .init(description: "a high failure", replies: replies("fail", "pass"), gateExit: 1, healthExit: 1),
            .init(description: "only a medium failure", replies: replies("pass", "fail"), gateExit: 0, healthExit: 1),
            .init(description: "a check errored", replies: replies("error", "pass"), gateExit: 2, healthExit: 2),
            .init(description: "a high check had no input", replies: replies("skip", "pass"), gateExit: 2, healthExit: 2),
            .init(description: "only a medium check had no input", replies: replies("pass", "skip"), gateExit: 0, healthExit: 0),
        ]

        private static func replies(_ high: String, _ medium: String) -> [Reply] {
            [.init(id: "PLG-801", severity: "high", status: high), .init(id: "PLG-802", severity: "medium", status: medium)]
        }
    }

    /// A throwaway machine in one temporary folder: the scenario's plugin checks are the whole catalog
    /// (PREFLIGHT_CHECKS), so a run needs no directory, network or exports, and takes well under a second.
    struct Machine: Sendable {
        let folder: TemporaryFolder
        let scenario: Scenario

        init(_ scenario: Scenario, _ label: String) throws {
            folder = try TemporaryFolder("examples-\(label)")
            self.scenario = scenario
            let catalog = TestCatalog(in: folder, "catalog")
            for reply in scenario.replies {
                try catalog.plugin(reply.id, title: "Check \(reply.id)", severity: reply.severity, reply: reply.json)
            }
        }

        /// A configuration that needs nothing beyond the plugin checks.
        @discardableResult
        func writeConfiguration(at relative: String) throws -> String { try folder.write(relative, "report: {customer: Examples test}\n") }

        /// What the scheduler or CI runner provides; the password is only there to show the examples map it.
        var environment: [String: String] { ["PREFLIGHT_CHECKS": folder.url("catalog"), "PREFLIGHT_LDAP_PASSWORD": "unused-by-plugin-checks"] }

        /// A folder holding `preflight` (a link to the built binary) for PATH, as on the runner or agent.
        func binFolder() throws -> String {
            let bin = folder.url("bin")
            try FileManager.default.createDirectory(atPath: bin, withIntermediateDirectories: true)
            try? FileManager.default.createSymbolicLink(atPath: bin + "/preflight", withDestinationPath: CLI.executable)
            return bin
        }

        /// The reports folder holds a valid JUnit file with the scenario's outcome per check, and the summary line was printed.
        func expectReports(in reports: String, result: CLIResult, phase: Phase, junit: String? = nil) async throws {
            #expect(Self.isSummaryLine(result.stdout), "stdout must be exactly the summary line: \(result)")
            // An incomplete run names what was not assessed (PLG-801, high, errored or without input) in that line.
            #expect(result.stdout.contains("; not assessed: PLG-801 (") == (result.exitCode == 2), "\(result)")
            let json = try Data(contentsOf: URL(fileURLWithPath: reports + "/latest.json"))
            let report = try JSONReporter.parse(json, file: "latest.json")
            #expect(report.run.phase == phase && report.exitCode == result.exitCode, "\(result)")
            let cases = try await FormatValidators.junit(at: junit ?? reports + "/latest.junit.xml")
            for reply in scenario.replies {
                #expect(cases[reply.junitName] == reply.junitOutcome, "\(reply.junitName): \(cases)")
            }
        }

        static func isSummaryLine(_ stdout: String) -> Bool {
            stdout.split(separator: "\n").count == 1 && stdout.hasSuffix("\n")
                && ["READY ", "NOT READY ", "INCOMPLETE "].contains { stdout.hasPrefix($0) }
        }
    }

    // MARK: - Running things

    struct Failure: Error, CustomStringConvertible {
        var description: String
        init(_ description: String) { self.description = description }
    }

    enum Command {
        static func run(_ arguments: [String], in directory: String? = nil, environment: [String: String] = [:]) async throws -> CLIResult {
            try await Program.run(arguments, in: directory, environment: environment)
        }

        static func python(_ script: String, _ arguments: [String]) async throws -> CLIResult {
            try await run([ProcessInfo.processInfo.environment["PYTHON"] ?? "python3", "-c", script] + arguments)
        }

        /// What a CI path or glob names below `root` (Python's glob, like the runners' for a path or `**` pattern).
        static func glob(_ pattern: String, in root: String) async throws -> [String] {
            let result = try await python(
                "import glob, json, sys; print(json.dumps(sorted(glob.glob(sys.argv[1], root_dir=sys.argv[2], recursive=True))))", [pattern, root])
            guard result.exitCode == 0 else { throw Failure("glob \(pattern): \(result)") }
            return try JSONDecoder().decode([String].self, from: Data(result.stdout.utf8)).map { root + "/" + $0 }
        }

        /// A one-line command without shell syntax: splitting at blanks gives exactly the argv bash or systemd runs.
        static func plainArguments(_ line: String) throws -> [String] {
            let shellSyntax = CharacterSet(charactersIn: "'\"\\$`;&|<>(){}*?[]~#%!\n")
            guard line.rangeOfCharacter(from: shellSyntax) == nil else {
                throw Failure("'\(line)' uses shell syntax; keep the preflight command a plain one-liner so its exit code is preflight's.")
            }
            return line.split(whereSeparator: { $0 == " " || $0 == "\t" }).map(String.init)
        }

        static func option(_ name: String, in arguments: [String]) -> String? {
            arguments.firstIndex(of: name).flatMap { $0 + 1 < arguments.count ? arguments[$0 + 1] : nil }
        }

        static func formats(in arguments: [String]) -> Set<String> {
            Set((option("--format", in: arguments) ?? "").split(separator: ",").map(String.init))
        }
    }

    enum ExampleFiles {
        static func path(_ relative: String) -> String { Repository.root.appendingPathComponent("examples/" + relative).path }
        static func text(_ relative: String) throws -> String { try String(contentsOfFile: path(relative), encoding: .utf8) }
    }
}
