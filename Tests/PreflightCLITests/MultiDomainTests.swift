import Foundation
import PreflightTestSupport
import Testing

import PreflightKit

/// Every forest and domain in one run (issue #16 §3): two Samba AD DCs for two separate forests, corp.example.test on
/// 127.0.0.2 (the scenario domain) and fabrikam.example.test on 127.0.0.11 (scripts/lab/populate-fabrikam.py), judged
/// in one run with each domain's own bind account and password source.
@Suite("Several domains in one run (two Samba AD forests)")
struct MultiDomainTests {
    static let corpStaff = "OU=Staff,\(SambaDC.baseDN)"
    static let fabrikamPeople = "OU=People,\(Fabrikam.baseDN)"
    static let cy = "CN=cy,OU=Blocked,OU=People,\(Fabrikam.baseDN)"
    static let environment = ["CORP_PASSWORD": SambaDC.readerPassword, "FABRIKAM_PASSWORD": Fabrikam.readerPassword]

    /// The `ldap:` list: corp first, then fabrikam (its URL replaced for the DC-down case); `extra` goes into each item.
    func config(_ folder: TemporaryFolder, fabrikamURL: String? = nil, corpExtra: String, fabrikamExtra: String, more: String = "")
        async throws -> String
    {
        let corp = try await SambaLab.shared(), fabrikam = try await SambaLab.fabrikam()
        return try folder.write(
            "preflight.yml",
            """
            timeoutSeconds: 60
            ldap:
              - {url: "\(corp.ldapsURL)", caFile: "\(corp.caFile)", bindDN: "\(SambaDC.readerUPN)", passwordEnv: CORP_PASSWORD\(corpExtra)}
              - {url: "\(fabrikamURL ?? fabrikam.ldapsURL)", caFile: "\(fabrikam.caFile)", bindDN: "\(Fabrikam.readerUPN)",
                 passwordEnv: FABRIKAM_PASSWORD\(fabrikamExtra)}
            \(more)
            """)
    }

    func run(_ folder: TemporaryFolder, _ config: String, only: [String], extra: [String] = []) async throws -> (CLIResult, Report) {
        let cli = try await CLI.run(
            ["run", "--config", config, "--only", only.joined(separator: ","), "--out", folder.url("out")] + extra,
            environment: Self.environment, timeout: 180)
        try await SchemaValidator.validate(reportAt: folder.url("out/latest.json"))
        return (cli, try JSONReporter.parse(Data(try folder.read("out/latest.json").utf8), file: "latest.json"))
    }

    static func verdicts(_ check: CheckResult) -> [String: String] {
        var byDomain: [String: String] = [:]
        for verdict in check.evidence["domains"]?.arrayValue ?? [] {
            if let domain = verdict["domain"]?.stringValue { byDomain[domain] = verdict["status"]?.stringValue }
        }
        return byDomain
    }

    static func domainEvidence(_ check: CheckResult, _ domain: String) -> JSONValue? {
        check.evidence["domains"]?.arrayValue?.first { $0["domain"]?.stringValue == domain }?["evidence"]
    }

    @Test func bothDomainsAreJudgedInOneRunEachFindingInItsOwnDomain() async throws {
        let folder = try TemporaryFolder("domains")
        let config = try await config(
            folder, corpExtra: ", account: MSOL_root, scope: \"\(Self.corpStaff)\"",
            fabrikamExtra: ", account: MSOL_fab, scope: \"\(Self.fabrikamPeople)\"")
        let facts = folder.url("facts.json")
        let (cli, report) = try await run(folder, config, only: ["AD-001", "AD-002", "AD-003", "AD-007"], extra: ["--save-facts", facts])
        #expect(cli.exitCode == 1, "\(cli)")
        let bind = try #require(report.checks.first { $0.id == "AD-001" })
        #expect(bind.status == .pass && Self.verdicts(bind) == ["corp.example.test": "pass", "fabrikam.example.test": "pass"], "\(bind.message)")

        // Reset Password: carol (OU=Denied) in corp, cy (OU=Blocked) in fabrikam, each attributed to its own domain.
        let reset = try #require(report.checks.first { $0.id == "AD-003" })
        #expect(reset.status == .fail)
        #expect(Self.verdicts(reset) == ["corp.example.test": "fail", "fabrikam.example.test": "fail"])
        for finding in reset.findings {
            let domain = finding.details?["domain"]?.stringValue
            let expected = finding.target.hasSuffix(Fabrikam.baseDN) ? "fabrikam.example.test" : "corp.example.test"
            #expect(domain == expected, "\(finding.target) is in \(expected), not \(domain ?? "no domain")")
        }
        let fabrikamTargets = reset.findings.filter { $0.details?["domain"] == "fabrikam.example.test" }.map(\.target)
        #expect(fabrikamTargets == [Self.cy])
        #expect(reset.findings.contains { $0.target == "CN=carol,OU=Denied,\(Self.corpStaff)" })
        #expect(Self.domainEvidence(reset, "fabrikam.example.test")?["accountDN"] == .string("CN=MSOL_fab,CN=Users,\(Fabrikam.baseDN)"))
        #expect(Self.domainEvidence(reset, "fabrikam.example.test")?["usersInScope"] == .int(3))

        // The fabrikam DC itself agrees: MSOL_fab may reset ben's password, not cy's.
        let dc = try await SambaLab.fabrikam(), ben = "CN=ben,\(Self.fabrikamPeople)"
        let (onCy, onBen) = try await runBlocking {
            let judge = DCJudge(dc)
            return (
                try judge.allows(.resetPassword, as: "MSOL_fab", password: Fabrikam.connectorPassword, on: Self.cy),
                try judge.allows(.resetPassword, as: "MSOL_fab", password: Fabrikam.connectorPassword, on: ben)
            )
        }
        #expect(!onCy && onBen)

        // Unexpire Password on each domain root: MSOL_root has it on corp's, MSOL_fab not on fabrikam's.
        let unexpire = try #require(report.checks.first { $0.id == "AD-007" })
        #expect(Self.verdicts(unexpire)["corp.example.test"] == "pass")
        #expect(["warn", "fail"].contains(Self.verdicts(unexpire)["fabrikam.example.test"] ?? ""), "\(unexpire.message)")
        #expect(unexpire.findings.allSatisfy { $0.details?["domain"] == "fabrikam.example.test" } && !unexpire.findings.isEmpty)

        // Markdown: each check's findings under each domain.
        let markdown = try folder.read("out/latest.md")
        #expect(markdown.contains("*corp.example.test* (") && markdown.contains("*fabrikam.example.test* ("), "\(markdown)")

        // Saved facts of both domains judge to the same report.
        let offline = try await CLI.run(["evaluate", facts, "--config", config, "--out", folder.url("offline")], environment: [:])
        #expect(offline.exitCode == 1, "\(offline)")
        let replayed = try JSONReporter.parse(Data(try folder.read("offline/latest.json").utf8), file: "latest.json")
        #expect(replayed.checks == report.checks)
    }

    @Test func aDomainWhoseDCIsDownIsAnErrorForThatDomainAloneTheOtherVerdictStands() async throws {
        let folder = try TemporaryFolder("domains-down")
        // Nothing listens on 127.0.0.12 (the fabrikam certificate's range, no DC started there).
        let config = try await config(
            folder, fabrikamURL: "ldaps://127.0.0.12", corpExtra: ", account: MSOL_root, scope: \"\(Self.corpStaff)\"",
            fabrikamExtra: ", account: MSOL_fab, baseDN: \"\(Fabrikam.baseDN)\"")
        let (cli, report) = try await run(folder, config, only: ["AD-001", "AD-002", "AD-003", "AD-007"])
        #expect(cli.exitCode == 1, "\(cli)")
        let bind = try #require(report.checks.first { $0.id == "AD-001" })
        #expect(bind.status == .error)
        #expect(bind.message.hasPrefix("Domain fabrikam.example.test could not be judged (error)"), "\(bind.message)")
        #expect(Self.verdicts(bind) == ["corp.example.test": "pass", "fabrikam.example.test": "error"])
        // The checks that require AD-001 still judge corp, and say fabrikam could not be.
        let reset = try #require(report.checks.first { $0.id == "AD-003" })
        #expect(reset.status == .fail, "corp's failure stands: \(reset.message)")
        #expect(Self.verdicts(reset) == ["corp.example.test": "fail", "fabrikam.example.test": "error"])
        #expect(reset.findings.contains { $0.target == "CN=carol,OU=Denied,\(Self.corpStaff)" && $0.details?["domain"] == "corp.example.test" })
        #expect(reset.findings.contains { $0.status == .error && $0.details?["domain"] == "fabrikam.example.test" })
        let unexpire = try #require(report.checks.first { $0.id == "AD-007" })
        #expect(unexpire.status == .error && Self.verdicts(unexpire) == ["corp.example.test": "pass", "fabrikam.example.test": "error"])
        #expect(unexpire.message.contains("Domain fabrikam.example.test could not be judged"))
    }

    /// The export's two AD DS connectors name each domain's account and OU filter; the configuration gives only the
    /// credentials. Derived at test time from the real contoso-pilot export (Fixtures/connect/SOURCE.md).
    @Test func aConnectExportWithTwoADConnectorsDrivesBothDomains() async throws {
        let folder = try TemporaryFolder("domains-connect")
        let export = try await twoForestExport(in: folder)
        let config = try await config(folder, corpExtra: "", fabrikamExtra: "", more: "connect: {export: \"\(export)\"}")
        let (cli, report) = try await run(folder, config, only: ["AD-001", "AD-002", "AD-003"])
        let reset = try #require(report.checks.first { $0.id == "AD-003" })
        #expect(Self.verdicts(reset) == ["corp.example.test": "pass", "fabrikam.example.test": "fail"], "\(reset.message)")
        let corp = Self.domainEvidence(reset, "corp.example.test"), fabrikam = Self.domainEvidence(reset, "fabrikam.example.test")
        #expect(corp?["accountDN"] == .string("CN=MSOL_direct,CN=Users,\(SambaDC.baseDN)"))
        #expect(fabrikam?["accountDN"] == .string("CN=MSOL_fab,CN=Users,\(Fabrikam.baseDN)"))
        for evidence in [corp, fabrikam] {
            #expect(evidence?["accountSource"] == .string(AccountFacts.Source.connectExport.rawValue))
            #expect(evidence?["scopeSource"] == .string(ScopeFacts.Source.connectExport.rawValue))
        }
        #expect(fabrikam?["scopeOrigin"]?.stringValue?.contains("connector 'fabrikam.example.test'") == true)
        #expect(fabrikam?["scope"] == .array([.string(Self.fabrikamPeople)]))
        #expect(reset.findings.map(\.target) == [Self.cy])
        #expect(cli.exitCode == 1, "\(cli)")
    }

    /// The real export with its AD DS connector pointed at corp (MSOL_direct, OU=Direct) and a second AD DS connector,
    /// the same file under another id, pointed at fabrikam (MSOL_fab, OU=People): as Get-ADSyncServerConfiguration writes
    /// one Connectors/Connector_{id}.xml per connector.
    func twoForestExport(in folder: TemporaryFolder) async throws -> String {
        let source = Repository.fixture("connect/contoso-pilot"), target = folder.url("export")
        let file = target + "/" + ConnectDrivenDirectoryTests.adConnector
        try await runBlocking {
            try FileManager.default.copyItem(atPath: source, toPath: target)
            let original = try String(contentsOfFile: file, encoding: .utf8)
            func point(_ text: String, _ edits: [(String, String)]) throws -> String {
                try edits.reduce(text) { text, edit in
                    guard text.contains(edit.0) else { throw SambaDC.LabError(description: "The fixture no longer contains \(edit.0).") }
                    return text.replacingOccurrences(of: edit.0, with: edit.1)
                }
            }
            func forest(_ dns: String, _ base: String, _ netbios: String, account: String, inclusion: String) -> [(String, String)] {
                [
                    ("<inclusion>OU=CORP,DC=contoso,DC=com</inclusion>", "<inclusion>\(inclusion)</inclusion>"),
                    ("MSOL_d1edb676ca03", account), ("DC=contoso,DC=com", base), ("contoso.com", dns), ("CONTOSO", netbios),
                ]
            }
            try point(original, forest("corp.example.test", SambaDC.baseDN, "CORP", account: "MSOL_direct", inclusion: "OU=Direct,\(SambaDC.baseDN)"))
                .write(toFile: file, atomically: false, encoding: .utf8)
            let id = "5F0A1B2C-3D4E-4F50-8A9B-0C1D2E3F4A5B"
            try point(
                original,
                [("AE4DB4CC-B16B-4EB2-ACF5-837CA84E4D7D", id)]
                    + forest("fabrikam.example.test", Fabrikam.baseDN, "FABRIKAM", account: "MSOL_fab", inclusion: Self.fabrikamPeople)
            ).write(toFile: target + "/Connectors/Connector_{\(id.lowercased())}.xml", atomically: false, encoding: .utf8)
        }
        return target
    }
}
