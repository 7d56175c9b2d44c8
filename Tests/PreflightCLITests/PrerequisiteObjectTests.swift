import Foundation
import PreflightTestSupport
import Testing

import PreflightKit

/// AD-014 (samServer object) and AD-015 (Builtin container) against a Samba AD DC of their own, whose DACLs the tests
/// change as an admin would; each verdict is compared with what the DC lets the account itself read.
@Suite("Prerequisite objects: samServer and Builtin (Samba AD DC)", .serialized)
final class PrerequisiteObjectTests {
    let dc: SambaDC
    let runner = DirectoryRun()
    static let samServer = "CN=Server,CN=System,\(SambaDC.baseDN)"
    static let builtin = "CN=Builtin,\(SambaDC.baseDN)"

    init() async throws { dc = try await runBlocking { try SambaDC(ip: "127.0.0.6") } }
    deinit { dc.stop() }

    func run(_ account: String, boundAsAccount: Bool) async throws -> DirectoryRun.Outcome {
        try await runner.run(
            url: dc.ldapsURL, caFile: dc.caFile, bindDN: boundAsAccount ? "\(account)@corp.example.test" : SambaDC.readerUPN,
            password: boundAsAccount ? Lab.servicePassword : SambaDC.readerPassword, account: account, scope: [Lab.ou("OU=Partial")],
            only: ["AD-014", "AD-015"])
    }

    func sid(_ account: String) throws -> String {
        let manifest = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: dc.directory + "/scenario.json")))
        let objects = (manifest as? [String: Any])?["objects"] as? [String: [String: String]]
        return try #require(objects?[account]?["sid"])
    }

    @Test func theDefaultsGrantBothThroughAuthenticatedUsersAndTheDCAgrees() async throws {
        let outcome = try await run("MSOL_partial", boundAsAccount: false)
        let sam = try #require(outcome.check("AD-014"))
        #expect(sam.status == .pass, "\(sam.message)")
        #expect(sam.message.contains("may list contents, read all properties and read permissions on '\(Self.samServer)'"))
        #expect(sam.message.contains("NT AUTHORITY\\Authenticated Users by (A;;LCRPLORC;;;S-1-5-11)"), "\(sam.message)")
        let builtin = try #require(outcome.check("AD-015"))
        #expect(builtin.status == .pass, "\(builtin.message)")
        let view = try DCJudge(dc).view(of: Self.samServer, as: "MSOL_partial", password: Lab.servicePassword)
        #expect(view.readsProperties)
        #expect(try DCJudge(dc).view(of: Self.builtin, as: "MSOL_partial", password: Lab.servicePassword).children > 0)
        #expect(outcome.cli.exitCode == 0, "\(outcome.cli)")
    }

    @Test func aDenyOnTheSamServerObjectFailsAD014AsTheDCRefuses() async throws {
        let account = "MSOL_ps"
        try dc.addACEs("(D;;RPLCRC;;;\(try sid(account)))", on: Self.samServer)
        let reader = try await run(account, boundAsAccount: false)
        let sam = try #require(reader.check("AD-014"))
        #expect(sam.status == .fail, "\(sam.message)")
        for right in ["List contents", "Read all properties", "Read permissions"] {
            #expect(sam.findings.contains { $0.message.hasPrefix("\(right): denied to CORP\\\(account) by (D;;") }, "\(sam.findings)")
        }
        #expect(sam.message.contains("NetUserGetInfo"))
        #expect(sam.remediation.contains("dsacls \"\(Self.samServer)\" /G \"NT AUTHORITY\\Authenticated Users:LCRPRC\""))
        #expect(sam.remediation.contains("First remove the deny ACE"))
        #expect(reader.check("AD-015")?.status == .pass)
        #expect(reader.cli.exitCode == 1, "\(reader.cli)")
        // The DC agrees: the account reads none of the object's properties.
        #expect(try DCJudge(dc).view(of: Self.samServer, as: account, password: Lab.servicePassword).readsProperties == false)
        // Bound as the account itself, the DC will not even show it the object's permissions: that is the answer too.
        let own = try await run(account, boundAsAccount: true)
        #expect(own.check("AD-014")?.status == .fail, "\(own.check("AD-014")?.message ?? "")")
        #expect(own.check("AD-014")?.message.contains("the DC refuses to show its permissions to the account itself") == true)
    }

    @Test func aDenyOfListContentsOnBuiltinFailsAD015AsTheDCRefuses() async throws {
        let account = "MSOL_ga"
        let before = try DCJudge(dc).view(of: Self.builtin, as: account, password: Lab.servicePassword)
        #expect(before.children > 0)
        try dc.addACEs("(D;;LC;;;\(try sid(account)))", on: Self.builtin)
        let reader = try await run(account, boundAsAccount: false)
        let builtin = try #require(reader.check("AD-015"))
        #expect(builtin.status == .fail, "\(builtin.message)")
        #expect(builtin.message.contains("lacks List contents (denied to CORP\\\(account) by (D;;LC;;;"), "\(builtin.message)")
        #expect(builtin.findings.count == 1)
        #expect(builtin.remediation.contains("dsacls \"\(Self.builtin)\" /G \"CORP\\\(account):LCRP\""))
        #expect(reader.check("AD-014")?.status == .pass)
        let after = try DCJudge(dc).view(of: Self.builtin, as: account, password: Lab.servicePassword)
        #expect(after.children == 0, "the DC lists nothing to the account any more")
    }
}
