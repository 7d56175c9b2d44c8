import Foundation
import PreflightCore

/// The scope a domain's directory checks judge under `topology: cloud-sync`: the scoping filters of the
/// AD2AADProvisioning jobs that serve that domain, as the Connect export's OU filter does for Connect Sync.
package struct DirectoryScopeChoice: Sendable, Hashable {
    /// OU distinguished names (`containerFilter.includedContainers`); empty with groups only.
    package var containers: [String]
    /// Group distinguished names (`groupFilter.includedGroups`): their direct members are in scope.
    package var groups: [String]
    /// True when a job serving the domain has no scoping filter: every user of the domain is in scope.
    package var wholeDomain: Bool
    /// Which jobs and files the scope came from, for the evidence.
    package var origin: String

    /// Chooses the scope for the domain `domainDN`, or throws why the saved configuration cannot name it (never a guess).
    package static func choose(domainDN: String, jobs facts: CloudSyncJobs) throws -> DirectoryScopeChoice {
        let domain = JobScope.dnsName(of: domainDN).lowercased()
        let provisioning = facts.provisioningJobs
        guard !provisioning.isEmpty else {
            throw ProbeError(
                "The saved Cloud Sync jobs ('cloudSync.jobs') hold no AD2AADProvisioning job, so they name no scope for the directory "
                    + "checks. Save the jobs of the Cloud Sync configuration's service principal, or set 'ldap.scope'.")
        }
        if let missing = provisioning.first(where: { $0.scope == nil }) {
            throw ProbeError(
                "No schema was saved for the Cloud Sync job '\(missing.id)', so its scoping filters (the users writeback serves) are "
                    + "unknown. Save its schema in 'cloudSync.schema' (docs/cloud-sync.md), or set 'ldap.scope'.")
        }
        var containers: [String] = []
        var groups: [String] = []
        var serving: [SyncJob] = []
        var files: [String] = []
        for job in provisioning {
            guard let scope = job.scope else { continue }
            let own = scope.containers.filter { JobScope.dnsName(of: $0).lowercased() == domain }
            let ownGroups = scope.groups.filter { JobScope.dnsName(of: $0).lowercased() == domain }
            guard !own.isEmpty || !ownGroups.isEmpty else { continue }
            containers += own.filter { !containers.contains($0) }
            groups += ownGroups.filter { !groups.contains($0) }
            serving.append(job)
            files.append(scope.file)
        }
        if !serving.isEmpty {
            return DirectoryScopeChoice(
                containers: containers, groups: groups, wholeDomain: false,
                origin: "job\(serving.count == 1 ? "" : "s") \(serving.map { "'\($0.id)'" }.joined(separator: ", ")), \(files.joined(separator: ", "))")
        }
        if let all = provisioning.first(where: { $0.scope?.isAllUsers == true }) {
            return DirectoryScopeChoice(
                containers: [], groups: [], wholeDomain: true,
                origin: "job '\(all.id)' has no scoping filter (all users), \(all.scope?.file ?? all.file)")
        }
        let named = provisioning.flatMap { $0.scope?.domains ?? [] }
        throw ProbeError(
            "No Cloud Sync job scopes an object of the domain '\(domainDN)' (their scoping filters name \(named.isEmpty ? "no domain" : named.joined(separator: ", "))). "
                + "Point 'ldap.url' at a DC of a domain Cloud Sync serves, or set 'ldap.scope'.")
    }
}
