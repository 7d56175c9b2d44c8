import Foundation
import PreflightCore

extension Configuration {
    /// `cloudSync:` (topology `cloud-sync`): Microsoft Graph responses saved as JSON, since Cloud Sync has no export file.
    /// Each key names one saved response or a folder of them (the pages of an `@odata.nextLink` series, `page-1.json`, …;
    /// for `schema`, one job's schema a file). The Graph calls and the PowerShell that saves them: docs/cloud-sync.md.
    package struct CloudSyncSettings: SettingsSection {
        /// `GET https://graph.microsoft.com/v1.0/servicePrincipals/{id}/synchronization/jobs` (one configuration's jobs).
        package var jobs: String?
        /// `GET https://graph.microsoft.com/beta/servicePrincipals/{id}/synchronization/jobs/{jobId}/schema`: the scoping
        /// filters (`containerFilter`, `groupFilter` of the synchronization rules). A folder holds one job's schema a file.
        package var schema: String?
        /// `GET https://graph.microsoft.com/beta/onPremisesPublishingProfiles/provisioning/agents?$expand=agentGroups`.
        package var agents: String?
        /// The agents' file versions, saved on each agent host (Graph's onPremisesAgent has no version property).
        package var agentVersions: String?

        /// True when the jobs and agents (the contract's two keys) are both named.
        package var isConfigured: Bool { jobs != nil && agents != nil }

        package init() {}
        static let name = "cloudSync"
        static let keys: [SettingKey<Self>] = [
            .path("jobs", \.jobs, folderAllowed: true), .path("schema", \.schema, folderAllowed: true),
            .path("agents", \.agents, folderAllowed: true), .path("agentVersions", \.agentVersions),
        ]
    }
}
