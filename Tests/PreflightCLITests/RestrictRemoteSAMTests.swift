import Foundation
import PreflightTestSupport
import Testing

import PreflightKit

/// AD-016 against a Samba AD DC of its own per test that serves SYSVOL over real SMB (clone.sh mode `smb`): GPOs are
/// created and linked with samba-tool as an admin would with GPMC, and their GptTmpl.inf written on the DC's disk as
/// Windows writes it (UTF-16LE, BOM, CRLF); preflight then reads them over LDAP (gPLink) and SMB (libsmbclient, NTLM
/// with the bind's name and password) and judges the SDDL against the account's real logon token.
///
/// Samba does not enforce RestrictRemoteSAM (its SAMR server has no such setting), so the DC cannot confirm a verdict
/// by refusing a SAMR call the way Windows would. What these tests prove instead: the templates come from the real
/// SYSVOL over real SMB, precedence follows the real gPLink values samba-tool writes, and the access check runs on
/// the token the DC built (nested groups included).
@Suite("AD-016 RestrictRemoteSAM from SYSVOL over SMB (Samba AD DC)", .serialized)
final class RestrictRemoteSAMTests {
    let dc: SambaDC
    let runner = DirectoryRun()
    static let controllers = "OU=Domain Controllers,\(SambaDC.baseDN)"
    static let domainSID = "S-1-5-21-1111111111-2222222222-3333333333"
    /// MSOL_nested (RID 1105) is in SyncWriteback, which is in SyncOuter (RID 1112): scripts/lab/SCENARIOS.md.
    static let account = "MSOL_nested"
    static let syncOuter = "\(domainSID)-1112"
    static let adminsOnly = "O:BAG:BAD:(A;;RC;;;BA)"

    init() async throws { dc = try await runBlocking { try SambaDC(ip: "127.0.0.7", modes: "smb") } }
    deinit { dc.stop() }

    static func template(_ sddl: String) -> [String] {
        [
            "[Unicode]", "Unicode=yes", "; written like the Group Policy editor does", "[Version]", #"signature="$CHICAGO$""#, "Revision=1",
            "[Registry Values]", #"MACHINE\System\CurrentControlSet\Control\Lsa\NoLMHash=4,1"#,
            #"MACHINE\System\CurrentControlSet\Control\Lsa\RestrictRemoteSAM=1,""# + sddl + #"""#,
        ]
    }

    func run(on server: SambaDC? = nil, extraLDAP: [String] = []) async throws -> (DirectoryRun.Outcome, CheckResult) {
        let target = server ?? dc
        let outcome = try await runner.run(
            url: target.ldapsURL, caFile: target.caFile, account: Self.account, scope: [Lab.ou("OU=Nested")], extraLDAP: extraLDAP,
            only: ["AD-016"])
        let check = try #require(outcome.check("AD-016"), "\(outcome.cli)")
        let report = String(decoding: try JSONEncoder().encode(outcome.report), as: UTF8.self)
        #expect(!report.contains(SambaDC.readerPassword) && !outcome.cli.stdout.contains(SambaDC.readerPassword)
            && !outcome.cli.stderr.contains(SambaDC.readerPassword), "the bind password leaked")
        return (outcome, check)
    }

    @Test func noGPOSettingItPassesAndSaysALocalValueMayRemain() async throws {
        let (outcome, check) = try await run()
        #expect(check.status == .pass, "\(check.message)")
        #expect(check.message.contains(#"None of the 2 GPOs that apply to the DCs sets RestrictRemoteSAM (read from SYSVOL on \\127.0.0.7)"#),
            "\(check.message)")
        #expect(check.message.contains("stays after the GPO that set it is removed"))
        // Both default GPOs were found through the real gPLink values and their SYSVOL folders read (no template there).
        let gpos = "\(check.evidence["gpos"] ?? .null)"
        #expect(gpos.contains("Default Domain Controllers Policy") && gpos.contains("Default Domain Policy") && gpos.contains("absent"), "\(gpos)")
        #expect(outcome.cli.exitCode == 0, "\(outcome.cli)")
    }

    @Test func aGPORestrictingSAMToAdministratorsFailsNamingTheGPOAndTheSDDL() async throws {
        let guid = try dc.createGPO("Restrict SAM to admins")
        try dc.writeSecurityTemplate(guid, lines: Self.template(Self.adminsOnly))
        try dc.linkGPO(guid, to: Self.controllers)
        let (outcome, check) = try await run()
        #expect(check.status == .fail, "\(check.message)")
        #expect(check.message.contains("the GPO 'Restrict SAM to admins' \(guid)"), "\(check.message)")
        #expect(check.message.contains("'\(Self.adminsOnly)'") && check.message.contains("SSPR_0029"), "\(check.message)")
        #expect(check.message.contains(#"\Policies\\#(guid)\MACHINE\Microsoft\Windows NT\SecEdit\GptTmpl.inf:9"#), "\(check.message)")
        #expect(check.findings.first?.target == "Restrict SAM to admins \(guid)")
        #expect(check.remediation.contains("O:BAG:BAD:(A;;RC;;;BA)(A;;RC;;;\(Self.domainSID)-1105)"), "\(check.remediation)")
        #expect(check.remediation.contains("password-writeback-error-code-sspr-0029"))
        #expect(outcome.cli.exitCode == 1, "\(outcome.cli)")
    }

    @Test func aGPOGrantingTheAccountsNestedGroupPassesAndPrecedenceDecides() async throws {
        let restrict = try dc.createGPO("Restrict SAM to admins")
        try dc.writeSecurityTemplate(restrict, lines: Self.template(Self.adminsOnly))
        let allow = try dc.createGPO("SAM for the sync group")
        // UTF-8 without a BOM is read too.
        try dc.writeSecurityTemplate(allow, lines: Self.template("O:BAG:BAD:(A;;RC;;;BA)(A;;RC;;;\(Self.syncOuter))"), encoding: .utf8)
        // The OU's link outranks the domain root's: the group's GPO wins.
        try dc.linkGPO(restrict, to: SambaDC.baseDN)
        try dc.linkGPO(allow, to: Self.controllers)
        let (_, pass) = try await run()
        #expect(pass.status == .pass, "\(pass.message)")
        #expect(pass.message.contains("the GPO 'SAM for the sync group' \(allow)"), "\(pass.message)")
        #expect(pass.message.contains("granted to CORP\\SyncOuter by (A;;RC;;;\(Self.syncOuter))"), "\(pass.message)")
        // Enforced on the domain root, the restricting GPO outranks every link of the OU.
        try dc.unlinkGPO(restrict, from: SambaDC.baseDN)
        try dc.linkGPO(restrict, to: SambaDC.baseDN, enforced: true)
        let (_, fail) = try await run()
        #expect(fail.status == .fail, "\(fail.message)")
        #expect(fail.message.contains("the GPO 'Restrict SAM to admins' \(restrict)"), "\(fail.message)")
    }

    @Test func aTemplateTheAccountMayNotReadIsAnErrorNeverAPass() async throws {
        let guid = try dc.createGPO("Unreadable template")
        let path = try dc.writeSecurityTemplate(guid, lines: Self.template(Self.adminsOnly))
        try dc.linkGPO(guid, to: Self.controllers)
        // smbd checks the file's permissions for the mapped user: mode 000 refuses everyone but root.
        #expect(chmod(path, 0) == 0)
        let (outcome, check) = try await run()
        #expect(check.status == .error, "\(check.message)")
        #expect(check.message.contains("the GPO 'Unreadable template' \(guid)") && check.message.contains("access denied"), "\(check.message)")
        #expect(outcome.cli.exitCode != 0)
    }

    @Test func aDCThatServesNoSMBIsAnErrorWithTheReason() async throws {
        // The shared scenario DC runs only ldap, cldap and kdc: nothing listens on 445.
        let (_, check) = try await run(on: try await SambaLab.shared())
        #expect(check.status == .error, "\(check.message)")
        #expect(check.message.contains("SYSVOL could not be read") && check.message.contains("nothing listens on TCP 445"), "\(check.message)")
    }

    @Test func aSavedTemplateNamedInTheConfigurationIsJudgedInsteadOfSYSVOL() async throws {
        let folder = try TemporaryFolder("gpttmpl")
        let text = Self.template(Self.adminsOnly).joined(separator: "\r\n")
        let file = folder.url("GptTmpl.inf")
        #expect(FileManager.default.createFile(atPath: file, contents: Data([0xFF, 0xFE]) + (text.data(using: .utf16LittleEndian) ?? Data())))
        let (_, check) = try await run(on: try await SambaLab.shared(), extraLDAP: ["restrictRemoteSAM: \"\(file)\""])
        #expect(check.status == .fail, "\(check.message)")
        #expect(check.message.contains("the GPO '\(file)' (\(file):9)"), "\(check.message)")
        #expect(check.remediation.contains("the GPO the saved template '\(file)' came from"), "\(check.remediation)")
        // An XML file is read as a gpresult /x export (GPResultSavedExportTests): one without computer results is an error
        // naming the file, never a pass for "sets nothing".
        let xml = folder.url("gpresult.xml")
        #expect(FileManager.default.createFile(atPath: xml, contents: Data("<?xml version=\"1.0\"?><Rsop></Rsop>".utf8)))
        let (_, error) = try await run(on: try await SambaLab.shared(), extraLDAP: ["restrictRemoteSAM: \"\(xml)\""])
        #expect(error.status == .error && error.message.contains("'\(xml)' (ldap.restrictRemoteSAM) holds no <ComputerResults>"), "\(error.message)")
    }
}
