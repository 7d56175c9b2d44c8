import Foundation

/// Compares two reports: the baseline (earlier) and the current one. Pure; `diff` and `run --baseline` share it.
package enum ReportComparison {
    package static func compare(baseline: Report, baselineFile: String?, current: Report, currentFile: String?) -> Changes {
        let old = Dictionary(baseline.checks.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
        let new = Dictionary(current.checks.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
        var checkChanges: [Changes.CheckChange] = []
        for id in Set(old.keys).union(new.keys).sorted() {
            let before = old[id], after = new[id]
            guard before?.status != after?.status, let any = after ?? before else { continue }
            checkChanges.append(
                Changes.CheckChange(
                    id: id, title: any.title, severity: any.severity, from: before?.status, to: after?.status,
                    trend: trend(from: before?.status, to: after?.status)))
        }
        var findings = Changes.FindingChanges()
        for id in Set(old.keys).union(new.keys).sorted() {
            compareFindings(of: old[id], with: new[id], into: &findings)
        }
        var changes = Changes(
            baseline: .init(baseline, file: baselineFile), current: .init(current, file: currentFile), worse: false,
            verdict: .init(from: baseline.verdict, to: current.verdict), checks: checkChanges, findings: findings,
            notices: comparability(baseline, current))
        changes.worse = worsened(changes, failOn: nil)
        return changes
    }

    /// Whether something got worse at or above `failOn` (nil: any severity); `diff --fail-on` exits by it.
    package static func worsened(_ changes: Changes, failOn: Severity?) -> Bool {
        func counts(_ severity: Severity) -> Bool { failOn.map { severity >= $0 } ?? true }
        return changes.checks.contains { $0.trend == .worse && counts($0.severity) }
            || changes.findings.new.contains { isProblem($0.to) && counts($0.severity) }
            || changes.findings.changed.contains { trend(from: $0.from, to: $0.to) == .worse && counts($0.severity) }
    }

    /// For ordering tables worst first.
    package static func rank(_ status: CheckStatus?) -> Int {
        switch status {
        case .pass, .waived, nil: 0
        case .skip: 1
        case .warn: 2
        case .error: 3
        case .fail: 4
        }
    }

    /// How far a status proves things well: pass (or waived) 0, warn 1, fail 2; nil when it proves nothing
    /// (skipped, errored, not run), which is neither better nor worse than a known problem.
    private static func provenRank(_ status: CheckStatus?) -> Int? {
        switch status {
        case .pass, .waived: 0
        case .warn: 1
        case .fail: 2
        case .skip, .error, nil: nil
        }
    }

    /// `from`/`to` nil: the check was not in that report. Losing an assessment is worse: a failing check that is
    /// skipped, errors or is not run any more may hide a problem that is still there (and can turn NOT READY into
    /// READY). An error is worse than a skip; leaving an error for a skip proves nothing either way.
    package static func trend(from: CheckStatus?, to: CheckStatus?) -> Changes.Trend {
        switch (provenRank(from), provenRank(to)) {
        case let (before?, after?):
            return after > before ? .worse : after < before ? .better : .changed
        case (.some, nil):
            return .worse
        case let (nil, after?):
            if after > 0 { return .worse }
            return from == nil ? .changed : .better
        case (nil, nil):
            return to == .error && from != .error ? .worse : .changed
        }
    }

    /// A finding that is a problem (not waived): new ones make the comparison worse.
    static func isProblem(_ status: CheckStatus?) -> Bool { status == .warn || status == .fail || status == .error }

    /// A check's problems. Whether it reached a verdict now decides if a vanished finding is resolved or just not
    /// assessed; whether it had reached one in the baseline, if an added finding is new or just newly assessed.
    private static func compareFindings(of before: CheckResult?, with after: CheckResult?, into changes: inout Changes.FindingChanges) {
        func reachedVerdict(_ result: CheckResult?) -> Bool { result.map { [.pass, .warn, .fail, .waived].contains($0.status) } ?? false }
        let assessed = reachedVerdict(after), assessedBefore = reachedVerdict(before)
        // Called for each id of either report, so one of the two is there.
        guard let either = after ?? before else { return }
        let severity = either.severity
        let id = either.id
        func entry(_ target: String, _ from: Finding?, _ to: Finding?) -> Changes.FindingChange {
            Changes.FindingChange(
                check: id, severity: severity, target: target, from: from.map(effectiveStatus), to: to.map(effectiveStatus),
                message: (to ?? from)?.message ?? "")
        }
        let (pairs, added, removed) = pair(before?.findings ?? [], after?.findings ?? [])
        for (old, new) in pairs {
            let change = entry(new.target, old, new)
            if change.from == change.to { changes.unchanged.append(change) } else { changes.changed.append(change) }
        }
        // Only a problem can be new or resolved; a passing finding that comes or goes changes nothing.
        for finding in added where isProblem(effectiveStatus(finding)) || finding.waiver != nil {
            let change = entry(finding.target, nil, finding)
            // A check that cannot decide now either keeps calling its new problems new.
            if assessed && !assessedBefore { changes.newlyAssessed.append(change) } else { changes.new.append(change) }
        }
        for finding in removed where isProblem(effectiveStatus(finding)) || finding.waiver != nil {
            let change = entry(finding.target, finding, nil)
            if assessed { changes.resolved.append(change) } else { changes.unassessed.append(change) }
        }
    }

    private static func effectiveStatus(_ finding: Finding) -> CheckStatus {
        finding.waiver == nil ? finding.status : .waived
    }

    /// Facts that make a comparison suspect; reported, never fatal.
    private static func comparability(_ baseline: Report, _ current: Report) -> [String] {
        var notices: [String] = []
        if let before = baseline.cover.tenant, let after = current.cover.tenant, before.lowercased() != after.lowercased() {
            notices.append("The baseline is for tenant '\(before)' and this report for '\(after)': the comparison is probably meaningless.")
        }
        if baseline.run.phase != current.run.phase {
            notices.append(
                "The baseline ran the '\(baseline.run.phase.rawValue)' phase and this report the '\(current.run.phase.rawValue)' phase, so their checks differ.")
        }
        if baseline.run.catalogDigest != current.run.catalogDigest {
            notices.append("The check catalog changed between the two runs (another preflight version or other --checks folders).")
        }
        if baseline.run.startedAt > current.run.startedAt {
            notices.append(
                "The baseline (\(baseline.run.startedAt)) is newer than the report it is compared with (\(current.run.startedAt)): were the files given in the wrong order?")
        }
        return notices
    }
}
