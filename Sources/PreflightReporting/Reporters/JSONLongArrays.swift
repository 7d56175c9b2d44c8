import Foundation
import PreflightCore

/// The arrays a report holds a million elements of (a check's findings, `readiness.users`, an action's subjects),
/// encoded on two threads: the array is cut into parts of `partSize` elements, each written into a buffer of its own by
/// the same code as the rest of the report (`writeFinding`, `writeUser`, `writeString`), and the buffers go to the
/// stream in the array's order. The bytes are those of writing the elements one after the other; a million-user
/// tenant's JSON report then takes both cores instead of one. Memory: two parts at a time (a few megabytes).
extension JSONStreamWriter {
    /// Elements per part: about 2 MB of findings' text, enough that handing a part to the other thread costs nothing
    /// measurable, small enough that the two parts in flight stay far below the report's own size.
    static let defaultPartSize = 8192

    /// `elements` as a JSON array at `depth`, each by `element` (given the writer of its part and its depth); arrays of
    /// more than one part are encoded two parts at a time, one on this thread and one on `encodingQueue`.
    func writeLongArray<Element: Sendable>(
        _ elements: [Element], depth: Int, _ element: @escaping @Sendable (JSONStreamWriter, Element, Int) throws -> Void
    ) throws {
        guard elements.count > partSize else {
            try writeArray(elements, depth: depth) { value, depth in try element(self, value, depth) }
            return
        }
        try stream.write("[\n" as StaticString)
        var start = 0
        while start < elements.count {
            let mine = start..<min(start + partSize, elements.count)
            let theirs = mine.upperBound..<min(mine.upperBound + partSize, elements.count)
            let other = EncodedPart()
            let done = DispatchGroup()
            if !theirs.isEmpty {
                Self.encodingQueue.async(group: done) { other.bytes = Self.encode(elements, theirs, depth: depth, element) }
            }
            let bytes = Self.encode(elements, mine, depth: depth, element)
            done.wait()
            try write(bytes)
            if !theirs.isEmpty { try write(other.bytes) }
            start = theirs.isEmpty ? mine.upperBound : theirs.upperBound
        }
        try close("]", depth: depth)
    }

    /// A serial queue of its own, so its thread never waits for the shared pool that the formats written side by side
    /// (`ReportWriter`) already occupy.
    private static let encodingQueue = DispatchQueue(label: "preflight.json-long-arrays")

    /// The elements of `range`, each with what comes before it in the array (`beginElement`), as the chunks of a stream
    /// of their own (chunks of 64 KiB come from the heap and go back to it; one growing buffer of megabytes would be
    /// mapped and unmapped for each part, its pages faulted in each time). Collecting cannot fail: a part's only error
    /// would be its sink's.
    private static func encode<Element>(
        _ elements: [Element], _ range: Range<Int>, depth: Int, _ element: (JSONStreamWriter, Element, Int) throws -> Void
    ) -> Result<[[UInt8]], any Error> {
        Result {
            var chunks: [[UInt8]] = []
            let stream = ReportStream { chunks.append($0) }
            let writer = JSONStreamWriter(stream: stream)
            for index in range {
                try writer.beginElement(index, depth: depth)
                try element(writer, elements[index], depth + 1)
            }
            try stream.finish()
            return chunks
        }
    }

    private func write(_ part: Result<[[UInt8]], any Error>) throws {
        for chunk in try part.get() { try chunk.withUnsafeBufferPointer { try stream.write(bytes: $0) } }
    }
}

/// What the other thread encoded; read only after the group it ran in is waited for.
private final class EncodedPart: @unchecked Sendable {
    var bytes: Result<[[UInt8]], any Error> = .success([])
}
