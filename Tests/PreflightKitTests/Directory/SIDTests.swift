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

@Suite("SID and GUID")
struct SIDTests {
    let domain = ADSampleFixtures.domain

    @Test(arguments: [
        "S-1-5-21-1111111111-2222222222-3333333333-1106", "S-1-1-0", "S-1-5-32-544", "S-1-5-18",
        "S-1-0x123456789ABC-7", "S-1-5-21-4294967295-0-1-4294967295", "S-1-16-12288",
    ])
    func stringAndBinaryRoundTrips(text: String) throws {
        let sid = try #require(SID(string: text))
        #expect(sid.description == text)
        #expect(try SID(bytes: sid.bytes) == sid)
        #expect(sid.bytes.count == 8 + 4 * sid.subAuthorities.count)
    }

    @Test func decodesTheBinaryLayout() throws {
        let bytes = Array(Data(base64Encoded: "AQUAAAAAAAUVAAAAxzU6Qo5rdIRVoa7GUwQAAA==")!)
        let sid = try SID(bytes: bytes)
        #expect(sid.description == "S-1-5-21-1111111111-2222222222-3333333333-1107")
        #expect(sid.identifierAuthority == 5 && sid.revision == 1)
        // Works for any collection of bytes, e.g. a slice with non-zero start index.
        #expect(try SID(bytes: ([0xFF] + bytes).dropFirst()) == sid)
    }

    @Test func tokenGroupsSample() throws {
        let groups = try ADSampleFixtures.tokenGroups()
        #expect(
            groups.map(\.description) == [
                "S-1-5-21-1111111111-2222222222-3333333333-1107",
                "S-1-5-21-1111111111-2222222222-3333333333-1108",
                "S-1-5-21-1111111111-2222222222-3333333333-513",
                "S-1-5-32-545",
            ])
        // tokenGroups holds the primary group (Domain Users) but not the account itself or Everyone.
        #expect(groups.map { $0.wellKnownName(domain: domain) } == [nil, nil, "Domain Users", "BUILTIN\\Users"])
        #expect(!groups.contains(ADSampleFixtures.serviceAccount) && !groups.contains(.everyone))
        let token = try ADSampleFixtures.serviceToken()
        #expect(token.count == 9)
        #expect(token.isSuperset(of: [ADSampleFixtures.serviceAccount, .everyone, .authenticatedUsers]))
    }

    @Test(arguments: [
        "", "S", "S-1", "S-1-", "S-2-5-18", "X-1-5-18", "S-1-5-+18", "S-1-5-18 ", "S-1-5--18", "S-1-5-4294967296",
        "S-1-281474976710656-1", "S-1-0xZZ-1", "S-1-5-1-2-3-4-5-6-7-8-9-10-11-12-13-14-15-16",
    ])
    func rejectsMalformedStrings(text: String) {
        #expect(SID(string: text) == nil)
    }

    @Test func acceptsFifteenSubAuthoritiesButNotSixteen() throws {
        let fifteen = "S-1-5" + String(repeating: "-1", count: 15)
        let sid = try #require(SID(string: fifteen))
        #expect(sid.appending(rid: 1) == nil)
        var bytes = sid.bytes
        bytes[1] = 16
        bytes += [0, 0, 0, 0]
        #expect(throws: SecurityParseError.self) { try SID(bytes: bytes) }
        do {
            _ = try SID(bytes: bytes)
        } catch {
            #expect(error.kind == .tooManySubAuthorities && error.offset == 1)
        }
    }

    @Test func binaryErrors() {
        func kind(_ bytes: [UInt8]) -> SecurityParseError.Kind? {
            do {
                _ = try SID(bytes: bytes)
                return nil
            } catch {
                return error.kind
            }
        }
        #expect(kind([]) == .truncated)
        #expect(kind([1, 1, 0, 0, 0, 0, 0]) == .truncated)
        #expect(kind([1, 2, 0, 0, 0, 0, 0, 5, 21, 0, 0, 0]) == .truncated)  // declares 2, holds 1
        #expect(kind([2, 1, 0, 0, 0, 0, 0, 5, 18, 0, 0, 0]) == .unsupportedRevision)
        #expect(kind(SID.localSystem.bytes + [0]) == .trailingBytes)
        #expect(kind(SID.localSystem.bytes) == nil)
    }

    @Test func ridsAndDomains() throws {
        let user = try #require(SID(string: "S-1-5-21-1111111111-2222222222-3333333333-1106"))
        #expect(user.rid == 1106)
        #expect(user.parent == domain)
        #expect(user.isDomainRelative(to: domain))
        #expect(!domain.isDomainRelative(to: domain))
        #expect(!(SID(string: "S-1-5-21-9-9-9-1106")!.isDomainRelative(to: domain)))
        #expect(domain.appending(rid: 1106) == user)
        #expect(SID.builtinAdministrators.rid == 544)
        #expect(SID.localSystem.rid == nil && SID.everyone.rid == nil)
    }

    @Test func constantsHaveTheDocumentedValues() {
        let expected: [(SID, String)] = [
            (.everyone, "S-1-1-0"), (.authenticatedUsers, "S-1-5-11"), (.thisOrganization, "S-1-5-15"),
            (.network, "S-1-5-2"), (.principalSelf, "S-1-5-10"), (.creatorOwner, "S-1-3-0"),
            (.builtinAdministrators, "S-1-5-32-544"), (.localSystem, "S-1-5-18"),
        ]
        for (sid, text) in expected {
            #expect(sid.description == text)
            #expect(SID(string: text) == sid)
        }
    }

    @Test func wellKnownNames() throws {
        let other = try #require(SID(string: "S-1-5-21-9-9-9"))
        let names: [(UInt32, String)] = [
            (500, "Administrator"), (502, "krbtgt"), (512, "Domain Admins"), (513, "Domain Users"),
            (516, "Domain Controllers"), (518, "Schema Admins"), (519, "Enterprise Admins"),
            (521, "Read-only Domain Controllers"),
        ]
        for (rid, name) in names {
            let sid = domain.appending(rid: rid)!
            #expect(sid.wellKnownName(domain: domain) == name)
            #expect(sid.wellKnownName(domain: nil) == name)
            #expect(sid.wellKnownName(domain: other) == nil)
        }
        #expect(domain.appending(rid: 1106)!.wellKnownName(domain: domain) == nil)
        #expect(SID.localSystem.wellKnownName(domain: nil) == "NT AUTHORITY\\SYSTEM")
        #expect(SID.everyone.wellKnownName(domain: domain) == "Everyone")
        #expect(SID.principalSelf.wellKnownName(domain: nil) == "NT AUTHORITY\\SELF")
        let builtins = (548...552).map { SID(string: "S-1-5-32-\($0)")!.wellKnownName(domain: nil) }
        #expect(
            builtins == [
                "BUILTIN\\Account Operators", "BUILTIN\\Server Operators", "BUILTIN\\Print Operators",
                "BUILTIN\\Backup Operators", "BUILTIN\\Replicator",
            ])
        #expect(SID.builtinAdministrators.wellKnownName(domain: nil) == "BUILTIN\\Administrators")
    }

    @Test func codableAsStrings() throws {
        let value = ["sid": ADSampleFixtures.serviceAccount]
        let json = String(decoding: try JSONEncoder().encode(value), as: UTF8.self)
        #expect(json == #"{"sid":"S-1-5-21-1111111111-2222222222-3333333333-1106"}"#)
        #expect(try JSONDecoder().decode([String: SID].self, from: Data(json.utf8)) == value)
        let guid = #"["00299570-246d-11d0-a768-00aa006e0529"]"#
        #expect(
            try JSONDecoder().decode([GUID].self, from: Data(guid.utf8)) == [ExtendedRightGUID.resetPassword])
    }

    @Test func guidUsesTheWindowsMixedEndianLayout() throws {
        let stored: [UInt8] = [
            0xBA, 0x7A, 0x96, 0xBF, 0xE6, 0x0D, 0xD0, 0x11, 0xA2, 0x85, 0x00, 0xAA, 0x00, 0x30, 0x49, 0xE2,
        ]
        let guid = try #require(GUID(windowsBytes: stored))
        #expect(guid.description == "bf967aba-0de6-11d0-a285-00aa003049e2")
        #expect(guid == ClassGUID.user)
        #expect(guid.windowsBytes == stored)
        #expect(GUID(windowsBytes: stored.dropLast()) == nil)
        #expect(GUID(windowsBytes: stored + [0]) == nil)
    }

    @Test func guidStrings() {
        #expect(GUID(string: "{BF967ABA-0DE6-11D0-A285-00AA003049E2}") == ClassGUID.user)
        #expect(GUID(string: "bf967aba-0de6-11d0-a285-00aa003049e2")?.description == ClassGUID.user.description)
        #expect(GUID(string: "bf967aba0de611d0a28500aa003049e2") == nil)
        #expect(GUID(string: "not-a-guid") == nil)
        #expect(GUID(string: "") == nil)
    }

    /// The hex digits are computed, not looked up: every byte in every digit position reads as the definition says.
    @Test func everyByteIsAHexDigitOnlyWhenItIsOne() {
        let valid = Array("0123456789abcdefABCDEF".utf8)
        for byte in UInt8.min...UInt8.max {
            var text = Array("00000000-0000-0000-0000-000000000000".utf8)
            text[35] = byte
            let parsed = text.withUnsafeBufferPointer { GUID($0) }
            if let index = valid.firstIndex(of: byte) {
                #expect(parsed == GUID(high: 0, low: UInt64(index < 16 ? index : index - 6)), "byte \(byte)")
            } else {
                #expect(parsed == nil, "byte \(byte)")
            }
        }
        // The groups and their hyphens: exactly 8-4-4-4-12 (in braces or not), or 32 digits together (exports).
        let user = ClassGUID.user
        #expect(GUID("bf967aba-0de6-11d0-a285-00aa003049e2") == user && GUID("{BF967ABA-0DE6-11D0-A285-00AA003049E2}") == user)
        #expect(GUID("bf967aba0de611d0a28500aa003049e2") == user)
        for misplaced in ["bf967ab-a0de6-11d0-a285-00aa003049e2", "bf967aba-0de611d0-a285-00aa-003049e2", "bf967aba-0de6-11d0-a28500aa003049e2-",
                          "-bf967aba-0de6-11d0-a28500aa003049e2", "bf967aba-0de6-11d0-a285-00aa003049e", "bf967aba0de611d0a28500aa003049e2ff",
                          "bf967aba0de611d0a28500aa003049e", "bf967aba-0de6-11d0-a285_00aa003049e2"] {
            #expect(GUID(misplaced) == nil, "\(misplaced)")
        }
    }

    @Test func guidConstantsMatchTheNotes() {
        let expected: [(GUID, String)] = [
            (ExtendedRightGUID.resetPassword, "00299570-246d-11d0-a768-00aa006e0529"),
            (ExtendedRightGUID.changePassword, "ab721a53-1e2f-11d0-9819-00aa0040529b"),
            (ExtendedRightGUID.unexpirePassword, "ccc2dc7d-a6ad-4a7a-8846-c04e3cc53501"),
            (AttributeGUID.lockoutTime, "28630ebf-41d5-11d1-a9c1-0000f80367c1"),
            (AttributeGUID.pwdLastSet, "bf967a0a-0de6-11d0-a285-00aa003049e2"),
            (PropertySetGUID.userAccountRestrictions, "4c164200-20c0-11d0-a768-00aa006e0529"),
            (ClassGUID.user, "bf967aba-0de6-11d0-a285-00aa003049e2"),
            (ClassGUID.inetOrgPerson, "4828cc14-1437-45bc-9b07-ad6f015e5f28"),
            (ClassGUID.computer, "bf967a86-0de6-11d0-a285-00aa003049e2"),
            (ClassGUID.organizationalUnit, "bf967aa5-0de6-11d0-a285-00aa003049e2"),
            (ClassGUID.domainDNS, "19195a5b-6da0-11d0-afd3-00c04fd930c9"),
        ]
        for (guid, text) in expected {
            #expect(guid.description == text)
        }
    }
}
