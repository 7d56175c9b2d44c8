import Foundation
import PreflightTestSupport
import Testing

import PreflightKit

/// `topology: cloud-sync` end to end through the command line: the CSY checks judge the saved Graph JSON
/// (Fixtures/cloudsync), the CON checks do not apply, a missing `cloudSync` section leaves the run INCOMPLETE (never
/// READY), and saved facts judge again to the same report.
@Suite("Cloud Sync checks (command line)")
struct CloudSyncCLITests {
    static func fixture(_ name: String) -> String { Repository.fixture("cloudsync/\(name)") }

    static let cloudSync = """
        cloudSync:
          jobs: "\(fixture("jobs.json"))"
          schema: "\(fixture("schema"))"
          agents: "\(fixture("agents.json"))"
          agentVersions: "\(fixture("agent-versions.json"))"
        """

    func run(_ folder: TemporaryFolder, config: String, only: String, extra: [String] = []) async throws -> (CLIResult, Report) {
        let file = try folder.write("preflight.yml", config)
        let cli = try await CLI.run(["run", "--config", file, "--only", only, "--out", folder.url("out")] + extra)
        try await SchemaValidator.validate(reportAt: folder.url("out/latest.json"))
        let report = try JSONReporter.parse(Data(try folder.read("out/latest.json").utf8), file: "latest.json")
        return (cli, report)
    }

    @Test func theCSYChecksJudgeTheSavedGraphJSONAndConnectDoesNotApply() async throws {
        let folder = try TemporaryFolder("cloudsync-cli")
        let (cli, report) = try await run(folder, config: "topology: cloud-sync\n" + Self.cloudSync + "\n", only: "CSY-001,CSY-002,CSY-003,CON-001,CON-004")
        func check(_ id: String) -> CheckResult? { report.checks.first { $0.id == id } }
        #expect(check("CSY-001")?.status == .pass, "\(check("CSY-001")?.message ?? "")")
        #expect(check("CSY-001")?.message.contains("OU=CloudSync,DC=corp,DC=example,DC=test") == true)
        #expect(check("CSY-002")?.status == .warn, "the inactive agent warns: \(check("CSY-002")?.message ?? "")")
        #expect(check("CSY-003")?.status == .pass)
        for id in ["CON-001", "CON-004"] {
            #expect(check(id)?.status == .skip && check(id)?.reason == .notApplicable, "\(id): \(check(id)?.message ?? "")")
        }
        #expect(check("CSY-001")?.evidence["inputFiles"] != nil, "the saved JSON is dated")
        #expect(!report.verdict.rawValue.isEmpty && report.verdict != .incomplete, "\(cli)")
        #expect(cli.exitCode == 0 || cli.exitCode == 1, "\(cli)")
    }

    @Test func withoutTheCloudSyncSectionTheRunIsIncompleteAndSaysWhatToSave() async throws {
        let folder = try TemporaryFolder("cloudsync-cli")
        let (cli, report) = try await run(folder, config: "topology: cloud-sync\n", only: "CSY-001,CSY-002,CSY-003")
        for check in report.checks {
            #expect(check.status == .skip && check.reason == .noInput, "\(check.id): \(check.status)")
        }
        let scope = try #require(report.checks.first { $0.id == "CSY-001" })
        #expect(scope.message.contains("'cloudSync.jobs'") && scope.message.contains("synchronization/jobs"))
        #expect(report.checks.first { $0.id == "CSY-002" }?.message.contains("onPremisesPublishingProfiles/provisioning/agents") == true)
        #expect(report.verdict == .incomplete && cli.exitCode == 2, "\(cli)")
        #expect(cli.stdout.contains("no cloudSync.jobs"), "the verdict line names the missing key: \(cli.stdout)")
    }

    @Test func aMissingFileIsRefusedBeforeTheRun() async throws {
        let folder = try TemporaryFolder("cloudsync-cli")
        let file = try folder.write("preflight.yml", "topology: cloud-sync\ncloudSync:\n  jobs: nowhere.json\n  agents: \"\(Self.fixture("agents.json"))\"\n")
        let cli = try await CLI.run(["run", "--config", file, "--only", "CSY-001", "--out", folder.url("out")])
        #expect(cli.exitCode == 66, "\(cli)")
        #expect(cli.stderr.contains("'cloudSync.jobs'") && cli.stderr.contains("nowhere.json"), "\(cli)")
    }

    @Test func anUnknownKeyIsRefusedWithItsPlace() async throws {
        let folder = try TemporaryFolder("cloudsync-cli")
        let file = try folder.write("preflight.yml", "topology: cloud-sync\ncloudSync:\n  job: jobs.json\n")
        let cli = try await CLI.run(["validate", "--config", file])
        #expect(cli.exitCode == 78, "\(cli)")
        #expect(cli.stderr.contains("preflight.yml:3:3") && cli.stderr.contains("job"), "\(cli)")
    }

    @Test func savedFactsJudgeAgainToTheSameResults() async throws {
        let folder = try TemporaryFolder("cloudsync-cli")
        let (live, report) = try await run(
            folder, config: "topology: cloud-sync\n" + Self.cloudSync + "\n", only: "CSY-001,CSY-002,CSY-003",
            extra: ["--save-facts", folder.url("facts.json")])
        let evaluated = try await CLI.run(["evaluate", folder.url("facts.json"), "--out", folder.url("evaluated")])
        #expect(evaluated.exitCode == live.exitCode, "\(evaluated)")
        let judged = try JSONReporter.parse(Data(try folder.read("evaluated/latest.json").utf8), file: "latest.json")
        #expect(judged.checks.map(\.status) == report.checks.map(\.status))
        #expect(judged.checks.map(\.message) == report.checks.map(\.message))
        #expect(judged.checks.map(\.findings) == report.checks.map(\.findings))
        let saved = try folder.read("facts.json")
        #expect(saved.contains("\"cloudSync\""), "the configuration keeps its cloudSync section")
        #expect(saved.contains("cloudSync.agentVersions"), "the inputs' digests include the versions file")
    }
}
