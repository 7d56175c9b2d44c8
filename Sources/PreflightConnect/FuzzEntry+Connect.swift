import Foundation
import PreflightCore

/// The Entra Connect readers' fuzzing entries (see `FuzzEntry`).
extension FuzzEntry {
    // MARK: Entra Connect

    /// A `Get-ADSyncServerConfiguration` XML file: through `ServerConfigurationParser.stream`, as the probe reads it (regular
    /// file and UTF-8 checks first, then Foundation's XMLParser), read both as a connector and as GlobalSettings/MV.xml.
    @discardableResult
    package static func connectXML(_ bytes: [UInt8]) -> String? {
        withFile(bytes, named: "Connector_{00000000-0000-0000-0000-000000000000}.xml") { path -> String? in
            var problems: [String] = []
            do { _ = try ServerConfigurationParser.parseConnector(path) } catch { problems.append("\(error)") }
            do { _ = try ServerConfigurationParser.parseGlobalSettingsHeader(path) } catch { problems.append("\(error)") }
            return problems.isEmpty ? nil : problems.joined(separator: "\n")
        }
    }

    /// `connect.export` naming an Applied-SynchronizationPolicy-*.json file.
    @discardableResult
    package static func connectPolicyJSON(_ bytes: [UInt8]) -> String? {
        withFile(bytes, named: "Applied-SynchronizationPolicy-20250304-101500.json") { path -> String? in
            do { _ = try AppliedPolicyParser.parse(path) } catch { return "\(error)" }
            return nil
        }
    }

    /// `connect.connectorCredential`: Get-ADSyncEntraConnectorCredential's text or JSON output.
    @discardableResult
    package static func connectorCredential(_ bytes: [UInt8]) -> String? {
        withFile(bytes, named: "connector-credential.txt") { path -> String? in
            do { _ = try ConnectorCredentialParser.read(path) } catch { return "\(error)" }
            return nil
        }
    }

    /// `connect.scheduler` and `connect.passwordResetConfig`: PowerShell's list and table output.
    @discardableResult
    package static func scheduler(_ bytes: [UInt8]) -> String? {
        withFile(bytes, named: "scheduler.txt") { path -> String? in
            _ = try? SchedulerParser.readPasswordResetConfiguration(path)
            do { _ = try SchedulerParser.read(path) } catch { return "\(error)" }
            return nil
        }
    }
}
