import Foundation
import PreflightDirectory

/// One Application-log event from the Connect server, from whichever export layout carried it.
struct EventRecord: Codable, Sendable, Hashable {
    var id: Int
    var provider: String
    /// As the export wrote it ("Error", "Information", or wevtutil's number mapped to a name).
    var level: String?
    /// The time as written: local server time for CSV exports, UTC for wevtutil XML (see `EventFileSummary.clock`).
    var time: Date
    var message: String
    var file: String
    var line: Int
}

/// A row or element that could not be read; reported with file and line, and never silently dropped.
struct MalformedRow: Codable, Sendable, Hashable {
    var file: String
    var line: Int
    var problem: String

    var location: String { "\(file):\(line)" }
}

/// What one export file was and how it was read, for the evidence.
struct EventFileSummary: Codable, Sendable, Hashable {
    var file: String
    /// "Get-WinEvent | Export-Csv", "Event Viewer CSV", "wevtutil XML".
    var layout: String
    var encoding: String
    var dateLayout: String?
    var dateAssumption: String?
    /// "UTC" or "local time of the exporting machine (no offset in the file)".
    var clock: String
    var events: Int
    /// This file's newest event and its export marker: the file's own date (`evidence.inputFiles`).
    var newest: Date? = nil
    var exportedAt: Date? = nil
    /// The computers the events were logged on (`MachineName`, wevtutil's `<Computer>`); Event Viewer's CSV has none.
    var machines: [String] = []
}

/// Every event export, parsed once per run and shared by MON-001 to MON-003.
struct EventLogFacts: Codable, Sendable, Hashable {
    var files: [EventFileSummary] = []
    /// PasswordResetService and ADSync events only: the others are counted, not kept.
    var events: [EventRecord] = []
    var otherEvents = 0
    /// The newest and oldest event of any source: the export's own end and start.
    var newest: Date?
    var oldest: Date?
    /// When the export was made, from the marker row the README's export command appends (provider
    /// `preflight-export`); nil without one.
    var exportedAt: Date?
    var malformed: [MalformedRow] = []
    /// When the files were read (only to say how old the export is; never to judge it).
    var readAt = Date()

    /// Where the window ends: the export marker, else the newest event.
    var end: Date? { [newest, exportedAt].compactMap { $0 }.max() }
}

/// One Entra audit-log entry, from the portal's CSV or JSON download or a Graph directoryAudits page.
struct AuditEntry: Codable, Sendable, Hashable {
    var time: Date
    var service: String?
    var activity: String
    /// Lower-cased: success, failure, timeout, …
    var result: String
    var resultReason: String?
    var targetUPN: String?
    var targetName: String?
    var actorUPN: String?
    /// additionalDetails (key → value), e.g. OnPremisesAgent.
    var details: [String: String]
    var correlationId: String?
    var file: String
    var line: Int

    func detail(_ key: String) -> String? {
        details.first { $0.key.caseInsensitiveCompare(key) == .orderedSame }?.value
    }

    var target: String { targetUPN ?? targetName ?? "(no target recorded)" }
}

struct AuditFileSummary: Codable, Sendable, Hashable {
    var file: String
    /// "Entra portal CSV", "Graph directoryAudits JSON", "JSON array of audit entries".
    var layout: String
    var encoding: String
    var entries: Int
    /// This file's newest entry: the file's own date (`evidence.inputFiles`).
    var newest: Date? = nil
}

/// Every audit export, parsed once per run and shared by MON-004 and MON-005.
struct AuditLogFacts: Codable, Sendable, Hashable {
    var files: [AuditFileSummary] = []
    var entries: [AuditEntry] = []
    /// Entries given more than once across the files (dropped).
    var duplicates = 0
    var newest: Date?
    var oldest: Date?
    var malformed: [MalformedRow] = []
    var readAt = Date()
}

/// What the directory says about users the logs name, for MON-003's cross-reference with AD-003 and
/// MON-005's "is this user synced?".
struct DirectoryCrossReference: Codable, Sendable, Hashable {
    /// Why there is no cross-reference (ldap not configured, or the directory could not be read); nil when it was made.
    var unavailable: String?
    /// The run's directory snapshot (the same one AD-003 judges).
    var snapshot: DirectorySnapshot?
    /// Name as the log wrote it (lower-cased) → the user's DN, for names found in the domain.
    var resolved: [String: String] = [:]
    /// Names looked up and not found.
    var notFound: [String] = []
    /// The DNS name of the domain searched, once it was.
    var domain: String?
    /// With several domains (`ldap:` a list): each domain's own cross-reference, in the order of `ldap:`; the fields above
    /// then hold only why none could be made, if none could.
    var domains: [DomainLookup]?
}

/// MON-003's facts: the events plus the directory's view of the users the 33004 events name.
struct ADErrorFacts: Codable, Sendable, Hashable {
    var log: EventLogFacts
    var directory: DirectoryCrossReference
}

/// MON-005's facts: the audit log plus the directory's view of the users reset by admins.
struct AdminResetFacts: Codable, Sendable, Hashable {
    var audit: AuditLogFacts
    var directory: DirectoryCrossReference
}
