import Foundation
import PreflightTestSupport
import Testing

import PreflightKit

/// Under `topology: cloud-sync`, the Cloud Sync jobs' scoping filters (the saved schema) drive the directory checks as
/// the Connect export's OU filter does under connect-sync: against the Samba scenario DC (scripts/lab/SCENARIOS.md), the
/// directory probe judges exactly the users those filters name, as the agent's gMSA (provAgentgMSA$, section 9).
@Suite("Cloud Sync scope drives the directory checks (Samba AD DC)")
struct CloudSyncScopeDirectoryTests {
    static func fixture(_ name: String) -> String { Repository.fixture("cloudsync/\(name)") }

    func run(schema: String, only: String = "AD-002,AD-003", scope: String? = nil) async throws -> DirectoryRun.Outcome {
        let dc = try await SambaLab.shared()
        let folder = try TemporaryFolder("cloudsync-scope")
        var ldap = "  url: \"\(dc.ldapsURL)\"\n  caFile: \"\(dc.caFile)\"\n  bindDN: \"\(SambaDC.readerUPN)\"\n  passwordEnv: LAB_PASSWORD\n"
        if let scope { ldap += "  scope: [\"\(scope)\"]\n" }
        let config = try folder.write(
            "preflight.yml",
            "topology: cloud-sync\ntimeoutSeconds: 60\nldap:\n\(ldap)cloudSync:\n  jobs: \"\(Self.fixture("jobs.json"))\"\n"
                + "  schema: \"\(schema)\"\n  agents: \"\(Self.fixture("agents.json"))\"\n")
        let cli = try await CLI.run(
            ["run", "--config", config, "--only", only, "--out", folder.url("out")], environment: ["LAB_PASSWORD": SambaDC.readerPassword])
        let json = folder.url("out/latest.json")
        guard let data = FileManager.default.contents(atPath: json) else { throw SambaDC.LabError(description: "No report: \(cli)") }
        try await SchemaValidator.validate(reportAt: json)
        return DirectoryRun.Outcome(cli: cli, report: try JSONReporter.parse(data, file: json), elapsed: 0)
    }

    @Test func theJobsOUFilterIsTheScope() async throws {
        let outcome = try await run(schema: Self.fixture("schema"))
        let reset = try #require(outcome.check("AD-003"))
        #expect(reset.status == .pass, "\(reset.message)")
        #expect(reset.evidence["usersInScope"] == .int(1), "OU=CloudSync holds one user, cs1")
        #expect(reset.evidence["scope"] == .array([.string("OU=CloudSync,DC=corp,DC=example,DC=test")]))
        #expect(reset.evidence["scopeSource"] == .string(ScopeFacts.Source.cloudSync.rawValue))
        #expect(reset.evidence["scopeOrigin"]?.stringValue?.contains("job 'AD2AADProvisioning.fc96887f36da47508c935c28a0c0b6da'") == true)
        #expect(reset.message.contains("Scope (from the Cloud Sync scoping filters"), "\(reset.message)")
        #expect(outcome.check("AD-002")?.evidence["accountDN"] == .string(CloudSyncDirectoryTests.gmsaDN))
        #expect(outcome.cli.exitCode == 0, "\(outcome.cli)")
    }

    /// PSO-Group's one direct member is bob; SyncOuter holds only the group SyncWriteback, whose members are nested and
    /// so out of Cloud Sync's scope. The gMSA has no rights in OU=Staff: AD-003 fails for exactly bob.
    @Test func groupScopingJudgesExactlyTheGroupsDirectMembers() async throws {
        let outcome = try await run(schema: Self.fixture("schema-groups.json"))
        let reset = try #require(outcome.check("AD-003"))
        #expect(reset.evidence["usersInScope"] == .int(1), "\(reset.message)")
        #expect(reset.status == .fail)
        #expect(outcome.targets("AD-003") == ["CN=bob,OU=Staff,DC=corp,DC=example,DC=test"])
        #expect(reset.message.contains("the direct members of CN=PSO-Group,CN=Users,DC=corp,DC=example,DC=test"), "\(reset.message)")
        // The DC agrees: the gMSA may not reset bob's password.
        let dc = try await SambaLab.shared()
        #expect(
            try DCJudge(dc).allows(.resetPassword, as: CloudSyncDirectoryTests.gmsa, password: Lab.servicePassword, on: "CN=bob,OU=Staff,\(SambaDC.baseDN)")
                == false)
    }

    @Test func noFilterMeansTheWholeDomain() async throws {
        let outcome = try await run(schema: Self.fixture("schema-all-users.json"), only: "AD-003")
        let reset = try #require(outcome.check("AD-003"))
        #expect(reset.evidence["scope"] == .array([.string(SambaDC.baseDN)]), "\(reset.message)")
        guard case .number(let users)? = reset.evidence["usersInScope"] else { Issue.record("no usersInScope"); return }
        #expect(users > 20, "every user of the domain")
    }

    @Test func ldapScopeStillWins() async throws {
        let outcome = try await run(schema: Self.fixture("schema-groups.json"), only: "AD-003", scope: "OU=CloudSync,\(SambaDC.baseDN)")
        let reset = try #require(outcome.check("AD-003"))
        #expect(reset.evidence["scopeSource"] == .string(ScopeFacts.Source.configured.rawValue))
        #expect(reset.status == .pass)
    }

    @Test func filtersOfAnotherDomainAreAnErrorThatSaysWhatToDo() async throws {
        let folder = try TemporaryFolder("cloudsync-scope")
        let text = try String(contentsOfFile: Self.fixture("schema-groups.json"), encoding: .utf8)
            .replacingOccurrences(of: "DC=corp,DC=example,DC=test", with: "DC=fabrikam,DC=com")
        let schema = try folder.write("schema.json", text)
        let outcome = try await run(schema: schema)
        let account = try #require(outcome.check("AD-002"))
        #expect(account.status == .error)
        #expect(account.message.contains("No Cloud Sync job scopes an object of the domain 'DC=corp,DC=example,DC=test'"), "\(account.message)")
        #expect(account.message.contains("fabrikam.com"))
        #expect(outcome.cli.exitCode == 2)
    }
}
