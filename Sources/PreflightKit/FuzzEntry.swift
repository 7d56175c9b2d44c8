import Foundation
import PreflightCloudSync
import PreflightConnect
import PreflightCore
import PreflightDirectory
import PreflightEngine
import PreflightInventory
import PreflightMonitoring
import PreflightReporting

/// Every fuzzing entry together, for the harnesses and the regression tests: each probe area defines its own entries.
extension FuzzEntry {
    /// Every entry by the name of its harness (`Fuzz/Harnesses/<name>`).
    package static let all: [(name: String, run: @Sendable ([UInt8]) -> String?)] = [
        ("SecurityDescriptor", securityDescriptor), ("SID", sid), ("InventoryCSV", inventoryCSV),
        ("InventoryExports", inventoryExports), ("ConnectXML", connectXML), ("ConnectPolicyJSON", connectPolicyJSON),
        ("ConnectorCredential", connectorCredential), ("Scheduler", scheduler), ("EventLog", eventLog),
        ("WevtutilXML", wevtutilXML), ("AuditLog", auditLog), ("ConfigYAML", configuration), ("CheckFile", checkFile),
        ("WaiverFile", waiverFile), ("SavedReport", savedReport), ("SavedRestrictRemoteSAM", savedRestrictRemoteSAM),
        ("CloudSyncGraphJSON", cloudSyncGraphJSON),
    ]

    /// One check file of a `--checks` folder, against the built-in probe kinds.
    @discardableResult
    package static func checkFile(_ bytes: [UInt8]) -> String? { checkFile(bytes, registry: .builtIn) }
}
