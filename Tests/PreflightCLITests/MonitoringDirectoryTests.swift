import Foundation
import PreflightTestSupport
import Testing

import PreflightKit

/// MON-003 and MON-005 against a real Samba AD DC (scripts/lab/SCENARIOS.md), end to end through the CLI, with the
/// demo's event and audit exports (examples/demo/monitoring, made by scripts/fixtures/monitoring.py).
@Suite("Monitoring cross-reference with the directory (Samba AD DC)", .serialized)
struct MonitoringDirectoryTests {
    static let demo = Repository.root.appendingPathComponent("examples/demo/monitoring")
    static let events = demo.appendingPathComponent("application-log.csv").path
    static let audit = demo.appendingPathComponent("audit-log.csv").path
    static let staff = "OU=Staff,\(SambaDC.baseDN)"
    static let carol = "CN=carol,OU=Denied,OU=Staff,\(SambaDC.baseDN)"

    /// Runs `preflight run --phase health` with the lab's LDAP settings and the given monitoring inputs.
    func run(
        _ folder: TemporaryFolder, events: String = Self.events, audit: String = Self.audit, ldap: Bool = true, only: [String]
    ) async throws -> (CLIResult, Report) {
        let dc = try await SambaLab.shared()
        // The exports are a snapshot of 2026-11-26, judged here on their content; their age would make the MON checks warn
        // 30 days later (EvidenceAgeCLITests covers that rule).
        var config = """
            timeoutSeconds: 60
            maxEvidenceAgeDays: 36500
            monitoring: {events: "\(events)", audit: "\(audit)"}

            """
        if ldap {
            config += """
                ldap: {url: "\(dc.ldapsURL)", caFile: "\(dc.caFile)", bindDN: "\(SambaDC.readerUPN)", passwordEnv: LAB_PASSWORD,
                       account: MSOL_root, scope: ["\(Self.staff)"]}

                """
        }
        let file = try folder.write("preflight.yml", config)
        let cli = try await CLI.run(
            ["run", "--config", file, "--phase", "health", "--only", only.joined(separator: ","), "--out", folder.url("out")],
            environment: ["LAB_PASSWORD": SambaDC.readerPassword])
        guard let data = FileManager.default.contents(atPath: folder.url("out/latest.json")) else {
            throw SambaDC.LabError(description: "No report was written: \(cli)")
        }
        try await SchemaValidator.validate(reportAt: folder.url("out/latest.json"))
        return (cli, try JSONReporter.parse(data, file: "latest.json"))
    }

    /// The demo's event log with carol's 33004 about another user: decoded and written back as Windows PowerShell does.
    func events(naming user: String, in folder: TemporaryFolder) async throws -> String {
        let target = folder.url("application-log-\(user.prefix { $0 != "@" }).csv")
        try await runBlocking {
            let data = try Data(contentsOf: URL(fileURLWithPath: Self.events))
            guard data.starts(with: [0xFF, 0xFE]), let text = String(data: data.dropFirst(2), encoding: .utf16LittleEndian),
                text.contains("carol@corp.example.test")
            else { throw SambaDC.LabError(description: "The demo event log is not the UTF-16 export naming carol.") }
            var out = Data([0xFF, 0xFE])
            out.append(text.replacingOccurrences(of: "carol@corp.example.test", with: user).data(using: .utf16LittleEndian)!)
            try out.write(to: URL(fileURLWithPath: target))
        }
        return target
    }

    @Test func theDemoStoryAFailedResetAndAD003SeeTheSameProblem() async throws {
        let folder = try TemporaryFolder("mon-lab")
        let (cli, report) = try await run(folder, only: ["AD-003", "MON-001", "MON-002", "MON-003", "MON-004", "MON-005"])
        func check(_ id: String) -> CheckResult? { report.checks.first { $0.id == id } }
        #expect(check("MON-001")?.status == .pass, "\(check("MON-001")?.message ?? "")")
        #expect(check("MON-002")?.status == .pass, "\(check("MON-002")?.message ?? "")")
        let reset = try #require(check("AD-003"))
        #expect(reset.status == .fail && reset.findings.contains { $0.target == Self.carol })
        let directory = try #require(check("MON-003"))
        #expect(directory.status == .fail)
        let carol = try #require(directory.findings.first { $0.target == "carol@corp.example.test" })
        #expect(carol.details?["ad003"] == "flagged")
        #expect(carol.details?["dn"] == .string(Self.carol))
        #expect(carol.message.contains("The same problem seen twice: AD-003 also flags \(Self.carol) (denied-inherited)"))
        #expect(carol.message.contains("inherited from 'OU=Denied,OU=Staff,DC=corp,DC=example,DC=test'"))
        #expect(directory.message.contains("1 user failed in production and lacks Reset Password in AD-003 too"))
        let adsync = try #require(directory.findings.first { $0.target == "ADSync 6329" })
        #expect(adsync.message.contains("Logged within seconds of a 33xxx event of carol@corp.example.test"))
        let audit = try #require(check("MON-004"))
        #expect(audit.status == .fail && audit.findings.map(\.target) == ["carol@corp.example.test"])
        #expect(audit.evidence["successes"] == 2)
        #expect(check("MON-005")?.status == .pass, "\(check("MON-005")?.message ?? "")")
        #expect(cli.exitCode == 1)
        let markdown = try folder.read("out/latest.md")
        #expect(markdown.contains("**Active Directory errors in the window**"))
        #expect(markdown.contains("| PasswordResetService 33004 | ADPermissionsError | 1 | carol@corp.example.test |"))
    }

    @Test func aUserAD003FindsGrantedOutOfScopeOrMissingIsSaidToBeSo() async throws {
        let folder = try TemporaryFolder("mon-lab-variants")
        let cases: [(String, String, String)] = [
            ("alice@corp.example.test", "granted", "AD-003 finds Reset Password granted to CORP\\MSOL_root on CN=alice,OU=Staff"),
            ("ga1@corp.example.test", "out-of-scope", "is outside the scope AD-003 judged (OU=Staff,DC=corp,DC=example,DC=test)"),
            ("ethan@contoso.co.uk", "not-found", "'ethan@contoso.co.uk' was not found in corp.example.test"),
        ]
        for (user, verdict, sentence) in cases {
            let (_, report) = try await run(folder, events: try await events(naming: user, in: folder), only: ["MON-003"])
            let directory = try #require(report.checks.first { $0.id == "MON-003" })
            let finding = try #require(directory.findings.first { $0.target == user }, "\(directory.message)")
            #expect(finding.details?["ad003"] == .string(verdict), "\(finding.message)")
            #expect(finding.message.contains(sentence), "\(finding.message)")
        }
    }

    @Test func withoutLDAPTheCrossReferenceIsSaidToBeImpossible() async throws {
        let folder = try TemporaryFolder("mon-no-ldap")
        let (_, report) = try await run(folder, ldap: false, only: ["MON-003"])
        let directory = try #require(report.checks.first { $0.id == "MON-003" })
        #expect(directory.status == .fail)
        #expect(directory.findings.first { $0.target == "carol@corp.example.test" }?.details?["ad003"] == "not-checked")
        #expect(directory.message.contains("No cross-reference with AD-003: no 'ldap' section is configured"))
    }

    /// A Graph directoryAudits page of admin resets by helpdesk@corp.example.test that succeeded with OnPremisesAgent None
    /// (written to Entra ID only), one per (target UPN, activityDateTime).
    static func cloudOnlyAdminResets(_ resets: [(target: String, at: String)]) -> String {
        let entries = resets.map { target, time in
            """
              {"activityDisplayName": "Reset password (by admin)", "activityDateTime": "\(time)",
               "loggedByService": "Self-service Password Management", "result": "success", "resultReason": "",
               "initiatedBy": {"user": {"userPrincipalName": "helpdesk@corp.example.test"}},
               "targetResources": [{"type": "User", "userPrincipalName": "\(target)"}],
               "additionalDetails": [{"key": "OnPremisesAgent", "value": "None"}]}
            """
        }
        return "{\"@odata.context\": \"https://graph.microsoft.com/v1.0/$metadata#auditLogs/directoryAudits\", \"value\": [\n"
            + entries.joined(separator: ",\n") + "\n]}\n"
    }

    @Test func aCloudOnlyAdminResetOfASyncedUserWarnsAndOfACloudUserDoesNot() async throws {
        let folder = try TemporaryFolder("mon-admin")
        let page = Self.cloudOnlyAdminResets([
            ("alice@corp.example.test", "2026-11-26T09:01:00.1234567Z"), ("kiosk@contoso.onmicrosoft.com", "2026-11-26T08:01:00Z"),
        ])
        let path = try folder.write("directoryAudits.json", page)
        let (_, report) = try await run(folder, audit: path, only: ["MON-005"])
        let admin = try #require(report.checks.first { $0.id == "MON-005" })
        #expect(admin.status == .warn, "\(admin.message)")
        #expect(admin.findings.map(\.target) == ["alice@corp.example.test"])
        #expect(admin.findings[0].message.contains("the user is synced from CN=alice,OU=Staff,DC=corp,DC=example,DC=test"))
        #expect(admin.evidence["cloudOnlyUsersNotInDirectory"] == ["kiosk@contoso.onmicrosoft.com"])
    }
}
