import ArgumentParser
import PreflightEngine
import PreflightKit

/// Shell completion of check ids (`explain`, `run --only`/`--skip`): the built-in catalog's ids, evaluated when the user
/// presses TAB (ArgumentParser's `CompletionKind.custom`). For a comma-separated list, the last id is completed.
enum CheckIDCompletion {
    static let kind = CompletionKind.custom { _, _, prefix in candidates(for: prefix) }

    static func candidates(for prefix: String) -> [String] {
        guard let folder = Catalog.builtInFolder(), let catalog = try? Catalog.load(from: [folder]) else { return [] }
        let head = prefix.lastIndex(of: ",").map { String(prefix[...$0]) } ?? ""
        let typed = String(prefix.dropFirst(head.count))
        // The shell keeps only candidates that start with what was typed, in its case: `ad-0` is offered `ad-001`, …
        let lower = typed != typed.uppercased()
        return catalog.checks.map(\.id).filter { $0.hasPrefix(typed.uppercased()) }.map { head + (lower ? $0.lowercased() : $0) }
    }
}
