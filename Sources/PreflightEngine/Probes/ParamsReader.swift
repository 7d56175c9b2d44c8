import PreflightCore
import Yams

/// A probe kind's typed view of a check's `params:` mapping, with strict key checking and locations.
package struct ParamsReader {
    let reader: MappingReader?
    /// Where the check file lives, for params that name files relative to it.
    let checkFolder: String
    package let checkID: String
    let fallback: SourceLocation
    let sink: DiagnosticSink

    init(reader: MappingReader?, checkFolder: String, checkID: String, fallback: SourceLocation, sink: DiagnosticSink) {
        self.reader = reader
        self.checkFolder = checkFolder
        self.checkID = checkID
        self.fallback = fallback
        self.sink = sink
    }

    package var isEmpty: Bool { reader.map { $0.mapping.isEmpty } ?? true }

    package func string(_ key: String, required: Bool = false) -> String? {
        guard let reader else {
            if required { report("'params.\(key)' is required for this probe. Add it under 'params:'.") }
            return nil
        }
        return reader.string(key, required: required)
    }

    package func stringList(_ key: String, required: Bool = false) -> [String]? {
        let value = reader?.stringList(key)
        if value == nil, required { report("'params.\(key)' is required for this probe. Add it under 'params:'.", key: key) }
        return value
    }

    /// A nested mapping under `key`, read with the same strictness; call `finish()` on it when done.
    package func nested(_ key: String) -> ParamsReader? {
        guard let sub = reader?.mapping(key) else { return nil }
        return ParamsReader(reader: sub, checkFolder: checkFolder, checkID: checkID, fallback: fallback, sink: sink)
    }

    package func int(_ key: String, range: ClosedRange<Int>? = nil) -> Int? { reader?.int(key, range: range) }
    package func double(_ key: String, range: ClosedRange<Double>? = nil) -> Double? { reader?.double(key, range: range) }
    package func bool(_ key: String) -> Bool? { reader?.bool(key) }

    package func oneOf(_ key: String, _ allowed: [String], required: Bool = false) -> String? {
        guard let value = string(key, required: required) else { return nil }
        guard allowed.contains(value) else {
            report("'params.\(key)' is '\(value)', which is not one of \(allowed.joined(separator: ", ")).", key: key)
            return nil
        }
        return value
    }

    /// `oneOf` for an enum of strings: the value as that enum, or nil (reported) when it is none of its cases.
    package func oneOf<E: RawRepresentable & CaseIterable>(_ key: String, _ type: E.Type, required: Bool = false) -> E?
    where E.RawValue == String {
        oneOf(key, E.allCases.map(\.rawValue), required: required).flatMap(E.init(rawValue:))
    }

    /// The whole params mapping as JSON (for probes that forward it, like `exec`).
    package var json: JSONValue {
        guard let reader else { return .object([:]) }
        return Node.mapping(reader.mapping).jsonValue
    }

    /// Marks every key as understood (for probes that accept any params).
    func acceptAnyKeys() { reader?.keys.forEach { _ = reader?.node($0.0) } }

    package func report(_ message: String, key: String? = nil) {
        let location = key.flatMap { key in reader.map { $0.has(key) ? $0.location(of: key) : $0.location } }
            ?? reader?.location ?? fallback
        sink.report(location, message)
    }

    package var hasErrors: Bool { !sink.isEmpty }

    package func finish() { reader?.finish() }
}
