import PreflightCore

/// A record of the CSV files Windows tools write (Export-Csv, Event Viewer, the Entra portal), read by the core's
/// `CSVReader` under its rules for Windows logs.
///
/// Event messages span several lines inside quotes, so a record is not a line: each record keeps the
/// 1-based line it starts on, which is what error messages name. An unquoted empty field is `nil`
/// (Export-Csv writes a null property as nothing, an empty string as `""`).
struct CSVRecord: Sendable {
    var fields: [String?]
    var line: Int
}

enum CSVRecords {
    /// Why a file is no CSV this reader takes: a quoted field still open at the end of the file (it is truncated,
    /// `limit` is nil), or a limit passed (`limit` says which) on the record starting at `line`.
    struct Malformed: Error {
        var line: Int
        var limit: String? = nil
    }

    /// The most records and fields one file may hold: the whole file is kept as records, so they bound its memory
    /// (two days of an Application log are a few thousand events of about 25 fields; a default-sized log holds about
    /// 40,000).
    static let maxRecords = InputLimits.logRecords
    static let maxFields = InputLimits.logFields

    /// Every record of `text` (read from `path`), the header first.
    static func parse(_ text: String, path: String = "") throws(Malformed) -> [CSVRecord] {
        var records: [CSVRecord] = []
        var fields = 0
        do throws(InputFileError) {
            let reader = try CSVReader(text: text, path: path, key: "", rules: .windowsLogs)
            guard !reader.header.isEmpty else { return [] }
            records.append(record(reader, line: reader.headerLine))
            fields += reader.fieldCount
            while records.count <= maxRecords, fields <= maxFields, try reader.nextRow() {
                records.append(record(reader, line: reader.rowLine))
                fields += reader.fieldCount
            }
        } catch {
            throw malformed(error)
        }
        if let last = records.last, records.count > maxRecords || fields > maxFields {
            throw Malformed(
                line: last.line,
                limit: records.count > maxRecords
                    ? "more than \(InputLimits.grouped(maxRecords)) records, the most preflight reads in one file"
                    : "more than \(InputLimits.grouped(maxFields)) fields, the most preflight reads in one file")
        }
        return records
    }

    /// The reader's finding, in the words of the monitoring readers' messages.
    private static func malformed(_ error: InputFileError) -> Malformed {
        guard let problem = error.csv else {
            // Text in memory always reads; kept for completeness.
            return Malformed(line: 1, limit: error.description)
        }
        switch problem.kind {
        case .unterminatedQuote:
            return Malformed(line: problem.recordLine)
        case .fieldTooLong(let beginning):
            return Malformed(
                line: problem.recordLine,
                limit: "a field longer than \(InputLimits.size(InputLimits.csvFieldBytes)), the most preflight reads in one field; it "
                    + "begins '\(beginning)'")
        case .recordTooLong(let limit):
            return Malformed(
                line: problem.recordLine, limit: "a record longer than \(InputLimits.size(limit)), the most preflight reads in one record")
        case .tooManyFields:
            return Malformed(
                line: problem.recordLine,
                limit: "more than \(InputLimits.grouped(InputLimits.csvColumns)) fields in one record, the most preflight reads")
        case .textAfterQuote, .fieldCount:
            // Not under the rules for Windows logs (text after a quote joins the field; rows are not held to the header).
            return Malformed(line: problem.recordLine, limit: error.description)
        }
    }

    /// The reader's current record. CRLF inside a quoted message becomes LF, as the message reads in Event Viewer.
    private static func record(_ reader: CSVReader, line: Int) -> CSVRecord {
        let fields = (0..<reader.fieldCount).map { index -> String? in
            let field = reader.field(index)
            if field.isEmpty { return reader.isQuoted(index) ? "" : nil }
            return field.contains(0x0D) ? String(decoding: field.lazy.filter { $0 != 0x0D }, as: UTF8.self) : reader.string(index)
        }
        return CSVRecord(fields: fields, line: line)
    }
}
