import Foundation
import PreflightCore

/// Reads `ConnectorIdentityType` from the saved output of `Get-ADSyncEntraConnectorCredential` (`connect.connectorCredential`):
/// `ServiceAccount` (the legacy `Sync_…` account with a password) or `Application` (app-based authentication, from
/// Connect 2.5.3.0; automatic on builds from 2.5.76.0). Source: learn.microsoft.com/entra/identity/hybrid/connect/authenticate-application-id
/// (MicrosoftDocs/entra-docs docs/identity/hybrid/connect/authenticate-application-id.md).
///
/// Microsoft documents that property and its two values, not the cmdlet's other properties nor whether the value is an
/// enum. So the text forms PowerShell prints (`| Format-List * | Out-File`, or the table it prints for few properties)
/// and `| ConvertTo-Json` are read for that one property; a number (how ConvertTo-Json writes an enum) is reported,
/// not guessed at.
enum ConnectorCredentialParser {
    static let key = "connect.connectorCredential"
    static let property = "ConnectorIdentityType"
    static let knownTypes = ["ServiceAccount", "Application"]

    struct Reading: Equatable {
        /// `ServiceAccount` or `Application` as Microsoft spells them; nil when the file does not tell.
        var identityType: String?
        /// Why the file did not tell, as a sentence; nil when it did.
        var note: String?
    }

    static func read(_ path: String) throws -> Reading {
        let text = try TextDecoding.read(path, key: key)
        let trimmed = text.drop { $0.isWhitespace || $0 == "\u{FEFF}" }
        if trimmed.hasPrefix("{") || trimmed.hasPrefix("[") {
            return try readJSON(text, path: path)
        }
        let value = PowerShellOutput.value(property, in: PowerShellOutput.properties(text))
        return interpret(value, path: path)
    }

    static func readJSON(_ text: String, path: String) throws -> Reading {
        let root = try JSONInput.object(
            text, path: path, what: "The saved Get-ADSyncEntraConnectorCredential output (named by '\(key)')",
            remedy: "Save it again on the Connect server with Get-ADSyncEntraConnectorCredential | Format-List * | Out-File connector-credential.txt")
        let object: [String: Any]
        switch root {
        case let single as [String: Any]: object = single
        case let list as [Any]: object = list.first as? [String: Any] ?? [:]
        default: object = [:]
        }
        switch AppliedPolicyParser.member(object, property) {
        case let text as String:
            return interpret(text, path: path)
        case let number as NSNumber:
            return Reading(
                identityType: nil,
                note: "'\(path)' gives \(property) as the number \(number.stringValue) (ConvertTo-Json writes an enum's number), and "
                    + "Microsoft does not publish which number means which type. Save the text form instead: "
                    + "Get-ADSyncEntraConnectorCredential | Format-List * | Out-File connector-credential.txt")
        default:
            return interpret(nil, path: path)
        }
    }

    static func interpret(_ value: String?, path: String) -> Reading {
        guard let value = value?.trimmingCharacters(in: .whitespaces), !value.isEmpty else {
            return Reading(
                identityType: nil,
                note: "'\(path)' (named by '\(key)') has no \(property) value, so the Entra connector's identity type is unknown. "
                    + "Save the full output on the Connect server: Get-ADSyncEntraConnectorCredential | Format-List * | Out-File connector-credential.txt")
        }
        if let known = knownTypes.first(where: { $0.caseInsensitiveCompare(value) == .orderedSame }) {
            return Reading(identityType: known, note: nil)
        }
        return Reading(
            identityType: nil,
            note: "'\(path)' gives \(property) as '\(value)', which is neither ServiceAccount nor Application, so the identity type "
                + "is unknown. Check the file is the output of Get-ADSyncEntraConnectorCredential.")
    }

    /// The settings JSON export: a `ConnectorIdentityType` key anywhere in it. No public source shows the settings file
    /// carrying one (UNCONFIRMED); it is read only if present.
    static func find(in value: Any, depth: Int = 6) -> String? {
        guard depth > 0 else { return nil }
        if let object = value as? [String: Any] {
            for (key, child) in object.sorted(by: { $0.key < $1.key }) {
                if key.caseInsensitiveCompare(property) == .orderedSame, let text = child as? String,
                    let known = knownTypes.first(where: { $0.caseInsensitiveCompare(text.trimmingCharacters(in: .whitespaces)) == .orderedSame })
                {
                    return known
                }
                if let found = find(in: child, depth: depth - 1) { return found }
            }
        } else if let list = value as? [Any] {
            for item in list {
                if let found = find(in: item, depth: depth - 1) { return found }
            }
        }
        return nil
    }
}
