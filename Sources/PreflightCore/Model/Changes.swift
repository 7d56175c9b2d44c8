/// What changed between two reports: the `changes` object of a run with `--baseline`, and what `preflight diff`
/// prints. Findings are keyed by (check id, target).
public struct Changes: Sendable, Codable, Hashable {
    /// The earlier report (the baseline) and the later one.
    public var baseline: RunReference
    public var current: RunReference
    /// Anything got worse: a new problem, a finding or check whose status got worse, or a check that lost its
    /// assessment (skipped, errored or not run after reaching a verdict). `diff` exits 1 when true.
    public var worse: Bool
    public var verdict: VerdictChange
    /// Checks whose status differs, including checks only one of the reports has (`from` or `to` is null).
    public var checks: [CheckChange]
    public var findings: FindingChanges
    /// Why the two reports may not be comparable (other tenant, phase or catalog, swapped order).
    public var notices: [String]

    public struct RunReference: Sendable, Codable, Hashable {
        public var runId: String
        public var startedAt: String
        public var verdict: Verdict
        public var phase: Phase
        public var host: String
        /// The file the report was read from; null for the report being written.
        @NullEncoded public var file: String?

        public init(_ report: Report, file: String?) {
            runId = report.run.id
            startedAt = report.run.startedAt
            verdict = report.verdict
            phase = report.run.phase
            host = report.run.host
            self.file = file
        }
    }

    public struct VerdictChange: Sendable, Codable, Hashable {
        public var from: Verdict
        public var to: Verdict
    }

    public struct CheckChange: Sendable, Codable, Hashable {
        public var id: String
        public var title: String
        public var severity: Severity
        /// Null: the baseline did not run this check.
        @NullEncoded public var from: CheckStatus?
        /// Null: this run did not run the check.
        @NullEncoded public var to: CheckStatus?
        public var trend: Trend
    }

    public enum Trend: String, Sendable, Codable, Hashable {
        case worse, better, changed
    }

    public struct FindingChanges: Sendable, Codable, Hashable {
        /// Problems the baseline did not have, found by a check the baseline had assessed too.
        public var new: [FindingChange] = []
        /// Problems of a check the baseline skipped, errored on or did not run: not known to be new (after a night
        /// the directory was unreachable, yesterday's problems are back, not new).
        /// Reports written before `newlyAssessed` existed have none and still load as baselines.
        @DefaultWhenMissing public var newlyAssessed: [FindingChange] = []
        /// Problems gone from a check that ran to a verdict again.
        public var resolved: [FindingChange] = []
        /// Same check and target, another status (waived counts as a status here).
        public var changed: [FindingChange] = []
        /// Baseline problems whose check was skipped, errored or not run this time: not known to be fixed.
        public var unassessed: [FindingChange] = []
        public var unchanged: [FindingChange] = []

        public init() {}
    }

    /// One finding on either side; `from`/`to` are its effective statuses (`waived` when a waiver covers it).
    public struct FindingChange: Sendable, Codable, Hashable {
        public var check: String
        public var severity: Severity
        public var target: String
        @NullEncoded public var from: CheckStatus?
        @NullEncoded public var to: CheckStatus?
        /// The later message when there is one, else the baseline's.
        public var message: String
    }

    /// Nothing differs at all (unchanged findings only).
    public var isEmpty: Bool {
        checks.isEmpty && findings.new.isEmpty && findings.newlyAssessed.isEmpty && findings.resolved.isEmpty
            && findings.changed.isEmpty && findings.unassessed.isEmpty && verdict.from == verdict.to
    }
}
