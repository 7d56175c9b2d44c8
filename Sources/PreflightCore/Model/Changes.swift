/// What changed between two reports: the `changes` object of a run with `--baseline`, and what `preflight diff`
/// prints. Findings are keyed by (check id, target).
package struct Changes: Sendable, Codable, Hashable {
    /// The earlier report (the baseline) and the later one.
    package var baseline: RunReference
    package var current: RunReference
    /// Anything got worse: a new problem, a finding or check whose status got worse, or a check that lost its
    /// assessment (skipped, errored or not run after reaching a verdict). `diff` exits 1 when true.
    package var worse: Bool
    package var verdict: VerdictChange
    /// Checks whose status differs, including checks only one of the reports has (`from` or `to` is null).
    package var checks: [CheckChange]
    package var findings: FindingChanges
    /// Why the two reports may not be comparable (other tenant, phase or catalog, swapped order).
    package var notices: [String]

    package struct RunReference: Sendable, Codable, Hashable {
        package var runId: String
        package var startedAt: String
        package var verdict: Verdict
        package var phase: Phase
        package var host: String
        /// The file the report was read from; null for the report being written.
        @NullEncoded package var file: String?

        package init(_ report: Report, file: String?) {
            runId = report.run.id
            startedAt = report.run.startedAt
            verdict = report.verdict
            phase = report.run.phase
            host = report.run.host
            self.file = file
        }
    }

    package struct VerdictChange: Sendable, Codable, Hashable {
        package var from: Verdict
        package var to: Verdict
    }

    package struct CheckChange: Sendable, Codable, Hashable {
        package var id: String
        package var title: String
        package var severity: Severity
        /// Null: the baseline did not run this check.
        @NullEncoded package var from: CheckStatus?
        /// Null: this run did not run the check.
        @NullEncoded package var to: CheckStatus?
        package var trend: Trend
    }

    package enum Trend: String, Sendable, Codable, Hashable {
        case worse, better, changed
    }

    package struct FindingChanges: Sendable, Codable, Hashable {
        /// Problems the baseline did not have, found by a check the baseline had assessed too.
        package var new: [FindingChange] = []
        /// Problems of a check the baseline skipped, errored on or did not run: not known to be new (after a night
        /// the directory was unreachable, yesterday's problems are back, not new).
        /// Reports written before `newlyAssessed` existed have none and still load as baselines.
        @DefaultWhenMissing package var newlyAssessed: [FindingChange] = []
        /// Problems gone from a check that ran to a verdict again.
        package var resolved: [FindingChange] = []
        /// Same check and target, another status (waived counts as a status here).
        package var changed: [FindingChange] = []
        /// Baseline problems whose check was skipped, errored or not run this time: not known to be fixed.
        package var unassessed: [FindingChange] = []
        package var unchanged: [FindingChange] = []

        package init() {}
    }

    /// One finding on either side; `from`/`to` are its effective statuses (`waived` when a waiver covers it).
    package struct FindingChange: Sendable, Codable, Hashable {
        package var check: String
        package var severity: Severity
        package var target: String
        @NullEncoded package var from: CheckStatus?
        @NullEncoded package var to: CheckStatus?
        /// The later message when there is one, else the baseline's.
        package var message: String
    }

    /// Nothing differs at all (unchanged findings only).
    package var isEmpty: Bool {
        checks.isEmpty && findings.new.isEmpty && findings.newlyAssessed.isEmpty && findings.resolved.isEmpty
            && findings.changed.isEmpty && findings.unassessed.isEmpty && verdict.from == verdict.to
    }
}
