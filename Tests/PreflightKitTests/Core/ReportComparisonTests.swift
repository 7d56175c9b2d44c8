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

/// The comparison behind `diff` and `run --baseline`, on the sample report and edited copies of it.
@Suite("Report comparison (diff and baseline)")
struct ReportComparisonTests {
    let baseline = SampleReport.value

    /// The sample report a day later, edited by `change`.
    func later(_ change: (inout [CheckResult]) -> Void) -> Report {
        var checks = baseline.checks
        change(&checks)
        return Report(
            run: Report.RunInfo(
                id: "1f5a4d52-8c1e-4b3a-9d55-1a2b3c4d5e6f", startedAt: "2026-11-27T10:15:00Z", finishedAt: "2026-11-27T10:15:02Z",
                durationMs: 2000, host: "sync01", phase: .preflight, topology: .connectSync, cloud: .public,
                catalogDigest: baseline.run.catalogDigest),
            cover: baseline.cover, checks: checks)
    }

    func compare(_ current: Report) -> Changes {
        ReportComparison.compare(baseline: baseline, baselineFile: "old.json", current: current, currentFile: "new.json")
    }

    func index(_ id: String, _ checks: [CheckResult]) -> Int { checks.firstIndex { $0.id == id }! }

    @Test func anIdenticalReportHasNoChangesAndEveryFindingUnchanged() {
        let changes = compare(later { _ in })
        #expect(!changes.worse && changes.isEmpty && changes.notices.isEmpty)
        #expect(changes.findings.unchanged.count == 31, "30 AD-003 users and one AD-006 finding")
        #expect(ChangesReporter.exitStatus(changes) == .ready)
        #expect(ChangesReporter.line(changes) == "No change since the baseline of 2026-11-26 10:15:00 UTC.")
        #expect(ChangesReporter.compact(changes) == "no change since the baseline")
    }

    @Test func aNewFailingUserIsWorseAndKeyedByTargetCaseInsensitively() {
        let current = later { checks in
            let ad003 = index("AD-003", checks)
            checks[ad003].findings.append(Finding(status: .fail, target: "CN=New Hire,OU=Staff,DC=corp,DC=example,DC=test", message: "No ACE."))
            // The same user, spelled with another case by another DC: not new.
            checks[ad003].findings[0].target = checks[ad003].findings[0].target.uppercased()
        }
        let changes = compare(current)
        #expect(changes.worse)
        #expect(changes.findings.new.map(\.target) == ["CN=New Hire,OU=Staff,DC=corp,DC=example,DC=test"])
        #expect(changes.findings.new.first?.from == nil && changes.findings.new.first?.to == .fail)
        #expect(changes.findings.resolved.isEmpty && changes.findings.unchanged.count == 31)
        #expect(changes.checks.isEmpty, "AD-003 failed before and fails now")
        #expect(ChangesReporter.exitStatus(changes) == .notReady)
        #expect(ChangesReporter.compact(changes) == "worse since the baseline (1 new, 0 resolved)")
    }

    @Test func fixedUsersAreResolvedAndAFixedCheckIsBetter() {
        let current = later { checks in
            let ad003 = index("AD-003", checks)
            checks[ad003].findings.removeFirst(10)
            let ad006 = index("AD-006", checks)
            checks[ad006].status = .pass
            checks[ad006].findings = []
        }
        let changes = compare(current)
        #expect(!changes.worse)
        #expect(changes.findings.resolved.count == 11 && changes.findings.new.isEmpty)
        #expect(changes.findings.resolved.allSatisfy { $0.to == nil && $0.from != nil })
        #expect(changes.checks.map(\.id) == ["AD-006"] && changes.checks.first?.trend == .better)
        #expect(ChangesReporter.line(changes).hasPrefix("Better than the baseline of 2026-11-26 10:15:00 UTC: 0 new, 11 resolved"))
    }

    @Test func findingsOfAChecksThatErroredOrStoppedRunningAreUnassessedNotResolved() {
        let current = later { checks in
            let ad003 = index("AD-003", checks)
            checks[ad003].status = .error
            checks[ad003].message = "The DC did not answer."
            checks[ad003].findings = []
            checks.remove(at: index("AD-006", checks))
        }
        let changes = compare(current)
        #expect(changes.findings.resolved.isEmpty, "nothing is known to be fixed")
        #expect(changes.findings.unassessed.count == 31)
        let byID = Dictionary(uniqueKeysWithValues: changes.checks.map { ($0.id, $0) })
        #expect(byID["AD-003"]?.from == .fail && byID["AD-003"]?.to == .error && byID["AD-003"]?.trend == .worse)
        #expect(byID["AD-006"]?.from == .warn && byID["AD-006"]?.to == nil && byID["AD-006"]?.trend == .worse)
        #expect(changes.worse, "a problem that can no longer be assessed may still be there: never better, never unchanged")
        #expect(changes.verdict.from == .notReady && changes.verdict.to == .incomplete)
        #expect(ChangesReporter.compact(changes) == "worse since the baseline (0 new, 0 resolved, 2 checks worse, 31 no longer assessed)")
    }

    @Test func losingThePassOfACheckIsWorse() {
        let errored = later { checks in
            checks[index("AD-001", checks)].status = .error
        }
        #expect(compare(errored).worse && compare(errored).checks.first?.trend == .worse)
        let dropped = later { checks in checks.remove(at: index("NET-002", checks)) }
        let changes = compare(dropped)
        #expect(changes.worse && changes.checks.first?.id == "NET-002" && changes.checks.first?.to == nil)
    }

    @Test(arguments: [
        (CheckStatus.pass, CheckStatus.warn, Changes.Trend.worse), (.warn, .fail, .worse), (.fail, .pass, .better),
        (.fail, .waived, .better), (.waived, .pass, .changed), (.skip, .error, .worse),
        (.error, .fail, .worse), (.error, .pass, .better), (.fail, .error, .worse), (.pass, .skip, .worse),
        (.fail, .skip, .worse), (.warn, .error, .worse), (.error, .skip, .changed), (.skip, .pass, .better),
    ])
    func statusTrends(from: CheckStatus, to: CheckStatus, expected: Changes.Trend) {
        #expect(ReportComparison.trend(from: from, to: to) == expected)
    }

    @Test func aWaivedFindingChangesStatusAndIsNotWorse() {
        let current = later { checks in
            let ad006 = index("AD-006", checks)
            checks[ad006].findings[0].waiver = WaiverReference(Waiver(check: "AD-006", justification: "Kiosk", expires: "2027-01-31", source: "w.yml:2"))
            checks[ad006].status = .waived
        }
        let changes = compare(current)
        #expect(!changes.worse)
        #expect(changes.findings.changed.first?.from == .warn && changes.findings.changed.first?.to == .waived)
    }

    @Test func addedChecksCountOnlyWhenTheyFindSomething() throws {
        let extra = CheckResult(
            id: "AD-009", title: "Inheritance", area: "directory", probe: "directory.inheritance", severity: .medium, status: .pass,
            reason: nil, message: "ok", durationMs: 1, tags: [], findings: [], evidence: [:], remediation: "", references: [])
        let passing = compare(later { $0.append(extra) })
        let added = try #require(passing.checks.first)
        #expect(!passing.worse && added.from == nil && added.to == .pass && added.trend == .changed)
        var failing = extra
        failing.status = .fail
        failing.findings = [Finding(status: .fail, target: "OU=Kiosk,DC=corp", message: "Inheritance off.")]
        let changes = compare(later { $0.append(failing) })
        #expect(changes.worse && changes.checks.first?.trend == .worse, "a check that arrives failing is worse")
        #expect(changes.findings.newlyAssessed.count == 1 && changes.findings.new.isEmpty, "the baseline could not have seen it")
    }

    /// A cron night with the DC down, then a normal night: yesterday's problems come back, they are not new.
    @Test func findingsOfACheckThatErroredInTheBaselineAreNewlyAssessedNotNew() {
        let outage = later { checks in
            let ad003 = index("AD-003", checks)
            checks[ad003].status = .error
            checks[ad003].message = "The DC did not answer."
            checks[ad003].findings = []
        }
        let recovered = later { checks in
            // One passing finding a plugin might report: coming or going, it changes nothing.
            checks[index("AD-003", checks)].findings.append(Finding(status: .pass, target: "CN=ok,OU=Staff", message: "Fine."))
        }
        let changes = ReportComparison.compare(baseline: outage, baselineFile: "night1.json", current: recovered, currentFile: nil)
        #expect(changes.findings.newlyAssessed.count == 30 && changes.findings.newlyAssessed.allSatisfy { $0.from == nil && $0.to == .fail })
        #expect(changes.findings.new.isEmpty, "not one of the 30 is known to be new")
        #expect(changes.checks.map(\.id) == ["AD-003"] && changes.checks.first?.trend == .worse, "error → fail is still worse")
        #expect(changes.worse)
        #expect(ChangesReporter.compact(changes) == "worse since the baseline (0 new, 0 resolved, 1 check worse, 30 newly assessed)")
        let markdown = ChangesReporter.markdown(changes)
        #expect(markdown.contains("## Newly assessed (30)\n\nTheir check was skipped, errored or not run in the baseline, so these are **not** known to be new."))
        #expect(!markdown.contains("## New findings"))
        #expect(
            PrometheusReporter.render(with(changes)).contains(
                #"preflight_baseline_findings{tenant="contoso.onmicrosoft.com",customer="Contoso Ltd",change="newlyAssessed"} 30"#))

        let stillFailing = ReportComparison.compare(baseline: recovered, baselineFile: nil, current: later { _ in }, currentFile: nil)
        #expect(stillFailing.isEmpty && !stillFailing.worse, "the passing finding that went away is no change")
    }

    @Test func aCheckThatErrorsInBothRunsCallsItsNewProblemsNew() {
        func erroring(_ findings: [Finding]) -> Report {
            later { checks in
                let ad003 = index("AD-003", checks)
                checks[ad003].status = .error
                checks[ad003].findings = findings
            }
        }
        let changes = ReportComparison.compare(
            baseline: erroring([]), baselineFile: nil,
            current: erroring([Finding(status: .error, target: "CN=x,OU=Staff", message: "Unreadable.")]), currentFile: nil)
        #expect(changes.findings.new.count == 1 && changes.findings.newlyAssessed.isEmpty, "still not assessed, so not 'newly assessed'")
        #expect(changes.worse)
    }

    /// A `latest.json` written before `newlyAssessed` existed is still a usable baseline.
    @Test func changesWithoutNewlyAssessedStillDecode() throws {
        let changes = compare(later { _ in })
        var object = try #require(try JSONSerialization.jsonObject(with: JSONEncoder().encode(changes)) as? [String: Any])
        var findings = try #require(object["findings"] as? [String: Any])
        findings["newlyAssessed"] = nil
        object["findings"] = findings
        let decoded = try JSONDecoder().decode(Changes.self, from: JSONSerialization.data(withJSONObject: object))
        #expect(decoded.findings.newlyAssessed.isEmpty && decoded.findings.unchanged.count == 31)
    }

    /// The sample report carrying `changes`, as `run --baseline` writes it.
    func with(_ changes: Changes) -> Report {
        var report = later { _ in }
        report.changes = changes
        return report
    }

    @Test func duplicateTargetsArePairedInOrder() {
        let twice = later { checks in
            let ad006 = index("AD-006", checks)
            checks[ad006].findings.append(checks[ad006].findings[0])
        }
        let changes = compare(twice)
        #expect(changes.findings.new.count == 1 && changes.findings.unchanged.count == 31)
    }

    @Test func aFailingCheckThatIsSkippedNowIsWorseEvenWhenTheVerdictImproves() {
        func skippingAD003(severity: Severity) -> Report {
            later { checks in
                let ad003 = index("AD-003", checks)
                checks[ad003].severity = severity
                checks[ad003].status = .skip
                checks[ad003].reason = .noInput
                checks[ad003].findings = []
                checks[index("NET-001", checks)].status = .pass
                checks[index("AD-006", checks)].status = .pass
                checks[index("AD-006", checks)].findings = []
            }
        }
        // A medium check: nothing else is missing, so the verdict looks better.
        let medium = compare(skippingAD003(severity: .medium))
        #expect(medium.verdict.to == .ready, "the verdict looks better")
        #expect(medium.worse && ChangesReporter.headline(medium) == "Worse", "but a failing check stopped being assessed")
        // A critical check that skipped is not assessed: the verdict is INCOMPLETE, never READY, and still worse.
        let critical = compare(skippingAD003(severity: .critical))
        #expect(critical.verdict.to == .incomplete, "a skipped critical check leaves readiness unproven")
        #expect(critical.worse && ChangesReporter.headline(critical) == "Worse")
    }

    @Test func onlyProblemsCanBeResolvedAndMessagesTellFindingsApart() {
        func check(_ findings: [Finding]) -> CheckResult {
            CheckResult(
                id: "PLG-001", title: "Plugin", area: "plugins", probe: "exec", severity: .high, status: .fail, reason: nil,
                message: "m", durationMs: 1, tags: [], findings: findings, evidence: [:], remediation: "", references: [])
        }
        let before = [Finding(status: .pass, target: "dc1", message: "ok"), Finding(status: .fail, target: "", message: "disk full")]
        let after = [Finding(status: .fail, target: "", message: "certificate expired")]
        let changes = ReportComparison.compare(
            baseline: later { $0 = [check(before)] }, baselineFile: nil, current: later { $0 = [check(after)] }, currentFile: nil)
        #expect(changes.findings.new.map(\.message) == ["certificate expired"], "another problem on an empty target is new")
        #expect(changes.findings.resolved.map(\.message) == ["disk full"], "the vanished passing finding is not 'resolved'")
        #expect(changes.worse)

        let twice = [Finding(status: .fail, target: "", message: "a"), Finding(status: .warn, target: "", message: "b")]
        let reordered = ReportComparison.compare(
            baseline: later { $0 = [check(twice)] }, baselineFile: nil, current: later { $0 = [check(twice.reversed())] }, currentFile: nil)
        #expect(reordered.isEmpty && !reordered.worse, "order is not a change")
    }

    @Test func suspectComparisonsSaySo() {
        var other = later { _ in }
        other.cover.tenant = "fabrikam.onmicrosoft.com"
        other.run.phase = .health
        other.run.catalogDigest = "sha256:" + String(repeating: "cd", count: 32)
        let changes = ReportComparison.compare(baseline: other, baselineFile: "new.json", current: baseline, currentFile: "old.json")
        #expect(changes.notices.count == 4, "\(changes.notices)")
        #expect(changes.notices[0].contains("'fabrikam.onmicrosoft.com'") && changes.notices[0].contains("'contoso.onmicrosoft.com'"))
        #expect(changes.notices[3].contains("were the files given in the wrong order?"))
    }

    @Test func theDiffDocumentMatchesItsGoldenFile() throws {
        let current = later { checks in
            let ad003 = index("AD-003", checks)
            checks[ad003].findings.removeFirst(2)
            checks[ad003].findings.append(Finding(status: .fail, target: "CN=New | Hire,OU=Staff,DC=corp,DC=example,DC=test", message: "No ACE."))
            checks[index("AD-001", checks)].status = .error
            checks[index("NET-001", checks)].status = .pass
        }
        let changes = compare(current)
        assertSnapshot(ChangesReporter.markdown(changes), named: "diff.md")
        var report = current
        report.changes = changes
        assertSnapshot(MarkdownReporter.render(report), named: "report-with-changes.md")
        let summary = SummaryReporter.line(report, reportPath: "reports/x.md")
        #expect(
            summary.hasSuffix("(reports/x.md); not assessed: AD-001 (error); worse since the baseline (1 new, 2 resolved, 1 check worse)"),
            "\(summary)")
    }

    @Test func theMarkdownSectionListsAtMostFiftyRowsPerTable() {
        let current = later { checks in
            let ad003 = index("AD-003", checks)
            checks[ad003].findings += (1...70).map { Finding(status: .fail, target: "CN=Extra \($0),DC=corp", message: "No ACE.") }
        }
        let text = ChangesReporter.markdown(compare(current))
        #expect(text.contains("## New findings (70)"))
        #expect(text.contains("…and 20 more (the JSON has all 70)."))
        #expect(text.components(separatedBy: "| CN=Extra ").count - 1 == 50, "the first 50 rows, then the count")
    }

    /// A report read to be compared with (a baseline, `diff`'s two) leaves its own changes section out, and nothing else:
    /// a nightly run's baseline lists every unchanged finding there, and comparing never reads them.
    @Test func aReportReadForComparisonLeavesOnlyItsOwnChangesOut() throws {
        var report = later { checks in checks[index("AD-003", checks)].findings.removeFirst(3) }
        report.changes = compare(report)
        let data = Data(JSONReporter.render(report).utf8)
        let whole = try JSONReporter.parse(data, file: "latest.json")
        let compared = try JSONReporter.parse(data, file: "latest.json", forComparison: true)
        #expect(whole.changes?.findings.resolved.count == 3)
        #expect(compared.changes == nil)
        var withoutChanges = whole
        withoutChanges.changes = nil
        #expect(JSONReporter.render(compared) == JSONReporter.render(withoutChanges))
        let later = later { _ in }
        #expect(
            ReportComparison.compare(baseline: compared, baselineFile: "a", current: later, currentFile: "b")
                == ReportComparison.compare(baseline: whole, baselineFile: "a", current: later, currentFile: "b"))
    }
}
