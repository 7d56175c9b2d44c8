import Foundation
import PreflightCore

/// Reads the Connect server's Application-log exports named by `monitoring.events`, whatever layout each has:
///
/// - `Get-WinEvent … | Export-Csv`: a `#TYPE System.Diagnostics.Eventing.Reader.EventLogRecord` line in Windows
///   PowerShell 5.1 (none in PowerShell 7), then the object's columns (`Message`, `Id`, …, `ProviderName`, …,
///   `TimeCreated`, …, `LevelDisplayName`, …) in any order; a `Select-Object` subset is fine.
/// - Event Viewer "Save … As" CSV: `Level,Date and Time,Source,Event ID,Task Category` and an unnamed sixth field,
///   the description.
/// - `wevtutil qe Application /f:xml`: `<Event>` elements with no root element (or with the one `/e:` adds).
///
/// UTF-8 with or without BOM and UTF-16 with BOM are accepted (Windows PowerShell's `-Encoding Unicode` and `>`).
enum EventLogReader {
    static let key = "monitoring.events"
    /// The provider of the row the README's export command appends with the time of the export, so the window can end
    /// there even when the writeback service (and everything else in the file) fell silent before.
    static let exportMarker = "preflight-export"

    static func read(_ paths: [String]) throws -> EventLogFacts {
        var facts = EventLogFacts()
        for path in paths {
            let (text, encoding) = try MonitoringText.read(path, key: key)
            let trimmed = text.drop { $0.isWhitespace || $0 == "\u{FEFF}" }
            var records: [EventRecord] = []
            var summary: EventFileSummary
            if trimmed.hasPrefix("<") {
                let parsed = try WevtutilXML.parse(text, file: path)
                records = parsed.events
                facts.malformed += parsed.malformed
                summary = EventFileSummary(
                    file: path, layout: "wevtutil XML", encoding: encoding, dateLayout: "ISO 8601 (SystemTime)", clock: "UTC",
                    events: 0, machines: parsed.machines)
            } else {
                (records, summary) = try readCSV(text, path: path, encoding: encoding, malformed: &facts.malformed)
            }
            summary.events = records.filter { $0.provider.caseInsensitiveCompare(exportMarker) != .orderedSame }.count
            for record in records {
                if record.provider.caseInsensitiveCompare(exportMarker) == .orderedSame {
                    facts.exportedAt = max(facts.exportedAt ?? record.time, record.time)
                    summary.exportedAt = max(summary.exportedAt ?? record.time, record.time)
                    continue
                }
                facts.newest = max(facts.newest ?? record.time, record.time)
                summary.newest = max(summary.newest ?? record.time, record.time)
                facts.oldest = min(facts.oldest ?? record.time, record.time)
                if EventCatalog.isPasswordResetService(record) || EventCatalog.isADSync(record)
                    || ApplicationCertificateEvents.isCertificateEvent(record)
                {
                    facts.events.append(record)
                } else {
                    facts.otherEvents += 1
                }
            }
            facts.files.append(summary)
        }
        facts.events.sort { $0.time > $1.time }
        return facts
    }

    /// The two CSV layouts, told apart by their header.
    struct Columns {
        var layout: String
        var time: Int, id: Int, provider: Int, message: Int
        var level: Int?
        /// Get-WinEvent's `MachineName`; Event Viewer's CSV names no computer.
        var machine: Int? = nil
    }

    static func columns(_ header: [String]) -> Columns? {
        let names = header.map { $0.trimmingCharacters(in: .whitespaces).lowercased() }
        func index(_ name: String) -> Int? { names.firstIndex(of: name.lowercased()) }
        if let time = index("TimeCreated"), let id = index("Id"), let provider = index("ProviderName"), let message = index("Message") {
            return Columns(
                layout: "Get-WinEvent | Export-Csv", time: time, id: id, provider: provider, message: message, level: index("LevelDisplayName"),
                machine: index("MachineName"))
        }
        if let time = index("Date and Time"), let id = index("Event ID"), let provider = index("Source") {
            // The description has no header name: it is the field after the last named one.
            return Columns(layout: "Event Viewer CSV", time: time, id: id, provider: provider, message: names.count, level: index("Level"))
        }
        return nil
    }

    static func readCSV(
        _ text: String, path: String, encoding: String, malformed: inout [MalformedRow]
    ) throws -> ([EventRecord], EventFileSummary) {
        var records: [CSVRecord]
        do {
            records = try CSVRecords.parse(text, path: path)
        } catch {
            if let limit = error.limit {
                throw ProbeError(
                    "\(path):\(error.line): The record that starts on line \(error.line) brings \(limit); no export of the Application "
                        + "log comes near it, so the file is not one or is damaged. Export the log again (see the monitoring commands of "
                        + "docs/collecting-exports.md) and copy the file unchanged.",
                    at: InputLocation(file: path, line: error.line))
            }
            throw ProbeError(
                "\(path):\(error.line): A quoted field opened on line \(error.line) never closes, so the file is truncated or was "
                    + "edited. Export the log again (see the monitoring commands of docs/collecting-exports.md) and copy the file unchanged.",
                at: InputLocation(file: path, line: error.line))
        }
        // Windows PowerShell 5.1 writes the object's type first unless -NoTypeInformation is given.
        if let first = records.first, first.fields.count == 1, first.fields[0]?.hasPrefix("#TYPE") == true { records.removeFirst() }
        guard let header = records.first else {
            throw ProbeError(
                "\(path):1: The file is empty: no header and no events. Export the Application log again on the Connect server "
                    + "(see the monitoring commands of docs/collecting-exports.md).",
                at: InputLocation(file: path))
        }
        let names = header.fields.map { $0 ?? "" }
        guard let columns = columns(names) else {
            throw ProbeError(
                "\(path):\(header.line): The header '\(InputLimits.quote(names.prefix(8).joined(separator: ",")))' is neither Get-WinEvent | Export-Csv "
                    + "(TimeCreated, Id, ProviderName, Message) nor Event Viewer's CSV (Level, Date and Time, Source, Event ID, Task Category). "
                    + "Export with Get-WinEvent … | Export-Csv, or with wevtutil qe Application /f:xml (see docs/collecting-exports.md); localised Event Viewer "
                    + "headers are not supported.",
                at: InputLocation(file: path, line: header.line))
        }
        let rows = records.dropFirst()
        // The marker row is appended after the oldest event: left out, it cannot disturb the row-order test for day/month.
        let dated = rows.filter { row in
            !(row.fields.indices.contains(columns.provider) && row.fields[columns.provider]?.caseInsensitiveCompare(exportMarker) == .orderedSame)
        }
        let layout = WindowsDates.layout(for: dated.compactMap { $0.fields.indices.contains(columns.time) ? $0.fields[columns.time] : nil })
        var events: [EventRecord] = []
        var machines = Set<String>()
        for row in rows {
            func field(_ index: Int) -> String? { row.fields.indices.contains(index) ? row.fields[index] : nil }
            if let machine = columns.machine.flatMap(field)?.trimmingCharacters(in: .whitespaces), !machine.isEmpty {
                machines.insert(machine)
            }
            // Event Viewer's description may be missing for an event without one; everything else must be there.
            let needed = max(columns.time, columns.id, columns.provider) + 1
            guard row.fields.count >= needed else {
                malformed.append(MalformedRow(file: path, line: row.line, problem: "\(row.fields.count) fields where the header has \(names.count)"))
                continue
            }
            guard let idText = field(columns.id)?.trimmingCharacters(in: .whitespaces), let id = Int(idText) else {
                malformed.append(MalformedRow(file: path, line: row.line, problem: "event id '\(InputLimits.quote(field(columns.id) ?? ""))' is not a number"))
                continue
            }
            guard let timeText = field(columns.time), let layout, let pieces = WindowsDates.pieces(timeText),
                let time = WindowsDates.date(pieces, order: layout.order)
            else {
                malformed.append(MalformedRow(file: path, line: row.line, problem: "date '\(InputLimits.quote(field(columns.time) ?? ""))' is not a date in the file's layout"))
                continue
            }
            events.append(
                EventRecord(
                    id: id, provider: field(columns.provider) ?? "", level: columns.level.flatMap(field), time: time,
                    message: field(columns.message) ?? "", file: path, line: row.line))
        }
        let clock = layout?.order == .iso && rows.contains { ($0.fields.indices.contains(columns.time) ? $0.fields[columns.time] : nil)?.hasSuffix("Z") == true }
            ? "UTC" : "local time of the exporting machine (no offset in the file)"
        let summary = EventFileSummary(
            file: path, layout: columns.layout, encoding: encoding, dateLayout: layout?.description, dateAssumption: layout?.assumption,
            clock: clock, events: events.count, machines: machines.sorted())
        return (events, summary)
    }
}

/// Decoding shared by both readers: the BOM decides, and the evidence says which encoding was found.
enum MonitoringText {
    static func read(_ path: String, key: String) throws -> (String, String) {
        try InputFile.requireRegularFile(path, describedAs: "The file named by '\(key)',")
        try InputFile.requireSize(
            path, limit: InputLimits.monitoringFileBytes, describedAs: "The file named by '\(key)',", of: "one log export")
        guard let data = FileManager.default.contents(atPath: path) else {
            throw ProbeError("Cannot read '\(path)' (named by '\(key)'): it does not exist or is not readable. Check the path and its permissions.")
        }
        let bytes = [UInt8](data.prefix(3))
        let encoding: String
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) {
            encoding = "UTF-8 with BOM"
        } else if bytes.starts(with: [0xFF, 0xFE]) {
            encoding = "UTF-16LE with BOM"
        } else if bytes.starts(with: [0xFE, 0xFF]) {
            encoding = "UTF-16BE with BOM"
        } else if bytes.count >= 2, bytes[1] == 0 {
            encoding = "UTF-16LE without BOM"
        } else {
            encoding = "UTF-8 (no BOM) or ASCII"
        }
        guard let text = TextDecoding.decode(data) else {
            throw ProbeError(
                "'\(path)' (named by '\(key)') is not text in UTF-8, UTF-16 or Windows-1252. Export it again without converting it.")
        }
        return (text, encoding)
    }
}
