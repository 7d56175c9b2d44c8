import Foundation
import PreflightCore
import PreflightEngine

/// The Entra Connect probe kinds (issue #6): offline reading of the Connect server's configuration export.
public let connectProbes: [RegisteredProbe] = [
    RegisteredProbe(ConnectExportProbe.self),
    RegisteredProbe(ConnectStagingProbe.self),
]

/// `connect.export` (CON-001, CON-002, CON-004 to CON-007): reads the export once per run and judges one aspect of it.
package enum ConnectExportProbe: ProbeKind {
    package static let name = "connect.export"
    package static let summary =
        "Reads the Entra Connect configuration export (Get-ADSyncServerConfiguration folder or Applied-SynchronizationPolicy JSON) "
        + "and judges one aspect of it."

    enum Aspect: String, Sendable, CaseIterable {
        case export, writeback, accounts, scope
        case passwordHashSync = "password-hash-sync"
        case version
    }

    package struct Params: Sendable {
        var aspect: Aspect
    }

    package static func parseParams(_ reader: ParamsReader) -> Params? {
        reader.oneOf("aspect", Aspect.self, required: true).map(Params.init(aspect:))
    }

    package static func missingInput(_ params: Params, context: ProbeContext) -> String? {
        context.configuration.connect.export == nil
            ? "No 'connect.export' is configured, so the Entra Connect configuration was not inspected. Run "
                + "Get-ADSyncServerConfiguration -Path <folder> on the Connect server and name that folder in 'connect.export'."
            : nil
    }

    package static func gather(_ params: Params, context: ProbeContext) async throws -> ConnectFacts {
        try await sharedExport(context)
    }

    /// One parse per run, shared by the six export checks and the directory checks (which take the account
    /// and the OU scope from it); the parse runs on its own thread, not the cooperative pool.
    package static func sharedExport(_ context: ProbeContext) async throws -> ConnectFacts {
        let settings = context.configuration.connect
        return try await context.shared.value("connect.export") {
            try await runBlocking("preflight.connect.export") { try ConnectExportReader.read(settings) }
        }
    }

    package static func evaluate(_ facts: ConnectFacts, params: Params, context: EvaluationContext) -> Evaluation {
        switch params.aspect {
        case .export: ConnectJudgements.export(facts)
        case .writeback: ConnectJudgements.writeback(facts, phase: context.configuration.phase)
        case .accounts: ConnectJudgements.accounts(facts)
        case .scope: ConnectJudgements.scope(facts)
        case .passwordHashSync: ConnectJudgements.passwordHashSync(facts)
        case .version: ConnectJudgements.version(facts)
        }
    }

    /// Every export check judges the export (dated by its own export-date); CON-002 also the password-reset cmdlet output
    /// and CON-007 the connector-credential output, when configured. The export says which tenant and server it is from,
    /// and CON-002 says which writeback state it decided on (from the file that decided it).
    package static func inputs(_ facts: ConnectFacts, params: Params, context: EvaluationContext) -> [EvidenceInput] {
        guard let configured = context.configuration.connect.export else { return [] }
        var says: [String: String] = [:]
        let tenants = Set(facts.entraConnectors.compactMap { $0.tenant?.lowercased() })
        if tenants.count == 1, let tenant = facts.entraConnectors.compactMap(\.tenant).first { says[InputAgreement.tenant] = tenant }
        if let server = facts.server { says[InputAgreement.server] = server }
        let sideFiles = [facts.schedulerFile, facts.passwordResetConfigFile, facts.connectorCredentialFile]
        let exportFiles = facts.files.filter { !sideFiles.contains($0) }
        var export = EvidenceInput.exported(
            key: "connect.export", file: configured, date: facts.exportDate.flatMap(ExportDate.parse),
            field: facts.exportDateSource ?? "the export's date", files: exportFiles.isEmpty ? nil : exportFiles, says: says)
        var inputs: [EvidenceInput] = []
        switch params.aspect {
        case .writeback:
            let states = facts.entraConnectors.map(\.passwordWriteback)
            if let file = facts.passwordResetConfigFile, let live = facts.passwordResetConfigEnabled, facts.entraConnectors.count == 1 {
                // The cmdlet output decided CON-002 (it wins over the export), so it is the one that says the state.
                inputs.append(.modified(key: "connect.passwordResetConfig", file: file, says: [InputAgreement.writeback: live ? "enabled" : "disabled"]))
            } else {
                if let file = facts.passwordResetConfigFile { inputs.append(.modified(key: "connect.passwordResetConfig", file: file)) }
                if !states.isEmpty, !states.contains(nil) {
                    export.says[InputAgreement.writeback] = states.contains(false) ? "disabled" : "enabled"
                }
            }
        case .version:
            if let file = facts.connectorCredentialFile { inputs.append(.modified(key: "connect.connectorCredential", file: file)) }
        default:
            break
        }
        return [export] + inputs
    }
}

/// `connect.staging` (CON-003): reads `StagingModeEnabled` from the saved `Get-ADSyncScheduler` output.
enum ConnectStagingProbe: ProbeKind {
    static let name = "connect.staging"
    static let summary = "Reads StagingModeEnabled from the saved Get-ADSyncScheduler output (UTF-8 or UTF-16 with BOM)."

    struct Params: Sendable {}

    static func parseParams(_ reader: ParamsReader) -> Params? { Params() }

    static func missingInput(_ params: Params, context: ProbeContext) -> String? {
        context.configuration.connect.scheduler == nil
            ? "No 'connect.scheduler' is configured, so staging mode was not inspected. Run Get-ADSyncScheduler | Out-File "
                + "scheduler.txt on the Connect server and name the file in 'connect.scheduler'."
            : nil
    }

    static func gather(_ params: Params, context: ProbeContext) async throws -> SchedulerFacts {
        guard let path = context.configuration.connect.scheduler else {
            throw ProbeError("'connect.scheduler' is not set, so there is no Get-ADSyncScheduler output to read. Name the file in it.")
        }
        return try await runBlocking("preflight.connect.scheduler") { try ConnectExportReader.readScheduler(path) }
    }

    static func evaluate(_ facts: SchedulerFacts, params: Params, context: EvaluationContext) -> Evaluation {
        ConnectJudgements.staging(facts)
    }

    /// The scheduler output records no time of its own (NextSyncCycleStartTimeInUTC stops moving when the scheduler is
    /// off): it is dated by its modification time.
    static func inputs(_ facts: SchedulerFacts, params: Params, context: EvaluationContext) -> [EvidenceInput] {
        [.modified(key: "connect.scheduler", file: facts.file)]
    }
}
