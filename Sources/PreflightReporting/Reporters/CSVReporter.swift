import Foundation
import PreflightCore

/// The action plan: one row per action (`ActionPlan`: the per-user findings grouped by cause and by where the cause
/// sits, every other check that needs attention one action, each critical or high check that was not assessed one
/// action). Each row says what to do in plain text, the checks behind it, how many
/// subjects it covers with the first few by name (the subjects CSV lists every one), and empty `owner`, `due` and
/// `status` columns for the team to fill in. Ranked as the summaries rank actions. RFC 4180 (CRLF, quoted fields),
/// UTF-8 with a BOM so spreadsheet programs read the accents and dashes right.
package enum CSVReporter: Reporter {
    package static let identifier = "csv"
    package static let fileExtension: String? = "csv"
    package static let description = "The action plan: a row per action (what to do, the subjects it covers), with owner, due and status to fill in."
    package static let columns = ["priority", "action", "severity", "checks", "impact", "subjects", "covers", "owner", "due", "status"]
    /// Subjects named in the `covers` cell; the count is always complete.
    static let namedSubjects = 5

    /// Starts with a BOM (U+FEFF, the bytes EF BB BF in UTF-8) so spreadsheet programs read it as UTF-8.
    package static func render(_ report: Report) -> String {
        var rows = [columns]
        for action in ActionPlan.actions(report) {
            rows.append([
                String(action.priority), PlainText.of(action.text), action.severity.rawValue, action.checks.joined(separator: " "), action.impact,
                String(action.subjects.count), covers(action, report), "", "", "",
            ])
        }
        return "\u{FEFF}" + rows.map(row).joined()
    }

    /// `a; b; c; … and 52,781 more (preflight-<stamp>.subjects.csv)`.
    static func covers(_ action: Action, _ report: Report) -> String {
        let named = action.subjects.prefix(namedSubjects).joined(separator: "; ")
        guard action.subjects.count > namedSubjects else { return named }
        return named + "; … and \(InputLimits.grouped(action.subjects.count - namedSubjects)) more (the subjects CSV, "
            + "\(FullList.subjectsFile(report)), lists every one)"
    }

    /// One CSV record with its CRLF.
    static func row(_ fields: [String]) -> String { fields.map(field).joined(separator: ",") + "\r\n" }

    /// One CSV record with its CRLF, each field written to `stream` as it is (the large CSV files: no string per row).
    static func write(row fields: [String], to stream: ReportStream) throws {
        for (index, value) in fields.enumerated() {
            if index > 0 { try stream.write("," as StaticString) }
            try stream.write(field(value))
        }
        try stream.write("\r\n" as StaticString)
    }

    /// RFC 4180: a field holding a comma, quote or line break is quoted, with quotes doubled. A leading `=`, `+`,
    /// `-` or `@` is prefixed with an apostrophe so a spreadsheet never runs a finding as a formula. Read by bytes: most
    /// fields need neither and are returned as they are.
    static func field(_ value: String) -> String {
        let formula = value.utf8.first.map { "=+-@".utf8.contains($0) } ?? false
        let quoted = value.utf8.contains { $0 == UInt8(ascii: ",") || $0 == UInt8(ascii: "\"") || $0 == 0x0A || $0 == 0x0D }
        guard formula || quoted else { return value }
        let text = formula ? "'" + value : value
        guard quoted else { return text }
        return "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
}

/// Text for cells that are read as they are (the CSV files): the little Markdown the catalog's texts use removed —
/// `code` and **bold** marks, `[text](url)` as `text (url)`, `<url>` as `url` — and line breaks as spaces.
enum PlainText {
    static func of(_ text: String) -> String {
        var out = text.replacingOccurrences(of: "**", with: "").replacingOccurrences(of: "`", with: "")
        out = out.replacing(/\[([^\]]*)\]\(([^)\s]*)\)/) { "\($0.1) (\($0.2))" }
        out = out.replacing(/<(https?:[^>\s]*)>/) { String($0.1) }
        return out.split(whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
            .joined(separator: " ")
    }
}
