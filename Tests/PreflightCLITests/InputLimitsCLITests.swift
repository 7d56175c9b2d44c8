import Foundation
import PreflightTestSupport
import Testing

import PreflightKit

/// Hostile inputs against the built binary (issue #14): files made to exhaust memory or time. Each is generated
/// here and streamed to disk. The run must end quickly, the check that met the input must be `error` (or the run a
/// configuration error) naming the limit, the file and the position, every report must be written and stay small
/// (nothing is echoed whole), and the binary's peak resident memory must stay under 300 MB.
///
/// Sizes: a limit trips a few MiB into a file, so a file only needs to pass that point; the 200 MB file of quotes
/// is written in full anyway, as reported.
@Suite("CLI: hostile inputs are bounded (memory, time, report size)")
struct InputLimitsCLITests {
    let folder = try! TemporaryFolder("cli-limits")
    static let export = Repository.fixture("connect/contoso-pilot")
    static let connector = "Connectors/Connector_{b891884f-051e-4a83-95af-2544101c9083}.xml"
    static let peakLimitMiB = 300.0 * 1_000_000 / 1_048_576
    static let reportLimit = 256 * 1024

    struct Run {
        var outcome: PeakMemory.Outcome
        var report: Report?
        var reportFiles: [String: Int]

        func check(_ id: String) -> CheckResult? { report?.checks.first { $0.id == id } }
    }

    /// Runs the binary on `yaml` under the peak-memory parent and reads what it wrote.
    func run(_ yaml: String, only: String, phase: String = "preflight") async throws -> Run {
        let tag = UUID().uuidString.prefix(6)
        let config = try folder.write("preflight-\(tag).yml", yaml)
        let out = folder.url("out-\(tag)")
        let outcome = try await PeakMemory.run(
            ["run", "--config", config, "--only", only, "--phase", phase, "--out", out], in: folder.path)
        var files: [String: Int] = [:]
        for name in (try? FileManager.default.contentsOfDirectory(atPath: out)) ?? [] {
            // latest.* are links into the published run's folder: measure what they point at.
            let resolved = URL(fileURLWithPath: out + "/" + name).resolvingSymlinksInPath().path
            let attributes = try? FileManager.default.attributesOfItem(atPath: resolved)
            if attributes?[.type] as? FileAttributeType == .typeRegular { files[name] = (attributes?[.size] as? Int) ?? 0 }
        }
        var report: Report?
        if let data = FileManager.default.contents(atPath: out + "/latest.json") {
            try await SchemaValidator.validate(reportAt: out + "/latest.json")
            report = try JSONReporter.parse(data, file: "latest.json")
        }
        return Run(outcome: outcome, report: report, reportFiles: files)
    }

    /// What every hostile run must show: it ended in time, within memory, with every report written and small. Alone a
    /// run takes under 2 s; the bound leaves room for a loaded machine running the suite in parallel, and is still
    /// far below what an unbounded read takes (minutes, or the machine's memory).
    func expectBounded(_ run: Run, exitCode: Int32 = 2, reports: Bool = true, seconds: Double = 60) {
        #expect(run.outcome.result.exitCode == exitCode, "\(run.outcome)")
        #expect(run.outcome.peakMiB < Self.peakLimitMiB, "peak RSS \(run.outcome.peakMiB) MiB: \(run.outcome)")
        #expect(run.outcome.seconds < seconds, "\(run.outcome)")
        if reports {
            for name in ["latest.json", "latest.md"] { #expect(run.reportFiles[name] != nil, "\(name) is written: \(run.reportFiles)") }
            for (name, size) in run.reportFiles { #expect(size < Self.reportLimit, "\(name) is \(size) bytes: nothing is echoed whole") }
        }
        #expect(run.outcome.result.stdout.utf8.count + run.outcome.result.stderr.utf8.count < Self.reportLimit, "\(run.outcome)")
    }

    func users(_ name: String) -> String { "inventory:\n  users: \(folder.url(name))\n" }

    func expectInventoryError(_ run: Run, _ fragments: [String]) throws {
        let check = try #require(run.check("INV-001"), "\(run.outcome)")
        #expect(check.status == .error, "\(check.message)")
        for fragment in fragments { #expect(check.message.contains(fragment), "'\(fragment)' in: \(check.message)") }
        #expect(check.message.utf8.count < 2_000, "\(check.message)")
    }

    // MARK: CSV

    @Test func aHeaderLineOf64MiBIsRefusedAtTheHeaderLimit() async throws {
        let file = folder.url("header.csv")
        try LargeFile.write(file, head: "userPrincipalName,", repeating: "A", bytes: 64 << 20, tail: ",directorySynced\nx@y,True\n")
        let run = try await run(users("header.csv"), only: "INV-001")
        expectBounded(run)
        try expectInventoryError(
            run,
            [
                "\(file):1:1: in the file named by 'inventory.users', the header line that starts here is longer than 64 KiB, "
                    + "the most preflight reads in the header line",
                // 80 characters: the first field, the delimiter, 62 of the second.
                "it begins 'userPrincipalName,\(String(repeating: "A", count: 62))…'",
            ])
    }

    /// 200 MB of `"`: one quoted field that never ends. As the header it trips the header limit (64 KiB), as a data
    /// line the field limit (1 MiB, after 2 MiB of input: two quotes make one); the rest of the file is never read.
    @Test(arguments: [false, true])
    func twoHundredMBOfQuotesAreRefusedAtAFieldLimit(afterAHeader: Bool) async throws {
        let file = folder.url("quotes.csv")
        try LargeFile.write(file, head: afterAHeader ? "userPrincipalName,directorySynced\n" : "", repeating: "\"", bytes: 200_000_000)
        let run = try await run(users("quotes.csv"), only: "INV-001")
        expectBounded(run)
        let quotes = String(repeating: "\"", count: 80)
        if afterAHeader {
            try expectInventoryError(
                run,
                [
                    "\(file):2:1: in the file named by 'inventory.users', the field that starts here is longer than 1 MiB, the most "
                        + "preflight reads in one field", "it begins '\(quotes)…'",
                ])
        } else {
            try expectInventoryError(run, ["\(file):1:1: in the file named by 'inventory.users', the header line that starts here is longer than 64 KiB"])
        }
    }

    @Test func aDataLineOf10MiBIsRefusedAtTheFieldLimit() async throws {
        let file = folder.url("line.csv")
        try LargeFile.write(
            file, head: "userPrincipalName,directorySynced,accountEnabled\n", repeating: "a", bytes: 10 << 20, tail: ",True,True\n")
        let run = try await run(users("line.csv"), only: "INV-001")
        expectBounded(run)
        try expectInventoryError(
            run,
            [
                "\(file):2:1: in the file named by 'inventory.users', the field that starts here is longer than 1 MiB",
                "it begins '\(String(repeating: "a", count: 80))…'", "export it again",
            ])
    }

    /// Fields under the field limit that add up past the record limit.
    @Test func aRecordOfManyLongFieldsIsRefusedAtTheRecordLimit() async throws {
        let field = String(repeating: "b", count: 900_000)
        let file = try folder.write(
            "record.csv", "userPrincipalName,directorySynced,c1,c2,c3,c4,c5\nx@y,True,\(field),\(field),\(field),\(field),\(field)\n")
        let run = try await run(users("record.csv"), only: "INV-001")
        expectBounded(run)
        try expectInventoryError(
            run, ["\(file):2:1: in the file named by 'inventory.users', a record that starts here is longer than 4 MiB, the most preflight reads in a record"])
    }

    @Test func aCSVWith5000ColumnsIsRefusedAtTheColumnLimit() async throws {
        let names = ["userPrincipalName", "directorySynced"] + (1...4998).map { "c\($0)" }
        let file = try folder.write(
            "columns.csv", names.joined(separator: ",") + "\n" + (["a@b", "True"] + Array(repeating: "", count: 4998)).joined(separator: ",") + "\n")
        let run = try await run(users("columns.csv"), only: "INV-001")
        expectBounded(run)
        // The 1,001st field starts after 1,000 names and their commas: column 1 + (the names' lengths) + 1,000.
        let column = names.prefix(1000).map(\.count).reduce(0, +) + 1000 + 1
        try expectInventoryError(
            run,
            [
                "\(file):1:\(column): in the file named by 'inventory.users', this record has more than 1,000 fields, the most preflight "
                    + "reads in one record"
            ])
    }

    // MARK: XML

    func export(replacing file: String, with text: String) async throws -> String {
        let target = folder.url("export-\(UUID().uuidString.prefix(6))")
        try await runBlocking {
            try FileManager.default.copyItem(atPath: Self.export, toPath: target)
            try text.write(toFile: (target as NSString).appendingPathComponent(file), atomically: true, encoding: .utf8)
        }
        return target
    }

    /// 100,000 nested elements (0.7 MB) took 41 s when the element path was copied on every start tag; now the depth
    /// limit stops the parse at the 257th level, at once.
    @Test func aConnectorNested100000DeepIsRefusedAtTheDepthLimitQuickly() async throws {
        let depth = 100_000
        let text = "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<ma-data>" + String(repeating: "<a>", count: depth)
            + String(repeating: "</a>", count: depth) + "</ma-data>\n"
        let export = try await export(replacing: Self.connector, with: text)
        let run = try await run("connect:\n  export: \(export)\n", only: "CON-001,CON-007")
        expectBounded(run)
        // <ma-data> is level 1 on line 2; the 256th <a> opens level 257, and libxml2 places it at its last column, 9 + 3 × 256.
        for id in ["CON-001", "CON-007"] {
            let check = try #require(run.check(id), "\(run.outcome)")
            #expect(check.status == .error, "\(check.message)")
            #expect(
                check.message.contains(
                    "\(export)/\(Self.connector):2:\(9 + 3 * 256): The Entra Connect export file, at line 2, column \(9 + 3 * 256), nests "
                        + "elements deeper than 256 levels, the most preflight reads (real exports nest about 12)."),
                "\(check.message)")
        }
    }

    static let billionLaughs: String = {
        var text = "<?xml version=\"1.0\"?>\n<!DOCTYPE ma-data [\n <!ENTITY lol \"lol\">\n"
        for level in 1...9 {
            text += " <!ENTITY lol\(level) \"\(String(repeating: "&lol\(level == 1 ? "" : String(level - 1));", count: 10))\">\n"
        }
        return text + "]>\n<ma-data><name>&lol9;</name></ma-data>\n"
    }()

    @Test func aConnectorWithAnEntityBombIsRefusedForItsDocumentTypeDeclaration() async throws {
        let export = try await export(replacing: Self.connector, with: Self.billionLaughs)
        let run = try await run("connect:\n  export: \(export)\n", only: "CON-001")
        expectBounded(run)
        let check = try #require(run.check("CON-001"), "\(run.outcome)")
        #expect(check.status == .error, "\(check.message)")
        #expect(
            check.message.contains(
                "\(export)/\(Self.connector):2:1: The Entra Connect export file has a document type declaration (<!DOCTYPE …>) at line 2, "
                    + "column 1, which Get-ADSyncServerConfiguration never writes"),
            "\(check.message)")
    }

    /// A DOCTYPE in a wevtutil export is refused with its position before the parser sees it: the bomb is never expanded.
    @Test func aWevtutilExportWithAnEntityBombIsAnErrorNotAnExpansion() async throws {
        let events = try folder.write("events.xml", Self.billionLaughs.replacingOccurrences(of: "ma-data", with: "Event"))
        let run = try await run("monitoring:\n  events: \(events)\n", only: "MON-002", phase: "health")
        expectBounded(run)
        let check = try #require(run.check("MON-002"), "\(run.outcome)")
        #expect(check.status == .error, "\(check.message)")
        #expect(check.message.contains("\(events):2:"), "\(check.message)")
        #expect(check.message.contains("The wevtutil export has a document type declaration (<!DOCTYPE …>) at line 2, column 1"), "\(check.message)")
    }

    // MARK: JSON

    static let deepJSON = String(repeating: "{\"a\":", count: 100_000) + "1" + String(repeating: "}", count: 100_000)

    @Test func aSettingsFileNested100000DeepIsRefusedAtTheDepthLimit() async throws {
        let settings = try folder.write("Applied-SynchronizationPolicy-20261126.json", Self.deepJSON)
        let run = try await run("connect:\n  export: \(settings)\n", only: "CON-001")
        expectBounded(run)
        let check = try #require(run.check("CON-001"), "\(run.outcome)")
        #expect(check.status == .error, "\(check.message)")
        // The 257th `{` is the 257th of 5-character openers: column 1 + 5 × 256.
        #expect(
            check.message.contains(
                "\(settings):1:\(1 + 5 * 256): The Entra Connect settings file nests arrays and objects deeper than 256 levels, the most "
                    + "preflight reads, at line 1, column \(1 + 5 * 256); no real export comes near it"),
            "\(check.message)")
    }

    @Test func anAuditLogNested100000DeepIsRefusedAtTheDepthLimit() async throws {
        let audit = try folder.write("directoryAudits-1.json", Self.deepJSON)
        let run = try await run("monitoring:\n  audit: \(audit)\n", only: "MON-004", phase: "health")
        expectBounded(run)
        let check = try #require(run.check("MON-004"), "\(run.outcome)")
        #expect(check.status == .error, "\(check.message)")
        #expect(
            check.message.contains("\(audit):1:\(1 + 5 * 256): The audit export nests arrays and objects deeper than 256 levels"),
            "\(check.message)")
    }

    /// 6 MB of `{},` would build two million objects (over a GB); the value limit stops it before parsing.
    @Test func anAuditLogOfTwoMillionObjectsIsRefusedAtTheValueLimit() async throws {
        let audit = folder.url("directoryAudits-2.json")
        try LargeFile.write(audit, head: "[", repeating: "{},", bytes: 6_000_000, tail: "{}]")
        let run = try await run("monitoring:\n  audit: \(audit)\n", only: "MON-004", phase: "health")
        expectBounded(run)
        let check = try #require(run.check("MON-004"), "\(run.outcome)")
        #expect(check.status == .error, "\(check.message)")
        // The 250,001st value is the 250,000th `{}` (the array is the first value): at 2 + 3 × 249,999.
        #expect(
            check.message.contains(
                "\(audit):1:\(2 + 3 * 249_999): The audit export holds more than 250,000 values, the most preflight reads in one file"),
            "\(check.message)")
    }

    // MARK: YAML

    static let aliasBomb: String = {
        var text = "a: &a [\"lol\", \"lol\", \"lol\", \"lol\", \"lol\", \"lol\", \"lol\", \"lol\", \"lol\"]\n"
        for (level, name) in "bcdefghi".enumerated() {
            let previous = level == 0 ? "a" : String(Array("bcdefghi")[level - 1])
            text += "\(name): &\(name) [\(Array(repeating: "*\(previous)", count: 9).joined(separator: ", "))]\n"
        }
        return text
    }()

    @Test func aConfigurationWithAnAliasBombIsAConfigurationError() async throws {
        let config = try folder.write("bomb.yml", "inventory:\n  users: ./users.csv\n" + Self.aliasBomb)
        let outcome = try await PeakMemory.run(["run", "--config", config, "--out", folder.url("out-bomb")], in: folder.path)
        let run = Run(outcome: outcome, report: nil, reportFiles: [:])
        expectBounded(run, exitCode: 78, reports: false)
        // The ninth alias of `f` makes 9 × 9 × 9 × 10 + … values: `f` (line 8) is where the count passes 100,000.
        #expect(
            outcome.result.stderr.contains(
                "\(config):8:"),
            "\(outcome)")
        #expect(
            outcome.result.stderr.contains(
                "The file holds more than 100,000 values once its aliases (*name) are expanded, the most preflight reads, at line 8"),
            "\(outcome)")
        #expect(!FileManager.default.fileExists(atPath: folder.url("out-bomb/latest.json")), "nothing ran")
    }
}
