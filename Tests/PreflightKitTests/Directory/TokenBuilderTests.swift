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

/// The token builder over recorded directory answers (the shapes the lab DC returns; the real DC proves the
/// verdicts in LogonTokenScenarioTests).
@Suite("Logon token builder")
struct TokenBuilderTests {
    static let base = "DC=corp,DC=example,DC=test"
    static let domain = SID(string: "S-1-5-21-1111111111-2222222222-3333333333")!
    static func sid(_ rid: UInt32) -> SID { domain.appending(rid: rid)! }
    static func dn(_ cn: String, _ container: String = "CN=Users") -> String { "CN=\(cn),\(container),\(base)" }
    static let security: Int64 = -2_147_483_646  // global security group
    static let distribution: Int64 = 2  // global distribution group
    static let authenticatedUsersFSP = dn("S-1-5-11", "CN=ForeignSecurityPrincipals")
    static let preW2k = dn("Pre-Windows 2000 Compatible Access", "CN=Builtin")

    /// Answers the builder's questions from a fixed set of objects, as a reader would see them.
    struct RecordedDirectory: MembershipReader {
        var objects: [MembershipRecord]
        var inChain: [MembershipRecord] = []

        func records(_ dns: [String]) throws -> [String: MembershipRecord] {
            let wanted = Set(dns.map { DistinguishedName($0).key })
            return Dictionary(
                objects.filter { wanted.contains(DistinguishedName($0.dn).key) }.map { (DistinguishedName($0.dn).key, $0) },
                uniquingKeysWith: { first, _ in first })
        }
        func record(sid: SID) throws -> MembershipRecord? { objects.first { $0.sid == sid } }
        func foreignPrincipals(_ sids: [SID]) throws -> [MembershipRecord] {
            objects.filter { record in record.sid.map(sids.contains) ?? false && record.dn.contains("ForeignSecurityPrincipals") }
        }
        func groupsInChain(containing dn: String) throws -> [MembershipRecord] { inChain }
    }

    static func group(_ cn: String, _ rid: UInt32, type: Int64? = security, memberOf: [String] = []) -> MembershipRecord {
        MembershipRecord(dn: dn(cn), sid: sid(rid), groupType: type, memberOf: memberOf)
    }

    /// Authenticated Users is in Pre-Windows 2000 Compatible Access and in a domain-local group, itself nested once more.
    static let logonObjects = [
        MembershipRecord(dn: authenticatedUsersFSP, sid: .authenticatedUsers, groupType: nil, memberOf: [preW2k, dn("AllStaff")]),
        MembershipRecord(dn: preW2k, sid: SID(string: "S-1-5-32-554"), groupType: -2_147_483_643, memberOf: []),
        group("AllStaff", 1300, type: -2_147_483_644, memberOf: [dn("AllStaffOuter")]),
        group("AllStaffOuter", 1301, type: -2_147_483_644),
        group("Domain Users", 513),
    ]

    func build(
        _ objects: [MembershipRecord], memberOf: [String] = [], primary: UInt32? = 513, tokenGroups: [SID] = [],
        inChain: [MembershipRecord] = [], otherDomains: Int = 0
    ) throws -> LogonToken {
        let builder = TokenBuilder(
            reader: RecordedDirectory(objects: objects + Self.logonObjects, inChain: inChain), domainDN: Self.base,
            domainSID: Self.domain, otherDomainsInForest: otherDomains)
        return try builder.build(
            TokenBuilder.Account(dn: Self.dn("MSOL_x"), sid: Self.sid(1200), primaryGroupID: primary, memberOf: memberOf, tokenGroups: tokenGroups))
    }

    func origin(_ token: LogonToken, _ sid: SID?) -> LogonToken.Origin? {
        token.entries.first { $0.sid == sid }?.origin
    }

    @Test func fromTokenGroupsTheLogonSIDsAndTheAliasesHoldingThemAreAdded() throws {
        let token = try build([], tokenGroups: [Self.sid(513), SID(string: "S-1-5-32-545")!])
        #expect(token.source == .tokenGroups)
        #expect(origin(token, Self.sid(1200)) == .account)
        #expect(origin(token, Self.sid(513)) == .tokenGroups)
        for sid in LogonToken.logonSIDs { #expect(origin(token, sid) == .logon) }
        #expect(origin(token, SID(string: "S-1-5-32-554")) == .logonAlias)
        #expect(origin(token, Self.sid(1300)) == .logonAlias)
        #expect(origin(token, Self.sid(1301)) == .logonAlias, "nested once more: transitive")
        #expect(token.entries.first { $0.sid == Self.sid(1300) }?.via == "NT AUTHORITY\\Authenticated Users")
        #expect(token.unknowns.isEmpty)
    }

    @Test func reconstructedTheGroupsHoldingThePrimaryGroupCount() throws {
        let objects = [
            Self.group("SyncPrimary", 1133, memberOf: [Self.dn("SyncPrimaryOuter")]),
            Self.group("SyncPrimaryOuter", 1134),
        ]
        let token = try build(objects, primary: 1133)
        #expect(token.source == .reconstructed)
        #expect(origin(token, Self.sid(1133)) == .primaryGroup)
        #expect(origin(token, Self.sid(1134)) == .membership)
        #expect(token.entries.first { $0.sid == Self.sid(1134) }?.via == Self.dn("SyncPrimary"))
        #expect(origin(token, SID(string: "S-1-5-32-554")) == .logonAlias)
        #expect(token.unknowns.isEmpty)
    }

    @Test func distributionGroupsAndWhatTheyAreIn() throws {
        let objects = [
            Self.group("Dist", 1400, type: Self.distribution, memberOf: [Self.dn("BehindDist"), Self.dn("BothWays")]),
            Self.group("BehindDist", 1401),
            Self.group("Sec", 1402, memberOf: [Self.dn("BothWays")]),
            Self.group("BothWays", 1403),
        ]
        let token = try build(objects, memberOf: [Self.dn("Dist"), Self.dn("Sec")], primary: nil)
        #expect(origin(token, Self.sid(1400)) == nil, "a distribution group is never in a token")
        #expect(origin(token, Self.sid(1401)) == nil, "nor a group reached only through one")
        #expect(origin(token, Self.sid(1402)) == .membership)
        #expect(origin(token, Self.sid(1403)) == .membership, "reached through a security group too")
        // The in-chain rule follows distribution groups as well: what it finds behind one is not a gap in the walk.
        let withChain = try build(objects, memberOf: [Self.dn("Dist")], primary: nil, inChain: [objects[1]])
        #expect(withChain.unknowns.isEmpty)
    }

    @Test func whatTheReaderCannotReadIsUndecidedNotAbsent() throws {
        let objects = [Self.group("Opaque", 1500, type: nil), Self.group("Seen", 1501)]
        let token = try build(
            objects, memberOf: [Self.dn("Opaque"), Self.dn("Hidden")], primary: nil,
            inChain: [Self.group("Seen", 1501), Self.group("Hidden2", 1502)])
        #expect(origin(token, Self.sid(1500)) == nil)
        #expect(token.unknowns.contains { $0.scope == .sid && $0.sid == Self.sid(1500) && $0.reason.contains("groupType") })
        #expect(token.unknowns.contains { $0.scope == .anyGroupOfThisDomain && $0.reason.contains("CN=Hidden,") })
        #expect(token.unknowns.contains { $0.scope == .sid && $0.sid == Self.sid(1501) && $0.reason.contains("cannot read") })
        #expect(token.doubt(about: Self.sid(1500), domain: Self.domain) != nil)
        #expect(token.doubt(about: SID(string: "S-1-5-32-548")!, domain: Self.domain) != nil, "an unreadable group may be an alias")
        #expect(token.doubt(about: SID(string: "S-1-5-21-9-9-9-1000")!, domain: Self.domain) == nil)
    }

    @Test func otherDomainsOfTheForestLeaveTheirGroupsUndecidedOnlyWhenReconstructed() throws {
        let other = SID(string: "S-1-5-21-9-9-9-1000")!
        let reconstructed = try build([], otherDomains: 1)
        #expect(reconstructed.doubt(about: other, domain: Self.domain)?.contains("1 other domain") == true)
        #expect(reconstructed.doubt(about: Self.sid(1000), domain: Self.domain) == nil)
        let fromTokenGroups = try build([], tokenGroups: [Self.sid(513)], otherDomains: 1)
        #expect(fromTokenGroups.unknowns.isEmpty)
        let outside = try build([], memberOf: ["CN=U,CN=Users,DC=emea,DC=example,DC=test"], primary: nil)
        #expect(outside.unknowns.contains { $0.scope == .anyOtherDomain && $0.reason.contains("DC=emea") })
    }

    @Test func aDoubtfulACEOnlyMattersWhenItCouldTurnTheDecision() throws {
        let doubtful = Self.sid(1500)
        let account = Self.sid(1200)
        let right = WritebackRight.resetPassword.right
        func ace(_ type: ACEType, _ sid: SID) -> ACE {
            ACE(type: type, flags: [], mask: .controlAccess, objectType: ExtendedRightGUID.resetPassword, inheritedObjectType: nil, sid: sid)
        }
        func doubt(_ aces: [ACE]) -> DecisionDoubt? {
            let dacl = DACLState.acl(ACL(aces: aces))
            let decision = checkAccess(right, dacl: dacl, token: [account], objectClass: ClassGUID.user, principalSelf: nil)
            return doubtAbout(decision, right, dacl: dacl, objectClass: ClassGUID.user, principalSelf: nil) { $0 == doubtful ? "unreadable" : nil }
        }
        #expect(doubt([ace(.accessDeniedObject, doubtful), ace(.accessAllowedObject, account)])?.reason == "unreadable")
        #expect(doubt([ace(.accessAllowedObject, account), ace(.accessDeniedObject, doubtful)]) == nil, "after the deciding ACE")
        #expect(doubt([ace(.accessAllowedObject, doubtful), ace(.accessAllowedObject, account)]) == nil, "same outcome either way")
        #expect(doubt([ace(.accessAllowedObject, doubtful)]) != nil, "the only grant is doubtful")
        #expect(doubt([]) == nil)
    }
}
