import Foundation
import PreflightTestSupport
import Testing

import PreflightKit

@Suite("Gate: --fail-on and --strict")
struct GateTests {
    func check(_ id: String, _ severity: Severity, _ status: CheckStatus) -> CheckResult {
        CheckResult(
            id: id, title: id, area: "plugins", probe: "exec", severity: severity, status: status, reason: status == .skip ? .noInput : nil,
            message: status == .pass ? "" : "m", durationMs: 0, tags: [], findings: [], evidence: [:], remediation: "", references: [])
    }

    @Test func theDefaultGateIsTheVerdictsExitCode() {
        let cases: [[CheckResult]] = [
            [check("A-001", .low, .fail), check("A-002", .high, .pass)],
            [check("A-001", .low, .error), check("A-002", .high, .pass)],
            [check("A-001", .low, .skip)],
            [check("A-001", .low, .warn)],
            [],
        ]
        for checks in cases {
            let verdict = Verdict(summary: Report.Summary(checks.map(\.status)))
            #expect(Gate().exitStatus(checks).rawValue == verdict.exitCode, "\(checks.map(\.status))")
        }
    }

    @Test func failOnIgnoresFailuresBelowTheSeverity() {
        let checks = [check("A-001", .medium, .fail), check("A-002", .high, .pass), check("A-003", .critical, .warn)]
        #expect(Gate(failOn: .high).exitStatus(checks) == .ready)
        #expect(Gate(failOn: .medium).exitStatus(checks) == .notReady)
        #expect(Gate(failOn: .info).blocking(checks).map(\.id) == ["A-001"])
        #expect(Gate(failOn: .critical).exitStatus([check("A-001", .high, .fail)]) == .ready, "an accepted failure still ran to a verdict")
    }

    @Test func errorsStayIncompleteWhateverTheSeverity() {
        let checks = [check("A-001", .low, .error), check("A-002", .high, .pass), check("A-003", .low, .fail)]
        #expect(Gate(failOn: .high).exitStatus(checks) == .incomplete)
    }

    @Test func strictMakesWarningsFailAtTheSameSeverities() {
        let checks = [check("A-001", .low, .warn), check("A-002", .high, .pass)]
        #expect(Gate(strict: true).exitStatus(checks) == .notReady)
        #expect(Gate(failOn: .medium, strict: true).exitStatus(checks) == .ready)
        #expect(Gate(failOn: .low, strict: true).blocking(checks).map(\.id) == ["A-001"])
        #expect(Gate(failOn: .high, strict: true).flags == "--fail-on high --strict")
    }

    @Test func theReportRecordsTheGateAndTheMarkdownNamesTheBlockers() throws {
        var report = SampleReport.value
        report.apply(Gate(failOn: .critical))
        #expect(report.exitCode == 1 && report.verdict == .notReady)
        #expect(MarkdownReporter.render(report).contains("Gate `--fail-on critical`: exit code 1 (blocking: AD-003)."))
        let parsed = try JSONReporter.parse(Data(JSONReporter.render(report).utf8), file: "r.json")
        #expect(parsed.gate == Gate(failOn: .critical) && parsed.exitCode == 1)
        #expect(JSONReporter.render(report).contains(#""gate" : {\#n    "failOn" : "critical",\#n    "strict" : false\#n  }"#))
    }
}
