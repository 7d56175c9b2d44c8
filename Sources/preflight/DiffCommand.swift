import ArgumentParser
import Foundation
import PreflightCore
import PreflightKit
import PreflightReporting

struct DiffCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "diff",
        abstract: "Compare two JSON reports: new, newly assessed, resolved and unchanged findings, and checks whose status changed.",
        discussion: "Findings are matched by check id and target. Exit code 1 when anything got worse (with --fail-on: at or above that severity), else 0.")

    @Argument(help: "The earlier JSON report (the baseline).")
    var old: String
    @Argument(help: "The later JSON report.")
    var new: String
    @Option(help: ArgumentHelp("Output format.", valueName: "format"))
    var format: DiffFormat = .md
    @OptionGroup var destination: StdoutOrFileOption
    @Option(
        help: ArgumentHelp(
            "Exit 1 only when something got worse at or above this severity (default: any).", valueName: "severity"))
    var failOn: Severity?

    func run() throws {
        let baseline = try JSONReporter.load(old, role: "report", forComparison: true)
        let current = try JSONReporter.load(new, role: "report", forComparison: true)
        let changes = ReportComparison.compare(baseline: baseline, baselineFile: old, current: current, currentFile: new)
        let body = format == .md ? ChangesReporter.markdown(changes) : ChangesReporter.json(changes, failOn: failOn)
        try destination.write(Data(body.utf8))
        let status = ChangesReporter.exitStatus(changes, failOn: failOn)
        if status != .ready { throw CommandExit(status: status) }
    }
}
