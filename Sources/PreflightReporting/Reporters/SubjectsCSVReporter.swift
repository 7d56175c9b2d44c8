import PreflightCore

/// Every subject of every check: one row per finding (the report's contract is one finding per non-passing subject),
/// with its check, status, cause and domain where known. The list the action plan and the human formats point to when
/// they name only the first subjects; a million-user tenant's is written as it is made (`write`), never held as one
/// string. Checks by severity, then status; findings in the check's order. RFC 4180 with a BOM, like the action plan.
package enum SubjectsCSVReporter: Reporter {
    package static let identifier = "subjects-csv"
    package static let fileExtension: String? = "subjects.csv"
    package static let description = "Every subject of every check: a row per finding with its check, status, cause and domain."
    package static let columns = ["check", "severity", "status", "subject", "user", "cause", "domain", "message", "waivedUntil"]

    package static func render(_ report: Report) -> String { ReportStream.collect { try write(report, to: $0) } }

    package static func write(_ report: Report, to stream: ReportStream) throws {
        try stream.write("\u{FEFF}" + CSVReporter.row(columns))
        let rules = Dictionary(Readiness.rules.map { ($0.check, $0) }, uniquingKeysWith: { a, _ in a })
        for check in report.checksBySeverity {
            for finding in check.findings {
                let upn = finding.details?["upn"]?.stringValue
                try CSVReporter.write(
                    row: [
                        check.id, check.severity.rawValue, finding.status.rawValue, finding.target, upn == finding.target ? "" : upn ?? "",
                        cause(finding, rule: rules[check.id]), PerDomain.domain(of: finding) ?? "", MarkdownReporter.inline(finding.message),
                        finding.waiver?.expires ?? "",
                    ], to: stream)
            }
        }
    }

    /// What a finding stands for, as per-user readiness reads it: the per-user check's cause (`Readiness.rules`), else
    /// the finding's own `details.cause`; nothing for a subject the check could not judge.
    static func cause(_ finding: Finding, rule: Readiness.Rule?) -> String {
        guard finding.status != .error else { return "" }
        let own = finding.details?["cause"]?.stringValue
        guard let rule else { return own ?? "" }
        return rule.cause ?? own ?? "missing-right"
    }
}
