import Foundation
import PreflightTestSupport
import Testing

import PreflightKit

/// The Connect export drives the directory checks: its forest-login-user is the account, its OU filter the scope.
/// The export is the real contoso-pilot one, renamed at test time to name the lab's objects.
@Suite("Connect export drives the directory checks (Samba AD DC)")
struct ConnectDrivenDirectoryTests {
    static let adConnector = "Connectors/Connector_{ae4db4cc-b16b-4eb2-acf5-837ca84e4d7d}.xml"

    /// Copies the real export and points its AD connector at the lab: account, forest, partition, OU filter.
    func labExport(in folder: TemporaryFolder, account: String, inclusions: [String], exclusions: [String]) async throws -> String {
        let source = Repository.fixture("connect/contoso-pilot")
        let target = folder.url("export")
        try await runBlocking {
            try FileManager.default.copyItem(atPath: source, toPath: target)
            let file = target + "/" + Self.adConnector
            var text = try String(contentsOfFile: file, encoding: .utf8)
            let lab = SambaDC.baseDN
            for (old, new) in [
                ("<forest-name>contoso.com</forest-name>", "<forest-name>corp.example.test</forest-name>"),
                ("<forest-login-domain>contoso.com</forest-login-domain>", "<forest-login-domain>corp.example.test</forest-login-domain>"),
                ("<forest-login-user>MSOL_d1edb676ca03</forest-login-user>", "<forest-login-user>\(account)</forest-login-user>"),
                ("<inclusion>OU=CORP,DC=contoso,DC=com</inclusion>", inclusions.map { "<inclusion>\($0)</inclusion>" }.joined()),
                ("<exclusion>DC=contoso,DC=com</exclusion>", exclusions.map { "<exclusion>\($0)</exclusion>" }.joined()),
                ("<name>DC=contoso,DC=com</name>", "<name>\(lab)</name>"),
            ] {
                guard text.contains(old) else { throw SambaDC.LabError(description: "The fixture no longer contains \(old).") }
                text = text.replacingOccurrences(of: old, with: new)
            }
            try text.write(toFile: file, atomically: false, encoding: .utf8)
        }
        return target
    }

    func run(_ folder: TemporaryFolder, export: String, only: [String]) async throws -> (CLIResult, Report) {
        let dc = try await SambaLab.shared()
        let config = try folder.write(
            "preflight.yml",
            """
            timeoutSeconds: 60
            ldap: {url: "\(dc.ldapsURL)", caFile: "\(dc.caFile)", bindDN: "\(SambaDC.readerUPN)", passwordEnv: LAB_PASSWORD}
            connect: {export: "\(export)"}
            """)
        let cli = try await CLI.run(
            ["run", "--config", config, "--only", only.joined(separator: ","), "--out", folder.url("out")],
            environment: ["LAB_PASSWORD": SambaDC.readerPassword])
        try await SchemaValidator.validate(reportAt: folder.url("out/latest.json"))
        let report = try JSONReporter.parse(Data(try folder.read("out/latest.json").utf8), file: "latest.json")
        return (cli, report)
    }

    @Test func theExportsAccountAndOUFilterAreUsedAndSaidSo() async throws {
        let folder = try TemporaryFolder("connect-dir")
        // Like the real export: the domain root excluded, one OU included (the most specific rule wins).
        let export = try await labExport(
            in: folder, account: "MSOL_direct", inclusions: ["OU=Direct,\(SambaDC.baseDN)"], exclusions: [SambaDC.baseDN])
        let (cli, report) = try await run(folder, export: export, only: ["AD-002", "AD-003", "AD-004", "AD-005"])
        let reset = try #require(report.checks.first { $0.id == "AD-003" })
        #expect(reset.status == .pass, "\(reset.message)")
        #expect(reset.evidence["usersInScope"] == .int(2))
        #expect(reset.evidence["accountSource"] == .string(AccountFacts.Source.connectExport.rawValue))
        #expect(reset.evidence["accountDN"] == .string("CN=MSOL_direct,CN=Users,\(SambaDC.baseDN)"))
        #expect(reset.evidence["scopeSource"] == .string(ScopeFacts.Source.connectExport.rawValue))
        #expect(reset.evidence["scopeOrigin"]?.stringValue?.contains("connector 'contoso.com'") == true)
        #expect(reset.message.contains("Scope (from the Entra Connect export"))
        #expect(report.checks.first { $0.id == "AD-002" }?.status == .pass)
        #expect(cli.exitCode == 0, "\(cli)")
    }

    @Test func nestedInclusionsAndExclusionsFollowConnectsRules() async throws {
        let folder = try TemporaryFolder("connect-dir")
        let staff = "OU=Staff,\(SambaDC.baseDN)"
        let export = try await labExport(
            in: folder, account: "MSOL_root", inclusions: [staff], exclusions: ["OU=Denied,\(staff)", "OU=Legacy,\(staff)"])
        let (_, report) = try await run(folder, export: export, only: ["AD-003"])
        let reset = try #require(report.checks.first { $0.id == "AD-003" })
        let targets = reset.findings.map(\.target)
        #expect(reset.status == .fail)
        #expect(!targets.contains { $0.contains("carol") || $0.contains("dave") }, "\(targets)")
        #expect(targets.contains("CN=erin,\(staff)") && targets.contains("CN=frank,\(staff)"))
        #expect(reset.evidence["excluded"]?.arrayValue?.count == 2)
        // One domain too: every finding names it (issue #16 Contract), and nothing else changes.
        #expect(!reset.findings.isEmpty && reset.findings.allSatisfy { $0.details?["domain"] == "corp.example.test" })
        #expect(reset.evidence["domains"] == nil)
    }

    @Test func anExportWithoutThisDomainIsAnErrorThatSaysWhatToDo() async throws {
        let folder = try TemporaryFolder("connect-dir")
        let (cli, report) = try await run(folder, export: Repository.fixture("connect/contoso-pilot"), only: ["AD-003"])
        let reset = try #require(report.checks.first { $0.id == "AD-003" })
        #expect(reset.status == .error || reset.status == .skip)
        let account = try #require(report.checks.first { $0.id == "AD-002" })
        #expect(account.status == .error)
        #expect(account.message.contains("has no AD connector for the domain 'DC=corp,DC=example,DC=test'"), "\(account.message)")
        #expect(cli.exitCode == 2)
    }
}
