import Foundation
import Testing

/// The snapshot tests' one helper (swift-argument-parser's `AssertSnapshot` is the model): `assertSnapshot(text,
/// named: "report.md")` compares `text` byte for byte with `Tests/PreflightKitTests/Fixtures/golden/report.md`.
///
/// - On a mismatch the test fails with a unified line diff: `-` lines are the snapshot's, `+` lines what the test made.
/// - When the snapshot is missing, or `PREFLIGHT_RECORD_SNAPSHOTS=1` is set, it writes the snapshot and fails the test
///   saying it recorded: a recording run never passes, so no snapshot changes unseen. Review `git diff`, run again.
package enum Snapshot {
    /// `PREFLIGHT_RECORD_SNAPSHOTS=1 swift test …` records every snapshot the run reaches.
    package static let recordVariable = "PREFLIGHT_RECORD_SNAPSHOTS"

    /// Where the snapshots are (shared by the Kit and CLI tests).
    package static var folder: String { Repository.fixture("golden") }

    /// True when `environment` asks for recording.
    package static func recording(in environment: [String: String] = ProcessInfo.processInfo.environment) -> Bool {
        environment[recordVariable] == "1"
    }

    package enum Outcome: Equatable, Sendable {
        case matched
        /// The snapshot was written (`why`: it was missing, or recording was asked for).
        case recorded(path: String, why: String)
        /// The snapshot differs; `diff` is the unified line diff from the snapshot to the actual bytes.
        case mismatched(path: String, diff: String)
    }

    /// Compares `actual` with the snapshot `name` in `folder`, or records it; `assertSnapshot` turns this into the
    /// test's verdict.
    package static func compare(_ actual: Data, named name: String, in folder: String, record: Bool) throws -> Outcome {
        let path = (folder as NSString).appendingPathComponent(name)
        let existing = FileManager.default.contents(atPath: path)
        guard let existing, !record else {
            try FileManager.default.createDirectory(
                atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
            try actual.write(to: URL(fileURLWithPath: path), options: .atomic)
            return .recorded(path: path, why: existing == nil ? "it did not exist" : "\(recordVariable)=1")
        }
        if existing == actual { return .matched }
        return .mismatched(path: path, diff: lineDiff(from: existing, to: actual, names: ("snapshot " + name, "actual")))
    }

    /// A unified diff (`diff -u` style, `context` lines around each change) of two texts, compared line by line as
    /// bytes. Carriage returns and byte order marks are shown (`\r`, `\u{FEFF}`), as is a missing final newline.
    /// Empty when they are equal.
    package static func lineDiff(from old: Data, to new: Data, names: (old: String, new: String), context: Int = 3) -> String {
        let a = lines(old)
        let b = lines(new)
        guard a != b else { return "" }
        // One operation per line of either side: equal lines are shared, removals come before insertions.
        let difference = b.difference(from: a)
        var removed = Set<Int>()
        var inserted = Set<Int>()
        for change in difference {
            switch change {
            case .remove(let offset, _, _): removed.insert(offset)
            case .insert(let offset, _, _): inserted.insert(offset)
            }
        }
        enum Kind { case same, remove, insert }
        var operations: [(kind: Kind, old: Int, new: Int)] = []
        var i = 0
        var j = 0
        while i < a.count || j < b.count {
            if i < a.count, removed.contains(i) {
                operations.append((.remove, i, j))
                i += 1
            } else if j < b.count, inserted.contains(j) {
                operations.append((.insert, i, j))
                j += 1
            } else {
                operations.append((.same, i, j))
                i += 1
                j += 1
            }
        }
        // Hunks: each change with `context` lines either side, overlapping ones merged.
        let changed = operations.indices.filter { operations[$0].kind != .same }
        var hunks: [ClosedRange<Int>] = []
        for index in changed {
            let range = max(0, index - context)...min(operations.count - 1, index + context)
            if let last = hunks.last, range.lowerBound <= last.upperBound + 1 {
                hunks[hunks.count - 1] = last.lowerBound...range.upperBound
            } else {
                hunks.append(range)
            }
        }
        var out = ["--- \(names.old)", "+++ \(names.new)"]
        for hunk in hunks {
            let slice = operations[hunk]
            let oldCount = slice.filter { $0.kind != .insert }.count
            let newCount = slice.filter { $0.kind != .remove }.count
            let first = slice[slice.startIndex]
            // `diff -u` numbers from 1, and names the line before an empty range.
            let oldStart = oldCount == 0 ? first.old : first.old + 1
            let newStart = newCount == 0 ? first.new : first.new + 1
            out.append("@@ -\(oldStart),\(oldCount) +\(newStart),\(newCount) @@")
            for operation in slice {
                switch operation.kind {
                case .same: out += show(" ", a[operation.old])
                case .remove: out += show("-", a[operation.old])
                case .insert: out += show("+", b[operation.new])
                }
            }
        }
        return out.joined(separator: "\n") + "\n"
    }

    /// A line: its bytes without the line feed, and whether a line feed ended it (only the last line may lack one).
    struct Line: Equatable {
        var bytes: [UInt8]
        var terminated: Bool
    }

    static func lines(_ data: Data) -> [Line] {
        var result: [Line] = []
        var current: [UInt8] = []
        for byte in data {
            if byte == 0x0A {
                result.append(Line(bytes: current, terminated: true))
                current = []
            } else {
                current.append(byte)
            }
        }
        if !current.isEmpty { result.append(Line(bytes: current, terminated: false)) }
        return result
    }

    static func show(_ marker: String, _ line: Line) -> [String] {
        let text = String(decoding: line.bytes, as: UTF8.self).replacingOccurrences(of: "\r", with: "\\r")
            .replacingOccurrences(of: "\u{FEFF}", with: "\\u{FEFF}")
        return [marker + text] + (line.terminated ? [] : ["\\ No newline at end of file"])
    }
}

/// Compares `text` with the snapshot `name` (see `Snapshot`): fails with a line diff when they differ, and fails
/// saying it recorded when the snapshot was missing or `PREFLIGHT_RECORD_SNAPSHOTS=1` is set.
@discardableResult
package func assertSnapshot(
    _ text: String, named name: String, in folder: String = Snapshot.folder, record: Bool = Snapshot.recording(),
    sourceLocation: SourceLocation = #_sourceLocation
) -> Snapshot.Outcome? {
    assertSnapshot(Data(text.utf8), named: name, in: folder, record: record, sourceLocation: sourceLocation)
}

/// `assertSnapshot` for bytes (the CSV action plan's BOM and CRLFs are part of its snapshot).
@discardableResult
package func assertSnapshot(
    _ data: Data, named name: String, in folder: String = Snapshot.folder, record: Bool = Snapshot.recording(),
    sourceLocation: SourceLocation = #_sourceLocation
) -> Snapshot.Outcome? {
    let outcome: Snapshot.Outcome
    do {
        outcome = try Snapshot.compare(data, named: name, in: folder, record: record)
    } catch {
        Issue.record("The snapshot \(name) could not be read or written: \(error)", sourceLocation: sourceLocation)
        return nil
    }
    switch outcome {
    case .matched: break
    case .recorded(let path, let why):
        Issue.record(
            "Recorded the snapshot \(name) (\(why)) at \(path). Review it (git diff), then run the test again without \(Snapshot.recordVariable).",
            sourceLocation: sourceLocation)
    case .mismatched(_, let diff):
        Issue.record(
            "\(name) differs from its snapshot. If the change is intended, run with \(Snapshot.recordVariable)=1 and review the diff.\n\(diff)",
            sourceLocation: sourceLocation)
    }
    return outcome
}
