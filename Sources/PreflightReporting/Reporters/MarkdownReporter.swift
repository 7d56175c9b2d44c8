import Foundation
import PreflightCore

/// The Markdown report a consultant hands to the customer. Deterministic: the same report renders the same bytes.
package enum MarkdownReporter: Reporter {
    package static let identifier = "md"
    package static let fileExtension: String? = "md"
    package static let description = "The Markdown report for people: the verdict, every check, the findings and what to do."
    /// Findings shown per check; the JSON report keeps them all.
    static let findingLimit = 25

    /// A `## title` section with a blank line before each item; nothing at all without items.
    static func headed<Item>(_ title: String, _ items: [Item], _ render: (Item) -> [String]) -> [String] {
        items.isEmpty ? [] : ["", "## \(title)"] + items.flatMap { [""] + render($0) }
    }

    package static func render(_ report: Report) -> String {
        var out: [String] = []
        out.append("# Password writeback readiness: \(report.verdict.rawValue)\(selectionSuffix(report))")
        out.append("")
        out += cover(report)
        out.append("")
        out += MarkdownSummary.executive(report)
        out.append("")
        if report.coverage == nil {
            out.append(
                "> This report was written by a preflight version that did not record coverage: its verdict does not show "
                    + "whether every critical and high check was assessed. Run preflight again for a verdict that does.")
            out.append("")
        }
        if let gate = gateLine(report) {
            out.append(gate)
            out.append("")
        }
        if let changes = report.changes { out += ChangesReporter.section(changes) }
        if !report.notices.isEmpty {
            out.append("> **Notes on this run**")
            for notice in report.notices { out.append("> - \(inline(CustomerText.clean(notice)))") }
            out.append("")
        }
        out += MarkdownSummary.users(report)
        out.append("")
        out.append("## Checks")
        out.append("")
        out.append("By severity, then status.")
        out.append("")
        out.append("| Status | ID | Severity | Title |")
        out.append("|---|---|---|---|")
        let ordered = report.checksBySeverity
        for check in ordered {
            out.append("| \(badge(check.status)) | \(check.id) | \(check.severity.rawValue) | \(cell(check.title)) |")
        }
        let attention = ordered.filter { $0.status != .pass && $0.status != .skip && $0.status != .waived }
        let rights = MarkdownRights.merged(attention)
        var sections: [[String]] = []
        var rightsShown = false
        for check in attention {
            if rights.contains(where: { $0.id == check.id }) {
                if !rightsShown { sections.append(MarkdownRights.section(rights, in: report)) }
                rightsShown = true
            } else {
                sections.append(section(check, in: report))
            }
        }
        out += headed("What needs attention", sections) { $0 }
        let evidenceOnly = ordered.filter { check in
            check.status == .pass && !ReportTable.tables(in: check.evidence).isEmpty
        }
        out += headed("Evidence from passing checks", evidenceOnly) { check in
            ["### \(check.id) — \(inline(check.title))", "", CustomerText.clean(check.message)] + tables(check)
        }
        out += WaiverSection.render(report)
        let skipped = report.checks.filter { $0.status == .skip }
        if !skipped.isEmpty {
            let gaps = Set(report.coverage?.notAssessed.map(\.id) ?? [])
            out.append("")
            out.append("## Skipped checks")
            out.append("")
            for check in skipped {
                let weight = gaps.contains(check.id) ? " — **not assessed** (\(check.severity.rawValue): readiness is unproven without it)" : ""
                out.append(
                    "- **\(check.id)** \(inline(check.title)) — \(check.reason?.rawValue ?? "skipped")\(weight): \(inline(CustomerText.clean(check.message)))")
            }
        }
        out += appendix(report)
        return out.joined(separator: "\n") + "\n"
    }

    private static func cover(_ report: Report) -> [String] {
        var rows: [(String, String)] = []
        if let customer = report.cover.customer { rows.append(("Customer", customer)) }
        if let tenant = report.cover.tenant { rows.append(("Tenant", tenant)) }
        if let assessor = report.cover.assessor { rows.append(("Assessor", assessor)) }
        rows.append(("Date", humanDate(report.run.startedAt)))
        rows.append(("Scope", "\(report.run.phase.rawValue) phase · \(report.run.topology.rawValue) · \(report.run.cloud.rawValue) cloud"))
        if let selection = report.coverage?.selection {
            rows.append(("Selection", "\(selection.flags): only the selected checks (and the checks they require) ran"))
        }
        rows.append(("Tool", "\(report.tool.name) \(report.tool.version)"))
        return ["| | |", "|---|---|"] + rows.map { "| \($0.0) | \(cell($0.1)) |" }
    }

    /// The verdict with its counts, what was not assessed and why, and the selection when the run was narrowed.
    package static func verdictLine(_ report: Report) -> String {
        let s = report.summary
        let counts =
            "\(s.fail) failed, \(Plural.count(s.warn, "warning")), \(Plural.count(s.error, "error")), \(s.pass) passed, \(s.skip) skipped"
            + (s.waived > 0 ? ", \(s.waived) waived" : "")
        let verdict = "**\(report.verdict.rawValue)**\(selectionSuffix(report))"
        let missing = report.coverage?.notAssessedClause.map { "; \($0)" } ?? ""
        switch report.verdict {
        case .ready:
            guard let coverage = report.coverage else { return "\(verdict) — no check failed or errored (\(counts))." }
            if coverage.isNarrowed {
                return "\(verdict) — no selected check failed or errored (\(counts)); checks outside the selection were not run."
            }
            return "\(verdict) — no check failed or errored, and every critical and high check of the \(report.run.phase.rawValue) "
                + "phase was assessed (\(counts))."
        case .notReady: return "\(verdict) — at least one check failed (\(counts))\(missing)."
        case .incomplete where s.pass + s.warn + s.waived == 0 && s.error == 0:
            return "\(verdict) — no check ran to a verdict, so readiness is unproven (\(counts))\(missing)."
        case .incomplete where s.error > 0:
            return "\(verdict) — nothing failed, but some checks could not decide, so readiness is unproven (\(counts))\(missing)."
        case .incomplete:
            return "\(verdict) — nothing failed, but critical or high checks were not assessed, so readiness is unproven (\(counts))\(missing)."
        }
    }

    /// ` (selection: --only INV-001)` after the verdict word when the run was narrowed; empty otherwise.
    static func selectionSuffix(_ report: Report) -> String {
        report.coverage?.selection.map { " (selection: \($0.flags))" } ?? ""
    }

    /// Only when `--fail-on` or `--strict` was given: which checks decide the exit code.
    package static func gateLine(_ report: Report) -> String? {
        guard !report.gate.isDefault else { return nil }
        let blocking = report.gate.blocking(report.checks).map(\.id)
        let which = blocking.isEmpty ? "no check blocks the run" : "blocking: \(blocking.joined(separator: ", "))"
        return "Gate `\(report.gate.flags)`: exit code \(report.exitCode) (\(which))."
    }

    private static func section(_ check: CheckResult, in report: Report) -> [String] {
        var out = ["### \(badge(check.status)) \(check.id) — \(inline(check.title))", ""]
        out.append("*Severity:* \(check.severity.rawValue)")
        out.append("")
        out.append(CustomerText.clean(check.message))
        out += tables(check)
        if !check.findings.isEmpty {
            out.append("")
            out += groupCounts(check.findings)
            out.append("**Findings** (\(check.findings.count))")
            // A check judged in several domains lists each domain's findings under its name (`details.domain`).
            let domains = PerDomain.domains(check.findings, by: PerDomain.domain(of:))
            if domains.count > 1 {
                for domain in domains {
                    let own = check.findings.filter { PerDomain.domain(of: $0) == domain }
                    out += ["", "*\(inline(domain))* (\(own.count))", ""] + findingTable(own, in: report)
                }
            } else {
                out.append("")
                out += findingTable(check.findings, in: report)
            }
        }
        if !check.remediation.isEmpty {
            out.append("")
            out.append("**Remediation**")
            out.append("")
            out.append(paragraphs(CustomerText.remediation(check.remediation)).joined(separator: "\n\n"))
        }
        if !check.references.isEmpty {
            out.append("")
            out.append("**References**")
            out.append("")
            out += check.references.map { "- <\($0)>" }
        }
        return out
    }

    /// The findings as a table, at most `findingLimit` rows, and where the rest are.
    private static func findingTable(_ findings: [Finding], in report: Report) -> [String] {
        var out = ["| Status | Target | Message |", "|---|---|---|"]
        for finding in findings.prefix(findingLimit) {
            let status = finding.waiver == nil ? finding.status.rawValue : "\(finding.status.rawValue) (waived)"
            out.append("| \(status) | \(cell(CustomerText.clean(finding.target))) | \(cell(CustomerText.clean(finding.message))) |")
        }
        if findings.count > findingLimit {
            out.append("")
            out.append(FullList.more(shown: findingLimit, of: findings.count, in: report) { "`\($0)`" })
        }
        return out
    }

    /// Rows shown per evidence table; the JSON report keeps them all.
    static let tableRowLimit = 50

    private static func tables(_ check: CheckResult) -> [String] {
        var out: [String] = []
        for table in ReportTable.tables(in: check.evidence).map(CustomerText.table) where !table.columns.isEmpty {
            out.append("")
            out.append("**\(inline(table.title))**")
            out.append("")
            out.append("| " + table.columns.map(cell).joined(separator: " | ") + " |")
            out.append("|" + String(repeating: "---|", count: table.columns.count))
            for row in table.rows.prefix(tableRowLimit) {
                let padded = row + Array(repeating: "", count: max(0, table.columns.count - row.count))
                out.append("| " + padded.prefix(table.columns.count).map(cell).joined(separator: " | ") + " |")
            }
            if table.rows.count > tableRowLimit {
                out.append("")
                out.append("…and \(table.rows.count - tableRowLimit) more rows (the JSON report has all \(table.rows.count)).")
            }
        }
        return out
    }

    /// Findings that carry `details.group` (e.g. the OU of a user) are summarised by group first.
    private static func groupCounts(_ findings: [Finding]) -> [String] {
        var counts: [String: Int] = [:]
        for finding in findings {
            if let group = finding.details?["group"]?.stringValue { counts[group, default: 0] += 1 }
        }
        guard !counts.isEmpty else { return [] }
        var out = ["| Group | Findings |", "|---|---|"]
        for (group, count) in counts.sorted(by: { $0.value != $1.value ? $0.value > $1.value : $0.key < $1.key }) {
            out.append("| \(cell(group)) | \(count) |")
        }
        out.append("")
        return out
    }

    static func badge(_ status: CheckStatus) -> String {
        switch status {
        case .pass: "✅ pass"
        case .warn: "⚠️ warn"
        case .fail: "❌ fail"
        case .error: "⛔ error"
        case .skip: "⏭️ skip"
        case .waived: "🏷️ waived"
        }
    }

    /// Table cells come from the directory, exports and plugins: a pipe would split the row and a tag would
    /// render as HTML, so both are escaped.
    static func cell(_ text: String) -> String {
        inline(text).replacingOccurrences(of: "|", with: "\\|").replacingOccurrences(of: "<", with: "\\<")
    }

    static func inline(_ text: String) -> String {
        // Most texts have no line break: returned as they are (the subjects CSV passes a million messages through here).
        guard text.utf8.contains(where: { $0 == 0x0A || $0 == 0x0D }) else { return text }
        return text.replacingOccurrences(of: "\r\n", with: " ").replacingOccurrences(of: "\n", with: " ")
            .replacingOccurrences(of: "\r", with: " ")
    }

    /// The remediation's paragraphs, each once (a generated paragraph and the catalog's may repeat each other), code
    /// blocks kept whole.
    static func paragraphs(_ text: String) -> [String] {
        var result: [String] = []
        var current: [String] = []
        var inCode = false
        func flush() {
            let paragraph = current.joined(separator: "\n").trimmingCharacters(in: .whitespacesAndNewlines)
            if !paragraph.isEmpty, !result.contains(paragraph) { result.append(paragraph) }
            current = []
        }
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            if line.hasPrefix("```") { inCode.toggle() }
            if line.trimmingCharacters(in: .whitespaces).isEmpty && !inCode { flush() } else { current.append(String(line)) }
        }
        flush()
        return result
    }

    /// Tool internals for whoever reruns or debugs the assessment: each check's probe and time, the run's id and catalog,
    /// and the local paths and configuration keys the text above shortened (`CustomerText`).
    static func appendix(_ report: Report) -> [String] {
        var out = ["", "## Technical appendix", ""]
        out.append(
            "Run \(report.run.id) · \(report.run.durationMs) ms · host \(cell(report.run.host)) · catalog "
                + "\(report.run.catalogDigest.prefix(19)) · JSON report (schema v\(report.schemaVersion)) has every finding.")
        out.append("")
        out.append("Probes and times: " + report.checks.sorted(by: { $0.id < $1.id }).map { "\($0.id) `\($0.probe)` \($0.durationMs) ms" }.joined(separator: " · ") + ".")
        let internals = CustomerText.appendixRows(report, shown: findingLimit)
        if !internals.isEmpty {
            out += ["", "Files and settings the text above names by file name or as \"the configuration\":", ""]
            out += ["| Check | Files | Settings |", "|---|---|---|"]
            for row in internals {
                out.append("| \(row.check) | \(cell(row.paths.joined(separator: ", "))) | \(cell(row.keys.joined(separator: ", "))) |")
            }
        }
        return out
    }

    static func humanDate(_ rfc3339: String) -> String {
        rfc3339.replacingOccurrences(of: "T", with: " ").replacingOccurrences(of: "Z", with: " UTC")
    }
}
