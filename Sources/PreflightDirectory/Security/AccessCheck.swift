import Foundation
import PreflightCore

// DACL evaluation for one directory right: MS-DTYP 2.5.3.2 (ordered walk, first decisive ACE wins)
// with the object-type rules of MS-ADTS 5.1.3.3. Deliberately follows the spec where Samba 4.17 does not
// (Samba lets an OA ACE with CR and no object type grant property writes too).

/// A right on a directory object that the access check can answer.
package enum DirectoryRight: Sendable, Hashable, Codable {
    /// An extended right such as Reset Password (RIGHT_DS_CONTROL_ACCESS on the right's GUID).
    case controlAccess(GUID)
    /// Writing one attribute (RIGHT_DS_WRITE_PROPERTY); `propertySet` is the attribute's attributeSecurityGUID.
    case writeProperty(GUID, propertySet: GUID?)
    /// A right on the whole object, such as List contents, Read all properties or Read permissions: an object ACE
    /// covers it only when its object type is the object's class.
    case wholeObject(AccessMask)

    /// The access bit an ACE must carry (after generic mapping) to decide this right.
    var accessBit: AccessMask {
        switch self {
        case .controlAccess: .controlAccess
        case .writeProperty: .writeProperty
        case .wholeObject(let mask): mask
        }
    }

    /// The object types an object ACE may name to cover this right: class (root), property set, leaf.
    func objectTypePath(objectClass: GUID?) -> [GUID] {
        switch self {
        case .controlAccess(let right):
            return [objectClass, right].compactMap { $0 }
        case .writeProperty(let attribute, let propertySet):
            return [objectClass, propertySet, attribute].compactMap { $0 }
        case .wholeObject:
            return [objectClass].compactMap { $0 }
        }
    }
}

/// The outcome of `checkAccess`, with the ACE that decided it for the report's evidence.
package struct AccessDecision: Sendable, Hashable, Codable {
    package enum Reason: Sendable, Hashable, Codable {
        /// The object has no DACL at all, which grants everything.
        case nullDACL
        /// The DACL has no ACEs, which grants nothing.
        case emptyDACL
        case allowedBy(ACE)
        case deniedBy(ACE)
        /// No ACE applied to this requester and right; access is denied by default.
        case noMatchingAllowACE
    }

    package let granted: Bool
    package let reason: Reason
    /// Index of the deciding ACE in the DACL (nil for the three ACE-less reasons).
    let decidingACEIndex: Int?
}

/// Decides whether a requester holding `token` has `right` on an object with `dacl`.
///
/// - Parameters:
///   - token: every SID of the requester (see `LogonToken`).
///   - objectClass: the object's most specific class GUID; ACEs whose object type is that class cover
///     the whole object. Nil means unknown, and such class-scoped ACEs are then not matched.
///   - principalSelf: the object's own SID (objectSid); ACEs for PRINCIPAL_SELF (S-1-5-10) apply when
///     the requester is that object. Nil for objects without an objectSid, such as OUs.
func checkAccess(
    _ right: DirectoryRight, dacl: DACLState, token: Set<SID>, objectClass: GUID?, principalSelf: SID?
) -> AccessDecision {
    guard case .acl(let acl) = dacl else {
        return AccessDecision(granted: true, reason: .nullDACL, decidingACEIndex: nil)
    }
    guard !acl.aces.isEmpty else {
        return AccessDecision(granted: false, reason: .emptyDACL, decidingACEIndex: nil)
    }
    let requester = AccessCheckRequester(token: token, objectClass: objectClass, principalSelf: principalSelf)
    for (index, ace) in acl.aces.enumerated() {
        switch requester.effect(of: ace, on: right) {
        case .allow: return AccessDecision(granted: true, reason: .allowedBy(ace), decidingACEIndex: index)
        case .deny: return AccessDecision(granted: false, reason: .deniedBy(ace), decidingACEIndex: index)
        case nil: continue
        }
    }
    return AccessDecision(granted: false, reason: .noMatchingAllowACE, decidingACEIndex: nil)
}

/// An ACE that could turn `decision` around if the requester held its trustee, which the token leaves in doubt.
package struct DecisionDoubt: Sendable, Hashable {
    var ace: ACE
    package var reason: String
}

/// When the token is not fully known: the first ACE before the deciding one whose trustee the requester may hold
/// (`doubt` gives why) and which would decide the other way. nil when no doubtful membership can change the decision.
func doubtAbout(
    _ decision: AccessDecision, _ right: DirectoryRight, dacl: DACLState, objectClass: GUID?, principalSelf: SID?,
    doubt: (SID) -> String?
) -> DecisionDoubt? {
    guard case .acl(let acl) = dacl else { return nil }
    let decided: ACEEffect = decision.granted ? .allow : .deny
    for ace in acl.aces.prefix(decision.decidingACEIndex ?? acl.aces.count) {
        guard let sid = ace.sid, sid != .principalSelf, let reason = doubt(sid) else { continue }
        let holder = AccessCheckRequester(token: [sid], objectClass: objectClass, principalSelf: principalSelf)
        if let effect = holder.effect(of: ace, on: right), effect != decided { return DecisionDoubt(ace: ace, reason: reason) }
    }
    return nil
}

/// Whether one ACE allows, denies, or says nothing about a right for one requester.
enum ACEEffect: Equatable {
    case allow
    case deny
}

struct AccessCheckRequester {
    let token: Set<SID>
    let objectClass: GUID?
    let principalSelf: SID?

    func effect(of ace: ACE, on right: DirectoryRight) -> ACEEffect? {
        let effect: ACEEffect
        switch ace.type {
        case .accessAllowed, .accessAllowedObject: effect = .allow
        case .accessDenied, .accessDeniedObject: effect = .deny
        case .other: return nil  // audit, alarm, callback, … do not take part in access decisions here
        }
        // INHERIT_ONLY ACEs exist only to be copied to children.
        guard !ace.isInheritOnly, let sid = ace.sid, holds(sid) else { return nil }
        guard ace.mask.mappingGenericRights.contains(right.accessBit) else { return nil }
        // No object type: the ACE covers the whole object. InheritedObjectType only steers inheritance.
        if let objectType = ace.objectType, ace.type == .accessAllowedObject || ace.type == .accessDeniedObject {
            guard right.objectTypePath(objectClass: objectClass).contains(objectType) else { return nil }
        }
        return effect
    }

    private func holds(_ sid: SID) -> Bool {
        if sid == .principalSelf {
            return principalSelf.map(token.contains) ?? false
        }
        return token.contains(sid)
    }
}
