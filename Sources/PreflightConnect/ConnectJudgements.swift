import Foundation
import PreflightCore

/// Pure judgements over `ConnectFacts` (no I/O): one function per check.
enum ConnectJudgements {
    /// The error about the connectors `named` whose state the export leaves unknown: `message` gets their names, quoted and
    /// listed, and each is a finding saying `finding`.
    static func unknownFor(
        _ named: [String], finding: String, evidence: [String: JSONValue], _ message: (String) -> String
    ) -> Evaluation {
        var evaluation = Evaluation.error(message(named.map { "'\($0)'" }.joined(separator: ", ")), evidence: evidence)
        evaluation.findings = named.map { Finding(status: .error, target: $0, message: finding) }
        return evaluation
    }

    /// The error when the export names no AD DS connector, which leaves `what` unknown; nil when it names one.
    static func noADConnector(_ facts: ConnectFacts, leaves what: String, evidence: [String: JSONValue]) -> Evaluation? {
        guard facts.adConnectors.isEmpty else { return nil }
        return .error(
            "The export names no AD DS connector, so \(what) is unknown. Export the configuration again with "
                + "Get-ADSyncServerConfiguration.", evidence: evidence)
    }

    // MARK: CON-001

    static func export(_ facts: ConnectFacts) -> Evaluation {
        let entra = facts.entraConnectors.map(\.name)
        let ad = facts.adConnectors.map { connector in connector.forest.map { "\(connector.name) (forest \($0))" } ?? connector.name }
        let evidence = Evidence.of(
            ExportView(facts),
            ConnectorsView(
                entraConnectors: entra, adConnectors: ad, otherConnectors: facts.otherConnectors,
                synchronizationRuleFiles: facts.synchronizationRuleFiles, version: facts.version))
        let sideFiles = [facts.schedulerFile, facts.passwordResetConfigFile, facts.connectorCredentialFile]
        let parsed = facts.files.filter { !sideFiles.contains($0) }.count
        guard !entra.isEmpty || !ad.isEmpty else {
            return .error(
                "Read \(facts.source) but found neither the Entra connector nor an AD DS connector in it. The export is "
                    + "incomplete or in a layout this tool does not know; export it again with Get-ADSyncServerConfiguration.",
                evidence: evidence)
        }
        var parts = ["Read \(facts.source): \(Plural.count(parsed, "file"))"]
        if facts.synchronizationRuleFiles > 0 { parts.append("\(facts.synchronizationRuleFiles) synchronization rule files counted") }
        var message = parts.joined(separator: ", ") + ". "
        message += "Entra connector: \(entra.isEmpty ? "none found" : entra.joined(separator: ", ")). "
        message += "AD DS connectors: \(ad.isEmpty ? "none found" : ad.joined(separator: ", ")). "
        if let server = facts.server { message += "Server \(server). " }
        var findings: [Finding] = []
        if entra.isEmpty {
            findings.append(Finding(status: .warn, target: facts.source, message: "No Entra (Windows Azure Active Directory) connector found."))
        }
        if ad.isEmpty {
            findings.append(Finding(status: .warn, target: facts.source, message: "No AD DS connector found."))
        }
        if let date = facts.exportDate {
            message += "Exported \(date)."
        } else {
            message += "The export's date is unknown."
            findings.append(Finding(status: .warn, target: facts.source, message: "The export does not record its date."))
        }
        var evaluation = Evaluation(status: findings.isEmpty ? .pass : .warn, message: message, findings: findings, evidence: evidence)
        if !findings.isEmpty {
            evaluation.generatedRemediation = "Export the whole configuration again: Get-ADSyncServerConfiguration -Path C:\\Temp\\ConnectExport"
        }
        return evaluation
    }

    // MARK: CON-002

    static func enableCommand(_ name: String) -> String {
        "Set-ADSyncAADPasswordResetConfiguration -Connector '\(name.replacingOccurrences(of: "'", with: "''"))' -Enable $true"
    }

    static func writeback(_ facts: ConnectFacts, phase: Phase) -> Evaluation {
        guard !facts.entraConnectors.isEmpty else {
            return .error(
                "The export names no Entra connector, so the password writeback state is unknown. Export the configuration again "
                    + "with Get-ADSyncServerConfiguration, or save Get-ADSyncAADPasswordResetConfiguration's output in 'connect.passwordResetConfig'.",
                evidence: Evidence.of(ExportView(facts), WritebackView(phase: phase, connectors: [])))
        }
        var states: [(EntraConnectorFacts, Bool?, String)] = []
        for connector in facts.entraConnectors {
            // The cmdlet's output is the live state; the export may be older. With one Entra connector it applies to it.
            if let live = facts.passwordResetConfigEnabled, facts.entraConnectors.count == 1 {
                var origin = "Get-ADSyncAADPasswordResetConfiguration output"
                if let exported = connector.passwordWriteback, exported != live {
                    origin += " (the export says \(exported ? "enabled" : "disabled"); the cmdlet output is newer and wins)"
                }
                states.append((connector, live, origin))
            } else {
                states.append((connector, connector.passwordWriteback, "aad-password-reset-config in the export"))
            }
        }
        let evidence = Evidence.of(
            ExportView(facts),
            WritebackView(
                phase: phase,
                connectors: states.map { connector, state, origin in
                    WritebackView.Connector(name: connector.name, tenant: connector.tenant, passwordWriteback: RecordedFlag(state), from: origin)
                }))
        let unknown = states.filter { $0.1 == nil }.map(\.0.name)
        if !unknown.isEmpty {
            return unknownFor(unknown, finding: "Writeback state unknown.", evidence: evidence) { names in
                "The password writeback state of \(names) is unknown: the export does not record it. On the Connect server run "
                    + "Get-ADSyncAADPasswordResetConfiguration -Connector '<Entra connector name>' | Out-File pwreset.txt and name the file "
                    + "in 'connect.passwordResetConfig'."
            }
        }
        let disabled = states.filter { $0.1 == false }
        let summary = states.map { "'\($0.0.name)': \($0.1 == true ? "enabled" : "disabled") (from \($0.2))" }.joined(separator: "; ")
        if disabled.isEmpty {
            return Evaluation(status: .pass, message: "Password writeback is enabled on the Entra connector. \(summary).", evidence: evidence)
        }
        let commands = disabled.map { enableCommand($0.0.name) }
        switch phase {
        case .preflight:
            // Before go-live, "off" is the expected state: record it and say how to turn it on.
            var evaluation = Evaluation(
                status: .pass,
                message: "Password writeback is not enabled yet, as expected before go-live. \(summary). To enable it, run on the active "
                    + "(non-staging) Connect server: \(commands.joined(separator: "; ")), or tick 'Password writeback' under Optional "
                    + "features in the Entra Connect wizard.",
                evidence: evidence)
            evaluation.generatedRemediation = commands.joined(separator: "\n")
            return evaluation
        case .health:
            var evaluation = Evaluation(
                status: .fail,
                message: "Password writeback is disabled on \(disabled.map { "'\($0.0.name)'" }.joined(separator: ", ")), so password "
                    + "resets in Entra ID cannot reach Active Directory. \(summary).",
                findings: disabled.map { Finding(status: .fail, target: $0.0.name, message: "Password writeback is disabled.") },
                evidence: evidence)
            evaluation.generatedRemediation = commands.joined(separator: "\n")
            return evaluation
        }
    }

    // MARK: CON-003

    static func staging(_ facts: SchedulerFacts) -> Evaluation {
        let evidence = Evidence.of(SchedulerView(facts))
        switch facts.stagingMode {
        case nil:
            return .error(
                "'\(facts.file)' has no StagingModeEnabled line, so the staging state is unknown. Save the full output of "
                    + "Get-ADSyncScheduler | Out-File scheduler.txt on the Connect server and name it in 'connect.scheduler'.",
                evidence: evidence)
        case true?:
            var evaluation = Evaluation(
                status: .fail,
                message: "This Connect server is in staging mode (StagingModeEnabled : True in \(facts.file)). A staging server does not run "
                    + "password writeback; only the active server does.",
                findings: [Finding(status: .fail, target: facts.file, message: "StagingModeEnabled is True.")],
                evidence: evidence)
            evaluation.generatedRemediation =
                "Run the check against the active Connect server, or make this server active: Entra Connect wizard > "
                + "Configure staging mode > clear 'Enable staging mode' (put the old active server into staging mode first)."
            return evaluation
        case false?:
            return Evaluation(
                status: .pass, message: "This Connect server is not in staging mode (StagingModeEnabled : False in \(facts.file)).",
                evidence: evidence)
        }
    }

    // MARK: CON-004

    static func accounts(_ facts: ConnectFacts) -> Evaluation {
        if let unknown = noADConnector(facts, leaves: "the AD DS connector account", evidence: Evidence.of(ExportView(facts))) {
            return unknown
        }
        let evidence = Evidence.of(ExportView(facts), ["accounts": facts.adConnectors.map(AccountView.init)])
        var missing: [ADConnectorFacts] = []
        var accounts: [String] = []
        for connector in facts.adConnectors {
            if let account = connector.account {
                accounts.append("\(connector.forest ?? connector.name): \(account)")
            } else {
                missing.append(connector)
            }
        }
        if !missing.isEmpty {
            return unknownFor(missing.map(\.name), finding: "Connector account unknown.", evidence: evidence) { names in
                "The AD DS connector account of \(names) is not recorded in the export (no forest-login-user/forest-login-domain). "
                    + "Export with Get-ADSyncServerConfiguration, or read it on the Connect server with Get-ADSyncConnector | "
                    + "Where-Object ConnectorTypeName -eq 'AD' and set 'ldap.account'."
            }
        }
        return Evaluation(status: .pass, message: "AD DS connector accounts: \(accounts.joined(separator: "; ")).", evidence: evidence)
    }

    // MARK: CON-005

    static func scope(_ facts: ConnectFacts) -> Evaluation {
        if let unknown = noADConnector(facts, leaves: "the sync scope", evidence: Evidence.of(ExportView(facts))) { return unknown }
        let evidence = Evidence.of(ExportView(facts), ["forests": facts.adConnectors.map(ScopeView.init)])
        var findings: [Finding] = []
        var lines: [String] = []
        for connector in facts.adConnectors {
            let label = connector.forest ?? connector.name
            let selected = connector.partitions.filter(\.selected)
            if connector.partitions.isEmpty {
                findings.append(Finding(status: .error, target: label, message: "No partitions recorded; the sync scope is unknown."))
                continue
            }
            if selected.isEmpty {
                findings.append(Finding(status: .warn, target: label, message: "No partition is selected, so nothing in this forest syncs."))
                continue
            }
            for partition in selected {
                let inclusions = partition.inclusions.isEmpty ? "the whole partition" : partition.inclusions.joined(separator: ", ")
                let exclusions = partition.exclusions.isEmpty ? "" : "; excluded: \(partition.exclusions.joined(separator: ", "))"
                lines.append("\(label) \(partition.dn): included: \(inclusions)\(exclusions)")
            }
        }
        if findings.contains(where: { $0.status == .error }) {
            var evaluation = Evaluation.error(
                "The sync scope of \(findings.filter { $0.status == .error }.map { "'\($0.target)'" }.joined(separator: ", ")) is unknown: "
                    + "the export lists no directory partitions for it. Export with Get-ADSyncServerConfiguration, which records them.",
                evidence: evidence)
            evaluation.findings = findings
            return evaluation
        }
        let text = lines.isEmpty ? "" : " " + lines.joined(separator: ". ") + "."
        if !findings.isEmpty {
            return Evaluation(status: .warn, message: "Some forests have no selected partition.\(text)", findings: findings, evidence: evidence)
        }
        return Evaluation(status: .pass, message: "Sync scope:\(text)", evidence: evidence)
    }

    // MARK: CON-006

    static func passwordHashSync(_ facts: ConnectFacts) -> Evaluation {
        guard !facts.adConnectors.isEmpty else {
            return .skip(.noInput, "The export names no AD DS connector, so password hash sync was not recorded.")
        }
        let evidence = Evidence.of(
            ExportView(facts),
            ["forests": facts.adConnectors.map { HashSyncView(connector: $0.name, passwordHashSync: RecordedFlag($0.passwordHashSync)) }])
        let unknown = facts.adConnectors.filter { $0.passwordHashSync == nil }
        if unknown.count == facts.adConnectors.count {
            var evaluation = Evaluation.skip(
                .noInput,
                "The export does not record whether password hash sync is on (no password-hash-sync-config), so it is unknown. "
                    + "Get-ADSyncAADCompanyFeature on the Connect server shows it.")
            evaluation.evidence = evidence
            return evaluation
        }
        let list = facts.adConnectors.map { connector -> String in
            let state = connector.passwordHashSync.map { $0 ? "on" : "off" } ?? "unknown"
            return "\(connector.forest ?? connector.name): \(state)"
        }.joined(separator: "; ")
        return Evaluation(
            status: .pass,
            message: "Password hash sync: \(list). Recorded for the report: password writeback works with password hash sync, "
                + "pass-through authentication and federation alike.",
            evidence: evidence)
    }
}

/// A dotted build number, compared numerically (1.1.443.0 < 1.1.1000.0).
struct BuildVersion: Comparable, CustomStringConvertible {
    var components: [Int]

    /// A build of this code: `BuildVersion(2, 5, 79, 0)`.
    init(_ major: Int, _ minor: Int, _ build: Int, _ revision: Int) {
        components = [major, minor, build, revision]
    }

    init?(_ text: String) {
        let parts = text.trimmingCharacters(in: .whitespaces).split(separator: ".")
        guard parts.count >= 2, parts.count <= 4 else { return nil }
        var numbers: [Int] = []
        for part in parts {
            guard let number = Int(part) else { return nil }
            numbers.append(number)
        }
        components = numbers + Array(repeating: 0, count: 4 - numbers.count)
    }

    static func < (lhs: BuildVersion, rhs: BuildVersion) -> Bool { lhs.components.lexicographicallyPrecedes(rhs.components) }

    var description: String { components.map(String.init).joined(separator: ".") }
}
