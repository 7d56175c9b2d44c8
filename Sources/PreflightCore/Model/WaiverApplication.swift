import Foundation

/// Applies waivers to a run's results: a pure function of the results, the waivers and the time.
package enum WaiverApplication {
    /// Findings a waiver covers get `waiver` (their status stays); a failing or warning check whose every
    /// non-passing finding is waived (or which has none and is waived as a whole) becomes `waived`.
    /// Errors are never waived: a check that could not decide stays unproven.
    package static func apply(_ waivers: [Waiver], to checks: [CheckResult], at now: Date) -> ([CheckResult], [WaiverOutcome]) {
        let active = waivers.enumerated().filter { $0.element.isActive(at: now) }
        var matched = Array(repeating: 0, count: waivers.count)
        var results = checks
        for index in results.indices where results[index].status == .fail || results[index].status == .warn {
            var check = results[index]
            let relevant = active.filter { $0.element.check == check.id }
            guard !relevant.isEmpty else { continue }
            var open = 0
            for findingIndex in check.findings.indices where check.findings[findingIndex].status != .pass {
                let target = check.findings[findingIndex].target
                if let hit = relevant.first(where: { $0.element.matches(checkID: check.id, target: target) }) {
                    check.findings[findingIndex].waiver = WaiverReference(hit.element)
                    matched[hit.offset] += 1
                } else {
                    open += 1
                }
            }
            if check.findings.allSatisfy({ $0.status == .pass }) {
                // Nothing to match a target against: only a waiver without a target covers the check.
                if let hit = relevant.first(where: { $0.element.target == nil }) {
                    matched[hit.offset] += 1
                    check.status = .waived
                }
            } else if open == 0 {
                check.status = .waived
            }
            if check.status == .waived {
                check.message = "Waived: " + check.message
            }
            results[index] = check
        }
        let outcomes = waivers.enumerated().map { index, waiver in
            WaiverOutcome(
                waiver: waiver, state: waiver.isActive(at: now) ? .active : .expired, expiresSoon: waiver.expiresSoon(at: now),
                matched: matched[index])
        }
        return (results, outcomes)
    }
}
