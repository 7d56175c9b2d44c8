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

@Suite("Machine formats: JUnit, Prometheus, CSV, summary")
struct MachineFormatTests {
    let folder = try! TemporaryFolder("formats")

    func written(_ format: ReportFormat, _ report: Report = SampleReport.value) throws -> String {
        try format.render(report).write(to: URL(fileURLWithPath: folder.url("report.\(format.fileExtension!)")))
        return folder.url("report.\(format.fileExtension!)")
    }

    @Test func junitMatchesTheGoldenFileAndTheJenkinsSchema() async throws {
        assertSnapshot(ReportFormat.junit.render(SampleReport.value), named: "report.junit.xml")
        let cases = try await FormatValidators.junit(at: try written(.junit))
        #expect(cases["AD-001 LDAP connection and secure bind succeed"] == "passed")
        #expect(cases["AD-003 Reset Password effective on every in-scope user"] == "failure")
        #expect(cases["NET-001 Password reset service reachable"] == "error")
        #expect(cases["INV-001 Exports readable"] == "skipped")
        #expect(cases["AD-006 Change Password effective"] == "passed", "a warning passes the test case")
        let body = try #require(cases["AD-003 Reset Password effective on every in-scope user#body"])
        #expect(body.hasPrefix("FAIL (critical): 30 of 212 in-scope users"))
        #expect(body.contains("Findings (30):\n- [fail] CN=User 1,OU=Staff,DC=corp,DC=example,DC=test: The connector account lacks"))
        #expect(body.contains("CN=User 30,OU=Legacy"), "the JUnit body lists every finding, not the first 25")
        #expect(cases["NET-001 Password reset service reachable#message"] == "The check did not finish within its deadline of 15 s.")
        #expect(cases["INV-001 Exports readable#body"] == "SKIP (medium): No 'inventory.users' is configured. [no-input]")
    }

    @Test func junitEscapesMarkupAndDropsCharactersXMLForbids() async throws {
        var report = SampleReport.value
        report.checks[1].message = "Quote \" amp & lt < gt > bell \u{07} done"
        report.checks[1].findings[0].target = "CN=<script>&\"x\""
        let cases = try await FormatValidators.junit(at: try written(.junit, report))
        let name = "AD-003 Reset Password effective on every in-scope user"
        #expect(cases[name + "#message"] == "Quote \" amp & lt < gt > bell  done")
        #expect(cases[name + "#body"]?.contains("- [fail] CN=<script>&\"x\": ") == true)
    }

    /// Character data: plain text (most of a body of a million findings) as it is, anything else escaped or dropped.
    @Test func junitTextKeepsPlainTextAndDropsWhatXMLForbids() {
        #expect(JUnitReporter.text("Zoë Müller: not registered\tfor SSPR.\r\n") == "Zoë Müller: not registered\tfor SSPR.\r\n")
        #expect(JUnitReporter.text("a \u{FFFD} b") == "a \u{FFFD} b", "U+FFFD starts with 0xEF too, and is allowed")
        #expect(JUnitReporter.text("a\u{FFFE}\u{FFFF}\u{07}\u{0}b & <c>") == "ab &amp; &lt;c&gt;")
    }

    @Test func prometheusMatchesTheGoldenFileAndParses() async throws {
        assertSnapshot(ReportFormat.prom.render(SampleReport.value), named: "report.prom")
        // Every series carries the report: block's tenant and customer (MachineFormatLabelTests); here they are set aside.
        let samples = FormatValidators.withoutRunLabels(try await FormatValidators.prometheus(at: try written(.prom)))
        #expect(samples[#"preflight_check_status{area="directory",id="AD-001",severity="critical"}"#] == 0)
        #expect(samples[#"preflight_check_status{area="directory",id="AD-006",severity="low"}"#] == 1)
        #expect(samples[#"preflight_check_status{area="directory",id="AD-003",severity="critical"}"#] == 2)
        #expect(samples[#"preflight_check_status{area="network",id="NET-001",severity="high"}"#] == 3)
        #expect(samples[#"preflight_check_status{area="inventory",id="INV-001",severity="medium"}"#] == 4)
        #expect(samples[#"preflight_findings{id="AD-003"}"#] == 30)
        #expect(samples["preflight_ready"] == 0)
        // 2026-11-26T10:15:02Z
        #expect(samples["preflight_last_run_timestamp_seconds"] == 1_795_688_102)
        #expect(samples["preflight_run_duration_seconds"] == 2.1)
        // Coverage: NET-001 (high) errored, so one check was not assessed; the whole catalog ran.
        #expect(samples["preflight_not_assessed_checks"] == 1)
        #expect(samples["preflight_selection_narrowed"] == 0)
        #expect(samples.count == 6 + 6 + 5)
    }

    @Test func prometheusEscapesLabelValues() {
        #expect(PrometheusReporter.label(#"a"b\c"# + "\nd") == #"a\"b\\c\nd"#)
    }

    @Test func csvMatchesTheGoldenFileAndReadsBackAsRFC4180() async throws {
        assertSnapshot(ReportFormat.csv.render(SampleReport.value), named: "report.csv")
        let rows = try await FormatValidators.csv(at: try written(.csv))
        #expect(rows.first == CSVReporter.columns)
        // One row per action: AD-003's 30 findings are two actions (one per OU), then NET-001's error, then AD-006.
        #expect(rows.count == 5, "\(rows)")
        #expect(rows.dropFirst().allSatisfy { $0.count == CSVReporter.columns.count && $0[7...].allSatisfy(\.isEmpty) })
        #expect(rows.dropFirst().map(\.[0]) == ["1", "2", "3", "4"])
        #expect(rows.dropFirst().map(\.[3]) == ["AD-003", "AD-003", "NET-001", "AD-006"])
        #expect(rows[1][1] == "Grant the writeback rights to the connector account on OU=Staff,DC=corp,DC=example,DC=test")
        #expect(rows[1][2] == "critical" && rows[1][4] == "fixes 20 users" && rows[1][5] == "20")
        #expect(
            rows[1][6] == "CN=User 1,OU=Staff,DC=corp,DC=example,DC=test; CN=User 2,OU=Staff,DC=corp,DC=example,DC=test; "
                + "CN=User 4,OU=Staff,DC=corp,DC=example,DC=test; CN=User 5,OU=Staff,DC=corp,DC=example,DC=test; "
                + "CN=User 7,OU=Staff,DC=corp,DC=example,DC=test; … and 15 more (the subjects CSV, "
                + "preflight-20261126T101500Z.subjects.csv, lists every one)", "a comma inside a field survives")
        #expect(rows[2][5] == "10" && rows[3][1] == "Resolve NET-001: Password reset service reachable" && rows[3][5] == "0")
        // Plain text: no Markdown and no line breaks in any cell.
        #expect(rows.joined().allSatisfy { !$0.contains("\n") && !$0.contains("```") && !$0.contains("**") })
    }

    @Test func theActionPlanIsOneRowPerActionAndNamesWhatWasNotAssessed() async throws {
        // 27 users without a licence are one action, not 27 rows.
        let licences = CompleteListsTests.large(findings: 27)
        let rows = CSVReporter.render(licences).dropFirst().split(separator: "\r\n")
        #expect(rows.filter { $0.contains("INV-003") }.count == 1)
        #expect(
            rows.contains { $0.contains(",\"Assign an Entra ID P1 or P2 licence, or re-enable the plan in the user's licence\",high,INV-003,fixes 27 users,27,") },
            "\(rows)")
        // A high check that could not run for lack of input: supplying it is an action too.
        var checks = SampleReport.value.checks
        checks[5].severity = .high
        let sample = SampleReport.value
        let gap = Report(run: sample.run, cover: sample.cover, checks: checks)
        let plan = try await FormatValidators.csv(at: try written(.csv, gap))
        let assess = try #require(plan.first { $0[3] == "INV-001" })
        #expect(assess[1] == "Assess INV-001 (Exports readable), which was not assessed: No 'inventory.users' is configured." && assess[2] == "high")
    }

    @Test func theSubjectsCSVListsEveryFindingWithItsCheckStatusAndCause() async throws {
        assertSnapshot(ReportFormat(SubjectsCSVReporter.self).render(SampleReport.value), named: "report.subjects.csv")
        let rows = try await FormatValidators.csv(at: try written(ReportFormat(SubjectsCSVReporter.self)))
        #expect(rows.first == SubjectsCSVReporter.columns)
        #expect(rows.count == 1 + 30 + 1, "AD-003's 30 findings and AD-006's one")
        #expect(rows[1] == ["AD-003", "critical", "fail", "CN=User 1,OU=Staff,DC=corp,DC=example,DC=test", "", "missing-right", "", "The connector account lacks Reset Password: no ACE grants it.", ""])
        #expect(rows[31] == ["AD-006", "low", "warn", "CN=a|b,DC=corp", "", "", "", "Denied by ACE.", ""])
        // The per-user checks' causes, the directory's UPN beside the DN, and a waiver's end.
        var report = ReadinessSample.report(ReadinessSample.checks())
        report.apply([Waiver(check: "INV-003", target: "amy@contoso.com", justification: "Leaver", expires: "2027-01-31", source: "w.yml:2")],
                     at: ISO8601DateFormatter().date(from: "2026-11-26T10:15:00Z") ?? Date())
        let readiness = try await FormatValidators.csv(at: try written(ReportFormat(SubjectsCSVReporter.self), report))
        #expect(readiness.contains(["AD-003", "critical", "fail", "CN=dave,OU=Legacy,DC=corp,DC=test", "dave@contoso.com", "inheritance-disabled-above", "", "dave lacks Reset Password.", ""]))
        #expect(readiness.contains(["INV-003", "high", "fail", "amy@contoso.com", "", "no-licence", "", "No P1.", "2027-01-31"]))
    }

    @Test func csvNeverStartsAFieldWithAFormula() {
        #expect(CSVReporter.field("=HYPERLINK(\"x\")") == "\"'=HYPERLINK(\"\"x\"\")\"")
        #expect(CSVReporter.field("-1") == "'-1")
        #expect(CSVReporter.field("CN=a") == "CN=a")
    }

    @Test func summaryIsOneLine() {
        // The summary names what was not assessed (NET-001 errored) after the path, so the line still starts with the counts.
        #expect(
            SummaryReporter.line(SampleReport.value, reportPath: "reports/preflight-20261126T101500Z.md")
                == "NOT READY 1 fail, 1 warn, 1 error, 2 pass, 1 skip (reports/preflight-20261126T101500Z.md); not assessed: NET-001 (error)")
        #expect(
            SummaryReporter.line(SampleReport.value, reportPath: nil) == "NOT READY 1 fail, 1 warn, 1 error, 2 pass, 1 skip; not assessed: NET-001 (error)")
    }

    @Test func everyFileFormatIsWrittenAtomicallyWithALatestCopy() throws {
        let paths = try ReportWriter.write(SampleReport.value, formats: ReportFormat.allCases, to: folder.path)
        #expect(paths.map { URL(fileURLWithPath: $0).lastPathComponent } == [
            "preflight-20261126T101500Z.md", "preflight-20261126T101500Z.json", "preflight-20261126T101500Z.html",
            "preflight-20261126T101500Z.junit.xml", "preflight-20261126T101500Z.prom", "preflight-20261126T101500Z.csv",
            "preflight-20261126T101500Z.users.csv", "preflight-20261126T101500Z.subjects.csv",
        ])
        let files = Set(try FileManager.default.contentsOfDirectory(atPath: folder.path))
        #expect(files.isSuperset(of: [
            "latest.md", "latest.json", "latest.html", "latest.junit.xml", "latest.prom", "latest.csv", "latest.users.csv", "latest.subjects.csv",
        ]))
        #expect(!files.contains { $0.hasSuffix(".tmp") } && !files.contains { $0.contains("summary") })
        #expect(try Data(contentsOf: URL(fileURLWithPath: folder.url("latest.csv"))) == ReportFormat.csv.render(SampleReport.value))
    }

    @Test func unknownAndEmptyFormatListsAreUsageErrors() {
        #expect(throws: PreflightError.self) { try ReportFormat.parseList(["md,xml"]) }
        #expect(throws: PreflightError.self) { try ReportFormat.parseList([","]) }
        #expect((try? ReportFormat.parseList(["md,junit", "prom", "MD"])) == [.md, .junit, .prom])
    }
}
