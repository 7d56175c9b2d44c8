import PreflightCore

extension InventoryFacts.Input {
    /// An export as `reader` read it: its file, encoding and delimiter, and a note when it began with the '#TYPE' line
    /// Windows PowerShell's Export-Csv writes without -NoTypeInformation.
    init(key: String, format: String, rows: Int, reader: CSVReader) {
        self.init(
            key: key, path: reader.path, format: format, encoding: reader.encoding.rawValue, delimiter: reader.delimiterName, rows: rows)
        if reader.hadTypeLine { notes.append("Began with a '#TYPE' line (Windows PowerShell Export-Csv); skipped.") }
    }
}

extension InputFileError {
    /// The one wording of "this file is not the export its key names": the file, the key and the columns it has, then
    /// `expected` ("Expected …", with how to export it again).
    static func unrecognised(_ path: String, key: String, _ columns: CSVColumns, as export: String, _ expected: String) -> InputFileError {
        InputFileError("'\(path)' (named by '\(key)') is not a \(export) this tool recognises. Its columns are \(columns.listed). " + expected)
    }
}
