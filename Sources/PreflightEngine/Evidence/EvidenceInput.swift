import Foundation
import PreflightCore

/// One file a check judged, with the date its evidence is from: the export's own timestamp where the file records one
/// (the Connect export's `export-date`, an event log's newest event or export marker, an audit log's newest entry),
/// else the file's modification time.
///
/// Probe kinds declare them (`ProbeKind.inputs`); `EvidenceAge` stamps them into the check's `evidence.inputFiles` and
/// applies `maxEvidenceAgeDays`, and `InputAgreement` compares what they say (`says`) across checks.
package struct EvidenceInput: Sendable, Hashable {
    package enum DateSource: String, Sendable, Hashable, Codable {
        /// A timestamp inside the file (or, for an event or audit log, its newest record).
        case export
        /// The file's modification time on this machine: a copy made today looks fresh.
        case modified
    }

    /// The configuration key that names the file (`connect.export`, `inventory.users`, …).
    package var key: String
    /// The file (or folder) the configuration names, resolved.
    package var file: String
    /// When the evidence is from; nil when neither the file nor the file system tells.
    package var date: Date?
    var dateSource: DateSource
    /// Exactly where the date came from: "export-date in GlobalSettings/MV.xml", "the file's modification time", …
    var dateField: String
    /// Facts this input states that another input may contradict, e.g. `tenant` → `contoso.onmicrosoft.com`
    /// (see `InputAgreement` for the subjects compared).
    package var says: [String: String]

    package init(
        key: String, file: String, date: Date?, dateSource: DateSource, dateField: String, says: [String: String] = [:]
    ) {
        self.key = key
        self.file = file
        self.date = date
        self.dateSource = dateSource
        self.dateField = dateField
        self.says = says
    }

    /// An input dated by a timestamp the export itself records; without one, by the modification time of `files`.
    package static func exported(
        key: String, file: String, date: Date?, field: String, files: [String]? = nil, says: [String: String] = [:]
    ) -> EvidenceInput {
        guard let date else { return modified(key: key, file: file, files: files, says: says) }
        return EvidenceInput(key: key, file: file, date: date, dateSource: .export, dateField: field, says: says)
    }

    /// An input without a timestamp of its own (CSV exports, saved cmdlet output): dated by the newest modification
    /// time of `files` (default: the file itself).
    package static func modified(key: String, file: String, files: [String]? = nil, says: [String: String] = [:]) -> EvidenceInput {
        let dates = (files ?? [file]).compactMap { path in
            (try? FileManager.default.attributesOfItem(atPath: path))?[.modificationDate] as? Date
        }
        let field = (files?.count ?? 1) > 1 ? "the newest modification time of the files read" : "the file's modification time"
        return EvidenceInput(key: key, file: file, date: dates.max(), dateSource: .modified, dateField: field, says: says)
    }

    /// What the input is, in words, and how to get a fresh one: one table for every file input the probes read.
    package var label: String { Self.kinds[key]?.label ?? "the file named by '\(key)'" }
    var refresh: String {
        Self.kinds[key]?.refresh ?? "Export it again and name the new file in '\(key)'."
    }

    static let kinds: [String: (label: String, refresh: String)] = [
        "connect.export": (
            "the Entra Connect export",
            "Export the configuration again on the Connect server (Get-ADSyncServerConfiguration -Path <folder>) and name the new "
                + "folder in 'connect.export'."
        ),
        "connect.scheduler": (
            "the saved Get-ADSyncScheduler output",
            "Save it again on the Connect server (Get-ADSyncScheduler | Out-File scheduler.txt) and name it in 'connect.scheduler'."
        ),
        "connect.passwordResetConfig": (
            "the saved Get-ADSyncAADPasswordResetConfiguration output",
            "Save it again on the Connect server (Get-ADSyncAADPasswordResetConfiguration -Connector '<Entra connector>' | Out-File "
                + "pwreset.txt) and name it in 'connect.passwordResetConfig'."
        ),
        "connect.connectorCredential": (
            "the saved Get-ADSyncEntraConnectorCredential output",
            "Save it again on the Connect server (Get-ADSyncEntraConnectorCredential | Format-List * | Out-File "
                + "connector-credential.txt) and name it in 'connect.connectorCredential'."
        ),
        "inventory.users": ("the users export", "Export the users again (the inventory section of docs/collecting-exports.md) and name the file in 'inventory.users'."),
        "inventory.licenses": (
            "the licence export", "Export the licence assignments again (the inventory section of docs/collecting-exports.md) and name the file in 'inventory.licenses'."
        ),
        "inventory.subscribedSkus": (
            "the subscribed-SKU export",
            "Export the subscribed SKUs again (Get-MgSubscribedSku, the inventory section of docs/collecting-exports.md) and name the file in 'inventory.subscribedSkus'."
        ),
        "inventory.registration": (
            "the SSPR registration export",
            "Download the user registration details again (the inventory section of docs/collecting-exports.md) and name the file in 'inventory.registration'."
        ),
        "inventory.scopeGroup": (
            "the SSPR scope-group export",
            "Export the SSPR group's members again (the inventory section of docs/collecting-exports.md) and name the file in 'inventory.scopeGroup'."
        ),
        "monitoring.events": (
            "the Application-log export",
            "Export the Connect server's Application log again, with the export marker row (the monitoring section of docs/collecting-exports.md), "
                + "and name the file in 'monitoring.events'."
        ),
        "monitoring.audit": (
            "the Entra audit-log download",
            "Download the audit log again (Entra admin center > Audit logs > Download, or Graph directoryAudits; the "
                + "monitoring section of docs/collecting-exports.md) and name the file in 'monitoring.audit'."
        ),
    ]

    /// Whole days from `date` to `now` (negative for a date in the future); nil without a date.
    func ageDays(at now: Date) -> Int? {
        date.map { Int((now.timeIntervalSince($0) / 86_400).rounded(.down)) }
    }

    /// The `evidence.inputFiles` entry (documented in the JSON schema as `evidenceInput`).
    package func json(now: Date) -> JSONValue {
        JSONValue.encoding(
            InputFileView(
                key: key, file: file, dateSource: dateSource, dateField: dateField, date: date.map(RFC3339.string), ageDays: ageDays(at: now),
                says: says.isEmpty ? nil : says))
    }

    /// An `evidence.inputFiles` entry as it is written.
    private struct InputFileView: Encodable {
        var key: String
        var file: String
        var dateSource: DateSource
        var dateField: String
        @NullEncoded var date: String?
        @NullEncoded var ageDays: Int?
        /// What the file says that other inputs must agree with; absent when nothing.
        var says: [String: String]?
    }

    /// Reads an `evidence.inputFiles` entry back (for `InputAgreement`, which works on finished results).
    package init?(json: JSONValue) {
        guard let key = json["key"]?.stringValue, let file = json["file"]?.stringValue,
            let source = json["dateSource"]?.stringValue.flatMap(DateSource.init(rawValue:))
        else { return nil }
        self.key = key
        self.file = file
        date = json["date"]?.stringValue.flatMap(ExportDate.parse)
        dateSource = source
        dateField = json["dateField"]?.stringValue ?? ""
        says = json["says"]?.objectValue?.compactMapValues(\.stringValue) ?? [:]
    }
}

/// Timestamps as exports write them: `2016-05-03 14:28:09.784` (MV.xml `export-date`, no zone: read as UTC),
/// RFC 3339 / ISO 8601 with or without fractions and zone (`policyMetadata.timeCreated`, Graph), `2016-05-03`.
package enum ExportDate {
    package static func parse(_ text: String) -> Date? {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        let iso = ISO8601DateFormatter()
        for options: ISO8601DateFormatter.Options in [[.withInternetDateTime, .withFractionalSeconds], [.withInternetDateTime]] {
            iso.formatOptions = options
            if let date = iso.date(from: trimmed) { return date }
        }
        let formatter = UTC.formatter("yyyy-MM-dd")
        // Fractions beyond milliseconds (.NET writes seven digits) are cut: a second either way does not age anything.
        var plain = trimmed.replacingOccurrences(of: "T", with: " ")
        if plain.hasSuffix("Z") { plain.removeLast() }
        if let dot = plain.firstIndex(of: "."), plain.distance(from: dot, to: plain.endIndex) > 4 {
            plain = String(plain[..<plain.index(dot, offsetBy: 4)])
        }
        for format in ["yyyy-MM-dd HH:mm:ss.SSS", "yyyy-MM-dd HH:mm:ss.SS", "yyyy-MM-dd HH:mm:ss.S", "yyyy-MM-dd HH:mm:ss", "yyyy-MM-dd HH:mm", "yyyy-MM-dd"] {
            formatter.dateFormat = format
            if let date = formatter.date(from: plain) { return date }
        }
        return nil
    }

    /// `2016-05-03`, the day a message names.
    package static func day(_ date: Date) -> String {
        String(RFC3339.string(date).prefix(10))
    }
}
