import Foundation
import Testing

@testable import PreflightCore
@testable import PreflightDirectory

/// What keeps a 100,000-user snapshot small and quick to judge (`make bench-directory USERS=100000` shows the effect):
/// each distinct security descriptor parsed once, equal DACLs sharing one array, each distinct DACL decided once.
/// Each shortcut must give exactly what the long way gives.
@Suite("Directory at scale")
struct DirectoryAtScaleTests {
    static let domain = DirectoryJudgementTests.domainSID
    /// The connector account of `DirectoryJudgementTests.snapshot`.
    static let account = DirectoryJudgementTests.accountSID
    static let other = domain.appending(rid: 4242)!

    static func reset(_ type: UInt8, flags: UInt8 = 0x10, sid: SID = account) -> [UInt8] {
        SecurityDescriptorBuilder.ace(type: type, flags: flags, mask: 0x100, objectType: ExtendedRightGUID.resetPassword, sid: sid)
    }

    /// What the gatherer does with a descriptor: parse it and keep the ACEs for the account.
    static func parse(_ bytes: [UInt8]) throws -> SnapshotGatherer.ParsedDACL {
        let descriptor = try SecurityDescriptor(bytes: bytes)
        guard case .acl(let acl) = descriptor.daclState else { return .init(dacl: nil, protected: descriptor.isDaclProtected) }
        return .init(dacl: .acl(ACL(revision: acl.revision, aces: acl.aces.filter { $0.sid == account })), protected: descriptor.isDaclProtected)
    }

    static func storage(_ state: DACLState?) -> UInt? {
        guard case .acl(let acl)? = state else { return nil }
        return acl.aces.withUnsafeBufferPointer { UInt(bitPattern: $0.baseAddress) }
    }

    @Test func aDescriptorSeenBeforeIsNotParsedAgainAndGivesWhatParsingGives() throws {
        let cache = DescriptorCache()
        let bytes = SecurityDescriptorBuilder.descriptor(dacl: SecurityDescriptorBuilder.acl([Self.reset(5), Self.reset(5, sid: Self.other)]))
        var parses = 0
        let first = try cache.dacl(bytes, selfMatches: false) { parses += 1; return try Self.parse(bytes) }
        let again = try cache.dacl(Array(bytes), selfMatches: false) { parses += 1; return try Self.parse(bytes) }
        #expect(parses == 1)
        let byHand = try Self.parse(bytes)
        #expect(first.dacl == again.dacl && first.dacl == byHand.dacl)
        #expect(Self.storage(first.dacl) == Self.storage(again.dacl))
        // The account itself keeps its PRINCIPAL_SELF ACEs: another entry, parsed on its own.
        _ = try cache.dacl(bytes, selfMatches: true) { parses += 1; return try Self.parse(bytes) }
        #expect(parses == 2)
    }

    @Test func differentDescriptorsWithTheSameRelevantACEsShareOneArray() throws {
        let cache = DescriptorCache()
        let a = SecurityDescriptorBuilder.descriptor(dacl: SecurityDescriptorBuilder.acl([Self.reset(5)]))
        let b = SecurityDescriptorBuilder.descriptor(dacl: SecurityDescriptorBuilder.acl([Self.reset(5, sid: Self.other), Self.reset(5)]))
        let first = try cache.dacl(a) { try Self.parse(a) }
        let second = try cache.dacl(b) { try Self.parse(b) }
        #expect(first.dacl == second.dacl)
        #expect(Self.storage(first.dacl) == Self.storage(second.dacl))
        // A different relevant DACL is not confused with it.
        let c = SecurityDescriptorBuilder.descriptor(dacl: SecurityDescriptorBuilder.acl([Self.reset(6), Self.reset(5)]))
        let third = try cache.dacl(c) { try Self.parse(c) }
        #expect(third.dacl != first.dacl)
        #expect(Self.storage(third.dacl) != Self.storage(first.dacl))
    }

    @Test func aDescriptorThatFailsToParseIsNotRememberedAndFailsEachTime() {
        let cache = DescriptorCache()
        let truncated = Array(SecurityDescriptorBuilder.oneACE(Self.reset(5)).dropLast(3))
        var parses = 0
        for _ in 0..<2 {
            #expect(throws: SecurityParseError.self) { _ = try cache.dacl(truncated) { parses += 1; return try Self.parse(truncated) } }
        }
        #expect(parses == 2)
    }

    @Test func theCacheStaysBoundedWhenEveryDescriptorDiffers() throws {
        let cache = DescriptorCache()
        var parses = 0
        func descriptor(_ n: Int) -> [UInt8] {
            SecurityDescriptorBuilder.descriptor(dacl: SecurityDescriptorBuilder.acl([Self.reset(5, sid: Self.domain.appending(rid: UInt32(5000 + n))!)]))
        }
        for n in 0...DescriptorCache.capacity { _ = try cache.dacl(descriptor(n)) { parses += 1; return try Self.parse(descriptor(n)) } }
        #expect(parses == DescriptorCache.capacity + 1)
        _ = try cache.dacl(descriptor(0)) { parses += 1; return try Self.parse(descriptor(0)) }
        #expect(parses == DescriptorCache.capacity + 2, "the first descriptor was forgotten when the cache started over")
    }

    @Test func decidingEachDistinctDACLOnceGivesEveryUserTheVerdictDecidingEachUserGives() {
        let shared = ACL(aces: [DirectoryJudgementTests.grant(.resetPassword)])
        let denied = ACL(aces: [
            ACE(type: .accessDeniedObject, flags: [.inherited], mask: .controlAccess, objectType: ExtendedRightGUID.resetPassword, sid: Self.account),
            DirectoryJudgementTests.grant(.resetPassword),
        ])
        // The account's own object, granted through PRINCIPAL_SELF: the same DACL decides differently for anyone else.
        let selfGrant = ACL(aces: [ACE(type: .accessAllowedObject, flags: [], mask: .controlAccess, objectType: ExtendedRightGUID.resetPassword, sid: .principalSelf)])
        func user(_ name: String, _ acl: ACL, sid: SID? = nil, objectClass: GUID = ClassGUID.user) -> UserFacts {
            var user = DirectoryJudgementTests.user(name, aces: [])
            user.dacl = .acl(acl)
            user.sid = sid ?? user.sid
            user.objectClass = objectClass
            return user
        }
        let users = [
            user("a", shared), user("b", shared), user("c", denied), user("d", denied), user("e", shared, objectClass: ClassGUID.inetOrgPerson),
            user("self", selfGrant, sid: Self.account), user("notself", selfGrant), user("nulldacl", shared),
        ]
        var withNull = users
        withNull[7].dacl = .null
        let judge = RightsJudge(DirectoryJudgementTests.snapshot(users: withNull))
        var decisions = AccessDecisions()
        for right in WritebackRight.userRights {
            for user in withNull {
                #expect(judge.judge(right.right, for: user, decisions: &decisions) == judge.judge(right.right, for: user), "\(right.name), \(user.dn)")
            }
        }
        #expect(judge.judge(WritebackRight.resetPassword.right, for: withNull[5], decisions: &decisions).granted)
        #expect(!judge.judge(WritebackRight.resetPassword.right, for: withNull[6], decisions: &decisions).granted)
        #expect(judge.judge(WritebackRight.resetPassword.right, for: withNull[2], decisions: &decisions).cause?.code.hasPrefix("denied-") == true)
    }

    @Test func distinguishedNamesSplitByBytesAsTheyDidByCharacters() {
        #expect(DistinguishedName("").rdns.isEmpty)
        #expect(DistinguishedName(",").rdns == ["", ""])
        #expect(DistinguishedName(#"CN=a\,b , OU=x\ ,DC=y"#).rdns == [#"CN=a\,b"#, #"OU=x\ "#, "DC=y"])
        #expect(DistinguishedName(#"CN=a\\,OU=b"#).rdns == [#"CN=a\\"#, "OU=b"])
        #expect(DistinguishedName("OU=Zürich,DC=corp").rdns == ["OU=Zürich", "DC=corp"])
        // A combining mark after a comma does not hide the comma (a Character-by-Character split would not see it).
        #expect(DistinguishedName("OU=a,\u{301}OU=b,DC=c").rdns == ["OU=a", "\u{301}OU=b", "DC=c"])
    }

    @Test func theCaseInsensitiveComparisonIsLowercasedEqualityWithoutBuildingStrings() {
        let pairs = [
            ("OU=Sales", "ou=sales", true), ("OU=Sales", "OU=Sale", false), ("DC=corp", "DC=c0rp", false), ("[", "{", false),
            ("@", "`", false), ("OU=Zürich", "ou=ZÜRICH", true), ("\u{212A}", "k", true), ("OU=Ä", "OU=A", false),
        ]
        for (a, b, same) in pairs {
            #expect(DistinguishedName.sameIgnoringCase(a, b) == same, "\(a) vs \(b)")
            #expect(DistinguishedName.sameIgnoringCase(a, b) == (a.lowercased() == b.lowercased()), "\(a) vs \(b)")
        }
    }

    @Test func theScopeMatcherAgreesWithTheScopeOnNestedInclusionsAndExclusions() {
        let scope = ScopeFacts(
            source: .configured, bases: ["DC=corp,DC=test", "OU=Keep,OU=Drop,DC=corp,DC=test"], excluded: ["ou=drop,dc=CORP,dc=test"])
        let matcher = ScopeMatcher(scope)
        let cases = [
            ("CN=u,OU=Other,DC=corp,DC=test", true), ("CN=u,OU=Drop,DC=corp,DC=test", false),
            ("CN=u,OU=Keep,OU=Drop,DC=corp,DC=test", true), ("CN=u,DC=other,DC=test", false),
        ]
        for (dn, inScope) in cases {
            #expect(matcher.contains(DistinguishedName(dn)) == inScope, "\(dn)")
            #expect(scope.contains(dn) == inScope, "\(dn)")
        }
    }
}

extension DescriptorCache {
    /// The common case in these tests: an object that is not the account itself.
    fileprivate func dacl(_ bytes: [UInt8], parse: () throws -> SnapshotGatherer.ParsedDACL) rethrows -> SnapshotGatherer.ParsedDACL {
        try dacl(bytes, selfMatches: false, parse: parse)
    }
}
