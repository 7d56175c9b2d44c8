import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Reads a text file in fixed-size chunks and hands out UTF-8, whatever the file's encoding: UTF-8 with or
/// without BOM, or UTF-16LE/BE with BOM (what Windows PowerShell's `Out-File` writes). Memory stays constant
/// however large the file is. Text a reader has already decoded is handed out from memory, as one chunk.
package final class UTF8ChunkSource {
    package enum Encoding: String, Sendable {
        case utf8 = "UTF-8"
        case utf8BOM = "UTF-8 with BOM"
        case utf16LE = "UTF-16LE"
        case utf16BE = "UTF-16BE"
    }

    package static let chunkSize = 1 << 20

    package let path: String
    package let key: String
    package private(set) var encoding: Encoding = .utf8
    /// The open file, or -1 when the text is in memory (`text`, copied into `raw`).
    private let descriptor: Int32
    private let text: String?
    private let raw: UnsafeMutableBufferPointer<UInt8>
    /// UTF-16 only: the transcoded output (at most 3 bytes per UTF-16 code unit).
    private var transcoded: UnsafeMutableBufferPointer<UInt8>?
    private var pendingByte: UInt8?
    private var pendingHighSurrogate: UInt16?
    private var started = false
    private var finished = false

    package init(path: String, key: String) throws(InputFileError) {
        self.path = path
        self.key = key
        text = nil
        if let problem = InputFile.notRegularFile(path, describedAs: "The file named by '\(key)',") { throw InputFileError(problem) }
        descriptor = open(path, O_RDONLY)
        guard descriptor >= 0 else {
            throw InputFileError(
                "Cannot read '\(path)' (named by '\(key)'): \(String(cString: strerror(errno))). Check the path (relative paths "
                    + "resolve against the configuration file's folder) and the file's permissions.")
        }
        raw = .allocate(capacity: Self.chunkSize)
    }

    /// The same UTF-8 file from byte `offset` of its UTF-8 stream on (after any byte-order mark, whose encoding
    /// `encoding` says): one part of a file `CSVParts` reads in parallel.
    package convenience init(path: String, key: String, encoding: Encoding, offset: Int) throws(InputFileError) {
        try self.init(path: path, key: key)
        self.encoding = encoding
        started = true
        let start = off_t(offset + (encoding == .utf8BOM ? 3 : 0))
        guard lseek(descriptor, start, SEEK_SET) == start else {
            throw InputFileError("Cannot read '\(path)' (named by '\(key)'): \(String(cString: strerror(errno))).")
        }
    }

    /// Text already read and decoded (from the file at `path`, named by `key`): one chunk, its UTF-8.
    package init(text: String, path: String, key: String) {
        self.path = path
        self.key = key
        self.text = text
        descriptor = -1
        raw = .allocate(capacity: text.utf8.count)
        _ = raw.initialize(from: text.utf8)
        started = true
    }

    /// A new source at the start of the same text.
    package func rewound() throws(InputFileError) -> UTF8ChunkSource {
        if let text { return UTF8ChunkSource(text: text, path: path, key: key) }
        return try UTF8ChunkSource(path: path, key: key)
    }

    deinit {
        if descriptor >= 0 { close(descriptor) }
        raw.deallocate()
        transcoded?.deallocate()
    }

    /// The next chunk of UTF-8 bytes (valid until the next call), or an empty buffer at the end of the file.
    package func next() throws(InputFileError) -> UnsafeBufferPointer<UInt8> {
        if descriptor < 0 {
            defer { finished = true }
            return finished ? UnsafeBufferPointer(start: nil, count: 0) : UnsafeBufferPointer(raw)
        }
        while !finished {
            let count = try fill()
            var start = 0
            if !started && count > 0 {
                started = true
                start = detectEncoding(count: count)
            }
            switch encoding {
            case .utf8, .utf8BOM:
                if count == 0 {
                    finished = true
                } else if count > start {
                    return UnsafeBufferPointer(rebasing: raw[start..<count])
                }
            case .utf16LE, .utf16BE:
                let produced = transcode(from: start, count: count)  // count 0 flushes what is pending
                if count == 0 { finished = true }
                if produced > 0, let transcoded { return UnsafeBufferPointer(rebasing: transcoded[0..<produced]) }
            }
        }
        return UnsafeBufferPointer(start: nil, count: 0)
    }

    private func fill() throws(InputFileError) -> Int {
        while true {
            let count = read(descriptor, raw.baseAddress, raw.count)
            if count >= 0 { return count }
            if errno == EINTR { continue }
            throw InputFileError("Cannot read '\(path)' (named by '\(key)'): \(String(cString: strerror(errno))).")
        }
    }

    /// Returns how many leading bytes are a byte-order mark.
    private func detectEncoding(count: Int) -> Int {
        if count >= 3, raw[0] == 0xEF, raw[1] == 0xBB, raw[2] == 0xBF {
            encoding = .utf8BOM
            return 3
        }
        var bomLength = 2
        if count >= 2, raw[0] == 0xFF, raw[1] == 0xFE {
            encoding = .utf16LE
        } else if count >= 2, raw[0] == 0xFE, raw[1] == 0xFF {
            encoding = .utf16BE
        } else if count >= 2, raw[0] != 0, raw[1] == 0 {
            // UTF-16LE without BOM (some tools): an ASCII first character leaves a zero high byte.
            (encoding, bomLength) = (.utf16LE, 0)
        } else if count >= 2, raw[0] == 0, raw[1] != 0 {
            (encoding, bomLength) = (.utf16BE, 0)
        } else {
            return 0
        }
        transcoded = .allocate(capacity: Self.chunkSize / 2 * 3 + 8)
        return bomLength
    }

    /// UTF-16 → UTF-8 for one raw chunk, carrying an odd byte and an unpaired high surrogate to the next chunk.
    private func transcode(from start: Int, count: Int) -> Int {
        // `detectEncoding` allocates the buffer whenever it picks UTF-16, the only encodings that come here.
        guard let out = transcoded else { return 0 }
        var produced = 0
        var index = start
        let littleEndian = encoding == .utf16LE

        func emit(_ scalar: UInt32) {
            if scalar < 0x80 {
                out[produced] = UInt8(scalar)
                produced += 1
            } else if scalar < 0x800 {
                out[produced] = UInt8(0xC0 | (scalar >> 6))
                out[produced + 1] = UInt8(0x80 | (scalar & 0x3F))
                produced += 2
            } else if scalar < 0x10000 {
                out[produced] = UInt8(0xE0 | (scalar >> 12))
                out[produced + 1] = UInt8(0x80 | ((scalar >> 6) & 0x3F))
                out[produced + 2] = UInt8(0x80 | (scalar & 0x3F))
                produced += 3
            } else {
                out[produced] = UInt8(0xF0 | (scalar >> 18))
                out[produced + 1] = UInt8(0x80 | ((scalar >> 12) & 0x3F))
                out[produced + 2] = UInt8(0x80 | ((scalar >> 6) & 0x3F))
                out[produced + 3] = UInt8(0x80 | (scalar & 0x3F))
                produced += 4
            }
        }

        func unit(_ first: UInt8, _ second: UInt8) {
            let value = littleEndian ? UInt16(first) | UInt16(second) << 8 : UInt16(first) << 8 | UInt16(second)
            if let high = pendingHighSurrogate {
                pendingHighSurrogate = nil
                if value >= 0xDC00 && value <= 0xDFFF {
                    emit(0x10000 + ((UInt32(high) - 0xD800) << 10) + (UInt32(value) - 0xDC00))
                    return
                }
                emit(0xFFFD)
            }
            if value >= 0xD800 && value <= 0xDBFF {
                pendingHighSurrogate = value
            } else if value >= 0xDC00 && value <= 0xDFFF {
                emit(0xFFFD)
            } else {
                emit(UInt32(value))
            }
        }

        if let first = pendingByte, index < count {
            pendingByte = nil
            unit(first, raw[index])
            index += 1
        }
        while index + 1 < count {
            unit(raw[index], raw[index + 1])
            index += 2
        }
        if index < count { pendingByte = raw[index] }
        if count == 0 {
            // End of file: a dangling half unit or surrogate becomes U+FFFD rather than vanishing.
            if pendingByte != nil || pendingHighSurrogate != nil { emit(0xFFFD) }
            pendingByte = nil
            pendingHighSurrogate = nil
        }
        return produced
    }
}
