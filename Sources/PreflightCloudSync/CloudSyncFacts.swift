import Foundation
import PreflightCore

/// The Cloud Sync configuration's synchronization jobs and their scoping, as saved from Microsoft Graph
/// (`cloudSync.jobs`, `cloudSync.schema`).
package struct CloudSyncJobs: Codable, Sendable, Hashable {
    package var jobs: [SyncJob]
    /// Every file read (the pages of the jobs, the schemas).
    package var files: [String]

    /// The AD to Entra ID provisioning jobs: what Cloud Sync synchronizes, and the scope writeback serves.
    package var provisioningJobs: [SyncJob] { jobs.filter(\.isProvisioning) }
}

/// One `synchronizationJob` (https://learn.microsoft.com/graph/api/resources/synchronization-synchronizationjob).
package struct SyncJob: Codable, Sendable, Hashable {
    package var id: String
    package var templateId: String?
    /// `status.code`: `NotConfigured`, `NotRun`, `Active`, `Paused` or `Quarantine`.
    package var statusCode: String?
    package var quarantine: Quarantine?
    /// `schedule.state` (`Active`, `Disabled`) and `schedule.interval` (ISO 8601, e.g. PT2M).
    package var scheduleState: String?
    package var scheduleInterval: String?
    /// `status.lastExecution.state` and its end time, when the job ran.
    package var lastExecutionState: String?
    package var lastExecutionEnded: String?
    package var steadyStateLastAchieved: String?
    package var countSuccessiveCompleteFailures: Int?
    /// Where the job was read (file and line).
    package var file: String
    package var line: Int
    /// The scoping of the job's schema; nil when no schema was saved for it.
    package var scope: JobScope?

    /// The Cloud Sync template for AD to Entra ID provisioning (https://learn.microsoft.com/entra/identity/hybrid/cloud-sync/how-to-inbound-synch-ms-graph).
    package static let provisioningTemplate = "AD2AADProvisioning"

    package var isProvisioning: Bool {
        templateId?.caseInsensitiveCompare(Self.provisioningTemplate) == .orderedSame
            || (templateId == nil && id.lowercased().hasPrefix(Self.provisioningTemplate.lowercased() + "."))
    }

    /// `synchronizationQuarantine` (https://learn.microsoft.com/graph/api/resources/synchronization-synchronizationquarantine).
    package struct Quarantine: Codable, Sendable, Hashable {
        package var reason: String?
        package var currentBegan: String?
        package var seriesBegan: String?
        package var nextAttempt: String?
        package var seriesCount: Int?
        package var errorCode: String?
        package var errorMessage: String?
    }
}

/// The scoping filters of a job's synchronization rules: `containerFilter.includedContainers` (OU distinguished names)
/// and `groupFilter.includedGroups` (group distinguished names). Both empty: every user of the domain.
/// https://learn.microsoft.com/graph/api/resources/synchronization-containerfilter?view=graph-rest-beta,
/// https://learn.microsoft.com/graph/api/resources/synchronization-groupfilter?view=graph-rest-beta
package struct JobScope: Codable, Sendable, Hashable {
    package var containers: [String]
    package var groups: [String]
    /// The schema file it was read from.
    package var file: String
    package var schemaVersion: String?

    package var isAllUsers: Bool { containers.isEmpty && groups.isEmpty }

    /// The DNS names of the domains the filters name (from the DC= parts of their distinguished names).
    package var domains: [String] {
        var seen: [String] = []
        for dn in containers + groups {
            let name = Self.dnsName(of: dn)
            if !name.isEmpty, !seen.contains(where: { $0.caseInsensitiveCompare(name) == .orderedSame }) { seen.append(name) }
        }
        return seen
    }

    /// `OU=Sales,DC=corp,DC=example,DC=test` → `corp.example.test`.
    package static func dnsName(of dn: String) -> String {
        dn.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.compactMap { rdn in
            rdn.lowercased().hasPrefix("dc=") ? String(rdn.dropFirst(3)) : nil
        }.joined(separator: ".")
    }

    /// `corp.example.test` → `DC=corp,DC=example,DC=test`.
    package static func domainDN(ofDNS name: String) -> String {
        name.split(separator: ".").map { "DC=\($0)" }.joined(separator: ",")
    }
}

/// The provisioning agents (`cloudSync.agents`) and their versions (`cloudSync.agentVersions`).
package struct CloudSyncAgents: Codable, Sendable, Hashable {
    package var agents: [ProvisioningAgent]
    /// File version by machine name, from `cloudSync.agentVersions`; nil when that file is not configured.
    package var versions: [AgentVersionEntry]?
    package var files: [String]
}

/// `onPremisesAgent` (https://learn.microsoft.com/graph/api/resources/onpremisesagent?view=graph-rest-beta): it has no
/// version property; the version comes from the agent host (`AgentVersionEntry`).
package struct ProvisioningAgent: Codable, Sendable, Hashable {
    package var id: String
    package var machineName: String?
    package var externalIp: String?
    /// `active` or `inactive` (Graph's examples also write `Active`).
    package var status: String?
    package var supportedPublishingTypes: [String]
    package var agentGroups: [String]
    package var file: String
    package var line: Int

    package var isActive: Bool { status?.lowercased() == "active" }
}

/// One agent host's `AADConnectProvisioningAgent.exe` file version, as saved there (docs/cloud-sync.md).
package struct AgentVersionEntry: Codable, Sendable, Hashable {
    package var machineName: String
    package var version: String
    package var file: String
    package var line: Int
}
