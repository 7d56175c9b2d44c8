/// Compares two reports: the baseline (earlier) and the current one. Pure; `diff` and `run --baseline` share it.
public enum ReportComparison {
    public static func compare(baseline: Report, baselineFile: String?, current: Report, currentFile: String?) -> Changes {
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
    public static func worsened(_ changes: Changes, failOn: Severity?) -> Bool {
        func counts(_ severity: Severity) -> Bool { failOn.map { severity >= $0 } ?? true }
        return changes.checks.contains { $0.trend == .worse && counts($0.severity) }
            || changes.findings.new.contains { isProblem($0.to) && counts($0.severity) }
            || changes.findings.changed.contains { trend(from: $0.from, to: $0.to) == .worse && counts($0.severity) }
    }

    /// For ordering tables worst first.
    static func rank(_ status: CheckStatus?) -> Int {
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

    /// `from`/`to` nil: the check was not in that report. Losing the proof of a pass is worse; a known problem that
    /// can no longer be assessed is a change, not an improvement; an error is worse than a skip.
    static func trend(from: CheckStatus?, to: CheckStatus?) -> Changes.Trend {
        switch (provenRank(from), provenRank(to)) {
        case let (before?, after?):
            return after > before ? .worse : after < before ? .better : .changed
        case let (before?, nil):
            return before == 0 ? .worse : .changed
        case let (nil, after?):
            if after > 0 { return .worse }
            return from == nil ? .changed : .better
        case (nil, nil):
            if to == .error && from != .error { return .worse }
            return from == .error && to == .skip ? .better : .changed
        }
    }

    /// A finding that is a problem (not waived): new ones make the comparison worse.
    static func isProblem(_ status: CheckStatus?) -> Bool { status == .warn || status == .fail || status == .error }

    /// A check's problems; its status decides whether a vanished finding is resolved or just not assessed.
    private static func compareFindings(of before: CheckResult?, with after: CheckResult?, into changes: inout Changes.FindingChanges) {
        let assessed = after.map { [.pass, .warn, .fail, .waived].contains($0.status) } ?? false
        let severity = (after ?? before)!.severity
        let id = (after ?? before)!.id
        var remaining = keyed(before?.findings ?? [])
        for (key, finding) in keyedList(after?.findings ?? []) {
            let status = effectiveStatus(finding)
            if let previous = remaining.removeValue(forKey: key) {
                let entry = Changes.FindingChange(
                    check: id, severity: severity, target: finding.target, from: effectiveStatus(previous), to: status,
                    message: finding.message)
                if entry.from == entry.to { changes.unchanged.append(entry) } else { changes.changed.append(entry) }
            } else {
                changes.new.append(
                    Changes.FindingChange(check: id, severity: severity, target: finding.target, from: nil, to: status, message: finding.message))
            }
        }
        for (key, finding) in keyedList(before?.findings ?? []) where remaining[key] != nil {
            let entry = Changes.FindingChange(
                check: id, severity: severity, target: finding.target, from: effectiveStatus(finding), to: nil, message: finding.message)
            if assessed { changes.resolved.append(entry) } else { changes.unassessed.append(entry) }
        }
    }

    private struct Key: Hashable {
        var target: String
        /// The n-th finding with this target in the check (targets are unique in practice, but nothing guarantees it).
        var occurrence: Int
    }

    private static func keyedList(_ findings: [Finding]) -> [(Key, Finding)] {
        var seen: [String: Int] = [:]
        return findings.map { finding in
            let target = finding.target.lowercased()
            let occurrence = seen[target, default: 0]
            seen[target] = occurrence + 1
            return (Key(target: target, occurrence: occurrence), finding)
        }
    }

    private static func keyed(_ findings: [Finding]) -> [Key: Finding] {
        Dictionary(keyedList(findings), uniquingKeysWith: { first, _ in first })
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
