/// The CI gate: which outcomes make the exit code non-zero. The report always shows everything; the gate only
/// decides the exit code. The default (any failure fails, warnings do not) is the verdict's own exit code.
package struct Gate: Sendable, Hashable, Codable {
    /// Only failures at or above this severity fail the run; nil means every failure does (`--fail-on`).
    package var failOn: Severity?
    /// Warnings fail the run too, at the same severities (`--strict`).
    package var strict: Bool

    package init(failOn: Severity? = nil, strict: Bool = false) {
        self.failOn = failOn
        self.strict = strict
    }

    package var isDefault: Bool { failOn == nil && !strict }

    /// The checks that make the run fail under this gate, in report order.
    package func blocking(_ checks: [CheckResult]) -> [CheckResult] {
        checks.filter { check in
            let counted = check.status == .fail || (strict && check.status == .warn)
            return counted && (failOn.map { check.severity >= $0 } ?? true)
        }
    }

    /// 1 when a blocking check exists; else 2 when a check errored, nothing ran to a verdict, or a critical or high
    /// check was not assessed (`Coverage.gaps`, whatever `failOn` says: an unjudged check is not an accepted failure); else 0.
    package func exitStatus(_ checks: [CheckResult]) -> ExitStatus {
        if !blocking(checks).isEmpty { return .notReady }
        let summary = Report.Summary(checks.map(\.status))
        if summary.error > 0 || summary.pass + summary.warn + summary.fail + summary.waived == 0 { return .incomplete }
        if !Coverage.gaps(in: checks).isEmpty { return .incomplete }
        return .ready
    }

    /// The flags that produce this gate, for messages: `--fail-on high --strict`.
    package var flags: String {
        ([failOn.map { "--fail-on \($0.rawValue)" }, strict ? "--strict" : nil] as [String?]).compactMap { $0 }.joined(separator: " ")
    }

    private enum CodingKeys: String, CodingKey { case failOn, strict }

    package init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        failOn = try container.decodeIfPresent(Severity.self, forKey: .failOn)
        strict = try container.decode(Bool.self, forKey: .strict)
    }

    // `failOn` is always present in the JSON (null for "any failure").
    package func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        if let failOn { try container.encode(failOn, forKey: .failOn) } else { try container.encodeNil(forKey: .failOn) }
        try container.encode(strict, forKey: .strict)
    }
}
