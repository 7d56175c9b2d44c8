import Foundation
import Testing

@testable import PreflightCore
@testable import PreflightDirectory

/// The gpresult /x reader on the committed exports (Fixtures/gpresult) and on variants of them: what it keeps, and the
/// exports it refuses to judge (never a pass for a file it did not understand).
@Suite("RestrictRemoteSAM from a gpresult /x export")
struct GPResultExportTests {
    static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fixtures/gpresult")
    static let gpo = "{3C7D1F0E-5B2A-4E8D-9F61-2A4B6C8D0E1F}"

    static func text(_ name: String) throws -> String {
        let data = try Data(contentsOf: fixtures.appendingPathComponent(name))
        return try #require(TextDecoding.decode(data))
    }

    static func facts(_ text: String, domain: String = "corp.example.test") -> RemoteSAMFacts {
        GPResultExport.facts(text, file: "gp.xml", domain: domain)
    }

    @Test func theWinningGPOComesFirstThenTheAppliedGPOsThatDoNotSetIt() throws {
        let facts = Self.facts(try Self.text("dc1-restrict-sam.xml"))
        #expect(facts.unreadable == nil, "\(facts.unreadable ?? "")")
        let first = try #require(facts.templates.first)
        #expect(first.guid == Self.gpo && first.name == "Restrict SAM to admins")
        #expect(first.link == "linked to 'corp.example.test/Domain Controllers' (link order 1)")
        guard case .sets(let setting) = first.state else { Issue.record("the winner sets nothing: \(first.state)"); return }
        #expect(setting.sddl == "O:BAG:BAD:(A;;RC;;;BA)")
        #expect(setting.line > 300, "the line of q1:KeyName in the file, not of the element's start: \(setting.line)")
        // The Default Domain Controllers Policy's identifier is written in mixed case; it is matched and shown upper-cased.
        #expect(
            facts.templates.dropFirst().map(\.name) == ["Default Domain Controllers Policy", "Default Domain Policy", "Local Group Policy"])
        #expect(facts.templates.dropFirst().allSatisfy { $0.state == .doesNotSet })
        #expect(facts.templates.contains { $0.guid == "{6AC1786C-016F-11D2-945F-00C04FB984F9}" })
        #expect(facts.notes.first?.contains(#"'CORP\DC1$' (corp.example.test/Domain Controllers) at 2026-12-07T09:41:27.5519023Z"#) == true)
    }

    @Test func aLosingGPOThatAlsoSetsItComesAfterTheWinner() throws {
        // The Default Domain Controllers Policy sets it too, at precedence 2 (it lost): the winner still decides.
        let text = try Self.text("dc1-restrict-sam.xml")
        let marker = "        <q1:SecurityOptions>\r\n          <GPO xmlns=\"http://www.microsoft.com/GroupPolicy/Settings/Base\">\r\n            <Identifier xmlns=\"http://www.microsoft.com/GroupPolicy/Types\">{31B2F340"
        let loser = """
                    <q1:SecurityOptions>\r
                      <GPO xmlns="http://www.microsoft.com/GroupPolicy/Settings/Base">\r
                        <Identifier xmlns="http://www.microsoft.com/GroupPolicy/Types">{6AC1786C-016F-11D2-945F-00C04fB984F9}</Identifier>\r
                      </GPO>\r
                      <Precedence xmlns="http://www.microsoft.com/GroupPolicy/Settings/Base">2</Precedence>\r
                      <q1:KeyName>MACHINE\\System\\CurrentControlSet\\Control\\Lsa\\RestrictRemoteSAM</q1:KeyName>\r
                      <q1:SettingString>O:BAG:BAD:(A;;RC;;;AU)</q1:SettingString>\r
                    </q1:SecurityOptions>\r

            """
        var edited = text
        let first = try #require(edited.range(of: marker))
        edited.replaceSubrange(first, with: loser + marker)
        let facts = Self.facts(edited)
        #expect(facts.templates.map(\.name) == ["Restrict SAM to admins", "Default Domain Controllers Policy", "Default Domain Policy", "Local Group Policy"])
        guard case .sets(let losing) = facts.templates[1].state else { Issue.record("\(facts.templates[1].state)"); return }
        #expect(losing.sddl == "O:BAG:BAD:(A;;RC;;;AU)")
    }

    @Test func noSettingMeansEveryAppliedGPODoesNotSetIt() throws {
        let facts = Self.facts(try Self.text("dc1-no-restriction.xml"))
        #expect(facts.unreadable == nil)
        #expect(facts.templates.map(\.name) == ["Default Domain Controllers Policy", "Default Domain Policy", "Local Group Policy"])
        #expect(facts.templates.allSatisfy { $0.state == .doesNotSet })
    }

    @Test func exportsItCannotJudgeAreUnreadableWithTheReason() throws {
        let text = try Self.text("dc1-restrict-sam.xml")
        func reason(_ edited: String, domain: String = "corp.example.test") -> String { Self.facts(edited, domain: domain).unreadable ?? "judged" }
        #expect(reason(text, domain: "fabrikam.example.test").contains("of the domain 'corp.example.test', but this DC's domain is 'fabrikam.example.test'"))
        #expect(
            reason(text.replacingOccurrences(of: "<SOM>corp.example.test/Domain Controllers</SOM>", with: "<SOM>corp.example.test/Servers</SOM>"))
                .contains("whose account is in 'corp.example.test/Servers', not the Domain Controllers OU"))
        let userOnly = text.components(separatedBy: "  <ComputerResults>").first.map { $0 + "</Rsop>\r\n" } ?? ""
        #expect(reason(userOnly).contains("holds no <ComputerResults>"))
        #expect(reason("<GPO xmlns=\"http://www.microsoft.com/GroupPolicy/Settings\"><Name>x</Name></GPO>").contains("root element is <GPO>"))
        let number = text.replacingOccurrences(
            of: "<q1:SettingString>O:BAG:BAD:(A;;RC;;;BA)</q1:SettingString>", with: "<q1:SettingNumber>1</q1:SettingNumber>")
        #expect(reason(number).hasPrefix("gp.xml:") && reason(number).contains("RestrictRemoteSAM is the number 1, but the setting is a string"))
        #expect(reason("").contains("gp.xml:1:1: The gpresult /x export is not well-formed XML"), "\(reason(""))")
        #expect(reason("<Rsop><ComputerResults></Rsop>").hasPrefix("gp.xml:1:"))
        #expect(reason("<!DOCTYPE r [<!ENTITY e \"x\">]><Rsop/>").contains("a document type declaration"))
    }
}
