import PreflightCore

/// Decides one right for one user and, when it is missing, says why in terms an AD admin can act on.
package struct RightsJudge: Sendable {
    package let snapshot: DirectorySnapshot
    private let token: Set<SID>
    private let containers: [DistinguishedName: ContainerFacts]

    package init(_ snapshot: DirectorySnapshot) {
        self.snapshot = snapshot
        token = snapshot.account.token
        containers = Dictionary(
            snapshot.containers.map { (DistinguishedName($0.dn), $0) }, uniquingKeysWith: { first, _ in first })
    }

    /// Why a right is missing; each case names what to change.
    package enum Cause: Sendable, Hashable {
        /// A deny ACE decided; `origin` is the container it was inherited from (nil when explicit on the user).
        case denied(ace: ACE, origin: String?)
        /// The user is protected (adminCount=1, DACL protected): SDProp rewrites its DACL from AdminSDHolder.
        case protectedAccount(grantedAt: String?)
        /// Inheritance is disabled on the user object itself, and a grant above does not reach it.
        case userInheritanceDisabled(grantedAt: String?)
        /// Inheritance is disabled on a container between the user and the grant.
        case inheritanceBlocked(at: String, grantedAt: String)
        /// A grant above applies to another object class (e.g. `user`, while this is an inetOrgPerson).
        case classMismatch(grantedAt: String, appliesTo: GUID)
        /// The DACL exists but is empty.
        case emptyDACL
        /// Nothing grants the right to the account or any of its groups.
        case noGrant

        package var code: String {
            switch self {
            case .denied(_, let origin): origin == nil ? "denied-explicit" : "denied-inherited"
            case .protectedAccount: "protected-account"
            case .userInheritanceDisabled: "user-inheritance-disabled"
            case .inheritanceBlocked: "inheritance-disabled-above"
            case .classMismatch: "grant-for-other-class"
            case .emptyDACL: "empty-dacl"
            case .noGrant: "no-grant"
            }
        }
    }

    package struct Verdict: Sendable, Hashable {
        package var granted: Bool
        var grantedBy: ACE?
        package var cause: Cause?
        /// Set when a membership the reader could not decide can turn this verdict: then it is no verdict at all.
        var doubt: DecisionDoubt? = nil
    }

    /// Why `sid` may be in the account's token though the token does not show it (nil: surely not, or it is in it).
    func doubt(about sid: SID) -> String? {
        token.contains(sid) ? nil : snapshot.account.doubt(about: sid, domain: snapshot.domain.sid)
    }

    package func judge(_ right: DirectoryRight, for user: UserFacts) -> Verdict {
        var decisions = AccessDecisions()
        return judge(right, for: user, decisions: &decisions)
    }

    /// The same, deciding each distinct DACL once over the users of one judgement.
    func judge(_ right: DirectoryRight, for user: UserFacts, decisions: inout AccessDecisions) -> Verdict {
        let outcome = decisions.outcome(right, for: user, token: token) {
            let decision = checkAccess(right, dacl: user.dacl, token: token, objectClass: user.objectClass, principalSelf: user.sid)
            return AccessDecisions.Outcome(
                decision: decision,
                doubt: doubtAbout(decision, right, dacl: user.dacl, objectClass: user.objectClass, principalSelf: user.sid, doubt: doubt))
        }
        var verdict = verdict(for: outcome.decision, right, user)
        verdict.doubt = outcome.doubt
        return verdict
    }

    private func verdict(for decision: AccessDecision, _ right: DirectoryRight, _ user: UserFacts) -> Verdict {
        switch decision.reason {
        case .nullDACL: return Verdict(granted: true, grantedBy: nil, cause: nil)
        case .allowedBy(let ace): return Verdict(granted: true, grantedBy: ace, cause: nil)
        case .emptyDACL: return Verdict(granted: false, grantedBy: nil, cause: .emptyDACL)
        case .deniedBy(let ace):
            return Verdict(granted: false, grantedBy: nil, cause: .denied(ace: ace, origin: ace.isInherited ? origin(of: ace, above: user.dn) : nil))
        case .noMatchingAllowACE:
            return Verdict(granted: false, grantedBy: nil, cause: missingGrantCause(right, user))
        }
    }

    /// The nearest container above `dn` that holds `ace` explicitly (the ACE's source of inheritance).
    func origin(of ace: ACE, above dn: String) -> String? {
        for ancestor in DistinguishedName(dn).lineage.dropFirst() {
            guard let container = containers[ancestor] else { continue }
            if container.aces.contains(where: { !$0.isInherited && Self.sameGrant($0, ace) }) { return container.dn }
        }
        return nil
    }

    static func sameGrant(_ a: ACE, _ b: ACE) -> Bool {
        a.type == b.type && a.mask == b.mask && a.objectType == b.objectType && a.sid == b.sid
            && a.inheritedObjectType == b.inheritedObjectType
    }

    /// Walks up from the user: is there an inheritable grant above that something stops?
    private func missingGrantCause(_ right: DirectoryRight, _ user: UserFacts) -> Cause {
        var blockedAt: String?
        for ancestor in DistinguishedName(user.dn).lineage.dropFirst() {
            guard let container = containers[ancestor] else { continue }
            if let grant = inheritableGrant(right, in: container) {
                if let applies = grant.inheritedObjectType, applies != user.objectClass {
                    return .classMismatch(grantedAt: container.dn, appliesTo: applies)
                }
                if user.daclProtected {
                    return user.adminCount > 0 ? .protectedAccount(grantedAt: container.dn) : .userInheritanceDisabled(grantedAt: container.dn)
                }
                if let blockedAt { return .inheritanceBlocked(at: blockedAt, grantedAt: container.dn) }
                // The grant should have been inherited; the DC has not applied it (yet): say so plainly.
                return .noGrant
            }
            if container.daclProtected, blockedAt == nil { blockedAt = container.dn }
        }
        if user.daclProtected, user.adminCount > 0 { return .protectedAccount(grantedAt: nil) }
        return .noGrant
    }

    /// An explicit, inheritable allow ACE on the container that would give `right` to descendant users.
    private func inheritableGrant(_ right: DirectoryRight, in container: ContainerFacts) -> ACE? {
        for ace in container.aces where !ace.isInherited && ace.flags.contains(.containerInherit) {
            guard ace.type == .accessAllowed || ace.type == .accessAllowedObject else { continue }
            // Judge the ACE as if it were inherited onto a user: drop INHERIT_ONLY, keep the rest.
            let copy = ACE(
                type: ace.type, flags: ace.flags.subtracting(.inheritOnly), mask: ace.mask, objectType: ace.objectType,
                inheritedObjectType: ace.inheritedObjectType, sid: ace.sid)
            let objectClass = ace.inheritedObjectType ?? ClassGUID.user
            let decision = checkAccess(
                right, dacl: .acl(ACL(revision: 4, aces: [copy])), token: token, objectClass: objectClass, principalSelf: nil)
            if decision.granted { return ace }
        }
        return nil
    }
}
