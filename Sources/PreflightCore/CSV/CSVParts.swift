import Foundation

/// How a large CSV file is cut into parts that several cores read at once.
package struct CSVSplit: Sendable {
    /// Files with fewer bytes of records than this are read in one part, on one thread.
    package var minimumBytes: Int
    /// The bytes of records in one part (the last part takes the rest).
    package var partBytes: Int

    /// 8 MiB parts from 16 MiB of records on: enough parts to keep two to eight cores busy to the end, few enough that
    /// each one's set-up (opening the file, a 1 MiB buffer) is noise.
    package static let standard = CSVSplit(minimumBytes: 16 << 20, partBytes: 8 << 20)

    /// Parts of `bytes` bytes whatever the file's size: the tests force the parallel path with it.
    package static func parts(of bytes: Int) -> CSVSplit { CSVSplit(minimumBytes: 0, partBytes: max(1, bytes)) }
}

/// The records of one CSV file, read in parts that run on any threads, then merged in file order as if one reader had
/// read the file from start to end: the same rows, the same counts, and the same first error with its true line and
/// column.
///
/// Each part but the first starts at a guess: the first line start after its share of the bytes. A guess that falls
/// inside a quoted field with line breaks reads nonsense, but it is never used: a part is kept only when it starts
/// exactly where the part before it ended (its last record read to its line end), which is where one sequential reader
/// would be. A part that does not, or that failed, is read again on the merging thread from where the previous part
/// ended, with the true line number, so an error it throws is the sequential reader's own. This is the speculative
/// scheme of Ge et al., "Speculative Distributed CSV Data Parsing for Big Data Analytics" (SIGMOD 2019,
/// https://doi.org/10.1145/3299869.3319898), without its quote-parity statistics: exports rarely break lines inside
/// quotes, and a wrong guess costs one part read twice.
///
/// UTF-16 files (transcoded as they are read) and files below `CSVSplit.minimumBytes` are one part, read by the reader
/// that read the header.
package final class CSVParts<Part: Sendable>: @unchecked Sendable {
    /// A part's reading: `body` reads rows with `nextRow()` until it returns false, and returns what it gathered.
    package typealias Body = @Sendable (CSVReader) throws(InputFileError) -> Part

    /// The reader of the header: its columns, delimiter, encoding and `#TYPE` line describe the whole file.
    package let header: CSVReader
    /// Data rows of every part, once `merged()` returns.
    package private(set) var rowCount = 0

    private let body: Body
    /// Where each part's share starts (UTF-8 stream offsets); the first is the header's end.
    private let starts: [Int]
    private let firstLine: Int
    /// Each part's outcome, written by its task alone and read by `merged()` after every task has returned.
    private let outcomes: [Outcome]

    final class Outcome {
        var start = 0
        var end = 0
        var lines = 0
        var rows = 0
        var result: Result<Part, InputFileError>?
    }

    /// Plans the parts of the file `header` has read the header of.
    package init(_ header: CSVReader, split: CSVSplit = .standard, body: @escaping Body) throws(InputFileError) {
        self.header = header
        self.body = body
        firstLine = header.line
        let start = try header.recordStart()
        let utf8 = header.encoding == .utf8 || header.encoding == .utf8BOM
        let size = (try? FileManager.default.attributesOfItem(atPath: header.path)[.size] as? Int) ?? nil
        let end = (size ?? 0) - (header.encoding == .utf8BOM ? 3 : 0)
        let bytes = end - start
        if utf8, size != nil, bytes >= split.minimumBytes, bytes > split.partBytes {
            let count = (bytes + split.partBytes - 1) / split.partBytes
            starts = (0..<count).map { start + bytes / count * $0 }
        } else {
            starts = [start]
        }
        outcomes = starts.map { _ in Outcome() }
    }

    package var count: Int { starts.count }

    /// One task per part: run them on any threads, in any order, then call `merged()`.
    package var tasks: [@Sendable () -> Void] {
        (0..<starts.count).map { index in { self.read(part: index) } }
    }

    /// The parts' results in file order, or the error a sequential reader would throw first.
    package func merged() throws(InputFileError) -> [Part] {
        if starts.count == 1 {
            if outcomes[0].result == nil { read(part: 0) }
            rowCount = header.rowCount
            return try [outcomes[0].result?.get()].compactMap { $0 }
        }
        var parts: [Part] = []
        parts.reserveCapacity(starts.count)
        var expected = starts[0]
        var line = firstLine
        for index in starts.indices {
            var outcome = outcomes[index]
            if outcome.result == nil || outcome.start != expected || (index > 0 && outcome.result?.isFailure == true) {
                // A wrong guess, or an error whose line numbers count from a guess: read it again from where it starts.
                outcome = Outcome()
                let reader = try CSVReader(partOf: header, from: expected, line: line, stop: stop(index), seekLineStart: false)
                run(reader, from: line, into: outcome)
            }
            guard let result = outcome.result else { continue }
            parts.append(try result.get())
            rowCount += outcome.rows
            line += outcome.lines
            expected = outcome.end
        }
        return parts
    }

    private func stop(_ index: Int) -> Int { index + 1 < starts.count ? starts[index + 1] : Int.max }

    private func read(part index: Int) {
        let outcome = outcomes[index]
        guard starts.count > 1 else {
            outcome.result = Result { () throws(InputFileError) in try body(header) }
            return
        }
        do throws(InputFileError) {
            // The first part starts right after the header, on its true line; the others at a guess, counting from 1.
            let line = index == 0 ? firstLine : 1
            let reader = try CSVReader(
                partOf: header, from: starts[index], line: line, stop: stop(index), seekLineStart: index > 0)
            run(reader, from: line, into: outcome)
        } catch {
            outcome.result = .failure(error)
        }
    }

    private func run(_ reader: CSVReader, from line: Int, into outcome: Outcome) {
        outcome.start = reader.bytesRead
        outcome.result = Result { () throws(InputFileError) in try body(reader) }
        outcome.end = reader.bytesRead
        outcome.lines = reader.line - line
        outcome.rows = reader.rowCount
    }
}

extension Result {
    fileprivate var isFailure: Bool {
        if case .failure = self { return true }
        return false
    }
}
