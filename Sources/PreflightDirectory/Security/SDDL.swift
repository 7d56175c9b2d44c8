import PreflightCore

// Security Descriptor Definition Language, MS-DTYP 2.5.1 (https://learn.microsoft.com/openspecs/windows_protocols/ms-dtyp/
// 2918391b-75b9-4eeb-83f0-7fdc04a5c6c9): `O:<sid>G:<sid>D:<flags>(<ace>)…S:<flags>(<ace>)…`, each ACE
// `(type;flags;rights;object_guid;inherit_object_guid;account_sid)`. Parsed into the same `ACE`/`DACLState` the binary
// parser yields, so `checkAccess` judges both alike. The SACL is read for syntax only: no access check uses it.

/// Why an SDDL string could not be parsed, with the 1-based character where the problem is.
package struct SDDLError: Error, Sendable, Hashable, CustomStringConvertible {
    package let position: Int
    package let message: String
    package var description: String { "\(message) (at character \(position) of the SDDL)" }
}

/// A security descriptor written in SDDL, as the `RestrictRemoteSAM` registry value holds it.
package struct SDDLDescriptor: Sendable, Hashable, Codable {
    package var owner: SID?
    package var group: SID?
    /// nil when the string has no `D:` part (no DACL: an access check grants everything).
    var dacl: DACLState?
    package var daclProtected = false

    /// The DACL as an access check sees it: a descriptor without `D:` has a NULL DACL.
    var daclState: DACLState { dacl ?? .null }

    /// Parses `text`. `domain` resolves the domain-relative aliases (DA, DU, …; EA/SA/RO/EK as if the domain were the
    /// forest root): without it they are an error, never a guess.
    package init(_ text: String, domain: SID?) throws(SDDLError) {
        var parser = SDDLParser(Array(text.unicodeScalars), domain: domain)
        self = try parser.descriptor()
    }

    init() {}
}

private struct SDDLParser {
    let chars: [Unicode.Scalar]
    let domain: SID?
    var index = 0

    init(_ chars: [Unicode.Scalar], domain: SID?) {
        self.chars = chars
        self.domain = domain
    }

    func fail(_ message: String, at position: Int? = nil) -> SDDLError {
        SDDLError(position: (position ?? index) + 1, message: message)
    }

    mutating func skipSpaces() {
        while index < chars.count, chars[index].properties.isWhitespace { index += 1 }
    }

    mutating func descriptor() throws(SDDLError) -> SDDLDescriptor {
        var result = SDDLDescriptor()
        var seen: Set<Character> = []
        skipSpaces()
        guard index < chars.count else { throw fail("the SDDL is empty") }
        while true {
            skipSpaces()
            guard index < chars.count else { break }
            let tag = Character(chars[index]).uppercased().first ?? " "
            guard "OGDS".contains(tag), index + 1 < chars.count, chars[index + 1] == ":" else {
                throw fail("expected O:, G:, D: or S: but found '\(Character(chars[index]))'")
            }
            guard seen.insert(tag).inserted else { throw fail("'\(tag):' appears twice") }
            index += 2
            switch tag {
            case "O": result.owner = try sid()
            case "G": result.group = try sid()
            case "D":
                let (flags, aces) = try acl()
                result.daclProtected = flags.contains("P")
                result.dacl = flags.contains("NO_ACCESS_CONTROL") ? .null : .acl(ACL(aces: aces))
            default: _ = try acl()
            }
        }
        return result
    }

    /// An owner or group SID: runs until the next `O:`, `G:`, `D:` or `S:`.
    mutating func sid() throws(SDDLError) -> SID {
        let start = index
        while index < chars.count {
            let next = index + 1 < chars.count ? chars[index + 1] : " "
            if "OGDS".contains(Character(chars[index]).uppercased()), next == ":" { break }
            index += 1
        }
        let text = String(String.UnicodeScalarView(chars[start..<index])).trimmingCharacters(in: .whitespaces)
        return try resolve(text, at: start)
    }

    mutating func acl() throws(SDDLError) -> (flags: [String], aces: [ACE]) {
        let start = index
        while index < chars.count, chars[index] != "(", !(index + 1 < chars.count && chars[index + 1] == ":" && "OGDS".contains(Character(chars[index]).uppercased())) {
            index += 1
        }
        let flagText = String(String.UnicodeScalarView(chars[start..<index])).uppercased()
        var flags: [String] = []
        var rest = Substring(flagText)
        while !rest.isEmpty {
            guard let flag = ["NO_ACCESS_CONTROL", "AI", "AR", "P"].first(where: { rest.hasPrefix($0) }) else {
                throw fail("unknown ACL flag in '\(flagText)' (MS-DTYP knows P, AI, AR and NO_ACCESS_CONTROL)", at: start)
            }
            flags.append(flag)
            rest = rest.dropFirst(flag.count)
        }
        var aces: [ACE] = []
        while index < chars.count, chars[index] == "(" {
            aces.append(try ace())
            skipSpaces()
        }
        return (flags, aces)
    }

    mutating func ace() throws(SDDLError) -> ACE {
        let open = index
        index += 1
        let start = index
        while index < chars.count, chars[index] != ")" { index += 1 }
        guard index < chars.count else { throw fail("the ACE opened here has no ')'", at: open) }
        let body = String(String.UnicodeScalarView(chars[start..<index]))
        index += 1
        let fields = body.split(separator: ";", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
        guard fields.count >= 6 else {
            throw fail("the ACE '(\(body))' has \(fields.count) fields; an ACE has six: type;flags;rights;object;inherited object;SID", at: open)
        }
        guard let type = Self.aceTypes[fields[0].uppercased()] else {
            throw fail("unknown ACE type '\(fields[0])' (A, D, OA, OD, AU, …)", at: start)
        }
        let flags = try aceFlags(fields[1], at: start)
        let mask = try rights(fields[2], at: start)
        let objectType = try guid(fields[3], at: start)
        let inherited = try guid(fields[4], at: start)
        let sid = try resolve(fields[5], at: start)
        return ACE(type: type, flags: flags, mask: mask, objectType: objectType, inheritedObjectType: inherited, sid: sid)
    }

    func aceFlags(_ text: String, at position: Int) throws(SDDLError) -> ACEFlags {
        var flags: ACEFlags = []
        var rest = Substring(text.uppercased())
        let letters: [String: ACEFlags] = [
            "OI": .objectInherit, "CI": .containerInherit, "NP": .noPropagateInherit, "IO": .inheritOnly, "ID": .inherited,
            "SA": .successfulAccess, "FA": .failedAccess,
        ]
        while !rest.isEmpty {
            guard let flag = letters[String(rest.prefix(2))] else { throw fail("unknown ACE flag '\(rest.prefix(2))' in '\(text)'", at: position) }
            flags.insert(flag)
            rest = rest.dropFirst(2)
        }
        return flags
    }

    func rights(_ text: String, at position: Int) throws(SDDLError) -> AccessMask {
        let upper = text.uppercased()
        if upper.hasPrefix("0X") {
            guard let value = UInt32(upper.dropFirst(2), radix: 16) else { throw fail("'\(text)' is not a hexadecimal access mask", at: position) }
            return AccessMask(rawValue: value)
        }
        if let value = UInt32(upper) { return AccessMask(rawValue: value) }
        var mask: UInt32 = 0
        var rest = Substring(upper)
        while !rest.isEmpty {
            guard let bits = Self.rightLetters[String(rest.prefix(2))] else {
                throw fail("unknown access right '\(rest.prefix(2))' in '\(text)'", at: position)
            }
            mask |= bits
            rest = rest.dropFirst(2)
        }
        return AccessMask(rawValue: mask)
    }

    func guid(_ text: String, at position: Int) throws(SDDLError) -> GUID? {
        guard !text.isEmpty else { return nil }
        guard let value = GUID(string: text) else { throw fail("'\(text)' is not a GUID", at: position) }
        return value
    }

    func resolve(_ text: String, at position: Int) throws(SDDLError) -> SID {
        if text.uppercased().hasPrefix("S-") {
            guard let sid = SID(string: text) else { throw fail("'\(text)' is not a SID", at: position) }
            return sid
        }
        let alias = text.uppercased()
        if let fixed = Self.fixedAliases[alias], let sid = SID(string: fixed) { return sid }
        if let rid = Self.domainAliases[alias] {
            guard let domain, let sid = domain.appending(rid: rid) else {
                throw fail("'\(text)' names a group of the domain, whose SID is not known here", at: position)
            }
            return sid
        }
        throw fail("'\(text)' is neither a SID (S-1-…) nor an SDDL alias such as BA, AU or WD", at: position)
    }

    static let aceTypes: [String: ACEType] = [
        "A": .accessAllowed, "D": .accessDenied, "OA": .accessAllowedObject, "OD": .accessDeniedObject,
        "AU": .other(0x02), "AL": .other(0x03), "OU": .other(0x07), "OL": .other(0x08), "XA": .other(0x09), "XD": .other(0x0A),
        "ZA": .other(0x0B), "XU": .other(0x0D), "ML": .other(0x11), "RA": .other(0x12), "SP": .other(0x13),
    ]

    /// MS-DTYP 2.5.1.1 access rights; the file (F*) and registry (K*) rights are the generic mappings' fixed values.
    static let rightLetters: [String: UInt32] = [
        "GA": 0x1000_0000, "GX": 0x2000_0000, "GW": 0x4000_0000, "GR": 0x8000_0000, "SD": 0x0001_0000, "RC": 0x0002_0000,
        "WD": 0x0004_0000, "WO": 0x0008_0000, "CC": 0x1, "DC": 0x2, "LC": 0x4, "SW": 0x8, "RP": 0x10, "WP": 0x20, "DT": 0x40,
        "LO": 0x80, "CR": 0x100, "FA": 0x001F_01FF, "FR": 0x0012_0089, "FW": 0x0012_0116, "FX": 0x0012_00A0, "KA": 0x000F_003F,
        "KR": 0x0002_0019, "KW": 0x0002_0006, "KX": 0x0002_0019, "NR": 0x1, "NW": 0x2, "NX": 0x4,
    ]

    /// MS-DTYP 2.5.1.1 SID strings that name one fixed SID.
    static let fixedAliases: [String: String] = [
        "AA": "S-1-5-32-579", "AC": "S-1-15-2-1", "AN": "S-1-5-7", "AO": "S-1-5-32-548", "AU": "S-1-5-11", "BA": "S-1-5-32-544",
        "BG": "S-1-5-32-546", "BO": "S-1-5-32-551", "BU": "S-1-5-32-545", "CD": "S-1-5-32-574", "CG": "S-1-3-1", "CO": "S-1-3-0",
        "CY": "S-1-5-32-569", "ED": "S-1-5-9", "ER": "S-1-5-32-573", "ES": "S-1-5-32-576", "HA": "S-1-5-32-578", "HI": "S-1-16-12288",
        "IS": "S-1-5-32-568", "IU": "S-1-5-4", "LS": "S-1-5-19", "LW": "S-1-16-4096", "ME": "S-1-16-8192", "MP": "S-1-16-8448",
        "MS": "S-1-5-32-577", "MU": "S-1-5-32-558", "NO": "S-1-5-32-556", "NS": "S-1-5-20", "NU": "S-1-5-2", "OW": "S-1-3-4",
        "PO": "S-1-5-32-550", "PS": "S-1-5-10", "PU": "S-1-5-32-547", "RA": "S-1-5-32-575", "RC": "S-1-5-12", "RD": "S-1-5-32-555",
        "RE": "S-1-5-32-552", "RM": "S-1-5-32-580", "RU": "S-1-5-32-554", "SI": "S-1-16-16384", "SO": "S-1-5-32-549",
        "SS": "S-1-18-2", "SU": "S-1-5-6", "SY": "S-1-5-18", "UD": "S-1-5-84-0-0-0-0-0", "WD": "S-1-1-0", "WR": "S-1-5-33",
    ]

    /// MS-DTYP 2.5.1.1 SID strings relative to the domain (EA, SA, RO and EK to the forest root domain).
    static let domainAliases: [String: UInt32] = [
        "LA": 500, "LG": 501, "RO": 498, "DA": 512, "DU": 513, "DG": 514, "DC": 515, "DD": 516, "CA": 517, "SA": 518, "EA": 519,
        "PA": 520, "CN": 522, "AP": 525, "KA": 526, "EK": 527, "RS": 553,
    ]
}
