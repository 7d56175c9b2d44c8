import PreflightCore

/// The Markdown report's first sections: the executive summary (verdict, areas, users, top actions) and per-user
/// readiness. What a manager reads before the checks.
enum MarkdownSummary {
    /// Actions the summary lists; the CSV action plan has them all.
    static let topActions = 5
    /// Users listed with their blockers; the JSON report's `readiness.users` and the users CSV list them all.
    static let userLimit = 10

    static func executive(_ report: Report) -> [String] {
        var out = ["## Executive summary", "", MarkdownReporter.verdictLine(report), ""]
        out.append("**Users:** \(report.readiness.headline)")
        out.append("")
        out.append("| Area | Status | Checks |")
        out.append("|---|---|---|")
        for area in AreaStatus.areas(report) {
            out.append("| \(area.name) | \(MarkdownReporter.badge(area.status)) | \(area.countsText) |")
        }
        let actions = ActionPlan.actions(report)
        if !actions.isEmpty {
            out.append("")
            out.append("**Top actions**")
            out.append("")
            for (index, action) in actions.prefix(topActions).enumerated() {
                let impact = action.impact.isEmpty ? "" : " — \(action.impact)"
                out.append("\(index + 1). **\(action.severity.rawValue)** — \(MarkdownReporter.inline(action.text))\(impact) (\(action.checks.joined(separator: ", ")))")
            }
            if actions.count > topActions {
                out.append("")
                out.append("\(Plural.count(actions.count - topActions, "more action")): see What needs attention.")
            }
        }
        return out
    }

    static func users(_ report: Report) -> [String] {
        let r = report.readiness
        var out = ["## Per-user readiness", "", r.headline]
        if r.inScope != nil {
            out.append("")
            out.append("| Ready | Blocked by their own causes | Blocked by the environment only | Unknown | In scope (from the \(r.inScopeSource == "inventory" ? "tenant exports" : "directory")) |")
            out.append("|---|---|---|---|---|")
            out.append("| \(r.ready) | \(r.blocked) | \(r.blockedByEnvironment) | \(r.unknown) | \(r.inScope ?? 0) |")
        }
        if !r.notAssessed.isEmpty {
            out.append("")
            out.append("Not assessed, so those users are *unknown*, not ready: "
                + r.notAssessed.map { "\($0.side) (\($0.check): \($0.status))" }.joined(separator: "; ") + ".")
        }
        if !r.causes.isEmpty {
            out.append("")
            out.append("| Cause | Users | Checks |")
            out.append("|---|---|---|")
            for cause in r.causes {
                out.append("| \(MarkdownReporter.cell(cause.label)) | \(cause.users) | \(cause.checks.joined(separator: ", ")) |")
            }
        }
        // Counted and listed lazily: a million-user tenant's list is not copied for ten rows.
        let listed = r.users.lazy.filter { !$0.blockers.isEmpty || !$0.undecided.isEmpty }
        let count = listed.count
        if count > 0 {
            out.append("")
            out.append("**Users and their blockers** (\(count))")
            out.append("")
            out.append("| User | Blockers |")
            out.append("|---|---|")
            for user in listed.prefix(userLimit) {
                out.append("| \(MarkdownReporter.cell(user.user)) | \(MarkdownReporter.cell(blockers(user))) |")
            }
            if count > userLimit {
                out.append("")
                out.append("…and \(count - userLimit) more: the JSON report (`readiness.users`) and the users CSV (`--format users-csv`) list all \(count).")
            }
        }
        return out
    }

    static func blockers(_ user: Readiness.User) -> String {
        var parts = user.blockers.map { blocker in
            Readiness.label(blocker.cause) + (blocker.detail.map { " (\($0))" } ?? "")
        }
        if !user.undecided.isEmpty { parts.append("not judged by \(user.undecided.joined(separator: ", "))") }
        return parts.joined(separator: "; ")
    }
}
