import Foundation
import PreflightCore
import PreflightEngine

/// Reads `connect.export` (plus `connect.scheduler`, `connect.passwordResetConfig` and `connect.connectorCredential` when set)
/// into `ConnectFacts`.
/// Blocking and CPU-bound (the AD connector file is 1.8 MB): call it from `runBlocking`.
package enum ConnectExportReader {
    /// Throws `ProbeError` with file:line:column for malformed XML or JSON, and a whole-sentence message otherwise.
    package static func read(_ settings: Configuration.ConnectSettings) throws -> ConnectFacts {
        guard let export = settings.export else {
            throw ProbeError(
                "'connect.export' is not set, so there is no Entra Connect export to read. Run Get-ADSyncServerConfiguration "
                    + "on the Connect server and name the folder it writes in 'connect.export'.")
        }
        let located = try ExportLocator.locate(export)
        var facts: ConnectFacts
        switch located.kind {
        case .serverConfiguration(let folder):
            facts = try readServerConfiguration(folder)
        case .policyJSON(let file):
            facts = try AppliedPolicyParser.parse(file)
        }
        facts.source = located.source
        if let scheduler = settings.scheduler {
            facts.stagingMode = try SchedulerParser.read(scheduler).stagingMode
            facts.schedulerFile = scheduler
            facts.files.append(scheduler)
        }
        if let config = settings.passwordResetConfig {
            facts.passwordResetConfigEnabled = try SchedulerParser.readPasswordResetConfiguration(config)
            facts.passwordResetConfigFile = config
            facts.files.append(config)
            if facts.passwordResetConfigEnabled == nil {
                facts.notes.append("'\(config)' has no 'Enabled' value, so it did not tell the writeback state.")
            }
        }
        if let credential = settings.connectorCredential {
            let reading = try ConnectorCredentialParser.read(credential)
            facts.connectorCredentialFile = credential
            facts.files.append(credential)
            if let type = reading.identityType {
                // The cmdlet's answer is the live state: it wins over anything the export suggested.
                facts.connectorIdentityType = type
                facts.connectorIdentityTypeSource = "ConnectorIdentityType in \(credential) (Get-ADSyncEntraConnectorCredential)"
            }
            if let note = reading.note { facts.notes.append(note) }
        }
        return facts
    }

    /// Reads the `Get-ADSyncScheduler` output alone (CON-003 needs nothing else).
    static func readScheduler(_ path: String) throws -> SchedulerFacts {
        try SchedulerParser.read(path)
    }

    static func readServerConfiguration(_ folder: String) throws -> ConnectFacts {
        var facts = ConnectFacts(source: folder, format: "server-configuration")
        guard let connectorsFolder = ExportLocator.child(folder, named: "Connectors") else {
            throw ProbeError(
                "The folder '\(folder)' has no Connectors folder (any more), so the export is incomplete. Run "
                    + "Get-ADSyncServerConfiguration -Path <folder> on the Connect server again and copy the whole folder.")
        }
        let connectorFiles = ExportLocator.files(in: connectorsFolder, extension: "xml")
        guard !connectorFiles.isEmpty else {
            throw ProbeError(
                "The folder '\(connectorsFolder)' holds no Connector_{GUID}.xml files, so the export is incomplete. "
                    + "Run Get-ADSyncServerConfiguration -Path <folder> on the Connect server again and copy the whole folder.")
        }
        for file in connectorFiles {
            facts.files.append(file)
            switch try ServerConfigurationParser.parseConnector(file) {
            case .entra(let connector, let version):
                facts.entraConnectors.append(connector)
                if facts.version == nil, let version {
                    facts.version = version
                    facts.versionSource =
                        "the Entra connector's extension assembly version (Microsoft.Azure.ActiveDirectory.Connector.dll), "
                        + "assumed to match the Connect build"
                }
                if let authority = connector.authority, let tenant = connector.tenant,
                    !authority.lowercased().contains(tenant.lowercased())
                {
                    facts.notes.append(
                        "The Entra connector '\(connector.name)' names tenant '\(tenant)', but its password-reset authority is '\(authority)'.")
                }
            case .ad(let connector):
                facts.adConnectors.append(connector)
            case .other(let name, let category):
                facts.otherConnectors.append("\(name) (\(category))")
            }
        }
        if let global = ExportLocator.child(folder, named: "GlobalSettings") {
            for file in ExportLocator.files(in: global, extension: "xml") {
                facts.files.append(file)
                let header = try ServerConfigurationParser.parseGlobalSettingsHeader(file)
                facts.server = facts.server ?? header.server
                if facts.exportDate == nil, let date = header.exportDate {
                    facts.exportDate = date
                    facts.exportDateSource = "export-date in GlobalSettings/\(URL(fileURLWithPath: file).lastPathComponent)"
                }
                if let version = header.version {
                    facts.version = version
                    facts.versionSource = "Microsoft.Synchronize.ServerConfigurationVersion in \(URL(fileURLWithPath: file).lastPathComponent)"
                }
            }
        }
        if let rules = ExportLocator.child(folder, named: "SynchronizationRules") {
            facts.synchronizationRuleFiles = ExportLocator.files(in: rules, extension: "xml").count
        }
        return facts
    }
}

/// Decides what `connect.export` points at.
enum ExportLocator {
    enum Kind: Equatable {
        case serverConfiguration(String)
        case policyJSON(String)
    }

    struct Located {
        var kind: Kind
        var source: String
    }

    static func locate(_ path: String) throws -> Located {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw ProbeError("'\(path)' (named by 'connect.export') does not exist. Check the path in the configuration.")
        }
        if !isDirectory.boolValue {
            if path.lowercased().hasSuffix(".xml") {
                throw ProbeError(
                    "'\(path)' (named by 'connect.export') is a single XML file. Name the whole folder written by "
                        + "Get-ADSyncServerConfiguration (the one holding Connectors/, GlobalSettings/ and SynchronizationRules/).")
            }
            return Located(kind: .policyJSON(path), source: "\(path) (the settings file named by 'connect.export')")
        }
        if child(path, named: "Connectors") != nil {
            return Located(kind: .serverConfiguration(path), source: "\(path) (a Get-ADSyncServerConfiguration folder)")
        }
        // A copy of %ProgramData%\AADConnect: Exported-ServerConfiguration-* folders and/or policy JSON files.
        let entries = ((try? FileManager.default.contentsOfDirectory(atPath: path)) ?? []).sorted()
        let subfolders = entries.map { (path as NSString).appendingPathComponent($0) }.filter { child($0, named: "Connectors") != nil }
        let dated = subfolders.map { folder -> (String, String) in
            let mv = child(folder, named: "GlobalSettings").flatMap { child($0, named: "MV.xml") }
            let date = mv.flatMap { try? ServerConfigurationParser.parseGlobalSettingsHeader($0).exportDate } ?? ""
            return (folder, date)
        }
        if let chosen = dated.max(by: { ($0.1, $0.0) < ($1.1, $1.0) }) {
            let why = subfolders.count == 1
                ? "the only Get-ADSyncServerConfiguration folder in \(path)"
                : "the newest of \(subfolders.count) Get-ADSyncServerConfiguration folders in \(path) by export date"
                    + (chosen.1.isEmpty ? "" : " \(chosen.1)")
            return Located(kind: .serverConfiguration(chosen.0), source: "\(chosen.0) (\(why))")
        }
        let json = entries.filter { $0.lowercased().hasSuffix(".json") }
        let policies = json.filter {
            let lower = $0.lowercased()
            return lower.hasPrefix("applied-synchronizationpolicy-") || lower.hasPrefix("exported-synchronizationpolicy-")
        }
        let candidates = policies.isEmpty ? json : policies
        let ranked = candidates.map { name -> (name: String, key: String, how: String) in
            if let stamp = timestamp(inName: name) { return (name, stamp, "timestamp \(display(stamp)) in its name") }
            let full = (path as NSString).appendingPathComponent(name)
            let modified = (try? FileManager.default.attributesOfItem(atPath: full)[.modificationDate] as? Date) ?? .distantPast
            let stamp = modifiedStamp(modified)
            return (name, stamp, "file modification time \(display(stamp)) (no timestamp in its name)")
        }
        guard let chosen = ranked.max(by: { ($0.key, $0.name) < ($1.key, $1.name) }) else {
            throw ProbeError(
                "The folder '\(path)' (named by 'connect.export') holds no Entra Connect export: no Connectors/ folder from "
                    + "Get-ADSyncServerConfiguration and no Applied-SynchronizationPolicy-*.json file. Run "
                    + "Get-ADSyncServerConfiguration -Path <folder> on the Connect server and name that folder in 'connect.export'.")
        }
        let file = (path as NSString).appendingPathComponent(chosen.name)
        let why = candidates.count == 1
            ? "the only settings file in \(path)"
            : "the newest of \(candidates.count) settings files in \(path) by \(chosen.how); the others were ignored: "
                + candidates.filter { $0 != chosen.name }.joined(separator: ", ")
        return Located(kind: .policyJSON(file), source: "\(file) (\(why))")
    }

    /// `YYYYMMDDhhmmss` from the first date-like run of digits in a file name, or nil.
    static func timestamp(inName path: String) -> String? {
        let name = URL(fileURLWithPath: path).lastPathComponent
        let pattern = #"(\d{4})[-_.]?(\d{2})[-_.]?(\d{2})(?:[T _.-]?(\d{2})[-_.:]?(\d{2})(?:[-_.:]?(\d{2}))?)?"#
        guard let regex = try? NSRegularExpression(pattern: pattern),
            let match = regex.firstMatch(in: name, range: NSRange(name.startIndex..., in: name))
        else { return nil }
        var parts: [String] = []
        for group in 1...6 {
            let range = match.range(at: group)
            if range.location != NSNotFound, let swiftRange = Range(range, in: name) {
                parts.append(String(name[swiftRange]))
            } else {
                parts.append("00")
            }
        }
        guard let year = Int(parts[0]), (2000...2100).contains(year), let month = Int(parts[1]), (1...12).contains(month),
            let day = Int(parts[2]), (1...31).contains(day)
        else { return nil }
        return parts.joined()
    }

    static func display(_ stamp: String) -> String {
        let c = Array(stamp)
        guard c.count == 14 else { return stamp }
        return "\(String(c[0..<4]))-\(String(c[4..<6]))-\(String(c[6..<8])) \(String(c[8..<10])):\(String(c[10..<12])):\(String(c[12..<14]))"
    }

    static func modifiedStamp(_ date: Date) -> String {
        UTC.formatter("yyyyMMddHHmmss").string(from: date)
    }

    /// A child of `folder` by name, case-insensitively (exports copied from Windows keep their case, but not always).
    static func child(_ folder: String, named name: String) -> String? {
        guard let entries = try? FileManager.default.contentsOfDirectory(atPath: folder) else { return nil }
        return entries.sorted().first { $0.caseInsensitiveCompare(name) == .orderedSame }
            .map { (folder as NSString).appendingPathComponent($0) }
    }

    static func files(in folder: String, extension ext: String) -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []).filter { $0.lowercased().hasSuffix("." + ext) }
            .sorted().map { (folder as NSString).appendingPathComponent($0) }
    }
}
