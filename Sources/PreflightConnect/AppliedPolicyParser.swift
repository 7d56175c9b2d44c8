import Foundation
import PreflightCore

/// Reads the synchronization-policy JSON the Connect wizard writes to `%ProgramData%\AADConnect`
/// (`Applied-SynchronizationPolicy-*.json`, or `Exported-SynchronizationPolicy-*.json` from "View or export").
///
/// Only a few keys are documented by public scripts: `policyMetadata` and `deploymentMetadata` (written by Microsoft's
/// `MigrateSettings.ps1` from Connect's Tools folder, which
/// learn.microsoft.com/entra/identity/hybrid/connect/how-to-connect-import-export-config describes),
/// `onpremisesDirectoryPolicy[]` with `partitionFilters[]` (read by `test-nonSyncOU.ps1` in github.com/timmcmic/DLConversionV2)
/// and `azureDirectoryPolicy` (read by `Optimize-AADConnectExportJSONForCompare.ps1` in
/// github.com/dloder0/AAD-Connect-MIM-FIM-Scripts).
/// Everything else is looked for defensively, case-insensitively; an absent key leaves the fact unknown (nil).
enum AppliedPolicyParser {
    package static func parse(_ path: String) throws -> ConnectFacts {
        let text = try TextDecoding.read(path, key: "connect.export")
        let root = try JSONInput.object(
            text, path: path, what: "The Entra Connect settings file",
            remedy: "Copy the file again from %ProgramData%\\AADConnect on the Connect server without editing it.")
        guard let object = root as? [String: Any] else {
            throw ProbeError(
                "\(path):1:1: The Entra Connect settings file is JSON but not an object. Point 'connect.export' at an "
                    + "Applied-SynchronizationPolicy-*.json file or at the folder written by Get-ADSyncServerConfiguration.")
        }
        var facts = ConnectFacts(source: path, format: "synchronization-policy-json", files: [path])
        let policy = member(object, "policyMetadata") as? [String: Any]
        let deployment = member(object, "deploymentMetadata") as? [String: Any]
        facts.version = policy.flatMap { string($0, "azureADConnectVersion") ?? string($0, "connectVersion") }
        if facts.version != nil { facts.versionSource = "policyMetadata.azureADConnectVersion" }
        if let created = policy.flatMap({ string($0, "timeCreated") }) {
            facts.exportDate = created
            facts.exportDateSource = "policyMetadata.timeCreated"
        } else if let stamp = ExportLocator.timestamp(inName: path) {
            facts.exportDate = ExportLocator.display(stamp)
            facts.exportDateSource = "the timestamp in the file name"
        }
        facts.server = deployment.flatMap { string($0, "hostName") }
        if let type = ConnectorCredentialParser.find(in: object) {
            facts.connectorIdentityType = type
            facts.connectorIdentityTypeSource = "a ConnectorIdentityType key in the settings file (undocumented there; UNCONFIRMED)"
        }

        // Entra connector: the documented `azureDirectoryPolicy` object has rules only; names are looked for.
        if let azure = member(object, "azureDirectoryPolicy") as? [String: Any] {
            let name = string(azure, "friendlyName") ?? string(azure, "name") ?? string(azure, "connectorName")
                ?? "Microsoft Entra ID connector (name not recorded)"
            let tenant = string(azure, "tenantName") ?? string(azure, "tenantDomain") ?? string(azure, "tenant")
                ?? ServerConfigurationParser.tenant(name: name, account: nil)
            let writeback = findFlag(in: azure, matching: writebackKeys) ?? findFlag(in: object, matching: writebackKeys, depth: 1)
            facts.entraConnectors = [
                EntraConnectorFacts(name: name, tenant: tenant, passwordWriteback: writeback?.value, file: path)
            ]
            if let writeback {
                facts.notes.append("Password writeback read from the key '\(writeback.path)' (undocumented; UNCONFIRMED).")
            } else {
                facts.notes.append("The settings file has no password-writeback key, so its state is unknown (not 'off').")
            }
        }

        let directories: [[String: Any]]
        switch member(object, "onpremisesDirectoryPolicy") {
        case let list as [[String: Any]]: directories = list
        case let single as [String: Any]: directories = [single]
        default: directories = []
        }
        for (index, directory) in directories.enumerated() {
            let name = string(directory, "friendlyName") ?? string(directory, "name") ?? "AD connector \(index + 1)"
            var connector = ADConnectorFacts(name: name, file: path)
            connector.forest = string(directory, "forestName") ?? string(directory, "forest")
            connector.loginUser = findString(in: directory, matching: ["forestloginuser", "loginuser", "connectoraccount"])
            connector.loginDomain = findString(in: directory, matching: ["forestlogindomain", "logindomain"])
            let hash = findFlag(in: directory, matching: hashSyncKeys) ?? findFlag(in: object, matching: hashSyncKeys, depth: 1)
            connector.passwordHashSync = hash?.value
            if hash == nil {
                facts.notes.append("No password-hash-sync key for '\(name)', so its state is unknown (not 'off').")
            }
            let filters: [[String: Any]]
            switch member(directory, "partitionFilters") {
            case let list as [[String: Any]]: filters = list
            case let single as [String: Any]: filters = [single]
            default: filters = []
            }
            connector.partitions = filters.compactMap { filter in
                guard let dn = string(filter, "distinguishedName") else { return nil }
                // A partition listed in partitionFilters is in scope; whether unlisted partitions exist is unknown.
                return PartitionFacts(
                    dn: dn, selected: true, inclusions: strings(member(filter, "containerInclusions")),
                    exclusions: strings(member(filter, "containerExclusions")))
            }
            facts.adConnectors.append(connector)
        }
        return facts
    }

    static let writebackKeys = ["passwordwriteback", "passwordreset"]
    static let hashSyncKeys = ["passwordhashsync", "passwordsync", "passwordhashsynchronization"]

    /// A member by name, case-insensitively.
    static func member(_ object: [String: Any], _ key: String) -> Any? {
        if let exact = object[key] { return exact }
        return object.first { $0.key.caseInsensitiveCompare(key) == .orderedSame }?.value
    }

    static func string(_ object: [String: Any], _ key: String) -> String? {
        switch member(object, key) {
        case let text as String: return text.isEmpty ? nil : text
        case let number as NSNumber: return number.stringValue
        default: return nil
        }
    }

    static func strings(_ value: Any?) -> [String] {
        switch value {
        case let list as [Any]: return list.compactMap { $0 as? String }.filter { !$0.isEmpty }
        case let text as String: return text.isEmpty ? [] : [text]
        default: return []
        }
    }

    private static func normalized(_ key: String) -> String {
        key.lowercased().filter { $0.isLetter || $0.isNumber }
    }

    /// A boolean under a key whose normalized name contains one of `fragments`: `true`, `"True"`, or `{enabled: true}`.
    static func findFlag(in value: Any, matching fragments: [String], depth: Int = 6, path: String = "")
        -> (value: Bool, path: String)?
    {
        guard depth > 0 else { return nil }
        if let object = value as? [String: Any] {
            for (key, child) in object.sorted(by: { $0.key < $1.key }) {
                let childPath = path.isEmpty ? key : "\(path).\(key)"
                if fragments.contains(where: { normalized(key).contains($0) }) {
                    if let flag = boolean(child) { return (flag, childPath) }
                    if let nested = child as? [String: Any], let enabled = member(nested, "enabled").flatMap(boolean) {
                        return (enabled, childPath + ".enabled")
                    }
                }
                if let found = findFlag(in: child, matching: fragments, depth: depth - 1, path: childPath) { return found }
            }
        } else if let list = value as? [Any] {
            for (index, item) in list.enumerated() {
                if let found = findFlag(in: item, matching: fragments, depth: depth - 1, path: "\(path)[\(index)]") { return found }
            }
        }
        return nil
    }

    static func findString(in object: [String: Any], matching normalizedKeys: [String]) -> String? {
        for key in object.keys.sorted() where normalizedKeys.contains(normalized(key)) {
            if let text = object[key] as? String, !text.isEmpty { return text }
        }
        return nil
    }

    static func boolean(_ value: Any) -> Bool? {
        // JSON booleans arrive as NSNumber with objCType "c"; numbers 0/1 are not taken as flags.
        if let number = value as? NSNumber, String(cString: number.objCType) == "c" { return number.boolValue }
        if let text = value as? String { return PowerShellOutput.bool(text) }
        return nil
    }
}
