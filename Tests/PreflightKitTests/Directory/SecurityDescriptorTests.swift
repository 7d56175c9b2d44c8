import Foundation
import PreflightTestSupport
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

/// The real samples in Fixtures/ad-samples (see SOURCE.md there): read by MSOL_test from a Samba 4.17 DC.
enum ADSampleFixtures {
    static let domain = SID(string: "S-1-5-21-1111111111-2222222222-3333333333")!
    static let serviceAccount = domain.appending(rid: 1106)!  // MSOL_test
    static let syncWriteback = domain.appending(rid: 1107)!
    static let syncOuter = domain.appending(rid: 1108)!  // nested: MSOL_test -> SyncWriteback -> SyncOuter

    static var directory: URL {
        var url = URL(fileURLWithPath: #filePath)
        while url.lastPathComponent != "PreflightKitTests" && url.pathComponents.count > 1 {
            url.deleteLastPathComponent()
        }
        return url.appendingPathComponent("Fixtures").appendingPathComponent("ad-samples")
    }

    static func text(_ name: String) throws -> String {
        try String(contentsOf: directory.appendingPathComponent(name), encoding: .utf8)
    }

    /// The raw nTSecurityDescriptor bytes of a `.b64` sample (base64 plus a trailing newline).
    static func bytes(_ name: String) throws -> [UInt8] {
        let base64 = try text(name).trimmingCharacters(in: .whitespacesAndNewlines)
        return Array(try #require(Data(base64Encoded: base64)))
    }

    static func descriptor(_ name: String) throws -> SecurityDescriptor {
        try SecurityDescriptor(bytes: bytes(name))
    }

    static func acl(_ name: String) throws -> ACL {
        try #require(try descriptor(name).dacl)
    }

    /// The `tokenGroups:: <base64>` values of tokengroups.ldif.
    static func tokenGroups() throws -> [SID] {
        try text("tokengroups.ldif").split(whereSeparator: \.isNewline)
            .filter { $0.hasPrefix("tokenGroups:: ") }
            .map { line in
                let value = try #require(Data(base64Encoded: String(line.dropFirst("tokenGroups:: ".count))))
                return try SID(bytes: value)
            }
    }

    /// MSOL_test's token after an LDAP bind.
    static func serviceToken() throws -> Set<SID> {
        Set(try tokenGroups() + [serviceAccount] + LogonToken.logonSIDs)
    }
}

/// Builds binary security descriptors for tests, so malformed variants can be made byte by byte.
enum SecurityDescriptorBuilder {
    static func le16(_ value: Int) -> [UInt8] { [UInt8(value & 0xFF), UInt8(value >> 8 & 0xFF)] }
    static func le32(_ value: UInt32) -> [UInt8] { (0..<4).map { UInt8(value >> (8 * UInt32($0)) & 0xFF) } }

    static func ace(
        type: UInt8, flags: UInt8 = 0, mask: UInt32, objectType: GUID? = nil,
        inheritedObjectType: GUID? = nil, sid: SID
    ) -> [UInt8] {
        var body = le32(mask)
        if [5, 6, 7, 8].contains(type) {
            body += le32((objectType == nil ? 0 : 1) | (inheritedObjectType == nil ? 0 : 2))
            body += objectType?.windowsBytes ?? []
            body += inheritedObjectType?.windowsBytes ?? []
        }
        body += sid.bytes
        return [type, flags] + le16(4 + body.count) + body
    }

    static func acl(_ aces: [[UInt8]], revision: UInt8 = 4) -> [UInt8] {
        let body = aces.flatMap { $0 }
        return [revision, 0] + le16(8 + body.count) + le16(aces.count) + [0, 0] + body
    }

    /// Header, then owner, group, DACL in that order (as Windows lays them out).
    static func descriptor(control: UInt16 = 0x8004, owner: SID? = nil, group: SID? = nil, dacl: [UInt8]?)
        -> [UInt8]
    {
        var tail: [UInt8] = []
        func place(_ part: [UInt8]?) -> UInt32 {
            guard let part else { return 0 }
            defer { tail += part }
            return UInt32(20 + tail.count)
        }
        let ownerOffset = place(owner?.bytes)
        let groupOffset = place(group?.bytes)
        let daclOffset = place(dacl)
        return [1, 0] + le16(Int(control)) + le32(ownerOffset) + le32(groupOffset) + le32(0) + le32(daclOffset)
            + tail
    }

    /// A valid DACL-only SD with one ACE, for corrupting.
    static func oneACE(_ ace: [UInt8]) -> [UInt8] {
        descriptor(dacl: acl([ace]))
    }
}

@Suite("Security descriptor parsing: real samples")
struct SecurityDescriptorSampleTests {
    let domain = ADSampleFixtures.domain
    let svc = ADSampleFixtures.serviceAccount

    @Test func ouStaffHeaderAndFirstACE() throws {
        let bytes = try ADSampleFixtures.bytes("sd-OU_Staff.b64")
        #expect(bytes.count == 1656)
        let sd = try SecurityDescriptor(bytes: bytes)
        #expect(sd.control.rawValue == 0x8404)
        #expect(sd.control == [.selfRelative, .daclAutoInherited, .daclPresent])
        #expect(!sd.isDaclProtected)
        #expect(sd.owner == nil && sd.group == nil)
        let acl = try #require(sd.dacl)
        #expect(acl.revision == 4)
        #expect(acl.aces.count == 33)

        let first = acl.aces[0]
        #expect(first.type == .accessAllowedObject && first.type.rawValue == 5)
        #expect(first.flags.rawValue == 0x0A && first.flags == [.containerInherit, .inheritOnly])
        #expect(first.mask == .writeProperty && first.mask.rawValue == 0x20)
        #expect(first.objectType == AttributeGUID.pwdLastSet)
        #expect(first.inheritedObjectType == ClassGUID.user)
        #expect(first.sid == svc)
    }

    @Test func ouStaffExplicitWritebackACEsInSDDL() throws {
        let aces = try ADSampleFixtures.acl("sd-OU_Staff.b64").aces
        let user = "bf967aba-0de6-11d0-a285-00aa003049e2"
        let svcText = "S-1-5-21-1111111111-2222222222-3333333333-1106"
        // `samba-tool dsacl set` prepends each ACE, so they appear in reverse of the order given.
        #expect(
            aces[0...3].map(\.sddl) == [
                "(OA;CIIO;WP;bf967a0a-0de6-11d0-a285-00aa003049e2;\(user);\(svcText))",
                "(OA;CIIO;WP;28630ebf-41d5-11d1-a9c1-0000f80367c1;\(user);\(svcText))",
                "(OA;CIIO;CR;ab721a53-1e2f-11d0-9819-00aa0040529b;\(user);\(svcText))",
                "(OA;CIIO;CR;00299570-246d-11d0-a768-00aa006e0529;\(user);\(svcText))",
            ])
        #expect(aces[4].sddl == "(A;;CCDCLCSWRPWPDTLOCRSDRCWDWO;;;S-1-5-18)")
        #expect(aces[5].sddl == "(A;;CCDCLCSWRPWPDTLOCRSDRCWDWO;;;S-1-5-21-1111111111-2222222222-3333333333-512)")
        #expect(aces[10].sddl == "(A;;LCRPLORC;;;S-1-5-11)")
        #expect(aces[29].sddl == "(OA;CIID;RPWPCR;91e647de-d96f-4b70-9557-d63ff4f3ccd8;;S-1-5-10)")
        #expect(aces[32].sddl == "(A;CIID;CCLCSWRPWPLOCRSDRCWDWO;;;S-1-5-32-544)")
        #expect(aces.filter(\.isInherited).count == 20)
        #expect(aces.allSatisfy { $0.sid != nil })
    }

    @Test func ownerGroupVariantHasDomainAdminsAndTheSameDACL() throws {
        let bytes = try ADSampleFixtures.bytes("sd-OU_Staff-OGD.b64")
        #expect(bytes.count == 1712)
        let sd = try SecurityDescriptor(bytes: bytes)
        let domainAdmins = domain.appending(rid: 512)  // Domain Admins
        #expect(sd.control.rawValue == 0x8404)
        #expect(sd.owner == domainAdmins && sd.group == domainAdmins)
        #expect(sd.owner?.wellKnownName(domain: domain) == "Domain Admins")
        #expect(sd.dacl == (try ADSampleFixtures.acl("sd-OU_Staff.b64")))
    }

    @Test func pilotOUHasItsOwnACEThenTheInheritedStaffACEs() throws {
        let aces = try ADSampleFixtures.acl("sd-OU_Pilot_OU_Staff.b64").aces
        #expect(aces.count == 34)
        #expect(
            aces[0].sddl
                == "(OA;CIIO;WP;23773dc2-b63a-11d2-90e1-00c04fd91ab1;bf967aba-0de6-11d0-a285-00aa003049e2;"
                + "S-1-5-21-1111111111-2222222222-3333333333-1108)")
        let staff = try ADSampleFixtures.acl("sd-OU_Staff.b64").aces
        // On a child OU the parent's CIIO ACEs come back as CIIOID, in the same order.
        for (pilotACE, staffACE) in zip(aces[10...13], staff[0...3]) {
            #expect(pilotACE.flags == staffACE.flags.union(.inherited))
            #expect(pilotACE.objectType == staffACE.objectType && pilotACE.sid == staffACE.sid)
        }
    }

    @Test func restrictedOUStartsWithADenyResetPasswordACE() throws {
        let acl = try ADSampleFixtures.acl("sd-OU_Restricted_OU_Staff.b64")
        #expect(acl.aces.count == 34)
        let deny = acl.aces[0]
        #expect(deny.type == .accessDeniedObject && deny.type.rawValue == 6)
        #expect(deny.mask == .controlAccess)
        #expect(deny.objectType == ExtendedRightGUID.resetPassword)
        #expect(deny.flags == [.containerInherit, .inheritOnly])
        #expect(deny.sid == svc)
    }

    @Test(arguments: ["sd-OU_Staff.b64", "sd-OU_Staff-OGD.b64", "sd-OU_Pilot_OU_Staff.b64"])
    func everyPrefixOfASampleThrowsCleanly(name: String) throws {
        let bytes = try ADSampleFixtures.bytes(name)
        for length in 0..<bytes.count {
            do {
                _ = try SecurityDescriptor(bytes: Array(bytes.prefix(length)))
                Issue.record("prefix of \(length) bytes parsed although the DACL runs to the end")
            } catch {
                #expect(error.offset <= length, "offset \(error.offset) for prefix \(length): \(error)")
                #expect(!error.message.isEmpty)
            }
        }
        #expect(throws: Never.self) { try SecurityDescriptor(bytes: bytes) }
    }

    @Test func randomCorruptionsNeverCrash() throws {
        let original = try ADSampleFixtures.bytes("sd-OU_Staff-OGD.b64")
        var random = SplitMix64(state: 0x5D_2024)
        var parsed = 0
        for _ in 0..<3000 {
            var bytes = original
            for _ in 0..<Int.random(in: 1...4, using: &random) {
                // Bias towards the header and the first ACEs, where the structure lives.
                let index = Int.random(in: 0..<(Bool.random(using: &random) ? 120 : bytes.count), using: &random)
                bytes[index] = UInt8.random(in: 0...255, using: &random)
            }
            if (try? SecurityDescriptor(bytes: bytes)) != nil { parsed += 1 }
        }
        #expect(parsed > 0)
    }
}

@Suite("Security descriptor parsing: DACL states and malformed input")
struct SecurityDescriptorMalformedTests {
    let sid = ADSampleFixtures.serviceAccount

    var allowReset: [UInt8] {
        SecurityDescriptorBuilder.ace(type: 5, mask: 0x100, objectType: ExtendedRightGUID.resetPassword, sid: sid)
    }

    func parseError(_ bytes: [UInt8]) -> SecurityParseError? {
        do {
            _ = try SecurityDescriptor(bytes: bytes)
            return nil
        } catch {
            return error
        }
    }

    @Test func builderOutputParsesBack() throws {
        let sd = try SecurityDescriptor(
            bytes: SecurityDescriptorBuilder.descriptor(
                owner: .builtinAdministrators, group: .localSystem, dacl: SecurityDescriptorBuilder.acl([allowReset])))
        #expect(sd.owner == .builtinAdministrators && sd.group == .localSystem)
        #expect(
            sd.dacl?.aces == [
                ACE(
                    type: .accessAllowedObject, mask: .controlAccess, objectType: ExtendedRightGUID.resetPassword,
                    sid: sid)
            ])
    }

    @Test func daclStates() throws {
        let absent = try SecurityDescriptor(bytes: SecurityDescriptorBuilder.descriptor(control: 0x8000, dacl: nil))
        #expect(absent.daclState == .null && absent.dacl == nil)
        let presentWithZeroOffset = try SecurityDescriptor(
            bytes: SecurityDescriptorBuilder.descriptor(control: 0x8004, dacl: nil))
        #expect(presentWithZeroOffset.daclState == .null)
        // The flag decides: a DACL at a valid offset without SE_DACL_PRESENT is still a NULL DACL.
        let flagMissing = try SecurityDescriptor(
            bytes: SecurityDescriptorBuilder.descriptor(control: 0x8000, dacl: SecurityDescriptorBuilder.acl([])))
        #expect(flagMissing.daclState == .null)
        let empty = try SecurityDescriptor(
            bytes: SecurityDescriptorBuilder.descriptor(dacl: SecurityDescriptorBuilder.acl([], revision: 2)))
        #expect(empty.daclState == .acl(ACL(revision: 2, aces: [])))
        let protected = try SecurityDescriptor(
            bytes: SecurityDescriptorBuilder.descriptor(control: 0x9004, dacl: SecurityDescriptorBuilder.acl([])))
        #expect(protected.isDaclProtected)
    }

    @Test func bufferShorterThanHeader() {
        let error = parseError([1, 0, 4, 0x80])
        #expect(error?.kind == .truncated && error?.offset == 0)
        #expect(error?.description.contains("byte offset 0") == true)
    }

    @Test func wrongRevisionAndNotSelfRelative() {
        var bytes = SecurityDescriptorBuilder.oneACE(allowReset)
        bytes[0] = 2
        #expect(parseError(bytes)?.kind == .unsupportedRevision)
        let absolute = SecurityDescriptorBuilder.descriptor(
            control: 0x0004, dacl: SecurityDescriptorBuilder.acl([allowReset]))
        #expect(parseError(absolute)?.kind == .notSelfRelative && parseError(absolute)?.offset == 2)
    }

    @Test func offsetsPastTheEndOrInsideTheHeader() {
        var bytes = SecurityDescriptorBuilder.descriptor(owner: sid, dacl: SecurityDescriptorBuilder.acl([allowReset]))
        bytes.replaceSubrange(4..<8, with: SecurityDescriptorBuilder.le32(UInt32(bytes.count)))
        #expect(parseError(bytes)?.kind == .offsetOutOfRange && parseError(bytes)?.offset == 4)
        bytes.replaceSubrange(4..<8, with: SecurityDescriptorBuilder.le32(8))
        #expect(parseError(bytes)?.kind == .offsetOutOfRange)
        #expect(parseError(bytes)?.message.contains("inside the 20-byte header") == true)

        var dacl = SecurityDescriptorBuilder.oneACE(allowReset)
        dacl.replaceSubrange(16..<20, with: SecurityDescriptorBuilder.le32(0xFFFF_FFF0))
        #expect(parseError(dacl)?.kind == .offsetOutOfRange && parseError(dacl)?.offset == 16)
    }

    @Test func ownerSIDCutOffByTheEndOfTheBuffer() {
        var bytes = SecurityDescriptorBuilder.descriptor(owner: sid, dacl: nil)
        bytes.removeLast(3)
        let error = parseError(bytes)
        #expect(error?.kind == .truncated && error?.offset == 20)
    }

    @Test func aclHeaderCutOff() {
        var bytes = SecurityDescriptorBuilder.oneACE(allowReset)
        bytes.replaceSubrange(16..<20, with: SecurityDescriptorBuilder.le32(UInt32(bytes.count - 4)))
        #expect(parseError(bytes)?.kind == .truncated)
    }

    @Test func aclSizeLargerThanBuffer() {
        var bytes = SecurityDescriptorBuilder.oneACE(allowReset)
        // The ACL starts at 20, so an AclSize equal to the buffer size ends 20 bytes past it.
        bytes.replaceSubrange(22..<24, with: SecurityDescriptorBuilder.le16(bytes.count))
        let error = parseError(bytes)
        #expect(error?.kind == .aclSizeExceedsBuffer && error?.offset == 22)
    }

    @Test func aclSizeSmallerThanItsHeader() {
        var bytes = SecurityDescriptorBuilder.oneACE(allowReset)
        bytes.replaceSubrange(22..<24, with: SecurityDescriptorBuilder.le16(4))
        #expect(parseError(bytes)?.kind == .aclSizeTooSmall)
    }

    @Test func aceCountLargerThanWhatFits() {
        var bytes = SecurityDescriptorBuilder.oneACE(allowReset)
        bytes.replaceSubrange(24..<26, with: SecurityDescriptorBuilder.le16(2))
        let error = parseError(bytes)
        #expect(error?.kind == .aceCountExceedsACL && error?.offset == 24)
        #expect(error?.message.contains("AceCount is 2 but only 1") == true)
        bytes.replaceSubrange(24..<26, with: SecurityDescriptorBuilder.le16(0xFFFF))
        #expect(parseError(bytes)?.kind == .aceCountExceedsACL)
    }

    @Test func aceSizeSmallerThanTheHeader() {
        var bytes = SecurityDescriptorBuilder.oneACE(allowReset)
        bytes.replaceSubrange(30..<32, with: SecurityDescriptorBuilder.le16(2))  // first ACE starts at 28
        let error = parseError(bytes)
        #expect(error?.kind == .aceSizeTooSmall && error?.offset == 30)
        // Big enough for the header but not for an object ACE's mask and flags.
        bytes.replaceSubrange(30..<32, with: SecurityDescriptorBuilder.le16(8))
        #expect(parseError(bytes)?.kind == .aceSizeTooSmall)
    }

    @Test func aceRunningPastTheACL() {
        var bytes = SecurityDescriptorBuilder.oneACE(allowReset)
        bytes.replaceSubrange(30..<32, with: SecurityDescriptorBuilder.le16(allowReset.count + 4))
        let error = parseError(bytes)
        #expect(error?.kind == .aceRunsPastACL && error?.offset == 30)
    }

    @Test func sidWithTooManySubAuthoritiesInsideAnACE() {
        var ace = SecurityDescriptorBuilder.ace(type: 0, mask: 0x100, sid: sid)
        ace[9] = 16  // SubAuthorityCount of the SID at ACE offset 8
        let error = parseError(SecurityDescriptorBuilder.oneACE(ace))
        #expect(error?.kind == .tooManySubAuthorities && error?.offset == 28 + 9)
    }

    @Test func sidRunningPastItsACE() {
        var ace = SecurityDescriptorBuilder.ace(type: 0, mask: 0x100, sid: sid)
        ace[9] = 6  // claims one more sub-authority than the ACE holds
        #expect(parseError(SecurityDescriptorBuilder.oneACE(ace))?.kind == .sidRunsPastACE)
        var shortened = SecurityDescriptorBuilder.ace(type: 0, mask: 0x100, sid: sid)
        shortened.removeLast(4)
        shortened.replaceSubrange(2..<4, with: SecurityDescriptorBuilder.le16(shortened.count))
        #expect(parseError(SecurityDescriptorBuilder.oneACE(shortened))?.kind == .sidRunsPastACE)
    }

    @Test func objectFlagsClaimingGUIDsThatDoNotFit() {
        // Flags announce both GUIDs (32 bytes) but the ACE ends after one.
        let twoClaimed =
            [5, 0] + SecurityDescriptorBuilder.le16(28) + SecurityDescriptorBuilder.le32(0x100)
            + SecurityDescriptorBuilder.le32(3) + [UInt8](repeating: 0, count: 16)
        let error = parseError(SecurityDescriptorBuilder.oneACE(twoClaimed))
        #expect(error?.kind == .objectTypesDoNotFit && error?.offset == 28 + 8)
        #expect(error?.message.contains("announce 2 GUIDs") == true)
        // Flags announce one GUID but only 8 bytes follow.
        let oneClaimed =
            [6, 0] + SecurityDescriptorBuilder.le16(20) + SecurityDescriptorBuilder.le32(0x100)
            + SecurityDescriptorBuilder.le32(1) + [UInt8](repeating: 0, count: 8)
        #expect(parseError(SecurityDescriptorBuilder.oneACE(oneClaimed))?.kind == .objectTypesDoNotFit)
    }

    @Test func unknownACETypesAreKeptAndTolerated() throws {
        let audit = SecurityDescriptorBuilder.ace(type: 2, flags: 0xC0, mask: 0x20, sid: sid)
        let garbage: [UInt8] = [0x42, 0, 8, 0, 1, 2, 3, 4]
        let objectAudit =
            [7, 0] + SecurityDescriptorBuilder.le16(16) + SecurityDescriptorBuilder.le32(0x20)
            + SecurityDescriptorBuilder.le32(3) + [0, 0, 0, 0]
        let sd = try SecurityDescriptor(
            bytes: SecurityDescriptorBuilder.descriptor(
                dacl: SecurityDescriptorBuilder.acl([audit, garbage, objectAudit, allowReset])))
        let aces = try #require(sd.dacl?.aces)
        #expect(aces.map(\.type) == [.other(2), .other(0x42), .other(7), .accessAllowedObject])
        #expect(aces[0].sid == sid && aces[0].sddl == "(AU;SAFA;WP;;;\(sid))")
        #expect(aces[1].sid == nil && aces[1].sddl == "(0x42;;0x4030201;;;)")
        #expect(aces[2].sid == nil)
    }

    @Test func rightsLettersOnlyWhenTheMaskMapsExactly() {
        #expect(AccessMask.genericAll.sddl == "GA")
        #expect(AccessMask([.genericRead, .genericWrite]).sddl == "GWGR")
        #expect(AccessMask([.controlAccess, .synchronize]).sddl == "0x100100")
        #expect(AccessMask([]).sddl == "0x0")
        #expect(ACEFlags(rawValue: 0x32).sddl == "CIID0x20")
    }
}
