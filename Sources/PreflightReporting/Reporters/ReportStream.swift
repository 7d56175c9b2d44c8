/// Where a reporter writes its bytes: collected in a buffer of `chunkBytes` and handed to `sink` a chunk at a time, so
/// a report of a million findings goes to its file without ever being one string in memory.
package final class ReportStream {
    /// Computed, not stored: a stored static is a `swift_once` check on each of the writes that read it.
    static var chunkBytes: Int { 1 << 16 }

    // A buffer of exactly `chunkBytes`, filled through a pointer: a report makes hundreds of millions of small writes,
    // which an array's append (its uniqueness and capacity checks per call) made a fifth of writing the JSON report.
    // Unchecked: a stream is used by one writer at a time (`write` never calls out while it fills `storage`), so the
    // runtime's exclusivity check on each write would only cost time.
    private let storage = UnsafeMutablePointer<UInt8>.allocate(capacity: ReportStream.chunkBytes)
    @exclusivity(unchecked) private var count = 0
    private let sink: ([UInt8]) throws -> Void
    /// The sink's first error: every later write throws it again, so an error is never lost on the way out.
    private var failure: (any Error)?

    /// `sink` receives each full chunk (`chunkBytes`) and, at `finish()`, the rest; what it throws ends the writing.
    package init(sink: @escaping ([UInt8]) throws -> Void) {
        self.sink = sink
    }

    deinit { storage.deallocate() }

    package func write(_ text: String) throws {
        var text = text
        try text.withUTF8 { try write(bytes: $0) }
    }

    /// A literal (a key, a bracket, an indentation) without making a `String` of it.
    func write(_ text: StaticString) throws {
        // A literal of one Unicode scalar may be stored as that scalar, without a pointer to its bytes.
        guard text.hasPointerRepresentation else { return try write(text.description) }
        try write(bytes: UnsafeBufferPointer(start: text.utf8Start, count: text.utf8CodeUnitCount))
    }

    func write(byte: UInt8) throws {
        storage[count] = byte
        count += 1
        if count == Self.chunkBytes { try flush() }
    }

    /// Copied into the buffer, a chunk handed to the sink each time it fills. Inlined where it fits (nearly every
    /// write: a key, a value, an indentation); the rest goes through `fill`.
    @inline(__always)
    func write(bytes: UnsafeBufferPointer<UInt8>) throws {
        if let source = bytes.baseAddress, bytes.count < Self.chunkBytes - count {
            (storage + count).update(from: source, count: bytes.count)
            count += bytes.count
        } else {
            try fill(bytes)
        }
    }

    private func fill(_ bytes: UnsafeBufferPointer<UInt8>) throws {
        guard var source = bytes.baseAddress else { return }
        var left = bytes.count
        while left > 0 {
            let taken = min(left, Self.chunkBytes - count)
            (storage + count).update(from: source, count: taken)
            count += taken
            source += taken
            left -= taken
            if count == Self.chunkBytes { try flush() }
        }
    }

    /// Hands what is left to the sink.
    package func finish() throws { try flush() }

    private func flush() throws {
        if let failure { throw failure }
        guard count > 0 else { return }
        let chunk = Array(UnsafeBufferPointer(start: storage, count: count))
        count = 0
        do {
            try sink(chunk)
        } catch {
            failure = error
            throw error
        }
    }

    /// What `write` produces, as one string: `render` for the formats that stream (snapshots, `preflight render`).
    ///
    /// The reporters' `write` throws only what the sink throws (the JSON writer's one other error, a non-finite number,
    /// cannot occur: a report's only floating-point numbers are `JSONValue`s, which encode those as null), and this sink
    /// appends to an array, which never throws: the `try!` cannot fail.
    package static func collect(_ write: (ReportStream) throws -> Void) -> String {
        var bytes: [UInt8] = []
        let stream = ReportStream { bytes.append(contentsOf: $0) }
        try! write(stream)
        try! stream.finish()
        return String(decoding: bytes, as: UTF8.self)
    }
}
