/// A GUID: what AD stores (schemaIDGUID, rightsGuid, ACE object types) and what the exports list (user, SKU and plan
/// ids). Kept as the two 64-bit halves of its canonical text (`41781fb2-bc02-4b7c-bd55-b576c07bb09d`): cheap to hash
/// and compare, and the same whatever case or braces the text used.
///
/// On the wire Windows stores Data1/Data2/Data3 little-endian and Data4 as-is (MS-DTYP 2.3.4.2), so `bf967aba-0de6-…`
/// is stored `ba 7a 96 bf e6 0d …`: `windowsBytes`.
package struct GUID: Sendable, Hashable, Comparable, TextCodable {
    package var high: UInt64
    package var low: UInt64

    package init(high: UInt64, low: UInt64) {
        self.high = high
        self.low = low
    }

    /// The canonical form only, as AD, SDDL and the schema documentation write it: `bf967aba-0de6-11d0-a285-00aa003049e2`,
    /// any letter case, optionally in braces.
    package init?(string: String) {
        var text = string
        guard let parsed = text.withUTF8({ GUID.parse($0, hyphenated: true) }) else { return nil }
        self = parsed
    }

    /// As `init?(_:)` on bytes: what the exports write.
    package init?(_ text: String) {
        var text = text
        guard let parsed = text.withUTF8({ GUID($0) }) else { return nil }
        self = parsed
    }

    /// 32 hex digits, hyphenated 8-4-4-4-12 or not, optionally in braces, with spaces, tabs or no-break spaces around
    /// (exports and Microsoft's licensing table carry stray ones); nil for anything else.
    package init?(_ raw: UnsafeBufferPointer<UInt8>) {
        guard let parsed = GUID.parse(FieldValue.trimmed(raw), hyphenated: false) else { return nil }
        self = parsed
    }

    /// For the constants: the literals are checked by the tests, so a typo fails loudly there.
    package init(literal: StaticString) {
        guard let guid = GUID(string: literal.description) else {
            preconditionFailure("invalid GUID literal \(literal)")
        }
        self = guid
    }

    /// Decodes the 16-byte Windows mixed-endian layout; nil unless exactly 16 bytes are given.
    package init?(windowsBytes: some Collection<UInt8>) {
        let raw = Array(windowsBytes)
        guard raw.count == 16 else { return nil }
        let canonical = GUID.swapEndianFields(raw)
        high = canonical[0..<8].reduce(0) { $0 << 8 | UInt64($1) }
        low = canonical[8..<16].reduce(0) { $0 << 8 | UInt64($1) }
    }

    /// The 16 bytes as stored in security descriptors and `objectGUID` values.
    package var windowsBytes: [UInt8] {
        let canonical = (0..<16).map { index in UInt8(truncatingIfNeeded: (index < 8 ? high : low) >> (56 - 8 * (index % 8))) }
        return GUID.swapEndianFields(canonical)
    }

    /// Lowercase canonical form, as used in SDDL and the schema documentation.
    package var description: String {
        var text: [UInt8] = []
        text.reserveCapacity(36)
        for index in 0..<32 {
            if index == 8 || index == 12 || index == 16 || index == 20 { text.append(UInt8(ascii: "-")) }
            let nibble = Int(((index < 16 ? high : low) >> (60 - 4 * (index % 16))) & 0xF)
            text.append(GUID.lowercaseDigits[nibble])
        }
        return String(decoding: text, as: UTF8.self)
    }

    package static func < (lhs: GUID, rhs: GUID) -> Bool { (lhs.high, lhs.low) < (rhs.high, rhs.low) }

    // MARK: Parsing

    /// 32 hex digits, optionally in braces; hyphenated 8-4-4-4-12 or (unless `hyphenated`) not hyphenated at all.
    private static func parse(_ field: UnsafeBufferPointer<UInt8>, hyphenated: Bool) -> GUID? {
        guard var base = field.baseAddress else { return nil }
        var count = field.count
        if count == 38, base[0] == UInt8(ascii: "{"), base[37] == UInt8(ascii: "}") {
            base += 1
            count = 36
        }
        guard count == 36 || (count == 32 && !hyphenated) else { return nil }
        var high: UInt64 = 0
        var low: UInt64 = 0
        var digits = 0
        var index = 0
        while index < count {
            let byte = base[index]
            if byte == UInt8(ascii: "-") {
                guard count == 36, index == 8 || index == 13 || index == 18 || index == 23 else { return nil }
                index += 1
                continue
            }
            guard let value = hexValue(byte) else { return nil }
            if digits < 16 { high = high << 4 | UInt64(value) } else { low = low << 4 | UInt64(value) }
            digits += 1
            index += 1
        }
        guard digits == 32 else { return nil }
        return GUID(high: high, low: low)
    }

    /// A hex digit's value from `hexTable`, nil for any other byte.
    @inline(__always)
    private static func hexValue(_ byte: UInt8) -> UInt8? {
        // The literal has 256 bytes, one per byte value, and a pointer representation: the read stays inside it.
        let entry = hexTable.utf8Start[Int(byte)]
        return entry >= UInt8(ascii: "@") ? entry - UInt8(ascii: "@") : nil
    }

    /// Hex digit values by byte: `@` + the value (`@`…`O` for 0…15) for `0`–`9`, `a`–`f` and `A`–`F`, `!` for every
    /// other byte. A literal, read through its pointer: a table in a stored static is initialized lazily, and its
    /// `swift_once` check on each of a GUID's 32 digits (a million GUIDs per users export) cost as much as the parsing.
    private static var hexTable: StaticString {
        "!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!@ABCDEFGHI!!!!!!!JKLMNO!!!!!!!!!!!!!!!!!!!!!!!!!!JKLMNO!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!"
    }

    private static let lowercaseDigits = Array("0123456789abcdef".utf8)

    /// Reverses Data1 (4 bytes), Data2 and Data3 (2 bytes each); the swap is its own inverse.
    private static func swapEndianFields(_ bytes: [UInt8]) -> [UInt8] {
        Array(bytes[0..<4].reversed()) + bytes[4..<6].reversed() + bytes[6..<8].reversed() + bytes[8..<16]
    }
}
