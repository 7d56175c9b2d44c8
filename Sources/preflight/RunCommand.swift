import ArgumentParser
import Foundation
import PreflightCore
import PreflightEngine
import PreflightKit
import PreflightReporting

struct RunCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run", abstract: "Run the checks and write the reports.")

    @OptionGroup var config: ConfigOptions
    @OptionGroup var catalog: CatalogOptions

    @Option(
        help: ArgumentHelp("Run only these check ids (comma-separated, repeatable, any case); their prerequisites run too.", valueName: "ids"),
        completion: CheckIDCompletion.kind)
    var only: [String] = []
    @Option(help: ArgumentHelp("Leave out these check ids (comma-separated, repeatable, any case).", valueName: "ids"), completion: CheckIDCompletion.kind)
    var skip: [String] = []
    @Option(help: ArgumentHelp("Run only checks carrying this tag (repeatable).", valueName: "tag"))
    var tag: [String] = []
    @Option(help: ArgumentHelp("Override the configuration's phase.", valueName: "phase"))
    var phase: Phase?
    @Option(help: ArgumentHelp("How many checks run at once.", valueName: "n"))
    var jobs: Int = Runner.defaultJobs
    @Option(
        help: ArgumentHelp(
            "Compare with an earlier JSON report and lead the report with what changed; 'latest' is the previous latest.json in --out.",
            valueName: "file|latest"))
    var baseline: String?
    @Option(
        help: .file("Also save what the probes gathered (facts, not verdicts; no secret) to this file, for 'preflight evaluate'."))
    var saveFacts: String?
    @OptionGroup var output: ReportOutputOptions

    func run() async throws {
        Interruption.install(out: output.out)
        var (configuration, notices) = try config.load()
        if let phase { configuration.phase = phase }
        guard jobs >= 1 else { throw PreflightError.usage("--jobs must be at least 1, but it is \(jobs).") }
        try output.validateValues()
        let formats = output.formats, gate = output.gate
        // The key first: a missing or short one stops the run before anything is probed.
        var redactor = try output.redaction.redactor()
        let waiverList = try (output.waivers ?? configuration.waivers).map(WaiverFile.load(from:)) ?? []
        let loaded = try catalog.load()
        // Before anything runs: an unset password variable or an unusable file must not wait for the check that reads it.
        let problems = configuration.problems(with: loaded) + configuration.inputProblems(environment: ProcessInfo.processInfo.environment)
        guard problems.isEmpty else { throw PreflightError.invalidConfiguration(problems) }
        let selection = Selection(only: splitIDs(only), skip: splitIDs(skip), tags: tag)
        let checks = try selection.apply(to: loaded)
        let baselineIsLatest = baseline == Baseline.latestKeyword
        if baselineIsLatest, !formats.contains(.json) {
            throw PreflightError.usage(
                "--baseline latest compares with the previous latest.json in --out, which only the json format writes: add json to --format (e.g. --format md,json).")
        }
        // A named baseline is read now, so a wrong path fails at once, not after waiting for the lock.
        let named = try baseline.flatMap { path throws(PreflightError) in baselineIsLatest ? nil : try Baseline.load(file: path) }
        if let saveFacts { try SavedFacts.checkWritable(saveFacts) }
        let savedNotices = notices
        // Held until the reports are written and pruned; the kernel releases it when this process ends.
        let lock = try RunLock.acquire(in: output.out, wait: output.waitLock)
        // latest.json is read under the lock: no other run is replacing it.
        let earlier = baselineIsLatest ? Baseline.latest(in: output.out) : named
        if let notice = earlier?.notice { notices.append(notice) }
        // Progress lines only for a person watching a terminal; cron and CI logs stay clean.
        var progress: (@Sendable (CheckResult) -> Void)?
        if !output.quiet && Console.stderrIsTerminal {
            let colour = Console.colourOnStderr
            progress = { result in
                let status = result.status.rawValue.uppercased().padding(toLength: 5, withPad: " ", startingAt: 0)
                Console.info("\(colour ? Console.styled(status, for: result.status) : status) \(result.id) \(result.title)")
            }
        }
        var runner = Runner(configuration: configuration, jobs: jobs)
        let recorder = saveFacts.map { _ in FactsRecorder() }
        runner.recorder = recorder
        var report = await Assessment.run(
            configuration: configuration, catalog: loaded, checks: checks,
            runner: runner, selection: selection, notices: notices, progress: progress)
        // A plugin past its deadline may still be in its grace between SIGTERM and SIGKILL: none outlives the run.
        ChildProcessGroups.shared.terminateAll(closing: true)
        report.apply(gate)
        // Saved facts are judged at the same instant (`evaluate`).
        let judgedAt = recorder == nil ? Date() : SavedFacts.instant(Date())
        report.apply(waiverList, at: judgedAt)
        // Saved facts are for `evaluate` on the consultant's side: the report they record is the one judged, unredacted.
        let judged = report
        // Redacted before the comparison, so that a baseline redacted with the same key matches finding for finding; and
        // after it, so that an unredacted baseline's findings do not reach the reports through `changes`.
        report = try redactor.apply(report)
        if let earlier, let previous = earlier.report {
            report.changes = ReportComparison.compare(baseline: previous, baselineFile: earlier.file, current: report, currentFile: nil)
            report = try redactor.apply(report)
        }
        try output.redaction.writeMapping(redactor)
        // The whole set is published at once (or not at all), then pruned; an interruption waits for both.
        let written = try ReportWriter.publish(report, formats: formats, to: output.out, keep: output.keep)
        if let saveFacts, let recorder {
            try SavedFacts(
                recorder: recorder, report: judged, judgedAt: judgedAt, configuration: configuration, catalogFolders: catalog.folders,
                selection: selection, notices: savedNotices, waivers: output.waivers ?? configuration.waivers
            ).write(to: saveFacts)
        }
        withExtendedLifetime(lock) {}
        UntilExit.keep(report, judged)
        try ReportOutput.finish(report, formats: formats, written: written, facts: saveFacts, quiet: output.quiet)
    }

    private func splitIDs(_ values: [String]) -> [String] {
        values.flatMap { $0.split(separator: ",") }.map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
    }
}

/// What SIGINT (Ctrl-C), SIGTERM (a scheduler's stop, a CI cancel) and SIGHUP (a closed terminal) do to a run: the
/// plugins' process groups get SIGTERM, then SIGKILL after a short grace; a report set being published is finished
/// first (so `latest.*` are the previous run's or this one's, whole); then the run exits with 128 + the signal's number.
/// The kernel releases the `--out` lock with the process.
enum Interruption {
    static func install(out: String) {
        SignalTrap.install { signal in
            // First: no report set may start to be published from checks that are being cut off.
            let published = ReportPublication.shared.freeze(timeout: 10)
            let running = !ChildProcessGroups.shared.running.isEmpty
            ChildProcessGroups.shared.terminateAll(closing: true, cutShort: SignalTrap.another)
            let plugins = running ? " The plugins still running were stopped with their process groups." : ""
            let reports =
                published
                ? "This run's reports had been published before it: latest.* in '\(out)' are this run's, and their verdict stands."
                : "No report was published: '\(out)' still holds the previous run's reports (latest.*), unchanged. Run preflight again for a verdict."
            Console.error("Interrupted by \(SignalTrap.name(signal)).\(plugins) \(reports)")
            fflush(nil)
            _exit(ExitStatus.interrupted(by: signal).rawValue)
        }
    }
}
