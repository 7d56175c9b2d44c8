import Foundation
import PreflightCore

/// Everything the directory checks judge, gathered once per run over LDAP.
///
/// Only ACEs whose trustee is in the connector account's token are kept: the others cannot affect
/// its access, so the judgement stays exact while a 100k-user snapshot stays small.
package struct DirectorySnapshot: Codable, Sendable, Hashable {
    package var server: ServerFacts
    package var domain: DomainFacts
    package var account: AccountFacts
    package var scope: ScopeFacts
    /// OUs and containers from the scope up to the domain root, for "inherited from" and "inheritance disabled at".
    package var containers: [ContainerFacts]
    package var users: [UserFacts]
    var passwordPolicies: [PasswordPolicyFacts] = []
    /// In-scope users per protected group (MS-ADTS 3.1.1.6.1.2), by group name.
    var protectedGroupMembers: [String: [String]] = [:]
    /// Which synchronization the account serves: Cloud Sync's permission set and repair cmdlet differ from Connect's.
    package var topology: Topology = .connectSync
    /// The samServer object and the Builtin container (AD-014, AD-015).
    package var prerequisites: [PrerequisiteObject] = []
    /// Wall time of the LDAP work, for the evidence.
    var gatherMilliseconds: Int = 0
}

package struct ServerFacts: Codable, Sendable, Hashable {
    package var url: String
    var dnsHostName: String?
    var supportedControls: [String]
    /// nil when the DC did not say (then AD-012 cannot decide).
    var isReadOnly: Bool?
    var domainControllerFunctionality: Int?
}

package struct DomainFacts: Codable, Sendable, Hashable {
    package var dn: String
    package var sid: SID
    package var dnsName: String
    package var netbiosName: String?
    /// minPwdAge as stored: a negative count of 100-ns intervals; 0 means no minimum.
    var minPwdAge: Int64?
    /// The domain root's own DACL, filtered to the account's token (for Unexpire Password).
    var rootDACL: DACLState
}

package struct AccountFacts: Codable, Sendable, Hashable {
    package enum Source: String, Codable, Sendable {
        case configured = "ldap.account"
        case connectExport = "Entra Connect export (forest-login-user)"
        case bindAccount = "bind account"
        /// Cloud Sync's provisioning agent runs as this gMSA unless a custom one was chosen.
        case cloudSyncDefault = "Cloud Sync default gMSA (provAgentgMSA$)"
    }

    package var source: Source
    var requested: String
    package var dn: String
    var samAccountName: String
    package var sid: SID
    /// The token a DC builds for it at a network logon, SID by SID with the origin of each.
    var logonToken: LogonToken
    var groupNames: [String: String] = [:]
    var userAccountControl: Int
    var lockoutTime: Int64?
    var accountExpires: Int64?
    var privilegedGroups: [String]
    /// True when the bind account is this account: the DC's own answers (allowedAttributesEffective) then
    /// speak for it, and the directory checks cross-check their verdicts with them.
    var isBindAccount: Bool = false

    /// The groups and aliases in the token (not the account itself nor the logon SIDs).
    package var groups: [SID] {
        logonToken.entries.filter { $0.origin != .account && $0.origin != .logon }.map(\.sid)
    }

    /// The SIDs a network logon of this account carries.
    package var token: Set<SID> { logonToken.sids }

    /// Why a trustee might be in the token though the reader could not show it; nil when surely not.
    func doubt(about sid: SID, domain: SID) -> String? { logonToken.doubt(about: sid, domain: domain) }
}

package struct ScopeFacts: Codable, Sendable, Hashable {
    package enum Source: String, Codable, Sendable {
        case configured = "ldap.scope"
        case connectExport = "Entra Connect export (OU inclusions and exclusions)"
        case wholeDomain = "the whole domain (no ldap.scope)"
        /// The scoping filters of the Cloud Sync jobs (topology cloud-sync).
        case cloudSync = "Cloud Sync scoping filters (OUs and groups of the synchronization jobs)"
    }

    package var source: Source
    package var bases: [String]
    package var excluded: [String]
    /// Which connector and partition of which export defined the scope, when it came from one.
    package var origin: String?
    /// Groups whose direct members are in scope as well (Cloud Sync's group scoping); nil or empty for none.
    package var groups: [String]?

    /// In scope when the most specific matching container is an inclusion (see ``ScopeMatcher``).
    package func contains(_ dn: String) -> Bool { ScopeMatcher(self).contains(DistinguishedName(dn)) }
}

package struct ContainerFacts: Codable, Sendable, Hashable {
    package var dn: String
    /// The RDN value as stored (the `ou` or `cn` attribute).
    package var name: String
    var isOrganizationalUnit: Bool
    var daclProtected: Bool
    /// ACEs for the account's token, in DACL order.
    var aces: [ACE]
}

package struct UserFacts: Codable, Sendable, Hashable {
    package var dn: String
    package var sid: SID?
    package var objectClass: GUID
    package var adminCount: Int
    var userAccountControl: Int
    var daclProtected: Bool
    /// The user's own DACL (inherited ACEs included, as the DC stores it), filtered to the account's token.
    var dacl: DACLState
    /// Why the DACL could not be judged (missing or unparsable security descriptor); such a user is never "granted".
    package var unreadable: String?
    /// The DC's own answer, `allowedAttributesEffective`, read when the bind account is the connector account:
    /// the lower-cased names of the writeback attributes it lists (nil when not read).
    var dcWritableAttributes: Set<String>?
    /// The user's `userPrincipalName`, the key the report's per-user readiness joins the directory's findings to the tenant
    /// exports' users by (nil when the user has none, or in facts saved before it was read).
    package var upn: String? = nil
    /// The user's `mS-DS-ConsistencyGuid`, else `objectGUID`: Entra's `onPremisesImmutableId` in base64, the second key
    /// readiness joins by (nil when the DC returned neither, or in facts saved before it was read).
    package var sourceAnchor: GUID? = nil
    /// The user's `sAMAccountName`, by which `preflight why` finds them (nil in facts saved before it was read).
    package var samAccountName: String? = nil

    var isInetOrgPerson: Bool { objectClass == ClassGUID.inetOrgPerson }
}

package struct PasswordPolicyFacts: Codable, Sendable, Hashable {
    package var dn: String
    package var name: String
    var precedence: Int?
    /// nil when the bind account may not read the policy's settings (PSOs are often admin-only).
    var minimumPasswordAge: Int64?
    /// In-scope users this policy is the resultant policy for (the DC's own `msDS-ResultantPSO`).
    var appliesToUsers: [String]
}
