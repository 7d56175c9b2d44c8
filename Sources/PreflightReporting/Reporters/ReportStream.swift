/// Where a reporter writes its bytes: collected in a buffer of `chunkBytes` and handed to `sink` a chunk at a time, so
/// a report of a million findings goes to its file without ever being one string in memory.
package final class ReportStream {
    static let chunkBytes = 1 << 16

    // Unchecked: a report makes millions of small writes, and a stream is used by one writer at a time (`write` never
    // calls out while it holds `buffer`), so the runtime's exclusivity check on each would only cost time.
    @exclusivity(unchecked) private var buffer: [UInt8] = []
    private let sink: ([UInt8]) throws -> Void
    /// The sink's first error: every later write throws it again, so an error is never lost on the way out.
    private var failure: (any Error)?

    /// `sink` receives each full chunk and, at `finish()`, the rest; what it throws ends the writing.
    package init(sink: @escaping ([UInt8]) throws -> Void) {
        self.sink = sink
        buffer.reserveCapacity(Self.chunkBytes)
    }

    package func write(_ text: String) throws {
        buffer.append(contentsOf: text.utf8)
        if buffer.count >= Self.chunkBytes { try flush() }
    }

    /// A literal (a key, a bracket, an indentation) without making a `String` of it.
    func write(_ text: StaticString) throws {
        text.withUTF8Buffer { buffer.append(contentsOf: $0) }
        if buffer.count >= Self.chunkBytes { try flush() }
    }

    func write(byte: UInt8) throws {
        buffer.append(byte)
        if buffer.count >= Self.chunkBytes { try flush() }
    }

    /// Bytes that may be large (a copied file) go a chunk at a time.
    func write(bytes: UnsafeBufferPointer<UInt8>) throws {
        if bytes.count < Self.chunkBytes {
            buffer.append(contentsOf: bytes)
            if buffer.count >= Self.chunkBytes { try flush() }
            return
        }
        var start = 0
        while start < bytes.count {
            let end = min(bytes.count, start + Self.chunkBytes)
            buffer.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[start..<end]))
            if buffer.count >= Self.chunkBytes { try flush() }
            start = end
        }
    }

    /// Hands what is left to the sink.
    package func finish() throws { try flush() }

    private func flush() throws {
        if let failure { throw failure }
        guard !buffer.isEmpty else { return }
        do {
            try sink(buffer)
        } catch {
            failure = error
            throw error
        }
        buffer.removeAll(keepingCapacity: true)
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
