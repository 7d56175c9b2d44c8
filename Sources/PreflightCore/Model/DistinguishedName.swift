/// Just enough RFC 4514 DN handling for scope and ancestry: split at unescaped commas, compare case-insensitively. In
/// Core, because the directory's probes and `--redact` (which replaces each RDN's value) read DNs alike.
package struct DistinguishedName: Sendable, Hashable, CustomStringConvertible {
    /// Each `type=value`, escapes kept, spaces around it trimmed.
    package let rdns: [String]

    package init(_ text: String) {
        // Byte by byte: a backslash escapes the next byte, an unescaped comma ends an RDN. Neither byte occurs inside a
        // multi-byte UTF-8 sequence, and slicing the scalars keeps a comma apart from a combining mark after it.
        var rdns: [String] = []
        let scalars = text.unicodeScalars
        var start = text.startIndex
        var escaped = false
        var index = text.utf8.startIndex
        while index != text.utf8.endIndex {
            let byte = text.utf8[index]
            if escaped {
                escaped = false
            } else if byte == UInt8(ascii: "\\") {
                escaped = true
            } else if byte == UInt8(ascii: ",") {
                rdns.append(Substring(scalars[start..<index]).trimmingSpaces)
                start = text.utf8.index(after: index)
            }
            index = text.utf8.index(after: index)
        }
        if start != text.endIndex || !rdns.isEmpty { rdns.append(Substring(scalars[start...]).trimmingSpaces) }
        self.rdns = rdns
    }

    package init(rdns: [String]) { self.rdns = rdns }

    package var description: String { rdns.joined(separator: ",") }
    package var parent: DistinguishedName? { rdns.count > 1 ? DistinguishedName(rdns: Array(rdns.dropFirst())) : nil }
    package var key: String { rdns.map { $0.lowercased() }.joined(separator: ",") }

    /// This DN and every ancestor, nearest first.
    package var lineage: [DistinguishedName] {
        (0..<rdns.count).map { DistinguishedName(rdns: Array(rdns.dropFirst($0))) }
    }

    /// True when `self` is `other` or lies below it.
    package func isWithin(_ other: DistinguishedName) -> Bool {
        guard other.rdns.count <= rdns.count else { return false }
        return zip(rdns.suffix(other.rdns.count), other.rdns).allSatisfy(Self.sameIgnoringCase)
    }

    /// The value of the first RDN, unescaped (e.g. `Sales, EMEA` for `OU=Sales\, EMEA,…`).
    package var leafValue: String {
        guard let first = rdns.first, let equals = first.firstIndex(of: "=") else { return rdns.first ?? "" }
        return Self.unescape(first[first.index(after: equals)...])
    }

    /// An attribute value as people read it: `Sales\, EMEA` → `Sales, EMEA`, `\23Hash` → `#Hash`, `\C3\A9` → `é`.
    package static func unescape(_ raw: Substring) -> String {
        var bytes: [UInt8] = []
        let utf8 = Array(raw.utf8)
        var index = 0
        while index < utf8.count {
            guard utf8[index] == UInt8(ascii: "\\"), index + 1 < utf8.count else {
                bytes.append(utf8[index])
                index += 1
                continue
            }
            if index + 2 < utf8.count, let byte = UInt8(String(decoding: utf8[(index + 1)...(index + 2)], as: UTF8.self), radix: 16) {
                bytes.append(byte)
                index += 3
            } else {
                bytes.append(utf8[index + 1])
                index += 2
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// `a.lowercased() == b.lowercased()`, without building either when both are ASCII (as DNs almost always are).
    static func sameIgnoringCase(_ a: String, _ b: String) -> Bool {
        guard a.utf8.allSatisfy({ $0 < 0x80 }), b.utf8.allSatisfy({ $0 < 0x80 }) else { return a.lowercased() == b.lowercased() }
        guard a.utf8.count == b.utf8.count else { return false }
        return zip(a.utf8, b.utf8).allSatisfy { x, y in x == y || (x | 0x20 == y | 0x20 && (x | 0x20) &- 0x61 < 26) }
    }

    package static func == (lhs: DistinguishedName, rhs: DistinguishedName) -> Bool { lhs.key == rhs.key }
    package func hash(into hasher: inout Hasher) { hasher.combine(key) }
}

extension Substring {
    fileprivate var trimmingSpaces: String {
        var text = self
        while text.first == " " { text = text.dropFirst() }
        // A trailing space escaped with a backslash belongs to the value.
        while text.last == " ", !text.dropLast().hasSuffix("\\") { text = text.dropLast() }
        return String(text)
    }
}

extension DistinguishedName {
    /// The DNS name its `DC=` components spell (`DC=corp,DC=example,DC=test` → `corp.example.test`); empty without any.
    package var dnsName: String {
        rdns.compactMap { rdn in rdn.lowercased().hasPrefix("dc=") ? String(rdn.dropFirst(3)) : nil }.joined(separator: ".")
    }
}
