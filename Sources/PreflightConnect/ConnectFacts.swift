import Foundation
import PreflightCore

/// What an Entra Connect export (and the optional cmdlet outputs next to it) reveals.
///
/// Optional booleans mean "unknown" when nil: a fact the export does not record is never reported as "off".
package struct ConnectFacts: Codable, Sendable, Hashable {
    /// What was read (folder or file) and why it was chosen.
    package var source: String
    /// `server-configuration` (Get-ADSyncServerConfiguration folder) or `synchronization-policy-json`.
    package var format: String
    /// Every file that was parsed, absolute paths.
    package var files: [String] = []
    var exportDate: String?
    /// Where `exportDate` came from (`export-date in GlobalSettings/MV.xml`, `policyMetadata.timeCreated`, the file name).
    var exportDateSource: String?
    package var server: String?
    /// The Connect build, when the export reveals it.
    package var version: String?
    /// Where `version` came from (the export does not always state the build directly).
    var versionSource: String?
    var entraConnectors: [EntraConnectorFacts] = []
    package var adConnectors: [ADConnectorFacts] = []
    /// Connectors that are neither the Entra connector nor an AD DS connector ("name (category)").
    var otherConnectors: [String] = []
    /// Number of synchronization rule files present (counted, not parsed).
    var synchronizationRuleFiles: Int = 0
    /// From the scheduler output (`StagingModeEnabled`); nil without it.
    var stagingMode: Bool?
    var schedulerFile: String?
    /// `Enabled` from the `Get-ADSyncAADPasswordResetConfiguration` output; nil without it.
    var passwordResetConfigEnabled: Bool?
    var passwordResetConfigFile: String?
    /// The Entra connector's `ConnectorIdentityType` (`ServiceAccount` or `Application`); nil = unknown.
    var connectorIdentityType: String?
    /// Where `connectorIdentityType` came from, when known.
    var connectorIdentityTypeSource: String?
    /// The saved `Get-ADSyncEntraConnectorCredential` output (`connect.connectorCredential`), when configured.
    var connectorCredentialFile: String?
    /// Things the reader noticed and could not confirm (absent keys, contradicting values).
    package var notes: [String] = []
}

/// The Microsoft Entra ID connector ("Windows Azure Active Directory (Microsoft)").
package struct EntraConnectorFacts: Codable, Sendable, Hashable {
    package var name: String
    /// The tenant's domain as the connector names it (e.g. `contoso.onmicrosoft.com`).
    package var tenant: String?
    /// The `adal-authority` URL of `aad-password-reset-config`, when present.
    package var authority: String?
    /// The Entra sync account (`UserName` connectivity parameter).
    var syncAccount: String?
    /// `aad-password-reset-config/enabled`; nil = unknown.
    package var passwordWriteback: Bool?
    package var file: String?
}

/// One Active Directory Domain Services connector (one forest).
package struct ADConnectorFacts: Codable, Sendable, Hashable {
    package var name: String
    package var forest: String?
    /// `forest-login-domain`: the domain of the AD DS connector account.
    package var loginDomain: String?
    /// `forest-login-user`: the AD DS connector account (e.g. `MSOL_d1edb676ca03`).
    package var loginUser: String?
    /// `password-hash-sync-config/enabled`; nil = unknown.
    var passwordHashSync: Bool?
    package var partitions: [PartitionFacts] = []
    package var file: String?

    /// `DOMAIN\user`, or nil while either half is unknown.
    package var account: String? {
        guard let loginUser, !loginUser.isEmpty, let loginDomain, !loginDomain.isEmpty else { return nil }
        return "\(loginDomain)\\\(loginUser)"
    }
}

/// One directory partition of an AD DS connector, with its OU filter.
package struct PartitionFacts: Codable, Sendable, Hashable {
    package var dn: String
    package var selected: Bool
    package var inclusions: [String] = []
    package var exclusions: [String] = []
    @NullEncoded var lastDC: String?
}

/// What the `Get-ADSyncScheduler` output says.
package struct SchedulerFacts: Codable, Sendable, Hashable {
    package var file: String
    var stagingMode: Bool?
    var syncCycleEnabled: Bool?
    package var properties: [String: String]
}
