import Foundation

/// A streaming RFC 4180 reader over bytes, the one CSV reader: the inventory's exports (Microsoft's portals and
/// PowerShell) and the monitoring's Windows logs (Export-Csv, Event Viewer, the Entra portal) alike.
///
/// Accepts: comma or semicolon delimiters (detected from the header line, or an Excel `sep=` line), quoted
/// fields with embedded delimiters, doubled quotes and line breaks, CRLF / LF / CR line ends, Windows
/// PowerShell's `#TYPE …` first line, blank lines (skipped). Rejects, with file, line and column: an
/// unterminated quote, text after a closing quote, a row whose field count differs from the header's (the last two
/// as `Rules` say).
///
/// One row at a time: `nextRow()` fills an internal buffer that the field accessors read until the next call.
/// Hand-written rather than a package: measured fastest of the candidates and the only one correct on every
/// quirk above (see scripts/bench/inventory.sh and the inventory README section).
package final class CSVReader {
    /// How strictly a file is read.
    package struct Rules: Sendable {
        /// The delimiter, or nil to detect comma or semicolon from the header line (or an Excel `sep=` line).
        var delimiter: UInt8?
        /// Whether a row must have as many fields as the header.
        var rowsMatchHeader: Bool
        /// Whether text after a closing quote is an error; else it joins the field as it stands (`"a"b` reads `ab`).
        var strictQuotes: Bool
        /// The longest header line, in UTF-8 bytes.
        var headerBytes: Int

        /// The inventory's exports: machine-written, so anything off is an error.
        package static let exports = Rules(
            delimiter: nil, rowsMatchHeader: true, strictQuotes: true, headerBytes: InputLimits.csvHeaderBytes)
        /// Windows logs (Export-Csv, Event Viewer, the Entra portal): always commas; Event Viewer leaves the description
        /// column unnamed, so rows may be longer than the header (the reader of the records judges each).
        package static let windowsLogs = Rules(
            delimiter: UInt8(ascii: ","), rowsMatchHeader: false, strictQuotes: false, headerBytes: InputLimits.csvRecordBytes)
    }

    package let path: String
    /// The configuration key that named the file, for messages.
    package let key: String
    private let rules: Rules
    private let source: UTF8ChunkSource
    // Unchecked, as `cursor` is (below): read or written once per record, a dynamic exclusivity check each time was
    // 1.5 % of reading the 1,000,000-user benchmark's exports; a reader is used by one thread at a time.
    @exclusivity(unchecked) package private(set) var delimiter: UInt8 = UInt8(ascii: ",")
    @exclusivity(unchecked) package private(set) var header: [String] = []
    /// 1-based physical line of the header (0 when the file has none).
    package private(set) var headerLine = 0
    /// Whether the file began with Windows PowerShell's `#TYPE …` line.
    package private(set) var hadTypeLine = false
    /// 1-based physical line on which the current row starts.
    @exclusivity(unchecked) package private(set) var rowLine = 0
    /// Data rows returned so far (the header is not counted).
    @exclusivity(unchecked) package private(set) var rowCount = 0

    /// Reads the file at `path` (named by the configuration key `key`) up to its header; the current row is the header's.
    package init(path: String, key: String, rules: Rules = .exports) throws(InputFileError) {
        self.path = path
        self.key = key
        self.rules = rules
        source = try UTF8ChunkSource(path: path, key: key)
        try readHeader()
    }

    /// The same for text already read and decoded from the file at `path`.
    package init(text: String, path: String, key: String, rules: Rules) throws(InputFileError) {
        self.path = path
        self.key = key
        self.rules = rules
        source = UTF8ChunkSource(text: text, path: path, key: key)
        try readHeader()
    }

    /// Part of the file `whole` reads (`CSVParts`): its records from UTF-8 stream offset `offset` on, the first on line
    /// `line`, up to the first record that starts at or after `stop`. When `seekLineStart`, `offset` is a guess: the
    /// part starts at the first line start at or after it, and `line` counts from there.
    package init(partOf whole: CSVReader, from offset: Int, line: Int, stop: Int, seekLineStart: Bool) throws(InputFileError) {
        path = whole.path
        key = whole.key
        rules = whole.rules
        // Seeking looks at the byte before `offset` too: `offset` is a line start when that byte ends a line.
        let first = seekLineStart ? max(0, offset - 1) : offset
        source = try UTF8ChunkSource(path: path, key: key, encoding: whole.encoding, offset: first)
        delimiter = whole.delimiter
        header = whole.header
        headerLine = whole.headerLine
        hadTypeLine = whole.hadTypeLine
        self.stop = stop
        cursor.chunkBase = first
        cursor.line = line
        if seekLineStart && offset > 0 { try skipToLineStart() }
    }

    deinit { cursor.deallocate() }

    /// A record that starts at or after this UTF-8 stream offset is not read: it belongs to the next part.
    @exclusivity(unchecked) private var stop = Int.max
    /// The physical line the next record starts on (after the last one read).
    package var line: Int { cursor.line }

    package var encoding: UTF8ChunkSource.Encoding { source.encoding }
    package var delimiterName: String { delimiter == UInt8(ascii: ";") ? "semicolon" : "comma" }
    package var fieldCount: Int { cursor.fieldCount }
    /// UTF-8 bytes consumed so far.
    package var bytesRead: Int { cursor.chunkBase + cursor.position }

    /// The bytes of field `index` of the current row (valid until the next `nextRow()`).
    @inlinable @inline(__always)
    package func field(_ index: Int) -> UnsafeBufferPointer<UInt8> {
        let ends = cursor.fieldEnds
        let start = index == 0 ? 0 : ends[index - 1]
        return UnsafeBufferPointer(start: cursor.bytes + start, count: ends[index] - start)
    }

    package func string(_ index: Int) -> String { String(decoding: field(index), as: UTF8.self) }

    /// Whether field `index` of the current row was quoted: Export-Csv writes a null property as nothing and an empty
    /// string as `""`.
    package func isQuoted(_ index: Int) -> Bool { cursor.fieldQuoted[index] }

    /// Reads the next data row; false at the end of the file.
    package func nextRow() throws(InputFileError) -> Bool {
        while try readRecord(limit: InputLimits.csvRecordBytes, what: "a record") {
            // Exports end with a blank line, people add more: not rows.
            if isBlankLine { continue }
            guard !rules.rowsMatchHeader || cursor.fieldCount == header.count else { throw fieldCountError() }
            rowCount += 1
            return true
        }
        return false
    }

    /// The UTF-8 stream offset at which the next record starts, once the line end of the last one (the LF of a CRLF)
    /// is read: where a part after this one begins.
    package func recordStart() throws(InputFileError) -> Int {
        var c = cursor
        defer { cursor = c }
        if c.skipLineFeed {
            if c.position >= c.chunk.count && !c.atEnd { try refill(&c) }
            if c.position < c.chunk.count {
                c.skipLineFeed = false
                if c.chunk[c.position] == 0x0A { c.position += 1 }
            }
        }
        return c.chunkBase + c.position
    }

    /// Moves to the first line start (after LF, CR LF or a CR not followed by LF) from the current position on.
    private func skipToLineStart() throws(InputFileError) {
        var c = cursor
        defer { cursor = c }
        var afterCR = false
        while true {
            if c.position >= c.chunk.count {
                if c.atEnd { return }
                try refill(&c)
                if c.atEnd { return }
            }
            let byte = c.chunk[c.position]
            if afterCR {
                if byte == 0x0A { c.position += 1 }
                return
            }
            c.position += 1
            if byte == 0x0A { return }
            afterCR = byte == 0x0D
        }
    }

    /// Whether the current record is a blank line (one empty, unquoted field): not a row.
    private var isBlankLine: Bool { cursor.fieldCount == 1 && cursor.fieldEnds[0] == 0 && !cursor.rowQuoted }

    // MARK: Header

    private func readHeader() throws(InputFileError) {
        if let delimiter = rules.delimiter {
            self.delimiter = delimiter
        } else {
            try detectDelimiter()
        }
        while try readRecord(limit: rules.headerBytes, what: "the header line") {
            if isBlankLine { continue }
            let first = string(0)
            if rowLine == 1 && first.hasPrefix("#TYPE") && fieldCount == 1 {
                hadTypeLine = true
                continue
            }
            if first.lowercased().hasPrefix("sep=") && fieldCount <= 2 { continue }
            header = (0..<fieldCount).map { string($0) }
            headerLine = rowLine
            return
        }
    }

    /// Semicolon when the header line (after any `#TYPE` line) holds more semicolons than commas outside
    /// quotes: regional Excel and `Export-Csv -UseCulture` write them. An Excel `sep=;` line decides outright.
    private func detectDelimiter() throws(InputFileError) {
        try refill(&cursor)
        let chunk = cursor.chunk
        var index = 0
        var lineNumber = 1
        var commas = 0
        var semicolons = 0
        var quoted = false
        var lineStart = 0
        while index < chunk.count {
            let byte = chunk[index]
            if byte == UInt8(ascii: "\"") {
                quoted.toggle()
            } else if !quoted && (byte == 0x0A || byte == 0x0D) {
                let text = String(decoding: UnsafeBufferPointer(rebasing: chunk[lineStart..<index]), as: UTF8.self)
                if lineNumber == 1 && text.hasPrefix("#TYPE") || text.isEmpty {
                    // not the header
                } else if text.lowercased().hasPrefix("sep=") {
                    if let separator = text.utf8.dropFirst(4).first { delimiter = separator }
                    return
                } else {
                    break
                }
                lineNumber += 1
                if byte == 0x0D && index + 1 < chunk.count && chunk[index + 1] == 0x0A { index += 1 }
                lineStart = index + 1
                commas = 0
                semicolons = 0
            } else if !quoted && byte == UInt8(ascii: ",") {
                commas += 1
            } else if !quoted && byte == UInt8(ascii: ";") {
                semicolons += 1
            }
            index += 1
        }
        if semicolons > commas { delimiter = UInt8(ascii: ";") }
    }

    // MARK: Records

    /// Everything the hot loop mutates, kept in one struct that `readRecord` copies into a local and back:
    /// class properties would pay a dynamic exclusivity check per access (half the time, measured).
    @usableFromInline
    struct Cursor {
        var chunk = UnsafeBufferPointer<UInt8>(start: nil, count: 0)
        var position = 0
        /// The chunk's offset in the UTF-8 stream.
        var chunkBase = 0
        var line = 1
        var skipLineFeed = false
        var atEnd = false
        /// The current row: field bytes back to back, each field's end in `bytes`, its start offset in the stream and
        /// whether it was quoted.
        @usableFromInline var bytes: UnsafeMutablePointer<UInt8>
        var byteCapacity: Int
        var byteCount = 0
        @usableFromInline var fieldEnds: UnsafeMutablePointer<Int>
        var fieldOffsets: UnsafeMutablePointer<Int>
        var fieldQuoted: UnsafeMutablePointer<Bool>
        var fieldCapacity: Int
        var fieldCount = 0
        var rowQuoted = false

        init() {
            byteCapacity = 4096
            bytes = .allocate(capacity: byteCapacity)
            fieldCapacity = 64
            fieldEnds = .allocate(capacity: fieldCapacity)
            fieldOffsets = .allocate(capacity: fieldCapacity)
            fieldQuoted = .allocate(capacity: fieldCapacity)
        }

        func deallocate() {
            bytes.deallocate()
            fieldEnds.deallocate()
            fieldOffsets.deallocate()
            fieldQuoted.deallocate()
        }

        @inline(__always)
        mutating func append(_ pointer: UnsafePointer<UInt8>, _ count: Int) {
            guard count > 0 else { return }
            if byteCount + count > byteCapacity {
                var capacity = byteCapacity * 2
                while byteCount + count > capacity { capacity *= 2 }
                let grown = UnsafeMutablePointer<UInt8>.allocate(capacity: capacity)
                grown.update(from: bytes, count: byteCount)
                bytes.deallocate()
                bytes = grown
                byteCapacity = capacity
            }
            (bytes + byteCount).update(from: pointer, count: count)
            byteCount += count
        }

        @inline(__always)
        mutating func startField(at offset: Int, quoted: Bool) {
            if fieldCount == fieldCapacity {
                let capacity = fieldCapacity * 2
                let ends = UnsafeMutablePointer<Int>.allocate(capacity: capacity)
                let offsets = UnsafeMutablePointer<Int>.allocate(capacity: capacity)
                let quotes = UnsafeMutablePointer<Bool>.allocate(capacity: capacity)
                ends.update(from: fieldEnds, count: fieldCount)
                offsets.update(from: fieldOffsets, count: fieldCount)
                quotes.update(from: fieldQuoted, count: fieldCount)
                fieldEnds.deallocate()
                fieldOffsets.deallocate()
                fieldQuoted.deallocate()
                (fieldEnds, fieldOffsets, fieldQuoted, fieldCapacity) = (ends, offsets, quotes, capacity)
            }
            fieldOffsets[fieldCount] = offset
            fieldQuoted[fieldCount] = quoted
        }

        /// Closes the field opened by `startField`.
        @inline(__always)
        mutating func endField() {
            fieldEnds[fieldCount] = byteCount
            fieldCount += 1
        }

        @inline(__always)
        mutating func endLine(_ byte: UInt8) {
            line += 1
            skipLineFeed = byte == 0x0D
        }
    }

    /// Unchecked: the field accessors read it for every field, and a class property pays a dynamic exclusivity check per
    /// access (3.5 % of the inventory's time, measured with perf). A reader is used by one thread at a time, and no
    /// access to it overlaps another: `readRecord` works on a copy and writes it back once.
    @usableFromInline @exclusivity(unchecked)
    var cursor = Cursor()

    private func refill(_ cursor: inout Cursor) throws(InputFileError) {
        cursor.chunkBase += cursor.chunk.count
        cursor.chunk = try source.next()
        cursor.position = 0
        if cursor.chunk.isEmpty { cursor.atEnd = true }
    }

    private enum State { case fieldStart, unquoted, quoted, afterQuote }

    /// Reads one physical record into the row buffer; false when the file has no more. A field longer than
    /// `InputLimits.csvFieldBytes`, a record longer than `limit` (`what` names it) or more fields than
    /// `InputLimits.csvColumns` is an error at the field's or record's start: the row buffer never grows past them.
    private func readRecord(limit: Int, what: String) throws(InputFileError) -> Bool {
        var c = cursor
        defer { cursor = c }
        c.byteCount = 0
        c.fieldCount = 0
        c.rowQuoted = false
        var state = State.fieldStart
        var quoteOffset = 0
        var quoteLine = 0
        var started = false
        let delimiter = self.delimiter
        let strictQuotes = rules.strictQuotes
        let delimiterMask = UInt64(delimiter) &* Self.ones

        while true {
            if c.position >= c.chunk.count {
                if c.atEnd { break }
                try refill(&c)
                if c.atEnd { break }
            }
            guard let base = c.chunk.baseAddress else { break }
            let end = c.chunk.count
            if c.skipLineFeed {
                c.skipLineFeed = false
                if base[c.position] == 0x0A {
                    c.position += 1  // the CR already counted the line
                    continue
                }
            }
            if !started {
                if c.chunkBase + c.position >= stop { return false }  // the next part's first record
                started = true
                rowLine = c.line
            }
            switch state {
            case .fieldStart:
                guard c.fieldCount < InputLimits.csvColumns else {
                    throw limitError(
                        at: c.chunkBase + c.position, .tooManyFields,
                        "this record has more than \(InputLimits.grouped(InputLimits.csvColumns)) fields, the most preflight reads "
                            + "in one record (real exports have at most a few hundred columns)")
                }
                let quoted = base[c.position] == UInt8(ascii: "\"")
                c.startField(at: c.chunkBase + c.position, quoted: quoted)
                if quoted {
                    state = .quoted
                    c.rowQuoted = true
                    quoteOffset = c.chunkBase + c.position
                    quoteLine = c.line
                    c.position += 1
                } else {
                    state = .unquoted
                }
            case .unquoted:
                // Fast path: find the next delimiter or line end eight bytes at a time, then copy in one go.
                var index = Self.scan(base, from: c.position, to: end, delimiterMask: delimiterMask, quoted: false)
                while index < end {
                    let byte = base[index]
                    if byte == delimiter || byte == 0x0A || byte == 0x0D { break }
                    index += 1
                }
                c.append(base + c.position, index - c.position)
                c.position = index
                try checkLength(c, limit: limit, what: what)
                guard index < end else { continue }
                let byte = base[index]
                c.position += 1
                c.endField()
                if byte == delimiter {
                    state = .fieldStart
                    continue
                }
                c.endLine(byte)
                return true
            case .quoted:
                var index = c.position
                while index < end {
                    index = Self.scan(base, from: index, to: end, delimiterMask: delimiterMask, quoted: true)
                    guard index < end else { break }
                    let byte = base[index]
                    if byte == UInt8(ascii: "\"") { break }
                    if byte == 0x0A { c.line += 1 }
                    index += 1
                }
                c.append(base + c.position, index - c.position)
                c.position = index
                try checkLength(c, limit: limit, what: what)
                guard index < end else { continue }
                c.position += 1
                state = .afterQuote
            case .afterQuote:
                let byte = base[c.position]
                if byte == UInt8(ascii: "\"") {
                    c.append(base + c.position, 1)
                    c.position += 1
                    try checkLength(c, limit: limit, what: what)
                    state = .quoted
                } else if byte == delimiter {
                    c.position += 1
                    c.endField()
                    state = .fieldStart
                } else if byte == 0x0A || byte == 0x0D {
                    c.position += 1
                    c.endField()
                    c.endLine(byte)
                    return true
                } else if !strictQuotes {
                    state = .unquoted
                } else {
                    throw locatedError(
                        at: c.chunkBase + c.position, .textAfterQuote,
                        "the character '\(String(decoding: [byte], as: UTF8.self))' follows a closing quote. A quoted field must "
                            + "end right after its closing quote (a quote inside a field is written as two quotes). The file is "
                            + "not valid CSV; export it again rather than editing it by hand.")
                }
            }
        }
        // End of file.
        switch state {
        case .quoted:
            throw locatedError(
                at: quoteOffset, .unterminatedQuote(line: quoteLine),
                "a quoted field opened here (line \(quoteLine)) is never closed: the file ends inside it. The file is cut "
                    + "short or not valid CSV; export it again.")
        case .fieldStart:
            if !started { return false }
            c.startField(at: c.chunkBase + c.position, quoted: false)
            c.endField()
        case .unquoted, .afterQuote:
            c.endField()
        }
        return true
    }

    // MARK: Scanning eight bytes at a time

    // Computed, so they fold into the code: stored statics are lazy globals, checked on every use (4 % of the
    // inventory's time in `swift_once`, measured with perf).
    private static var ones: UInt64 { 0x0101_0101_0101_0101 }
    private static var highs: UInt64 { 0x8080_8080_8080_8080 }
    private static var lineFeeds: UInt64 { 0x0A0A_0A0A_0A0A_0A0A }
    private static var carriageReturns: UInt64 { 0x0D0D_0D0D_0D0D_0D0D }
    private static var quotes: UInt64 { 0x2222_2222_2222_2222 }

    /// Nonzero when a byte of `word` is zero; the lowest set bit marks the first such byte exactly.
    @inline(__always)
    private static func zeroBytes(_ word: UInt64) -> UInt64 { (word &- ones) & ~word & highs }

    /// Skips whole 8-byte words that hold no byte of interest (delimiter, LF, CR unquoted; quote, LF quoted) and
    /// returns where the byte-by-byte loop should continue. Little-endian loads: the lowest bits are the first byte.
    @inline(__always)
    private static func scan(
        _ base: UnsafePointer<UInt8>, from start: Int, to end: Int, delimiterMask: UInt64, quoted: Bool
    ) -> Int {
        var index = start
        let raw = UnsafeRawPointer(base)
        while index + 8 <= end {
            let word = UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: index, as: UInt64.self))
            let hits =
                quoted
                ? zeroBytes(word ^ quotes) | zeroBytes(word ^ lineFeeds)
                : zeroBytes(word ^ delimiterMask) | zeroBytes(word ^ lineFeeds) | zeroBytes(word ^ carriageReturns)
            if hits != 0 { return index + hits.trailingZeroBitCount / 8 }
            index += 8
        }
        return index
    }

    // MARK: Limits

    /// Throws when the field being read (the last one started) or the record has grown past its limit. Checked after
    /// every append, so the buffer holds at most one chunk more than the limit.
    @inline(__always)
    private func checkLength(_ c: Cursor, limit: Int, what: String) throws(InputFileError) {
        let fieldStart = c.fieldCount == 0 ? 0 : c.fieldEnds[c.fieldCount - 1]
        if c.byteCount - fieldStart > InputLimits.csvFieldBytes {
            let field = UnsafeBufferPointer(start: c.bytes + fieldStart, count: c.byteCount - fieldStart)
            let beginning = InputLimits.quote(utf8: field)
            throw limitError(
                at: c.fieldOffsets[c.fieldCount], .fieldTooLong(beginning: beginning),
                "the field that starts here is longer than \(InputLimits.size(InputLimits.csvFieldBytes)), the most preflight reads "
                    + "in one field (real exports hold a few kB at most); it begins '\(beginning)'")
        }
        if c.byteCount > limit {
            throw limitError(
                at: c.fieldOffsets[0], .recordTooLong(limit: limit),
                "\(what) that starts here is longer than \(InputLimits.size(limit)), the most preflight reads in \(what) (real "
                    + "exports hold a few kB); it begins '\(beginning(of: c))'")
        }
    }

    /// The first characters of the record being read, its fields joined by the delimiter again (quotes are not shown).
    private func beginning(of c: Cursor) -> String {
        let budget = InputLimits.quoteLength * 4 + 4
        var bytes: [UInt8] = []
        var start = 0
        for index in 0...c.fieldCount {  // the fields read, then the one being read
            let end = index < c.fieldCount ? c.fieldEnds[index] : c.byteCount
            if index > 0 { bytes.append(delimiter) }
            bytes.append(contentsOf: UnsafeBufferPointer(start: c.bytes + start, count: min(end - start, budget)))
            start = end
            if bytes.count >= budget { break }
        }
        return InputLimits.quote(String(decoding: bytes, as: UTF8.self))
    }

    private func limitError(at offset: Int, _ kind: CSVProblem.Kind, _ problem: String) -> InputFileError {
        locatedError(
            at: offset, kind,
            problem + ". The file is not an export preflight reads, or it is damaged; export it again (see the inventory commands of "
                + "docs/collecting-exports.md) and copy it unchanged.")
    }

    // MARK: Errors

    private func fieldCountError() -> InputFileError {
        let found = cursor.fieldCount
        let expected = header.count
        if found > expected {
            return locatedError(
                at: cursor.fieldOffsets[expected], .fieldCount(found: found, expected: expected),
                "this row has \(found) fields but the header has \(expected); the extra field starts here. A value with the "
                    + "delimiter ('\(String(decoding: [delimiter], as: UTF8.self))') in it must be quoted. Export the file again "
                    + "rather than editing it by hand.")
        }
        return locatedError(
            at: cursor.fieldOffsets[max(0, found - 1)], .fieldCount(found: found, expected: expected),
            "this row has \(found) field\(found == 1 ? "" : "s") but the header has \(expected) (\(CSVColumns(header).plain)). "
                + "The row is cut short or the file mixes delimiters; export it again rather than editing it by hand.")
    }

    fileprivate func fieldError(_ index: Int, _ message: String) -> InputFileError {
        locatedError(at: cursor.fieldOffsets[min(index, max(0, cursor.fieldCount - 1))], nil, message)
    }

    /// An error at a byte offset of the UTF-8 stream, located by reading the file again (errors are rare; the
    /// hot path does not track columns). `kind`: what the reader itself found, if it is the reader's error.
    private func locatedError(at offset: Int, _ kind: CSVProblem.Kind?, _ message: String) -> InputFileError {
        let (line, column) = (try? locate(offset: offset)) ?? (cursor.line, 1)
        return InputFileError(
            "\(path):\(line):\(column): in the file named by '\(key)', \(message)",
            csv: kind.map { CSVProblem(kind: $0, recordLine: rowLine) })
    }

    /// 1-based line and column (in characters) of a UTF-8 stream offset.
    func locate(offset: Int) throws(InputFileError) -> (Int, Int) {
        let source = try source.rewound()
        var seen = 0
        var line = 1
        var column = 1
        var previousCR = false
        while seen < offset {
            let chunk = try source.next()
            if chunk.isEmpty { break }
            for byte in chunk.prefix(offset - seen) {
                if byte == 0x0A {
                    if !previousCR { line += 1 }
                    column = 1
                } else if byte == 0x0D {
                    line += 1
                    column = 1
                } else if byte & 0xC0 != 0x80 {
                    column += 1
                }
                previousCR = byte == 0x0D
            }
            seen += chunk.count
        }
        return (line, column)
    }
}

extension CSVReader {
    package func columnName(_ index: Int) -> String { index < header.count ? header[index] : "column \(index + 1)" }

    /// An error about field `index` of the current row, located at the field's start.
    package func error(field index: Int, _ message: String) -> InputFileError {
        fieldError(index, message)
    }

    /// An error about the current row as a whole, located at its first field.
    package func error(row message: String) -> InputFileError {
        fieldError(0, message)
    }
}
