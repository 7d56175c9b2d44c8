/// Byte-level readings of CSV field values, without building Strings on the hot path.
enum FieldValue {
    /// The field without leading and trailing spaces, tabs and no-break spaces (U+00A0): exports and Microsoft's
    /// licensing table carry stray ones (`MCOCAP_FACULTY\u{A0}`, a GUID followed by U+00A0).
    @inline(__always)
    static func trimmed(_ field: UnsafeBufferPointer<UInt8>) -> UnsafeBufferPointer<UInt8> {
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

    enum Flag { case yes, no, empty, unrecognised }

    /// `True`/`TRUE`/`true`/`1`/`Yes` and the registration report's `Registered`, `Enabled`, `Capable` are yes;
    /// `False`/`0`/`No` and `Not Registered`, `Not Enabled`, `Not Capable` are no.
    static func flag(_ raw: UnsafeBufferPointer<UInt8>) -> Flag {
        let field = trimmed(raw)
        switch field.count {
        case 0: return .empty
        case 1:
            if field[0] == UInt8(ascii: "1") { return .yes }
            if field[0] == UInt8(ascii: "0") { return .no }
        case 4 where equalsLowercase(field, "true"): return .yes
        case 5 where equalsLowercase(field, "false"): return .no
        case 3 where equalsLowercase(field, "yes"): return .yes
        case 2 where equalsLowercase(field, "no"): return .no
        default: break
        }
        var words = String(decoding: field, as: UTF8.self).lowercased()
        words.removeAll { $0 == " " || $0 == "_" || $0 == "-" }
        switch words {
        case "registered", "enabled", "capable": return .yes
        case "notregistered", "notenabled", "notcapable", "disabled": return .no
        default: return .unrecognised
        }
    }

    /// Compares with an ASCII-lowercase literal, ignoring the field's case.
    @inline(__always)
    static func equalsLowercase(_ field: UnsafeBufferPointer<UInt8>, _ literal: StaticString) -> Bool {
        guard field.count == literal.utf8CodeUnitCount else { return false }
        let bytes = literal.utf8Start
        for index in 0..<field.count where lowercase(field[index]) != bytes[index] { return false }
        return true
    }

    @inline(__always)
    static func lowercase(_ byte: UInt8) -> UInt8 {
        byte &- 0x41 < 26 ? byte | 0x20 : byte
    }

    static func string(_ field: UnsafeBufferPointer<UInt8>) -> String { String(decoding: trimmed(field), as: UTF8.self) }

    /// A non-negative whole number (`ConsumedUnits`, `PrepaidUnits.Enabled`); nil when the field is anything else.
    static func count(_ raw: UnsafeBufferPointer<UInt8>) -> Int? {
        let field = trimmed(raw)
        guard !field.isEmpty, field.count < 16 else { return nil }
        var value = 0
        for byte in field {
            guard byte &- 0x30 < 10 else { return nil }
            value = value * 10 + Int(byte - 0x30)
        }
        return value
    }

    /// Whether the field holds a .NET type name instead of values: what `Export-Csv` writes for a nested object or
    /// array (`Microsoft.Graph.PowerShell.Models.MicrosoftGraphAssignedLicense[]`, `System.Object[]`).
    static func isTypeName(_ raw: UnsafeBufferPointer<UInt8>) -> Bool {
        let field = trimmed(raw)
        guard field.count >= 7, field[0] == UInt8(ascii: "M") || field[0] == UInt8(ascii: "S") else { return false }
        let text = String(decoding: field, as: UTF8.self)
        return text.hasPrefix("Microsoft.Graph.PowerShell.Models.") || text.hasPrefix("System.Object")
            || text.hasPrefix("System.Collections.") || text.hasPrefix("System.String[]")
            || text.hasPrefix("Microsoft.Open.AzureAD.Model.") || text.hasPrefix("Microsoft.Online.Administration.")
    }
}

/// A GUID as two 64-bit halves of its canonical text (`41781fb2-bc02-4b7c-bd55-b576c07bb09d`): cheap to hash and
/// compare, and the same whatever case or braces the export used.
package struct GUID: Hashable, Sendable, Comparable, CustomStringConvertible {
    var high: UInt64
    var low: UInt64

    init(high: UInt64, low: UInt64) {
        self.high = high
        self.low = low
    }

    /// Parses 32 hex digits with optional hyphens and braces; nil for anything else.
    init?(_ raw: UnsafeBufferPointer<UInt8>) {
        let field = FieldValue.trimmed(raw)
        guard var base = field.baseAddress else { return nil }
        var count = field.count
        if count == 38, base[0] == UInt8(ascii: "{"), base[37] == UInt8(ascii: "}") {
            base += 1
            count = 36
        }
        guard count == 36 || count == 32 else { return nil }
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
            guard let value = GUID.hexValue(byte) else { return nil }
            if digits < 16 { high = high << 4 | UInt64(value) } else { low = low << 4 | UInt64(value) }
            digits += 1
            index += 1
        }
        guard digits == 32 else { return nil }
        self.high = high
        self.low = low
    }

    init?(_ text: String) {
        var text = text
        guard let parsed = text.withUTF8({ GUID($0) }) else { return nil }
        self = parsed
    }

    @inline(__always)
    static func hexValue(_ byte: UInt8) -> UInt8? {
        let value = hexDigits[Int(byte)]
        return value == 0xFF ? nil : value
    }

    /// Hex digit values by byte, 0xFF for every other byte.
    private static let hexDigits: [UInt8] = (0...255).map { byte -> UInt8 in
        switch UInt8(byte) {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): UInt8(byte) - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): UInt8(byte) - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): UInt8(byte) - UInt8(ascii: "A") + 10
        default: 0xFF
        }
    }

    package var description: String {
        let hex = String(high, radix: 16).leftPadded(16) + String(low, radix: 16).leftPadded(16)
        let characters = Array(hex)
        return [0..<8, 8..<12, 12..<16, 16..<20, 20..<32].map { String(characters[$0]) }.joined(separator: "-")
    }

    package static func < (lhs: GUID, rhs: GUID) -> Bool { (lhs.high, lhs.low) < (rhs.high, rhs.low) }

    /// Calls `body` with each token of a field that lists several values (`DisabledPlans` joined with `;`, `,` or
    /// spaces, or written as a JSON array), without allocating.
    static func forEachToken(in raw: UnsafeBufferPointer<UInt8>, _ body: (UnsafeBufferPointer<UInt8>) -> Void) {
        var start = 0
        var index = 0
        while index <= raw.count {
            let isSeparator: Bool
            if index == raw.count {
                isSeparator = true
            } else {
                switch raw[index] {
                case UInt8(ascii: ";"), UInt8(ascii: ","), UInt8(ascii: " "), UInt8(ascii: "\t"), UInt8(ascii: "\""),
                    UInt8(ascii: "["), UInt8(ascii: "]"), 0x0A, 0x0D:
                    isSeparator = true
                default: isSeparator = false
                }
            }
            if isSeparator {
                if index > start { body(UnsafeBufferPointer(rebasing: raw[start..<index])) }
                start = index + 1
            }
            index += 1
        }
    }

    /// The GUIDs in such a field, plus the premium plans written by name (`AAD_PREMIUM`), which some scripts do.
    static func plans(in raw: UnsafeBufferPointer<UInt8>) -> [GUID] {
        var plans: [GUID] = []
        forEachToken(in: raw) { token in
            if let guid = GUID(token) {
                plans.append(guid)
            } else if FieldValue.equalsLowercase(token, "aad_premium") {
                plans.append(SkuCatalog.p1Plan)
            } else if FieldValue.equalsLowercase(token, "aad_premium_p2") {
                plans.append(SkuCatalog.p2Plan)
            }
        }
        return plans
    }
}

extension String {
    fileprivate func leftPadded(_ width: Int) -> String { String(repeating: "0", count: max(0, width - count)) + self }
}
