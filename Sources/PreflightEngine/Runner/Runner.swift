import Foundation
import Logging
import PreflightCore

/// Runs checks concurrently in `requires` order, each under its own deadline.
package struct Runner: Sendable {
    package var registry: ProbeRegistry
    package var configuration: Configuration
    package var environment: [String: String]
    package var jobs: Int
    /// `run --save-facts`: receives what each check's probe gathered (or why it could not).
    package var recorder: FactsRecorder?
    /// `evaluate`: every check is judged from these saved facts; no probe gathers anything.
    package var savedFacts: SavedFacts?

    package init(
        registry: ProbeRegistry, configuration: Configuration,
        environment: [String: String] = ProcessInfo.processInfo.environment, jobs: Int = Runner.defaultJobs
    ) {
        self.registry = registry
        self.configuration = configuration
        self.environment = environment
        self.jobs = max(1, jobs)
    }

    /// Most probes wait on the network, so more jobs than cores pays off.
    package static var defaultJobs: Int { max(4, ProcessInfo.processInfo.activeProcessorCount * 2) }

    package func run(
        _ checks: [CheckDefinition], progress: (@Sendable (CheckResult) -> Void)? = nil
    ) async -> [CheckResult] {
        let shared = SharedFacts()
        var results: [String: CheckResult] = [:]
        var pending = checks
        await withTaskGroup(of: CheckResult.self) { group in
            var running = 0
            while !pending.isEmpty || running > 0 {
                // Start every check whose prerequisites have finished, up to the job limit.
                var index = 0
                while index < pending.count, running < jobs {
                    let check = pending[index]
                    let waiting = check.requires.contains { id in results[id] == nil && checks.contains { $0.id == id } }
                    if waiting {
                        index += 1
                        continue
                    }
                    pending.remove(at: index)
                    let gate = prerequisiteGate(check, results)
                    running += 1
                    group.addTask { await self.execute(check, gate: gate, shared: shared) }
                }
                guard running > 0 else { break }
                if let result = await group.next() {
                    running -= 1
                    results[result.id] = result
                    progress?(result)
                }
            }
        }
        return checks.compactMap { results[$0.id] }.sorted { $0.id < $1.id }
    }

    /// Why a check must be skipped before it runs, or nil when it may run.
    private func prerequisiteGate(_ check: CheckDefinition, _ results: [String: CheckResult]) -> Evaluation? {
        if !check.phases.contains(configuration.phase) {
            return .skip(
                .notApplicable,
                "Runs in the \(check.phases.map(\.rawValue).joined(separator: " and ")) phase; this run is '\(configuration.phase.rawValue)'.")
        }
        if !check.topologies.contains(configuration.topology) {
            return .skip(
                .notApplicable,
                "Applies to \(check.topologies.map(\.rawValue).joined(separator: " and ")); this run's topology is '\(configuration.topology.rawValue)'.")
        }
        for id in check.requires {
            guard let result = results[id] else { continue }
            // Judged per domain, a requirement met in some domains lets the check judge those (and error on the others).
            if result.status != .pass && result.status != .warn && !PerDomain.anyDomainPassed(result.evidence) {
                var skip = Evaluation.skip(
                    .requirementFailed,
                    "Requires \(id) (\(result.title)), which ended with '\(result.status.rawValue)'. Fix \(id) first.")
                // Which requirement, for the report's coverage: a check skipped because AD-001 had no input lacks that input too.
                skip.evidence[Coverage.requirementEvidenceKey] = .string(id)
                return skip
            }
        }
        return nil
    }

    private static let logger = Logger(label: "preflight.runner")

    private func execute(_ check: CheckDefinition, gate: Evaluation?, shared: SharedFacts) async -> CheckResult {
        let started = ContinuousClock.now
        Self.logger.debug("starting \(check.id) (probe \(check.qualifiedProbe))")
        let evaluation: Evaluation
        var saved: SavedOutcome?
        if let gate {
            evaluation = gate
        } else if let savedFacts {
            evaluation = savedFacts.evaluation(of: check, registry: registry, configuration: configuration)
        } else if let probe = registry[check.probe] {
            (evaluation, saved) = await runWithDeadline(check, probe: probe, shared: shared)
        } else {
            evaluation = .error("No probe kind named '\(check.probe)' is registered in this build.")
        }
        let elapsed = ContinuousClock.now - started
        Self.logger.debug("finished \(check.id): \(evaluation.status.rawValue) after \(elapsed)")
        // Judged from saved facts, a check keeps the time its probe took when they were gathered.
        let durationMs = savedFacts?.durationMs(of: check)
            ?? Int(elapsed.milliseconds)
        recorder?.record(check, saved, durationMs: durationMs)
        return CheckResult(
            id: check.id, title: check.title, area: check.area, probe: check.qualifiedProbe, severity: check.severity,
            status: evaluation.status, reason: evaluation.status == .skip ? (evaluation.reason ?? .notApplicable) : nil,
            message: Self.normalisedMessage(evaluation), durationMs: durationMs,
            tags: check.tags, findings: evaluation.findings, evidence: evaluation.evidence,
            remediation: [evaluation.generatedRemediation, check.remediation.isEmpty ? nil : check.remediation]
                .compactMap { $0 }.joined(separator: "\n\n"),
            references: check.references)
    }

    /// Every non-pass status carries a reason; a judgement that forgot one gets a plain default.
    static func normalisedMessage(_ evaluation: Evaluation) -> String {
        if !evaluation.message.isEmpty || evaluation.status == .pass { return evaluation.message }
        return "The check ended with '\(evaluation.status.rawValue)' but gave no message."
    }

    /// The check's evaluation and, with a recorder, what to save: whichever came first, the probe's or the deadline's.
    private func runWithDeadline(
        _ check: CheckDefinition, probe: RegisteredProbe, shared: SharedFacts
    ) async -> (Evaluation, SavedOutcome?) {
        let seconds = check.timeoutSeconds ?? configuration.timeoutSeconds
        let context = ProbeContext(
            configuration: configuration, check: check, deadline: Date().addingTimeInterval(seconds), shared: shared,
            environment: environment)
        let saving = recorder != nil
        let bound = check.bound
        let outcome = await firstOf({ await bound.collect(context, saving) }, orAt: context.deadline) {
            ProbeOutcome(
                failed: .error(
                    "The check did not finish within its deadline of \(Self.format(seconds)) s, so readiness is unproven. "
                        + "Raise 'timeoutSeconds' if the environment is slow, or look at why the probe hangs."),
                saving: saving)
        }
        return (outcome.evaluation, outcome.saved)
    }

    static func format(_ seconds: Double) -> String {
        seconds.rounded() == seconds ? String(Int(seconds)) : String(format: "%.1f", seconds)
    }
}
