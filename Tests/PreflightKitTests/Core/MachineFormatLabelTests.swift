import Foundation
import PreflightTestSupport
import Testing

@testable import PreflightCore
@testable import PreflightReporting

/// Issue #18, machine formats: Prometheus series tell customers apart, JUnit does not show critical warnings green.
@Suite("Machine formats: tenant labels, flagged warnings")
struct MachineFormatLabelTests {
    let folder = try! TemporaryFolder("format-labels")

    func written(_ format: ReportFormat, _ report: Report, _ name: String) throws -> String {
        let path = folder.url(name)
        try format.render(report).write(to: URL(fileURLWithPath: path))
        return path
    }

    @Test func everyPrometheusSeriesCarriesTheTenantAndTheCustomer() async throws {
        let samples = try await FormatValidators.prometheus(at: try written(.prom, SampleReport.value, "labels.prom"))
        #expect(samples.count == 17)
        let run = #"customer="Contoso Ltd","#
        for (series, _) in samples {
            #expect(series.contains(run) && series.contains(#"tenant="contoso.onmicrosoft.com""#), "\(series)")
        }
        #expect(samples[#"preflight_ready{customer="Contoso Ltd",tenant="contoso.onmicrosoft.com"}"#] == 0)
        #expect(samples[#"preflight_findings{customer="Contoso Ltd",id="AD-003",tenant="contoso.onmicrosoft.com"}"#] == 30)

        // Without a report: block there is nothing to label; a customer alone labels alone; quotes are escaped.
        var bare = SampleReport.value
        bare.cover = Report.Cover()
        let unlabelled = try await FormatValidators.prometheus(at: try written(.prom, bare, "bare.prom"))
        #expect(unlabelled["preflight_ready"] == 0 && unlabelled.keys.allSatisfy { !$0.contains("tenant=") && !$0.contains("customer=") })
        bare.cover = Report.Cover(customer: #"Fabrikam "EU""#)
        let customer = try await FormatValidators.prometheus(at: try written(.prom, bare, "customer.prom"))
        #expect(customer[#"preflight_ready{customer="Fabrikam "EU""}"#] == 0, "\(customer.keys.sorted())")
    }

    /// The choice documented in docs/reports.md: a warning of a critical or high check is a failed test case.
    @Test func aCriticalWarningIsAFailedTestCase() async throws {
        var report = SampleReport.value
        report.checks[4].status = .warn
        report.checks[4].message = "The relay answered, but its certificate looks like TLS inspection."
        report.checks[4].findings = [Finding(status: .warn, target: "https://b.servicebus.windows.net/", message: "TLS inspection.")]
        report = Report(run: report.run, cover: report.cover, notices: report.notices, checks: report.checks)
        assertSnapshot(ReportFormat.junit.render(report), named: "report-critical-warning.junit.xml")
        let cases = try await FormatValidators.junit(at: try written(.junit, report, "warning.junit.xml"))
        #expect(cases["NET-002 Service Bus relay reachable"] == "failure")
        #expect(cases["NET-002 Service Bus relay reachable#message"] == "The relay answered, but its certificate looks like TLS inspection.")
        #expect(cases["NET-002 Service Bus relay reachable#body"]?.hasPrefix("WARN (critical): The relay answered") == true)
        #expect(cases["AD-006 Change Password effective"] == "passed", "a low warning still passes")
        let text = ReportFormat.junit.reporter.render(report)
        #expect(text.contains(#"<testsuites name="preflight" tests="6" failures="2" errors="1""#))
        #expect(text.contains(#"<testsuite name="network" id="2" package="preflight" tests="2" failures="1" errors="1""#))
    }
}
