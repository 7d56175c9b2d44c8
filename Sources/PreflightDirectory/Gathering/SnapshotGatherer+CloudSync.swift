import Foundation
import PreflightCloudSync
import PreflightCore
import PreflightEngine

/// Under `topology: cloud-sync`, the Cloud Sync jobs' scoping filters are the directory checks' scope (when `ldap.scope`
/// is not set), exactly as the Connect export's OU filter is under connect-sync: OUs (`containerFilter`) are searched
/// like `ldap.scope`, groups (`groupFilter`) contribute their direct members; Cloud Sync does not follow nested groups
/// (https://learn.microsoft.com/entra/identity/hybrid/cloud-sync/how-to-configure).
extension SnapshotGatherer {
    /// The scope from the saved Cloud Sync jobs, or nil when they do not supply it (no jobs, or `ldap.scope` is set).
    func cloudSyncScope(domainDN: String) throws -> ScopeFacts? {
        guard let jobs = cloudSync, configuration.ldap.scope.isEmpty else { return nil }
        let choice = try DirectoryScopeChoice.choose(domainDN: domainDN, jobs: jobs)
        return ScopeFacts(
            source: .cloudSync, bases: choice.wholeDomain ? [domainDN] : choice.containers, excluded: configuration.ldap.exclude,
            origin: choice.origin, groups: choice.groups)
    }

    /// The users that are direct members of `groups` (by their `member` links; the primary group is no such link, as
    /// for Cloud Sync), each group checked to exist.
    func groupMembers(_ groups: [String], domainDN: String) throws -> [String] {
        var members: [String] = []
        for group in groups {
            guard try connection.readEntry(dn: group, attributes: ["objectClass"], sdFlags: nil) != nil else {
                throw ProbeError(
                    "The Cloud Sync scoping group '\(group)' was not found (or the bind account may not read it), so its members, "
                        + "who are in writeback's scope, cannot be judged. Check the group's distinguished name in the job's schema "
                        + "(a renamed or moved group keeps its old name there) or the bind account's read access.")
            }
            try search(
                domainDN, filter: "(&\(Self.userFilter)(memberOf=\(ldapFilterEscape(group))))", attributes: ["1.1"], sdFlags: nil
            ) { entry in if !members.contains(entry.dn) { members.append(entry.dn) } }
        }
        return members
    }
}

extension ScopeFacts {
    /// Whether an explicit exclusion (`ldap.exclude`) covers `dn`: group members are in scope wherever they are, except there.
    func excludes(_ dn: String) -> Bool {
        let name = DistinguishedName(dn)
        return excluded.contains { name.isWithin(DistinguishedName($0)) }
    }
}

/// The scope sentence of the directory checks' messages when the Cloud Sync jobs defined it.
enum CloudSyncScopeSentence {
    static func sentence(_ scope: ScopeFacts, bases: String, excluded: String) -> String {
        var parts: [String] = []
        if !scope.bases.isEmpty { parts.append(bases) }
        if let groups = scope.groups, !groups.isEmpty { parts.append("the direct members of \(groups.joined(separator: "; "))") }
        return " Scope (from the Cloud Sync scoping filters, \(scope.origin ?? "")): \(parts.joined(separator: " and "))\(excluded)."
    }
}
