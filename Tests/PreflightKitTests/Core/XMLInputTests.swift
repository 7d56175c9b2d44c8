import Foundation
import PreflightTestSupport
import Testing

@testable import PreflightConnect
@testable import PreflightCore
@testable import PreflightDirectory
@testable import PreflightEngine
@testable import PreflightInventory
@testable import PreflightKit
@testable import PreflightMonitoring
@testable import PreflightNetwork
@testable import PreflightReporting

/// Well-formed XML that crashed Foundation's XMLParser on Linux, found by fuzzing (issue #14): the Connect and wevtutil
/// readers refuse it with its position instead (see `XMLInput`).
@Suite("XML that crashes XMLParser is refused")
struct XMLInputTests {
    let folder = try! TemporaryFolder("xml-input")

    /// What `ServerConfigurationParser` (the Connect export reader) says about a connector file holding `bytes`.
    func connectError(_ bytes: [UInt8]) -> String {
        let path = folder.path + "/Connector_{00000000-0000-0000-0000-000000000000}.xml"
        FileManager.default.createFile(atPath: path, contents: Data(bytes))
        do {
            _ = try ServerConfigurationParser.parseConnector(path)
            return "no error"
        } catch {
            return "\(error)"
        }
    }

    static func utf16LE(_ text: String) -> [UInt8] { [0xFF, 0xFE] + text.utf16.flatMap { [UInt8($0 & 0xFF), UInt8($0 >> 8)] } }

    /// The input the ConnectXML harness crashed with: UTF-16LE starting `<?xml?>`, which libxml2 takes for a processing
    /// instruction without data (NULL data, strlen(NULL) in FoundationXML). Its declaration is blanked now.
    @Test func theUTF16ExportTheFuzzerCrashedWithIsAnErrorNow() throws {
        let crash = Repository.fixture("fuzz/ConnectXML/crash-6323c73a1bcce079c42018c01e37662bcb8fca88")
        let bytes = Array(try #require(FileManager.default.contents(atPath: crash)))
        #expect(bytes.starts(with: [0xFF, 0xFE] + Array("<?xml?>".utf16).flatMap { [UInt8($0), 0] }))
        let message = connectError(bytes)
        #expect(message.contains("is not well-formed XML"), "\(message)")
        #expect(FuzzEntry.connectXML(bytes) != nil)
    }

    @Test(arguments: [
        ("<ma-data><?b?></ma-data>", "a processing instruction without data (<?…?>) at line 1, column 10"),
        ("<ma-data>\n <![CDATA[ x ]]><?target-name?>\n</ma-data>", "a processing instruction without data (<?…?>) at line 2, column 17"),
        // An entity can build one from character references, so no document type declaration at all.
        (#"<!DOCTYPE ma-data [<!ENTITY e "&#60;?b?&#62;">]><ma-data>&e;</ma-data>"#, "a document type declaration (<!DOCTYPE …>) at line 1, column 1"),
        ("<ma-data/>\n<?xml version=\"1.0\" encoding=\"IBM037\"?>", "an XML declaration that is not at the start of the file at line 2, column 1"),
        ("<ma-data>\u{0}</ma-data>", "a NUL character at line 1, column 10"),
    ])
    func whatCrashesXMLParserIsRefusedWithItsPosition(xml: String, expected: String) {
        for bytes in [Array(xml.utf8), Self.utf16LE(xml)] {
            let message = connectError(bytes)
            #expect(message.contains("The Entra Connect export file has \(expected), which Get-ADSyncServerConfiguration never writes"), "\(message)")
        }
    }

    /// `encoding="IBM037"` made libxml2 decode the rest as EBCDIC, where these UTF-8-valid bytes read `<Ba><?Ba?></Ba>`.
    @Test func aDeclaredEncodingNoLongerChangesWhatTheParserReads() {
        let ebcdic: [UInt8] = [0x4C, 0xC2, 0x81, 0x6E, 0x4C, 0x6F, 0xC2, 0x81, 0x6F, 0x6E, 0x4C, 0x61, 0xC2, 0x81, 0x6E]
        let message = connectError(Array(#"<?xml version="1.0" encoding="IBM037"?>"#.utf8) + ebcdic)
        #expect(message.contains("is not well-formed XML"), "\(message)")
    }

    @Test func declarationsInstructionsWithDataAndUTF16StillRead() throws {
        let entra = """
            <?xml version="1.0" encoding="utf-16"?>
            <?xml-stylesheet href="ma.xsl" ?>
            <ma-data><name>contoso.onmicrosoft.com - AAD</name><subtype>Windows Azure Active Directory (Microsoft)</subtype>\
            <private-configuration><MAConfig><aad-password-reset-config><enabled>1</enabled></aad-password-reset-config>\
            </MAConfig></private-configuration></ma-data>
            """
        for bytes in [Self.utf16LE(entra), Array(entra.replacingOccurrences(of: "utf-16", with: "utf-8").utf8)] {
            let path = folder.path + "/Connector_{11111111-1111-1111-1111-111111111111}.xml"
            FileManager.default.createFile(atPath: path, contents: Data(bytes))
            guard case .entra(let connector, _) = try ServerConfigurationParser.parseConnector(path) else {
                Issue.record("not read as the Entra connector")
                continue
            }
            #expect(connector.name == "contoso.onmicrosoft.com - AAD")
            #expect(connector.passwordWriteback == true)
        }
    }

    /// `XMLInput.parse` says why and where it stopped, at positions of the text it was given, also when it adds a root.
    @Test func parseNamesWhyAndWhereItStoppedInTheTextItWasGiven() throws {
        #expect(XMLInput.parse("<a><b/></a>", into: BaseCollector()) == nil)
        #expect(XMLInput.parse("<b/><b/>", into: BaseCollector(), root: "events") == nil)
        let unsafe = XMLInput.Stop(line: 2, column: 4, reason: .unsafe("a processing instruction without data (<?…?>)"))
        #expect(XMLInput.parse("<a>\n<b><?x?></b></a>", into: BaseCollector()) == unsafe)
        for text in ["<a><b></c></a>", "<a>\n<b></c></a>"] {
            let alone = try #require(XMLInput.parse(text, into: BaseCollector()))
            #expect(alone.reason == .malformed("a closing tag does not match the element that is open"), "\(alone)")
            #expect(XMLInput.parse(text, into: BaseCollector(), root: "events") == alone)
            #expect("\(alone.error(in: "x.xml", "Bad."))" == "x.xml:\(alone.line):\(alone.column): Bad.")
        }
        let deep = String(repeating: "<a>", count: InputLimits.xmlDepth + 1)
        let limit = try #require(XMLInput.parse(deep, into: BaseCollector(), root: "events"))
        #expect(limit.line == 1 && limit.column <= deep.utf8.count, "\(limit)")
        guard case .limit(let problem) = limit.reason else { Issue.record("\(limit)"); return }
        #expect(problem.hasPrefix("nests elements deeper than \(InputLimits.xmlDepth) levels"))
    }

    @Test func wevtutilOutputWithAnInstructionWithoutDataIsAnError() throws {
        #expect(throws: ProbeError.self) { try WevtutilXML.parse("<Event><?b?></Event>", file: "app.xml") }
        do {
            _ = try WevtutilXML.parse("<?xml version=\"1.0\"?>\n<Event><System><?b?></System></Event>", file: "app.xml")
        } catch {
            #expect("\(error)".contains("app.xml:2:16: The wevtutil export has a processing instruction without data (<?…?>) at line 2, column 16"), "\(error)")
        }
    }
}
