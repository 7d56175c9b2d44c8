import Foundation
import PreflightTestSupport
import Testing

#if canImport(FoundationXML)
    import FoundationXML
#endif

@testable import PreflightConnect
@testable import PreflightCore
@testable import PreflightDirectory
@testable import PreflightEngine
@testable import PreflightInventory
@testable import PreflightKit
@testable import PreflightMonitoring
@testable import PreflightNetwork
@testable import PreflightReporting

/// Every reader's limits on its own (issue #14): each limit trips just past itself, names itself and the position,
/// quotes at most 80 characters, and leaves files just under it alone. InputLimitsCLITests runs the hostile files
/// through the binary.
@Suite("Input limits of every reader")
struct InputLimitTests {
    let folder = try! TemporaryFolder("input-limits")

    func csvError(_ text: String) throws -> String? {
        let path = try folder.write("limits-\(UUID().uuidString.prefix(6)).csv", text)
        do {
            _ = try readCSV(path)
            return nil
        } catch {
            return "\(error)"
        }
    }

    // MARK: Inventory CSV

    @Test func aFieldJustUnderTheLimitIsReadAndOneJustOverIsRefused() throws {
        let limit = InputLimits.csvFieldBytes
        #expect(try csvError("A,B\n\(String(repeating: "x", count: limit)),1\n") == nil)
        let over = try #require(try csvError("A,B\n1,\"\(String(repeating: "x", count: limit + 1))\"\n"))
        #expect(over.contains(":2:3: in the file named by 'test', the field that starts here is longer than 1 MiB"), "\(over)")
        #expect(over.contains("it begins '\(String(repeating: "x", count: 80))…'"), "\(over)")
        #expect(over.utf8.count < 1_000)
    }

    @Test func theRecordLimitCountsEveryField() throws {
        let field = String(repeating: "y", count: InputLimits.csvFieldBytes - 10)
        let row = Array(repeating: field, count: 5).joined(separator: ",")
        let error = try #require(try csvError("A,B,C,D,E\n\(row)\n"))
        #expect(error.contains(":2:1: in the file named by 'test', a record that starts here is longer than 4 MiB"), "\(error)")
        #expect(error.contains("it begins '\(String(repeating: "y", count: 80))…'"), "\(error)")
    }

    @Test func theHeaderLineHasALimitOfItsOwn() throws {
        let names = (1...900).map { "Column number \($0) with a long name" }  // about 30 kB: fine
        #expect(try csvError(names.joined(separator: ",") + "\n" + Array(repeating: "1", count: 900).joined(separator: ",") + "\n") == nil)
        let long = "UPN," + String(repeating: "z", count: InputLimits.csvHeaderBytes) + "\na,b\n"
        let error = try #require(try csvError(long))
        #expect(error.contains(":1:1: in the file named by 'test', the header line that starts here is longer than 64 KiB"), "\(error)")
        #expect(error.contains("it begins 'UPN,\(String(repeating: "z", count: 76))…'"), "\(error)")
    }

    @Test func theColumnLimitIsPassedAtTheFirstFieldBeyondIt() throws {
        let header = (1...1_000).map { _ in "c" }.joined(separator: ",")
        #expect(try csvError(header + "\n" + Array(repeating: "", count: 1_000).joined(separator: ",") + "\n") == nil)
        let error = try #require(try csvError(header + ",c\n"))
        #expect(error.contains(":1:2001: in the file named by 'test', this record has more than 1,000 fields"), "\(error)")
    }

    @Test func aHeaderOfManyColumnsIsNeverListedWhole() throws {
        let names = (1...500).map { "Column\($0)-" + String(repeating: "n", count: 100) }
        let listed = CSVColumns(names).listed
        #expect(listed.hasSuffix(" and 460 more"))
        #expect(listed.contains("'Column1-\(String(repeating: "n", count: 72))…'"))
        #expect(listed.utf8.count < 4_000)
    }

    // MARK: Monitoring CSV

    @Test func theMonitoringCSVReaderHasTheSameLimits() {
        func limit(_ text: String) -> String? {
            do {
                _ = try CSVRecords.parse(text)
                return nil
            } catch {
                return error.limit
            }
        }
        #expect(limit("a\n\"" + String(repeating: "q", count: InputLimits.csvFieldBytes) + "\"\n") == nil)
        #expect(limit("a\n\"" + String(repeating: "q", count: InputLimits.csvFieldBytes + 1) + "\"\n")?.hasPrefix("a field longer than 1 MiB") == true)
        let row = Array(repeating: String(repeating: "r", count: 1 << 20), count: 5).joined(separator: ",")
        #expect(limit("a,b,c,d,e\n" + row + "\n")?.hasPrefix("a record longer than 4 MiB") == true)
        #expect(limit(Array(repeating: "x", count: 1_001).joined(separator: ",") + "\n")?.hasPrefix("more than 1,000 fields") == true)
        do {
            _ = try CSVRecords.parse("a\n" + String(repeating: "1\n", count: CSVRecords.maxRecords + 1))
            Issue.record("a file of too many records was read")
        } catch {
            #expect(error.limit == "more than 100,000 records, the most preflight reads in one file")
            #expect(error.line == CSVRecords.maxRecords + 1, "the header and a million rows: the last row passed it")
        }
    }

    /// Under the limits a large export reads whole: libxml2 failed on a wevtutil file over about 10 MB handed to it
    /// in one piece (40,000 events), before it was streamed.
    @Test func aWevtutilExportOfFortyThousandEventsIsRead() throws {
        let event = "<Event xmlns='http://schemas.microsoft.com/win/2004/08/events/event'><System><Provider Name='PasswordResetService'/>"
            + "<EventID>31001</EventID><TimeCreated SystemTime='2026-11-26T09:14:03.000Z'/><Computer>SYNC01</Computer></System>"
            + "<EventData><Data>\(String(repeating: "d", count: 100))</Data></EventData></Event>\n"
        let text = String(repeating: event, count: 40_000)
        #expect(text.utf8.count > 12_000_000)
        let parsed = try WevtutilXML.parse(text, file: "events.xml")
        #expect(parsed.events.count == 40_000 && parsed.malformed.isEmpty && parsed.machines == ["SYNC01"])
    }

    @Test func aWevtutilExportOfTooManyEventsIsRefused() throws {
        let events = String(repeating: "<Event/>\n", count: InputLimits.logRecords + 1)
        let error = #expect(throws: ProbeError.self) { try WevtutilXML.parse(events, file: "events.xml") }
        // libxml2 places an empty element after its name: `<Event` ends at column 6, so column 7.
        #expect(
            (error.map { "\($0)" } ?? "").hasPrefix(
                "events.xml:\(InputLimits.logRecords + 1):7: The wevtutil export, at line \(InputLimits.logRecords + 1), column 7, holds "
                    + "more than 100,000 events, the most preflight reads in one export"),
            "\(String(describing: error))")
    }

    // MARK: XML

    func parseConnector(_ text: String) throws -> ServerConfigurationParser.Connector {
        let path = try folder.write("Connector-\(UUID().uuidString.prefix(6)).xml", text)
        return try ServerConfigurationParser.parseConnector(path)
    }

    @Test func elementsNestedPastTheLimitStopTheParse() throws {
        func nested(_ depth: Int) -> String {
            "<ma-data><name>deep</name>" + String(repeating: "<a>", count: depth - 1) + String(repeating: "</a>", count: depth - 1)
                + "</ma-data>"
        }
        if case .other(let name, _) = try parseConnector(nested(InputLimits.xmlDepth)) {
            #expect(name == "deep")
        } else {
            Issue.record("a connector nested 256 deep was not read")
        }
        let error = #expect(throws: ProbeError.self) { try parseConnector(nested(InputLimits.xmlDepth + 1)) }
        // `<ma-data><name>deep</name>` is 26 characters; the 256th `<a>` opens level 257 and ends 3 × 256 later.
        #expect(
            "\(error.map { "\($0)" } ?? "")".contains(
                ":1:\(26 + 3 * 256): The Entra Connect export file, at line 1, column \(26 + 3 * 256), nests elements deeper than 256"),
            "\(String(describing: error))")
    }

    /// 100,000 nested elements (0.7 MB) took 41 s; the depth limit now refuses them at the 257th level (0.17 s alone). The
    /// bound is loose on purpose: the suite runs its tests in parallel, and a loaded machine once took 1.2 s. What it
    /// guards is the 41 s, not a timing (that is `make bench`'s job).
    @Test func aConnectorNested100000DeepIsRefusedAtTheDepthLimit() throws {
        let path = try folder.write(
            "Connector-deep.xml", "<ma-data>" + String(repeating: "<a>", count: 100_000) + String(repeating: "</a>", count: 100_000) + "</ma-data>")
        let started = Date()
        #expect(throws: ProbeError.self) { try ServerConfigurationParser.parseConnector(path) }
        #expect(Date().timeIntervalSince(started) < 10, "refused in \(Date().timeIntervalSince(started)) s")
    }

    /// The element path used to be copied on every start tag: 100,000 elements 250 deep took seconds (100,000 deep,
    /// 41 s). Now each start tag costs the same however deep it is. Compared with the same number of shallow elements
    /// parsed right before, so the machine's load (the suite runs in parallel) hits both sides; a copied path costs 125×.
    @Test func deepElementsCostNoMoreThanShallowOnes() throws {
        func parseSeconds(_ name: String, _ branch: String, _ count: Int) throws -> Double {
            let path = try folder.write(name, "<ma-data><name>wide</name>" + String(repeating: branch, count: count) + "</ma-data>")
            let started = Date()
            if case .other(let name, _) = try ServerConfigurationParser.parseConnector(path) { #expect(name == "wide") }
            return Date().timeIntervalSince(started)
        }
        let shallow = try parseSeconds("Connector-shallow.xml", "<a><a></a></a>", 49_800)  // 99,600 elements, 2 deep
        let deep = try parseSeconds("Connector-wide.xml", String(repeating: "<a>", count: 249) + String(repeating: "</a>", count: 249), 400)
        #expect(deep < shallow * 3 + 0.5, "99,600 elements: 249 deep took \(deep) s, 2 deep \(shallow) s")
    }

    @Test func keptTextPastTheLimitStopsTheParse() throws {
        let text = String(repeating: "n", count: InputLimits.xmlTextBytes + 1)
        let error = #expect(throws: ProbeError.self) { try parseConnector("<ma-data><name>\(text)</name></ma-data>") }
        let message = error.map { "\($0)" } ?? ""
        #expect(
            message.contains(
                "has a <name> element whose text is longer than 1 MiB, the most preflight reads of one value; it begins "
                    + "'\(String(repeating: "n", count: 80))…'"), "\(message)")
        #expect(message.utf8.count < 1_000)
        // Text nobody keeps (the schema, watermarks) is not limited here: libxml2 bounds one text node itself.
        if case .other(let name, _) = try parseConnector("<ma-data><name>n</name><schema>\(text)</schema></ma-data>") {
            #expect(name == "n")
        }
    }

    // MARK: JSON

    @Test func jsonDepthAndValuesAreMeasuredOutsideStrings() {
        #expect(JSONBounds.check(String(repeating: "[", count: 256) + String(repeating: "]", count: 256)) == nil)
        #expect(JSONBounds.check(String(repeating: "[", count: 257) + String(repeating: "]", count: 257))?.offset == 256)
        // Brackets inside strings, escaped quotes included, are text.
        #expect(JSONBounds.check("{\"a\": \"\\\"[[[[\", \"b\": [1, 2, true, null, -1.5e3]}", maxDepth: 2, maxValues: 10) == nil)
        #expect(JSONBounds.check("{\"a\": \"\\\"[[[[\", \"b\": [1, 2, true, null, -1.5e3]}", maxDepth: 2, maxValues: 9)?.problem
            == "holds more than 9 values, the most preflight reads in one file,")
        #expect(JSONBounds.check("[[[]]]", maxDepth: 2)?.problem == "nests arrays and objects deeper than 2 levels, the most preflight reads,")
    }

    // MARK: YAML

    @Test func yamlAnchorsUsedAFewTimesAreFineAndABombIsNot() {
        #expect(YAMLBounds.check("base: &base {a: 1, b: 2}\none: *base\ntwo: *base\n") == nil)
        var bomb = "a: &a [x, x, x, x, x, x, x, x, x, x]\n"
        for (index, name) in ["b", "c", "d", "e", "f", "g", "h", "i"].enumerated() {
            let previous = index == 0 ? "a" : ["b", "c", "d", "e", "f", "g", "h"][index - 1]
            bomb += "\(name): &\(name) [" + Array(repeating: "*\(previous)", count: 10).joined(separator: ", ") + "]\n"
        }
        let exceeded = YAMLBounds.check(bomb)
        // a = 11 values, b = 111, c = 1,111, d = 11,111; e passes 100,000 at its tenth alias (line 5, column 44).
        #expect(exceeded?.line == 5 && exceeded?.column == 44, "\(String(describing: exceeded))")
        #expect(exceeded?.problem.hasPrefix("holds more than 100,000 values once its aliases (*name) are expanded") == true)
    }

    @Test func yamlNestedPastTheLimitIsRefusedBeforeYamsRecursesIntoIt() {
        let deep = "a: " + String(repeating: "[", count: 300) + String(repeating: "]", count: 300) + "\n"
        let exceeded = YAMLBounds.check(deep)
        // The mapping is level 1: the 256th `[` (column 4 + 255) opens level 257.
        #expect(
            exceeded
                == YAMLBounds.Exceeded(
                    line: 1, column: 259, problem: "nests lists and mappings deeper than 256 levels, the most preflight reads, at line 1, column 259"))
        #expect(throws: PreflightError.self) { try YAMLFile.parse(deep, file: "deep.yml") }
    }

    // MARK: Whole files

    /// A sparse file: its size is what counts, and nothing is written or read.
    @Test func aLogExportOverItsSizeLimitIsRefusedBeforeItIsRead() throws {
        let path = folder.url("huge-events.csv")
        FileManager.default.createFile(atPath: path, contents: nil)
        let handle = try #require(FileHandle(forWritingAtPath: path))
        try handle.truncate(atOffset: UInt64(InputLimits.monitoringFileBytes + 1))
        try handle.close()
        let error = #expect(throws: ProbeError.self) { try EventLogReader.read([path]) }
        #expect(
            (error.map { "\($0)" } ?? "").hasPrefix(
                "The file named by 'monitoring.events', '\(path)' is 32.0 MiB, more than the 32 MiB preflight reads of one log export"),
            "\(String(describing: error))")
    }

    @Test func quotesAreCutAtEightyCharactersOnOneLine() {
        #expect(InputLimits.quote("short") == "short")
        #expect(InputLimits.quote(String(repeating: "é", count: 81)) == String(repeating: "é", count: 80) + "…")
        #expect(InputLimits.quote("two\r\nlines") == "two⏎lines")
        #expect(InputLimits.size(1 << 20) == "1 MiB" && InputLimits.size(64 << 10) == "64 KiB" && InputLimits.size(1_500) == "1,500 bytes")
    }
}
