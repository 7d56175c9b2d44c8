import Foundation
import PreflightCore

/// The action plan: one row per non-passing, unwaived finding (and one per non-passing check without findings, and one
/// per critical or high check that was not assessed for lack of input: supplying it is an action too), with empty
/// `owner`, `due` and `status` columns for the team to fill in. RFC 4180 (CRLF, quoted fields), UTF-8 with a BOM
/// so spreadsheet programs read the accents and dashes right. Most severe first.
package enum CSVReporter: Reporter {
    package static let identifier = "csv"
    package static let fileExtension: String? = "csv"
    package static let description = "The action plan: a row per finding to act on, with owner, due and status columns to fill in."
    package static let columns = ["check", "title", "severity", "result", "target", "message", "remediation", "owner", "due", "status"]

    /// Starts with a BOM (U+FEFF, the bytes EF BB BF in UTF-8) so spreadsheet programs read it as UTF-8.
    package static func render(_ report: Report) -> String {
        var rows = [columns]
        let gaps = Set(report.coverage?.notAssessed.map(\.id) ?? [])
        let checks = report.checks.filter { needsAction($0) || gaps.contains($0.id) }
            .sorted { ($0.severity, $1.id) > ($1.severity, $0.id) }
        for check in checks {
            let remediation = check.remediation.trimmingCharacters(in: .whitespacesAndNewlines)
            // Waived findings are accepted risks, not actions.
            let findings = check.findings.filter { $0.status != .pass && $0.status != .skip && $0.waiver == nil }
            if findings.isEmpty {
                let result = check.status == .skip ? "not assessed" : check.status.rawValue
                rows.append([check.id, check.title, check.severity.rawValue, result, "", check.message, remediation, "", "", ""])
            }
            for finding in findings {
                rows.append([
                    check.id, check.title, check.severity.rawValue, finding.status.rawValue, finding.target, finding.message,
                    remediation, "", "", "",
                ])
            }
        }
        return "\u{FEFF}" + rows.map { $0.map(field).joined(separator: ",") }.joined(separator: "\r\n") + "\r\n"
    }

    private static func needsAction(_ check: CheckResult) -> Bool {
        check.status == .fail || check.status == .warn || check.status == .error
    }

    /// RFC 4180: a field holding a comma, quote or line break is quoted, with quotes doubled. A leading `=`, `+`,
    /// `-` or `@` is prefixed with an apostrophe so a spreadsheet never runs a finding as a formula.
    static func field(_ value: String) -> String {
        var value = value
        if let first = value.first, "=+-@".contains(first) { value = "'" + value }
        guard value.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return value }
        return "\"" + value.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
}
