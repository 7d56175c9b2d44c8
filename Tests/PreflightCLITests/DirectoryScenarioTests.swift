import Foundation
import PreflightTestSupport
import Testing

import PreflightKit

/// The directory checks against a real Samba AD DC (scripts/lab/SCENARIOS.md), end to end through the CLI.
@Suite("Directory scenarios (Samba AD DC)", .serialized)
struct DirectoryScenarioTests {
    let dc: SambaDC
    let runner = DirectoryRun()

    init() async throws { dc = try await SambaLab.shared() }

    func rights(_ account: String, scope: String, only: [String] = Lab.rights) async throws -> DirectoryRun.Outcome {
        try await runner.run(url: dc.ldapsURL, caFile: dc.caFile, account: account, scope: [scope], only: only)
    }

    @Test func rightsGrantedDirectlyOnAnOU() async throws {
        let outcome = try await rights("MSOL_direct", scope: Lab.ou("OU=Direct"))
        for id in Lab.rights {
            #expect(outcome.check(id)?.status == .pass, "\(id): \(outcome.check(id)?.message ?? "")")
            #expect(outcome.check(id)?.evidence["usersWithRight"] == .int(2))
        }
        #expect(outcome.cli.exitCode == 0, "\(outcome.cli)")
        #expect(outcome.check("AD-003")?.evidence["accountSource"] == "ldap.account")
        #expect(outcome.check("AD-003")?.evidence["scopeSource"] == "ldap.scope")
    }

    @Test func rightsGrantedThroughNestedGroups() async throws {
        let outcome = try await rights("MSOL_nested", scope: Lab.ou("OU=Nested"))
        for id in Lab.rights { #expect(outcome.check(id)?.status == .pass, "\(id): \(outcome.check(id)?.message ?? "")") }
        #expect(outcome.check("AD-003")?.evidence["groupSource"] == .string(LogonToken.Source.tokenGroups.rawValue))
    }

    @Test func unreadableTokenGroupsAreReconstructedFromMembershipsAndSaySo() async throws {
        let outcome = try await rights("MSOL_hidden", scope: Lab.ou("OU=Nested"))
        for id in Lab.rights { #expect(outcome.check(id)?.status == .pass, "\(id): \(outcome.check(id)?.message ?? "")") }
        #expect(outcome.check("AD-003")?.evidence["groupSource"] == .string(LogonToken.Source.reconstructed.rawValue))
    }

    @Test func rightsGrantedAtTheDomainRootReachDescendantUsers() async throws {
        let outcome = try await rights("MSOL_root", scope: Lab.ou("OU=Direct"))
        for id in Lab.rights { #expect(outcome.check(id)?.status == .pass) }
    }

    @Test func oneOfTheThreeRightsMissing() async throws {
        let outcome = try await rights("MSOL_partial", scope: Lab.ou("OU=Partial"))
        #expect(outcome.check("AD-003")?.status == .pass)
        #expect(outcome.check("AD-004")?.status == .pass)
        let missing = try #require(outcome.check("AD-005"))
        #expect(missing.status == .fail)
        #expect(outcome.targets("AD-005") == [Lab.user("partial1", Lab.ou("OU=Partial"))])
        #expect(missing.findings.first?.details?["cause"] == "no-grant")
        #expect(missing.remediation.contains(#"dsacls "OU=Partial,DC=corp,DC=example,DC=test" /I:S /G "CORP\MSOL_partial:WP;pwdLastSet;user""#))
        #expect(missing.remediation.contains("Set-ADSyncPasswordWritebackPermissions -ADConnectorAccountName 'MSOL_partial' -ADConnectorAccountDomain 'corp.example.test' -ADobjectDN 'OU=Partial,DC=corp,DC=example,DC=test'"))
        #expect(outcome.cli.exitCode == 1)
        #expect(outcome.cli.stdout.hasPrefix("NOT READY"))
    }

    @Test func genericAllGrantsEverything() async throws {
        let outcome = try await rights("MSOL_ga", scope: Lab.ou("OU=GenericAll"))
        for id in Lab.rights { #expect(outcome.check(id)?.status == .pass, "\(id): \(outcome.check(id)?.message ?? "")") }
    }

    @Test func aPropertySetGrantCoversPwdLastSet() async throws {
        let outcome = try await rights("MSOL_ps", scope: Lab.ou("OU=PropSet"))
        for id in Lab.rights { #expect(outcome.check(id)?.status == .pass, "\(id): \(outcome.check(id)?.message ?? "")") }
    }

    @Test func everyGapUnderStaffIsExplained() async throws {
        let staff = Lab.ou("OU=Staff")
        let outcome = try await rights("MSOL_root", scope: staff, only: Lab.rights + ["AD-009"])
        let reset = try #require(outcome.check("AD-003"))
        #expect(reset.status == .fail)
        let carol = try #require(outcome.finding("AD-003", target: Lab.user("carol", "OU=Denied," + staff)))
        #expect(carol.details?["cause"] == "denied-inherited")
        #expect(carol.details?["inheritedFrom"] == .string("OU=Denied," + staff))
        #expect(carol.message.contains("denied to CORP\\MSOL_root by an ACE inherited from 'OU=Denied,OU=Staff,DC=corp,DC=example,DC=test'"))
        // The deny covers Reset Password only: carol's lockoutTime and pwdLastSet are fine.
        #expect(outcome.finding("AD-004", target: Lab.user("carol", "OU=Denied," + staff)) == nil)

        let dave = try #require(outcome.finding("AD-003", target: Lab.user("dave", "OU=Legacy," + staff)))
        #expect(dave.details?["cause"] == "inheritance-disabled-above")
        #expect(dave.details?["inheritanceDisabledOn"] == .string("OU=Legacy," + staff))
        #expect(dave.details?["grantedAt"] == .string(Lab.base))

        let erin = try #require(outcome.finding("AD-005", target: Lab.user("erin", staff)))
        #expect(erin.details?["cause"] == "user-inheritance-disabled")

        let frank = try #require(outcome.finding("AD-004", target: Lab.user("frank", staff)))
        #expect(frank.details?["cause"] == "grant-for-other-class")
        #expect(frank.message.contains("applies only to user objects, and this is an inetOrgPerson object"))
        #expect(reset.remediation.contains(#"/I:S /G "CORP\MSOL_root:CA;Reset Password;inetOrgPerson""#))

        for id in Lab.rights {
            #expect(outcome.check(id)?.findings.contains { $0.target.lowercased().contains("cn=alice") || $0.target.lowercased().contains("cn=bob") } == false)
        }
        #expect(Set(outcome.targets("AD-009").map { $0.lowercased() }) == Set(["OU=Legacy,\(staff)", Lab.user("erin", staff)].map { $0.lowercased() }))
    }

    @Test func aProtectedAccountIsExplainedAndListed() async throws {
        let admins = Lab.ou("OU=Admins")
        let outcome = try await rights("MSOL_root", scope: admins, only: Lab.rights + ["AD-008"])
        let t0admin = try #require(outcome.finding("AD-003", target: Lab.user("t0admin", admins)))
        #expect(t0admin.details?["cause"] == "protected-account")
        #expect(t0admin.message.contains("protected (adminCount=1)"))
        let listed = try #require(outcome.finding("AD-008", target: Lab.user("t0admin", admins)))
        #expect(listed.message.contains("adminCount=1") && listed.message.contains("Domain Admins"))
        #expect(outcome.check("AD-008")?.status == .warn)
    }

    @Test func wholeDomainScopeJudgesEveryUserAndTheDomainLevelChecks() async throws {
        let outcome = try await runner.run(
            url: dc.ldapsURL, caFile: dc.caFile, account: "MSOL_root",
            only: ["AD-003", "AD-007", "AD-010", "AD-011", "AD-012", "AD-013"])
        let reset = try #require(outcome.check("AD-003"))
        #expect(reset.evidence["scopeSource"] == .string(ScopeFacts.Source.wholeDomain.rawValue))
        #expect(Set(reset.findings.compactMap { $0.details?["cause"]?.stringValue }) == [
            "denied-inherited", "inheritance-disabled-above", "user-inheritance-disabled", "grant-for-other-class", "protected-account",
        ])
        // Samba grants Unexpire Password to Authenticated Users on the domain root by default.
        #expect(outcome.check("AD-007")?.status == .pass)
        // Samba advertises neither policy-hints OID; the report says exactly what it does advertise.
        let controls = try #require(outcome.check("AD-011"))
        #expect(controls.status == .fail)
        #expect(controls.evidence["supportedControl"]?.arrayValue?.contains("1.2.840.113556.1.4.319") == true)
        #expect(outcome.check("AD-012")?.status == .pass)
        let names = try #require(outcome.check("AD-013"))
        #expect(names.status == .fail)
        #expect(Set(names.findings.map(\.target)) == [Lab.ou("OU=Sales\\, EMEA"), Lab.ou("OU=\\#Hash")])
        let age = try #require(outcome.check("AD-010"))
        #expect(age.status == .warn)
        #expect(age.findings.contains { $0.target == Lab.base && $0.message.contains("1 day") })
        // bob's resultant PSO is visible, its settings are not (PSOs are admin-only): unknown, never "0".
        #expect(age.findings.contains { $0.target.hasPrefix("CN=pso-min-age,") && $0.message.contains("cannot read its settings") })
    }

    @Test func anAdministratorBindReadsThePasswordSettingsObject() async throws {
        let outcome = try await runner.run(
            url: dc.ldapsURL, caFile: dc.caFile, bindDN: SambaDC.administratorUPN, password: SambaDC.administratorPassword,
            account: "MSOL_root", scope: [Lab.ou("OU=Staff")], only: ["AD-010"])
        let pso = try #require(outcome.check("AD-010")?.findings.first { $0.target.hasPrefix("CN=pso-min-age,") })
        #expect(pso.message.contains("minimum password age of 2 days for 1 in-scope user."))
        #expect(outcome.check("AD-010")?.remediation.contains("Set-ADFineGrainedPasswordPolicy -Identity 'pso-min-age' -MinPasswordAge 0") == true)
    }

    @Test func excludedOUsAreLeftOut() async throws {
        let staff = Lab.ou("OU=Staff")
        let outcome = try await runner.run(
            url: dc.ldapsURL, caFile: dc.caFile, account: "MSOL_root", scope: [staff], exclude: ["OU=Denied,\(staff)", "OU=Legacy,\(staff)"],
            only: ["AD-003"])
        #expect(!outcome.targets("AD-003").contains { $0.contains("carol") || $0.contains("dave") })
        #expect(outcome.targets("AD-003").contains { $0.contains("erin") })
    }

    @Test func theConnectorAccountMustExistAndBeUsable() async throws {
        let missing = try await runner.run(url: dc.ldapsURL, caFile: dc.caFile, account: "MSOL_nobody", only: ["AD-002", "AD-003"])
        #expect(missing.check("AD-002")?.status == .fail)
        #expect(missing.check("AD-002")?.message.contains("'MSOL_nobody' was not found") == true)
        #expect(missing.check("AD-003")?.status == .skip && missing.check("AD-003")?.reason == .requirementFailed)
        #expect(missing.check("AD-003")?.message.contains("Requires AD-002") == true)

        let disabled = try await runner.run(url: dc.ldapsURL, caFile: dc.caFile, account: "MSOL_disabled", only: ["AD-002"])
        #expect(disabled.check("AD-002")?.status == .fail)
        #expect(disabled.check("AD-002")?.message.contains("the account is disabled") == true)

        let privileged = try await runner.run(url: dc.ldapsURL, caFile: dc.caFile, account: "t0admin", only: ["AD-002"])
        #expect(privileged.check("AD-002")?.status == .warn)
        #expect(privileged.check("AD-002")?.message.contains("Domain Admins") == true)

        let byDN = try await runner.run(url: dc.ldapsURL, caFile: dc.caFile, account: "CN=MSOL_direct,CN=Users,\(Lab.base)", only: ["AD-002"])
        #expect(byDN.check("AD-002")?.status == .pass)
    }
}
