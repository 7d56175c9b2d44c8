import Foundation
import PreflightCore
import Yams

/// Reads a waiver file strictly (exit 66 when unreadable, 78 with file:line:column when invalid):
///
/// ```yaml
/// waivers:
///   - check: AD-009
///     target: "CN=*,OU=Kiosk,DC=corp,DC=example,DC=com"
///     justification: Kiosk accounts never use SSPR (risk RISK-231).
///     expires: 2026-12-31
///     approvedBy: J. Doe
/// ```
package enum WaiverFile {
    package static func load(from path: String) throws(PreflightError) -> [Waiver] {
        let text = try readText(path, role: "waiver file")
        let sink = DiagnosticSink()
        let root = try YAMLFile.parse(text, file: path)
        var waivers: [Waiver] = []
        if let reader = MappingReader.from(root, file: path, path: "", sink: sink) {
            if let node = reader.node("waivers") {
                if case .sequence(let entries) = node {
                    for (index, entry) in entries.enumerated() {
                        if let waiver = read(entry, index: index, file: path, sink: sink) { waivers.append(waiver) }
                    }
                } else if node.null == nil {
                    sink.report(MappingReader.location(of: node, file: path), "'waivers' must be a list of waiver entries.")
                }
            } else {
                sink.report(reader.location, "The waiver file has no 'waivers:' list. Add one (an empty list is allowed).")
            }
            reader.finish()
        } else if root == nil {
            sink.report(SourceLocation(file: path, line: 1, column: 1), "The waiver file is empty. Add a 'waivers:' list.")
        }
        guard sink.isEmpty else { throw .invalidConfiguration(sink.diagnostics) }
        return waivers
    }

    private static func read(_ node: Node, index: Int, file: String, sink: DiagnosticSink) -> Waiver? {
        guard let entry = MappingReader.from(node, file: file, path: "waivers[\(index)]", sink: sink) else { return nil }
        let before = sink.diagnostics.count
        let check = entry.string("check", required: true)
        let target = entry.string("target")
        let justification = entry.string("justification", required: true)
        let expires = entry.string("expires", required: true)
        let approvedBy = entry.string("approvedBy")
        entry.finish()
        if let check, check.range(of: #"^[A-Z][A-Z0-9]{1,9}-[0-9]{3}$"#, options: .regularExpression) == nil {
            sink.report(entry.valueLocation(of: "check"), "'waivers[\(index)].check' is '\(check)', which is not a check id like AD-009.")
        }
        if let expires, Waiver.endOfDay(expires) == nil {
            sink.report(
                entry.valueLocation(of: "expires"),
                "'waivers[\(index)].expires' is '\(expires)', which is not a date written YYYY-MM-DD (e.g. 2026-12-31).")
        }
        if let target, target.trimmingCharacters(in: .whitespaces).isEmpty {
            sink.report(entry.valueLocation(of: "target"), "'waivers[\(index)].target' is empty. Remove it to waive the whole check.")
        }
        guard sink.diagnostics.count == before, let check, let justification, let expires else { return nil }
        let line = node.mark?.line.description ?? "?"
        return Waiver(
            check: check, target: target, justification: justification, expires: expires, approvedBy: approvedBy, source: "\(file):\(line)")
    }
}
