import Foundation
import PreflightCore
import Yams

/// The user's `preflight.yml`: a public contract, strictly validated (unknown keys are errors).
/// Relative paths are resolved against the configuration file's folder when it is loaded. Each section is one `Codable`
/// type whose `keys` list (`SettingKey`) serves reading, the file checks, redaction and the messages; saved facts keep the
/// whole configuration by encoding it.
package struct Configuration: Sendable, Hashable, Codable {
    package var file: String?
    package var cover = Report.Cover()
    package var phase: Phase = .preflight
    package var topology: Topology = .connectSync
    package var cloud: Cloud = .public
    package var timeoutSeconds: Double = 15
    /// A check judging a file input older than this many days warns (`evidence.inputFiles` dates every input).
    var maxEvidenceAgeDays = Configuration.defaultMaxEvidenceAgeDays
    static let defaultMaxEvidenceAgeDays = 30
    package var network = NetworkSettings()
    /// The one domain's LDAP settings; the first of several when `ldap:` is a list (`ldapDomains`, LDAPDomains.swift).
    package var ldap = LDAPConfiguration()
    /// All the domains when `ldap:` lists more than one; nil for one (then `ldap` is all), which keeps saved facts of one
    /// domain as they were.
    var ldapDomainList: [LDAPConfiguration]?
    package var inventory = InventorySettings()
    package var connect = ConnectSettings()
    package var monitoring = MonitoringSettings()
    /// Optional in the encoding, so saved facts from before the section existed still decode.
    private var cloudSyncSection: CloudSyncSettings?
    package var cloudSync: CloudSyncSettings {
        get { cloudSyncSection ?? CloudSyncSettings() }
        set { cloudSyncSection = newValue }
    }
    /// A waiver file (accepted risks with expiry dates); `run --waivers` overrides it.
    package var waivers: String?
    /// Where each value was written (`ldap.passwordEnv` → `preflight.yml:12:16`), for problems found after loading. Not
    /// encoded: only messages about the file itself use it.
    package internal(set) var locations: [String: SourceLocation] = [:]

    package init() {}

    private enum CodingKeys: String, CodingKey {
        case file, phase, topology, cloud, timeoutSeconds, maxEvidenceAgeDays, network, ldap, inventory, connect, monitoring, waivers
        case cover = "report"
        case cloudSyncSection = "cloudSync"
        case ldapDomainList = "ldapDomains"
    }

    package struct NetworkSettings: SettingsSection {
        package var proxy: String?
        package var caFile: String?
        package var serviceBusNamespace: String?
        package var tenantId: String?
        package var endpoints: [String: [String]] = [:]
        /// libcurl `CONNECT_TO` pins (`HOST:PORT:CONNECT-HOST:CONNECT-PORT`): probe a name at a chosen address.
        package var connectTo: [String] = []

        package init() {}
        static let name = "network"
        static let keys: [SettingKey<Self>] = [
            SettingKey(
                name: "proxy", read: { section, reader, _ in section.proxy = reader.filledString("proxy") }, files: { _ in [] }, folderAllowed: false,
                // A proxy URL with credentials is refused when read (`validate`); redacted here all the same.
                shown: { $0.proxy.map { .string(Redaction.urlCredentials($0)) } ?? .null }),
            .path("caFile", \.caFile), .text("serviceBusNamespace", \.serviceBusNamespace), .text("tenantId", \.tenantId),
            .texts("connectTo", \.connectTo),
            SettingKey(
                name: "endpoints", read: { section, reader, _ in section.endpoints = readEndpoints(reader) }, files: { _ in [] },
                folderAllowed: false, shown: { .object($0.endpoints.mapValues { .array($0.map(JSONValue.string)) }) }),
        ]

        /// `network.endpoints`: per check id, the URLs that replace its targets.
        private static func readEndpoints(_ section: MappingReader) -> [String: [String]] {
            guard let endpoints = section.mapping("endpoints") else { return [:] }
            var result: [String: [String]] = [:]
            for (checkID, location) in endpoints.keys {
                let urls = endpoints.stringList(checkID) ?? []
                for url in urls where EndpointURL(url) == nil {
                    section.sink.report(
                        location,
                        "'network.endpoints.\(checkID)' holds '\(url)', which is not an http:// or https:// URL with a host. "
                            + "Write it as https://host[:port]/ (or http:// for CRL and OCSP hosts).")
                }
                result[checkID] = urls
            }
            endpoints.finish()
            return result
        }

        func validate(_ section: MappingReader) {
            if let proxy, Redaction.urlCredentials(proxy) != proxy {
                section.sink.report(
                    section.location(of: "proxy"),
                    "'network.proxy' contains a user name or password ('\(Redaction.urlCredentials(proxy))'): credentials are never read "
                        + "from the configuration file. Give the proxy URL without them; to probe with credentials, set HTTPS_PROXY in "
                        + "the environment.")
            }
            for entry in connectTo where entry.split(separator: ":", omittingEmptySubsequences: false).count != 4 {
                section.sink.report(
                    section.location(of: "connectTo"),
                    "'network.connectTo' entry '\(entry)' is not HOST:PORT:CONNECT-HOST:CONNECT-PORT "
                        + "(e.g. passwordreset.microsoftonline.com:443:10.0.0.5:443).")
            }
        }
    }

    package struct LDAPConfiguration: SettingsSection {
        package var url: String?
        package var bindDN: String?
        package var passwordEnv: String?
        package var passwordFile: String?
        package var caFile: String?
        package var startTLS = false
        package var allowInsecure = false
        package var baseDN: String?
        package var account: String?
        package var scope: [String] = []
        package var exclude: [String] = []
        package var pageSize = 1000
        /// A saved `GptTmpl.inf` AD-016 judges instead of reading the GPOs' templates from SYSVOL over SMB.
        package var restrictRemoteSAM: String?

        /// The directory checks need at least a server and a bind account.
        package var isConfigured: Bool { url != nil && bindDN != nil }

        package init() {}
        static let name = "ldap"
        static let keys: [SettingKey<Self>] = [
            .text("url", \.url), .text("bindDN", \.bindDN), .secretSource("passwordEnv", \.passwordEnv, isPath: false),
            .secretSource("passwordFile", \.passwordFile, isPath: true), .path("caFile", \.caFile), .flag("startTLS", \.startTLS),
            .flag("allowInsecure", \.allowInsecure), .text("baseDN", \.baseDN), .text("account", \.account),
            .texts("scope", \.scope), .texts("exclude", \.exclude), .whole("pageSize", \.pageSize, in: 1...100_000),
            .path("restrictRemoteSAM", \.restrictRemoteSAM),
        ]

        func validate(_ section: MappingReader) {
            for key in ["password", "bindPassword"] where section.has(key) {
                _ = section.node(key)
                section.sink.report(
                    section.location(of: key),
                    "'\(section.qualified(key))' is not allowed: passwords are never read from the configuration file. "
                        + "Put the password in an environment variable named by '\(section.qualified("passwordEnv"))', or in a file named by '\(section.qualified("passwordFile"))'.")
            }
            if let url {
                let lower = url.lowercased()
                if !(lower.hasPrefix("ldap://") || lower.hasPrefix("ldaps://")) {
                    section.sink.report(
                        section.location(of: "url"),
                        "'\(section.qualified("url"))' is '\(url)', but it must start with ldaps:// (or ldap:// with 'startTLS: true').")
                } else if lower.hasPrefix("ldaps://"), startTLS {
                    section.sink.report(
                        section.location(of: "startTLS"),
                        "'\(section.qualified("startTLS"))' is true, but '\(section.qualified("url"))' already uses ldaps://. Use ldap:// with StartTLS, or drop 'startTLS'.")
                }
            }
            if url != nil, bindDN == nil {
                section.sink.report(section.location, "'\(section.qualified("bindDN"))' is required when '\(section.qualified("url"))' is set. Name the account the tool binds as.")
            }
            if bindDN != nil, passwordEnv == nil, passwordFile == nil {
                section.sink.report(
                    section.location,
                    "'\(section.qualified("bindDN"))' is set but no password source is: add '\(section.qualified("passwordEnv"))' (an environment variable name) or '\(section.qualified("passwordFile"))'.")
            }
            if passwordEnv != nil, passwordFile != nil {
                section.sink.report(section.location(of: "passwordFile"), "Set only one of '\(section.qualified("passwordEnv"))' and '\(section.qualified("passwordFile"))'.")
            }
        }
    }

    package struct InventorySettings: SettingsSection {
        package var users: String?
        package var licenses: String?
        package var subscribedSkus: String?
        package var registration: String?
        package var scopeGroup: String?
        package var skuCatalog: String?
        package var ssprRegistrationThreshold = 0.8

        package init() {}
        static let name = "inventory"
        static let keys: [SettingKey<Self>] = [
            .path("users", \.users), .path("licenses", \.licenses), .path("subscribedSkus", \.subscribedSkus),
            .path("registration", \.registration), .path("scopeGroup", \.scopeGroup), .path("skuCatalog", \.skuCatalog),
            .number("ssprRegistrationThreshold", \.ssprRegistrationThreshold, in: 0...1),
        ]
    }

    package struct ConnectSettings: SettingsSection {
        package var export: String?
        package var scheduler: String?
        package var passwordResetConfig: String?
        /// The saved output of `Get-ADSyncEntraConnectorCredential` (CON-007 records its `ConnectorIdentityType`).
        package var connectorCredential: String?

        package init() {}
        static let name = "connect"
        static let keys: [SettingKey<Self>] = [
            .path("export", \.export, folderAllowed: true), .path("scheduler", \.scheduler),
            .path("passwordResetConfig", \.passwordResetConfig), .path("connectorCredential", \.connectorCredential),
        ]
    }

    /// After go-live: the Connect server's event-log exports and Entra audit-log downloads.
    package struct MonitoringSettings: SettingsSection {
        /// Application-log exports (CSV from Export-Csv or Event Viewer, or wevtutil XML); one or several files.
        package var events: [String] = []
        /// Entra audit-log downloads (portal CSV/JSON or Graph directoryAudits JSON pages); one or several files.
        package var audit: [String] = []
        /// How far back from the newest event in the input to look.
        package var windowHours: Double = 24
        package var minSuccessRate = 0.9

        package init() {}
        static let name = "monitoring"
        static let keys: [SettingKey<Self>] = [
            .paths("events", \.events), .paths("audit", \.audit), .number("windowHours", \.windowHours, in: 0.01...8_760),
            .number("minSuccessRate", \.minSuccessRate, in: 0...1),
        ]
    }
}

extension Configuration {
    package static let defaultFileName = "preflight.yml"
    /// The names `run` and `validate` look for in the current folder, in this order (YAML's own advice is .yaml; both are common).
    package static let defaultFileNames = [defaultFileName, "preflight.yaml"]

    /// Loads and validates a configuration file; throws 66 for an unreadable file and 78 for an invalid one.
    package static func load(from path: String) throws(PreflightError) -> Configuration {
        let config = try parse(fileAt: path)
        try config.checkFilesExist()
        return config
    }

    /// `load` without looking at the files the configuration names: for `evaluate`, which judges saved facts on a
    /// machine that need not have them.
    package static func parse(fileAt path: String) throws(PreflightError) -> Configuration {
        let text = try readText(path, role: "configuration file")
        let sink = DiagnosticSink()
        var config = Configuration()
        config.file = path
        let folder = URL(fileURLWithPath: path).deletingLastPathComponent().path
        let root = try YAMLFile.parse(text, file: path)
        if let reader = MappingReader.from(root, file: path, path: "", sink: sink) {
            config.read(reader, folder: folder)
        }
        guard sink.isEmpty else { throw .invalidConfiguration(sink.diagnostics) }
        return config
    }

    private mutating func read(_ reader: MappingReader, folder: String) {
        var locations: [String: SourceLocation] = [:]
        defer { self.locations = locations }
        func path(_ section: MappingReader, _ key: String) -> String? {
            if section.has(key) { locations[section.qualified(key)] = section.valueLocation(of: key) }
            return section.pathString(key).map { Self.resolve($0, against: folder) }
        }
        if let report = reader.mapping("report") {
            cover = Report.Cover(
                customer: report.filledString("customer"), tenant: report.filledString("tenant"), assessor: report.filledString("assessor"))
            report.finish()
        }
        phase = reader.enumValue("phase", Phase.self) ?? phase
        topology = reader.enumValue("topology", Topology.self) ?? topology
        cloud = reader.enumValue("cloud", Cloud.self) ?? cloud
        timeoutSeconds = reader.double("timeoutSeconds", range: 0.1...86_400) ?? timeoutSeconds
        readMaxEvidenceAge(reader)
        waivers = path(reader, "waivers")

        let resolve = { (path: String) in Self.resolve(path, against: folder) }
        func section<Section: SettingsSection>(_ type: Section.Type) -> Section? {
            reader.mapping(Section.name).map { Section.read($0, resolve: resolve, locations: &locations) }
        }
        network = section(NetworkSettings.self) ?? network
        readLDAP(reader, resolve: resolve, locations: &locations)
        inventory = section(InventorySettings.self) ?? inventory
        monitoring = section(MonitoringSettings.self) ?? monitoring
        connect = section(ConnectSettings.self) ?? connect
        cloudSyncSection = section(CloudSyncSettings.self)
        reader.finish()
    }

    /// How old a file input may be (in whole days) before the checks judging it warn; 1 to 36,500 (a hundred years).
    private mutating func readMaxEvidenceAge(_ reader: MappingReader) {
        guard let days = reader.int("maxEvidenceAgeDays") else { return }
        guard (1...36_500).contains(days) else {
            reader.sink.report(
                reader.valueLocation(of: "maxEvidenceAgeDays"),
                "'maxEvidenceAgeDays' is '\(days)', but it must be a whole number of days from 1 to 36500. Give the age (default "
                    + "\(Self.defaultMaxEvidenceAgeDays)) above which an export counts as stale, e.g. 'maxEvidenceAgeDays: 30'.")
            return
        }
        maxEvidenceAgeDays = days
    }

    /// Every file the configuration names must be readable now, not halfway through a run (exit 66).
    private func checkFilesExist() throws(PreflightError) {
        // Not ldap.passwordFile: a missing or empty password file is an invalid configuration (78), found by
        // `inputProblems(environment:)` with the other password-source problems.
        // In the order of the sections in the file's documentation; the waiver file before the monitoring exports.
        let ldapFiles = ldapEntries.flatMap { entry in
            entry.settings.namedFiles.map { (entry.key + $0.key.dropFirst(LDAPConfiguration.name.count), $0.path, $0.folderAllowed) }
        }
        let files = network.namedFiles + ldapFiles + inventory.namedFiles + connect.namedFiles + cloudSync.namedFiles
            + (waivers.map { [("waivers", $0, false)] } ?? []) + monitoring.namedFiles
        for (key, path, folderAllowed) in files {
            var isDirectory: ObjCBool = false
            let exists = FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory)
            if !exists {
                throw .unreadableFile(path: path, role: "the file named by '\(key)' in \(file ?? "the configuration")", reason: "it does not exist")
            }
            if isDirectory.boolValue && !folderAllowed {
                throw .unreadableFile(path: path, role: "the file named by '\(key)'", reason: "it is a folder, not a file")
            }
            if !FileManager.default.isReadableFile(atPath: path) {
                throw .unreadableFile(path: path, role: "the file named by '\(key)'", reason: "permission denied")
            }
        }
    }

    /// What only the catalog can tell: `network.endpoints` must name checks that exist, or the override is silently
    /// lost to a typo.
    package func problems(with catalog: Catalog) -> [Diagnostic] {
        network.endpoints.keys.sorted().filter { catalog[$0] == nil }.map { id in
            Diagnostic(
                SourceLocation(file: file ?? Self.defaultFileName),
                "'network.endpoints' names '\(id)', which is not a check in the catalog, so its targets would be ignored. "
                    + "Use the id of a network check ('preflight list' shows them), e.g. NET-001.")
        }
    }

    static func resolve(_ path: String, against folder: String) -> String {
        if path.hasPrefix("/") { return path }
        if path.hasPrefix("~/") { return NSString(string: path).expandingTildeInPath }
        return URL(fileURLWithPath: folder).appendingPathComponent(path).standardizedFileURL.path
    }

    /// The configuration as plugins see it: every setting, with password sources removed (each section's `keys` say which).
    var redactedJSON: JSONValue {
        func optional(_ value: String?) -> JSONValue { value.map(JSONValue.string) ?? .null }
        return [
            "phase": .string(phase.rawValue), "topology": .string(topology.rawValue), "cloud": .string(cloud.rawValue),
            "timeoutSeconds": .number(timeoutSeconds), "maxEvidenceAgeDays": .int(maxEvidenceAgeDays),
            "report": ["customer": optional(cover.customer), "tenant": optional(cover.tenant), "assessor": optional(cover.assessor)],
            "network": network.shownJSON,
            "ldap": isMultiDomain ? .array(ldapDomains.map(\.shownJSON)) : ldap.shownJSON, "inventory": inventory.shownJSON, "connect": connect.shownJSON,
            "monitoring": monitoring.shownJSON, "cloudSync": cloudSync.shownJSON,
        ]
    }
}

/// Refuses a configuration, check or waiver file over `InputLimits.yamlFileBytes` (exit 78) before it is read.
func requireYAMLSize(_ path: String, role: String) throws(PreflightError) {
    if let size = InputLimits.fileSize(path), size > InputLimits.yamlFileBytes {
        throw .invalidConfiguration([
            Diagnostic(
                SourceLocation(file: path),
                "The \(role) "
                    + InputLimits.tooLarge(
                        size, limit: InputLimits.yamlFileBytes, what: "a \(role)",
                        advice: "such files take a few kB, so this is not one. Name the right file."))
        ])
    }
}

/// Reads a whole text file, mapping failures to exit code 66 with a plain reason.
func readText(_ path: String, role: String) throws(PreflightError) -> String {
    var isDirectory: ObjCBool = false
    guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
        throw .unreadableFile(path: path, role: role, reason: "it does not exist")
    }
    guard !isDirectory.boolValue else { throw .unreadableFile(path: path, role: role, reason: "it is a folder, not a file") }
    try requireYAMLSize(path, role: role)
    guard let data = FileManager.default.contents(atPath: path) else {
        throw .unreadableFile(path: path, role: role, reason: "permission denied")
    }
    // Windows editors and PowerShell's Out-File write BOMs and UTF-16; accept what they write.
    guard let text = TextDecoding.decode(data) else {
        throw .unreadableFile(path: path, role: role, reason: "it is not text in UTF-8 or UTF-16")
    }
    return text
}
