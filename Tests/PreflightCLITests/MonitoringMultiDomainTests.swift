import Foundation
import PreflightTestSupport
import Testing

import PreflightKit

/// MON-003 and MON-005 in a run over two forests: the users the Connect server's event log and the Entra audit log name
/// are looked up in every domain of `ldap:` (corp.example.test on the shared scenario DC, fabrikam.example.test on the
/// shared fabrikam DC), each cross-referenced with AD-003 of its own domain. The event log is the demo's (Get-WinEvent |
/// Export-Csv, UTF-16, examples/demo/monitoring) with carol's 33004 repeated for fabrikam's cy, as a Connect server
/// syncing both forests logs it; the audit log is a Graph directoryAudits page.
@Suite("Monitoring cross-reference with every domain (two Samba AD forests)")
struct MonitoringMultiDomainTests {
    static let carol = "CN=carol,OU=Denied,OU=Staff,\(SambaDC.baseDN)"
    static let cy = "CN=cy,OU=Blocked,OU=People,\(Fabrikam.baseDN)"
    static let ann = "CN=ann,OU=People,\(Fabrikam.baseDN)"

    /// The demo export with a second 33004 (its own TrackingId, RecordId and time) for cy@fabrikam.example.test.
    func eventLog(in folder: TemporaryFolder) async throws -> String {
        let target = folder.url("application-log.csv")
        try await runBlocking {
            let data = try Data(contentsOf: URL(fileURLWithPath: MonitoringDirectoryTests.events))
            guard data.starts(with: [0xFF, 0xFE]), let text = String(data: data.dropFirst(2), encoding: .utf16LittleEndian) else {
                throw SambaDC.LabError(description: "The demo event log is not UTF-16 with a BOM.")
            }
            var lines = text.components(separatedBy: "\r\n")
            guard let start = lines.firstIndex(where: { $0.hasPrefix("\"TrackingId: 7344ddb3-") && $0.contains("carol@corp.example.test") }),
                let end = lines[start...].firstIndex(where: { $0.contains("\",\"33004\",") })
            else { throw SambaDC.LabError(description: "The demo event log has no 33004 record for carol.") }
            let record = lines[start...end].joined(separator: "\r\n")
                .replacingOccurrences(of: "carol@corp.example.test", with: "cy@fabrikam.example.test")
                .replacingOccurrences(of: "7344ddb3-6d1c-4b8e-9f3a-1a2b3c4d6187", with: "7344ddb3-6d1c-4b8e-9f3a-1a2b3c4d6190")
                .replacingOccurrences(of: "\"48028\"", with: "\"48090\"").replacingOccurrences(of: "9:53:15 AM", with: "9:57:41 AM")
            guard record.contains("cy@fabrikam.example.test"), record.contains("\"48090\""), record.contains("9:57:41 AM") else {
                throw SambaDC.LabError(description: "The 33004 record changed shape: \(record)")
            }
            lines.insert(record, at: start)
            var out = Data([0xFF, 0xFE])
            out.append(lines.joined(separator: "\r\n").data(using: .utf16LittleEndian) ?? Data())
            try out.write(to: URL(fileURLWithPath: target))
        }
        return target
    }

    static let auditPage = MonitoringDirectoryTests.cloudOnlyAdminResets([
        ("alice@corp.example.test", "2026-11-26T09:01:00Z"), ("ann@fabrikam.example.test", "2026-11-26T09:05:00Z"),
        ("kiosk@contoso.onmicrosoft.com", "2026-11-26T08:01:00Z"),
    ])

    func run(_ folder: TemporaryFolder, fabrikamURL: String? = nil) async throws -> (CLIResult, Report) {
        let corp = try await SambaLab.shared(), fabrikam = try await SambaLab.fabrikam()
        let events = try await eventLog(in: folder), audit = try folder.write("directoryAudits.json", Self.auditPage)
        let config = try folder.write(
            "preflight.yml",
            """
            timeoutSeconds: 60
            maxEvidenceAgeDays: 36500
            monitoring: {events: "\(events)", audit: "\(audit)"}
            ldap:
              - {url: "\(corp.ldapsURL)", caFile: "\(corp.caFile)", bindDN: "\(SambaDC.readerUPN)", passwordEnv: CORP_PASSWORD,
                 account: MSOL_root, scope: "OU=Staff,\(SambaDC.baseDN)"}
              - {url: "\(fabrikamURL ?? fabrikam.ldapsURL)", caFile: "\(fabrikam.caFile)", bindDN: "\(Fabrikam.readerUPN)",
                 passwordEnv: FABRIKAM_PASSWORD, account: MSOL_fab, scope: "OU=People,\(Fabrikam.baseDN)", baseDN: "\(Fabrikam.baseDN)"}
            """)
        let cli = try await CLI.run(
            ["run", "--config", config, "--phase", "health", "--only", "AD-003,MON-003,MON-005", "--out", folder.url("out")],
            environment: MultiDomainTests.environment, timeout: 180)
        try await SchemaValidator.validate(reportAt: folder.url("out/latest.json"))
        return (cli, try JSONReporter.parse(Data(try folder.read("out/latest.json").utf8), file: "latest.json"))
    }

    @Test func eachUserIsCrossReferencedInItsOwnDomain() async throws {
        let folder = try TemporaryFolder("mon-domains")
        let (cli, report) = try await run(folder)
        func check(_ id: String) throws -> CheckResult { try #require(report.checks.first { $0.id == id }, "\(cli)") }

        // AD-003 flags carol in corp and cy in fabrikam; MON-003 finds both 33004 users there, each in its own domain.
        let reset = try check("AD-003")
        #expect(reset.findings.contains { $0.target == Self.carol } && reset.findings.contains { $0.target == Self.cy })
        let directory = try check("MON-003")
        #expect(directory.status == .fail, "\(directory.message)")
        let carol = try #require(directory.findings.first { $0.target == "carol@corp.example.test" }, "\(directory.findings)")
        #expect(carol.details?["ad003"] == "flagged" && carol.details?["dn"] == .string(Self.carol))
        #expect(carol.details?["domain"] == "corp.example.test")
        let cy = try #require(directory.findings.first { $0.target == "cy@fabrikam.example.test" }, "\(directory.findings)")
        #expect(cy.details?["ad003"] == "flagged", "\(cy.message)")
        #expect(cy.details?["dn"] == .string(Self.cy) && cy.details?["domain"] == "fabrikam.example.test")
        #expect(cy.message.contains("The same problem seen twice: AD-003 also flags \(Self.cy)"), "\(cy.message)")
        #expect(cy.message.contains("FABRIKAM\\MSOL_fab"), "the fabrikam account's explanation: \(cy.message)")
        #expect(directory.message.contains("2 users failed in production and lack Reset Password in AD-003 too"), "\(directory.message)")

        // MON-005: alice (corp) and ann (fabrikam) are synced, so their cloud-only resets warn; kiosk is in neither domain.
        let admin = try check("MON-005")
        #expect(admin.status == .warn, "\(admin.message)")
        #expect(Set(admin.findings.map(\.target)) == ["alice@corp.example.test", "ann@fabrikam.example.test"])
        let ann = try #require(admin.findings.first { $0.target == "ann@fabrikam.example.test" })
        #expect(ann.message.contains("the user is synced from \(Self.ann) (fabrikam.example.test)"), "\(ann.message)")
        #expect(admin.evidence["cloudOnlyUsersNotInDirectory"] == ["kiosk@contoso.onmicrosoft.com"])
        #expect(cli.exitCode == 1, "\(cli)")
    }

    @Test func aDomainThatCannotBeAskedLeavesItsUsersUncheckedNotMissing() async throws {
        let folder = try TemporaryFolder("mon-domains-down")
        // Nothing listens on 127.0.0.12 (the fabrikam certificate's range, no DC started there).
        let (_, report) = try await run(folder, fabrikamURL: "ldaps://127.0.0.12")
        let directory = try #require(report.checks.first { $0.id == "MON-003" })
        #expect(directory.findings.first { $0.target == "carol@corp.example.test" }?.details?["ad003"] == "flagged")
        let cy = try #require(directory.findings.first { $0.target == "cy@fabrikam.example.test" })
        #expect(cy.details?["ad003"] == "not-checked", "\(cy.message)")
        #expect(cy.message.contains("it is not in corp.example.test, and fabrikam.example.test could not be asked"), "\(cy.message)")
        // MON-005 calls no one cloud-only: ann, and kiosk too, may be fabrikam's; that it was not checked is said.
        let admin = try #require(report.checks.first { $0.id == "MON-005" })
        let ann = try #require(admin.findings.first { $0.target == "ann@fabrikam.example.test" }, "\(admin.message)")
        #expect(ann.message.contains("whether the user is synced was not checked (it is not in corp.example.test, and fabrikam.example.test could not be asked"),
            "\(ann.message)")
        #expect(admin.findings.contains { $0.target == "kiosk@contoso.onmicrosoft.com" })
        #expect(admin.evidence["cloudOnlyUsersNotInDirectory"] == [])
    }
}
