import Foundation
import PreflightTestSupport
import Testing

import PreflightKit

/// The summary's area lines and the customer text (issue #18 §2, §3) on reports the sample does not cover: a Cloud Sync
/// run before go-live, a remediation whose generated and catalog paragraphs repeat, a message with `<`.
@Suite("Executive summary and customer text")
struct ExecutiveSummaryTests {
    static func check(
        _ id: String, status: CheckStatus, reason: SkipReason? = nil, message: String = "Judged.", remediation: String = ""
    ) -> CheckResult {
        ReadinessSample.check(id, status, reason: reason, message: message, remediation: remediation)
    }

    static func report(_ checks: [CheckResult]) -> Report { ReadinessSample.report(checks) }

    /// Under Cloud Sync the Connect checks do not apply, nor do the monitoring checks before go-live: no line says
    /// "Entra Connect: skip" or "Monitoring: skip"; Cloud Sync has its line.
    @Test func areasOfOnlyNotApplicableChecksHaveNoLine() throws {
        let report = Self.report([
            Self.check("AD-001", status: .pass), Self.check("CSY-001", status: .pass),
            Self.check("CON-001", status: .skip, reason: .notApplicable, message: "Not applicable under cloud-sync."),
            Self.check("CON-002", status: .skip, reason: .notApplicable, message: "Not applicable under cloud-sync."),
            Self.check("MON-001", status: .skip, reason: .notApplicable, message: "After go-live only."),
            Self.check("INV-001", status: .skip, reason: .noInput, message: "No 'inventory.users' is configured."),
        ])
        #expect(AreaStatus.areas(report).map(\.name) == ["Directory", "Licences and users", "Cloud Sync"])
        let text = MarkdownReporter.render(report)
        #expect(text.contains("| Cloud Sync | ✅ pass | 1 passed |"), "\(text)")
        #expect(!text.contains("| Entra Connect |") && !text.contains("| Monitoring |"))
        #expect(text.contains("| Licences and users | ⏭️ skip | 1 skipped |"), "a check without input still has its line")
        #expect(!HTMLReporter.render(report).contains("<td>Entra Connect</td>"))
    }

    @Test func aRemediationParagraphRepeatedIsPrintedOnce() {
        let paragraph = "Upgrade Entra Connect to 2.5.79.0 or later."
        let report = Self.report([
            Self.check("CON-001", status: .fail, message: "Connect 1.1.130.0 < 1.1.443.0.", remediation: "\(paragraph)\n\nThen run a delta sync.\n\n\(paragraph)")
        ])
        let text = MarkdownReporter.render(report)
        #expect(text.components(separatedBy: paragraph).count == 2, "once: \(text)")
        #expect(text.contains("Then run a delta sync."))
        #expect(text.contains("Connect 1.1.130.0 < 1.1.443.0.") && !text.contains("&lt;"), "no HTML entity in Markdown")
        #expect(HTMLReporter.render(report).contains("Connect 1.1.130.0 &lt; 1.1.443.0."), "HTML escapes it")
    }
}
