/// UPNs as keys of the user table: hashed and compared ignoring ASCII case (as Entra ID matches them), eight bytes at
/// a time. Two million lookups in the 1,000,000-user benchmark made the byte-at-a-time versions a sixth of the run.
/// Also the readiness join's user keys (`UserKey`). Inlinable: the inventory's readers call it per row, from another
/// module.
package enum UPNKey {
    @inlinable static var ones: UInt64 { 0x0101_0101_0101_0101 }

    /// The eight bytes of `word` with ASCII `A`–`Z` lowered; every other byte (UTF-8 ones included) unchanged, as
    /// `FieldValue.lowercase` does one byte. Per byte, on its low seven bits `h`: `h + 0x3F` sets bit 7 when `h >= 0x41`
    /// and `h + 0x25` when `h >= 0x5B`; neither sum exceeds 0xFF, so no carry crosses into the next byte. A byte with
    /// bit 7 set (not ASCII) is left out. The flag (bit 7) shifted right by two is 0x20, the case bit.
    @inlinable @inline(__always)
    package static func lowered(_ word: UInt64) -> UInt64 {
        let low = word & (0x7F &* ones)
        let atLeastA = low &+ (0x3F &* ones)
        let pastZ = low &+ (0x25 &* ones)
        let upper = atLeastA & ~pastZ & ~word & (0x80 &* ones)
        return word | (upper >> 2)
    }

    /// The bytes from `index` to the end (fewer than eight) as one little-endian word, zero-filled.
    @inlinable @inline(__always)
    static func tail(_ bytes: UnsafeBufferPointer<UInt8>, from index: Int) -> UInt64 {
        var word: UInt64 = 0
        for offset in index..<bytes.count { word |= UInt64(bytes[offset]) << (8 * UInt64(offset - index)) }
        return word
    }

    /// A 64-bit hash of the lowered bytes, well mixed in its low bits for linear probing (`mix`).
    @inlinable @inline(__always)
    package static func hash(_ bytes: UnsafeBufferPointer<UInt8>) -> UInt64 {
        var hash: UInt64 = 0x9E37_79B9_7F4A_7C15 ^ UInt64(bytes.count)
        guard let base = bytes.baseAddress else { return mix(hash) }
        let raw = UnsafeRawPointer(base)
        var index = 0
        // Bounds: each load reads bytes index..<index + 8, and the loop runs only while index + 8 <= bytes.count.
        while index + 8 <= bytes.count {
            hash = (hash ^ lowered(raw.loadUnaligned(fromByteOffset: index, as: UInt64.self))) &* 0x0000_0100_0000_01B3
            hash ^= hash >> 29
            index += 8
        }
        if index < bytes.count { hash = (hash ^ lowered(tail(bytes, from: index))) &* 0x0000_0100_0000_01B3 }
        return mix(hash)
    }

    /// Whether the two are the same ignoring ASCII case.
    @inlinable @inline(__always)
    package static func equal(_ left: UnsafeBufferPointer<UInt8>, _ right: UnsafeBufferPointer<UInt8>) -> Bool {
        guard left.count == right.count else { return false }
        guard let leftBase = left.baseAddress, let rightBase = right.baseAddress else { return true }  // both empty
        let (leftRaw, rightRaw) = (UnsafeRawPointer(leftBase), UnsafeRawPointer(rightBase))
        var index = 0
        // Bounds: as in `hash`, and both buffers have `left.count` bytes.
        while index + 8 <= left.count {
            let a = leftRaw.loadUnaligned(fromByteOffset: index, as: UInt64.self)
            let b = rightRaw.loadUnaligned(fromByteOffset: index, as: UInt64.self)
            if a != b && lowered(a) != lowered(b) { return false }
            index += 8
        }
        return index == left.count || lowered(tail(left, from: index)) == lowered(tail(right, from: index))
    }

    /// A 64-bit finalizer (MurmurHash3's `fmix64`): every input bit reaches the low bits a hash table indexes by.
    @inlinable @inline(__always)
    package static func mix(_ value: UInt64) -> UInt64 {
        var hash = value
        hash ^= hash >> 33
        hash = hash &* 0xff51_afd7_ed55_8ccd
        hash ^= hash >> 33
        return hash
    }
}
