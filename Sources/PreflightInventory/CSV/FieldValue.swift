import PreflightCore

/// The inventory's readings of field values (the general ones are the core's `FieldValue`).
extension FieldValue {
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

extension GUID {
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
