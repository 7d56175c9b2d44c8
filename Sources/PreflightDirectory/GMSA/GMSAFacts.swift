import PreflightCore

/// Which side of the agent's gMSA a check judges (AD-017, AD-018).
package enum GMSAAspect: String, Codable, Sendable, CaseIterable {
    /// AD-017: who may retrieve the password (`msDS-GroupMSAMembership`).
    case passwordReaders = "password-readers"
    /// AD-018: the object's own DACL, against what `Set-AADCloudSyncRestrictedPermissions` leaves.
    case hardening
}

/// What AD-017 and AD-018 read of the connector account when it is a group managed service account: the security
/// descriptor naming who may retrieve its password, the object's own DACL, and every trustee of either, resolved.
/// https://learn.microsoft.com/entra/identity/hybrid/cloud-sync/gmsa-cloud-sync
package struct GMSAFacts: Codable, Sendable, Hashable {
    package var dn: String
    /// False when the account is no `msDS-GroupManagedServiceAccount`; nothing else is read then.
    package var isGMSA: Bool
    /// The DACL of `msDS-GroupMSAMembership`: its allow ACEs name who may retrieve the password. nil when unreadable.
    package var passwordReaders: DACLState?
    package var passwordReadersUnreadable: String?
    /// The object's own DACL (all ACEs, in order), nil when unreadable.
    package var objectDACL: DACLState?
    package var daclProtected: Bool = false
    package var objectDACLUnreadable: String?
    /// The trustees of both, each once, resolved in the domain.
    package var principals: [GMSAPrincipal] = []
    /// The provisioning agents' machine names from `cloudSync.agents` (Graph's `onPremisesAgent.machineName`): AD-017 then
    /// tells the agent hosts from other computers. nil when the agents are not configured or could not be read.
    package var agentMachines: [String]?
    /// Why `cloudSync.agents` could not be read, for AD-017's message.
    package var agentMachinesUnreadable: String?

    package init(dn: String, isGMSA: Bool) {
        self.dn = dn
        self.isGMSA = isGMSA
    }

    func principal(_ sid: SID?) -> GMSAPrincipal? { principals.first { $0.sid == sid } }
}

/// A trustee as the domain knows it.
package struct GMSAPrincipal: Codable, Sendable, Hashable {
    package enum Kind: String, Codable, Sendable {
        case computer
        /// A gMSA or sMSA: a service account, not a host.
        case serviceAccount = "service-account"
        case user, group
        /// A well-known or BUILTIN SID with no object in the domain (Everyone, Authenticated Users, SYSTEM, …).
        case wellKnown = "well-known"
        /// A foreignSecurityPrincipal: a SID of another forest, or a well-known SID made a group member.
        case foreign
        /// No object with this SID was found: another domain's, or a deleted account.
        case unresolved
    }

    package var sid: SID
    package var name: String
    package var dn: String?
    package var kind: Kind
    /// A group's members, nested ones included (the DC's in-chain match), each with its kind; nil unless a group.
    package var members: [GMSAMember]?
    /// A computer's `dNSHostName` and whether it is a domain controller (`primaryGroupID` 516 or 521).
    package var host: GMSAHost?
}

/// What AD-017 needs of a computer account to tell an agent host from another computer.
package struct GMSAHost: Codable, Sendable, Hashable {
    package var dnsHostName: String?
    package var isDomainController: Bool
}

/// One member of a group, found through nesting or directly.
package struct GMSAMember: Codable, Sendable, Hashable {
    package var dn: String
    package var name: String
    package var kind: GMSAPrincipal.Kind
    /// A foreignSecurityPrincipal's SID (its `cn`), e.g. S-1-5-11 for Authenticated Users.
    package var sid: SID?
    /// A computer's host name and role, as `GMSAPrincipal.host`.
    package var host: GMSAHost?
}
