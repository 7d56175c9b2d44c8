import Foundation
import PreflightCore

/// Prometheus text exposition (format 0.0.4) for node_exporter's textfile collector: one file per run,
/// every series a gauge. Status codes: 0 pass, 1 warn, 2 fail, 3 error, 4 skip, 5 waived.
package enum PrometheusReporter: Reporter {
    package static let identifier = "prom"
    package static let fileExtension: String? = "prom"
    package static let description = "Prometheus text exposition for node_exporter's textfile collector."

    static func statusCode(_ status: CheckStatus) -> Int {
        switch status {
        case .pass: 0
        case .warn: 1
        case .fail: 2
        case .error: 3
        case .skip: 4
        case .waived: 5
        }
    }

    package static func render(_ report: Report) -> String {
        let checks = report.checks.sorted { $0.id < $1.id }
        let run = runLabels(report.cover)
        func sample(_ name: String, labels: [(String, String)] = [], _ value: String) -> String {
            let all = run + labels
            guard !all.isEmpty else { return "\(name) \(value)" }
            return name + "{" + all.map { #"\#($0.0)="\#(label($0.1))""# }.joined(separator: ",") + "} " + value
        }
        var out: [String] = []
        out.append("# HELP preflight_check_status Outcome of each check: 0 pass, 1 warn, 2 fail, 3 error, 4 skip, 5 waived.")
        out.append("# TYPE preflight_check_status gauge")
        for check in checks {
            out.append(sample("preflight_check_status", labels: [("id", check.id), ("area", check.area), ("severity", check.severity.rawValue)], "\(statusCode(check.status))"))
        }
        out.append("# HELP preflight_findings Number of findings (non-passing subjects) each check reported.")
        out.append("# TYPE preflight_findings gauge")
        for check in checks {
            out.append(sample("preflight_findings", labels: [("id", check.id)], "\(check.findings.count)"))
        }
        out.append("# HELP preflight_ready 1 when the run's verdict is READY, else 0.")
        out.append("# TYPE preflight_ready gauge")
        out.append(sample("preflight_ready", "\(report.verdict == .ready ? 1 : 0)"))
        if let coverage = report.coverage {
            out.append(
                "# HELP preflight_not_assessed_checks Checks that reached no verdict and keep the run from READY: critical and high "
                    + "checks skipped for missing input or a failed requirement, and checks that errored.")
            out.append("# TYPE preflight_not_assessed_checks gauge")
            out.append(sample("preflight_not_assessed_checks", "\(coverage.notAssessed.count)"))
            out.append(
                "# HELP preflight_selection_narrowed 1 when --only, --skip or --tag narrowed the run: its verdict speaks for the "
                    + "selected checks only.")
            out.append("# TYPE preflight_selection_narrowed gauge")
            out.append(sample("preflight_selection_narrowed", "\(coverage.isNarrowed ? 1 : 0)"))
        }
        out.append("# HELP preflight_last_run_timestamp_seconds When the run finished, in seconds since the Unix epoch.")
        out.append("# TYPE preflight_last_run_timestamp_seconds gauge")
        out.append(sample("preflight_last_run_timestamp_seconds", "\(epochSeconds(report.run.finishedAt))"))
        out.append("# HELP preflight_run_duration_seconds How long the run took.")
        out.append("# TYPE preflight_run_duration_seconds gauge")
        out.append(sample("preflight_run_duration_seconds", String(format: "%.3f", Double(report.run.durationMs) / 1000)))
        if let changes = report.changes {
            out += [
                "# HELP preflight_baseline_worse 1 when something got worse since the baseline report, else 0.",
                "# TYPE preflight_baseline_worse gauge",
                sample("preflight_baseline_worse", "\(changes.worse ? 1 : 0)"),
                "# HELP preflight_baseline_findings Findings compared with the baseline report, by change.",
                "# TYPE preflight_baseline_findings gauge",
            ]
            // Only with `--baseline`: so an alert can fire on a regression, not only on a bad state.
            let counts = changes.findings
            for (change, count) in [
                ("new", counts.new.count), ("newlyAssessed", counts.newlyAssessed.count), ("resolved", counts.resolved.count),
                ("changed", counts.changed.count), ("unassessed", counts.unassessed.count), ("unchanged", counts.unchanged.count),
            ] {
                out.append(sample("preflight_baseline_findings", labels: [("change", change)], "\(count)"))
            }
        }
        return out.joined(separator: "\n") + "\n"
    }

    /// `tenant` and `customer` from the configuration's `report:` block, on every series: one Prometheus, many customers
    /// (an MSP's), told apart by them. Absent when not configured (Prometheus treats an empty label as none).
    static func runLabels(_ cover: Report.Cover) -> [(String, String)] {
        [("tenant", cover.tenant), ("customer", cover.customer)].compactMap { name, value in
            value.flatMap { $0.isEmpty ? nil : (name, $0) }
        }
    }

    /// A label value: backslash, double quote and line feed escaped as the exposition format requires.
    static func label(_ value: String) -> String {
        value.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"")
            .replacingOccurrences(of: "\n", with: "\\n")
    }

    /// Whole seconds since the epoch of an RFC 3339 UTC time as the reports write it; 0 if it cannot be read.
    static func epochSeconds(_ rfc3339: String) -> Int {
        RFC3339.date(rfc3339).map { Int($0.timeIntervalSince1970) } ?? 0
    }
}
