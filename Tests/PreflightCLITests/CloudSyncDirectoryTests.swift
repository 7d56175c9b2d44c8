import Foundation
import PreflightTestSupport
import Testing

import PreflightKit

/// `topology: cloud-sync` on the directory side (scripts/lab/SCENARIOS.md, section 9): the account defaults to the
/// provisioning agent's gMSA, Cloud Sync's permission set is judged (no Change Password), and the repair names Cloud
/// Sync's cmdlet. Verdicts are compared with the DC performing the writes as the gMSA (the lab gave it a password, which
/// a Windows DC would not allow; Samba 4.17 does not manage gMSA passwords, and the access check is the same either way).
@Suite("Cloud Sync directory checks (Samba AD DC)", .serialized)
struct CloudSyncDirectoryTests {
    let dc: SambaDC
    let folder = try! TemporaryFolder("cloudsync-dir")
    static let gmsa = "provAgentgMSA$"
    static let gmsaDN = "CN=provAgentgMSA,CN=Managed Service Accounts,\(SambaDC.baseDN)"

    init() async throws { dc = try await SambaLab.shared() }

    func run(ou: String, account: String? = nil, boundAsGMSA: Bool = false) async throws -> DirectoryRun.Outcome {
        var ldap = [
            "url: \"\(dc.ldapsURL)\"", "caFile: \"\(dc.caFile)\"", "passwordEnv: LAB_PASSWORD", "scope: [\"\(Lab.ou(ou))\"]",
            "bindDN: \"\(boundAsGMSA ? "\(Self.gmsa)@corp.example.test" : SambaDC.readerUPN)\"",
        ]
        if let account { ldap.append("account: \"\(account)\"") }
        let config = try folder.write(
            "preflight-\(UUID().uuidString.prefix(6)).yml",
            "topology: cloud-sync\ntimeoutSeconds: 60\nldap:\n" + ldap.map { "  " + $0 }.joined(separator: "\n") + "\n")
        let out = folder.url("out-\(UUID().uuidString.prefix(6))")
        let cli = try await CLI.run(
            ["run", "--config", config, "--only", "AD-002,AD-003,AD-004,AD-005,AD-006,AD-007", "--out", out],
            environment: ["LAB_PASSWORD": boundAsGMSA ? Lab.servicePassword : SambaDC.readerPassword])
        let json = out + "/latest.json"
        guard let data = FileManager.default.contents(atPath: json) else { throw SambaDC.LabError(description: "No report: \(cli)") }
        try await SchemaValidator.validate(reportAt: json)
        return DirectoryRun.Outcome(cli: cli, report: try JSONReporter.parse(data, file: json), elapsed: 0)
    }

    @Test func theAgentsGMSAIsTheDefaultAccountAndItsVerdictsAreTheDCs() async throws {
        let outcome = try await run(ou: "OU=CloudSync")
        let account = try #require(outcome.check("AD-002"))
        #expect(account.status == .pass, "\(account.message)")
        #expect(account.evidence["accountSource"] == .string(AccountFacts.Source.cloudSyncDefault.rawValue))
        #expect(account.evidence["accountDN"] == .string(Self.gmsaDN))
        let answers = try DCJudge(dc).answers(as: Self.gmsa, password: Lab.servicePassword, on: Lab.user("cs1", Lab.ou("OU=CloudSync")))
        for write in DCJudge.Write.allCases {
            #expect(answers[write] == true, "the lab grants Cloud Sync's set: \(write)")
            #expect(outcome.check(write.checkID)?.status == .pass, "\(write.checkID): \(outcome.check(write.checkID)?.message ?? "")")
        }
        let change = try #require(outcome.check("AD-006"))
        #expect(change.status == .skip && change.reason == .notApplicable, "Change Password is not in Cloud Sync's set: \(change.message)")
        #expect(outcome.check("AD-007")?.status == .pass)
        #expect(outcome.cli.exitCode == 0, "\(outcome.cli)")
    }

    @Test func aMissingRightNamesCloudSyncsRepairAndTheDCAgrees() async throws {
        let outcome = try await run(ou: "OU=CloudSyncPartial")
        let pwdLastSet = try #require(outcome.check("AD-005"))
        #expect(pwdLastSet.status == .fail)
        #expect(try DCJudge(dc).allows(.pwdLastSet, as: Self.gmsa, password: Lab.servicePassword, on: Lab.user("csp1", Lab.ou("OU=CloudSyncPartial"))) == false)
        #expect(pwdLastSet.remediation.contains(#"dsacls "OU=CloudSyncPartial,DC=corp,DC=example,DC=test" /I:S /G "CORP\provAgentgMSA$:WP;pwdLastSet;user""#))
        #expect(pwdLastSet.remediation.contains("Set-AADCloudSyncPermissions -PermissionType PasswordWriteBack -EACredential (Get-Credential)"))
        #expect(pwdLastSet.remediation.contains("-TargetDomain 'corp.example.test'"))
        #expect(!pwdLastSet.remediation.contains("Set-ADSyncPasswordWritebackPermissions -ADConnectorAccountName"), "Connect's cmdlet does not apply")
        #expect(outcome.check("AD-003")?.status == .pass && outcome.check("AD-004")?.status == .pass)
        #expect(outcome.cli.exitCode == 1)
    }

    @Test func aGMSANamedWithoutItsDollarIsFoundAndTheDCCrossCheckRunsBoundAsIt() async throws {
        let named = try await run(ou: "OU=CloudSync", account: "provAgentgMSA")
        #expect(named.check("AD-002")?.evidence["accountDN"] == .string(Self.gmsaDN), "\(named.check("AD-002")?.message ?? "")")
        let own = try await run(ou: "OU=CloudSync", boundAsGMSA: true)
        for id in ["AD-004", "AD-005"] {
            #expect(own.check(id)?.evidence["dcCrossCheck"] == .object(["attribute": "allowedAttributesEffective", "confirmed": 1, "disagreed": 0]))
        }
    }
}
