import Foundation

/// A GUID as AD uses it (schemaIDGUID, rightsGuid, ACE object types).
///
/// On the wire Windows stores Data1/Data2/Data3 little-endian and Data4 as-is (MS-DTYP 2.3.4.2),
/// so `bf967aba-0de6-…` is stored `ba 7a 96 bf e6 0d …`. `uuid` holds the canonical (display) order.
public struct WindowsGUID: Sendable, Hashable, Comparable, Codable, CustomStringConvertible {
    public let uuid: UUID

    public init(uuid: UUID) {
        self.uuid = uuid
    }

    /// Accepts `bf967aba-0de6-11d0-a285-00aa003049e2`, any letter case, optionally in braces.
    public init?(string: String) {
        var text = Substring(string)
        if text.hasPrefix("{") && text.hasSuffix("}") {
            text = text.dropFirst().dropLast()
        }
        guard text.count == 36, let uuid = UUID(uuidString: String(text)) else { return nil }
        self.uuid = uuid
    }

    /// Decodes the 16-byte Windows mixed-endian layout; nil unless exactly 16 bytes are given.
    public init?(windowsBytes: some Collection<UInt8>) {
        let raw = Array(windowsBytes)
        guard raw.count == 16 else { return nil }
        let canonical = WindowsGUID.swapEndianFields(raw)
        uuid = UUID(
            uuid: (
                canonical[0], canonical[1], canonical[2], canonical[3], canonical[4], canonical[5],
                canonical[6], canonical[7], canonical[8], canonical[9], canonical[10], canonical[11],
                canonical[12], canonical[13], canonical[14], canonical[15]
            ))
    }

    /// For the constants: the literals are checked by the tests, so a typo fails loudly there.
    init(_ literal: StaticString) {
        guard let guid = WindowsGUID(string: literal.description) else {
            preconditionFailure("invalid GUID literal \(literal)")
        }
        self = guid
    }

    /// The 16 bytes as stored in security descriptors and `objectGUID` values.
    public var windowsBytes: [UInt8] {
        WindowsGUID.swapEndianFields(canonicalBytes)
    }

    /// Lowercase canonical form, as used in SDDL and the schema documentation.
    public var description: String {
        uuid.uuidString.lowercased()
    }

    public static func < (lhs: WindowsGUID, rhs: WindowsGUID) -> Bool {
        lhs.canonicalBytes.lexicographicallyPrecedes(rhs.canonicalBytes)
    }

    public init(from decoder: any Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        guard let guid = WindowsGUID(string: text) else {
            throw DecodingError.dataCorrupted(
                .init(codingPath: decoder.codingPath, debugDescription: "not a GUID string: \(text)"))
        }
        self = guid
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }

    private var canonicalBytes: [UInt8] {
        let t = uuid.uuid
        return [t.0, t.1, t.2, t.3, t.4, t.5, t.6, t.7, t.8, t.9, t.10, t.11, t.12, t.13, t.14, t.15]
    }

    /// Reverses Data1 (4 bytes), Data2 and Data3 (2 bytes each); the swap is its own inverse.
    private static func swapEndianFields(_ bytes: [UInt8]) -> [UInt8] {
        Array(bytes[0..<4].reversed()) + bytes[4..<6].reversed() + bytes[6..<8].reversed() + bytes[8..<16]
    }
}
