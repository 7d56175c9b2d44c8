/// A small table a check attaches to its evidence (per-target network results, inventory totals).
///
/// Stored in `evidence.tables` as plain JSON so the report schema stays stable; the Markdown reporter
/// renders every table, also for checks that passed, because a passing network check's per-target
/// timings are evidence a firewall team asks for.
package struct ReportTable: Sendable, Hashable {
    static let evidenceKey = "tables"

    package var title: String
    package var columns: [String]
    package var rows: [[String]]

    package init(title: String, columns: [String], rows: [[String]]) {
        self.title = title
        self.columns = columns
        self.rows = rows
    }

    package var json: JSONValue {
        [
            "title": .string(title), "columns": .array(columns.map(JSONValue.string)),
            "rows": .array(rows.map { .array($0.map(JSONValue.string)) }),
        ]
    }

    package init?(json: JSONValue) {
        guard let title = json["title"]?.stringValue, case .array(let columns)? = json["columns"],
            case .array(let rows)? = json["rows"]
        else { return nil }
        self.title = title
        self.columns = columns.map { $0.stringValue ?? "" }
        self.rows = rows.map { row in
            guard case .array(let cells) = row else { return [] }
            return cells.map { $0.stringValue ?? "" }
        }
    }

    /// The tables in a check's evidence, in order; entries that are not tables are ignored.
    package static func tables(in evidence: [String: JSONValue]) -> [ReportTable] {
        guard case .array(let items)? = evidence[evidenceKey] else { return [] }
        return items.compactMap(ReportTable.init(json:))
    }
}

extension Evaluation {
    /// Appends a table to `evidence.tables`.
    package mutating func addTable(_ table: ReportTable) {
        var items: [JSONValue] = []
        if case .array(let existing)? = evidence[ReportTable.evidenceKey] { items = existing }
        items.append(table.json)
        evidence[ReportTable.evidenceKey] = .array(items)
    }
}
