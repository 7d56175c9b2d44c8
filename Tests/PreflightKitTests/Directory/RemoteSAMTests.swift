import Foundation
import Testing

@testable import PreflightCore
@testable import PreflightDirectory

/// AD-016's pieces without a DC: the GptTmpl.inf reader (encodings, comments, sections), gPLink parsing and
/// precedence, and the judgement on synthetic facts (the cases a lab run would take long to set up).
@Suite("RestrictRemoteSAM: security templates, GPO links, judgement")
struct RemoteSAMTests {
    static let key = #"MACHINE\System\CurrentControlSet\Control\Lsa\RestrictRemoteSAM"#

    static func utf16(_ text: String, bom: Bool = true) -> [UInt8] {
        (bom ? [0xFF, 0xFE] : []) + Array(text.data(using: .utf16LittleEndian) ?? Data())
    }

    static let windowsTemplate = [
        "[Unicode]", "Unicode=yes", "[System Access]", "MinimumPasswordAge = 1", "[Registry Values]",
        #"MACHINE\System\CurrentControlSet\Control\Lsa\NoLMHash=4,1"#, key + #"=1,"O:BAG:BAD:(A;;RC;;;BA)""#, "[Version]",
        #"signature="$CHICAGO$""#, "Revision=1",
    ].joined(separator: "\r\n") + "\r\n"

    @Test func readsWindowsUTF16WithBOMAndCRLF() throws {
        let setting = try SecurityTemplate.restrictRemoteSAM(Self.utf16(Self.windowsTemplate), file: "GptTmpl.inf")
        #expect(setting == SecurityTemplate.Setting(sddl: "O:BAG:BAD:(A;;RC;;;BA)", line: 7))
    }

    @Test func readsUTF16WithoutBOMAndUTF8WithOrWithoutBOM() throws {
        for bytes in [Self.utf16(Self.windowsTemplate, bom: false), Array(Self.windowsTemplate.utf8), [0xEF, 0xBB, 0xBF] + Array(Self.windowsTemplate.utf8)] {
            #expect(try SecurityTemplate.restrictRemoteSAM(bytes, file: "f")?.sddl == "O:BAG:BAD:(A;;RC;;;BA)")
        }
        // LF only, spaces around '=', and another key case.
        let loose = "[registry values]\n ; a comment\n" + Self.key.lowercased() + " = 1 , \"O:BAG:BAD:(A;;RC;;;AU)\"\n"
        #expect(try SecurityTemplate.restrictRemoteSAM(Array(loose.utf8), file: "f") == SecurityTemplate.Setting(sddl: "O:BAG:BAD:(A;;RC;;;AU)", line: 3))
    }

    @Test func aTemplateWithoutTheSettingOrTheSectionSetsNothing() throws {
        #expect(try SecurityTemplate.restrictRemoteSAM(Self.utf16("[Unicode]\r\nUnicode=yes\r\n[Version]\r\nRevision=1\r\n"), file: "f") == nil)
        // The key outside [Registry Values] (here commented out, then in another section) is not the setting.
        let elsewhere = "[Registry Values]\r\n;" + Self.key + "=1,\"O:BAG:BAD:(A;;RC;;;BA)\"\r\n[System Access]\r\n" + Self.key + "=1,\"x\"\r\n"
        #expect(try SecurityTemplate.restrictRemoteSAM(Array(elsewhere.utf8), file: "f") == nil)
        #expect(try SecurityTemplate.restrictRemoteSAM([], file: "f") == nil)
    }

    @Test func brokenTemplatesAreErrorsNamingFileAndLine() {
        func message(_ bytes: [UInt8]) -> String {
            do {
                return "\(try SecurityTemplate.restrictRemoteSAM(bytes, file: "T.inf") as Any)"
            } catch { return error.description }
        }
        #expect(message(Array("[Registry Values]\n\(Self.key)=4,1\n".utf8)).hasPrefix("T.inf:2: RestrictRemoteSAM is '4,1'"))
        #expect(message([0xFF, 0xFE, 0x5B]).hasPrefix("T.inf: is UTF-16"))
        #expect(message([0xFF, 0xFE, 0x00, 0xD8, 0x41, 0x00]).hasPrefix("T.inf: is not valid UTF-16LE"))
        #expect(message([0x5B, 0xC3, 0x28]).hasPrefix("T.inf: is neither UTF-16LE nor UTF-8"))
        #expect(message(Array("[Registry Values\n".utf8)).hasPrefix("T.inf:1: the section header"))
        let twice = "[Registry Values]\n\(Self.key)=1,\"O:BAG:BAD:(A;;RC;;;BA)\"\n\(Self.key)=1,\"O:BAG:BAD:(A;;RC;;;AU)\"\n"
        #expect(message(Array(twice.utf8)).hasPrefix("T.inf:3: RestrictRemoteSAM is set a second time (first on line 2)"))
    }

    static let domain = "DC=corp,DC=example,DC=com"
    static let ou = "OU=Domain Controllers,\(domain)"
    static func link(_ guid: String) -> String { "[LDAP://cn={\(guid)},cn=policies,cn=system,\(domain);" }

    @Test func gPLinkLastIsLinkOrderOneAndOptionsAreRead() throws {
        let links = try GPOLinks.parse(Self.link("A") + "0]" + Self.link("b") + "1]" + Self.link("C") + "2]", container: Self.ou)
        #expect(links.map(\.guid) == ["{A}", "{B}", "{C}"])
        #expect(links.map(\.linkOrder) == [3, 2, 1])
        #expect(links.map(\.enabled) == [true, false, true] && links.map(\.enforced) == [false, false, true])
        #expect(try GPOLinks.parse("", container: Self.ou).isEmpty && GPOLinks.parse(" ", container: Self.ou).isEmpty)
        #expect(throws: GPOLinks.Malformed.self) { try GPOLinks.parse("[LDAP://cn=x,cn=policies;0]", container: Self.ou) }
        #expect(throws: GPOLinks.Malformed.self) { try GPOLinks.parse("[garbage]", container: Self.ou) }
    }

    @Test func precedenceEnforcedDomainThenEnforcedOUThenOUThenDomain() throws {
        let domain = try GPOLinks.parse(Self.link("D2") + "0]" + Self.link("D1") + "0]" + Self.link("DE") + "2]", container: Self.domain)
        let ou = try GPOLinks.parse(Self.link("O2") + "0]" + Self.link("OX") + "1]" + Self.link("O1") + "0]" + Self.link("OE") + "2]", container: Self.ou)
        #expect(GPOLinks.precedence(domain: domain, controllersOU: ou, blocksInheritance: false).map(\.guid) == ["{DE}", "{OE}", "{O1}", "{O2}", "{D1}", "{D2}"])
        // Block Inheritance on the OU drops the domain's links except the enforced ones.
        #expect(GPOLinks.precedence(domain: domain, controllersOU: ou, blocksInheritance: true).map(\.guid) == ["{DE}", "{OE}", "{O1}", "{O2}"])
    }

    static func template(_ name: String, _ state: GPOTemplate.State) -> GPOTemplate {
        GPOTemplate(guid: "{\(name.uppercased())}", name: name, link: "linked to '\(ou)' (link order 1)", path: #"\\dc1\SYSVOL\x\GptTmpl.inf"#, state: state)
    }

    static func sets(_ sddl: String) -> GPOTemplate.State { .sets(SecurityTemplate.Setting(sddl: sddl, line: 7)) }

    @Test func theFirstGPOThatSetsItDecidesAndAnUnreadableOneAboveItIsAnError() {
        let s = DirectoryJudgementTests.snapshot(users: [])
        let account = DirectoryJudgementTests.accountSID
        let allow = Self.sets("O:BAG:BAD:(A;;RC;;;BA)(A;;RC;;;\(account))")
        let restrict = Self.sets("O:BAG:BAD:(A;;RC;;;BA)")
        let first = RemoteSAMJudgement.evaluate(
            RemoteSAMFacts(source: "SYSVOL", templates: [Self.template("none", .doesNotSet), Self.template("allow", allow), Self.template("restrict", restrict)]), s)
        #expect(first.status == .pass, "\(first.message)")
        let failing = RemoteSAMJudgement.evaluate(
            RemoteSAMFacts(source: "SYSVOL", templates: [Self.template("disabled", .computerSettingsDisabled), Self.template("restrict", restrict), Self.template("allow", allow)]), s)
        #expect(failing.status == .fail)
        #expect(failing.message.contains("the GPO 'restrict' {RESTRICT}") && failing.message.contains("'O:BAG:BAD:(A;;RC;;;BA)'"))
        #expect(failing.generatedRemediation?.contains("O:BAG:BAD:(A;;RC;;;BA)(A;;RC;;;\(account))") == true)
        let undecided = RemoteSAMJudgement.evaluate(
            RemoteSAMFacts(source: "SYSVOL", templates: [Self.template("broken", .unreadable("access denied")), Self.template("allow", allow)]), s)
        #expect(undecided.status == .error && undecided.message.contains("'broken' {BROKEN}"))
        #expect(RemoteSAMJudgement.evaluate(RemoteSAMFacts(source: "SYSVOL", templates: [], unreadable: "timed out."), s).status == .error)
    }

    @Test func aDenyAnEmptyValueAndInvalidSDDL() {
        let s = DirectoryJudgementTests.snapshot(users: [])
        let deny = RemoteSAMJudgement.evaluate(
            RemoteSAMFacts(source: "SYSVOL", templates: [Self.template("deny", Self.sets("O:BAG:BAD:(D;;RC;;;WD)(A;;RC;;;AU)S:(AU;FA;RC;;;WD)"))]), s)
        #expect(deny.status == .fail && deny.message.contains("(D;;RC;;;S-1-1-0) denies it to Everyone"), "\(deny.message) \(deny.generatedRemediation ?? "")")
        #expect(deny.generatedRemediation?.contains("Remove the deny ACE `(D;;RC;;;S-1-1-0)`") == true)
        // The new ACE goes into the DACL, before the SACL.
        #expect(deny.generatedRemediation?.contains("(A;;RC;;;AU)(A;;RC;;;\(DirectoryJudgementTests.accountSID))S:(AU;FA;RC;;;WD)") == true)
        #expect(RemoteSAMJudgement.evaluate(RemoteSAMFacts(source: "x", templates: [Self.template("empty", Self.sets(""))]), s).status == .pass)
        let invalid = RemoteSAMJudgement.evaluate(RemoteSAMFacts(source: "x", templates: [Self.template("bad", Self.sets("O:BAG:BAD:(A;;RC;;;BA"))]), s)
        #expect(invalid.status == .error && invalid.message.contains("not valid SDDL"))
    }
}
