import Foundation
import PreflightTestSupport
import Testing

import PreflightKit

/// AD-016 judged from a saved `gpresult /scope computer /x` export of a DC (`ldap.restrictRemoteSAM`) instead of SYSVOL:
/// the exports are Fixtures/gpresult (scripts/fixtures/gpresult.py, format sources in its SOURCE.md); the account's logon
/// token is the real one the scenario DC builds for MSOL_nested (RID 1105, in SyncWriteback, in SyncOuter: nested groups
/// included). The scenario DC serves no SMB, so a pass or a fail here can only come from the export.
@Suite("AD-016 RestrictRemoteSAM from a saved gpresult /x export (Samba AD DC)")
struct GPResultSavedExportTests {
    static let restricting = Repository.fixture("gpresult/dc1-restrict-sam.xml")
    static let unrestricted = Repository.fixture("gpresult/dc1-no-restriction.xml")
    static let gpo = "{3C7D1F0E-5B2A-4E8D-9F61-2A4B6C8D0E1F}"
    static let adminsOnly = "O:BAG:BAD:(A;;RC;;;BA)"

    func run(_ export: String) async throws -> (DirectoryRun.Outcome, CheckResult) {
        let dc = try await SambaLab.shared()
        let outcome = try await DirectoryRun().run(
            url: dc.ldapsURL, caFile: dc.caFile, account: RestrictRemoteSAMTests.account, scope: [Lab.ou("OU=Nested")],
            extraLDAP: ["restrictRemoteSAM: \"\(export)\""], only: ["AD-016"])
        return (outcome, try #require(outcome.check("AD-016"), "\(outcome.cli)"))
    }

    /// The fixture decoded (UTF-16LE with its BOM, as gpresult writes it), changed, and written back the same way.
    func derived(_ edit: (String) -> String, named name: String, in folder: TemporaryFolder) throws -> String {
        let data = try Data(contentsOf: URL(fileURLWithPath: Self.restricting))
        let text = try #require(String(data: data.dropFirst(2), encoding: .utf16LittleEndian))
        let path = folder.url(name)
        #expect(FileManager.default.createFile(atPath: path, contents: Data([0xFF, 0xFE]) + (edit(text).data(using: .utf16LittleEndian) ?? Data())))
        return path
    }

    static func line(of needle: String, in file: String) throws -> Int {
        let data = try Data(contentsOf: URL(fileURLWithPath: file))
        let text = try #require(String(data: data.dropFirst(2), encoding: .utf16LittleEndian))
        let lines = text.components(separatedBy: "\r\n")
        return try #require(lines.firstIndex { $0.contains(needle) }) + 1
    }

    @Test func aGPORestrictingSAMToAdministratorsFailsNamingTheGPOFromTheExport() async throws {
        let (outcome, check) = try await run(Self.restricting)
        #expect(check.status == .fail, "\(check.message)")
        let line = try Self.line(of: #"Lsa\RestrictRemoteSAM</q1:KeyName>"#, in: Self.restricting)
        #expect(check.message.contains("the GPO 'Restrict SAM to admins' \(Self.gpo) (\(Self.restricting):\(line))"), "\(check.message)")
        #expect(check.message.contains("'\(Self.adminsOnly)'") && check.message.contains("SSPR_0029"), "\(check.message)")
        #expect(check.message.contains(#"recorded on 'CORP\DC1$' (corp.example.test/Domain Controllers) at 2026-12-07T09:41:27"#), "\(check.message)")
        #expect(check.findings.map(\.target) == ["Restrict SAM to admins \(Self.gpo)"])
        #expect(check.findings.first?.details?["domain"] == "corp.example.test")
        #expect(check.remediation.contains("In the GPO 'Restrict SAM to admins' \(Self.gpo)"), "\(check.remediation)")
        #expect(check.remediation.contains("O:BAG:BAD:(A;;RC;;;BA)(A;;RC;;;\(RestrictRemoteSAMTests.domainSID)-1105)"))
        // Every GPO the DC applied is in the evidence, the winning one first.
        let gpos = check.evidence["gpos"]?.arrayValue ?? []
        #expect(gpos.compactMap { $0["name"]?.stringValue }.first == "Restrict SAM to admins")
        #expect(gpos.contains { $0["name"] == "Default Domain Controllers Policy" && $0["restrictRemoteSAM"] == .null }, "\(gpos)")
        #expect(check.evidence["source"]?.stringValue?.contains("gpresult /x export") == true)
        #expect(outcome.cli.exitCode == 1, "\(outcome.cli)")
    }

    @Test func aValueThatGrantsTheConnectorsGroupPasses() async throws {
        let folder = try TemporaryFolder("gpresult-group")
        let granting = "O:BAG:BAD:(A;;RC;;;BA)(A;;RC;;;\(RestrictRemoteSAMTests.syncOuter))"
        let export = try derived({ $0.replacingOccurrences(of: Self.adminsOnly, with: granting) }, named: "gpresult.xml", in: folder)
        let (outcome, check) = try await run(export)
        #expect(check.status == .pass, "\(check.message)")
        #expect(check.message.contains("the GPO 'Restrict SAM to admins' \(Self.gpo)"), "\(check.message)")
        #expect(check.message.contains("granted to CORP\\SyncOuter by (A;;RC;;;\(RestrictRemoteSAMTests.syncOuter))"), "\(check.message)")
        #expect(outcome.cli.exitCode == 0, "\(outcome.cli)")
    }

    @Test func anExportWhereNoGPOSetsItPasses() async throws {
        let (_, check) = try await run(Self.unrestricted)
        #expect(check.status == .pass, "\(check.message)")
        #expect(
            check.message.contains(
                "None of the 3 GPOs that apply to the DCs sets RestrictRemoteSAM (read from the saved gpresult /x export '\(Self.unrestricted)'"),
            "\(check.message)")
        #expect(check.message.contains("stays after the GPO that set it is removed"))
    }

    @Test func malformedXMLIsAnErrorNamingFileLineAndColumn() async throws {
        let folder = try TemporaryFolder("gpresult-broken")
        // Cut inside the Security extension, as an interrupted copy leaves it.
        let export = try derived({ ($0.components(separatedBy: "<q1:SettingString>").first ?? "") + "<q1:SettingString>O:BA" },
            named: "truncated.xml", in: folder)
        let (outcome, check) = try await run(export)
        #expect(check.status == .error, "\(check.message)")
        let line = try Self.line(of: "<q1:SettingString>", in: export)
        #expect(check.message.contains("\(export):\(line):"), "\(check.message)")
        #expect(check.message.contains("is not well-formed XML at line \(line), column "), "\(check.message)")
        #expect(check.message.contains("gpresult /scope computer /x"), "\(check.message)")
        #expect(outcome.cli.exitCode == 2, "\(outcome.cli)")
    }

    @Test func anExportOfAnotherDomainIsAnErrorNeverAPass() async throws {
        let folder = try TemporaryFolder("gpresult-domain")
        let export = try derived(
            { $0.replacingOccurrences(of: "<Domain>corp.example.test</Domain>", with: "<Domain>fabrikam.example.test</Domain>") },
            named: "other-domain.xml", in: folder)
        let (_, check) = try await run(export)
        #expect(check.status == .error, "\(check.message)")
        #expect(check.message.contains("of the domain 'fabrikam.example.test', but this DC's domain is 'corp.example.test'"), "\(check.message)")
    }
}
