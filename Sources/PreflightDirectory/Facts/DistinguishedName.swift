/// Just enough RFC 4514 DN handling for scope and ancestry: split at unescaped commas, compare case-insensitively.
package struct DistinguishedName: Sendable, Hashable, CustomStringConvertible {
    let rdns: [String]

    package init(_ text: String) {
        var rdns: [String] = []
        var current = ""
        var escaped = false
        for character in text {
            if escaped {
                current.append(character)
                escaped = false
            } else if character == "\\" {
                current.append(character)
                escaped = true
            } else if character == "," {
                rdns.append(current.trimmingSpaces)
                current = ""
            } else {
                current.append(character)
            }
        }
        if !current.isEmpty || !rdns.isEmpty { rdns.append(current.trimmingSpaces) }
        self.rdns = rdns
    }

    init(rdns: [String]) { self.rdns = rdns }

    package var description: String { rdns.joined(separator: ",") }
    package var parent: DistinguishedName? { rdns.count > 1 ? DistinguishedName(rdns: Array(rdns.dropFirst())) : nil }
    var key: String { rdns.map { $0.lowercased() }.joined(separator: ",") }

    /// This DN and every ancestor, nearest first.
    var lineage: [DistinguishedName] {
        (0..<rdns.count).map { DistinguishedName(rdns: Array(rdns.dropFirst($0))) }
    }

    /// True when `self` is `other` or lies below it.
    func isWithin(_ other: DistinguishedName) -> Bool {
        guard other.rdns.count <= rdns.count else { return false }
        return zip(rdns.suffix(other.rdns.count), other.rdns).allSatisfy { $0.lowercased() == $1.lowercased() }
    }

    /// The value of the first RDN, unescaped (e.g. `Sales, EMEA` for `OU=Sales\, EMEA,…`).
    var leafValue: String {
        guard let first = rdns.first, let equals = first.firstIndex(of: "=") else { return rdns.first ?? "" }
        var value = ""
        var escaped = false
        var pendingHex: String?
        for character in first[first.index(after: equals)...] {
            if let hex = pendingHex {
                let pair = hex + String(character)
                if let byte = UInt8(pair, radix: 16) { value.unicodeScalars.append(UnicodeScalar(byte)) }
                pendingHex = nil
            } else if escaped {
                if character.isHexDigit { pendingHex = String(character) } else { value.append(character) }
                escaped = false
            } else if character == "\\" {
                escaped = true
            } else {
                value.append(character)
            }
        }
        return value
    }

    package static func == (lhs: DistinguishedName, rhs: DistinguishedName) -> Bool { lhs.key == rhs.key }
    package func hash(into hasher: inout Hasher) { hasher.combine(key) }
}

extension String {
    fileprivate var trimmingSpaces: String {
        var text = Substring(self)
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
