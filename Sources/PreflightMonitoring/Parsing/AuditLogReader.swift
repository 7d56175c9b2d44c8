import Foundation
import PreflightCore

/// Reads the Entra audit-log exports named by `monitoring.audit`:
///
/// - the admin center's CSV download (Audit logs > Download > CSV): `"Date (UTC)","CorrelationId","Service","Category",
///   "Activity","Result","ResultReason",…,"Target1UserPrincipalName",…,"AdditionalDetail1Key","AdditionalDetail1Value",…`
///   (an older header starts with `"Date"`);
/// - Microsoft Graph `GET /auditLogs/directoryAudits` responses saved as they come: `{"@odata.context": …, "value": [ … ]}`,
///   one file per page or several pages in a JSON array;
/// - the admin center's JSON download, read as an array of directoryAudit-shaped objects (its exact layout is not
///   published; keys are matched case-insensitively, so PowerShell's PascalCase `ConvertTo-Json` output works too).
enum AuditLogReader {
    static let key = "monitoring.audit"

    static func read(_ paths: [String]) throws -> AuditLogFacts {
        var facts = AuditLogFacts()
        for path in paths {
            let (text, encoding) = try MonitoringText.read(path, key: key)
            let trimmed = text.drop { $0.isWhitespace || $0 == "\u{FEFF}" }
            let entries: [AuditEntry]
            let layout: String
            if trimmed.hasPrefix("{") || trimmed.hasPrefix("[") {
                (entries, layout) = try readJSON(text, path: path, malformed: &facts.malformed)
            } else {
                entries = try readCSV(text, path: path, malformed: &facts.malformed)
                layout = "Entra admin center CSV"
            }
            facts.files.append(
                AuditFileSummary(file: path, layout: layout, encoding: encoding, entries: entries.count, newest: entries.map(\.time).max()))
            for entry in entries {
                facts.newest = max(facts.newest ?? entry.time, entry.time)
                facts.oldest = min(facts.oldest ?? entry.time, entry.time)
            }
            facts.entries += entries
        }
        // Overlapping inputs (a page saved twice, a CSV and a JSON download of the same days) must not count twice:
        // an entry is its correlation id, time, activity and target.
        var seen = Set<String>()
        let before = facts.entries.count
        // In place: a filtered copy held every entry twice.
        facts.entries.removeAll { entry in
            guard let correlation = entry.correlationId else { return false }
            return !seen.insert("\(correlation)|\(entry.time.timeIntervalSince1970)|\(entry.activity)|\(entry.target)").inserted
        }
        facts.duplicates = before - facts.entries.count
        facts.entries.sort { $0.time > $1.time }
        return facts
    }

    // MARK: CSV

    static func readCSV(_ text: String, path: String, malformed: inout [MalformedRow]) throws -> [AuditEntry] {
        let records: [CSVRecord]
        do {
            records = try CSVRecords.parse(text, path: path)
        } catch {
            if let limit = error.limit {
                throw ProbeError(
                    "\(path):\(error.line): The record that starts on line \(error.line) brings \(limit); no audit-log download comes "
                        + "near it, so the file is not one or is damaged. Download the audit log again from the Entra admin center and "
                        + "copy the file unchanged.",
                    at: InputLocation(file: path, line: error.line))
            }
            throw ProbeError(
                "\(path):\(error.line): A quoted field opened on line \(error.line) never closes, so the download is truncated. "
                    + "Download the audit log again from the Entra admin center and copy the file unchanged.",
                at: InputLocation(file: path, line: error.line))
        }
        guard let header = records.first else {
            throw ProbeError("\(path):1: The file is empty. Download the audit log again (see docs/collecting-exports.md).", at: InputLocation(file: path))
        }
        let names = header.fields.map { ($0 ?? "").trimmingCharacters(in: .whitespaces).lowercased() }
        func index(_ candidates: String...) -> Int? { candidates.lazy.compactMap { names.firstIndex(of: $0.lowercased()) }.first }
        guard let date = index("Date (UTC)", "Date"), let activity = index("Activity"), let result = index("Result") else {
            throw ProbeError(
                "\(path):\(header.line): The header '\(InputLimits.quote(names.prefix(7).joined(separator: ",")))' is not the Entra admin center's audit-log CSV "
                    + "(Date (UTC), Service, Activity, Result, ResultReason, …). Download it from Entra ID > Monitoring & health > Audit logs "
                    + "> Download > CSV with the admin center in English, or save Graph directoryAudits JSON (see docs/collecting-exports.md).",
                at: InputLocation(file: path, line: header.line))
        }
        let service = index("Service"), reason = index("ResultReason"), correlation = index("CorrelationId")
        let target = index("Target1UserPrincipalName"), targetName = index("Target1DisplayName"), actor = index("ActorUserPrincipalName")
        let detailColumns: [(Int, Int)] = (1...20).compactMap { n in
            guard let key = index("AdditionalDetail\(n)Key"), let value = index("AdditionalDetail\(n)Value") else { return nil }
            return (key, value)
        }
        let rows = records.dropFirst()
        let layout = WindowsDates.layout(for: rows.compactMap { $0.fields.indices.contains(date) ? $0.fields[date] : nil })
        var entries: [AuditEntry] = []
        for row in rows {
            func field(_ index: Int?) -> String? {
                guard let index, row.fields.indices.contains(index), let value = row.fields[index], !value.isEmpty else { return nil }
                return value
            }
            guard row.fields.count == names.count else {
                malformed.append(MalformedRow(file: path, line: row.line, problem: "\(row.fields.count) fields where the header has \(names.count)"))
                continue
            }
            // The portal writes UTC ("Date (UTC)"); the layout check keeps an odd locale from being misread.
            guard let text = field(date), let layout, let pieces = WindowsDates.pieces(text), let time = WindowsDates.date(pieces, order: layout.order)
            else {
                malformed.append(MalformedRow(file: path, line: row.line, problem: "date '\(InputLimits.quote(field(date) ?? ""))' is not a date"))
                continue
            }
            guard let name = field(activity), let outcome = field(result) else {
                malformed.append(MalformedRow(file: path, line: row.line, problem: "no Activity or Result"))
                continue
            }
            var details: [String: String] = [:]
            for (key, value) in detailColumns { if let key = field(key) { details[key] = field(value) ?? "" } }
            entries.append(
                AuditEntry(
                    time: time, service: field(service), activity: name, result: outcome.lowercased(), resultReason: field(reason),
                    targetUPN: field(target), targetName: field(targetName), actorUPN: field(actor), details: details,
                    correlationId: field(correlation), file: path, line: row.line))
        }
        return entries
    }

    // MARK: JSON

    static func readJSON(_ text: String, path: String, malformed: inout [MalformedRow]) throws -> ([AuditEntry], String) {
        let root = try JSONInput.object(
            text, path: path, what: "The audit export",
            remedy: "Save the Graph response or the portal's JSON download again, unchanged.")
        let lines = JSONItemLines.scan(text)
        var items: [([String: Any], Int)] = []
        let layout: String
        func take(_ array: [Any], lines: [Int]) {
            for (index, item) in array.enumerated() {
                items.append(((item as? [String: Any]) ?? [:], index < lines.count ? lines[index] : 1))
            }
        }
        switch root {
        case let page as [String: Any] where member(page, "value") is [Any]:
            take(member(page, "value") as? [Any] ?? [], lines: lines[1]?.first ?? [])
            layout = "Graph directoryAudits JSON"
        case let array as [Any] where array.contains(where: { ($0 as? [String: Any]).map { member($0, "value") is [Any] } ?? false }):
            for (index, page) in array.enumerated() {
                take((page as? [String: Any]).flatMap { member($0, "value") as? [Any] } ?? [], lines: (lines[2] ?? []).indices.contains(index) ? (lines[2] ?? [])[index] : [])
            }
            layout = "Graph directoryAudits JSON (several pages)"
        case let array as [Any]:
            take(array, lines: lines[0]?.first ?? [])
            layout = "JSON array of audit entries"
        case let single as [String: Any] where member(single, "activityDisplayName") != nil:
            items = [(single, 1)]
            layout = "JSON audit entry"
        default:
            throw ProbeError(
                "\(path):1:1: The JSON is neither a Graph directoryAudits page ({\"value\": [...]}) nor an array of audit entries. "
                    + "Save the response of GET https://graph.microsoft.com/v1.0/auditLogs/directoryAudits, or the portal's JSON download.",
                at: InputLocation(file: path))
        }
        var entries: [AuditEntry] = []
        for (item, line) in items {
            if let entry = entry(item, file: path, line: line, malformed: &malformed) { entries.append(entry) }
        }
        return (entries, layout)
    }

    static func entry(_ item: [String: Any], file: String, line: Int, malformed: inout [MalformedRow]) -> AuditEntry? {
        guard let activity = string(item, "activityDisplayName") ?? string(item, "activity") else {
            malformed.append(MalformedRow(file: file, line: line, problem: "an entry without activityDisplayName"))
            return nil
        }
        let timeText = string(item, "activityDateTime") ?? string(item, "Date (UTC)") ?? ""
        guard let time = WindowsDates.iso(timeText) ?? dotNetDate(timeText) else {
            malformed.append(MalformedRow(file: file, line: line, problem: "activityDateTime '\(InputLimits.quote(timeText))' is not an ISO 8601 time"))
            return nil
        }
        let targets = (member(item, "targetResources") as? [[String: Any]]) ?? []
        let user = targets.first { string($0, "type")?.lowercased() == "user" } ?? targets.first
        let initiator = (member(item, "initiatedBy") as? [String: Any]).flatMap { member($0, "user") as? [String: Any] }
        var details: [String: String] = [:]
        for detail in (member(item, "additionalDetails") as? [[String: Any]]) ?? [] {
            if let key = string(detail, "key") { details[key] = string(detail, "value") ?? "" }
        }
        return AuditEntry(
            time: time, service: string(item, "loggedByService"), activity: activity,
            result: (string(item, "result") ?? "unknown").lowercased(), resultReason: string(item, "resultReason"),
            targetUPN: user.flatMap { string($0, "userPrincipalName") }, targetName: user.flatMap { string($0, "displayName") },
            actorUPN: initiator.flatMap { string($0, "userPrincipalName") }, details: details,
            correlationId: string(item, "correlationId"), file: file, line: line)
    }

    static func member(_ object: [String: Any], _ key: String) -> Any? {
        object[key] ?? object.first { $0.key.caseInsensitiveCompare(key) == .orderedSame }?.value
    }

    static func string(_ object: [String: Any], _ key: String) -> String? {
        switch member(object, key) {
        case let text as String where !text.isEmpty: text
        case let number as NSNumber: number.stringValue
        default: nil
        }
    }

    /// Windows PowerShell 5.1's ConvertTo-Json writes dates as `/Date(1732612443000)/`.
    static func dotNetDate(_ text: String) -> Date? {
        guard text.hasPrefix("/Date("), let milliseconds = Double(text.dropFirst(6).prefix { $0.isNumber || $0 == "-" }) else { return nil }
        return Date(timeIntervalSince1970: milliseconds / 1000)
    }
}

/// The line each object in a JSON array starts on, by the array's nesting depth, so an unreadable entry is
/// reported with its line (JSONSerialization keeps no positions).
enum JSONItemLines {
    /// depth of the array → the arrays at that depth in order → the start line of each object element.
    static func scan(_ text: String) -> [Int: [[Int]]] {
        var result: [Int: [[Int]]] = [:]
        var stack: [UInt8] = []
        var line = 1
        var inString = false
        var escaped = false
        for byte in text.utf8 {
            if byte == 0x0A { line += 1 }
            if inString {
                if escaped { escaped = false } else if byte == 0x5C { escaped = true } else if byte == 0x22 { inString = false }
                continue
            }
            switch byte {
            case 0x22: inString = true
            case 0x5B:  // [
                if stack.count <= 2 { result[stack.count, default: []].append([]) }
                stack.append(byte)
            case 0x7B:  // {
                if stack.last == 0x5B, stack.count - 1 <= 2 {
                    let depth = stack.count - 1
                    // The `[` that opened this array added its list (the text parsed as JSON, so brackets match). Mutated
                    // in place: a copy per object made a file of a million objects take minutes.
                    if let count = result[depth]?.count, count > 0 { result[depth]?[count - 1].append(line) }
                }
                stack.append(byte)
            case 0x5D, 0x7D: _ = stack.popLast()
            default: break
            }
        }
        return result
    }
}
