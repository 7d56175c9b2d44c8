import Foundation
import PreflightTestSupport
import Testing

import PreflightKit

/// Cloud Sync with two domains (one Cloud Sync configuration, so one service principal, per domain): the saved jobs and
/// schemas of both configurations drive the directory checks of each domain, against the two Samba AD forests
/// (corp.example.test, scripts/lab/populate-scenarios.py section 9; fabrikam.example.test, populate-fabrikam.py): each
/// domain's account is its own provAgentgMSA$, each domain's scope the OUs its own job's scoping filters name.
@Suite("Cloud Sync with two domains drives each domain's directory checks (two Samba AD forests)")
struct CloudSyncMultiDomainTests {
    static let corpGMSA = "CN=provAgentgMSA,CN=Managed Service Accounts,\(SambaDC.baseDN)"
    static let fabrikamGMSA = "CN=provAgentgMSA,CN=Managed Service Accounts,\(Fabrikam.baseDN)"
    static let fabrikamJob = "AD2AADProvisioning.5e2b8c4d1a3f47e69b0c7d8e9f1a2b3c"
    static let corpJob = "AD2AADProvisioning.fc96887f36da47508c935c28a0c0b6da"
    static let fcsp1 = "CN=fcsp1,OU=CloudSyncPartial,\(Fabrikam.baseDN)"

    /// The saved Graph JSON of both configurations as docs/cloud-sync.md has them saved: each service principal's jobs
    /// response in one folder, every job's schema in another.
    func savedGraphJSON(in folder: TemporaryFolder) async throws -> (jobs: String, schema: String) {
        let jobs = folder.url("cloud-sync/jobs"), schema = folder.url("cloud-sync/schema")
        try await runBlocking {
            for path in [jobs, schema] { try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true) }
            let copies = [
                ("cloudsync/jobs.json", "\(jobs)/corp.json"), ("cloudsync/jobs-fabrikam.json", "\(jobs)/fabrikam.json"),
                ("cloudsync/schema/\(Self.corpJob).json", "\(schema)/\(Self.corpJob).json"),
                ("cloudsync/schema-fabrikam.json", "\(schema)/\(Self.fabrikamJob).json"),
            ]
            for (fixture, target) in copies { try FileManager.default.copyItem(atPath: Repository.fixture(fixture), toPath: target) }
        }
        return (jobs, schema)
    }

    /// Both forests under `ldap:` with their credentials only, topology cloud-sync, the given saved jobs and schemas.
    func config(_ folder: TemporaryFolder, jobs: String, schema: String) async throws -> String {
        let corp = try await SambaLab.shared(), fabrikam = try await SambaLab.fabrikam()
        return try folder.write(
            "preflight.yml",
            """
            topology: cloud-sync
            timeoutSeconds: 60
            ldap:
              - {url: "\(corp.ldapsURL)", caFile: "\(corp.caFile)", bindDN: "\(SambaDC.readerUPN)", passwordEnv: CORP_PASSWORD}
              - {url: "\(fabrikam.ldapsURL)", caFile: "\(fabrikam.caFile)", bindDN: "\(Fabrikam.readerUPN)", passwordEnv: FABRIKAM_PASSWORD}
            cloudSync: {jobs: "\(jobs)", schema: "\(schema)", agents: "\(Repository.fixture("cloudsync/agents.json"))"}
            """)
    }

    @Test func eachDomainIsJudgedForItsOwnGMSAInItsOwnJobsScope() async throws {
        let folder = try TemporaryFolder("cloudsync-domains")
        let saved = try await savedGraphJSON(in: folder)
        let config = try await config(folder, jobs: saved.jobs, schema: saved.schema)
        let fabrikam = try await SambaLab.fabrikam()
        let cli = try await CLI.run(
            ["run", "--config", config, "--only", "AD-001,AD-002,AD-003,AD-004,AD-005,CSY-001", "--out", folder.url("out")],
            environment: MultiDomainTests.environment, timeout: 180)
        try await SchemaValidator.validate(reportAt: folder.url("out/latest.json"))
        let report = try JSONReporter.parse(Data(try folder.read("out/latest.json").utf8), file: "latest.json")
        func check(_ id: String) throws -> CheckResult { try #require(report.checks.first { $0.id == id }, "\(cli)") }

        // CSY-001 reads both configurations' jobs and names each job's domain.
        let scope = try check("CSY-001")
        #expect(scope.status == .pass, "\(scope.message)")
        #expect(scope.message.contains("\(Self.corpJob) (corp.example.test)") && scope.message.contains("\(Self.fabrikamJob) (fabrikam.example.test)"),
            "\(scope.message)")

        // Each domain's account is that domain's provAgentgMSA$, found as the gMSA it is.
        let account = try check("AD-002")
        #expect(MultiDomainTests.verdicts(account) == ["corp.example.test": "pass", "fabrikam.example.test": "pass"], "\(account.message)")
        for (domain, dn) in [("corp.example.test", Self.corpGMSA), ("fabrikam.example.test", Self.fabrikamGMSA)] {
            let evidence = MultiDomainTests.domainEvidence(account, domain)
            #expect(evidence?["accountDN"] == .string(dn), "\(domain): \(evidence ?? .null)")
            #expect(evidence?["accountSource"] == .string(AccountFacts.Source.cloudSyncDefault.rawValue))
        }

        // Each domain's scope is its own job's filters: OU=CloudSync in corp (cs1), both fabrikam OUs (fcs1, fcsp1).
        let reset = try check("AD-003")
        #expect(MultiDomainTests.verdicts(reset) == ["corp.example.test": "pass", "fabrikam.example.test": "pass"], "\(reset.message)")
        let corpScope = MultiDomainTests.domainEvidence(reset, "corp.example.test")
        let fabrikamScope = MultiDomainTests.domainEvidence(reset, "fabrikam.example.test")
        #expect(corpScope?["scope"] == .array([.string("OU=CloudSync,\(SambaDC.baseDN)")]))
        #expect(corpScope?["usersInScope"] == .int(1))
        #expect(
            fabrikamScope?["scope"] == .array([.string("OU=CloudSync,\(Fabrikam.baseDN)"), .string("OU=CloudSyncPartial,\(Fabrikam.baseDN)")]),
            "\(fabrikamScope ?? .null)")
        #expect(fabrikamScope?["usersInScope"] == .int(2))
        for evidence in [corpScope, fabrikamScope] {
            #expect(evidence?["scopeSource"] == .string(ScopeFacts.Source.cloudSync.rawValue))
        }
        #expect(corpScope?["scopeOrigin"]?.stringValue?.contains("job '\(Self.corpJob)'") == true)
        #expect(fabrikamScope?["scopeOrigin"]?.stringValue?.contains("job '\(Self.fabrikamJob)'") == true, "\(fabrikamScope ?? .null)")

        // Write pwdLastSet: missing on fabrikam's OU=CloudSyncPartial only, a finding of that domain alone.
        let pwdLastSet = try check("AD-005")
        #expect(MultiDomainTests.verdicts(pwdLastSet) == ["corp.example.test": "pass", "fabrikam.example.test": "fail"], "\(pwdLastSet.message)")
        #expect(pwdLastSet.findings.map(\.target) == [Self.fcsp1])
        #expect(pwdLastSet.findings.first?.details?["domain"] == "fabrikam.example.test")
        #expect(cli.exitCode == 1, "\(cli)")

        // The fabrikam DC agrees, performing the writes as its gMSA: pwdLastSet on fcs1, not on fcsp1.
        let (onPartial, onFull) = try await runBlocking {
            let judge = DCJudge(fabrikam)
            return (
                try judge.allows(.pwdLastSet, as: "provAgentgMSA$", password: Lab.servicePassword, on: Self.fcsp1),
                try judge.allows(.pwdLastSet, as: "provAgentgMSA$", password: Lab.servicePassword, on: "CN=fcs1,OU=CloudSync,\(Fabrikam.baseDN)")
            )
        }
        #expect(!onPartial && onFull)
    }

    @Test func aDomainNoJobServesIsAnErrorForThatDomainAlone() async throws {
        let folder = try TemporaryFolder("cloudsync-domains-missing")
        // Only corp's configuration was saved.
        let config = try await config(folder, jobs: Repository.fixture("cloudsync/jobs.json"), schema: Repository.fixture("cloudsync/schema"))
        let cli = try await CLI.run(
            ["run", "--config", config, "--only", "AD-001,AD-002,AD-003", "--out", folder.url("out")],
            environment: MultiDomainTests.environment, timeout: 180)
        let report = try JSONReporter.parse(Data(try folder.read("out/latest.json").utf8), file: "latest.json")
        let reset = try #require(report.checks.first { $0.id == "AD-003" }, "\(cli)")
        #expect(MultiDomainTests.verdicts(reset) == ["corp.example.test": "pass", "fabrikam.example.test": "error"], "\(reset.message)")
        #expect(reset.message.contains("No Cloud Sync job scopes an object of the domain 'DC=fabrikam,DC=example,DC=test'"), "\(reset.message)")
        #expect(reset.findings.contains { $0.status == .error && $0.details?["domain"] == "fabrikam.example.test" })
    }
}
