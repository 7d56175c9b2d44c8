import Foundation
import PreflightCore

/// Renders `Changes`: the "Changes since" section of a run's Markdown report, and the output of `preflight diff`.
package enum ChangesReporter {
    /// Rows shown per table; the JSON keeps every entry.
    static let rowLimit = 50

    /// `preflight diff --format md`: a document of its own.
    package static func markdown(_ changes: Changes) -> String {
        var out = ["# Changes: \(headline(changes))", ""]
        out.append("| | Baseline | Compared report |")
        out.append("|---|---|---|")
        out.append("| File | \(cell(changes.baseline.file ?? "")) | \(cell(changes.current.file ?? "")) |")
        out.append("| Run started | \(humanDate(changes.baseline.startedAt)) | \(humanDate(changes.current.startedAt)) |")
        out.append("| Verdict | \(changes.verdict.from.rawValue) | \(changes.verdict.to.rawValue) |")
        out.append("| Phase · host | \(changes.baseline.phase.rawValue) · \(cell(changes.baseline.host)) | \(changes.current.phase.rawValue) · \(cell(changes.current.host)) |")
        out.append("")
        out += body(changes, subheading: "##")
        return out.joined(separator: "\n") + "\n"
    }

    /// `diff --format json`: the changes with the tool and the exit code, described by `preflight-diff.schema.json`.
    package static func json(_ changes: Changes, failOn: Severity? = nil) -> String {
        struct Document: Encodable {
            var schemaVersion = Report.currentSchemaVersion
            var tool = Report.Tool()
            @NullEncoded var failOn: Severity?
            var exitCode: Int32
            var changes: Changes
        }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        let document = Document(failOn: failOn, exitCode: exitStatus(changes, failOn: failOn).rawValue, changes: changes)
        // Strings, integers and enums: JSONEncoder fails only on a non-finite number, so this cannot fail.
        return String(decoding: try! encoder.encode(document), as: UTF8.self) + "\n"
    }

    /// 1 when anything got worse (at or above `failOn`, when given), else 0.
    package static func exitStatus(_ changes: Changes, failOn: Severity? = nil) -> ExitStatus {
        ReportComparison.worsened(changes, failOn: failOn) ? .notReady : .ready
    }

    /// The run report's section, placed right under the verdict so a cron job's report leads with it.
    static func section(_ changes: Changes) -> [String] {
        var out = ["## Changes since \(humanDate(changes.baseline.startedAt))", ""]
        let file = changes.baseline.file.map { "\(cell($0)), " } ?? ""
        out.append("Compared with the baseline (\(file)run \(changes.baseline.runId), \(changes.verdict.from.rawValue)).")
        out.append("")
        out += body(changes, subheading: "###")
        out.append("")
        return out
    }

    /// One line for stdout and the summary format: `Worse than the baseline of 2026-11-25 06:15:00 UTC: 2 new, …`.
    package static func line(_ changes: Changes) -> String {
        let since = "the baseline of \(humanDate(changes.baseline.startedAt))"
        switch Outcome(changes) {
        case .worse: return "Worse than \(since): \(counts(changes))."
        case .better: return "Better than \(since): \(counts(changes))."
        case .noChange: return "No change since \(since)."
        case .changedNotWorse: return "Changed since \(since), nothing got worse: \(counts(changes))."
        }
    }

    /// For the summary line: `worse since the baseline (1 new, 0 resolved, 1 check worse)`.
    package static func compact(_ changes: Changes) -> String {
        let outcome = Outcome(changes)
        guard outcome != .noChange else { return "no change since the baseline" }
        var parts = ["\(changes.findings.new.count) new", "\(changes.findings.resolved.count) resolved"]
        let worseFindings = changes.findings.changed.filter { ReportComparison.trend(from: $0.from, to: $0.to) == .worse }.count
        if worseFindings > 0 { parts.append("\(worseFindings) \(worseFindings == 1 ? "finding" : "findings") worse") }
        let worseChecks = changes.checks.filter { $0.trend == .worse }.count
        if worseChecks > 0 { parts.append("\(worseChecks) \(worseChecks == 1 ? "check" : "checks") worse") }
        if !changes.findings.newlyAssessed.isEmpty { parts.append("\(changes.findings.newlyAssessed.count) newly assessed") }
        if !changes.findings.unassessed.isEmpty { parts.append("\(changes.findings.unassessed.count) no longer assessed") }
        let word = outcome == .changedNotWorse ? "changed" : outcome.title.lowercased()
        return "\(word) since the baseline (\(parts.joined(separator: ", ")))"
    }

    /// The one-word answer, worst first: anything worse makes the whole comparison "worse".
    enum Outcome {
        case worse, better, noChange, changedNotWorse

        init(_ changes: Changes) {
            let improved =
                !changes.findings.resolved.isEmpty || changes.checks.contains { $0.trend == .better }
                || changes.findings.changed.contains { ReportComparison.trend(from: $0.from, to: $0.to) == .better }
            self = changes.worse ? .worse : improved ? .better : changes.isEmpty ? .noChange : .changedNotWorse
        }

        var title: String {
            switch self {
            case .worse: "Worse"
            case .better: "Better"
            case .noChange: "No change"
            case .changedNotWorse: "Changed, nothing got worse"
            }
        }
    }

    static func headline(_ changes: Changes) -> String { Outcome(changes).title }

    private static func counts(_ changes: Changes) -> String {
        let f = changes.findings
        var parts = ["\(f.new.count) new", "\(f.resolved.count) resolved"]
        if !f.newlyAssessed.isEmpty { parts.append("\(f.newlyAssessed.count) newly assessed") }
        if !f.changed.isEmpty { parts.append("\(f.changed.count) changed status") }
        if !f.unassessed.isEmpty { parts.append("\(f.unassessed.count) no longer assessed") }
        parts.append("\(f.unchanged.count) unchanged findings")
        if !changes.checks.isEmpty {
            let worse = changes.checks.filter { $0.trend == .worse }.count
            parts.append("\(changes.checks.count) \(changes.checks.count == 1 ? "check" : "checks") changed status (\(worse) worse)")
        }
        return parts.joined(separator: ", ")
    }

    private static func body(_ changes: Changes, subheading: String) -> [String] {
        var out = ["**\(headline(changes))** — \(counts(changes)).", ""]
        if changes.verdict.from != changes.verdict.to {
            out.append("The verdict went from **\(changes.verdict.from.rawValue)** to **\(changes.verdict.to.rawValue)**.")
            out.append("")
        }
        for notice in changes.notices { out.append("> ⚠️ \(MarkdownReporter.inline(notice))") }
        if !changes.notices.isEmpty { out.append("") }
        if !changes.checks.isEmpty {
            out += ["\(subheading) Checks whose status changed", "", "| Check | Severity | Title | Was | Now | |", "|---|---|---|---|---|---|"]
            let rows = changes.checks.sorted { (order($0.trend), $0.id) < (order($1.trend), $1.id) }
            out += limited(rows) { c in
                "| \(c.id) | \(c.severity.rawValue) | \(cell(c.title)) | \(status(c.from)) | \(status(c.to)) | \(c.trend.rawValue) |"
            }
            out.append("")
        }
        let f = changes.findings
        out += findingTable("New findings", f.new, subheading: subheading, was: false, now: true)
        out += findingTable(
            "Newly assessed", f.newlyAssessed, subheading: subheading, was: false, now: true,
            note: "Their check was skipped, errored or not run in the baseline, so these are **not** known to be new.")
        out += findingTable("Findings whose status changed", f.changed, subheading: subheading, was: true, now: true)
        out += findingTable("Resolved findings", f.resolved, subheading: subheading, was: true, now: false)
        out += findingTable(
            "No longer assessed", f.unassessed, subheading: subheading, was: true, now: false,
            note: "Their check was skipped, errored or not run this time, so these are **not** known to be fixed.")
        if out.last == "" { out.removeLast() }
        return out
    }

    private static func findingTable(
        _ title: String, _ entries: [Changes.FindingChange], subheading: String, was: Bool, now: Bool, note: String? = nil
    ) -> [String] {
        guard !entries.isEmpty else { return [] }
        var out = ["\(subheading) \(title) (\(entries.count))", ""]
        if let note { out += [note, ""] }
        let columns = ["Check", "Severity"] + (was ? ["Was"] : []) + (now ? ["Now"] : []) + ["Target", "Message"]
        out.append("| " + columns.joined(separator: " | ") + " |")
        out.append("|" + String(repeating: "---|", count: columns.count))
        // Worst first: by the status it has now (or had), then severity.
        let sorted = entries.sorted {
            (-ReportComparison.rank($0.to ?? $0.from), -rank($0.severity), $0.check, $0.target)
                < (-ReportComparison.rank($1.to ?? $1.from), -rank($1.severity), $1.check, $1.target)
        }
        out += limited(sorted) { e in
            let statuses = (was ? [findingStatus(e.from)] : []) + (now ? [findingStatus(e.to)] : [])
            return "| \(e.check) | \(e.severity.rawValue) | " + statuses.map { $0 + " | " }.joined()
                + "\(cell(e.target)) | \(cell(e.message)) |"
        }
        out.append("")
        return out
    }

    private static func limited<T>(_ rows: [T], _ render: (T) -> String) -> [String] {
        var out = rows.prefix(rowLimit).map(render)
        if rows.count > rowLimit {
            out += ["", "…and \(rows.count - rowLimit) more (the JSON has all \(rows.count))."]
        }
        return out
    }

    private static func order(_ trend: Changes.Trend) -> Int {
        switch trend {
        case .worse: 0
        case .changed: 1
        case .better: 2
        }
    }

    // `allCases` holds every severity: the `!` cannot fail.
    private static func rank(_ severity: Severity) -> Int { Severity.allCases.count - Severity.allCases.firstIndex(of: severity)! }

    private static func status(_ status: CheckStatus?) -> String {
        status.map(MarkdownReporter.badge) ?? "— not run"
    }

    /// A finding absent on one side is simply not there.
    private static func findingStatus(_ status: CheckStatus?) -> String {
        status.map(MarkdownReporter.badge) ?? "—"
    }

    private static func cell(_ text: String) -> String { MarkdownReporter.cell(text) }

    private static func humanDate(_ rfc3339: String) -> String { MarkdownReporter.humanDate(rfc3339) }
}
