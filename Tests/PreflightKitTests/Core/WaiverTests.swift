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

@Suite("Waivers")
struct WaiverTests {
    let folder = try! TemporaryFolder("waivers")

    static func utc(_ text: String) -> Date { ISO8601DateFormatter().date(from: text)! }
    static let now = utc("2026-11-26T10:15:00Z")

    func waiver(_ check: String, _ target: String? = nil, expires: String = "2027-06-30", source: String = "w.yml:2") -> Waiver {
        Waiver(check: check, target: target, justification: "Accepted: \(check)", expires: expires, approvedBy: "J. Doe", source: source)
    }

    @Test func globsStayInsideOneDNComponentAndIgnoreCase() {
        let kiosk = waiver("AD-009", "CN=*,OU=Kiosk,DC=corp,DC=example,DC=com")
        #expect(kiosk.matches(checkID: "AD-009", target: "cn=Kiosk 7,OU=kiosk,DC=corp,DC=example,DC=com"))
        #expect(!kiosk.matches(checkID: "AD-009", target: "CN=K1,OU=Sub,OU=Kiosk,DC=corp,DC=example,DC=com"))
        #expect(!kiosk.matches(checkID: "AD-003", target: "CN=K1,OU=Kiosk,DC=corp,DC=example,DC=com"))
        #expect(waiver("AD-009", "CN=K?,OU=X").matches(checkID: "AD-009", target: "CN=K1,OU=X"))
        #expect(!waiver("AD-009", "CN=K?,OU=X").matches(checkID: "AD-009", target: "CN=K12,OU=X"))
        #expect(waiver("AD-009", "CN=Exact,OU=X").matches(checkID: "AD-009", target: "CN=Exact,OU=X"))
        #expect(!waiver("AD-009", "CN=Exact,OU=X").matches(checkID: "AD-009", target: "CN=Exact,OU=X,DC=y"))
        #expect(waiver("NET-005").matches(checkID: "NET-005", target: "http://crl.example"))
    }

    @Test func aWaiverHoldsThroughTheEndOfItsDayInUTC() {
        let w = waiver("AD-009", expires: "2026-11-26")
        #expect(w.isActive(at: Self.utc("2026-11-26T23:59:59Z")))
        #expect(!w.isActive(at: Self.utc("2026-11-27T00:00:00Z")))
        #expect(w.expiresSoon(at: Self.now))
        #expect(waiver("AD-009", expires: "2026-12-10").expiresSoon(at: Self.now))
        #expect(!waiver("AD-009", expires: "2026-12-11").expiresSoon(at: Self.now))
        #expect(Waiver.endOfDay("2026-02-30") == nil && Waiver.endOfDay("26-1-1") == nil)
    }

    @Test func waivedFindingsKeepTheirStatusAndAFullyWaivedCheckIsWaived() async throws {
        var report = SampleReport.value
        report.apply([
            waiver("AD-003", "CN=*,OU=Staff,DC=corp,DC=example,DC=test", source: "w.yml:2"),
            waiver("AD-006", expires: "2026-11-25", source: "w.yml:7"),
            waiver("NET-001", source: "w.yml:12"),
            waiver("AD-013", source: "w.yml:17"),
        ], at: Self.now)
        let reset = try #require(report.checks.first { $0.id == "AD-003" })
        #expect(reset.status == .fail, "10 Legacy users are not waived")
        #expect(reset.findings.filter { $0.waiver != nil }.count == 20 && reset.findings.allSatisfy { $0.status == .fail })
        #expect(report.checks.first { $0.id == "AD-006" }?.status == .warn, "an expired waiver waives nothing")
        #expect(report.checks.first { $0.id == "NET-001" }?.status == .error, "an error is never waived")
        #expect(report.waivers.map(\.matched) == [20, 0, 0, 0])
        #expect(report.waivers.map(\.state) == [.active, .expired, .active, .active])
        #expect(report.waivers.filter(\.isStale).map(\.waiver.check) == ["NET-001", "AD-013"])

        report.apply([waiver("AD-003"), waiver("AD-006", expires: "2026-12-01")], at: Self.now)
        #expect(report.checks.first { $0.id == "AD-003" }?.status == .waived)
        #expect(report.checks.first { $0.id == "AD-006" }?.status == .waived)
        #expect(report.summary.waived == 2 && report.summary.fail == 0)
        #expect(report.verdict == .incomplete && report.exitCode == 2, "NET-001 still errored")
        #expect(report.waivers[1].expiresSoon)
        #expect(WaiverSection.attentionLine(report) == "Waivers: 1 expiring within 14 days. The report's Waivers section lists them.")

        let json = folder.url("waived.json")
        try Data(JSONReporter.render(report).utf8).write(to: URL(fileURLWithPath: json))
        try await SchemaValidator.validate(reportAt: json)
        let parsed = try JSONReporter.parse(Data(JSONReporter.render(report).utf8), file: "waived.json")
        #expect(parsed == report)
        let markdown = MarkdownReporter.render(report)
        #expect(markdown.contains("## Waivers") && markdown.contains("| w.yml:2 | AD-003 | (whole check) | 2027-06-30 | J. Doe | active | 30 |"))
        #expect(markdown.contains("⚠️ expires within 14 days"))
        // Waived checks count as judged; the errored NET-001 is what keeps the run INCOMPLETE, and the summary names it.
        #expect(
            SummaryReporter.line(report, reportPath: nil) == "INCOMPLETE 0 fail, 0 warn, 1 error, 2 pass, 1 skip, 2 waived; not assessed: NET-001 (error)")
        #expect(report.coverage?.assessed.contains("AD-003") == true && report.coverage?.notAssessed.map(\.id) == ["NET-001"])
        let prom = folder.url("waived.prom")
        try ReportFormat.prom.render(report).write(to: URL(fileURLWithPath: prom))
        let samples = FormatValidators.withoutRunLabels(try await FormatValidators.prometheus(at: prom))
        #expect(samples[#"preflight_check_status{area="directory",id="AD-003",severity="critical"}"#] == 5)
        let xml = folder.url("waived.junit.xml")
        try ReportFormat.junit.render(report).write(to: URL(fileURLWithPath: xml))
        let cases = try await FormatValidators.junit(at: xml)
        #expect(cases["AD-003 Reset Password effective on every in-scope user"] == "skipped")
        let csv = folder.url("waived.csv")
        try ReportFormat.csv.render(report).write(to: URL(fileURLWithPath: csv))
        let rows = try await FormatValidators.csv(at: csv)
        #expect(rows.count == 2 && rows[1][3] == "NET-001", "waived findings are not actions")
    }

    @Test func aValidWaiverFileLoads() throws {
        let path = try folder.write(
            "waivers.yml",
            """
            waivers:
              - check: AD-009
                target: "CN=*,OU=Kiosk,DC=corp,DC=example,DC=com"
                justification: Kiosk accounts never use SSPR.
                expires: 2026-12-31
                approvedBy: J. Doe
              - check: NET-005
                justification: CRL checks are off on the sync server by design.
                expires: 2027-01-15
            """)
        let waivers = try WaiverFile.load(from: path)
        #expect(waivers.count == 2)
        #expect(waivers[0].target == "CN=*,OU=Kiosk,DC=corp,DC=example,DC=com" && waivers[0].expires == "2026-12-31")
        #expect(waivers[0].source == "\(path):2" && waivers[1].source == "\(path):7" && waivers[1].approvedBy == nil)
    }

    @Test func anInvalidWaiverFileIsExit78WithFileLineColumn() throws {
        let path = try folder.write(
            "bad.yml",
            """
            waivers:
              - check: AD-9
                justification: x
                expires: 2026-13-01
              - check: AD-009
                expires: 2026-12-31
                approvdBy: me
            """)
        #expect {
            _ = try WaiverFile.load(from: path)
        } throws: { error in
            let text = "\(error)"
            return ExitStatus.for(error) == .invalidConfiguration
                && text.contains("\(path):2:12: error: 'waivers[0].check' is 'AD-9', which is not a check id like AD-009.")
                && text.contains("\(path):4:14: error: 'waivers[0].expires' is '2026-13-01', which is not a date written YYYY-MM-DD")
                && text.contains("\(path):5:5: error: 'waivers[1].justification' is required. Add it.")
                && text.contains("\(path):7:5: error: Unknown key 'waivers[1].approvdBy'. Did you mean 'approvedBy'?")
        }
        let missing = folder.url("nope.yml")
        #expect { _ = try WaiverFile.load(from: missing) } throws: { ExitStatus.for($0) == .cannotReadInput }
    }
}
