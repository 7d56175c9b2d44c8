/// A problem with an input file read by `CSVReader` or `UTF8ChunkSource`, or by the readers built on them; the
/// description is the whole message shown to the user.
package struct InputFileError: Error, Sendable, CustomStringConvertible {
    package var description: String
    /// What `CSVReader` found wrong, for readers that word their own message; nil for every other problem.
    package var csv: CSVProblem?

    package init(_ description: String, csv: CSVProblem? = nil) {
        self.description = description
        self.csv = csv
    }
}

/// A record `CSVReader` cannot read. The reader's own message (`InputFileError.description`) names the file, line and
/// column and is worded for the exports; this is the same finding for a reader that words its own.
package struct CSVProblem: Sendable, Equatable {
    package enum Kind: Sendable, Equatable {
        /// A quoted field opened on `line` is never closed: the file ends inside it.
        case unterminatedQuote(line: Int)
        /// Text follows a closing quote (under the rules that refuse it).
        case textAfterQuote
        /// A field longer than `InputLimits.csvFieldBytes`; `beginning` quotes its first characters.
        case fieldTooLong(beginning: String)
        /// A record (or the header line) longer than `limit` bytes.
        case recordTooLong(limit: Int)
        /// More fields in one record than `InputLimits.csvColumns`.
        case tooManyFields
        /// A row whose field count is not the header's (under the rules that require it).
        case fieldCount(found: Int, expected: Int)
    }

    package var kind: Kind
    /// The 1-based line the record starts on.
    package var recordLine: Int
}
