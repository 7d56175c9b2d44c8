import Foundation
import PreflightTestSupport
import Testing

@testable import PreflightCloudSync
import PreflightKit

/// CSY-001 to CSY-003 judged from the fixtures and from variants made at test time.
@Suite("Cloud Sync: judgements")
struct CloudSyncJudgementTests {
    typealias Fixture = CloudSyncReaderTests

    func jobs(_ name: String = "jobs.json", schema: String? = Fixture.fixture("schema")) throws -> CloudSyncJobs {
        try CloudSyncReader.readJobs(Fixture.settings(jobs: Fixture.fixture(name), schema: schema))
    }

    func agents(versions: String? = Fixture.fixture("agent-versions.json"), agents: String = Fixture.fixture("agents.json")) throws -> CloudSyncAgents {
        try CloudSyncReader.readAgents(Fixture.settings(agents: agents, versions: versions))
    }

    // MARK: CSY-001

    @Test func theScopeNamesTheJobTheDomainAndTheOUs() throws {
        let result = ScopeJudgement.evaluate(try jobs())
        #expect(result.status == .pass)
        #expect(
            result.message == "Cloud Sync provisions one configuration: job AD2AADProvisioning.fc96887f36da47508c935c28a0c0b6da "
                + "(corp.example.test): OUs OU=CloudSync,DC=corp,DC=example,DC=test.")
    }

    @Test func groupScopingNamesTheGroupsDirectMembers() throws {
        let result = ScopeJudgement.evaluate(try jobs(schema: Fixture.fixture("schema-groups.json")))
        #expect(result.status == .pass)
        #expect(result.message.contains("the direct members of the groups CN=PSO-Group,CN=Users,DC=corp,DC=example,DC=test; CN=SyncOuter"))
        let all = ScopeJudgement.evaluate(try jobs(schema: Fixture.fixture("schema-all-users.json")))
        #expect(all.message.contains("all users (no scoping filter)") && all.message.contains("a domain the saved JSON does not name"))
    }

    @Test func aProvisioningJobWithoutSchemaIsAnErrorNeverAPass() throws {
        let result = ScopeJudgement.evaluate(try jobs(schema: nil))
        #expect(result.status == .error)
        #expect(result.message.contains("1 of 1 AD2AADProvisioning jobs have no saved schema"))
        #expect(result.findings.first?.message.contains("/jobs/AD2AADProvisioning.fc96887f36da47508c935c28a0c0b6da/schema") == true)
    }

    @Test func jobsWithoutProvisioningFail() throws {
        var facts = try jobs()
        facts.jobs.removeAll { $0.isProvisioning }
        let result = ScopeJudgement.evaluate(facts)
        #expect(result.status == .fail && result.message.contains("templates: AD2AADPasswordHash"))
    }

    // MARK: CSY-003

    @Test func anActiveJobPasses() throws {
        let result = StatusJudgement.evaluate(try jobs())
        #expect(result.status == .pass && result.message == "The AD2AADProvisioning job is Active.")
    }

    @Test func quarantineShowsItsReasonAndAPausedJobFails() throws {
        let result = StatusJudgement.evaluate(try jobs("jobs-quarantine.json", schema: nil))
        #expect(result.status == .fail)
        let quarantined = try #require(result.findings.first { $0.target == "AD2AADProvisioning.fc96887f36da47508c935c28a0c0b6da" })
        #expect(
            quarantined.message.contains(
                "reason EncounteredQuarantineException; HybridSynchronizationActiveDirectoryInvalidCredentials: The credentials of the gMSA"))
        #expect(quarantined.message.contains("since 2026-12-04T22:09:58.0370000Z"))
        let paused = try #require(result.findings.first { $0.target == "AD2AADProvisioning.0a1b2c3d4e5f40718293a4b5c6d7e8f9" })
        #expect(paused.status == .fail && paused.message.contains("paused"))
        #expect(result.message.hasPrefix("2 of 2 AD2AADProvisioning jobs are not Active"))
    }

    @Test func aJobWithoutStatusCodeIsNoPass() throws {
        var facts = try jobs()
        facts.jobs[0].statusCode = nil
        let result = StatusJudgement.evaluate(facts)
        #expect(result.status == .fail && result.findings.first?.message.contains("no status.code") == true)
    }

    // MARK: CSY-002

    @Test func activeAgentsAtTheMinimumPassAndTheInactiveOneWarns() throws {
        let result = AgentJudgement.evaluate(try agents())
        #expect(result.status == .warn)
        #expect(result.message.hasPrefix("2 active provisioning agents at 1.1.977.0 or later: csagent1.corp.example.test 1.1.1107.0, csagent2.corp.example.test 1.1.977.0."))
        #expect(result.findings.map(\.target) == ["oldsync.corp.example.test"])
        #expect(result.evidence["activeAgents"] == .int(2))
    }

    @Test func anOlderActiveAgentFailsComparedAsNumbers() throws {
        let result = AgentJudgement.evaluate(try agents(versions: Fixture.fixture("agent-versions-old.json")))
        #expect(result.status == .fail)
        #expect(result.message.contains("csagent2.corp.example.test 1.1.96.0"))
        #expect(result.findings.contains { $0.status == .fail && $0.target == "csagent2.corp.example.test" })
    }

    @Test func withoutVersionsTheAgentsAreUndecided() throws {
        let result = AgentJudgement.evaluate(try agents(versions: nil))
        #expect(result.status == .error)
        #expect(result.message.contains("Graph does not report agent versions") && result.message.contains("'cloudSync.agentVersions'"))
    }

    @Test func anActiveAgentMissingFromTheVersionsIsUndecided() throws {
        var facts = try agents()
        facts.versions?.removeLast()
        let result = AgentJudgement.evaluate(facts)
        #expect(result.status == .error && result.message.contains("csagent2.corp.example.test"))
    }

    @Test func noAgentOrNoActiveAgentFails() throws {
        var facts = try agents()
        facts.agents.removeAll { $0.isActive }
        #expect(AgentJudgement.evaluate(facts).status == .fail)
        #expect(AgentJudgement.evaluate(facts).message.contains("None of the 1 provisioning agents is active"))
        facts.agents = []
        #expect(AgentJudgement.evaluate(facts).status == .fail)
    }

    @Test func factsRoundTripThroughJSON() throws {
        let facts = CloudSyncProbe.Facts.jobs(try jobs())
        let data = try JSONEncoder().encode(facts)
        let back = try JSONDecoder().decode(CloudSyncProbe.Facts.self, from: data)
        guard case .jobs(let decoded) = back, case .jobs(let original) = facts else { Issue.record("wrong case"); return }
        #expect(decoded == original)
    }
}
