// libyaml, which Yams is built on: its event parser lets a file be measured before Yams builds anything from it.
import CYaml
import Foundation
import Yams
import PreflightCore

/// Parses a YAML file into a node tree, turning Yams' syntax errors into file:line:column diagnostics.
///
/// A diagnostic names the position and what is wrong there, never the text of the line: the line may hold a password
/// typed where it does not belong, and errors reach logs, cron mail and CI output. (Yams' own descriptions quote the
/// line, so they are never shown.)
enum YAMLFile {
    static func parse(_ text: String, file: String) throws(PreflightError) -> Node? {
        if let exceeded = YAMLBounds.check(text) {
            throw .invalidConfiguration([
                Diagnostic(
                    SourceLocation(file: file, line: exceeded.line, column: exceeded.column),
                    "The file \(exceeded.problem), so preflight does not read it. Configuration, check and waiver files need "
                        + "neither; write the values out (an anchor used a few times is fine).")
            ])
        }
        do {
            return try Yams.compose(yaml: text)
        } catch let error as YamlError {
            throw .invalidConfiguration([diagnostic(for: error, file: file, text: text)])
        } catch {
            throw .invalidConfiguration([
                Diagnostic(SourceLocation(file: file), "The file is not valid YAML (\(String(describing: type(of: error)))). Fix its syntax.")
            ])
        }
    }

    static func diagnostic(for error: YamlError, file: String, text: String) -> Diagnostic {
        func located(_ mark: Mark, _ problem: String, _ context: YamlError.Context?) -> Diagnostic {
            let while_ = context.map { " (\($0.text) at line \($0.mark.line), column \($0.mark.column))" } ?? ""
            return Diagnostic(
                SourceLocation(file: file, line: mark.line, column: mark.column),
                "The file is not valid YAML: \(problem)\(while_). Fix the syntax at this position.")
        }
        switch error {
        case .scanner(let context, let problem, let mark, _): return located(mark, problem, context)
        case .parser(let context, let problem, let mark, _): return located(mark, problem, context)
        case .composer(let context, let problem, let mark, _): return located(mark, problem, context)
        case .duplicatedKeysInMapping(let duplicates, let context):
            return Diagnostic(
                SourceLocation(file: file, line: context.mark.line, column: context.mark.column),
                "The key '\(duplicates.map { InputLimits.quote($0) }.joined(separator: "', '"))' appears more than once in the same "
                    + "mapping. Keep one.")
        case .reader(let problem, let offset, _, _):
            // A character YAML does not allow (a control character, invalid UTF-8): its position, not the line or the character.
            let position = offset.map { lineAndColumn(at: $0, in: text) }
            return Diagnostic(
                SourceLocation(file: file, line: position?.line, column: position?.column),
                "The file is not valid YAML: \(problem). Remove or replace the character at this position.")
        case .dataCouldNotBeDecoded:
            return Diagnostic(SourceLocation(file: file), "The file is not valid YAML: it is not UTF-8 or UTF-16 text. Save it as UTF-8.")
        default:
            return Diagnostic(SourceLocation(file: file), "The file is not valid YAML. Fix its syntax.")
        }
    }

    /// 1-based line and column of the character `offset` characters into `text` (how Yams counts a reader error's offset).
    static func lineAndColumn(at offset: Int, in text: String) -> (line: Int, column: Int) {
        var line = 1
        var column = 1
        for character in text.prefix(offset) {
            if character.isNewline {
                line += 1
                column = 1
            } else {
                column += 1
            }
        }
        return (line, column)
    }
}

/// Keys whose values may be secrets: an error about such a value names the key and its position, never the value.
func mayHoldSecret(_ key: String) -> Bool {
    let lowered = key.lowercased()
    return ["pass", "secret", "token", "credential", "apikey", "api_key", "api-key", "private", "pwd"].contains { lowered.contains($0) }
}

/// Reads one YAML mapping strictly: typed accessors, every problem reported with its location,
/// and `finish()` rejects keys nobody asked for.
final class MappingReader {
    let file: String
    let mapping: Node.Mapping
    let sink: DiagnosticSink
    let path: String
    private var consumed: Set<String> = []

    init(_ mapping: Node.Mapping, file: String, path: String, sink: DiagnosticSink) {
        self.mapping = mapping
        self.file = file
        self.path = path
        self.sink = sink
    }

    /// Wraps a node that must be a mapping; reports and returns nil otherwise.
    static func from(_ node: Node?, file: String, path: String, sink: DiagnosticSink) -> MappingReader? {
        guard let node else { return nil }
        guard case .mapping(let mapping) = node else {
            sink.report(location(of: node, file: file), "'\(path.isEmpty ? "the document" : path)' must be a mapping of keys to values.")
            return nil
        }
        return MappingReader(mapping, file: file, path: path, sink: sink)
    }

    static func location(of node: Node?, file: String) -> SourceLocation {
        SourceLocation(file: file, line: node?.mark?.line, column: node?.mark?.column)
    }

    var location: SourceLocation { SourceLocation(file: file, line: mapping.mark?.line, column: mapping.mark?.column) }

    func qualified(_ key: String) -> String { path.isEmpty ? key : "\(path).\(key)" }

    /// The raw node for `key`, marking it as understood.
    func node(_ key: String) -> Node? {
        consumed.insert(key)
        return mapping.first(where: { $0.key.name == key })?.value
    }

    func has(_ key: String) -> Bool { mapping.contains(where: { $0.key.name == key }) }

    func location(of key: String) -> SourceLocation {
        let keyNode = mapping.first(where: { $0.key.name == key })?.key
        return keyNode.map { Self.location(of: $0, file: file) } ?? location
    }

    /// Where the value of `key` starts (for errors about the value rather than the key).
    func valueLocation(of key: String) -> SourceLocation {
        guard let value = mapping.first(where: { $0.key.name == key })?.value else { return location(of: key) }
        return Self.location(of: value, file: file)
    }

    /// A value as an error message may quote it: not at all under a key that may hold a secret.
    func quoted(_ value: String, of key: String) -> String {
        mayHoldSecret(key) || mayHoldSecret(path) ? "a value not shown here ('\(qualified(key))' may hold a secret)" : "'\(value)'"
    }

    private func wrongType(_ key: String, _ node: Node, expected: String) {
        let shown = node.scalar.map { quoted($0.string, of: key) } ?? (node.mapping != nil ? "a mapping" : "a list")
        sink.report(Self.location(of: node, file: file), "'\(qualified(key))' must be \(expected), but it is \(shown).")
    }

    private func isNull(_ node: Node) -> Bool {
        node.null != nil
    }

    func string(_ key: String, required: Bool = false) -> String? {
        guard let node = node(key), !isNull(node) else {
            if required { sink.report(location, "'\(qualified(key))' is required. Add it.") }
            return nil
        }
        guard case .scalar(let scalar) = node else {
            wrongType(key, node, expected: "a string")
            return nil
        }
        if required, scalar.string.trimmingCharacters(in: .whitespaces).isEmpty {
            sink.report(Self.location(of: node, file: file), "'\(qualified(key))' must not be empty.")
            return nil
        }
        return scalar.string
    }

    func bool(_ key: String) -> Bool? {
        guard let node = node(key), !isNull(node) else { return nil }
        guard let value = node.bool, node.scalar != nil else {
            wrongType(key, node, expected: "true or false")
            return nil
        }
        return value
    }

    func double(_ key: String, range: ClosedRange<Double>? = nil) -> Double? {
        number(key, range: range, expected: "a number", read: { $0.float ?? $0.int.map(Double.init) }, shown: { _, scalar in scalar.string }) {
            $0.formatted()
        }
    }

    func int(_ key: String, range: ClosedRange<Int>? = nil) -> Int? {
        number(key, range: range, expected: "a whole number", read: \.int, shown: { value, _ in String(value) }) { String($0) }
    }

    /// A number `read` finds in the scalar, within `range`: the message shows the value as `shown` spells it (unless the
    /// key may hold a secret) and the bounds as `bound` does.
    private func number<Value: Comparable>(
        _ key: String, range: ClosedRange<Value>?, expected: String, read: (Node) -> Value?, shown: (Value, Node.Scalar) -> String,
        bound: (Value) -> String
    ) -> Value? {
        guard let node = node(key), !isNull(node) else { return nil }
        guard let scalar = node.scalar, let value = read(node) else {
            wrongType(key, node, expected: expected)
            return nil
        }
        if let range, !range.contains(value) {
            sink.report(
                Self.location(of: node, file: file),
                "'\(qualified(key))' is \(mayHoldSecret(key) ? "out of range" : shown(value, scalar)), but it must be between \(bound(range.lowerBound)) and \(bound(range.upperBound)).")
            return nil
        }
        return value
    }

    /// A string, or a list of strings (a single string is accepted as a one-item list).
    func stringList(_ key: String) -> [String]? {
        guard let node = node(key), !isNull(node) else { return nil }
        switch node {
        case .scalar(let scalar): return [scalar.string]
        case .sequence(let sequence):
            var values: [String] = []
            for item in sequence {
                guard case .scalar(let scalar) = item else {
                    sink.report(Self.location(of: item, file: file), "Every item of '\(qualified(key))' must be a string.")
                    return nil
                }
                values.append(scalar.string)
            }
            return values
        default:
            wrongType(key, node, expected: "a list of strings")
            return nil
        }
    }

    func enumValue<E: RawRepresentable & CaseIterable>(_ key: String, _ type: E.Type) -> E? where E.RawValue == String {
        guard let raw = string(key) else { return nil }
        if let value = E(rawValue: raw) { return value }
        let allowed = E.allCases.map(\.rawValue)
        sink.report(
            Self.location(of: node(key), file: file),
            "'\(qualified(key))' is \(quoted(raw, of: key)), which is not one of \(allowed.joined(separator: ", ")).")
        return nil
    }

    func enumList<E: RawRepresentable & CaseIterable>(_ key: String, _ type: E.Type) -> [E]? where E.RawValue == String {
        guard let raws = stringList(key) else { return nil }
        var values: [E] = []
        for raw in raws {
            guard let value = E(rawValue: raw) else {
                sink.report(
                    Self.location(of: node(key), file: file),
                    "'\(qualified(key))' contains \(quoted(raw, of: key)), which is not one of \(E.allCases.map(\.rawValue).joined(separator: ", ")).")
                return nil
            }
            values.append(value)
        }
        return values
    }

    func mapping(_ key: String) -> MappingReader? {
        guard let node = node(key), !isNull(node) else { return nil }
        return MappingReader.from(node, file: file, path: qualified(key), sink: sink)
    }

    /// Every key of the mapping, in file order, with its location.
    var keys: [(String, SourceLocation)] {
        mapping.map { ($0.key.name, Self.location(of: $0.key, file: file)) }
    }

    /// Reports every key that no accessor asked for. Call after reading all known keys.
    func finish() {
        let known = Array(consumed).sorted()
        for (key, _) in mapping where !consumed.contains(key.name) {
            let hint = closestMatch(to: key.name, in: known).map { " Did you mean '\($0)'?" } ?? ""
            sink.report(
                Self.location(of: key, file: file),
                "Unknown key '\(qualified(key.name))'.\(hint) Known keys here: \(known.joined(separator: ", ")).")
        }
    }
}

extension Node {
    /// Converts a YAML node into JSON, for params handed to plugins and shown by `explain`.
    var jsonValue: JSONValue {
        switch self {
        case .scalar(let scalar):
            if null != nil { return .null }
            if let value = bool { return .bool(value) }
            if let value = int { return .number(Double(value)) }
            if let value = float { return .number(value) }
            return .string(scalar.string)
        case .sequence(let sequence): return .array(sequence.map(\.jsonValue))
        case .mapping(let mapping):
            var object: [String: JSONValue] = [:]
            for (key, value) in mapping { object[key.name] = value.jsonValue }
            return .object(object)
        case .alias: return .null
        }
    }
}

extension Node {
    /// A mapping key as text (keys are scalars in every file we read).
    var name: String { scalar?.string ?? "" }
}

/// Measures a YAML file from libyaml's events before Yams composes it: how deep its collections nest, and how many
/// nodes it holds once every alias is expanded. Yams shares an aliased node, but comparing mapping keys and every
/// reader after it walk the expansion, so an alias bomb ("billion laughs": nine levels of nine aliases, 1 kB of text)
/// would take the machine's memory and time. Linear in the text; anchors' sizes are kept by name.
enum YAMLBounds {
    struct Exceeded: Equatable {
        var line: Int
        var column: Int
        var problem: String
    }

    /// The first place a limit is passed, or nil when none is (or the text is no valid YAML: Yams then reports where).
    static func check(
        _ text: String, maxDepth: Int = InputLimits.yamlDepth, maxNodes: Int = InputLimits.yamlNodes
    ) -> Exceeded? {
        var text = text
        return text.withUTF8 { bytes in
            var parser = yaml_parser_t()
            guard yaml_parser_initialize(&parser) == 1 else { return nil }
            defer { yaml_parser_delete(&parser) }
            yaml_parser_set_input_string(&parser, bytes.baseAddress, bytes.count)
            yaml_parser_set_encoding(&parser, YAML_UTF8_ENCODING)
            /// Expanded sizes of the anchored nodes, by anchor name.
            var sizes: [String: Int] = [:]
            /// The open collections: their anchor and the nodes they hold so far (themselves included).
            var open: [(anchor: String?, nodes: Int)] = []
            var event = yaml_event_t()
            while yaml_parser_parse(&parser, &event) == 1 {
                defer { yaml_event_delete(&event) }
                let mark = (line: Int(event.start_mark.line) + 1, column: Int(event.start_mark.column) + 1)
                /// Adds a node of `nodes` (expanded) to the collection it is in; false past the limit.
                func add(_ nodes: Int, anchor: String?) -> Bool {
                    if let anchor { sizes[anchor] = nodes }
                    guard !open.isEmpty else { return nodes <= maxNodes }
                    open[open.count - 1].nodes += nodes
                    return open[open.count - 1].nodes <= maxNodes
                }
                func tooMany() -> Exceeded {
                    Exceeded(
                        line: mark.line, column: mark.column,
                        problem: "holds more than \(InputLimits.grouped(maxNodes)) values once its aliases (*name) are expanded, "
                            + "the most preflight reads, at line \(mark.line), column \(mark.column)")
                }
                switch event.type {
                case YAML_STREAM_END_EVENT:
                    return nil
                case YAML_SCALAR_EVENT:
                    if !add(1, anchor: name(event.data.scalar.anchor)) { return tooMany() }
                case YAML_ALIAS_EVENT:
                    // An alias to an unknown anchor is Yams' error to report; count it as one value.
                    let nodes = name(event.data.alias.anchor).flatMap { sizes[$0] } ?? 1
                    if !add(nodes, anchor: nil) { return tooMany() }
                case YAML_SEQUENCE_START_EVENT, YAML_MAPPING_START_EVENT:
                    let anchor = event.type == YAML_SEQUENCE_START_EVENT
                        ? name(event.data.sequence_start.anchor) : name(event.data.mapping_start.anchor)
                    open.append((anchor, 1))
                    if open.count > maxDepth {
                        return Exceeded(
                            line: mark.line, column: mark.column,
                            problem: "nests lists and mappings deeper than \(maxDepth) levels, the most preflight reads, at line "
                                + "\(mark.line), column \(mark.column)")
                    }
                case YAML_SEQUENCE_END_EVENT, YAML_MAPPING_END_EVENT:
                    guard let closed = open.popLast() else { return nil }
                    if !add(closed.nodes, anchor: closed.anchor) { return tooMany() }
                case YAML_DOCUMENT_START_EVENT:
                    sizes = [:]
                default:
                    break
                }
            }
            return nil  // a syntax error: Yams reports it with its position
        }
    }

    private static func name(_ pointer: UnsafeMutablePointer<yaml_char_t>?) -> String? {
        pointer.map { String(cString: UnsafeRawPointer($0).assumingMemoryBound(to: CChar.self)) }
    }
}
