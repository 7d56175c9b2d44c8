import PreflightCore

/// A small RFC 4180 reader for the CSV files Windows tools write (Export-Csv, Event Viewer, the Entra portal).
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

    static func parse(_ text: String) throws(Malformed) -> [CSVRecord] {
        var records: [CSVRecord] = []
        var fields: [String?] = []
        var field = ""
        var quoted = false
        var inQuotes = false
        var line = 1
        var recordLine = 1
        var fieldStarted = false
        var fieldBytes = 0
        var recordBytes = 0
        var totalFields = 0
        /// The first limit passed, and the line of the record that passed it.
        var limit: (line: Int, text: String)?
        var scalars = text.unicodeScalars.makeIterator()
        var pending: Unicode.Scalar? = nil

        func next() -> Unicode.Scalar? {
            if let scalar = pending {
                pending = nil
                return scalar
            }
            return scalars.next()
        }
        func append(_ scalar: Unicode.Scalar) {
            field.unicodeScalars.append(scalar)
            fieldBytes += UTF8.width(scalar)
            recordBytes += UTF8.width(scalar)
            if fieldBytes > InputLimits.csvFieldBytes, limit == nil {
                limit = (recordLine, "a field longer than \(InputLimits.size(InputLimits.csvFieldBytes)), the most preflight reads in one field; it "
                    + "begins '\(InputLimits.quote(field))'")
            } else if recordBytes > InputLimits.csvRecordBytes, limit == nil {
                limit = (recordLine, "a record longer than \(InputLimits.size(InputLimits.csvRecordBytes)), the most preflight reads in one record")
            }
        }
        func endField() {
            if fields.count == InputLimits.csvColumns, limit == nil {
                limit = (recordLine, "more than \(InputLimits.grouped(InputLimits.csvColumns)) fields in one record, the most preflight reads")
            }
            fields.append(quoted || !field.isEmpty ? field : nil)
            totalFields += 1
            field = ""
            quoted = false
            fieldStarted = false
            fieldBytes = 0
        }
        func endRecord() {
            endField()
            // A blank line is no record (Export-Csv ends with a line break; some tools add another).
            if !(fields.count == 1 && fields[0] == nil) { records.append(CSVRecord(fields: fields, line: recordLine)) }
            fields = []
            recordBytes = 0
            if limit == nil, records.count > maxRecords || totalFields > maxFields {
                limit = (
                    recordLine,
                    records.count > maxRecords
                        ? "more than \(InputLimits.grouped(maxRecords)) records, the most preflight reads in one file"
                        : "more than \(InputLimits.grouped(maxFields)) fields, the most preflight reads in one file"
                )
            }
        }

        while let scalar = next() {
            if let limit { throw Malformed(line: limit.line, limit: limit.text) }
            if inQuotes {
                if scalar == "\"" {
                    if let following = next() {
                        if following == "\"" {
                            append("\"")
                        } else {
                            inQuotes = false
                            pending = following
                        }
                    } else {
                        inQuotes = false
                    }
                } else {
                    if scalar == "\n" { line += 1 }
                    // CRLF inside a quoted message becomes LF, as the message reads in Event Viewer.
                    if scalar != "\r" { append(scalar) }
                }
                continue
            }
            switch scalar {
            case "\"" where !fieldStarted:
                inQuotes = true
                quoted = true
                fieldStarted = true
            case ",":
                endField()
            case "\r":
                break
            case "\n":
                endRecord()
                line += 1
                recordLine = line
            default:
                append(scalar)
                fieldStarted = true
            }
        }
        if inQuotes { throw Malformed(line: recordLine) }
        if fieldStarted || !fields.isEmpty { endRecord() }
        if let limit { throw Malformed(line: limit.line, limit: limit.text) }
        return records
    }
}
