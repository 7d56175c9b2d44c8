/// HMAC-SHA256 (RFC 2104, FIPS 198-1) over the package's own `SHA256`: the keyed hash behind `--redact`'s pseudonyms.
/// Nothing else needs a MAC, and SHA-256 is already here, so no crypto library is linked for it (RFC 4231's test
/// vectors hold it to the standard, `HMACTests`).
package struct HMACSHA256: Sendable {
    private static let blockSize = 64
    /// The key XORed with the inner and outer pads, computed once per key.
    private let innerPad: [UInt8]
    private let outerPad: [UInt8]

    package init(key: some Collection<UInt8>) {
        // A key longer than a block is hashed first; a shorter one is padded with zeros.
        var block = key.count > Self.blockSize ? SHA256.hash(Array(key)) : Array(key)
        block += [UInt8](repeating: 0, count: Self.blockSize - block.count)
        innerPad = block.map { $0 ^ 0x36 }
        outerPad = block.map { $0 ^ 0x5c }
    }

    package func authenticate(_ message: some Collection<UInt8>) -> [UInt8] {
        var inner = SHA256.Stream()
        inner.update(innerPad)
        inner.update(message)
        var outer = SHA256.Stream()
        outer.update(outerPad)
        outer.update(inner.finish())
        return outer.finish()
    }
}
