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

/// Issue #13: READY means every critical and high check that applies was judged; a narrowed run says so.
@Suite("Coverage: what a run judged")
struct CoverageTests {
    func check(
        _ id: String, _ severity: Severity, _ status: CheckStatus, reason: SkipReason? = nil, message: String = "m",
        evidence: [String: JSONValue] = [:]
    ) -> CheckResult {
        CheckResult(
            id: id, title: id, area: "plugins", probe: "exec", severity: severity, status: status,
            reason: status == .skip ? (reason ?? .noInput) : nil, message: status == .pass ? "" : message, durationMs: 0, tags: [],
            findings: [], evidence: evidence, remediation: "", references: [])
    }

    func report(_ checks: [CheckResult], selection: Selection? = nil) -> Report {
        Report(
            run: Report.RunInfo(
                id: "0f5a4d52-8c1e-4b3a-9d55-1a2b3c4d5e6f", startedAt: "2026-11-26T10:15:00Z", finishedAt: "2026-11-26T10:15:02Z",
                durationMs: 2000, host: "sync01", phase: .preflight, topology: .connectSync, cloud: .public,
                catalogDigest: "sha256:" + String(repeating: "ab", count: 32)),
            cover: Report.Cover(), checks: checks, selection: selection)
    }

    @Test func aCriticalOrHighCheckWithoutInputMakesTheRunIncompleteAndALowerOneDoesNot() {
        let lower = [check("NET-001", .critical, .pass), check("INV-002", .medium, .skip), check("AD-006", .low, .skip)]
        #expect(Verdict(checks: lower) == .ready && Gate().exitStatus(lower) == .ready)
        #expect(Coverage.gaps(in: lower).isEmpty)

        for severity in [Severity.critical, .high] {
            let checks = lower + [check("INV-003", severity, .skip, message: "No 'inventory.users' or 'inventory.licenses' is configured.")]
            #expect(Verdict(checks: checks) == .incomplete, "\(severity)")
            #expect(Gate().exitStatus(checks) == .incomplete, "\(severity)")
            #expect(
                Coverage.gaps(in: checks)
                    == [Coverage.Gap(id: "INV-003", severity: severity, reason: .noInput, detail: "no inventory.users or inventory.licenses")])
        }
    }

    @Test func checksThatDoNotApplyNeverCount() {
        let checks = [
            check("NET-001", .critical, .pass), check("NET-004", .high, .skip, reason: .notApplicable),
            check("MON-001", .critical, .skip, reason: .notApplicable),
        ]
        #expect(Verdict(checks: checks) == .ready && Coverage.gaps(in: checks).isEmpty)
    }

    @Test func aRequirementThatFailedLeavesItsDependentsNotAssessedEvenUnderFailOn() {
        let requirement = [Coverage.requirementEvidenceKey: JSONValue.string("AD-001")]
        let checks = [
            check("AD-001", .critical, .error, message: "The bind timed out."),
            check("AD-002", .critical, .skip, reason: .requirementFailed, evidence: requirement),
            check("NET-001", .critical, .pass),
        ]
        #expect(Coverage.describe(Coverage.gaps(in: checks)) == "AD-001 (error), AD-002 (requires AD-001)")
        // An unjudged check is not an accepted failure: --fail-on does not make it exit 0.
        #expect(Gate(failOn: .critical).exitStatus(checks) == .incomplete)
        let failed = [check("AD-001", .critical, .fail)] + checks.dropFirst()
        #expect(Verdict(checks: Array(failed)) == .notReady && Gate().exitStatus(Array(failed)) == .notReady)
    }

    @Test func aRequirementWithoutInputPassesItsReasonOnToItsDependents() {
        let requirement = [Coverage.requirementEvidenceKey: JSONValue.string("AD-001")]
        let missing = "No 'ldap.url' and 'ldap.bindDN' are configured, so the directory was not inspected."
        var checks = [check("AD-001", .critical, .skip, message: missing)]
        for id in ["AD-002", "AD-003", "AD-004", "AD-005"] {
            checks.append(check(id, .critical, .skip, reason: .requirementFailed, message: "Requires AD-001.", evidence: requirement))
        }
        checks.append(check("AD-006", .low, .skip, reason: .requirementFailed, message: "Requires AD-001.", evidence: requirement))
        for id in ["AD-011", "AD-012", "AD-013"] {
            checks.append(check(id, .high, .skip, reason: .requirementFailed, message: "Requires AD-001.", evidence: requirement))
        }
        checks += [
            check("CON-001", .high, .skip, message: "No 'connect.export' is configured, so … name that folder in 'connect.export'."),
            check("CON-003", .critical, .skip, message: "No 'connect.scheduler' is configured, so staging mode was not inspected."),
            check("INV-003", .high, .skip, message: "No 'inventory.users' is configured, so this was not checked."),
            check("NET-001", .critical, .pass),
        ]
        let gaps = Coverage.gaps(in: checks)
        #expect(gaps.map(\.id) == ["AD-001", "AD-002", "AD-003", "AD-004", "AD-005", "AD-011", "AD-012", "AD-013", "CON-001", "CON-003", "INV-003"])
        #expect(gaps[1].reason == .requirementFailed && gaps[1].detail == "no ldap.url or ldap.bindDN")
        #expect(
            Coverage.describe(gaps)
                == "AD-001..AD-005, AD-011..AD-013 (no ldap.url or ldap.bindDN), CON-001 (no connect.export), "
                + "CON-003 (no connect.scheduler), INV-003 (no inventory.users)")
    }

    @Test func rangesNeedThreeConsecutiveIdsOfOnePrefix() {
        #expect(Coverage.ranges(["AD-001", "AD-002"]) == "AD-001, AD-002")
        #expect(Coverage.ranges(["AD-003", "AD-004", "AD-005", "AD-007"]) == "AD-003..AD-005, AD-007")
        #expect(Coverage.ranges(["AD-009", "AD-010", "AD-011"]) == "AD-009..AD-011")
        #expect(Coverage.ranges(["CON-007", "INV-001", "INV-002"]) == "CON-007, INV-001, INV-002", "another prefix breaks a run")
        #expect(Coverage.ranges(["PLG-801", "PLG-8010"]) == "PLG-801, PLG-8010")
    }

    @Test func theDetailNamesConfigurationKeysOrTheMessagesFirstSentence() {
        #expect(Coverage.inputPhrase("'network.tenantId' is not set, so this check has no target. Set it.") == "no network.tenantId")
        #expect(Coverage.inputPhrase("No 'monitoring.events' is configured, … name the file in 'monitoring.events'.") == "no monitoring.events")
        // A quoted file name is not a configuration key.
        #expect(Coverage.inputPhrase("No reset in 'audit.csv'. Widen the window.") == "no reset in 'audit.csv'")
        #expect(
            Coverage.inputPhrase("The export does not reveal the Connect build. On the Connect server, …")
                == "the export does not reveal the Connect build")
        let long = Coverage.inputPhrase(String(repeating: "word ", count: 40))
        #expect(long.count == 80 && long.hasSuffix("…"))
        #expect(Coverage.inputPhrase("") == "no input")
    }

    @Test func waivedCountsAsJudged() {
        let checks = [check("AD-003", .critical, .waived), check("NET-001", .critical, .pass)]
        let coverage = Coverage(checks: checks, selection: nil)
        #expect(coverage.assessed == ["AD-003", "NET-001"] && coverage.notAssessed.isEmpty)
        #expect(Verdict(checks: checks) == .ready && Gate().exitStatus(checks) == .ready)
        // Errors are never waived and always count, whatever the severity.
        let withError = checks + [check("PLG-001", .info, .error)]
        #expect(Coverage.gaps(in: withError).map(\.detail) == ["error"] && Verdict(checks: withError) == .incomplete)
    }

    @Test func theReportRecordsTheSelectionAndSaysItCoversASelection() throws {
        let narrowed = report([check("INV-001", .high, .pass)], selection: Selection(only: ["INV-001"]))
        #expect(narrowed.verdict == .ready && narrowed.exitCode == 0)
        #expect(narrowed.coverage?.selection == Selection(only: ["INV-001"]))
        let markdown = MarkdownReporter.render(narrowed)
        #expect(markdown.hasPrefix("# Password writeback readiness: READY (selection: --only INV-001)\n"))
        #expect(markdown.contains("| Selection | --only INV-001: only the selected checks (and the checks they require) ran |"))
        #expect(
            MarkdownReporter.verdictLine(narrowed)
                == "**READY** (selection: --only INV-001) — no selected check failed or errored (0 failed, 0 warnings, 0 errors, "
                + "1 passed, 0 skipped); checks outside the selection were not run.")
        #expect(SummaryReporter.line(narrowed, reportPath: nil).hasPrefix("READY (selection: --only INV-001) 0 fail, 0 warn"))
        #expect(PrometheusReporter.render(narrowed).contains("\npreflight_selection_narrowed 1\n"))
        #expect(JUnitReporter.render(narrowed).contains(#"<testsuites name="preflight (selection: --only INV-001)""#))
        #expect(JSONReporter.render(narrowed).contains(#""selection" : {\#n      "only" : [\#n        "INV-001"\#n      ],"#))

        // No flags: no selection, and the whole phase is named.
        let whole = report([check("INV-001", .high, .pass)], selection: Selection())
        #expect(whole.coverage?.selection == nil && whole.coverage?.isNarrowed == false)
        #expect(JSONReporter.render(whole).contains(#""selection" : null"#))
        #expect(MarkdownReporter.verdictLine(whole).contains("every critical and high check of the preflight phase was assessed"))
    }

    @Test func theSelectionIsRecordedInTheCatalogsSpelling() {
        let catalog = Catalog(checks: [
            testCheck("INV-001", .pass, aliases: ["INV-100"]), testCheck("NET-001", .pass), testCheck("NET-002", .pass),
        ])
        let selection = Selection(only: ["NET-001", "INV-100", "NET-001"], skip: ["NET-002"], tags: ["a", "a", "b"])
        let canonical = selection.canonical(in: catalog)
        #expect(canonical == Selection(only: ["INV-001", "NET-001"], skip: ["NET-002"], tags: ["a", "b"]))
        #expect(canonical.flags == "--only INV-001,NET-001 --skip NET-002 --tag a --tag b")
    }

    @Test func theVerdictLineNamesWhatWasNotAssessedAndTheJSONRoundTrips() throws {
        let checks = [
            check("AD-001", .critical, .skip, message: "No 'ldap.url' and 'ldap.bindDN' are configured."),
            check("INV-003", .high, .skip, message: "No 'inventory.users' is configured, so this was not checked."),
            check("NET-001", .critical, .pass),
        ]
        let incomplete = report(checks)
        #expect(incomplete.verdict == .incomplete && incomplete.exitCode == 2 && !incomplete.ready)
        #expect(
            MarkdownReporter.verdictLine(incomplete)
                == "**INCOMPLETE** — nothing failed, but critical or high checks were not assessed, so readiness is unproven "
                + "(0 failed, 0 warnings, 0 errors, 1 passed, 2 skipped); not assessed: AD-001 (no ldap.url or ldap.bindDN), "
                + "INV-003 (no inventory.users).")
        let markdown = MarkdownReporter.render(incomplete)
        #expect(markdown.contains("- **INV-003** INV-003 — no-input — **not assessed** (high: readiness is unproven without it): "))
        let parsed = try JSONReporter.parse(Data(JSONReporter.render(incomplete).utf8), file: "r.json")
        #expect(parsed == incomplete && parsed.coverage?.notAssessed.count == 2)
        let csv = CSVReporter.render(incomplete)
        #expect(
            csv.contains("\r\n2,\"Assess INV-003 (INV-003), which was not assessed: No 'inventory.users' is configured, so this was not checked.\",high,INV-003,,0,,,,\r\n"),
            "supplying the input is an action: \(csv)")
    }

    @Test func aReportWrittenBeforeCoverageStillRendersWithItsOwnVerdict() throws {
        let path = Repository.fixture("golden/report-before-coverage.json")
        let old = try JSONReporter.load(path)
        #expect(old.coverage == nil && old.verdict == .notReady && old.exitCode == 1)
        let markdown = MarkdownReporter.render(old)
        #expect(markdown.contains("**NOT READY** — at least one check failed (1 failed, 1 warning, 1 error, 2 passed, 1 skipped).\n"))
        #expect(markdown.contains("did not record coverage"))
        #expect(!PrometheusReporter.render(old).contains("preflight_not_assessed_checks"), "nothing is invented for an old report")
        #expect(!SummaryReporter.line(old, reportPath: nil).contains("not assessed"))
        for format in ReportFormat.allCases { #expect(!format.render(old).isEmpty, "\(format)") }
        // Written back as JSON it stays an old report: no coverage is made up.
        #expect(!JSONReporter.render(old).contains("\"coverage\""))
    }

    @Test func theRunnerRecordsWhichRequirementMadeACheckSkip() async {
        var configuration = Configuration()
        configuration.timeoutSeconds = 60
        let runner = Runner(registry: TestProbe.registry, configuration: configuration, jobs: 4)
        let results = await runner.run([
            testCheck("TST-001", .noInput, severity: .critical), testCheck("TST-002", .pass, requires: ["TST-001"], severity: .critical),
        ])
        #expect(results[1].status == .skip && results[1].evidence[Coverage.requirementEvidenceKey] == .string("TST-001"))
        #expect(Coverage.describe(Coverage.gaps(in: results)) == "TST-001, TST-002 (the test probe has no input)")
    }
}
