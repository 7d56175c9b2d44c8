import PreflightCore

/// One line per area for the executive summary: directory, network, licences and users, Entra Connect or Cloud Sync,
/// monitoring (and plugins), each with its worst status and its counts.
package struct AreaStatus: Sendable, Hashable {
    package var name: String
    /// The worst status of its checks (fail, error, warn, pass, waived; skip when none ran).
    package var status: CheckStatus
    package var counts: [CheckStatus: Int]
    package var checks: [String]

    /// `2 failed, 1 warning, 3 passed`.
    package var countsText: String {
        let words: [(CheckStatus, String, String)] = [
            (.fail, "failed", "failed"), (.error, "error", "errors"), (.warn, "warning", "warnings"), (.pass, "passed", "passed"),
            (.waived, "waived", "waived"), (.skip, "skipped", "skipped"),
        ]
        return words.compactMap { status, one, many in
            guard let n = counts[status], n > 0 else { return nil }
            return "\(n) \(n == 1 ? one : many)"
        }.joined(separator: ", ")
    }

    static let names: [(prefix: String, name: String)] = [
        ("AD-", "Directory"), ("NET-", "Network"), ("INV-", "Licences and users"), ("CON-", "Entra Connect"),
        ("CSY-", "Cloud Sync"), ("MON-", "Monitoring"),
    ]

    /// The areas with a check that applies: checks skipped as not applicable (the Connect checks of a Cloud Sync run, the
    /// monitoring checks before go-live) are left out, and so is an area of nothing else.
    package static func areas(_ report: Report) -> [AreaStatus] {
        var areas: [AreaStatus] = []
        for name in names.map(\.name) + ["Other"] {
            let checks = report.checks.filter { area(of: $0.id) == name && !($0.status == .skip && $0.reason == .notApplicable) }
            guard !checks.isEmpty else { continue }
            var counts: [CheckStatus: Int] = [:]
            for check in checks { counts[check.status, default: 0] += 1 }
            let worst = CheckStatus.byUrgency.first { counts[$0, default: 0] > 0 } ?? .skip
            areas.append(AreaStatus(name: name, status: worst, counts: counts, checks: checks.map(\.id)))
        }
        return areas
    }

    package static func area(of id: String) -> String {
        names.first { id.hasPrefix($0.prefix) }?.name ?? "Other"
    }
}

extension CheckStatus {
    /// Most urgent first: what a reader must act on before what merely passed or was skipped.
    package static let byUrgency: [CheckStatus] = [.fail, .error, .warn, .pass, .waived, .skip]

    var urgency: Int { Self.byUrgency.firstIndex(of: self) ?? Self.byUrgency.count }
}

extension Report {
    /// The checks by severity (critical first), then by status (worst first), then by id.
    package var checksBySeverity: [CheckResult] {
        checks.sorted { a, b in
            if a.severity != b.severity { return a.severity > b.severity }
            if a.status.urgency != b.status.urgency { return a.status.urgency < b.status.urgency }
            return a.id < b.id
        }
    }
}
