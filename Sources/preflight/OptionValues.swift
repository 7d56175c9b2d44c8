import ArgumentParser
import PreflightCore
import PreflightReporting

// The options that take one of a closed set of values: each value type is `ExpressibleByArgument` and `CaseIterable`,
// so ArgumentParser parses them (a wrong value is its usage error, "The value 'x' is invalid for '--format <format>'.
// Please provide one of …", exit 64), `--help` lists the values and shell completions offer them.

/// `render --format`, and each name in `run --format`: the reporters of `allReporters`, each with its one line in `--help`.
extension ReportFormat: ExpressibleByArgument {
    package var defaultValueDescription: String { reporter.description }
}

/// `--fail-on` of `run` and `diff`, in any case (`HIGH` reads as `high`).
extension Severity: ExpressibleByArgument {
    package init?(argument: String) { self.init(rawValue: argument.lowercased()) }
}

/// `run --phase`.
extension Phase: ExpressibleByArgument {}

/// A value of `run --format`: report formats, comma-separated, in any case (`md,json`); the option repeats too.
struct ReportFormatList: ExpressibleByArgument {
    var formats: [ReportFormat]

    init(_ formats: [ReportFormat]) { self.formats = formats }

    init?(argument: String) {
        guard let formats = try? ReportFormat.parseList([argument]) else { return nil }
        self.formats = formats
    }

    var defaultValueDescription: String { formats.map(\.rawValue).joined(separator: ",") }
    static var allValueStrings: [String] { ReportFormat.allValueStrings }
    static var allValueDescriptions: [String: String] { ReportFormat.allValueDescriptions }
    static var defaultCompletionKind: CompletionKind { ReportFormat.defaultCompletionKind }

    /// Every format the repeated option names, each once, in the order first named.
    static func merged(_ lists: [ReportFormatList]) -> [ReportFormat] {
        lists.flatMap(\.formats).reduce(into: []) { if !$0.contains($1) { $0.append($1) } }
    }
}

/// `list --format`.
enum ListFormat: String, CaseIterable, ExpressibleByArgument {
    case text, md, json

    var defaultValueDescription: String {
        switch self {
        case .text: "A line per check: id, severity, probe, title."
        case .md: "A Markdown table (the check table of docs/checks.md)."
        case .json: "A JSON array of the checks, with their area and tags."
        }
    }
}

/// `diff --format`.
enum DiffFormat: String, CaseIterable, ExpressibleByArgument {
    case md, json

    var defaultValueDescription: String {
        switch self {
        case .md: "A Markdown document of the changes."
        case .json: "The changes and the exit code as JSON (reports/schema/preflight-diff.schema.json)."
        }
    }
}

/// `why --format`.
enum WhyFormat: String, CaseIterable, ExpressibleByArgument {
    case text, json

    var defaultValueDescription: String {
        switch self {
        case .text: "The verdict first, then each side of the story with its reason."
        case .json: "The story as JSON (UserStory's fields, keys sorted)."
        }
    }
}

extension ArgumentHelp {
    /// The help of an option whose value is a path to a file: `--help` shows it as `<file>`.
    static func file(_ abstract: String) -> ArgumentHelp { ArgumentHelp(abstract, valueName: "file") }
}
