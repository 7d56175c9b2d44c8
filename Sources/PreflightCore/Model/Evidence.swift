/// A check's evidence is an encoded view of its facts: a judgement passes Encodable values (facts, or small view types
/// whose properties are the evidence keys) and never assembles a dictionary by hand. The keys are then the properties'
/// names, the same as in saved facts, and a renamed property cannot leave one spelling behind.
package enum Evidence {
    /// The members of each value's JSON object, merged in order (a later value's key wins).
    package static func of(_ views: any Encodable...) -> [String: JSONValue] {
        views.reduce(into: [:]) { merged, view in
            if case .object(let members) = JSONValue.encoding(view) { merged.merge(members) { $1 } }
        }
    }
}

/// A yes/no the source may not record: `true`, `false`, or the string "unknown" (never a silent false).
package struct RecordedFlag: Encodable, Sendable {
    package var value: Bool?

    package init(_ value: Bool?) { self.value = value }

    package func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        if let value { try container.encode(value) } else { try container.encode("unknown") }
    }
}
