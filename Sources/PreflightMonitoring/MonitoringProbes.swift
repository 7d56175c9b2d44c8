import Foundation
import PreflightCore
import PreflightEngine

/// The monitoring probe kinds (issue #8), registered in `ProbeRegistry.builtIn`: after go-live, whether
/// writeback works, read from the Connect server's Application log and Entra's audit log.
package let monitoringProbes: [RegisteredProbe] = [
    RegisteredProbe(MonitoringEventsProbe.self),
    RegisteredProbe(MonitoringAuditProbe.self),
]

/// Both files are parsed once per run (off the cooperative pool) and shared by the checks that read them.
enum MonitoringShared {
    static func events(_ context: ProbeContext) async throws -> EventLogFacts {
        try await context.readOnce(.eventLog) { try EventLogReader.read($0.monitoring.events) }
    }

    static func audit(_ context: ProbeContext) async throws -> AuditLogFacts {
        try await context.readOnce(.auditLog) { try AuditLogReader.read($0.monitoring.audit) }
    }

    /// The directory's view of the users `named` finds in the log within the monitoring window, for the judgement that
    /// cross-references them (MON-003, MON-005; `wanted`); nil for the others, which judge the log alone.
    static func crossReference<Log>(
        _ log: Log, if wanted: Bool, named: (Log, Double) -> [String], withSnapshot: Bool, context: ProbeContext
    ) async -> DirectoryCrossReference? {
        guard wanted else { return nil }
        let names = named(log, context.configuration.monitoring.windowHours)
        return await DirectoryLookup.crossReference(names: names, withSnapshot: withSnapshot, context: context)
    }

    /// Each event export, dated by its export marker row, else its newest event (the same end the window uses). The file
    /// holding the newest heartbeat that names the Service Bus relay says which relay the service uses; a file whose events
    /// were all logged on one computer says which server it is from.
    static func inputs(_ log: EventLogFacts) -> [EvidenceInput] {
        let heartbeat = EventJudgements.passwordResetEvents(log).lazy.filter { $0.id == EventCatalog.heartbeat }
            .compactMap { event in EventCatalog.namespace(in: event.message).map { (event.file, $0) } }.first
        return log.files.map { file in
            let local = file.clock == "UTC" ? "UTC" : "local server time"
            let field = file.exportedAt != nil
                ? "its export marker row (\(EventLogReader.exportMarker), \(local))" : "its newest event (\(local))"
            var says: [String: String] = [:]
            if let heartbeat, heartbeat.0 == file.file { says[InputAgreement.serviceBusNamespace] = heartbeat.1 }
            // One computer (a file merged from several servers says nothing): the server the log is from.
            if Set(file.machines.map(InputAgreement.hostLabel)).count == 1, let machine = file.machines.first {
                says[InputAgreement.server] = machine
            }
            return .exported(key: EventLogReader.key, file: file.file, date: file.exportedAt ?? file.newest, field: field, says: says)
        }
    }

    /// Each audit download, dated by its newest entry. A file showing a reset written back on-premises (an admin reset
    /// that succeeded with an OnPremisesAgent other than None) says so, with the newest such entry.
    static func inputs(_ audit: AuditLogFacts) -> [EvidenceInput] {
        audit.files.map { file in
            var says: [String: String] = [:]
            let written = audit.entries.first { entry in
                entry.file == file.file && AuditJudgements.is(entry, AuditJudgements.adminReset) && AuditJudgements.succeeded(entry)
                    && AuditJudgements.onPremisesAgent(entry).map { !$0.isEmpty && !AuditJudgements.isNone($0) } == true
            }
            if let written {
                says[InputAgreement.writebackSeen] =
                    "'\(written.activity)' of \(written.target) at \(MonitoringFormat.time(written.time)) UTC succeeded with OnPremisesAgent "
                    + "'\(AuditJudgements.onPremisesAgent(written) ?? "")' (\((written.file as NSString).lastPathComponent):\(written.line))"
            }
            return .exported(key: AuditLogReader.key, file: file.file, date: file.newest, field: "its newest entry (UTC)", says: says)
        }
    }
}

/// `monitoring.events` (MON-001 to MON-003): judges one thing of the Connect server's Application log.
enum MonitoringEventsProbe: ProbeKind {
    static let name = "monitoring.events"
    static let summary =
        "Reads the Connect server's Application log (Get-WinEvent | Export-Csv, Event Viewer CSV or wevtutil XML) and judges "
        + "PasswordResetService and ADSync events."

    enum Judgement: String, Sendable, CaseIterable {
        case heartbeat
        case serviceErrors = "service-errors"
        case directoryErrors = "directory-errors"
    }

    /// MON-003 also carries the directory's view of the users its 33004 events name.
    struct Facts: Codable, Sendable {
        var log: EventLogFacts
        var directory: DirectoryCrossReference?
    }

    static func missingInput(_ params: Params, context: ProbeContext) -> String? {
        MissingInput.unless(
            !context.configuration.monitoring.events.isEmpty, "monitoring.events", so: "the Connect server's event log was not read",
            save: "Export its Application log (Get-WinEvent … | Export-Csv, see docs/collecting-exports.md)")
    }

    static func gather(_ params: Params, context: ProbeContext) async throws -> Facts {
        let log = try await MonitoringShared.events(context)
        let named = ADErrorJudgement.permissionErrorUsers
        return Facts(
            log: log, directory: await MonitoringShared.crossReference(log, if: params == .directoryErrors, named: named, withSnapshot: true, context: context))
    }

    static func evaluate(_ facts: Facts, params: Params, context: EvaluationContext) -> Evaluation {
        let settings = context.configuration.monitoring
        switch params {
        case .heartbeat:
            return EventJudgements.heartbeat(facts.log, configuredNamespace: context.configuration.network.serviceBusNamespace)
        case .serviceErrors:
            return EventJudgements.serviceErrors(facts.log, windowHours: settings.windowHours)
        case .directoryErrors:
            return ADErrorJudgement.evaluate(
                ADErrorFacts(log: facts.log, directory: facts.directory ?? DirectoryCrossReference()), windowHours: settings.windowHours)
        }
    }

    static func inputs(_ facts: Facts, params: Params, context: EvaluationContext) -> [EvidenceInput] {
        MonitoringShared.inputs(facts.log)
    }
}

/// `monitoring.audit` (MON-004, MON-005): judges one thing of the Entra audit log.
enum MonitoringAuditProbe: ProbeKind {
    static let name = "monitoring.audit"
    static let summary =
        "Reads the Entra audit log (admin center CSV/JSON download or Graph directoryAudits pages) and judges Self-service "
        + "Password Management entries."

    enum Judgement: String, Sendable, CaseIterable {
        case selfService = "self-service"
        case adminResets = "admin-resets"
    }

    struct Facts: Codable, Sendable {
        var audit: AuditLogFacts
        var directory: DirectoryCrossReference?
    }

    static func missingInput(_ params: Params, context: ProbeContext) -> String? {
        MissingInput.unless(
            !context.configuration.monitoring.audit.isEmpty, "monitoring.audit", so: "the Entra audit log was not read",
            save: "Download it (Entra admin center > Audit logs > Download, or Graph auditLogs/directoryAudits, see docs/collecting-exports.md)")
    }

    static func gather(_ params: Params, context: ProbeContext) async throws -> Facts {
        let audit = try await MonitoringShared.audit(context)
        let named = AuditJudgements.adminResetsNotWrittenBack
        return Facts(
            audit: audit, directory: await MonitoringShared.crossReference(audit, if: params == .adminResets, named: named, withSnapshot: false, context: context))
    }

    static func evaluate(_ facts: Facts, params: Params, context: EvaluationContext) -> Evaluation {
        let settings = context.configuration.monitoring
        switch params {
        case .selfService:
            return AuditJudgements.selfService(facts.audit, windowHours: settings.windowHours, minSuccessRate: settings.minSuccessRate)
        case .adminResets:
            return AuditJudgements.adminResets(
                AdminResetFacts(audit: facts.audit, directory: facts.directory ?? DirectoryCrossReference()), windowHours: settings.windowHours)
        }
    }

    static func inputs(_ facts: Facts, params: Params, context: EvaluationContext) -> [EvidenceInput] {
        MonitoringShared.inputs(facts.audit)
    }
}

extension SharedFactKey where Value == EventLogFacts {
    /// The Connect server's Application log, read once per run.
    static var eventLog: Self { Self("monitoring.events") }
}

extension SharedFactKey where Value == AuditLogFacts {
    /// The Entra audit log, read once per run.
    static var auditLog: Self { Self("monitoring.audit") }
}
