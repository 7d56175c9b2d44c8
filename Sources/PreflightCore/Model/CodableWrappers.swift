/// An optional that the JSON always carries: `null` when absent, so consumers need no key checks.
/// (Synthesized Codable leaves nil keys out; this keeps the synthesized code and still writes the key.)
@propertyWrapper
package struct NullEncoded<Value: Codable & Sendable & Hashable>: Codable, Sendable, Hashable {
    package var wrappedValue: Value?

    package init(wrappedValue: Value?) { self.wrappedValue = wrappedValue }

    package init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        wrappedValue = container.decodeNil() ? nil : try container.decode(Value.self)
    }

    package func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        if let wrappedValue { try container.encode(wrappedValue) } else { try container.encodeNil() }
    }
}

extension KeyedDecodingContainer {
    /// A missing key reads as nil, like a plain optional.
    package func decode<Value>(_ type: NullEncoded<Value>.Type, forKey key: Key) throws -> NullEncoded<Value> {
        try decodeIfPresent(type, forKey: key) ?? NullEncoded(wrappedValue: nil)
    }
}

/// A value that older files may lack: a missing key reads as `Value.whenMissing` (reports from before waivers have no
/// `waived` count, baselines from before `newlyAssessed` have no such list). Written like the plain value.
@propertyWrapper
package struct DefaultWhenMissing<Value: Codable & Sendable & Hashable & HasMissingDefault>: Codable, Sendable, Hashable {
    package var wrappedValue: Value

    package init(wrappedValue: Value) { self.wrappedValue = wrappedValue }

    package init(from decoder: any Decoder) throws {
        wrappedValue = try decoder.singleValueContainer().decode(Value.self)
    }

    package func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(wrappedValue)
    }
}

/// What a missing key of this type reads as.
package protocol HasMissingDefault {
    static var whenMissing: Self { get }
}

extension Int: HasMissingDefault {
    package static var whenMissing: Int { 0 }
}

extension Array: HasMissingDefault {
    package static var whenMissing: Array { [] }
}

extension KeyedDecodingContainer {
    package func decode<Value>(_ type: DefaultWhenMissing<Value>.Type, forKey key: Key) throws -> DefaultWhenMissing<Value> {
        try decodeIfPresent(type, forKey: key) ?? DefaultWhenMissing(wrappedValue: .whenMissing)
    }
}
