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
    /// Takes each part's result in file order, as soon as it and every part before it are read: on whichever thread
    /// read the last of them, one call at a time, so the merging overlaps the reading of later parts.
    package typealias Merge = (Part) throws(InputFileError) -> Void

    /// The reader of the header: its columns, delimiter, encoding and `#TYPE` line describe the whole file.
    package let header: CSVReader
    /// Data rows of every part, once `finish()` returns.
    package private(set) var rowCount = 0

    private let body: Body
    private var merge: Merge = { _ throws(InputFileError) in }
    /// Where each part's share starts (UTF-8 stream offsets); the first is the header's end.
    private let starts: [Int]
    private let firstLine: Int
    /// Each part's outcome, written by its task alone before it marks the part `done`.
    private let outcomes: [Outcome]

    /// Guards `done`, `next` and `failed`: held for a moment only.
    private let stateLock = NSLock()
    private var done: [Bool]
    /// The next part to merge.
    private var next = 0
    /// Set once merging has met an error: the parts not yet read are skipped.
    private var failed = false
    /// Held by the thread that merges; guards what follows.
    private let mergeLock = NSLock()
    private var expected: Int
    private var line: Int
    private var error: InputFileError?
    private var collected: [Part] = []

    final class Outcome {
        var start = 0
        var end = 0
        var lines = 0
        var rows = 0
        var result: Result<Part, InputFileError>?
    }

    /// Plans the parts of the file `header` has read the header of; `merge` takes their results in file order.
    package init(_ header: CSVReader, split: CSVSplit = .standard, body: @escaping Body, merge: @escaping Merge)
        throws(InputFileError)
    {
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
        done = starts.map { _ in false }
        expected = start
        line = firstLine
        self.merge = merge
    }

    /// The same, keeping the parts' results for `merged()`.
    package convenience init(_ header: CSVReader, split: CSVSplit = .standard, body: @escaping Body) throws(InputFileError) {
        try self.init(header, split: split, body: body, merge: { _ throws(InputFileError) in })
        merge = { [unowned self] part throws(InputFileError) in collected.append(part) }
    }

    package var count: Int { starts.count }

    /// One task per part: run them on any threads, in any order, then call `finish()`.
    package var tasks: [@Sendable () -> Void] {
        (0..<starts.count).map { index in { self.run(part: index) } }
    }

    /// Merges what the tasks have not (reading the parts no task read); throws the error a sequential reader would
    /// throw first.
    package func finish() throws(InputFileError) {
        for index in starts.indices where !stateLock.withLock({ done[index] || failed }) { run(part: index) }
        mergeLock.lock()
        mergeReady()
        mergeLock.unlock()
        if let error { throw error }
    }

    /// `finish()`, then the parts' results in file order (for a `CSVParts` made without `merge`).
    package func merged() throws(InputFileError) -> [Part] {
        try finish()
        return collected
    }

    private func stop(_ index: Int) -> Int { index + 1 < starts.count ? starts[index + 1] : Int.max }

    private func run(part index: Int) {
        if !stateLock.withLock({ failed }) { read(part: index) }
        stateLock.withLock { done[index] = true }
        // Merge what is ready, unless another thread is merging; a part it did not see yet is looked at again.
        while mergeLock.try() {
            mergeReady()
            mergeLock.unlock()
            guard stateLock.withLock({ !failed && next < done.count && done[next] }) else { return }
        }
    }

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
            read(reader, from: line, into: outcome)
        } catch {
            outcome.result = .failure(error)
        }
    }

    private func read(_ reader: CSVReader, from line: Int, into outcome: Outcome) {
        outcome.start = reader.bytesRead
        outcome.result = Result { () throws(InputFileError) in try body(reader) }
        outcome.end = reader.bytesRead
        outcome.lines = reader.line - line
        outcome.rows = starts.count > 1 ? reader.rowCount : 0
    }

    /// With `mergeLock` held: merges the parts read, in order, from `next` on.
    private func mergeReady() {
        while error == nil, let index = stateLock.withLock({ next < done.count && done[next] ? next : nil }) {
            var outcome = outcomes[index]
            if starts.count > 1 && (outcome.start != expected || (index > 0 && outcome.result?.isFailure == true)) {
                // A wrong guess, or an error whose line numbers count from a guess: read it again from where it starts.
                outcome = Outcome()
                do throws(InputFileError) {
                    let reader = try CSVReader(partOf: header, from: expected, line: line, stop: stop(index), seekLineStart: false)
                    read(reader, from: line, into: outcome)
                } catch {
                    outcome.result = .failure(error)
                }
            }
            // A part is skipped only once merging has failed, and then this loop has stopped before it.
            guard let result = outcome.result else { return }
            do throws(InputFileError) {
                try merge(try result.get())
            } catch {
                self.error = error
                stateLock.withLock { failed = true }
                return
            }
            outcomes[index].result = nil  // merged: its memory is freed
            rowCount += starts.count > 1 ? outcome.rows : header.rowCount
            line += outcome.lines
            expected = outcome.end
            stateLock.withLock { next += 1 }
        }
    }
}

extension Result {
    fileprivate var isFailure: Bool {
        if case .failure = self { return true }
        return false
    }
}
