import ArgumentParser
import Foundation
import PreflightCore
import PreflightEngine
import PreflightKit
import PreflightReporting

/// `preflight evaluate FACTS`: judges the facts a run saved (`run --save-facts`) with the current catalog, offline (no
/// LDAP, no network, no plugin, no export read), and writes the same reports a run writes. The exit codes are `run`'s.
struct EvaluateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "evaluate",
        abstract: "Judge facts saved by 'run --save-facts' with the current catalog, offline, and write the reports.",
        discussion: """
            Nothing is probed and none of the exports is read: every check is judged from the saved facts, at the times the \
            run judged them (evidence ages and waivers included). A check the saved run gathered nothing for is an error, \
            never a pass. A file that was changed after it was saved, or is of another format version, is refused (65).
            """)

    @Argument(help: ArgumentHelp("The file 'preflight run --save-facts' wrote.", valueName: "facts"))
    var facts: String
    @Option(
        help: ArgumentHelp(
            "Judge with this configuration's settings instead of the saved run's (the files it names are not read).",
            valueName: "file"))
    var config: String?
    @OptionGroup var catalog: CatalogOptions
    @OptionGroup var output: ReportOutputOptions

    func run() async throws {
        Interruption.install(out: output.out)
        try output.validateValues()
        let formats = output.formats, gate = output.gate
        var redactor = try output.redaction.redactor()
        let saved = try SavedFacts.load(facts, registry: .builtIn)
        let configuration = try config.map(Configuration.parse(fileAt:)) ?? saved.configuration
        var notices = saved.notices
        let waiverList: [Waiver]
        if let file = output.waivers {
            waiverList = try WaiverFile.load(from: file)
        } else if let file = configuration.waivers {
            // The saved configuration names the waiver file of the machine that collected the facts.
            if FileManager.default.fileExists(atPath: file) {
                waiverList = try WaiverFile.load(from: file)
            } else {
                waiverList = []
                notices.append(
                    "The waiver file \(file) that the configuration names is not on this machine, so no waiver was applied. "
                        + "Pass it with --waivers FILE.")
            }
        } else {
            waiverList = []
        }
        let loaded = try catalog.load()
        let problems = configuration.problems(with: loaded)
        guard problems.isEmpty else { throw PreflightError.invalidConfiguration(problems) }
        let checks: [CheckDefinition]
        do {
            checks = try saved.selection.apply(to: loaded)
        } catch {
            // A selection of custom checks needs their folders.
            guard case .usage(let message) = error, !saved.catalogFolders.isEmpty, catalog.folders.isEmpty else { throw error }
            let folders = saved.catalogFolders.map { "--checks \($0)" }.joined(separator: " ")
            throw PreflightError.usage("\(message) The run that saved the facts added \(folders): pass the same to 'evaluate'.")
        }
        notices += saved.differences(catalog: loaded, configurationFile: config)
        if !output.quiet && Console.stderrIsTerminal {
            Console.info(
                "Judging the facts saved by preflight \(saved.tool.version) on \(saved.run.host) at \(saved.run.startedAt) "
                    + "(run \(saved.run.id)); nothing is probed.")
        }
        let lock = try RunLock.acquire(in: output.out, wait: output.waitLock)
        var runner = Runner(configuration: configuration, jobs: 1)
        runner.savedFacts = saved
        let results = await runner.run(checks)
        var report = Assessment.report(
            run: saved.runInfo(configuration: configuration, catalog: loaded), results: results, configuration: configuration,
            catalog: loaded, selection: saved.selection, notices: notices)
        report.apply(gate)
        report.apply(waiverList, at: saved.judgedAt)
        report = try redactor.apply(report)
        try output.redaction.writeMapping(redactor)
        let written = try ReportWriter.publish(report, formats: formats, to: output.out, keep: output.keep)
        withExtendedLifetime(lock) {}
        try ReportOutput.finish(report, formats: formats, written: written, quiet: output.quiet)
    }
}
