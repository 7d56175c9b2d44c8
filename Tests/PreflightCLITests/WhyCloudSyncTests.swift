import Foundation
import PreflightTestSupport
import Testing

import PreflightKit

/// `preflight why USER` under `topology: cloud-sync`, against the lab's Samba AD DC (scripts/lab/SCENARIOS.md, section
/// 9): the token is the provisioning agent's gMSA (provAgentgMSA$, Cloud Sync's default account), the rights are Cloud
/// Sync's permission set (Reset Password, lockoutTime, pwdLastSet; no Change Password), and the scope is the Cloud Sync
/// job's OU scoping filter from the saved Graph schema. cs1 (OU=CloudSync) holds the whole set; csp1
/// (OU=CloudSyncPartial) lacks pwdLastSet, which the DC confirms by performing the write as the gMSA.
@Suite("why: one user's story under Cloud Sync (Samba AD DC)")
struct WhyCloudSyncTests {
    static let only = "AD-001,AD-002,AD-003,AD-004,AD-005,AD-006,AD-008,AD-009,INV-001,INV-002,INV-003,INV-005,INV-006"
    static let base = SambaDC.baseDN
    static let job = "AD2AADProvisioning.fc96887f36da47508c935c28a0c0b6da"

    /// The folder lives as long as the configuration that names its files.
    struct Setup: Sendable {
        let folder: TemporaryFolder
        let config: String
    }

    static let setup = Task<Setup, any Error> {
        let folder = try TemporaryFolder("why-cloudsync")
        let dc = try await SambaLab.shared()
        try LabTenant.write(in: folder, users: ["cs1", "csp1"])
        func fixture(_ name: String) -> String { Repository.fixture("cloudsync/\(name)") }
        // The job's schema with both lab OUs in its OU scoping filter (the fixture names OU=CloudSync only).
        let schema = try String(contentsOfFile: fixture("schema/\(job).json"), encoding: .utf8).replacingOccurrences(
            of: "\"OU=CloudSync,\(base)\"", with: "\"OU=CloudSync,\(base)\", \"OU=CloudSyncPartial,\(base)\"")
        #expect(schema.contains("OU=CloudSyncPartial"), "the fixture's OU filter was found and widened")
        try folder.write("schema.json", schema)
        let config = try LabTenant.configuration(
            in: folder, dc: dc, topology: "cloud-sync",
            sections: """
                cloudSync:
                  jobs: "\(fixture("jobs.json"))"
                  schema: "\(folder.url("schema.json"))"
                  agents: "\(fixture("agents.json"))"
                """)
        return Setup(folder: folder, config: config)
    }

    func why(_ user: String) async throws -> (CLIResult, UserStory) {
        let result = try await CLI.run(
            ["why", user, "--config", try await Self.setup.value.config, "--only", Self.only, "--format", "json"],
            environment: ["LAB_PASSWORD": SambaDC.readerPassword], timeout: 180)
        guard let story = try? JSONDecoder().decode(UserStory.self, from: Data(result.stdout.utf8)) else {
            throw SambaDC.LabError(description: "No story: \(result)")
        }
        return (result, story)
    }

    static func right(_ story: UserStory, _ id: String) -> UserStory.Right? { story.rights.first { $0.id == id } }

    /// What both users share: the gMSA's token, Cloud Sync's scope, and Change Password judged by no check.
    func expectCloudSyncStory(_ story: UserStory, ou: String) {
        let token = story.token
        #expect(token?.account == "CORP\\provAgentgMSA$", "\(String(describing: token))")
        #expect(token?.dn == CloudSyncDirectoryTests.gmsaDN)
        #expect(token?.accountSource == AccountFacts.Source.cloudSyncDefault.rawValue)
        #expect(token?.sids.contains { $0.name == "CORP\\Domain Computers" } == true, "the gMSA's primary group is in its token: \(String(describing: token?.sids))")
        let scope = story.scope.synchronization
        #expect(scope.answer == .yes && scope.detail.contains("Below '\(ou),\(Self.base)', which Cloud Sync's scoping filter (job '\(Self.job)'"), "\(scope)")
        #expect(story.scope.definedBy?.contains("Cloud Sync scoping filters") == true, "\(story.scope.definedBy ?? "nil")")
        let change = Self.right(story, "change-password")
        #expect(change?.checks == [], "Change Password is not in Cloud Sync's set, so no check of the run asks for it: \(String(describing: change))")
    }

    @Test func aUserHoldingCloudSyncsSetIsReady() async throws {
        let (result, story) = try await why("cs1")
        #expect(result.exitCode == 0 && result.stderr.isEmpty, "\(result)")
        #expect(story.verdict.state == .ready, "\(story.verdict)")
        #expect(story.user.dn == "CN=cs1,OU=CloudSync,\(Self.base)")
        expectCloudSyncStory(story, ou: "OU=CloudSync")
        for (id, check) in [("reset-password", "AD-003"), ("write-lockoutTime", "AD-004"), ("write-pwdLastSet", "AD-005")] {
            let right = try #require(Self.right(story, id))
            #expect(right.verdict == .granted && right.checks == [check], "\(right)")
            let decided = try #require(right.aces.first { $0.decided })
            #expect(decided.effect == "allow" && decided.trustee == "CORP\\provAgentgMSA$", "\(decided)")
            #expect(decided.inheritedFrom == "OU=CloudSync,\(Self.base)", "\(decided)")
        }
        let dc = try await SambaLab.shared()
        let answers = try DCJudge(dc).answers(as: CloudSyncDirectoryTests.gmsa, password: Lab.servicePassword, on: "CN=cs1,OU=CloudSync,\(Self.base)")
        #expect(DCJudge.Write.allCases.allSatisfy { answers[$0] == true }, "the DC performs every write as the gMSA: \(answers)")
    }

    @Test func aUserWithoutPwdLastSetIsBlockedByThatRightAlone() async throws {
        let (result, story) = try await why("csp1@corp.example.test")
        #expect(result.exitCode == 1, "\(result)")
        #expect(story.verdict.state == .blocked, "\(story.verdict)")
        expectCloudSyncStory(story, ou: "OU=CloudSyncPartial")
        let pwdLastSet = try #require(Self.right(story, "write-pwdLastSet"))
        #expect(pwdLastSet.verdict == .missing && pwdLastSet.checks == ["AD-005"], "\(pwdLastSet)")
        #expect(!pwdLastSet.aces.contains { $0.decided && $0.effect == "allow" }, "no ACE grants it: \(pwdLastSet.aces)")
        #expect(Self.right(story, "reset-password")?.verdict == .granted && Self.right(story, "write-lockoutTime")?.verdict == .granted)
        #expect(story.verdict.blockers.count == 1 && story.verdict.blockers.first?.checks == ["AD-005"], "\(story.verdict.blockers)")
        #expect(story.verdict.blockers.first?.detail?.contains("Write pwdLastSet") == true, "\(story.verdict.blockers)")
        #expect(story.tenant.licence.answer == .yes && story.tenant.registration.answer == .yes, "only the right blocks csp1")
        let dc = try await SambaLab.shared()
        #expect(
            try DCJudge(dc).allows(.pwdLastSet, as: CloudSyncDirectoryTests.gmsa, password: Lab.servicePassword, on: "CN=csp1,OU=CloudSyncPartial,\(Self.base)")
                == false)
    }
}
