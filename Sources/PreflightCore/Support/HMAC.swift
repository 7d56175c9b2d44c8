/// HMAC-SHA256 (RFC 2104, FIPS 198-1) over the package's own `SHA256`: the keyed hash behind `--redact`'s pseudonyms.
/// Nothing else needs a MAC, and SHA-256 is already here, so no crypto library is linked for it (RFC 4231's test
/// vectors hold it to the standard, `HMACTests`).
package struct HMACSHA256: Sendable {
    private static let blockSize = 64
    /// SHA-256 after the key XORed with the inner and outer pads (one block each), computed once per key: each message
    /// then costs its own blocks and the outer hash's last one, not the pads' blocks again.
    private let inner: SHA256.Stream
    private let outer: SHA256.Stream

    package init(key: some Collection<UInt8>) {
        // A key longer than a block is hashed first; a shorter one is padded with zeros.
        var block = key.count > Self.blockSize ? SHA256.hash(Array(key)) : Array(key)
        block += [UInt8](repeating: 0, count: Self.blockSize - block.count)
        var inner = SHA256.Stream()
        inner.update(block.map { $0 ^ 0x36 })
        var outer = SHA256.Stream()
        outer.update(block.map { $0 ^ 0x5c })
        self.inner = inner
        self.outer = outer
    }

    package func authenticate(_ message: some Collection<UInt8>) -> [UInt8] {
        var inner = self.inner
        inner.update(message)
        var outer = self.outer
        outer.update(inner.finish())
        return outer.finish()
    }
}
