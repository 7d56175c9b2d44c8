import Foundation
import PreflightCore

/// Inputs that contradict each other: what the file inputs of a run say (`EvidenceInput.says`, collected from every
/// check's `evidence.inputFiles`) compared with each other and with the configuration. Each disagreement becomes a report
/// note naming both inputs (files) and both values and saying what to check; `run` adds their count to its verdict line.
///
/// Compared, because a difference is certain to mean one input is not from this environment or not current:
/// - `tenant`: the Entra connector's tenant in the Connect export vs `report.tenant` in the configuration, when that is
///   an initial domain (`*.onmicrosoft.com`, `.us`, `*.onmschina.cn`): a custom domain or a name cannot be compared.
/// - `passwordWriteback` = disabled (what CON-002 decided on, from the export or the cmdlet output) vs `writebackSeen`
///   (an admin reset in the audit log that succeeded with an OnPremisesAgent other than None: written back).
/// - `serviceBusNamespace`: the relay the Application log's heartbeats name vs `network.serviceBusNamespace`.
/// - `server`: the Connect server the export was taken on (`server` in MV.xml, `hostName` of a settings file) vs the
///   computer the Application log's events were logged on, by host name (the first label: `CONTOSO-SYNC01` is
///   `contoso-sync01.contoso.com`).
package enum InputAgreement {
    package static let tenant = "tenant"
    package static let server = "server"
    package static let writeback = "passwordWriteback"
    package static let writebackSeen = "writebackSeen"
    package static let serviceBusNamespace = "serviceBusNamespace"
    /// Every disagreement note starts with this, so a report (also a saved one) can count them.
    package static let prefix = "Inputs disagree: "

    /// One fact as one input states it.
    struct Statement: Hashable {
        var key: String
        var label: String
        var file: String
        var date: Date?
        var value: String

        var named: String {
            "\(label) (\(file)\(date.map { ", from \(ExportDate.day($0))" } ?? ""))"
        }
    }

    package static func notes(_ checks: [CheckResult], configuration: Configuration) -> [String] {
        let statements = collect(checks)
        var notes: [String] = []
        let config = "the configuration (\(configuration.file ?? Configuration.defaultFileName)"

        // The tenant.
        if let configured = configuration.cover.tenant?.trimmingCharacters(in: .whitespaces), isInitialDomain(configured) {
            for statement in statements[tenant, default: []] where statement.value.caseInsensitiveCompare(configured) != .orderedSame {
                notes.append(
                    prefix + "\(statement.named) names the tenant '\(statement.value)', but \(config), report.tenant) says "
                        + "'\(configured)'. Check that the export comes from this customer's Connect server, and correct "
                        + "report.tenant or the input.")
            }
        }
        // Writeback off in the configuration, yet resets written back in the audit log.
        let disabled = statements[writeback, default: []].filter { $0.value == "disabled" }
        for off in disabled {
            for seen in statements[writebackSeen, default: []] {
                notes.append(
                    prefix + "\(off.named) says password writeback is disabled, but \(seen.named) shows a reset written back "
                        + "on-premises: \(seen.value). One of them is not current or not from this environment: save the live state "
                        + "again (Get-ADSyncAADPasswordResetConfiguration, or a new Get-ADSyncServerConfiguration export) and check that "
                        + "the audit log is from this tenant.")
            }
        }
        // The Service Bus relay.
        if let configured = configuration.network.serviceBusNamespace.map(hostLabel), !configured.isEmpty {
            for statement in statements[serviceBusNamespace, default: []] where statement.value.lowercased() != configured {
                notes.append(
                    prefix + "\(statement.named) names the Service Bus relay '\(statement.value)', but \(config), "
                        + "network.serviceBusNamespace) says '\(configuration.network.serviceBusNamespace ?? "")'. Check that the log is "
                        + "from this Connect server; if it is, set network.serviceBusNamespace: \(statement.value).")
            }
        }
        // The Connect server.
        let servers = statements[server, default: []]
        for export in servers where export.key == "connect.export" {
            for log in servers where log.key == "monitoring.events" && hostLabel(log.value) != hostLabel(export.value) {
                notes.append(
                    prefix + "\(export.named) was taken on the server '\(export.value)', but the events of \(log.named) were logged on "
                        + "'\(log.value)'. Both must come from the active Connect server (a staging server's log says nothing about "
                        + "writeback): check where each was exported, and export the other again on the active server.")
            }
        }
        return notes
    }

    /// `CONTOSO-SYNC01.contoso.com` → `contoso-sync01`: exports name the server by its short name, event logs by its FQDN.
    package static func hostLabel(_ name: String) -> String {
        String(name.trimmingCharacters(in: .whitespaces).lowercased().split(separator: ".").first ?? "")
    }

    /// Every statement of the run's inputs, by subject, once per input and value.
    static func collect(_ checks: [CheckResult]) -> [String: [Statement]] {
        var seen = Set<String>()
        var statements: [String: [Statement]] = [:]
        for check in checks {
            for entry in check.evidence["inputFiles"]?.arrayValue ?? [] {
                guard let input = EvidenceInput(json: entry) else { continue }
                for (subject, value) in input.says.sorted(by: { $0.key < $1.key }) {
                    guard seen.insert("\(subject)\u{0}\(input.key)\u{0}\(input.file)\u{0}\(value)").inserted else { continue }
                    statements[subject, default: []].append(
                        Statement(key: input.key, label: input.label, file: input.file, date: input.date, value: value))
                }
            }
        }
        return statements
    }

    /// The tenant's initial domain, the one form both an export and `report.tenant` can be compared in for certain.
    static func isInitialDomain(_ name: String) -> Bool {
        let lower = name.lowercased()
        return [".onmicrosoft.com", ".onmicrosoft.us", ".onmschina.cn"].contains { lower.hasSuffix($0) && lower.count > $0.count }
    }

    /// How many disagreement notes the report carries.
    package static func count(in report: Report) -> Int {
        report.notices.filter { $0.hasPrefix(prefix) }.count
    }

    /// The verdict line with `; 2 disagreements between inputs (see notes)` before its final full stop, when there are any.
    package static func verdictLine(_ line: String, _ report: Report) -> String {
        let count = count(in: report)
        guard count > 0 else { return line }
        let suffix = "; \(count) \(count == 1 ? "disagreement" : "disagreements") between inputs (see notes)"
        return line.hasSuffix(".") ? line.dropLast() + suffix + "." : line + suffix
    }
}
