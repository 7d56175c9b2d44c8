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

/// The streaming reader on every quirk the exports have, on the real fixture files and on byte-exact variants.
@Suite("Inventory CSV reader")
struct InventoryCSVReaderTests {
    let folder = try! TemporaryFolder("inventory-csv")
    static let plain = "UserPrincipalName,AccountEnabled\r\na@contoso.com,True\r\n\"b@contoso.com\",false\r\n"
    static let plainRows = [["UserPrincipalName", "AccountEnabled"], ["a@contoso.com", "True"], ["b@contoso.com", "false"]]

    func read(_ bytes: [UInt8], _ name: String = "file.csv") throws -> [[String]] {
        try readCSV(try InventoryFixture.write(bytes, in: folder, as: name))
    }

    @Test func utf8WithAndWithoutBOM() throws {
        #expect(try read(Array(Self.plain.utf8)) == Self.plainRows)
        #expect(try read([0xEF, 0xBB, 0xBF] + Array(Self.plain.utf8)) == Self.plainRows)
    }

    @Test(arguments: [false, true])
    func utf16WithBOM(bigEndian: Bool) throws {
        let path = try InventoryFixture.write(InventoryFixture.utf16(Self.plain, bigEndian: bigEndian), in: folder, as: "u16.csv")
        let reader = try CSVReader(path: path, key: "test")
        #expect(reader.encoding == (bigEndian ? .utf16BE : .utf16LE))
        #expect(try readCSV(path) == Self.plainRows)
    }

    @Test func utf16FixtureFromExportCsvMatchesTheUTF8Export() throws {
        let utf16 = try readCSV(InventoryFixture.path("graph-users-utf16.csv"))
        let utf8 = try readCSV(InventoryFixture.path("graph-users.csv"))
        #expect(utf16 == utf8)
        #expect(utf16.count == 15)
        #expect(try CSVReader(path: InventoryFixture.path("graph-users-utf16.csv"), key: "t").encoding == .utf16LE)
    }

    @Test func windowsPowerShellTypeLineIsSkipped() throws {
        let reader = try CSVReader(path: InventoryFixture.path("graph-users.csv"), key: "test")
        #expect(reader.hadTypeLine)
        #expect(reader.header.first == "Id" && reader.header.count == 7)
        let rows = try readCSV(InventoryFixture.path("graph-users.csv"))
        #expect(rows[1][1] == "AdeleV@contoso.com")
    }

    @Test func semicolonsFromRegionalExcelAndUseCulture() throws {
        let rows = try readCSV(InventoryFixture.path("msol-users-semicolon.csv"))
        #expect(rows[0] == ["UserPrincipalName", "ObjectId", "DisplayName", "BlockCredential", "ImmutableId", "LastDirSyncTime", "IsLicensed"])
        #expect(rows[1][2] == "Vance; Adele", "a quoted semicolon is data")
        #expect(try read(Array(Self.plain.replacingOccurrences(of: ",", with: ";").utf8)) == Self.plainRows)
        // Excel's "sep=" line decides even when the header holds more commas.
        #expect(try read(Array("sep=;\r\nA,x;B\r\n1,5;2\r\n".utf8)) == [["A,x", "B"], ["1,5", "2"]])
    }

    @Test func quotedFieldsWithDelimitersQuotesAndLineBreaks() throws {
        let rows = try readCSV(InventoryFixture.users)
        #expect(rows.count == 15)
        let megan = try #require(rows.first { $0[0] == "MeganB@contoso.com" })
        #expect(megan[11] == "Building 4\n1 Microsoft Way")
        let pradeep = try #require(rows.first { $0[0] == "PradeepG@contoso.com" })
        #expect(pradeep[1] == "Pradeep \"PG\" O'Brien-Gupta")
        #expect(pradeep[8] == "Finance, Legal")
        #expect(try read(Array("A,B\r\n\"\",\"\"\"\"\r\n".utf8)) == [["A", "B"], ["", "\""]])
    }

    @Test func lineEndsAndBlankLines() throws {
        #expect(try read(Array(Self.plain.replacingOccurrences(of: "\r\n", with: "\n").utf8)) == Self.plainRows)
        #expect(try read(Array(Self.plain.replacingOccurrences(of: "\r\n", with: "\r").utf8)) == Self.plainRows)
        #expect(try read(Array((Self.plain + "\r\n\r\n\n").utf8)) == Self.plainRows)
        #expect(try read(Array(Self.plain.dropLast(1).utf8)) == Self.plainRows, "no line end after the last row (\\r\\n is one Character)")
        // An empty quoted field on a line of its own is a row, not a blank line.
        #expect(try read(Array("A\r\n\"\"\r\n".utf8)) == [["A"], [""]])
    }

    @Test func fieldsAcrossChunkBoundaries() throws {
        // Rows big enough that quoted fields, doubled quotes, CRLF pairs and UTF-16 surrogate pairs straddle the
        // 1 MiB chunks the reader streams in.
        var text = "UPN,Note\r\n"
        var expected = [["UPN", "Note"]]
        var index = 0
        while text.utf8.count < 3 * UTF8ChunkSource.chunkSize {
            let note = "Line one, \"quoted\"\r\nline two 🚀 " + String(repeating: "x", count: index % 97)
            text += "user\(index)@contoso.com,\"" + note.replacingOccurrences(of: "\"", with: "\"\"") + "\"\r\n"
            expected.append(["user\(index)@contoso.com", note])
            index += 1
        }
        #expect(try read(Array(text.utf8), "big8.csv") == expected)
        #expect(try read(InventoryFixture.utf16(text), "big16.csv") == expected)
    }

    @Test func unterminatedQuoteNamesFileLineAndColumn() throws {
        let path = try folder.write("open.csv", "UserPrincipalName,Department\r\na@contoso.com,Sales\r\nb@contoso.com,\"Finance, Legal\r\nc@contoso.com,IT\r\n")
        let message = try #require(csvError(path))
        #expect(message.hasPrefix("\(path):3:15: in the file named by 'test', a quoted field opened here (line 3) is never closed"), "\(message)")
        #expect(message.contains("export it again"))
    }

    @Test func wrongFieldCountsNameFileLineAndColumn() throws {
        let long = try folder.write("long.csv", "UPN,Enabled\r\na@contoso.com,True\r\nb@contoso.com,True,extra\r\n")
        let longMessage = try #require(csvError(long))
        #expect(longMessage.hasPrefix("\(long):3:20: in the file named by 'test', this row has 3 fields but the header has 2; the extra field starts here."), "\(longMessage)")
        let short = try folder.write("short.csv", "UPN,Enabled,Synced\na@contoso.com,True,True\n\nb@contoso.com\n")
        let shortMessage = try #require(csvError(short))
        #expect(shortMessage.hasPrefix("\(short):4:1: in the file named by 'test', this row has 1 field but the header has 3 (UPN, Enabled, Synced)."), "\(shortMessage)")
    }

    @Test func columnsCountCharactersNotBytes() throws {
        let path = try folder.write("accents.csv", "Name,UPN\r\n\"Zoë Müller\"x,z@contoso.com\r\n")
        let message = try #require(csvError(path))
        #expect(message.hasPrefix("\(path):2:13: in the file named by 'test', the character 'x' follows a closing quote."), "\(message)")
    }

    @Test func lineNumbersCountLineBreaksInsideQuotedFields() throws {
        let path = try folder.write("multi.csv", "A,B\n\"one\ntwo\nthree\",x\nb,c,d\n")
        let message = try #require(csvError(path))
        #expect(message.hasPrefix("\(path):5:5:"), "\(message)")
    }

    @Test func emptyFileHasNoHeader() throws {
        let path = try folder.write("empty.csv", "")
        let reader = try CSVReader(path: path, key: "test")
        #expect(reader.header.isEmpty)
        #expect(try reader.nextRow() == false)
    }

    @Test func missingFileNamesTheKey() throws {
        let message = csvError(folder.url("nope.csv"))
        #expect(message == "Cannot read '\(folder.url("nope.csv"))' (named by 'test'): No such file or directory. Check the path (relative paths resolve against the configuration file's folder) and the file's permissions.")
    }
}

/// The byte-level field readings the exports need.
@Suite("Inventory field values")
struct InventoryFieldValueTests {
    func flag(_ text: String) -> FieldValue.Flag {
        var text = text
        return text.withUTF8 { FieldValue.flag($0) }
    }

    @Test func booleansInEverySpelling() {
        for yes in ["True", "TRUE", "true", "1", " True ", "Yes", "Registered", "Enabled", "Capable"] { #expect(flag(yes) == .yes, "\(yes)") }
        for no in ["False", "FALSE", "false", "0", "No", "Not Registered", "Not Enabled", "Not Capable", "Disabled"] { #expect(flag(no) == .no, "\(no)") }
        #expect(flag("") == .empty)
        #expect(flag("  ") == .empty)
        #expect(flag("maybe") == .unrecognised)
        #expect(flag("Truee") == .unrecognised)
    }

    @Test func guidsInEveryShape() {
        let canonical = GUID("41781fb2-bc02-4b7c-bd55-b576c07bb09d")
        #expect(canonical != nil)
        #expect(GUID("41781FB2-BC02-4B7C-BD55-B576C07BB09D") == canonical)
        #expect(GUID("{41781fb2-bc02-4b7c-bd55-b576c07bb09d}") == canonical)
        #expect(GUID("41781fb2bc024b7cbd55b576c07bb09d") == canonical)
        #expect(GUID(" 41781fb2-bc02-4b7c-bd55-b576c07bb09d\u{A0}") == canonical, "Microsoft's table has trailing no-break spaces")
        #expect(canonical?.description == "41781fb2-bc02-4b7c-bd55-b576c07bb09d")
        #expect(GUID("41781fb2-bc02-4b7c-bd55-b576c07bb09") == nil)
        #expect(GUID("41781fb2-bc02-4b7c-bd55-b576c07bb09g") == nil)
        #expect(GUID("41781fb2bc02-4b7c-bd55-b576c07bb09d-") == nil)
    }

    @Test func disabledPlansInEverySeparator() {
        let p1 = SkuCatalog.p1Plan
        let exchange = GUID("efb87545-963c-4e0d-99df-69c6916d9eb0")!
        for text in [
            "41781fb2-bc02-4b7c-bd55-b576c07bb09d;efb87545-963c-4e0d-99df-69c6916d9eb0",
            "41781fb2-bc02-4b7c-bd55-b576c07bb09d, efb87545-963c-4e0d-99df-69c6916d9eb0",
            "41781fb2-bc02-4b7c-bd55-b576c07bb09d efb87545-963c-4e0d-99df-69c6916d9eb0",
            "[\"41781fb2-bc02-4b7c-bd55-b576c07bb09d\",\"efb87545-963c-4e0d-99df-69c6916d9eb0\"]",
            "AAD_PREMIUM;efb87545-963c-4e0d-99df-69c6916d9eb0",
        ] {
            var text = text
            #expect(text.withUTF8 { GUID.plans(in: $0) } == [p1, exchange], "\(text)")
        }
        var empty = ""
        #expect(empty.withUTF8 { GUID.plans(in: $0) }.isEmpty)
    }

    @Test func typeNamesAreRecognised() {
        for name in [
            "Microsoft.Graph.PowerShell.Models.MicrosoftGraphAssignedLicense[]", "System.Object[]",
            "Microsoft.Graph.PowerShell.Models.MicrosoftGraphLicenseUnitsDetail", "System.Collections.Generic.List`1[System.String]",
        ] {
            var text = name
            #expect(text.withUTF8 { FieldValue.isTypeName($0) }, "\(name)")
        }
        var value = "05e9a617-0261-4cee-bb44-138d3ef5d965"
        #expect(!value.withUTF8 { FieldValue.isTypeName($0) })
    }
}
