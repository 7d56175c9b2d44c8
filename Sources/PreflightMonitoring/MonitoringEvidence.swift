import Foundation
import PreflightCore

/// The MON checks' evidence: encoded views of the event-log and audit-log facts (see `Evidence`), one per thing a check
/// shows. Times are written as `MonitoringFormat.time` writes them in messages.
struct EventLogView: Encodable {
    struct File: Encodable {
        var file, layout, encoding: String
        @NullEncoded var dateLayout: String?
        @NullEncoded var dateAssumption: String?
        var clock: String
        var events: Int
    }
    var files: [File]
    var writebackEvents, otherEvents, malformedRows: Int
    @NullEncoded var newestEvent: String?
    @NullEncoded var oldestEvent: String?
    @NullEncoded var exportedAt: String?
    /// Absent when the export holds no dated event.
    var exportAgeHours: Double?
    var clock: String
    /// The first 50 unreadable rows; absent when every row was read.
    var malformed: [String]?

    init(_ log: EventLogFacts) {
        files = log.files.map { file in
            File(
                file: file.file, layout: file.layout, encoding: file.encoding, dateLayout: file.dateLayout,
                dateAssumption: file.dateAssumption, clock: file.clock, events: file.events)
        }
        writebackEvents = log.events.count
        otherEvents = log.otherEvents
        malformedRows = log.malformed.count
        newestEvent = log.newest.map(MonitoringFormat.time)
        oldestEvent = log.oldest.map(MonitoringFormat.time)
        exportedAt = log.exportedAt.map(MonitoringFormat.time)
        exportAgeHours = log.end.map { (log.readAt.timeIntervalSince($0) / EventJudgements.hour * 10).rounded() / 10 }
        clock = EventJudgements.clock(log)
        malformed = log.malformed.isEmpty ? nil : log.malformed.prefix(50).map { "\($0.location): \($0.problem)" }
    }
}

struct AuditLogView: Encodable {
    struct File: Encodable {
        var file, layout, encoding: String
        var entries: Int
    }
    var files: [File]
    var entries, duplicatesDropped, malformedRows: Int
    var clock = "UTC"
    @NullEncoded var newestEntry: String?
    @NullEncoded var oldestEntry: String?
    var exportAgeHours: Double?
    var malformed: [String]?

    init(_ audit: AuditLogFacts) {
        files = audit.files.map { File(file: $0.file, layout: $0.layout, encoding: $0.encoding, entries: $0.entries) }
        entries = audit.entries.count
        duplicatesDropped = audit.duplicates
        malformedRows = audit.malformed.count
        newestEntry = audit.newest.map(MonitoringFormat.time)
        oldestEntry = audit.oldest.map(MonitoringFormat.time)
        exportAgeHours = audit.newest.map { (audit.readAt.timeIntervalSince($0) / 360).rounded() / 10 }
        malformed = audit.malformed.isEmpty ? nil : audit.malformed.prefix(50).map { "\($0.location): \($0.problem)" }
    }
}

/// The window a check judged.
struct WindowView: Encodable {
    var windowStart, windowEnd: String
    var windowHours: Double

    init(_ window: MonitoringWindow) {
        windowStart = MonitoringFormat.time(window.start)
        windowEnd = MonitoringFormat.time(window.end)
        windowHours = window.hours
    }
}

/// MON-001: the heartbeats and the relay they name.
struct HeartbeatView: Encodable {
    var heartbeatsInLastHour, heartbeatsInExport: Int
    var endIndependentOfService: Bool
    var lastHeartbeat: String?
    /// Absent without a heartbeat; null when the heartbeats name no relay.
    var serviceBusNamespace: NullEncoded<String>?
    /// Only when it differs from the relay the heartbeats name.
    var configuredNamespace: String?
}

/// MON-002: what the window held besides the errors.
struct ServiceErrorsView: Encodable {
    var passwordResetServiceEventsInWindow, applicationCertificateNoTPMEvents: Int
}

/// MON-003: whether the 33004 users were looked up in the directory, and how many failed there too.
struct DirectoryErrorsView: Encodable {
    var crossReference: String
    var usersSeenTwice: Int?
}

/// MON-004: the self-service outcomes in the window.
struct SelfServiceView: Encodable {
    var attempts, successes, failures: Int
    var successRate, minSuccessRate: Double
    var blocked: Int
}

/// MON-005: the admin resets in the window and where they were written.
struct AdminResetsView: Encodable {
    var adminResets, cloudOnlyForSyncedUsers: Int
    var cloudOnlyUsersNotInDirectory: [String]
    var agentNotRecorded: Int
}
