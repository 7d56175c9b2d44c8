import Foundation
import PreflightCore

/// A Windows security identifier (MS-DTYP 2.4.2), e.g. `S-1-5-21-1111111111-2222222222-3333333333-1106`.
package struct SID: Sendable, Hashable, Comparable, TextCodable {
    /// MS-DTYP caps SubAuthorityCount at 15.
    static let maxSubAuthorities = 15
    /// IdentifierAuthority is a 48-bit big-endian value.
    static let maxIdentifierAuthority: UInt64 = 0xFFFF_FFFF_FFFF

    let identifierAuthority: UInt64
    let subAuthorities: [UInt32]

    /// Only revision 1 exists; any other value is rejected when parsing.
    package var revision: UInt8 { 1 }

    /// Trusted callers (the constants) only: the parsers below validate untrusted input.
    init(authority: UInt64, _ subAuthorities: [UInt32]) {
        self.identifierAuthority = authority
        self.subAuthorities = subAuthorities
    }

    /// Parses a binary SID that fills `bytes` exactly (an `objectSid` or `tokenGroups` value).
    package init(bytes: some Collection<UInt8>) throws(SecurityParseError) {
        let buffer = Array(bytes)
        let (sid, length) = try SID.parse(buffer, at: 0, end: buffer.count, within: "the SID value")
        guard length == buffer.count else {
            throw SecurityParseError(
                .trailingBytes, at: length,
                "the SID ends at byte offset \(length) but the value has \(buffer.count) bytes")
        }
        self = sid
    }

    /// Parses the string form `S-1-<authority>-<sub>-…`. The authority may be decimal or `0x` + hex.
    package init?(string: String) {
        let parts = string.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count >= 3, parts[0] == "S" || parts[0] == "s", parts[1] == "1",
            parts.count - 3 <= SID.maxSubAuthorities
        else { return nil }
        let authorityText = parts[2]
        let authority: UInt64?
        if authorityText.hasPrefix("0x") || authorityText.hasPrefix("0X") {
            let hex = authorityText.dropFirst(2)
            authority = hex.allSatisfy(\.isHexDigit) ? UInt64(hex, radix: 16) : nil
        } else {
            authority = SID.decimal(authorityText)
        }
        guard let authority, authority <= SID.maxIdentifierAuthority else { return nil }
        var subs: [UInt32] = []
        for part in parts.dropFirst(3) {
            guard let value = SID.decimal(part), value <= UInt64(UInt32.max) else { return nil }
            subs.append(UInt32(value))
        }
        self.init(authority: authority, subs)
    }

    /// The binary form (MS-DTYP 2.4.2.2): revision, count, 6-byte big-endian authority, little-endian sub-authorities.
    package var bytes: [UInt8] {
        var out: [UInt8] = [1, UInt8(subAuthorities.count)]
        for shift in stride(from: 40, through: 0, by: -8) {
            out.append(UInt8(truncatingIfNeeded: identifierAuthority >> UInt64(shift)))
        }
        for sub in subAuthorities {
            out += [0, 8, 16, 24].map { UInt8(truncatingIfNeeded: sub >> UInt32($0)) }
        }
        return out
    }

    package var description: String {
        // Windows prints authorities that do not fit 32 bits in hex.
        let authority =
            identifierAuthority <= UInt64(UInt32.max)
            ? String(identifierAuthority)
            : "0x" + String(identifierAuthority, radix: 16, uppercase: true).leftPadded(to: 12)
        return (["S", "1", authority] + subAuthorities.map { String($0) }).joined(separator: "-")
    }

    /// The relative identifier: the last sub-authority of a domain or BUILTIN SID (two or more sub-authorities).
    var rid: UInt32? {
        subAuthorities.count >= 2 ? subAuthorities.last : nil
    }

    /// The SID without its RID, e.g. the domain SID of a user's SID.
    package var parent: SID? {
        subAuthorities.isEmpty ? nil : SID(authority: identifierAuthority, Array(subAuthorities.dropLast()))
    }

    /// `domain` + `rid`, or nil when `domain` already has the maximum number of sub-authorities.
    func appending(rid: UInt32) -> SID? {
        guard subAuthorities.count < SID.maxSubAuthorities else { return nil }
        return SID(authority: identifierAuthority, subAuthorities + [rid])
    }

    /// True when this SID is `domain` plus exactly one RID.
    func isDomainRelative(to domain: SID) -> Bool {
        parent == domain
    }

    /// A readable name for well-known SIDs and well-known domain RIDs, for reports.
    /// Domain RIDs are named only inside `domain`; with no domain, any `S-1-5-21-x-y-z-<rid>` SID qualifies.
    func wellKnownName(domain: SID?) -> String? {
        if let name = WellKnownSIDNames.fixed[self] { return name }
        guard let rid, let parent, let name = WellKnownSIDNames.domainRIDs[rid] else { return nil }
        if let domain { return parent == domain ? name : nil }
        return parent.isNTDomainSID ? name : nil
    }

    /// `S-1-5-21-x-y-z`: the shape of an AD domain SID.
    var isNTDomainSID: Bool {
        identifierAuthority == 5 && subAuthorities.count == 4 && subAuthorities[0] == 21
    }

    package static func < (lhs: SID, rhs: SID) -> Bool {
        if lhs.identifierAuthority != rhs.identifierAuthority {
            return lhs.identifierAuthority < rhs.identifierAuthority
        }
        return lhs.subAuthorities.lexicographicallyPrecedes(rhs.subAuthorities)
    }

    /// Digits only: `UInt64("+5")` would otherwise accept a sign.
    private static func decimal(_ text: Substring) -> UInt64? {
        guard !text.isEmpty, text.allSatisfy({ $0.isASCII && $0.isNumber }) else { return nil }
        return UInt64(text)
    }

    /// Reads a SID at `offset`, never past `end`. Returns the SID and its length in bytes.
    /// `container` names what holds the SID, for the error message.
    static func parse(
        _ bytes: [UInt8], at offset: Int, end: Int, within container: String,
        overrunKind: SecurityParseError.Kind = .truncated
    ) throws(SecurityParseError) -> (SID, Int) {
        let available = end - offset
        guard available >= 8 else {
            throw SecurityParseError(
                overrunKind, at: offset,
                "a SID needs at least 8 bytes but only \(max(available, 0)) remain in \(container)")
        }
        let reader = ByteReader(bytes)
        let revision = try reader.uint8(at: offset)
        guard revision == 1 else {
            throw SecurityParseError(.unsupportedRevision, at: offset, "SID revision is \(revision), expected 1")
        }
        let count = Int(try reader.uint8(at: offset + 1))
        guard count <= maxSubAuthorities else {
            throw SecurityParseError(
                .tooManySubAuthorities, at: offset + 1,
                "SID declares \(count) sub-authorities; at most \(maxSubAuthorities) are allowed")
        }
        let length = 8 + 4 * count
        guard length <= available else {
            throw SecurityParseError(
                overrunKind, at: offset,
                "SID with \(count) sub-authorities needs \(length) bytes but only \(available) remain in \(container)")
        }
        var authority: UInt64 = 0
        for index in 0..<6 {
            authority = authority << 8 | UInt64(try reader.uint8(at: offset + 2 + index))
        }
        var subs: [UInt32] = []
        for index in 0..<count {
            subs.append(try reader.uint32(at: offset + 8 + 4 * index))
        }
        return (SID(authority: authority, subs), length)
    }
}

extension String {
    fileprivate func leftPadded(to width: Int) -> String {
        count >= width ? self : String(repeating: "0", count: width - count) + self
    }
}
