import PreflightCore

/// The one line `--format summary` prints on stdout, for CI logs and cron mail subjects:
/// `NOT READY 3 fail, 1 warn, 0 error, 24 pass, 2 skip (reports/preflight-20261126T101500Z.md)`, then what was not
/// assessed (`; not assessed: AD-001..AD-005 (no ldap.url or ldap.bindDN)`), and with a baseline
/// `; worse since the baseline (2 new, 1 resolved)`. A narrowed run says so after the verdict: `READY (selection: --only INV-001) …`.
package enum SummaryReporter: Reporter {
    package static let identifier = "summary"
    /// No file: the line goes to stdout.
    package static let fileExtension: String? = nil
    package static let description = "One line on stdout: the verdict and the counts (no file)."

    /// The line without a report path, as `render --format summary` prints it.
    package static func render(_ report: Report) -> String { line(report, reportPath: nil) + "\n" }

    package static func line(_ report: Report, reportPath: String?) -> String {
        let s = report.summary
        var line = "\(report.verdict.rawValue)\(MarkdownReporter.selectionSuffix(report)) \(s.fail) fail, \(s.warn) warn, "
            + "\(s.error) error, \(s.pass) pass, \(s.skip) skip"
        if s.waived > 0 { line += ", \(s.waived) waived" }
        if let reportPath { line += " (\(reportPath))" }
        if let clause = report.coverage?.notAssessedClause { line += "; " + clause }
        if let changes = report.changes { line += "; " + ChangesReporter.compact(changes) }
        return line
    }
}
