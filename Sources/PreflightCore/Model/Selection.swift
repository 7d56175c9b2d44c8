import Foundation

/// Which checks a run includes, as the command line asks. Recorded in the report (`coverage.selection`): a run that
/// was narrowed speaks for the selected checks only, never for the whole phase.
package struct Selection: Sendable, Codable, Hashable {
    package var only: [String] = []
    package var skip: [String] = []
    package var tags: [String] = []

    package init(only: [String] = [], skip: [String] = [], tags: [String] = []) {
        self.only = only
        self.skip = skip
        self.tags = tags
    }

    /// No `--only`, `--skip` or `--tag`: the whole catalog runs.
    package var isEmpty: Bool { only.isEmpty && skip.isEmpty && tags.isEmpty }

    /// The flags that make this selection, for verdict lines and titles: `--only INV-001,INV-003 --tag network`.
    package var flags: String {
        var parts: [String] = []
        if !only.isEmpty { parts.append("--only \(only.joined(separator: ","))") }
        if !skip.isEmpty { parts.append("--skip \(skip.joined(separator: ","))") }
        parts += tags.map { "--tag \($0)" }
        return parts.joined(separator: " ")
    }
}
