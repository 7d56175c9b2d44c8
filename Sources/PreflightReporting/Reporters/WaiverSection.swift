import PreflightCore

/// The Markdown report's "Waivers" section: what was waived, what expired, what expires soon, what matched nothing.
package enum WaiverSection {
    static func render(_ report: Report) -> [String] {
        guard !report.waivers.isEmpty else { return [] }
        var out = ["", "## Waivers", ""]
        let waived = report.checks.filter { $0.status == .waived }
        if !waived.isEmpty {
            out.append("Waived checks (accepted risks; their findings keep their status in the JSON report):")
            out.append("")
            for check in waived {
                out.append("- **\(check.id)** \(MarkdownReporter.inline(check.title)) (\(check.severity.rawValue)) — \(MarkdownReporter.inline(check.message))")
            }
            out.append("")
        }
        out.append("| Waiver | Check | Target | Expires | Approved by | State | Matched | Justification |")
        out.append("|---|---|---|---|---|---|---|---|")
        for outcome in report.waivers {
            let w = outcome.waiver
            out.append(
                "| \(MarkdownReporter.cell(w.source)) | \(w.check) | \(MarkdownReporter.cell(w.target ?? "(whole check)")) | \(w.expires) | "
                    + "\(MarkdownReporter.cell(w.approvedBy ?? "")) | \(state(outcome)) | \(outcome.matched) | \(MarkdownReporter.cell(w.justification)) |")
        }
        return out
    }

    static func state(_ outcome: WaiverOutcome) -> String {
        switch outcome.state {
        case .expired: "⛔ expired, no longer applies"
        case .active where outcome.matched == 0: "⚠️ stale: matched nothing"
        case .active where outcome.expiresSoon: "⚠️ expires within 14 days"
        case .active: "active"
        }
    }

    /// One line for stdout when waivers need a person's attention; nil when none do.
    package static func attentionLine(_ report: Report) -> String? {
        let expired = report.waivers.filter { $0.state == .expired }.count
        let soon = report.waivers.filter { $0.expiresSoon }.count
        let stale = report.waivers.filter(\.isStale).count
        var parts: [String] = []
        if expired > 0 { parts.append("\(expired) expired (no longer applied)") }
        if soon > 0 { parts.append("\(soon) expiring within 14 days") }
        if stale > 0 { parts.append("\(stale) matched nothing (stale)") }
        guard !parts.isEmpty else { return nil }
        return "Waivers: " + parts.joined(separator: ", ") + ". The report's Waivers section lists them."
    }
}
