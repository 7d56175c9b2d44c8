/// A value coded as its text, which is what people and the JSON reports read: a SID as `S-1-5-…`, a GUID in canonical
/// form. `init?(string:)` reads the text back.
package protocol TextCodable: Codable, CustomStringConvertible {
    init?(string: String)
}

extension TextCodable {
    package init(from decoder: any Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        guard let value = Self(string: text) else {
            throw DecodingError.dataCorrupted(
                .init(codingPath: decoder.codingPath, debugDescription: "not a \(Self.self) string: \(text)"))
        }
        self = value
    }

    package func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }
}
