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

/// The judgements on synthetic snapshots: the paths a Samba lab cannot produce (a Windows DC's controls,
/// an RODC, a missing Unexpire grant) and the ones that must never turn into a false "ready".
@Suite("Directory judgements")
struct DirectoryJudgementTests {
    static let domainSID = SID(string: "S-1-5-21-1-2-3")!
    static let accountSID = domainSID.appending(rid: 1103)!
    static let base = "DC=corp,DC=example,DC=com"

    static func grant(_ right: WritebackRight, flags: ACEFlags = [.inherited]) -> ACE {
        switch right.right {
        case .controlAccess(let guid):
            ACE(type: .accessAllowedObject, flags: flags, mask: .controlAccess, objectType: guid, sid: accountSID)
        case .writeProperty(let guid, _):
            ACE(type: .accessAllowedObject, flags: flags, mask: .writeProperty, objectType: guid, sid: accountSID)
        case .wholeObject(let mask):
            ACE(type: .accessAllowed, flags: flags, mask: mask, sid: accountSID)
        }
    }

    static func user(_ name: String, aces: [ACE], unreadable: String? = nil, protected: Bool = false) -> UserFacts {
        UserFacts(
            dn: "CN=\(name),OU=Staff,\(base)", sid: domainSID.appending(rid: 2000), objectClass: ClassGUID.user, adminCount: 0,
            userAccountControl: 512, daclProtected: protected, dacl: .acl(ACL(aces: aces)), unreadable: unreadable)
    }

    static func snapshot(
        users: [UserFacts], controls: [String] = [], readOnly: Bool? = false, rootACEs: [ACE] = [], uac: Int = 512,
        lockout: Int64? = 0, expires: Int64? = 0, policies: [PasswordPolicyFacts] = [], minPwdAge: Int64? = 0,
        containers: [ContainerFacts] = []
    ) -> DirectorySnapshot {
        DirectorySnapshot(
            server: ServerFacts(url: "ldaps://dc1:636", dnsHostName: "dc1.corp.example.com", supportedControls: controls, isReadOnly: readOnly, domainControllerFunctionality: 7),
            domain: DomainFacts(dn: base, sid: domainSID, dnsName: "corp.example.com", netbiosName: "CORP", minPwdAge: minPwdAge, rootDACL: .acl(ACL(aces: rootACEs))),
            account: AccountFacts(
                source: .configured, requested: "MSOL_1", dn: "CN=MSOL_1,CN=Users,\(base)", samAccountName: "MSOL_1", sid: accountSID,
                logonToken: LogonToken(
                    source: .tokenGroups,
                    entries: [LogonToken.Entry(sid: accountSID, origin: .account)] + LogonToken.logonSIDs.map { LogonToken.Entry(sid: $0, origin: .logon) }),
                userAccountControl: uac, lockoutTime: lockout, accountExpires: expires, privilegedGroups: []),
            scope: ScopeFacts(source: .wholeDomain, bases: [base], excluded: []), containers: containers, users: users,
            passwordPolicies: policies)
    }

    @Test func aUserWithAllThreeGrantsPasses() {
        let rights = [WritebackRight.resetPassword, .writeLockoutTime, .writePwdLastSet]
        let s = Self.snapshot(users: [Self.user("alice", aces: rights.map { Self.grant($0) })])
        for right in rights { #expect(DirectoryJudgements.rights(right, missingStatus: .fail, s).status == .pass) }
    }

    @Test func anUnreadableDescriptorIsAnErrorNeverAPass() {
        let s = Self.snapshot(users: [Self.user("bob", aces: [], unreadable: "the DC returned no nTSecurityDescriptor for it.")])
        let evaluation = DirectoryJudgements.rights(.resetPassword, missingStatus: .fail, s)
        #expect(evaluation.status == .error)
        #expect(evaluation.findings.first?.status == .error)
    }

    @Test func aFailureOutranksUnreadableUsers() {
        let s = Self.snapshot(users: [Self.user("bob", aces: [], unreadable: "x"), Self.user("carl", aces: [])])
        let evaluation = DirectoryJudgements.rights(.resetPassword, missingStatus: .fail, s)
        #expect(evaluation.status == .fail)
        #expect(evaluation.findings.map(\.status).sorted { $0.rawValue < $1.rawValue } == [.error, .fail])
    }

    @Test func anEmptyScopeProvesNothing() {
        #expect(DirectoryJudgements.rights(.resetPassword, missingStatus: .fail, Self.snapshot(users: [])).status == .error)
    }

    @Test func aDenyBeforeTheGrantIsExplainedWithItsOrigin() {
        let deny = ACE(type: .accessDeniedObject, flags: [.inherited], mask: .controlAccess, objectType: ExtendedRightGUID.resetPassword, sid: Self.accountSID)
        let explicitDeny = ACE(type: .accessDeniedObject, flags: [.containerInherit, .inheritOnly], mask: .controlAccess, objectType: ExtendedRightGUID.resetPassword, sid: Self.accountSID)
        let ou = ContainerFacts(dn: "OU=Staff,\(Self.base)", name: "Staff", isOrganizationalUnit: true, daclProtected: false, aces: [explicitDeny])
        let s = Self.snapshot(users: [Self.user("carol", aces: [deny, Self.grant(.resetPassword)])], containers: [ou])
        let evaluation = DirectoryJudgements.rights(.resetPassword, missingStatus: .fail, s)
        #expect(evaluation.status == .fail)
        #expect(evaluation.findings.first?.details?["inheritedFrom"] == .string("OU=Staff,\(Self.base)"))
        #expect(evaluation.generatedRemediation?.contains("A deny ACE blocks the right") == true)
    }

    @Test func theChangePasswordCheckOnlyWarns() {
        let s = Self.snapshot(users: [Self.user("dan", aces: [])])
        #expect(DirectoryJudgements.rights(.changePassword, missingStatus: .warn, s).status == .warn)
    }

    @Test func unexpirePasswordMissingOnTheRootWarnsWithTheCommand() {
        let missing = DirectoryJudgements.unexpire(Self.snapshot(users: []))
        #expect(missing.status == .warn)
        #expect(missing.generatedRemediation?.contains(#"dsacls "DC=corp,DC=example,DC=com" /G "CORP\MSOL_1:CA;Unexpire Password""#) == true)
        let granted = DirectoryJudgements.unexpire(
            Self.snapshot(users: [], rootACEs: [ACE(type: .accessAllowedObject, mask: .controlAccess, objectType: ExtendedRightGUID.unexpirePassword, sid: Self.accountSID)]))
        #expect(granted.status == .pass)
    }

    @Test func policyHintsControlPassesWhenEitherOIDIsAdvertised() {
        let oids = ["1.2.840.113556.1.4.2066", "1.2.840.113556.1.4.2239"]
        #expect(DirectoryJudgements.controls(Self.snapshot(users: [], controls: ["1.2.840.113556.1.4.2239"]), required: oids).status == .pass)
        #expect(DirectoryJudgements.controls(Self.snapshot(users: [], controls: ["1.2.840.113556.1.4.2066"]), required: oids).status == .pass)
        #expect(DirectoryJudgements.controls(Self.snapshot(users: [], controls: ["1.2.840.113556.1.4.319"]), required: oids).status == .fail)
    }

    @Test func aReadOnlyDCFailsAndAnUnknownOneCannotDecide() {
        #expect(DirectoryJudgements.writable(Self.snapshot(users: [], readOnly: true)).status == .fail)
        #expect(DirectoryJudgements.writable(Self.snapshot(users: [], readOnly: nil)).status == .error)
        #expect(DirectoryJudgements.writable(Self.snapshot(users: [], readOnly: false)).status == .pass)
    }

    @Test func lockedDisabledAndExpiredAccountsFail() {
        #expect(DirectoryJudgements.account(Self.snapshot(users: [], lockout: 133_000_000_000_000_000)).message.contains("locked out"))
        #expect(DirectoryJudgements.account(Self.snapshot(users: [], uac: 514)).status == .fail)
        // accountExpires 2020-01-01 as a FILETIME.
        let expired = DirectoryJudgements.account(Self.snapshot(users: [], expires: 132_223_104_000_000_000))
        #expect(expired.status == .fail && expired.message.contains("expired on 2020-01-01"))
        // 0 and Int64.max both mean "never expires".
        #expect(DirectoryJudgements.account(Self.snapshot(users: [], expires: Int64.max)).status == .pass)
    }

    @Test func passwordAgeJudgesTheDomainAndEachPolicy() {
        #expect(DirectoryJudgements.passwordAge(Self.snapshot(users: [])).status == .pass)
        #expect(DirectoryJudgements.passwordAge(Self.snapshot(users: [], minPwdAge: nil)).status == .error)
        let zeroPolicy = PasswordPolicyFacts(dn: "CN=p0", name: "p0", precedence: 1, minimumPasswordAge: 0, appliesToUsers: ["CN=a"])
        #expect(DirectoryJudgements.passwordAge(Self.snapshot(users: [], policies: [zeroPolicy])).status == .pass)
        let strict = PasswordPolicyFacts(dn: "CN=p1", name: "p1", precedence: 1, minimumPasswordAge: -864_000_000_000, appliesToUsers: ["CN=a"])
        let evaluation = DirectoryJudgements.passwordAge(Self.snapshot(users: [], policies: [strict]))
        #expect(evaluation.status == .warn && evaluation.findings.first?.message.contains("1 day") == true)
        #expect(evaluation.generatedRemediation?.contains("Set-ADFineGrainedPasswordPolicy -Identity 'p1' -MinPasswordAge 0") == true)
    }

    @Test func ouNamesAreCheckedForEveryReservedCharacter() {
        let names = [" lead", "trail ", "#hash", "a,b", "a+b", "a\"b", "a\\b", "a<b", "a>b", "a;b", "a=b", "a/b", "a\nb", "Fine OU"]
        let containers = names.map { ContainerFacts(dn: "OU=x,\(Self.base)", name: $0, isOrganizationalUnit: true, daclProtected: false, aces: []) }
        let evaluation = DirectoryJudgements.ouNames(Self.snapshot(users: [], containers: containers), reserved: ",+\"\\<>;\n\r=/")
        #expect(evaluation.status == .fail)
        #expect(evaluation.findings.count == names.count - 1)
    }

    @Test func filterValuesAreEscapedPerRFC4515() {
        #expect(ldapFilterEscape(#"OU=Sales\, EMEA (Süd)*"#) == #"OU=Sales\5c, EMEA \28Süd\29\2a"#)
        #expect(ldapFilterEscape(bytes: [0x01, 0x05, 0xff]) == #"\01\05\ff"#)
    }

    @Test func distinguishedNamesSplitOnlyAtUnescapedCommas() {
        let dn = DistinguishedName(#"CN=emea1,OU=Sales\, EMEA,DC=corp,DC=test"#)
        #expect(dn.rdns.count == 4)
        #expect(dn.parent?.leafValue == "Sales, EMEA")
        #expect(DistinguishedName("OU=\\#Hash,DC=corp").leafValue == "#Hash")
        #expect(DistinguishedName("OU=A,DC=Corp").isWithin(DistinguishedName("dc=corp")))
        #expect(!DistinguishedName("OU=A,DC=corp2").isWithin(DistinguishedName("DC=corp")))
    }

    /// AD-014 through BUILTIN\Pre-Windows 2000 Compatible Access alone: it counts only while the token holds the alias.
    @Test func theSamServerGrantToPreWindows2000CompatibleAccessCountsOnlyInTheToken() throws {
        let preW2k = try #require(SID(string: "S-1-5-32-554"))
        let grant = ACE(type: .accessAllowed, flags: [], mask: [.readProperty, .listChildren, .listObject, .readControl], sid: preW2k)
        var snapshot = Self.snapshot(users: [])
        snapshot.prerequisites = [
            PrerequisiteObject(kind: .samServer, dn: "CN=Server,CN=System,\(Self.base)", dacl: .acl(ACL(aces: [grant])))
        ]
        #expect(PrerequisiteJudgement.evaluate(.samServer, snapshot).status == .fail, "the alias is not in this token")
        snapshot.account.logonToken.entries.append(LogonToken.Entry(sid: preW2k, origin: .logonAlias, via: "NT AUTHORITY\\Authenticated Users"))
        let withAlias = PrerequisiteJudgement.evaluate(.samServer, snapshot)
        #expect(withAlias.status == .pass, "\(withAlias.message)")
        #expect(PrerequisiteJudgement.evaluate(.builtin, snapshot).status == .error, "no Builtin object in this snapshot")
    }
}
