import Foundation
import PreflightCore
import Yams

/// The checks of one run: the built-in catalog plus any `--checks DIR` folders, validated as a whole.
package struct Catalog: Sendable {
    package let checks: [CheckDefinition]
    /// SHA-256 over every check file's path and bytes, so a report says exactly which catalog judged it.
    package let digest: String

    package init(checks: [CheckDefinition], digest: String = "") {
        self.checks = checks.sorted { $0.id < $1.id }
        self.digest = digest
    }

    /// A check by its id or a former id, in any case (`ad-003` is AD-003): ids are upper-case ASCII, so no two differ by case.
    package subscript(id: String) -> CheckDefinition? {
        let wanted = id.uppercased()
        return checks.first { $0.id == wanted || $0.aliases.contains { $0.uppercased() == wanted } }
    }

    /// Loads every `*.yml`/`*.yaml` below the folders; throws 78 with every problem found, or 66 for a missing folder.
    package static func load(
        from folders: [String], registry: ProbeRegistry
    ) throws(PreflightError) -> Catalog {
        let sink = DiagnosticSink()
        var checks: [CheckDefinition] = []
        var digestInput: [UInt8] = []
        for folder in folders {
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: folder, isDirectory: &isDirectory), isDirectory.boolValue else {
                throw .unreadableFile(path: folder, role: "check folder", reason: "it does not exist or is not a folder")
            }
            for file in checkFiles(in: folder) {
                try requireYAMLSize(file, role: "check file")
                guard let data = FileManager.default.contents(atPath: file), let text = TextDecoding.decode(data) else {
                    throw .unreadableFile(path: file, role: "check file", reason: "it cannot be read as UTF-8 or UTF-16 text")
                }
                digestInput += Array(file.dropFirst(folder.count).utf8) + [0] + Array(data) + [0]
                let area = areaName(for: file, root: folder)
                do {
                    if let check = try CheckFileParser(file: file, area: area, registry: registry, sink: sink).parse(text) {
                        checks.append(check)
                    }
                } catch {
                    if case .invalidConfiguration(let diagnostics) = error {
                        diagnostics.forEach { sink.report($0.location, $0.message) }
                    } else {
                        throw error
                    }
                }
            }
        }
        validateCrossReferences(checks, sink: sink)
        guard sink.isEmpty else { throw .invalidConfiguration(sink.diagnostics) }
        return Catalog(checks: checks, digest: "sha256:" + SHA256.hex(digestInput))
    }

    static func checkFiles(in folder: String) -> [String] {
        guard let enumerator = FileManager.default.enumerator(atPath: folder) else { return [] }
        var files: [String] = []
        while let relative = enumerator.nextObject() as? String {
            if relative.hasSuffix(".yml") || relative.hasSuffix(".yaml") {
                files.append(URL(fileURLWithPath: folder).appendingPathComponent(relative).path)
            }
        }
        return files.sorted()
    }

    /// `Checks/<area>/X.yml` gives the area; a custom folder's files without an area folder are plugins.
    static func areaName(for file: String, root: String) -> String {
        let relative = file.dropFirst(root.count).split(separator: "/")
        if relative.count >= 2, let area = CheckArea(rawValue: String(relative[0])) { return area.rawValue }
        return CheckArea.plugins.rawValue
    }

    private static func validateCrossReferences(_ checks: [CheckDefinition], sink: DiagnosticSink) {
        var owner: [String: CheckDefinition] = [:]
        for check in checks {
            for name in [check.id] + check.aliases {
                if let other = owner[name] {
                    sink.report(
                        SourceLocation(file: check.file),
                        "The check id '\(name)' is already used by \(other.file). Ids and aliases must be unique; give this check a new id.")
                } else {
                    owner[name] = check
                }
            }
        }
        for check in checks {
            for required in check.requires where owner[required] == nil {
                sink.report(
                    SourceLocation(file: check.file),
                    "'requires' names '\(required)', but no check has that id. Fix the id or remove it from 'requires'.")
            }
        }
        // A cycle in `requires` would leave checks waiting on each other forever.
        var state: [String: Int] = [:]
        func visit(_ id: String, _ trail: [String]) {
            guard let check = owner[id] else { return }
            if state[check.id] == 2 { return }
            if state[check.id] == 1 {
                sink.report(
                    SourceLocation(file: check.file),
                    "'requires' forms a cycle: \((trail + [check.id]).joined(separator: " → ")). Remove one of the links.")
                return
            }
            state[check.id] = 1
            for next in check.requires { visit(next, trail + [check.id]) }
            state[check.id] = 2
        }
        for check in checks { visit(check.id, []) }
    }

    /// Where the built-in catalog lives: `$PREFLIGHT_CHECKS`, a `Checks/` folder above the executable
    /// (a build tree), or `share/preflight/Checks` beside an installed binary.
    package static func builtInFolder(executable: String = CommandLine.arguments[0]) -> String? {
        if let override = ProcessInfo.processInfo.environment["PREFLIGHT_CHECKS"], !override.isEmpty { return override }
        // Run through PATH, argv[0] is a bare name ("preflight"), not a path: then the kernel's /proc/self/exe says where.
        let path = executable.contains("/") ? executable : (Bundle.main.executablePath ?? executable)
        var url = URL(fileURLWithPath: path).resolvingSymlinksInPath().deletingLastPathComponent()
        for _ in 0..<6 {
            for candidate in ["Checks", "share/preflight/Checks"] {
                let folder = url.appendingPathComponent(candidate)
                if FileManager.default.fileExists(atPath: folder.appendingPathComponent("README.md").path) {
                    return folder.path
                }
            }
            url.deleteLastPathComponent()
        }
        return nil
    }
}

/// Parses one check file strictly.
struct CheckFileParser {
    static func isWellFormedID(_ id: String) -> Bool {
        let parts = id.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 2, let prefix = parts.first, let first = prefix.first, first.isASCII, first.isUppercase,
            (2...10).contains(prefix.count), prefix.allSatisfy({ $0.isASCII && ($0.isUppercase || $0.isNumber) }),
            parts[1].count == 3, parts[1].allSatisfy({ $0.isASCII && $0.isNumber })
        else { return false }
        return true
    }

    let file: String
    let area: String
    let registry: ProbeRegistry
    let sink: DiagnosticSink

    package func parse(_ text: String) throws(PreflightError) -> CheckDefinition? {
        let before = sink.diagnostics.count
        guard let root = try YAMLFile.parse(text, file: file) else {
            sink.report(SourceLocation(file: file), "The check file is empty. Remove it or define a check in it.")
            return nil
        }
        guard let reader = MappingReader.from(root, file: file, path: "", sink: sink) else { return nil }
        let id = reader.string("id", required: true)
        if let id, !Self.isWellFormedID(id) {
            sink.report(
                reader.valueLocation(of: "id"),
                "'id' is '\(id)', but check ids look like 'AD-003': capital letters, a hyphen and three digits.")
        }
        let title = reader.string("title", required: true)
        let description = reader.string("description", required: true)
        var probeName = reader.string("probe", required: true)
        var judgement = reader.string("judgement")
        let severity = reader.enumValue("severity", Severity.self)
        if !reader.has("severity") { sink.report(reader.location, "'severity' is required (critical, high, medium, low or info).") }
        let phases = reader.enumList("phases", Phase.self) ?? Phase.allCases
        let topologies = reader.enumList("topologies", Topology.self) ?? Topology.allCases
        let tags = reader.stringList("tags") ?? []
        let requires = reader.stringList("requires") ?? []
        let remediation = reader.string("remediation") ?? ""
        let references = reader.stringList("references") ?? []
        for reference in references where !(reference.hasPrefix("https://") || reference.hasPrefix("http://")) {
            sink.report(reader.location(of: "references"), "Reference '\(reference)' is not a URL. Use https:// links.")
        }
        let aliases = reader.stringList("aliases") ?? []
        let timeout = reader.double("timeoutSeconds", range: 0.1...86_400)
        let paramsNode = reader.node("params")
        reader.finish()

        var bound: BoundProbe?
        // `probe: directory.rights` is short for `probe: directory` with `judgement: rights`.
        if let name = probeName, registry[name] == nil, judgement == nil, let dot = name.lastIndex(of: "."),
            let kind = registry[String(name[..<dot])], kind.judgements.contains(String(name[name.index(after: dot)...]))
        {
            probeName = kind.name
            judgement = String(name[name.index(after: dot)...])
        }
        // Params are read for a judgement the kind knows; with a wrong one they would only add errors of their own.
        var judgementKnown = true
        if let probeName, let probe = registry[probeName] {
            judgementKnown = probe.judgements.isEmpty ? judgement == nil : judgement.map(probe.judgements.contains) == true
            if probe.judgements.isEmpty, let judgement {
                sink.report(
                    reader.valueLocation(of: "judgement"),
                    "'judgement' is '\(judgement)', but the probe kind '\(probeName)' judges one thing only. Remove 'judgement'.")
            } else if !probe.judgements.isEmpty, judgement.map(probe.judgements.contains) != true {
                let known = probe.judgements.joined(separator: ", ")
                if let judgement {
                    let hint = closestMatch(to: judgement, in: probe.judgements).map { " Did you mean '\($0)'?" } ?? ""
                    sink.report(
                        reader.valueLocation(of: "judgement"),
                        "'judgement' is '\(judgement)', which the probe kind '\(probeName)' does not know.\(hint) It judges: \(known).")
                } else {
                    sink.report(
                        reader.location(of: "probe"),
                        "'judgement' is required with the probe kind '\(probeName)': say what the check judges, one of \(known).")
                }
            }
        }
        if let probeName {
            if let probe = registry[probeName], judgementKnown {
                let paramsReader = ParamsReader(
                    reader: MappingReader.from(paramsNode, file: file, path: "params", sink: sink),
                    checkFolder: URL(fileURLWithPath: file).deletingLastPathComponent().path,
                    checkID: id ?? "?", fallback: reader.location(of: "probe"), sink: sink)
                bound = probe.parse(judgement, paramsReader)
                paramsReader.finish()
            } else if registry[probeName] == nil {
                sink.report(
                    reader.valueLocation(of: "probe"),
                    "Unknown probe kind '\(probeName)'. Known kinds: \(registry.names.joined(separator: ", ")).")
            }
        }
        guard sink.diagnostics.count == before, let id, let title, let description, let probeName, let severity,
            let bound
        else { return nil }
        return CheckDefinition(
            id: id, title: title, description: description, area: area, probe: probeName, judgement: judgement, severity: severity,
            phases: phases, topologies: topologies, tags: tags, requires: requires,
            params: paramsNode?.jsonValue ?? [:], bound: bound, remediation: remediation,
            references: references, aliases: aliases, timeoutSeconds: timeout, file: file)
    }
}
