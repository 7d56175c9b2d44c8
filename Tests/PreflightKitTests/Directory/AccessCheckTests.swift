import Foundation
import Testing

@testable import PreflightConnect
@testable import PreflightCore
@testable import PreflightDirectory
@testable import PreflightEngine
@testable import PreflightInventory
@testable import PreflightKit
@testable import PreflightMonitoring
@testable import PreflightNetwork
@testable import PreflightReporting

private let svc = ADSampleFixtures.serviceAccount
private let reset = DirectoryRight.controlAccess(ExtendedRightGUID.resetPassword)
private let change = DirectoryRight.controlAccess(ExtendedRightGUID.changePassword)
private let unexpire = DirectoryRight.controlAccess(ExtendedRightGUID.unexpirePassword)
private let lockoutTime = WritebackRight.writeLockoutTime.right
private let pwdLastSet = WritebackRight.writePwdLastSet.right

private func allow(
    _ mask: AccessMask, _ objectType: GUID? = nil, inherited: GUID? = nil,
    flags: ACEFlags = [], sid: SID = svc
) -> ACE {
    let type: ACEType = objectType == nil && inherited == nil ? .accessAllowed : .accessAllowedObject
    return ACE(type: type, flags: flags, mask: mask, objectType: objectType, inheritedObjectType: inherited, sid: sid)
}

private func deny(_ mask: AccessMask, _ objectType: GUID? = nil, flags: ACEFlags = [], sid: SID = svc) -> ACE {
    let type: ACEType = objectType == nil ? .accessDenied : .accessDeniedObject
    return ACE(type: type, flags: flags, mask: mask, objectType: objectType, sid: sid)
}

@Suite("Access check: rules")
struct AccessCheckRuleTests {
    let token: Set<SID>

    init() throws {
        token = try ADSampleFixtures.serviceToken()
    }

    func check(
        _ right: DirectoryRight, _ aces: [ACE], objectClass: GUID? = ClassGUID.user, principalSelf: SID? = nil
    ) -> AccessDecision {
        checkAccess(
            right, dacl: .acl(ACL(aces: aces)), token: token, objectClass: objectClass, principalSelf: principalSelf)
    }

    @Test func allowViaExplicitObjectACE() {
        let ace = allow(.controlAccess, ExtendedRightGUID.resetPassword)
        let decision = check(reset, [allow(.readProperty, sid: .everyone), ace])
        #expect(decision == AccessDecision(granted: true, reason: .allowedBy(ace), decidingACEIndex: 1))
        #expect(!check(change, [ace]).granted)
    }

    @Test func allowViaInheritedACE() {
        let ace = allow(
            .controlAccess, ExtendedRightGUID.resetPassword, inherited: ClassGUID.user,
            flags: [.containerInherit, .inherited])
        #expect(check(reset, [ace]).reason == .allowedBy(ace))
    }

    @Test func denyBeforeAllowDenies() {
        let denyACE = deny(.controlAccess, ExtendedRightGUID.resetPassword)
        let allowACE = allow(.controlAccess, ExtendedRightGUID.resetPassword, flags: .inherited)
        let aces = [denyACE, allow(.readProperty), allowACE]
        #expect(check(reset, aces) == AccessDecision(granted: false, reason: .deniedBy(denyACE), decidingACEIndex: 0))
        // The deny shadows the allow at index 2: without it, that ACE decides.
        #expect(check(reset, Array(aces.dropFirst())) == AccessDecision(granted: true, reason: .allowedBy(allowACE), decidingACEIndex: 1))
    }

    @Test func allowBeforeDenyAllowsBecauseTheFirstMatchDecides() {
        let aces = [
            allow(.controlAccess, ExtendedRightGUID.resetPassword),
            deny(.controlAccess, ExtendedRightGUID.resetPassword),
        ]
        #expect(check(reset, aces).decidingACEIndex == 0 && check(reset, aces).granted)
        // The deny comes after the deciding allow: it shadows nothing.
        #expect(check(reset, aces).reason == .allowedBy(aces[0]))
    }

    @Test func inheritOnlyACEsAreIgnored() {
        let inheritOnlyDeny = deny(
            .controlAccess, ExtendedRightGUID.resetPassword, flags: [.containerInherit, .inheritOnly])
        let inheritOnlyAllow = allow(
            .controlAccess, ExtendedRightGUID.resetPassword, flags: [.containerInherit, .inheritOnly])
        #expect(check(reset, [inheritOnlyAllow]).reason == .noMatchingAllowACE)
        let decision = check(reset, [inheritOnlyDeny, allow(.controlAccess)])
        #expect(decision.granted && decision.decidingACEIndex == 1)
    }

    @Test func acesForSIDsNotInTheTokenAreIgnored() throws {
        let stranger = try #require(ADSampleFixtures.domain.appending(rid: 4242))
        #expect(check(reset, [allow(.controlAccess, sid: stranger)]).reason == .noMatchingAllowACE)
        #expect(check(reset, [deny(.controlAccess, sid: stranger), allow(.controlAccess)]).decidingACEIndex == 1)
    }

    @Test func groupsFromTokenGroupsAndLogonSIDsMatch() {
        #expect(
            check(reset, [allow(.controlAccess, ExtendedRightGUID.resetPassword, sid: ADSampleFixtures.syncOuter)])
                .granted)
        #expect(check(change, [allow(.controlAccess, ExtendedRightGUID.changePassword, sid: .everyone)]).granted)
        #expect(check(reset, [allow(.controlAccess, sid: .authenticatedUsers)]).granted)
    }

    /// AD grants every extended right and nothing else here; Samba 4.17 wrongly grants property writes too.
    @Test func controlAccessWithoutObjectTypeGrantsAllExtendedRightsButNoPropertyWrites() {
        let variants = [
            ACE(type: .accessAllowedObject, mask: .controlAccess, sid: svc),  // (OA;;CR;;;S)
            ACE(type: .accessAllowedObject, mask: .controlAccess, inheritedObjectType: ClassGUID.user, sid: svc),
            allow(.controlAccess),  // (A;;CR;;;S)
        ]
        for ace in variants {
            #expect(check(reset, [ace]).granted && check(change, [ace]).granted)
            #expect(check(unexpire, [ace], objectClass: ClassGUID.domainDNS).granted)
            #expect(check(pwdLastSet, [ace]).reason == .noMatchingAllowACE)
            #expect(check(lockoutTime, [ace]).reason == .noMatchingAllowACE)
        }
    }

    @Test func genericAllGrantsEverythingAndDeniesEverything() {
        let rights = WritebackRight.all.map(\.right)
        for right in rights {
            #expect(check(right, [allow(.genericAll)]).granted)
            #expect(
                check(right, [deny(.genericAll), allow(.directoryFullControl)]).reason == .deniedBy(deny(.genericAll)))
        }
    }

    @Test func genericWriteGrantsPropertyWritesOnly() {
        let ace = allow(.genericWrite)
        #expect(check(pwdLastSet, [ace]).granted && check(lockoutTime, [ace]).granted)
        #expect(!check(reset, [ace]).granted)
        for readOnly in [allow(.genericRead), allow(.genericExecute)] {
            #expect(!check(pwdLastSet, [readOnly]).granted && !check(reset, [readOnly]).granted)
        }
    }

    @Test func propertySetGrantCoversPwdLastSetButNotLockoutTime() {
        let ace = allow(.writeProperty, PropertySetGUID.userAccountRestrictions)
        #expect(check(pwdLastSet, [ace]).reason == .allowedBy(ace))
        #expect(check(lockoutTime, [ace]).reason == .noMatchingAllowACE)
        // A deny on the set also blocks its members, ahead of a later grant on the attribute.
        let denySet = deny(.writeProperty, PropertySetGUID.userAccountRestrictions)
        #expect(
            check(pwdLastSet, [denySet, allow(.writeProperty, AttributeGUID.pwdLastSet)]).reason == .deniedBy(denySet))
    }

    @Test func attributeGrantCoversOnlyThatAttributeAndOnlyWrites() {
        let ace = allow(.writeProperty, AttributeGUID.lockoutTime)
        #expect(check(lockoutTime, [ace]).granted)
        #expect(!check(pwdLastSet, [ace]).granted)
        // The right bit must match too: WP naming the Reset Password GUID is not Reset Password.
        #expect(!check(reset, [allow(.writeProperty, ExtendedRightGUID.resetPassword)]).granted)
        #expect(!check(lockoutTime, [allow(.readProperty, AttributeGUID.lockoutTime)]).granted)
    }

    @Test func classGUIDObjectTypeCoversTheWholeObjectOfThatClass() {
        let cr = allow(.controlAccess, ClassGUID.user)
        let wp = allow(.writeProperty, ClassGUID.user)
        #expect(check(reset, [cr]).granted && check(lockoutTime, [wp]).granted && check(pwdLastSet, [wp]).granted)
        #expect(!check(reset, [cr], objectClass: ClassGUID.inetOrgPerson).granted)
        #expect(!check(reset, [cr], objectClass: nil).granted)
    }

    @Test func inheritedObjectTypeDoesNotRestrictTheObjectItself() {
        // An effective (non-IO) ACE whose InheritedObjectType names another class still applies here.
        let ace = allow(.controlAccess, ExtendedRightGUID.resetPassword, inherited: ClassGUID.computer)
        #expect(check(reset, [ace]).granted)
    }

    @Test func nullAndEmptyDACLs() {
        let null = checkAccess(reset, dacl: .null, token: token, objectClass: ClassGUID.user, principalSelf: nil)
        #expect(null == AccessDecision(granted: true, reason: .nullDACL, decidingACEIndex: nil))
        let empty = checkAccess(reset, dacl: .acl(ACL(aces: [])), token: [], objectClass: nil, principalSelf: nil)
        #expect(empty == AccessDecision(granted: false, reason: .emptyDACL, decidingACEIndex: nil))
    }

    @Test func principalSelfMatchesOnlyWhenTheRequesterIsTheObject() throws {
        let ace = allow(.controlAccess, ExtendedRightGUID.changePassword, sid: .principalSelf)
        let someoneElse = try #require(ADSampleFixtures.domain.appending(rid: 1200))
        #expect(check(change, [ace], principalSelf: svc).granted)
        #expect(!check(change, [ace], principalSelf: someoneElse).granted)
        #expect(!check(change, [ace], principalSelf: nil).granted)
    }

    @Test func otherACETypesAreIgnored() {
        let callbackDeny = ACE(type: .other(0x0A), mask: .controlAccess, sid: svc)
        let audit = ACE(type: .other(0x07), mask: .controlAccess, objectType: ExtendedRightGUID.resetPassword, sid: svc)
        #expect(check(reset, [callbackDeny, audit, allow(.controlAccess)]).decidingACEIndex == 2)
    }
}

/// Real OU descriptors from the Samba lab (OU=Staff, OU=Pilot and OU=Restricted below it).
@Suite("Access check: real OU samples")
struct AccessCheckSampleTests {
    let token: Set<SID>
    let userRights = [WritebackRight.resetPassword, .changePassword, .writeLockoutTime, .writePwdLastSet]

    init() throws {
        token = try ADSampleFixtures.serviceToken()
    }

    /// The inheritable ACEs a new child of `childClass` receives in effect (MS-DTYP 2.5.3.4.2, simplified):
    /// CI ACEs whose InheritedObjectType is absent or equals the class, minus IO, plus ID. NP copies do not
    /// propagate further (learn.microsoft.com/windows/win32/ad/access-control-inheritance) and, as Samba 4.17
    /// writes them, lose the InheritedObjectType. A real user also gets its class's default SD as explicit ACEs;
    /// those are not modelled here.
    static func effectiveACLOfNewChild(of parent: ACL, childClass: GUID) -> ACL {
        let aces = parent.aces.compactMap { ace -> ACE? in
            guard ace.flags.contains(.containerInherit),
                ace.inheritedObjectType == nil || ace.inheritedObjectType == childClass
            else { return nil }
            let stops = ace.flags.contains(.noPropagateInherit)
            return ACE(
                type: ace.type, flags: stops ? .inherited : [.containerInherit, .inherited], mask: ace.mask,
                objectType: ace.objectType, inheritedObjectType: stops ? nil : ace.inheritedObjectType, sid: ace.sid)
        }
        return ACL(revision: parent.revision, aces: aces)
    }

    func childDecision(_ sample: String, _ query: WritebackRight, childClass: GUID = ClassGUID.user)
        throws -> AccessDecision
    {
        let child = Self.effectiveACLOfNewChild(of: try ADSampleFixtures.acl(sample), childClass: childClass)
        return checkAccess(query.right, dacl: .acl(child), token: token, objectClass: childClass, principalSelf: nil)
    }

    @Test func writebackACEsOnTheOUDoNotApplyToTheOUItself() throws {
        let dacl = try ADSampleFixtures.descriptor("sd-OU_Staff.b64").daclState
        for query in userRights + [.unexpirePassword] {
            let decision = checkAccess(
                query.right, dacl: dacl, token: token, objectClass: ClassGUID.organizationalUnit, principalSelf: nil)
            #expect(decision.reason == .noMatchingAllowACE, "\(query.name)")
        }
        // Domain Admins hold full control on the OU itself (ACE 5, explicit).
        let admins = try #require(ADSampleFixtures.domain.appending(rid: 512))  // Domain Admins
        let adminDecision = checkAccess(
            reset, dacl: dacl, token: [admins, .everyone], objectClass: ClassGUID.organizationalUnit, principalSelf: nil
        )
        #expect(adminDecision.granted && adminDecision.decidingACEIndex == 5)
    }

    @Test func descendantUserOfStaffGetsTheWritebackRights() throws {
        for query in userRights {
            let decision = try childDecision("sd-OU_Staff.b64", query)
            #expect(decision.granted, "\(query.name)")
            guard case .allowedBy(let ace) = decision.reason else { continue }
            #expect(ace.sid == svc && ace.isInherited && ace.inheritedObjectType == ClassGUID.user)
        }
        // Unexpire Password belongs on the domain root and is not granted here.
        #expect(try childDecision("sd-OU_Staff.b64", .unexpirePassword).reason == .noMatchingAllowACE)
    }

    @Test func descendantInetOrgPersonGetsNothingFromUserScopedACEs() throws {
        for query in userRights {
            let decision = try childDecision("sd-OU_Staff.b64", query, childClass: ClassGUID.inetOrgPerson)
            #expect(decision.reason == .noMatchingAllowACE, "\(query.name)")
        }
    }

    @Test func descendantUserOfPilotGetsRightsThroughTheNestedGroupToo() throws {
        for query in userRights {
            #expect(try childDecision("sd-OU_Pilot_OU_Staff.b64", query).granted, "\(query.name)")
        }
        let consistencyGuid = try #require(GUID(string: "23773dc2-b63a-11d2-90e1-00c04fd91ab1"))
        let child = Self.effectiveACLOfNewChild(
            of: try ADSampleFixtures.acl("sd-OU_Pilot_OU_Staff.b64"), childClass: ClassGUID.user)
        let decision = checkAccess(
            .writeProperty(consistencyGuid, propertySet: nil), dacl: .acl(child), token: token,
            objectClass: ClassGUID.user, principalSelf: nil)
        guard case .allowedBy(let ace) = decision.reason else {
            Issue.record("expected an allow, got \(decision)")
            return
        }
        #expect(ace.sid == ADSampleFixtures.syncOuter)
    }

    @Test func descendantUserOfRestrictedIsDeniedResetDespiteTheInheritedGrant() throws {
        let decision = try childDecision("sd-OU_Restricted_OU_Staff.b64", .resetPassword)
        #expect(!decision.granted && decision.decidingACEIndex == 0)
        guard case .deniedBy(let denyACE) = decision.reason else {
            Issue.record("expected a deny, got \(decision)")
            return
        }
        #expect(denyACE.type == .accessDeniedObject && denyACE.sid == svc)

        let child = Self.effectiveACLOfNewChild(
            of: try ADSampleFixtures.acl("sd-OU_Restricted_OU_Staff.b64"), childClass: ClassGUID.user)
        // The ACEs after the deny that would grant Reset Password on their own: the deny shadows them.
        let shadowed = child.aces.dropFirst(1).filter {
            checkAccess(reset, dacl: .acl(ACL(aces: [$0])), token: token, objectClass: ClassGUID.user, principalSelf: nil).granted
        }
        #expect(shadowed.count == 1)
        #expect(shadowed.first?.objectType == ExtendedRightGUID.resetPassword)
        #expect(shadowed.first?.type == .accessAllowedObject)
        // The deny is specific to Reset Password: the other writeback rights still come through.
        for query in [WritebackRight.changePassword, .writeLockoutTime, .writePwdLastSet] {
            #expect(try childDecision("sd-OU_Restricted_OU_Staff.b64", query).granted, "\(query.name)")
        }
    }

    @Test func decisionsAreCodableForReports() throws {
        let decision = try childDecision("sd-OU_Restricted_OU_Staff.b64", .resetPassword)
        let data = try JSONEncoder().encode(decision)
        #expect(try JSONDecoder().decode(AccessDecision.self, from: data) == decision)
    }
}
