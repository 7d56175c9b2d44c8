import ArgumentParser
import Foundation
import PreflightCore
import PreflightEngine
import PreflightKit
import PreflightReporting

struct ListCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "list", abstract: "List the check catalog.")

    @OptionGroup var catalog: CatalogOptions
    @Option(help: ArgumentHelp("Output format.", valueName: "format"))
    var format: ListFormat = .text

    func run() throws {
        let loaded = try catalog.load()
        switch format {
        case .text:
            let width = loaded.checks.map(\.qualifiedProbe.count).max() ?? 5
            for check in loaded.checks {
                print("\(check.id.padding(toLength: 8, withPad: " ", startingAt: 0)) \(check.severity.rawValue.padding(toLength: 8, withPad: " ", startingAt: 0)) \(check.qualifiedProbe.padding(toLength: width, withPad: " ", startingAt: 0))  \(check.title)")
            }
        case .md:
            print("| ID | Severity | Probe | Title |\n|---|---|---|---|")
            for check in loaded.checks { print("| \(check.id) | \(check.severity.rawValue) | `\(check.qualifiedProbe)` | \(check.title) |") }
        case .json:
            let items: [JSONValue] = loaded.checks.map { check in
                [
                    "id": .string(check.id), "title": .string(check.title), "severity": .string(check.severity.rawValue),
                    "probe": .string(check.qualifiedProbe), "area": .string(check.area), "tags": .array(check.tags.map(JSONValue.string)),
                ]
            }
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
            print(String(decoding: try encoder.encode(JSONValue.array(items)), as: UTF8.self))
        }
    }
}

struct ExplainCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "explain", abstract: "Show a check's description, params, remediation and references.")

    @OptionGroup var catalog: CatalogOptions
    @Argument(help: "The check id (or a former id), in any case.", completion: CheckIDCompletion.kind)
    var id: String

    func run() throws {
        let loaded = try catalog.load()
        guard let check = loaded[id] else {
            throw PreflightError.usage("Unknown check id '\(id)'. Run 'preflight list' to see the catalog.")
        }
        var out = ["\(check.id): \(check.title)", ""]
        out.append("Severity:   \(check.severity.rawValue)")
        out.append("Probe:      \(check.qualifiedProbe) — \(ProbeRegistry.builtIn[check.probe]?.summary ?? "")")
        out.append("Area:       \(check.area)")
        out.append("Phases:     \(check.phases.map(\.rawValue).joined(separator: ", "))")
        out.append("Topologies: \(check.topologies.map(\.rawValue).joined(separator: ", "))")
        if !check.tags.isEmpty { out.append("Tags:       \(check.tags.joined(separator: ", "))") }
        if !check.requires.isEmpty { out.append("Requires:   \(check.requires.joined(separator: ", "))") }
        if !check.aliases.isEmpty { out.append("Former ids: \(check.aliases.joined(separator: ", "))") }
        out.append("Defined in: \(check.file)")
        out += ["", check.description.trimmingCharacters(in: .whitespacesAndNewlines)]
        if case .object(let members) = check.params, !members.isEmpty {
            out += ["", "Params:"]
            for (key, value) in members.sorted(by: { $0.key < $1.key }) { out.append("  \(key): \(value.compactText)") }
        }
        if !check.remediation.isEmpty { out += ["", "Remediation:", check.remediation.trimmingCharacters(in: .whitespacesAndNewlines)] }
        if !check.references.isEmpty { out += ["", "References:"] + check.references.map { "  \($0)" } }
        print(out.joined(separator: "\n"))
    }
}

struct ValidateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "validate", abstract: "Validate the check definitions and the configuration without running anything.")

    @OptionGroup var config: ConfigOptions
    @OptionGroup var catalog: CatalogOptions

    func run() throws {
        let loaded = try catalog.load()
        let (configuration, _) = try config.load()
        // The same problems `run` stops at, so "Configuration OK" means `run` can use it.
        let problems = configuration.problems(with: loaded) + configuration.inputProblems(environment: ProcessInfo.processInfo.environment)
        guard problems.isEmpty else { throw PreflightError.invalidConfiguration(problems) }
        print("Catalog OK: \(loaded.checks.count) checks (\(loaded.digest.prefix(19))).")
        print("Configuration OK: \(configuration.file ?? "no file, built-in defaults").")
    }
}

struct RenderCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "render", abstract: "Re-render a saved JSON report in another format.")

    @Argument(help: "A JSON report written by 'preflight run'.")
    var report: String
    @Option(help: ArgumentHelp("Output format.", valueName: "format"))
    var format: ReportFormat = .md
    @OptionGroup var destination: StdoutOrFileOption
    @OptionGroup var redaction: RedactionOptions

    func run() throws {
        try redaction.validate(outFile: destination.out)
        var redactor = try redaction.redactor()
        var saved = try JSONReporter.load(report)
        saved = try redactor.apply(saved)
        try redaction.writeMapping(redactor)
        try destination.write(format.render(saved))
    }
}
