import Foundation
import PreflightTestSupport
import Testing

@testable import PreflightCloudSync
import PreflightKit

/// The saved Graph responses (Fixtures/cloudsync, shaped as Microsoft's documented examples; see its SOURCE.md) read into
/// facts, and every way they can be wrong: each a whole sentence with the file and line.
@Suite("Cloud Sync: reading the saved Graph JSON")
struct CloudSyncReaderTests {
    static func fixture(_ name: String) -> String { Repository.fixture("cloudsync/\(name)") }

    static func settings(jobs: String? = fixture("jobs.json"), schema: String? = fixture("schema"), agents: String? = fixture("agents.json"),
                         versions: String? = fixture("agent-versions.json")) -> Configuration.CloudSyncSettings {
        var settings = Configuration.CloudSyncSettings()
        settings.jobs = jobs
        settings.schema = schema
        settings.agents = agents
        settings.agentVersions = versions
        return settings
    }

    @Test func theJobsAndTheirSchemaAreRead() throws {
        let facts = try CloudSyncReader.readJobs(Self.settings())
        #expect(facts.jobs.map(\.id) == ["AD2AADProvisioning.fc96887f36da47508c935c28a0c0b6da", "AD2AADPasswordHash.fc96887f36da47508c935c28a0c0b6da"])
        let job = try #require(facts.provisioningJobs.first)
        #expect(facts.provisioningJobs.count == 1)
        #expect(job.statusCode == "Active" && job.scheduleInterval == "PT2M" && job.lastExecutionState == "Succeeded")
        #expect(job.line == 4, "the job's object starts on line 4 of jobs.json")
        #expect(job.scope?.containers == ["OU=CloudSync,DC=corp,DC=example,DC=test"])
        #expect(job.scope?.groups == [])
        #expect(job.scope?.domains == ["corp.example.test"])
        #expect(facts.jobs[1].scope == nil, "the password-hash job has no saved schema")
    }

    @Test func aFolderOfPagesIsOneList() throws {
        let paged = try CloudSyncReader.readJobs(Self.settings(jobs: Self.fixture("jobs-paged")))
        let whole = try CloudSyncReader.readJobs(Self.settings())
        #expect(paged.jobs.map(\.id) == whole.jobs.map(\.id))
        #expect(paged.files.filter { $0.contains("jobs-paged") }.map { ($0 as NSString).lastPathComponent } == ["page-1.json", "page-2.json"])
    }

    @Test func aSeriesWhoseLastSavedPageNamesAnotherIsIncomplete() async throws {
        let folder = try TemporaryFolder("cloudsync")
        try FileManager.default.createDirectory(atPath: folder.url("pages"), withIntermediateDirectories: true)
        try FileManager.default.copyItem(atPath: Self.fixture("jobs-paged/page-1.json"), toPath: folder.url("pages/page-1.json"))
        #expect {
            try CloudSyncReader.readJobs(Self.settings(jobs: folder.url("pages"), schema: nil))
        } throws: { error in
            let text = "\(error)"
            return text.contains("page-1.json:1:1:") && text.contains("@odata.nextLink") && text.contains("list is incomplete")
                && text.contains("'cloudSync.jobs'")
        }
    }

    /// Two configurations' responses in one folder (one per domain) are one list of both; a page of one service principal
    /// that names a next page must not be followed by the other's.
    @Test func responsesOfSeveralServicePrincipalsShareAFolderButNotASeries() throws {
        let folder = try TemporaryFolder("cloudsync")
        try FileManager.default.createDirectory(atPath: folder.url("jobs"), withIntermediateDirectories: true)
        try FileManager.default.copyItem(atPath: Self.fixture("jobs.json"), toPath: folder.url("jobs/corp.json"))
        try FileManager.default.copyItem(atPath: Self.fixture("jobs-fabrikam.json"), toPath: folder.url("jobs/fabrikam.json"))
        let both = try CloudSyncReader.readJobs(Self.settings(jobs: folder.url("jobs"), schema: nil))
        #expect(both.provisioningJobs.map(\.id) == ["AD2AADProvisioning.fc96887f36da47508c935c28a0c0b6da", "AD2AADProvisioning.5e2b8c4d1a3f47e69b0c7d8e9f1a2b3c"])
        try FileManager.default.removeItem(atPath: folder.url("jobs/corp.json"))
        try FileManager.default.copyItem(atPath: Self.fixture("jobs-paged/page-1.json"), toPath: folder.url("jobs/corp.json"))
        #expect {
            try CloudSyncReader.readJobs(Self.settings(jobs: folder.url("jobs"), schema: nil))
        } throws: { error in
            "\(error)".contains("corp.json:1:1:") && "\(error)".contains("names a next page of service principal 8895955e-2e6c-4d79-8943-4d72ca36878f")
                && "\(error)".contains("is a page of service principal 0b9d3e7a-6c41-4f2e-9a85-3d7c1e2f4b60")
        }
    }

    @Test func pagesAreReadInNumericOrder() throws {
        let folder = try TemporaryFolder("cloudsync")
        let page = try String(contentsOfFile: Self.fixture("jobs-paged/page-2.json"), encoding: .utf8)
        let first = try String(contentsOfFile: Self.fixture("jobs-paged/page-1.json"), encoding: .utf8)
        _ = try folder.write("pages/page-10.json", page)
        var middle = first
        for n in 2...9 {
            middle = first.replacingOccurrences(of: "fc96887f36da47508c935c28a0c0b6da\"", with: "fc96887f36da47508c935c28a0c0b6d\(n)\"")
            _ = try folder.write("pages/page-\(n).json", middle)
        }
        _ = try folder.write("pages/page-1.json", first)
        let facts = try CloudSyncReader.readJobs(Self.settings(jobs: folder.url("pages"), schema: nil))
        #expect(facts.jobs.count == 10)
        #expect(facts.jobs.last?.templateId == "AD2AADPasswordHash", "page-10 is read last, not after page-1")
    }

    @Test func invalidJSONNamesTheFileLineAndColumn() throws {
        let folder = try TemporaryFolder("cloudsync")
        let path = try folder.write("jobs.json", "{\n  \"value\": [\n    {\"id\": \"x\" \"templateId\": 1}\n  ]\n}\n")
        #expect {
            try CloudSyncReader.readJobs(Self.settings(jobs: path, schema: nil))
        } throws: { error in
            let text = "\(error)"
            return text.contains("\(path):3:") && text.contains("not valid JSON") && text.contains("Invoke-MgGraphRequest")
        }
    }

    @Test func aJobWithoutIdIsRefusedWithItsLine() throws {
        let folder = try TemporaryFolder("cloudsync")
        let path = try folder.write("jobs.json", "{\n  \"value\": [\n    {\"id\": \"a\"},\n    {\n      \"templateId\": \"AD2AADProvisioning\"\n    }\n  ]\n}\n")
        #expect {
            try CloudSyncReader.readJobs(Self.settings(jobs: path, schema: nil))
        } throws: { error in "\(error)".contains("\(path):4:1: a synchronization job has no \"id\"") }
    }

    @Test func aResponseThatIsNoCollectionIsRefused() throws {
        let folder = try TemporaryFolder("cloudsync")
        let path = try folder.write("jobs.json", "[{\"id\": \"a\"}]")
        #expect {
            try CloudSyncReader.readJobs(Self.settings(jobs: path, schema: nil))
        } throws: { error in "\(error)".contains("\(path):1:1:") && "\(error)".contains("JSON array, not the object Graph returns") }
    }

    @Test func aSchemaOfAnotherJobIsRefused() throws {
        let folder = try TemporaryFolder("cloudsync")
        let text = try String(contentsOfFile: Self.fixture("schema-groups.json"), encoding: .utf8)
            .replacingOccurrences(of: "jobs('AD2AADProvisioning.fc96887f36da47508c935c28a0c0b6da')", with: "jobs('AD2AADProvisioning.other')")
        let path = try folder.write("schema.json", text)
        #expect {
            try CloudSyncReader.readJobs(Self.settings(schema: path))
        } throws: { error in "\(error)".contains("job 'AD2AADProvisioning.other''s") && "\(error)".contains("holds no such job") }
    }

    @Test func theAgentsAndTheirVersionsAreRead() throws {
        let facts = try CloudSyncReader.readAgents(Self.settings())
        #expect(facts.agents.map(\.machineName) == ["csagent1.corp.example.test", "csagent2.corp.example.test", "oldsync.corp.example.test"])
        #expect(facts.agents.map(\.isActive) == [true, true, false])
        #expect(facts.agents[0].agentGroups == ["Default group for provisioning"])
        #expect(facts.versions?.map(\.version) == ["1.1.1107.0", "1.1.977.0"])
        #expect(facts.versions?.map(\.line) == [2, 6])
    }

    /// The collection kit saves the agents as `agents/page-N.json` (graph-exports.ps1): the folder is the same list as
    /// one response, in page order.
    @Test func theAgentsMayBeAFolderOfPagesAsTheKitSavesThem() throws {
        let whole = try #require(
            JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: Self.fixture("agents.json")))) as? [String: Any])
        let agents = try #require(whole["value"] as? [Any])
        let next = "https://graph.microsoft.com/beta/onPremisesPublishingProfiles/provisioning/agents?$expand=agentGroups&$skiptoken=X"
        let folder = try TemporaryFolder("cloudsync")
        try FileManager.default.createDirectory(atPath: folder.url("agents"), withIntermediateDirectories: true)
        let pages: [(String, [String: Any])] = [
            ("page-2.json", ["value": Array(agents.dropFirst(2))]),
            ("page-1.json", ["value": Array(agents.prefix(2)), "@odata.nextLink": next]),
        ]
        for (name, page) in pages {
            try JSONSerialization.data(withJSONObject: page, options: [.prettyPrinted]).write(to: URL(fileURLWithPath: folder.url("agents/" + name)))
        }
        let paged = try CloudSyncReader.readAgents(Self.settings(agents: folder.url("agents"), versions: nil))
        let single = try CloudSyncReader.readAgents(Self.settings(versions: nil))
        #expect(paged.agents.map(\.machineName) == single.agents.map(\.machineName))
        #expect(paged.agents.map(\.isActive) == [true, true, false])
        #expect(paged.files.map { ($0 as NSString).lastPathComponent } == ["page-1.json", "page-2.json"])
    }

    @Test func aVersionThatIsNoVersionIsRefused() throws {
        let folder = try TemporaryFolder("cloudsync")
        let path = try folder.write("v.json", "{\"machineName\": \"a\", \"fileVersion\": \"1.1.x\"}")
        #expect {
            try CloudSyncReader.readAgents(Self.settings(versions: path))
        } throws: { error in "\(error)".contains("\(path):1:1: the fileVersion '1.1.x' of 'a' is not a version") }
    }

    @Test func versionsCompareAsNumbers() throws {
        let minimum = AgentVersion.writebackMinimum
        #expect(try #require(AgentVersion("1.1.1107.0")) > minimum)
        #expect(try #require(AgentVersion("1.1.977.0")) == minimum)
        #expect(try #require(AgentVersion("1.1.96.0")) < minimum)
        #expect(try #require(AgentVersion("1.2.0.0")) > minimum)
        #expect(try #require(AgentVersion("1.1.977")) == minimum)
        #expect(AgentVersion("1.1.977.0.1") == nil && AgentVersion("") == nil && AgentVersion("1..977.0") == nil && AgentVersion("-1.1.977.0") == nil)
    }
}
