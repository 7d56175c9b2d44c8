import PreflightCore

/// Stable pseudonyms: `name-`, `dom-`, `sid-` or `guid-` and 12 hex digits (48 bits) of HMAC-SHA256(key, kind, value
/// in lower case). The same value gives the same pseudonym in every format and every run with the same key; without the
/// key a guessed name cannot be tested against one. Each pseudonym's original is kept for `--redact-mapping`.
package struct Pseudonyms: Sendable {
    package enum Kind: String, Sendable {
        /// Users, groups, OUs, display names, sAMAccountNames (and a UPN's part before the @): one namespace, so `carol`
        /// in `CN=carol`, `CORP\carol` and `carol@…` is one pseudonym.
        case name
        /// Domain labels, NetBIOS domain names, host names and the customer's name (`--redact-domains`).
        case dom
        case sid
        case guid
    }

    private let mac: HMACSHA256
    private var cache: [String: String] = [:]
    /// Pseudonym → the original (as first seen): what `--redact-mapping` writes.
    package private(set) var originals: [String: String] = [:]

    package init(key: PseudonymKey) { mac = HMACSHA256(key: key.bytes) }

    package mutating func pseudonym(_ kind: Kind, _ value: String) -> String {
        let normalized = kind.rawValue + "\u{0}" + value.lowercased()
        if let known = cache[normalized] { return known }
        let digest = mac.authenticate(Array(normalized.utf8))
        let token = kind.rawValue + "-" + Self.hex(digest.prefix(6))
        cache[normalized] = token
        if originals[token] == nil { originals[token] = value }
        return token
    }

    /// What a pseudonym looks like: text already redacted is left as it is (redacting twice changes nothing).
    static let pattern = #"(?:name|dom|sid|guid)-[0-9a-f]{12}"#

    static func isPseudonym(_ text: String) -> Bool {
        let utf8 = Array(text.utf8)
        guard let dash = utf8.firstIndex(of: UInt8(ascii: "-")), utf8.count - dash - 1 == 12,
            ["name", "dom", "sid", "guid"].contains(String(decoding: utf8[..<dash], as: UTF8.self))
        else { return false }
        return utf8[(dash + 1)...].allSatisfy { digits.contains($0) }
    }

    private static let digits = Array("0123456789abcdef".utf8)

    private static func hex(_ bytes: some Collection<UInt8>) -> String {
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count * 2)
        for byte in bytes {
            out.append(digits[Int(byte >> 4)])
            out.append(digits[Int(byte & 0x0f)])
        }
        return String(decoding: out, as: UTF8.self)
    }
}
