/// Byte-level readings of CSV field values, without building Strings on the hot path. Inlinable: the inventory
/// readers call them for every field they read.
package enum FieldValue {
    /// The field without leading and trailing spaces, tabs and no-break spaces (U+00A0): exports and Microsoft's
    /// licensing table carry stray ones (`MCOCAP_FACULTY\u{A0}`, a GUID followed by U+00A0).
    @inlinable @inline(__always)
    package static func trimmed(_ field: UnsafeBufferPointer<UInt8>) -> UnsafeBufferPointer<UInt8> {
        var start = 0
        var end = field.count
        while start < end {
            if field[start] == 0x20 || field[start] == 0x09 {
                start += 1
            } else if field[start] == 0xC2 && start + 1 < end && field[start + 1] == 0xA0 {
                start += 2
            } else {
                break
            }
        }
        while end > start {
            if field[end - 1] == 0x20 || field[end - 1] == 0x09 {
                end -= 1
            } else if end - start >= 2 && field[end - 2] == 0xC2 && field[end - 1] == 0xA0 {
                end -= 2
            } else {
                break
            }
        }
        return UnsafeBufferPointer(rebasing: field[start..<end])
    }

    /// Compares with an ASCII-lowercase literal, ignoring the field's case.
    @inlinable @inline(__always)
    package static func equalsLowercase(_ field: UnsafeBufferPointer<UInt8>, _ literal: StaticString) -> Bool {
        guard field.count == literal.utf8CodeUnitCount else { return false }
        let bytes = literal.utf8Start
        for index in 0..<field.count where lowercase(field[index]) != bytes[index] { return false }
        return true
    }

    @inlinable @inline(__always)
    package static func lowercase(_ byte: UInt8) -> UInt8 {
        byte &- 0x41 < 26 ? byte | 0x20 : byte
    }

    package static func string(_ field: UnsafeBufferPointer<UInt8>) -> String { String(decoding: trimmed(field), as: UTF8.self) }
}
