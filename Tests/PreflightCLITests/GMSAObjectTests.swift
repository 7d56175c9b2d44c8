import Foundation
import PreflightTestSupport
import Testing

import PreflightKit

/// AD-017 (who may retrieve the gMSA's password) and AD-018 (the gMSA object's hardening) against a Samba AD DC of their
/// own, whose `msDS-GroupMSAMembership` and DACL the tests set over LDAP as Administrator, as Set-ADServiceAccount and
/// Set-AADCloudSyncRestrictedPermissions write them.
///
/// Samba 4.17 stores `msDS-GroupMSAMembership` but does not serve gMSA passwords (`msDS-ManagedPassword`), so no test
/// retrieves one: the tests set the descriptor a Windows DC consults before giving the password to a host, and check the
/// tool's reading of that descriptor (read back from the DC over LDAPS, with its nested members resolved by the DC's
/// in-chain match). For AD-018, the DC itself judges the takeover path: the tests have it perform the write of
/// `msDS-GroupMSAMembership` as an ordinary domain user, refused on the hardened object and allowed once an ACE grants it.
@Suite("gMSA: password readers and hardening (Samba AD DC)", .serialized)
final class GMSAObjectTests {
    let dc: SambaDC
    let runner = DirectoryRun()
    static let gmsa = "CN=provAgentgMSA,CN=Managed Service Accounts,\(SambaDC.baseDN)"
    static let host = "CN=DC1,OU=Domain Controllers,\(SambaDC.baseDN)"
    static let group = "CN=AgentHosts,CN=Users,\(SambaDC.baseDN)"
    /// A domain user of the lab (scripts/lab/SCENARIOS.md) with the service password.
    static let user = "MSOL_partial"
    /// The DACL Set-AADCloudSyncRestrictedPermissions leaves (https://learn.microsoft.com/entra/identity/hybrid/cloud-sync/how-to-gmsa-cmdlets).
    static let hardened =
        "O:DAG:DAD:P(A;;GA;;;SY)(A;;GA;;;EA)(A;;GA;;;DA)(A;;GA;;;BA)(A;;LCRPRC;;;ED)(A;;LCRPRC;;;AU)"
        + "(OA;;SW;72e39547-7b18-11d1-adef-00c04fd8d5cd;;PS)(OA;;RPWP;77b5b886-944a-11d1-aebd-0000f80367c1;;PS)"
    /// The object's own ACEs as Samba creates a gMSA (the class's defaultSecurityDescriptor), inheritance on.
    static let unhardened =
        "O:DAG:DAD:(OD;;CR;00299570-246d-11d0-a768-00aa006e0529;;WD)(A;;RPWPCRCCDCLCLORCWOWDSDDTSW;;;DA)"
        + "(A;;RPWPCRCCDCLCLORCWOWDSDDTSW;;;AO)(A;;RPWPCRCCDCLCLORCWOWDSDDTSW;;;SY)(A;;RPLCLORC;;;AU)"

    init() async throws {
        dc = try await runBlocking { try SambaDC(ip: "127.0.0.9") }
        try dc.modify(
            "dn: \(Self.group)\nchangetype: add\nobjectClass: group\nsAMAccountName: AgentHosts\nmember: \(Self.host)\n")
    }
    deinit { dc.stop() }

    func run(bindAs bind: String? = nil, extraConfig: String = "") async throws -> DirectoryRun.Outcome {
        try await runner.run(
            url: dc.ldapsURL, caFile: dc.caFile, bindDN: bind.map { "\($0)@corp.example.test" } ?? SambaDC.readerUPN,
            password: bind == nil ? SambaDC.readerPassword : Lab.servicePassword, account: "provAgentgMSA$",
            scope: [Lab.ou("OU=CloudSync")], extraConfig: extraConfig, only: ["AD-017", "AD-018"])
    }

    /// Adds a member server's computer account (as a domain join writes it) and returns its DN.
    func addComputer(_ name: String) throws -> String {
        let dn = "CN=\(name),CN=Computers,\(SambaDC.baseDN)"
        try dc.modify(
            "dn: \(dn)\nchangetype: add\nobjectClass: computer\nsAMAccountName: \(name)$\nuserAccountControl: 4128\n"
                + "dNSHostName: \(name.lowercased()).corp.example.test\n")
        return dn
    }

    func readers(_ sddl: String) throws { try dc.replace("msDS-GroupMSAMembership", sddl: "O:BAD:" + sddl, on: Self.gmsa) }

    @Test func agentHostsOnlyPassAndEveryReaderIsListed() async throws {
        let hostSID = try dc.sid(of: Self.host), groupSID = try dc.sid(of: Self.group)
        try readers("(A;;0x000f01ff;;;\(hostSID))(A;;0x000f01ff;;;\(groupSID))")
        let outcome = try await run()
        let check = try #require(outcome.check("AD-017"))
        #expect(check.status == .pass, "\(check.message)")
        #expect(check.message.contains("DC1$ (\(hostSID))") && check.message.contains("AgentHosts (\(groupSID))"), "\(check.message)")
        guard case .array(let listed) = check.evidence["readers"] else { Issue.record("no readers: \(check.evidence)"); return }
        #expect(listed.count == 2)
        #expect(listed.contains { $0.objectValue?["kind"] == .string("group") && $0.objectValue?["computerMembers"] == .number(1) }, "\(listed)")
    }

    /// With the registered agents (`cloudSync.agents`, Graph's list: csagent1, csagent2, oldsync), a computer that hosts
    /// none of them is more than the agent hosts; without them, every computer counts as a host. The DC stays a host.
    @Test func aComputerThatHostsNoRegisteredAgentWarnsOnceTheAgentsAreKnown() async throws {
        // The lab's CSAGENT1$ has no dNSHostName (matched by its NetBIOS name); FILESRV01$ has one.
        let agent = "CN=CSAGENT1,CN=Computers,\(SambaDC.baseDN)", server = try addComputer("FILESRV01")
        let hostSID = try dc.sid(of: Self.host), agentSID = try dc.sid(of: agent), serverSID = try dc.sid(of: server)
        try dc.modify("dn: \(Self.group)\nchangetype: modify\nadd: member\nmember: \(server)\n-\n")
        let groupSID = try dc.sid(of: Self.group)
        try readers("(A;;0x000f01ff;;;\(hostSID))(A;;0x000f01ff;;;\(agentSID))(A;;0x000f01ff;;;\(serverSID))(A;;0x000f01ff;;;\(groupSID))")

        let unknown = try #require(try await run().check("AD-017"))
        #expect(unknown.status == .pass, "without cloudSync.agents every computer is a host: \(unknown.message)")

        let agents = Repository.fixture("cloudsync/agents.json")
        let known = try await run(extraConfig: "topology: cloud-sync\ncloudSync:\n  agents: \"\(agents)\"\n")
        let check = try #require(known.check("AD-017"))
        #expect(check.status == .warn, "\(check.message)")
        let stranger = try #require(known.finding("AD-017", target: "FILESRV01$ (\(serverSID))"), "\(check.findings.map(\.target))")
        #expect(stranger.status == .warn && stranger.message.contains("none of the provisioning agents cloudSync.agents lists"), "\(stranger.message)")
        #expect(stranger.message.contains("csagent1.corp.example.test"), "the agents are named: \(stranger.message)")
        let group = try #require(check.findings.first { $0.target.hasPrefix("AgentHosts") }, "\(check.findings.map(\.target))")
        #expect(group.status == .warn && group.message.contains("FILESRV01$ (computer)"), "\(group.message)")
        #expect(check.message.contains("Agent hosts: DC1$ (\(hostSID)), CSAGENT1$ (\(agentSID))"), "\(check.message)")
        #expect(!check.findings.contains { $0.target.hasPrefix("CSAGENT1$") || $0.target.hasPrefix("DC1$") })

        let broken = try folderWith("agents.json", "{\"value\": [")
        let unread = try #require(try await run(extraConfig: "topology: cloud-sync\ncloudSync:\n  agents: \"\(broken)\"\n").check("AD-017"))
        #expect(unread.status == .pass && unread.message.contains("cloudSync.agents could not be read"), "\(unread.message)")
    }

    func folderWith(_ name: String, _ text: String) throws -> String { try runner.folder.write(name, text) }

    @Test func domainUsersFailAndAUserWarnsNamingThem() async throws {
        try dc.modify("dn: \(Self.group)\nchangetype: modify\nadd: member\nmember: \(try userDN(Self.user))\n-\n")
        try readers("(A;;0x000f01ff;;;\(try dc.sid(of: Self.group)))(A;;0x000f01ff;;;DU)")
        let outcome = try await run()
        let check = try #require(outcome.check("AD-017"))
        #expect(check.status == .fail, "\(check.message)")
        #expect(check.message.contains("Domain Users (\(SambaDC.domainSID)-513)"), "\(check.message)")
        #expect(check.message.contains("tier 0"))
        let broad = try #require(outcome.finding("AD-017", target: "Domain Users (\(SambaDC.domainSID)-513)"))
        #expect(broad.status == .fail && broad.message.contains("every user"), "\(broad.message)")
        let group = try #require(check.findings.first { $0.target.hasPrefix("AgentHosts") })
        #expect(group.status == .warn && group.message.contains("\(Self.user) (user)"), "\(group.message)")
        #expect(check.remediation.contains("Set-ADServiceAccount -Identity 'provAgentgMSA' -PrincipalsAllowedToRetrieveManagedPassword"))
        #expect(outcome.cli.exitCode == 1, "\(outcome.cli)")
    }

    /// The user's DN wherever the lab put it.
    func userDN(_ name: String) throws -> String {
        let manifest = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: dc.directory + "/scenario.json")))
        let objects = (manifest as? [String: Any])?["objects"] as? [String: [String: String]]
        return try #require(objects?[name]?["dn"])
    }

    @Test func theHardenedDACLPassesAndAWriteGrantToDomainUsersFailsAsTheDCAllowsIt() async throws {
        try readers("(A;;0x000f01ff;;;\(try dc.sid(of: Self.host)))")
        try dc.replace("nTSecurityDescriptor", sddl: Self.hardened, on: Self.gmsa)
        let probe = "(A;;0x000f01ff;;;\(try dc.sid(of: Self.host)))"
        #expect(try dc.allowsReplace("msDS-GroupMSAMembership", sddl: "O:BAD:" + probe, on: Self.gmsa, as: Self.user, password: Lab.servicePassword) == false)
        let hardened = try await run()
        let check = try #require(hardened.check("AD-018"))
        #expect(check.status == .pass, "\(check.message)")
        #expect(check.evidence["daclProtected"] == .bool(true))

        try dc.addACEs("(A;;WP;;;DU)", on: Self.gmsa)
        #expect(try dc.allowsReplace("msDS-GroupMSAMembership", sddl: "O:BAD:" + probe, on: Self.gmsa, as: Self.user, password: Lab.servicePassword))
        let opened = try await run()
        let failed = try #require(opened.check("AD-018"))
        #expect(failed.status == .fail, "\(failed.message)")
        let finding = try #require(opened.finding("AD-018", target: "Domain Users (\(SambaDC.domainSID)-513)"))
        #expect(finding.message.contains("(A;;WP;;;\(SambaDC.domainSID)-513)") && finding.message.contains("make itself a password reader"), "\(finding.message)")
        #expect(failed.remediation.contains("Set-AADCloudSyncRestrictedPermissions -Credential (Get-Credential)"))
    }

    @Test func theDefaultDACLWarnsWithInheritanceAndAccountOperators() async throws {
        try readers("(A;;0x000f01ff;;;\(try dc.sid(of: Self.host)))")
        try dc.replace("nTSecurityDescriptor", sddl: Self.unhardened, on: Self.gmsa)
        let outcome = try await run()
        let check = try #require(outcome.check("AD-018"))
        #expect(check.status == .warn, "\(check.message)")
        #expect(check.findings.contains { $0.message.hasPrefix("Inheritance is enabled") })
        let operators = try #require(check.findings.first { $0.target.contains("Account Operators") }, "\(check.findings.map(\.target))")
        #expect(operators.status == .warn && operators.message.contains("make itself a password reader"), "\(operators.message)")
        #expect(!check.findings.contains { $0.target.contains("Domain Admins") || $0.target.contains("SYSTEM") })
        #expect(outcome.check("AD-017")?.status == .pass)
    }

    @Test func whatTheBindAccountMayNotReadIsAnErrorSayingWhatToDo() async throws {
        try readers("(A;;0x000f01ff;;;\(try dc.sid(of: Self.host)))")
        let bind = try dc.sid(of: try userDN(Self.user))
        try dc.addACEs("(OD;;RP;888eedd6-ce04-df40-b462-b8a50e41ba38;;\(bind))(D;;RC;;;\(bind))", on: Self.gmsa)
        let outcome = try await run(bindAs: Self.user)
        let readers = try #require(outcome.check("AD-017"))
        #expect(readers.status == .error, "\(readers.message)")
        #expect(readers.message.contains("the DC returned no msDS-GroupMSAMembership") && readers.message.contains("RP;msDS-GroupMSAMembership"))
        let hardening = try #require(outcome.check("AD-018"))
        #expect(hardening.status == .error && hardening.message.contains("Read permissions"), "\(hardening.message)")
        #expect(outcome.cli.exitCode == 2, "\(outcome.cli)")
    }

    @Test func aConnectorAccountThatIsNoGMSADoesNotApply() async throws {
        let outcome = try await runner.run(
            url: dc.ldapsURL, caFile: dc.caFile, account: "MSOL_partial", scope: [Lab.ou("OU=Partial")], only: ["AD-017", "AD-018"])
        for id in ["AD-017", "AD-018"] {
            let check = try #require(outcome.check(id))
            #expect(check.status == .skip && check.reason == .notApplicable, "\(id): \(check.message)")
        }
    }
}
