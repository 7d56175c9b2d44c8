import Foundation
import PreflightCore
import PreflightEngine
import PreflightKit
import PreflightReporting

/// What `run` and `evaluate` print once their report set is published, and the exit code they end with.
enum ReportOutput {
    /// The verdict (and gate, changes and waiver lines) and the paths written (the reports, then `run --save-facts`'s
    /// file), or the summary line, or nothing with `quiet`; then exits with the report's code when it is not 0.
    static func finish(_ report: Report, formats: [ReportFormat], written: [String], facts: String? = nil, quiet: Bool) throws {
        if quiet {
            // Nothing on stdout.
        } else if formats.contains(.summary) {
            print(Console.highlightVerdict(InputAgreement.verdictLine(SummaryReporter.line(report, reportPath: written.first), report), report.verdict))
        } else {
            let verdict = MarkdownReporter.verdictLine(report).replacingOccurrences(of: "**", with: "")
            print(Console.highlightVerdict(InputAgreement.verdictLine(verdict, report), report.verdict))
            if let gateLine = MarkdownReporter.gateLine(report) { print(gateLine.replacingOccurrences(of: "`", with: "")) }
            if let changes = report.changes { print(ChangesReporter.line(changes)) }
            if let waiverLine = WaiverSection.attentionLine(report) { print(waiverLine) }
            for path in written + [facts].compactMap({ $0 }) { print(path) }
        }
        if report.exitCode != 0 { throw CommandExit(status: ExitStatus(rawValue: report.exitCode) ?? .software) }
    }
}
