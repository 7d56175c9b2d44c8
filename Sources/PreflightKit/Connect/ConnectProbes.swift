import Foundation

/// The Entra Connect probe kinds (issue #6): offline reading of the Connect server's configuration export.
let connectProbes: [RegisteredProbe] = [
    RegisteredProbe(ConnectExportProbe.self),
    RegisteredProbe(ConnectStagingProbe.self),
]

/// `connect.export` (CON-001, CON-002, CON-004 to CON-007): reads the export once per run and judges one aspect of it.
enum ConnectExportProbe: ProbeKind {
    static let name = "connect.export"
    static let summary =
        "Reads the Entra Connect configuration export (Get-ADSyncServerConfiguration folder or Applied-SynchronizationPolicy JSON) "
        + "and judges one aspect of it."

    enum Aspect: String, Sendable, CaseIterable {
        case export, writeback, accounts, scope
        case passwordHashSync = "password-hash-sync"
        case version
    }

    struct Params: Sendable {
        var aspect: Aspect
    }

    static func parseParams(_ reader: ParamsReader) -> Params? {
        reader.oneOf("aspect", Aspect.self, required: true).map(Params.init(aspect:))
    }

    static func missingInput(_ params: Params, context: ProbeContext) -> String? {
        context.configuration.connect.export == nil
            ? "No 'connect.export' is configured, so the Entra Connect configuration was not inspected. Run "
                + "Get-ADSyncServerConfiguration -Path <folder> on the Connect server and name that folder in 'connect.export'."
            : nil
    }

    static func gather(_ params: Params, context: ProbeContext) async throws -> ConnectFacts {
        try await sharedExport(context)
    }

    /// One parse per run, shared by the six export checks and the directory checks (which take the account
    /// and the OU scope from it); the parse runs on its own thread, not the cooperative pool.
    static func sharedExport(_ context: ProbeContext) async throws -> ConnectFacts {
        let settings = context.configuration.connect
        return try await context.shared.value("connect.export") {
            try await runBlocking("preflight.connect.export") { try ConnectExportReader.read(settings) }
        }
    }

    static func evaluate(_ facts: ConnectFacts, params: Params, context: EvaluationContext) -> Evaluation {
        switch params.aspect {
        case .export: ConnectJudgements.export(facts)
        case .writeback: ConnectJudgements.writeback(facts, phase: context.configuration.phase)
        case .accounts: ConnectJudgements.accounts(facts)
        case .scope: ConnectJudgements.scope(facts)
        case .passwordHashSync: ConnectJudgements.passwordHashSync(facts)
        case .version: ConnectJudgements.version(facts)
        }
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
        let path = context.configuration.connect.scheduler!
        return try await runBlocking("preflight.connect.scheduler") { try ConnectExportReader.readScheduler(path) }
    }

    static func evaluate(_ facts: SchedulerFacts, params: Params, context: EvaluationContext) -> Evaluation {
        ConnectJudgements.staging(facts)
    }
}
