import PreflightCore

/// Per-user readiness as a spreadsheet: one row per user a per-user check names (`Report.readiness.users`), with all of
/// their blockers. Users no check names are not listed: they are ready, or, when a side was not assessed, unknown
///. RFC 4180 with a BOM, like the action plan.
package enum UsersCSVReporter: Reporter {
    package static let identifier = "users-csv"
    package static let fileExtension: String? = "users.csv"
    package static let description = "Per-user readiness: a row per blocked or undecided user with every blocker (causes, checks)."
    /// `domain`: the DNS name of the user's domain, from the DN (several domains are judged in one run with `ldap:` a list).
    package static let columns = ["user", "dn", "state", "causes", "blockers", "checks", "domain"]

    package static func render(_ report: Report) -> String { ReportStream.collect { try write(report, to: $0) } }

    /// Written as it is made: a million-user tenant's list never becomes one string.
    package static func write(_ report: Report, to stream: ReportStream) throws {
        try stream.write("\u{FEFF}" + CSVReporter.row(columns))
        for user in report.readiness.users {
            let state = user.blockers.isEmpty ? "unknown" : "blocked"
            let checks = (user.blockers.flatMap(\.checks) + user.undecided).reduce(into: [String]()) { if !$0.contains($1) { $0.append($1) } }
            try CSVReporter.write(
                row: [
                    user.user, user.dn ?? "", state, user.blockers.map(\.cause).joined(separator: "; "), MarkdownSummary.blockers(user),
                    checks.joined(separator: " "), user.dn.map { DistinguishedName($0).dnsName.lowercased() } ?? "",
                ], to: stream)
        }
    }
}
