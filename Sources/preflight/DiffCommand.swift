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
    @Option(help: ArgumentHelp("Output format: md or json.", valueName: "format"))
    var format: String = "md"
    @Option(help: ArgumentHelp("Write to this file (atomically) instead of stdout.", valueName: "file"))
    var out: String?
    @Option(
        name: .customLong("fail-on"),
        help: ArgumentHelp(
            "Exit 1 only when something got worse at or above this severity: critical, high, medium, low or info (default: any).",
            valueName: "severity"))
    var failOn: String?

    func run() throws {
        guard format == "md" || format == "json" else {
            throw PreflightError.usage("Unknown diff format '\(format)'. Use md or json.")
        }
        let threshold = try failOn.map(RunCommand.severity)
        let baseline = try JSONReporter.load(old, role: "report")
        let current = try JSONReporter.load(new, role: "report")
        let changes = ReportComparison.compare(baseline: baseline, baselineFile: old, current: current, currentFile: new)
        let body = format == "md" ? ChangesReporter.markdown(changes) : ChangesReporter.json(changes, failOn: threshold)
        if let out {
            try AtomicFile.write(Data(body.utf8), to: out)
        } else {
            FileHandle.standardOutput.write(Data(body.utf8))
        }
        let status = ChangesReporter.exitStatus(changes, failOn: threshold)
        if status != .ready { throw CommandExit(status: status) }
    }
}
