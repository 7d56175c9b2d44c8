import Foundation
import PreflightTestSupport
import Testing

import PreflightKit

/// AD-016 in a run over two forests, each domain judged from its own source and reported with its own findings: corp
/// (the shared scenario DC, 127.0.0.2) from its DC's saved gpresult /x export (`ldap[0].restrictRemoteSAM`,
/// Fixtures/gpresult), fabrikam from the SYSVOL its own DC serves over real SMB (a fabrikam DC of its own on 127.0.0.13,
/// clone.sh mode `smb`), where the test creates and links a GPO with samba-tool as an admin would with GPMC.
@Suite("AD-016 in a two-domain run: each domain's GPOs, each domain's finding (two Samba AD forests)", .serialized)
final class RestrictRemoteSAMMultiDomainTests {
    let fabrikam: SambaDC
    static let fabrikamControllers = "OU=Domain Controllers,\(Fabrikam.baseDN)"
    static let fabrikamDomainSID = "S-1-5-21-1444444444-1555555555-1666666666"
    /// MSOL_fab (populate-fabrikam.py, RID 1103).
    static let msolFab = "\(fabrikamDomainSID)-1103"

    init() async throws { fabrikam = try await runBlocking { try SambaDC(ip: "127.0.0.13", modes: "smb", fabrikam: true) } }
    deinit { fabrikam.stop() }

    func run(_ folder: TemporaryFolder) async throws -> (CLIResult, CheckResult) {
        let corp = try await SambaLab.shared()
        let config = try folder.write(
            "preflight.yml",
            """
            timeoutSeconds: 60
            ldap:
              - {url: "\(corp.ldapsURL)", caFile: "\(corp.caFile)", bindDN: "\(SambaDC.readerUPN)", passwordEnv: CORP_PASSWORD,
                 account: MSOL_nested, scope: "OU=Nested,\(SambaDC.baseDN)",
                 restrictRemoteSAM: "\(GPResultSavedExportTests.restricting)"}
              - {url: "\(fabrikam.ldapsURL)", caFile: "\(fabrikam.caFile)", bindDN: "\(Fabrikam.readerUPN)", passwordEnv: FABRIKAM_PASSWORD,
                 account: MSOL_fab, scope: "OU=People,\(Fabrikam.baseDN)"}
            """)
        let cli = try await CLI.run(
            ["run", "--config", config, "--only", "AD-016", "--out", folder.url("out")], environment: MultiDomainTests.environment,
            timeout: 180)
        try await SchemaValidator.validate(reportAt: folder.url("out/latest.json"))
        let report = try JSONReporter.parse(Data(try folder.read("out/latest.json").utf8), file: "latest.json")
        let check = try #require(report.checks.first { $0.id == "AD-016" }, "\(cli)")
        #expect(!(try folder.read("out/latest.json")).contains(Fabrikam.readerPassword), "the fabrikam bind password leaked")
        return (cli, check)
    }

    @Test func eachDomainsRestrictingGPOIsItsOwnFinding() async throws {
        let guid = try fabrikam.createGPO("Fabrikam SAM lockdown")
        try fabrikam.writeSecurityTemplate(guid, lines: RestrictRemoteSAMTests.template(RestrictRemoteSAMTests.adminsOnly))
        try fabrikam.linkGPO(guid, to: Self.fabrikamControllers)
        let folder = try TemporaryFolder("sam-domains")
        let (cli, check) = try await run(folder)
        #expect(check.status == .fail, "\(check.message)")
        #expect(MultiDomainTests.verdicts(check) == ["corp.example.test": "fail", "fabrikam.example.test": "fail"], "\(check.message)")
        let corpFinding = try #require(check.findings.first { $0.details?["domain"] == "corp.example.test" })
        let fabrikamFinding = try #require(check.findings.first { $0.details?["domain"] == "fabrikam.example.test" })
        #expect(corpFinding.target == "Restrict SAM to admins \(GPResultSavedExportTests.gpo)")
        #expect(fabrikamFinding.target == "Fabrikam SAM lockdown \(guid)")
        #expect(check.findings.count == 2)
        // Each domain's message names its own GPO and where it was read; the fabrikam one from its SYSVOL over SMB.
        #expect(check.message.contains("[corp.example.test] fail: the GPO 'Restrict SAM to admins'"), "\(check.message)")
        #expect(check.message.contains(#"[fabrikam.example.test] fail: the GPO 'Fabrikam SAM lockdown' \#(guid) (\\127.0.0.13\SYSVOL\fabrikam.example.test\Policies\\#(guid)"#),
            "\(check.message)")
        // Each domain's remediation adds that domain's own account to its own GPO's SDDL.
        #expect(check.remediation.contains("(A;;RC;;;\(RestrictRemoteSAMTests.domainSID)-1105)"), "\(check.remediation)")
        #expect(check.remediation.contains("O:BAG:BAD:(A;;RC;;;BA)(A;;RC;;;\(Self.msolFab))"), "\(check.remediation)")
        #expect(cli.exitCode == 1, "\(cli)")
    }

    @Test func aDomainWhoseGPOLetsItsAccountInPassesWhileTheOtherFails() async throws {
        let guid = try fabrikam.createGPO("Fabrikam SAM for the connector")
        try fabrikam.writeSecurityTemplate(guid, lines: RestrictRemoteSAMTests.template("O:BAG:BAD:(A;;RC;;;BA)(A;;RC;;;\(Self.msolFab))"))
        try fabrikam.linkGPO(guid, to: Self.fabrikamControllers)
        let folder = try TemporaryFolder("sam-domains-pass")
        let (_, check) = try await run(folder)
        #expect(MultiDomainTests.verdicts(check) == ["corp.example.test": "fail", "fabrikam.example.test": "pass"], "\(check.message)")
        #expect(check.message.contains(#"granted to FABRIKAM\MSOL_fab by (A;;RC;;;\#(Self.msolFab))"#), "\(check.message)")
        #expect(check.findings.allSatisfy { $0.details?["domain"] == "corp.example.test" } && check.findings.count == 1)
    }
}
