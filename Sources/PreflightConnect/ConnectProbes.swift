import Foundation
import PreflightCore
import PreflightEngine

/// The Entra Connect probe kinds (issue #6): offline reading of the Connect server's configuration export.
package let connectProbes: [RegisteredProbe] = [RegisteredProbe(ConnectProbe.self)]

/// `connect` (CON-001 to CON-007): what was saved on the Entra Connect server. The configuration export is read once per
/// run and judged one thing at a time; CON-003 reads the saved Get-ADSyncScheduler output.
package enum ConnectProbe: ProbeKind {
    package static let name = "connect"
    package static let summary =
        "Reads what was saved on the Entra Connect server (the Get-ADSyncServerConfiguration folder or Applied-SynchronizationPolicy "
        + "JSON, once per run; the Get-ADSyncScheduler output) and judges one thing of it."

    package enum Judgement: String, Sendable, CaseIterable {
        case export, writeback, accounts, scope
        case passwordHashSync = "password-hash-sync"
        case version
        /// CON-003: `StagingModeEnabled` from the saved Get-ADSyncScheduler output.
        case staging
    }

    /// The export, or for `staging` the scheduler output.
    package enum Facts: Codable, Sendable {
        case export(ConnectFacts)
        case scheduler(SchedulerFacts)
    }


    package static func missingInput(_ params: Params, context: ProbeContext) -> String? {
        if params == .staging {
            return MissingInput.unless(
                context.configuration.connect.scheduler != nil, "connect.scheduler", so: "staging mode was not inspected",
                save: "Run Get-ADSyncScheduler | Out-File scheduler.txt on the Connect server")
        }
        return MissingInput.unless(
            context.configuration.connect.export != nil, "connect.export", so: "the Entra Connect configuration was not inspected",
            save: "Run Get-ADSyncServerConfiguration -Path <folder> on the Connect server", naming: "that folder")
    }

    package static func gather(_ params: Params, context: ProbeContext) async throws -> Facts {
        guard params == .staging else { return .export(try await sharedExport(context)) }
        guard let path = context.configuration.connect.scheduler else {
            throw ProbeError("'connect.scheduler' is not set, so there is no Get-ADSyncScheduler output to read. Name the file in it.")
        }
        return .scheduler(try await runBlocking("preflight.connect.scheduler") { try ConnectExportReader.readScheduler(path) })
    }

    /// One parse per run, shared by the six export checks and the directory checks (which take the account
    /// and the OU scope from it); the parse runs on its own thread, not the cooperative pool.
    package static func sharedExport(_ context: ProbeContext) async throws -> ConnectFacts {
        try await context.readOnce(.connectExport) { try ConnectExportReader.read($0.connect) }
    }

    package static func evaluate(_ facts: Facts, params: Params, context: EvaluationContext) -> Evaluation {
        switch (facts, params) {
        case (.scheduler(let scheduler), .staging): return ConnectJudgements.staging(scheduler)
        case (.export(let export), .export): return ConnectJudgements.export(export)
        case (.export(let export), .writeback): return ConnectJudgements.writeback(export, phase: context.configuration.phase)
        case (.export(let export), .accounts): return ConnectJudgements.accounts(export)
        case (.export(let export), .scope): return ConnectJudgements.scope(export)
        case (.export(let export), .passwordHashSync): return ConnectJudgements.passwordHashSync(export)
        case (.export(let export), .version): return ConnectJudgements.version(export)
        case (.scheduler, _), (.export, .staging):
            return .factsOfAnotherJudgement("Connect")
        }
    }

    /// Every export check judges the export (dated by its own export-date); CON-002 also the password-reset cmdlet output
    /// and CON-007 the connector-credential output, when configured. The export says which tenant and server it is from,
    /// and CON-002 says which writeback state it decided on (from the file that decided it).
    package static func inputs(_ gathered: Facts, params: Params, context: EvaluationContext) -> [EvidenceInput] {
        // The scheduler output records no time of its own (NextSyncCycleStartTimeInUTC stops moving when the scheduler is
        // off): it is dated by its modification time.
        let facts: ConnectFacts
        switch gathered {
        case .scheduler(let scheduler): return [.modified(key: "connect.scheduler", file: scheduler.file)]
        case .export(let export): facts = export
        }
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
        switch params {
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

extension SharedFactKey where Value == ConnectFacts {
    /// The run's one Connect export, whichever check asks first.
    static var connectExport: Self { Self("connect.export") }
}
