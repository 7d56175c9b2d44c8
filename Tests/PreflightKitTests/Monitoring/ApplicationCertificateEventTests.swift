import Foundation
import PreflightTestSupport
import Testing

import PreflightKit

/// MON-002 counts the events of Connect's application certificate (learn.microsoft.com/entra/identity/hybrid/connect/authenticate-application-id):
/// 1012 (expired) fails, 1011 (70 % of its lifetime used) warns, 1014 (no TPM) is only counted.
/// The fixtures are made by scripts/fixtures/monitoring.py (certificate(); texts ASSUMED, see SOURCE.md).
@Suite("Application certificate events in MON-002 (1011, 1012, 1014)")
struct ApplicationCertificateEventTests {
    func run(_ events: [String], only ids: [String] = ["MON-001", "MON-002"]) async throws -> [String: CheckResult] {
        try await runMonitoringChecks(ids, monitoringConfiguration(events: events))
    }

    @Test(arguments: ["certificate-expired-winps51.csv", "certificate-expired-wevtutil.xml"])
    func anExpiredCertificateFailsMON002(file: String) async throws {
        let results = try await run([file])
        #expect(results["MON-001"]?.status == .pass, "the relay still answers: \(results["MON-001"]?.message ?? "")")
        let service = try #require(results["MON-002"])
        #expect(service.status == .fail, "\(service.message)")
        #expect(service.findings.map(\.target) == ["ADSync 1012", "ADSync 1011"])
        #expect(service.findings.map(\.status) == [.fail, .warn])
        #expect(service.message.contains("41 service-side writeback error events"), "\(service.message)")
        #expect(service.message.contains("ADSync 1012 application certificate expired ×12"), "\(service.message)")
        #expect(service.message.contains("ADSync 1011 application certificate at 70 % of its lifetime ×29"))
        #expect(service.message.contains("The Entra connector's application certificate expired (event 1012"))
        #expect(service.message.contains("Also 1 event 1014"))
        #expect(service.evidence["applicationCertificateNoTPMEvents"] == 1)
        #expect(service.tableRows.first?.prefix(3) == ["ADSync 1012", "application certificate expired", "12"])
        #expect(service.remediation.contains("Rotate application certificate"))
        #expect(service.remediation.contains("Invoke-ADSyncApplicationCredentialRotation"))
        #expect(service.findings[0].message.contains("Connect cannot authenticate to Microsoft Entra ID"))
    }

    @Test func anAgingCertificateWarns() async throws {
        let results = try await run(["certificate-aging-pwsh7.csv"])
        let service = try #require(results["MON-002"])
        #expect(service.status == .warn, "\(service.message)")
        #expect(service.findings.map(\.target) == ["ADSync 1011"])
        #expect(service.message.contains("ADSync 1011 application certificate at 70 % of its lifetime ×41"), "\(service.message)")
        #expect(service.message.contains("has used 70 % of its lifetime (event 1011"))
        #expect(service.remediation.contains("due for rotation"))
    }

    /// The source is not published: the Directory Synchronization source counts as ADSync does; another source does not.
    @Test func theDirectorySynchronizationSourceCountsAndOthersDoNot() async throws {
        let folder = try TemporaryFolder("mon-certificate")
        var rows = ["\"TimeCreated\",\"Id\",\"ProviderName\",\"Message\""]
        for minutes in stride(from: 0, through: 120, by: 15) {
            rows.append("\"11/26/2026 \(9 - minutes / 60):\(String(format: "%02d", 59 - minutes % 60)):00 AM\",\"31019\",\"PasswordResetService\",\"TrackingId: x, ServiceBusHeartBeat, Details: Namespace: ssprdedicatedsbprodfra-1.servicebus.windows.net\"")
        }
        rows.append("\"11/26/2026 8:30:00 AM\",\"1012\",\"Directory Synchronization\",\"The certificate expired.\"")
        rows.append("\"11/26/2026 8:31:00 AM\",\"1012\",\"Some Other Product\",\"Unrelated event 1012.\"")
        let path = try folder.write("dirsync.csv", rows.joined(separator: "\r\n") + "\r\n")
        let results = try await run([path], only: ["MON-002"])
        let service = try #require(results["MON-002"])
        #expect(service.status == .fail, "\(service.message)")
        #expect(service.findings.map(\.target) == ["Directory Synchronization 1012"])
    }

    @Test func aHealthyLogStillPassesAndSaysItLookedForThem() async throws {
        let results = try await run(["healthy-winps51-unicode.csv"], only: ["MON-002"])
        let service = try #require(results["MON-002"])
        #expect(service.status == .pass)
        #expect(service.message.contains("application certificate 1011/1012"), "\(service.message)")
        #expect(service.evidence["applicationCertificateNoTPMEvents"] == 0)
    }
}
