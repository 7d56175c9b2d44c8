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
        help: .file("Judge with this configuration's settings instead of the saved run's (the files it names are not read)."))
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
        let (waiverList, waiverNotice) = try SavedFacts.waivers(file: output.waivers, configuration: configuration)
        let loaded = try catalog.load()
        let problems = configuration.problems(with: loaded)
        guard problems.isEmpty else { throw PreflightError.invalidConfiguration(problems) }
        let checks = try saved.checks(in: loaded, folders: catalog.folders, command: "evaluate")
        let notices = saved.notices + (waiverNotice.map { [$0] } ?? []) + saved.differences(catalog: loaded, configurationFile: config)
        if !output.quiet && Console.stderrIsTerminal {
            Console.info(
                "Judging the facts saved by preflight \(saved.tool.version) on \(saved.run.host) at \(saved.run.startedAt) "
                    + "(run \(saved.run.id)); nothing is probed.")
        }
        let lock = try RunLock.acquire(in: output.out, wait: output.waitLock)
        var report = await saved.judge(
            checks, registry: .builtIn, configuration: configuration, catalog: loaded, notices: notices, gate: gate, waivers: waiverList)
        report = try redactor.apply(report)
        try output.redaction.writeMapping(redactor)
        let written = try ReportWriter.publish(report, formats: formats, to: output.out, keep: output.keep)
        withExtendedLifetime(lock) {}
        try ReportOutput.finish(report, formats: formats, written: written, quiet: output.quiet)
    }
}
