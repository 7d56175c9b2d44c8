import Foundation
import PreflightTestSupport
import Testing
import Yams

import PreflightKit

// MARK: - CI files

extension ExamplesTests {
    /// A CI file read as GitHub and Azure DevOps read it: YAML 1.2 scalars, so `on:` is a key, not `true`.
    struct YAMLValue {
        let raw: Any
        init(_ raw: Any) { self.raw = raw }

        init(path: String) throws {
            let resolver = Resolver.basic.appending(.int).appending(.float).appending(.null)
                .appending(try Resolver.Rule(.bool, "^(?:true|True|TRUE|false|False|FALSE)$"))
            guard let node = try Yams.compose(yaml: try String(contentsOfFile: path, encoding: .utf8), resolver) else {
                throw Failure("\(path) is empty")
            }
            raw = try Self.plain(node)
        }

        private static func plain(_ node: Node) throws -> Any {
            switch node {
            case .scalar(let scalar):
                switch Tag.Name(rawValue: node.tag.description) {  // resolved: quoted scalars stay strings
                case .bool: return scalar.string.lowercased() == "true"
                case .int: return Int(scalar.string) ?? scalar.string
                case .float: return Double(scalar.string) ?? scalar.string
                case .null: return NSNull()
                default: return scalar.string
                }
            case .mapping(let mapping):
                var object: [String: Any] = [:]
                for (key, value) in mapping {
                    guard case .scalar(let name) = key else { throw Failure("a mapping key is not a scalar: \(key)") }
                    object[name.string] = try plain(value)
                }
                return object
            case .sequence(let sequence): return try sequence.map(plain)
            case .alias: throw Failure("aliases are not used in the examples")
            }
        }

        subscript(_ key: String) -> YAMLValue? { (raw as? [String: Any])?[key].map(YAMLValue.init) }
        var string: String? { raw as? String }
        var bool: Bool? { raw as? Bool }
        var items: [YAMLValue] { ((raw as? [Any]) ?? []).map(YAMLValue.init) }
        var keys: [String] { ((raw as? [String: Any]) ?? [:]).keys.sorted() }
    }

    /// The gate step's command: plain, so the step's exit code is preflight's.
    struct GateCommand {
        let text: String
        let arguments: [String]

        init(_ text: String) throws {
            self.text = text.trimmingCharacters(in: .whitespacesAndNewlines)
            arguments = try Command.plainArguments(self.text)
            guard arguments.starts(with: ["preflight", "run"]) else { throw Failure("not a preflight run: \(text)") }
        }

        /// The CI gate of the README: the preflight phase, blocking on high and critical, reports for people and the test tab.
        func expectGateFlags() {
            #expect(Command.option("--phase", in: arguments) == "preflight", "\(text)")
            #expect(Command.option("--fail-on", in: arguments) == "high", "\(text)")
            #expect(Command.formats(in: arguments).isSuperset(of: ["md", "json", "junit", "summary"]), "\(text)")
            #expect(Command.option("--config", in: arguments) != nil && Command.option("--out", in: arguments) != nil, "\(text)")
        }

        var config: String { Command.option("--config", in: arguments) ?? "preflight.yml" }
        var out: String { Command.option("--out", in: arguments) ?? "reports" }
    }
}
