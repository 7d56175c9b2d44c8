import Foundation
import PreflightCore

#if canImport(FoundationXML)
    import FoundationXML
#endif

/// Reads the XML files written by `Get-ADSyncServerConfiguration` with Foundation's SAX parser.
/// Only the handful of elements the checks need are kept; everything else (the 1.8 MB schema, watermarks,
/// elements newer builds add) is skipped without being stored.
enum ServerConfigurationParser {
    /// One connector file, classified.
    enum Connector {
        case entra(EntraConnectorFacts, version: String?)
        case ad(ADConnectorFacts)
        case other(name: String, category: String)
    }

    static let entraSubtype = "Windows Azure Active Directory (Microsoft)"

    static func parseConnector(_ path: String) throws -> Connector {
        let collector = ConnectorCollector()
        try stream(path, delegate: collector)
        let values = collector.values
        let name = values[.name] ?? URL(fileURLWithPath: path).deletingPathExtension().lastPathComponent
        let category = values[.category] ?? ""
        if category.caseInsensitiveCompare("AD") == .orderedSame {
            return .ad(
                ADConnectorFacts(
                    name: name, forest: values[.forestName].connectNonEmpty, loginDomain: values[.loginDomain].connectNonEmpty,
                    loginUser: values[.loginUser].connectNonEmpty, passwordHashSync: values[.passwordHashSync].flatMap(flag),
                    partitions: collector.partitions, file: path))
        }
        let subtype = values[.subtype] ?? ""
        let isEntra = subtype.caseInsensitiveCompare(entraSubtype) == .orderedSame
            || subtype.localizedCaseInsensitiveContains("Azure Active Directory")
            || subtype.localizedCaseInsensitiveContains("Entra") || collector.sawPasswordResetConfig
        if isEntra {
            return .entra(
                EntraConnectorFacts(
                    name: name, tenant: tenant(name: name, account: values[.userName]), authority: values[.authority].connectNonEmpty,
                    syncAccount: values[.userName].connectNonEmpty, passwordWriteback: values[.writeback].flatMap(flag),
                    file: path),
                version: values[.assemblyVersion].connectNonEmpty)
        }
        return .other(name: name, category: category.isEmpty ? "unknown category" : category)
    }

    /// The root element's `server` and `export-date` attributes of `GlobalSettings/MV.xml`, and the Connect build from its
    /// global parameters (`Microsoft.Synchronize.ServerConfigurationVersion`).
    static func parseGlobalSettingsHeader(_ path: String) throws -> (server: String?, exportDate: String?, version: String?) {
        let collector = GlobalSettingsCollector()
        try stream(path, delegate: collector)
        return (collector.server.connectNonEmpty, collector.exportDate.connectNonEmpty, collector.version.connectNonEmpty)
    }

    /// `contoso.onmicrosoft.com - AAD` names the tenant; otherwise the sync account's domain does.
    static func tenant(name: String, account: String?) -> String? {
        // Compared on the UTF-8 bytes: a backwards case-insensitive search over Characters took quadratic time on a name
        // of flag emoji (32,000 of them: 9 s), and a name may be up to 1 MiB (found by fuzzing, issue #14).
        let suffix = Array(" - aad".utf8)
        let bytes = Array(name.utf8)
        if bytes.count >= suffix.count, zip(bytes.suffix(suffix.count), suffix).allSatisfy({ (0x41...0x5A).contains($0) ? $0 | 0x20 == $1 : $0 == $1 }) {
            let prefix = String(decoding: bytes.dropLast(suffix.count), as: UTF8.self).trimmingCharacters(in: .whitespaces)
            if prefix.contains(".") { return prefix }
        }
        if let account, let at = account.lastIndex(of: "@") {
            return String(account[account.index(after: at)...])
        }
        return nil
    }

    static func flag(_ text: String) -> Bool? {
        switch text.trimmingCharacters(in: .whitespacesAndNewlines).lowercased() {
        case "1", "true": return true
        case "0", "false": return false
        default: return nil
        }
    }

    /// Runs the SAX parser over a file; a malformed file throws with file:line:column.
    static func stream(_ path: String, delegate: BaseCollector) throws {
        guard FileManager.default.isReadableFile(atPath: path) else {
            throw ProbeError("Cannot read the export file '\(path)'. Check that the exported folder was copied completely and is readable.")
        }
        try InputFile.requireRegularFile(path, describedAs: "The Entra Connect export file")
        if let size = InputLimits.fileSize(path), size > InputLimits.connectXMLFileBytes {
            throw ProbeError(
                "The Entra Connect export file '\(path)' "
                    + InputLimits.tooLarge(size, limit: InputLimits.connectXMLFileBytes, what: "one file of the Connect export")
                    + " Export it again on the Connect server with Get-ADSyncServerConfiguration.",
                at: InputLocation(file: path, bytes: size, limitBytes: InputLimits.connectXMLFileBytes))
        }
        let utf16 = startsLikeUTF16(path)
        if !utf16, let bad = InputFile.firstInvalidUTF8(inFileAt: path) {
            throw ProbeError(
                "\(path):\(bad.line):\(bad.column): The Entra Connect export file is not valid UTF-8 at line \(bad.line), column "
                    + "\(bad.column) (byte \(bad.offset)). Export it again on the Connect server with Get-ADSyncServerConfiguration and "
                    + "copy the folder without editing or re-encoding it.",
                at: InputLocation(file: path, line: bad.line, column: bad.column))
        }
        // XMLParser gets the text decoded and checked by us, as UTF-8 without the declaration's encoding, not the file:
        // some well-formed XML crashes it (XMLInput; found by fuzzing, issue #14).
        guard let data = FileManager.default.contents(atPath: path), let decoded = TextDecoding.decode(data) else {
            throw ProbeError(
                "The Entra Connect export file '\(path)' cannot be read as \(utf16 ? "UTF-16" : "UTF-8") text. Export it again on the "
                    + "Connect server with Get-ADSyncServerConfiguration and copy the folder without editing or re-encoding it.",
                at: InputLocation(file: path))
        }
        guard let stop = XMLInput.parse(decoded, into: delegate) else {
            if delegate.sawElement { return }
            throw noElement(path, bytes: data.count)
        }
        switch stop.reason {
        case .unsafe(let what):
            throw stop.error(
                in: path,
                "The Entra Connect export file has \(what) \(stop.position), which Get-ADSyncServerConfiguration never writes. Export it "
                    + "again on the Connect server and copy the folder without editing it.")
        case .limit(let problem):
            throw stop.error(
                in: path,
                "The Entra Connect export file, \(stop.position), \(problem). Get-ADSyncServerConfiguration writes nothing like it, so the "
                    + "file is not an export or is damaged. Export it again on the Connect server and copy the folder without editing it.")
        case .malformed(let problem):
            // libxml2 calls white space alone "extra content": an export file without any element is reported as such.
            if !delegate.sawElement, XMLInput.blankingDeclaration(decoded).allSatisfy({ $0.isWhitespace || $0 == "\u{FEFF}" }) {
                throw noElement(path, bytes: data.count)
            }
            throw stop.error(
                in: path,
                "The Entra Connect export file is not well-formed XML \(stop.position) (\(problem)). Export it again on the Connect server "
                    + "with Get-ADSyncServerConfiguration and copy the folder without editing or re-encoding it.")
        }
    }

    /// libxml2 accepts an empty file (or one with only a comment) without an error; an export file always has its root
    /// element, so a file without one is a copy that went wrong, not "no connector". Other text without an element keeps
    /// its well-formedness error, which says where it goes wrong.
    static func noElement(_ path: String, bytes: Int) -> ProbeError {
        ProbeError(
            "The Entra Connect export file '\(path)' holds no XML element (\(bytes) bytes), so it is empty, was cut off "
                + "while copying or is not an export file. Export the configuration again on the Connect server with Get-ADSyncServerConfiguration and copy "
                + "the whole folder.",
            at: InputLocation(file: path, bytes: bytes))
    }

    /// A UTF-16 file (a BOM, or a zero byte among the first two) is not checked as UTF-8 (TextDecoding decodes it).
    static func startsLikeUTF16(_ path: String) -> Bool {
        guard let handle = FileHandle(forReadingAtPath: path) else { return false }
        defer { try? handle.close() }
        let head = [UInt8]((try? handle.read(upToCount: 2)) ?? Data())
        return head.count == 2 && (head == [0xFF, 0xFE] || head == [0xFE, 0xFF] || head[0] == 0 || head[1] == 0)
    }
}



final class GlobalSettingsCollector: BaseCollector {
    var server: String?
    var exportDate: String?
    var version: String?
    private var capturingVersion = false
    private var text = ""

    override func start(_ parser: XMLParser, _ elementName: String, _ attributes: [String: String]) {
        // `depth` counts this element already.
        if depth == 1 {
            server = attributes["server"]
            exportDate = attributes["export-date"]
            return
        }
        // MV.xml (about 80 kB) ends with the global parameters, `mv-data/parameter-values/parameter`, the Connect build among
        // them (the real 2016 sample: `<parameter name="Microsoft.Synchronize.ServerConfigurationVersion" …>1.1.130.0</parameter>`).
        if attributes["name"] == "Microsoft.Synchronize.ServerConfigurationVersion" {
            capturingVersion = true
            text = ""
        }
    }

    override func characters(_ string: String) {
        if capturingVersion { keep(string, in: &text, element: "parameter") }
    }

    override func end(_ elementName: String) {
        if capturingVersion {
            capturingVersion = false
            let value = text.trimmingCharacters(in: .whitespacesAndNewlines)
            if !value.isEmpty { version = value }
        }
    }
}

/// Keeps the connector-level facts by element path, ignoring every element it does not know.
final class ConnectorCollector: BaseCollector {
    /// The connector-level fields found, each the text of its last element (trimmed).
    var values: [Field: String] = [:]
    var sawPasswordResetConfig = false
    var partitions: [PartitionFacts] = []

    /// The open elements, the root first. Appended and removed at the end only: never copied (a copy per start tag
    /// made a deeply nested file quadratic).
    private var stack: [String] = []
    /// How many of the open elements are `MAConfig`.
    private var maConfigOpen = 0
    private var text = ""
    private var capture: Field?
    private var partition: PartitionFacts?

    enum Field {
        case name, category, subtype, userName, writeback, authority, assemblyVersion
        case forestName, loginDomain, loginUser, passwordHashSync
        case partitionName, partitionSelected, inclusion, exclusion, lastDC
    }

    /// The field the element just opened (the last of `stack`) holds, by its path below `ma-data`.
    private func field(attributes: [String: String]) -> Field? {
        let count = stack.count
        guard count >= 2, stack[0] == "ma-data" else { return nil }
        let last = stack[count - 1]
        if count == 2 {
            switch last {
            case "name": return .name
            case "category": return .category
            case "subtype": return .subtype
            default: return nil
            }
        }
        if stack[1] == "private-configuration" {
            let parent = stack[count - 2]
            if parent == "aad-password-reset-config" {
                if last == "enabled" { return .writeback }
                if last == "adal-authority" { return .authority }
            }
            if parent == "extension-config", last == "assembly-version" { return .assemblyVersion }
            if parent == "parameter-values", last == "parameter", attributes["name"] == "UserName", maConfigOpen > 0 {
                return .userName
            }
            if parent == "adma-configuration" {
                switch last {
                case "forest-name": return .forestName
                case "forest-login-domain": return .loginDomain
                case "forest-login-user": return .loginUser
                default: return nil
                }
            }
            if parent == "password-hash-sync-config", last == "enabled" { return .passwordHashSync }
            return nil
        }
        if count >= 4, stack[1] == "ma-partition-data", stack[2] == "partition" {
            // Below `partition`: at most four elements, compared in place.
            func below(_ names: String...) -> Bool {
                count - 3 == names.count && names.indices.allSatisfy { stack[3 + $0] == names[$0] }
            }
            if below("name") { return .partitionName }
            if below("selected") { return .partitionSelected }
            if below("filter", "containers", "inclusions", "inclusion") { return .inclusion }
            if below("filter", "containers", "exclusions", "exclusion") { return .exclusion }
            if below("custom-data", "adma-partition-data", "last-dc") { return .lastDC }
        }
        return nil
    }

    override func start(_ parser: XMLParser, _ elementName: String, _ attributes: [String: String]) {
        stack.append(elementName)
        if elementName == "MAConfig" { maConfigOpen += 1 }
        if elementName == "aad-password-reset-config" { sawPasswordResetConfig = true }
        if stack.count == 3, stack[1] == "ma-partition-data", elementName == "partition" {
            partition = PartitionFacts(dn: "", selected: false)
        }
        capture = field(attributes: attributes)
        text = ""
    }

    override func characters(_ string: String) {
        if capture != nil { keep(string, in: &text, element: stack.last ?? "") }
    }

    override func end(_ elementName: String) {
        defer {
            if stack.popLast() == "MAConfig" { maConfigOpen -= 1 }
        }
        if let field = capture {
            let value = text.trimmingCharacters(in: .whitespacesAndNewlines)
            store(field, value)
            capture = nil
        }
        if stack.count == 3, stack[1] == "ma-partition-data", elementName == "partition", let done = partition {
            if !done.dn.isEmpty { partitions.append(done) }
            partition = nil
        }
    }

    private func store(_ field: Field, _ value: String) {
        switch field {
        case .name, .category, .subtype, .userName, .writeback, .authority, .assemblyVersion, .forestName, .loginDomain, .loginUser,
            .passwordHashSync:
            values[field] = value
        case .partitionName: partition?.dn = value
        case .partitionSelected: partition?.selected = ServerConfigurationParser.flag(value) ?? false
        case .inclusion: if !value.isEmpty { partition?.inclusions.append(value) }
        case .exclusion: if !value.isEmpty { partition?.exclusions.append(value) }
        case .lastDC: partition?.lastDC = value.isEmpty ? nil : value
        }
    }
}

extension Optional where Wrapped == String {
    /// nil for nil, empty or blank strings.
    var connectNonEmpty: String? {
        guard let value = self?.trimmingCharacters(in: .whitespacesAndNewlines), !value.isEmpty else { return nil }
        return value
    }
}
