import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// The bind password, in one buffer of its own: not a Swift `String` (which is copied freely and can never be wiped),
/// filled straight from its source, handed to libldap as a `berval`, and zeroed with `explicit_bzero` once the bind is
/// done (``wipe()``, which the directory checks call right after the connection is open) and again when released.
package final class LDAPSecret: @unchecked Sendable {
    private let lock = NSLock()
    private let buffer: UnsafeMutableBufferPointer<UInt8>
    private var wiped = false

    /// Copies `bytes` (a password's UTF-8) into a new buffer.
    package init(bytes: some Collection<UInt8>) {
        buffer = .allocate(capacity: max(1, bytes.count))
        buffer.initialize(repeating: 0)
        _ = UnsafeMutableBufferPointer(rebasing: buffer[0..<bytes.count]).initialize(from: bytes)
        count = bytes.count
    }

    package convenience init(_ password: String) { self.init(bytes: password.utf8) }

    /// How many bytes the password has (still known after ``wipe()``).
    package let count: Int
    package var isEmpty: Bool { count == 0 }

    /// The password's bytes, for the bind; empty once wiped.
    package func withBytes<T>(_ body: (UnsafeMutableBufferPointer<UInt8>) throws -> T) rethrows -> T {
        try lock.withLock { try body(wiped ? UnsafeMutableBufferPointer(rebasing: buffer[0..<0]) : UnsafeMutableBufferPointer(rebasing: buffer[0..<count])) }
    }

    /// Overwrites the password with zeros, in a way the compiler may not optimise away.
    package func wipe() {
        lock.withLock {
            Self.zero(buffer)
            wiped = true
        }
    }

    /// Every byte of the buffer is zero (for tests: the seam that shows the wipe happened).
    var isWiped: Bool { lock.withLock { wiped && buffer.allSatisfy { $0 == 0 } } }

    deinit {
        Self.zero(buffer)
        buffer.deallocate()
    }

    /// Overwrites `buffer` with zeros, in a way the compiler may not optimise away.
    private static func zero(_ buffer: UnsafeMutableBufferPointer<UInt8>) {
        if let base = buffer.baseAddress { explicit_bzero(base, buffer.count) }
    }

    /// Reads a password file into a buffer of its own (no `Data`, no `String`); leading and trailing CR and LF are an
    /// editor's, not the password's. Nil when the file cannot be read.
    package static func read(file path: String, limit: Int = 64 << 10) -> LDAPSecret? {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        let scratch = UnsafeMutableBufferPointer<UInt8>.allocate(capacity: limit)
        defer {
            zero(scratch)
            scratch.deallocate()
        }
        guard let base = scratch.baseAddress else { return nil }
        var filled = 0
        while filled < limit {
            let count = Glibc.read(fd, base + filled, limit - filled)
            if count < 0, errno == EINTR { continue }
            if count < 0 { return nil }
            if count == 0 { break }
            filled += count
        }
        var start = 0
        var end = filled
        let newline: (UInt8) -> Bool = { $0 == 0x0A || $0 == 0x0D }
        while start < end, newline(scratch[start]) { start += 1 }
        while end > start, newline(scratch[end - 1]) { end -= 1 }
        return LDAPSecret(bytes: UnsafeMutableBufferPointer(rebasing: scratch[start..<end]))
    }
}
