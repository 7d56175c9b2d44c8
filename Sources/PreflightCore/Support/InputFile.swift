import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Guards every input file is read through before a reader or parser sees it.
package enum InputFile {
    /// Refuses anything but a regular file (after symlinks), before it is opened: opening a FIFO blocks until a
    /// writer comes, a device such as /dev/zero never ends, and a directory is no export. `stat` never blocks.
    package static func requireRegularFile(_ path: String, describedAs what: String) throws {
        if let problem = notRegularFile(path, describedAs: what) { throw ProbeError(problem, at: InputLocation(file: path)) }
    }

    /// Refuses a file larger than `limit` before it is read whole into memory. `what` completes "the most preflight
    /// reads of …".
    package static func requireSize(_ path: String, limit: Int, describedAs description: String, of what: String) throws {
        if let size = InputLimits.fileSize(path), size > limit {
            throw ProbeError(
                "\(description) '\(path)' " + InputLimits.tooLarge(size, limit: limit, what: what),
                at: InputLocation(file: path, bytes: size, limitBytes: limit))
        }
    }

    /// The sentence `requireRegularFile` throws, for readers with error types of their own; nil for a regular file
    /// or a missing one (whose reader says so more precisely).
    package static func notRegularFile(_ path: String, describedAs what: String) -> String? {
        nonRegularKind(path).map { "\(what) '\(path)' is \($0), \(refusal)" }
    }

    /// Completes "'key' names 'path', which …" for the configuration checks made before anything runs.
    package static func whichIsNotRegular(_ path: String) -> String? {
        nonRegularKind(path).map { "which is \($0), \(refusal)" }
    }

    private static let refusal =
        "not a regular file; preflight reads only regular files, so that a run can never block or read without end. "
        + "Save the export to a file and name that file."

    /// What `path` is when it exists and is not a regular file (symlinks followed): a FIFO, a device, …
    private static func nonRegularKind(_ path: String) -> String? {
        var info = stat()
        guard stat(path, &info) == 0 else { return nil }
        switch info.st_mode & S_IFMT {
        case S_IFREG: return nil
        case S_IFIFO: return "a named pipe (FIFO)"
        case S_IFCHR, S_IFBLK: return "a device"
        case S_IFSOCK: return "a socket"
        case S_IFDIR: return "a folder"
        default: return "not a regular file"
        }
    }

    /// The first place `path` stops being UTF-8 (RFC 3629: no overlong forms, no surrogates, nothing past U+10FFFF),
    /// read in chunks. Foundation's XMLParser on Linux traps (SIGILL) when libxml2 hands it a tag name that is not
    /// UTF-8, so UTF-8 XML goes to it only after this check. nil when the whole file is valid.
    package static func firstInvalidUTF8(inFileAt path: String) -> (line: Int, column: Int, offset: Int)? {
        guard let handle = FileHandle(forReadingAtPath: path) else { return nil }
        defer { try? handle.close() }
        var validator = UTF8Validator()
        while let chunk = try? handle.read(upToCount: 1 << 20), !chunk.isEmpty {
            if let bad = validator.feed(chunk) { return bad }
        }
        return validator.finish()
    }
}

/// A byte-at-a-time UTF-8 validator that keeps its state across chunks and counts lines and columns.
struct UTF8Validator {
    private var needed = 0
    private var low: UInt8 = 0x80
    private var high: UInt8 = 0xBF
    private var offset = 0
    private var line = 1
    private var column = 0
    /// Where the sequence being read began, for the error's position.
    private var sequenceStart = (line: 1, column: 1, offset: 0)

    mutating func feed(_ bytes: Data) -> (line: Int, column: Int, offset: Int)? {
        for byte in bytes {
            defer { offset += 1 }
            if needed > 0 {
                guard byte >= low && byte <= high else { return sequenceStart }
                needed -= 1
                (low, high) = (0x80, 0xBF)
                continue
            }
            column += 1
            sequenceStart = (line, column, offset)
            switch byte {
            case 0x0A:
                line += 1
                column = 0
            case 0x00...0x7F: break
            case 0xC2...0xDF: needed = 1
            case 0xE0: (needed, low) = (2, 0xA0)
            case 0xE1...0xEC, 0xEE...0xEF: needed = 2
            case 0xED: (needed, high) = (2, 0x9F)
            case 0xF0: (needed, low) = (3, 0x90)
            case 0xF1...0xF3: needed = 3
            case 0xF4: (needed, high) = (3, 0x8F)
            default: return sequenceStart
            }
        }
        return nil
    }

    /// A file that ends inside a sequence is not UTF-8 either.
    func finish() -> (line: Int, column: Int, offset: Int)? { needed > 0 ? sequenceStart : nil }
}
