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
    /// A quoted field that is still open at the end of the file: the file is truncated.
    struct UnterminatedQuote: Error {
        var line: Int
    }

    static func parse(_ text: String) throws(UnterminatedQuote) -> [CSVRecord] {
        var records: [CSVRecord] = []
        var fields: [String?] = []
        var field = ""
        var quoted = false
        var inQuotes = false
        var line = 1
        var recordLine = 1
        var fieldStarted = false
        var scalars = text.unicodeScalars.makeIterator()
        var pending: Unicode.Scalar? = nil

        func next() -> Unicode.Scalar? {
            if let scalar = pending {
                pending = nil
                return scalar
            }
            return scalars.next()
        }
        func endField() {
            fields.append(quoted || !field.isEmpty ? field : nil)
            field = ""
            quoted = false
            fieldStarted = false
        }
        func endRecord() {
            endField()
            // A blank line is no record (Export-Csv ends with a line break; some tools add another).
            if !(fields.count == 1 && fields[0] == nil) { records.append(CSVRecord(fields: fields, line: recordLine)) }
            fields = []
        }

        while let scalar = next() {
            if inQuotes {
                if scalar == "\"" {
                    if let following = next() {
                        if following == "\"" {
                            field.unicodeScalars.append("\"")
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
                    if scalar != "\r" { field.unicodeScalars.append(scalar) }
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
                field.unicodeScalars.append(scalar)
                fieldStarted = true
            }
        }
        if inQuotes { throw UnterminatedQuote(line: recordLine) }
        if fieldStarted || !fields.isEmpty { endRecord() }
        return records
    }
}
