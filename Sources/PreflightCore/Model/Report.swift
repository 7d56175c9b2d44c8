import Foundation

/// The whole outcome of a run: what the JSON report holds and every reporter renders.
package struct Report: Sendable, Codable, Hashable {
    package static let currentSchemaVersion = 1

    package var schemaVersion: Int
    package var tool: Tool
    package var run: RunInfo
    package var cover: Cover
    package var ready: Bool
    package var exitCode: Int32
    package var summary: Summary
    package var notices: [String]
    package var checks: [CheckResult]
    /// The gate the exit code was decided by (`--fail-on`, `--strict`); `exitCode` follows it.
    package private(set) var gate = Gate()
    /// Every waiver of the run's waiver file and how it fared (applied, expired, expiring soon, stale).
    package private(set) var waivers: [WaiverOutcome] = []
    /// What changed since the baseline report (`run --baseline`); absent without one.
    package var changes: Changes?
    /// What the run judged and what it could not (and how `--only`/`--skip`/`--tag` narrowed it). Derived from `checks`
    /// and the selection, so it cannot contradict them; nil only for a report written before coverage was recorded,
    /// whose verdict then keeps the rule it was written with.
    package private(set) var coverage: Coverage?
    /// Which in-scope users can use writeback today and what blocks the others. Derived from `checks` (recomputed when a
    /// report is read), so it cannot contradict them.
    package private(set) var readiness: Readiness

    package struct Tool: Sendable, Codable, Hashable {
        package var name: String
        package var version: String
        package init(name: String = "preflight", version: String = PreflightVersion.current) {
            self.name = name
            self.version = version
        }
    }

    package struct RunInfo: Sendable, Codable, Hashable {
        package var id: String
        package var startedAt: String
        package var finishedAt: String
        package var durationMs: Int
        package var host: String
        package var phase: Phase
        package var topology: Topology
        package var cloud: Cloud
        package var catalogDigest: String

        package init(
            id: String, startedAt: String, finishedAt: String, durationMs: Int, host: String, phase: Phase,
            topology: Topology, cloud: Cloud, catalogDigest: String
        ) {
            self.id = id
            self.startedAt = startedAt
            self.finishedAt = finishedAt
            self.durationMs = durationMs
            self.host = host
            self.phase = phase
            self.topology = topology
            self.cloud = cloud
            self.catalogDigest = catalogDigest
        }
    }

    package struct Cover: Sendable, Codable, Hashable {
        package var customer: String?
        package var tenant: String?
        package var assessor: String?
        package init(customer: String? = nil, tenant: String? = nil, assessor: String? = nil) {
            self.customer = customer
            self.tenant = tenant
            self.assessor = assessor
        }
    }

    package struct Summary: Sendable, Codable, Hashable {
        package var pass = 0, warn = 0, fail = 0, error = 0, skip = 0
        /// Reports from before waivers have no `waived` count.
        @DefaultWhenMissing package var waived = 0

        package init(_ statuses: [CheckStatus] = []) {
            for status in statuses {
                switch status {
                case .pass: pass += 1
                case .warn: warn += 1
                case .fail: fail += 1
                case .error: error += 1
                case .skip: skip += 1
                case .waived: waived += 1
                }
            }
        }
    }

    package init(
        tool: Tool = Tool(), run: RunInfo, cover: Cover, notices: [String] = [], checks: [CheckResult],
        selection: Selection? = nil
    ) {
        self.schemaVersion = Self.currentSchemaVersion
        self.tool = tool
        self.run = run
        self.cover = cover
        self.notices = notices
        self.checks = checks
        self.readiness = Readiness(checks: checks)
        self.summary = Summary(checks.map(\.status))
        let coverage = Coverage(checks: checks, selection: selection)
        self.coverage = coverage
        self.verdict = Verdict(summary: summary, notAssessed: coverage.notAssessed)
        self.ready = verdict == .ready
        self.exitCode = verdict.exitCode
    }

    /// Applies the waivers at `now`: covered findings are marked, fully covered checks become `waived`,
    /// and the summary, verdict and exit code follow.
    package mutating func apply(_ waivers: [Waiver], at now: Date) {
        let (results, outcomes) = WaiverApplication.apply(waivers, to: checks, at: now)
        // Readiness reads the checks' statuses and the findings' subjects, which a waiver leaves as they are unless it
        // waives a whole check: joined again only then (a million-user join costs a second).
        let statusChanged = zip(checks, results).contains { $0.status != $1.status }
        checks = results
        if statusChanged { readiness = Readiness(checks: results) }
        self.waivers = outcomes
        summary = Summary(checks.map(\.status))
        if let coverage { self.coverage = Coverage(checks: checks, selection: coverage.selection) }
        verdict = Verdict(summary: summary, notAssessed: coverage?.notAssessed ?? [])
        ready = verdict == .ready
        exitCode = gate.exitStatus(checks).rawValue
    }

    /// The checks replaced by the same checks with other texts (`--redact` rewrites them in place rather than through a
    /// JSON round trip of a million findings): what is derived from them is derived again, as reading the report back does.
    package mutating func replaceChecks(_ checks: [CheckResult]) {
        self.checks = checks
        readiness = Readiness(checks: checks)
        coverage = coverage.map { Coverage(checks: checks, selection: $0.selection) }
        verdict = Verdict(summary: Summary(checks.map(\.status)), notAssessed: coverage?.notAssessed ?? [])
    }

    /// Decides `exitCode` by `gate` instead of the default (any failure fails); the verdict does not change.
    package mutating func apply(_ gate: Gate) {
        self.gate = gate
        exitCode = gate.exitStatus(checks).rawValue
    }

    /// Derived from the summary; not stored, so a report cannot contradict itself.
    package private(set) var verdict: Verdict = .ready

    /// Decoding option (`JSONDecoder.userInfo`): true leaves the report's `changes` out (`JSONReporter.parse(_:file:forComparison:)`).
    // The raw value is a non-empty string, for which CodingUserInfoKey's initializer never fails.
    package static let leavesOutChanges = CodingUserInfoKey(rawValue: "preflight.report.leavesOutChanges")!

    private enum CodingKeys: String, CodingKey {
        case schemaVersion, tool, run, cover, ready, exitCode, gate, summary, coverage, readiness, changes, notices, checks, waivers
    }

    package init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        schemaVersion = try container.decode(Int.self, forKey: .schemaVersion)
        tool = try container.decode(Tool.self, forKey: .tool)
        run = try container.decode(RunInfo.self, forKey: .run)
        cover = try container.decode(Cover.self, forKey: .cover)
        ready = try container.decode(Bool.self, forKey: .ready)
        exitCode = try container.decode(Int32.self, forKey: .exitCode)
        gate = try container.decodeIfPresent(Gate.self, forKey: .gate) ?? Gate()
        summary = try container.decode(Summary.self, forKey: .summary)
        notices = try container.decodeIfPresent([String].self, forKey: .notices) ?? []
        checks = try container.decode([CheckResult].self, forKey: .checks)
        readiness = Readiness(checks: checks)
        waivers = try container.decodeIfPresent([WaiverOutcome].self, forKey: .waivers) ?? []
        // A report read only to be compared with (a baseline, `diff`'s two) leaves out its own comparison: on a
        // million-user tenant that section lists half a million unchanged findings, and nothing compares with it.
        changes = decoder.userInfo[Self.leavesOutChanges] as? Bool == true ? nil : try container.decodeIfPresent(Changes.self, forKey: .changes)
        // Recomputed from the checks, keeping only the recorded selection: the coverage cannot contradict the checks.
        // A report from before coverage keeps the verdict rule it was written with (its `ready` and `exitCode` say so).
        coverage = try container.decodeIfPresent(Coverage.self, forKey: .coverage).map { Coverage(checks: checks, selection: $0.selection) }
        verdict = Verdict(summary: Summary(checks.map(\.status)), notAssessed: coverage?.notAssessed ?? [])
    }
}

/// READY, NOT READY or INCOMPLETE: the one word a reader looks for first.
package enum Verdict: String, Sendable, Codable {
    case ready = "READY"
    case notReady = "NOT READY"
    case incomplete = "INCOMPLETE"

    /// A run in which nothing passed proved nothing, so it is INCOMPLETE, never READY; so is a run in which a
    /// critical or high check was not assessed (`Coverage.notAssessed`), or a check errored.
    package init(summary: Report.Summary, notAssessed: [Coverage.Gap] = []) {
        if summary.fail > 0 {
            self = .notReady
        } else if summary.error > 0 || summary.pass + summary.warn + summary.waived == 0 || !notAssessed.isEmpty {
            self = .incomplete
        } else {
            self = .ready
        }
    }

    /// The verdict of these check results (coverage included).
    package init(checks: [CheckResult]) {
        self.init(summary: Report.Summary(checks.map(\.status)), notAssessed: Coverage.gaps(in: checks))
    }

    package var exitCode: Int32 {
        switch self {
        case .ready: ExitStatus.ready.rawValue
        case .notReady: ExitStatus.notReady.rawValue
        case .incomplete: ExitStatus.incomplete.rawValue
        }
    }
}

/// One check's entry in the report.
package struct CheckResult: Sendable, Codable, Hashable {
    package var id: String
    package var title: String
    package var area: String
    package var probe: String
    package var severity: Severity
    package var status: CheckStatus
    /// Always in the JSON (null when there is none), so consumers need no key checks.
    @NullEncoded package var reason: SkipReason?
    package var message: String
    package var durationMs: Int
    package var tags: [String]
    package var findings: [Finding]
    package var evidence: [String: JSONValue]
    package var remediation: String
    package var references: [String]

    package init(
        id: String, title: String, area: String, probe: String, severity: Severity, status: CheckStatus,
        reason: SkipReason?, message: String, durationMs: Int, tags: [String], findings: [Finding],
        evidence: [String: JSONValue], remediation: String, references: [String]
    ) {
        self.id = id
        self.title = title
        self.area = area
        self.probe = probe
        self.severity = severity
        self.status = status
        self.reason = reason
        self.message = message
        self.durationMs = durationMs
        self.tags = tags
        self.findings = findings
        self.evidence = evidence
        self.remediation = remediation
        self.references = references
    }
}

package enum PreflightVersion {
    package static let current = "0.1.0"
}
