import Foundation
import Testing

@testable import PreflightCore
@testable import PreflightDirectory

/// The SDDL parser, on Microsoft's own SDDL strings and on the mistakes a hand-edited value carries, and the access
/// check on top of it as AD-016 runs it (READ_CONTROL for a token).
@Suite("SDDL")
struct SDDLTests {
    static let domain = SID(string: "S-1-5-21-1-2-3")
    static let rc = DirectoryRight.wholeObject(.readControl)

    static func grantsRC(_ sddl: String, to token: [String]) throws -> AccessDecision {
        let descriptor = try SDDLDescriptor(sddl, domain: domain)
        return checkAccess(rc, dacl: descriptor.daclState, token: Set(token.compactMap { SID(string: $0) }), objectClass: nil, principalSelf: nil)
    }

    /// The default and the example of "Network access: Restrict clients allowed to make remote calls to SAM"
    /// (learn.microsoft.com …/network-access-restrict-clients-allowed-to-make-remote-sam-calls): administrators only.
    @Test func microsoftsRestrictRemoteSAMDefault() throws {
        let descriptor = try SDDLDescriptor("O:BAG:BAD:(A;;RC;;;BA)", domain: Self.domain)
        #expect(descriptor.owner == SID(string: "S-1-5-32-544") && descriptor.group == SID(string: "S-1-5-32-544"))
        guard case .acl(let acl) = descriptor.daclState else { Issue.record("no DACL"); return }
        #expect(acl.aces == [ACE(type: .accessAllowed, mask: .readControl, sid: SID(string: "S-1-5-32-544"))])
        #expect(try Self.grantsRC("O:BAG:BAD:(A;;RC;;;BA)", to: ["S-1-5-32-544"]).granted)
        #expect(try !Self.grantsRC("O:BAG:BAD:(A;;RC;;;BA)", to: ["S-1-5-21-1-2-3-1105", "S-1-5-11", "S-1-1-0"]).granted)
    }

    /// MS-DTYP 2.5.1.4's example (a DACL with inheritance flags and generic rights, and a SACL with audit ACEs).
    @Test func msDTYPExampleWithASACL() throws {
        let text = "O:BAG:BAD:P(A;CIOI;GRGX;;;BU)(A;CIOI;GA;;;BA)(A;CIOI;GA;;;SY)(A;CIOI;GA;;;CO)S:P(AU;FA;GA;;;WD)(AU;OIIOFA;GA;;;WD)"
        let descriptor = try SDDLDescriptor(text, domain: nil)
        #expect(descriptor.daclProtected)
        guard case .acl(let acl) = descriptor.daclState else { Issue.record("no DACL"); return }
        #expect(acl.aces.count == 4)
        #expect(acl.aces[0].flags == [.containerInherit, .objectInherit] && acl.aces[0].mask.rawValue == 0xA000_0000)
        // Generic read maps to READ_CONTROL: BUILTIN\Users may.
        #expect(try Self.grantsRC(text, to: ["S-1-5-32-545"]).granted)
    }

    @Test func aGrantToTheConnectorsGroupOrAWellKnownSIDReachesTheToken() throws {
        let sddl = "O:BAG:BAD:(A;;RC;;;BA)(A;;RC;;;S-1-5-21-1-2-3-1112)"
        let decision = try Self.grantsRC(sddl, to: ["S-1-5-21-1-2-3-1105", "S-1-5-21-1-2-3-1112"])
        #expect(decision.granted)
        #expect(try Self.grantsRC("O:BAG:BAD:(A;;RC;;;AU)", to: ["S-1-5-11"]).granted)
        #expect(try Self.grantsRC("O:BAG:BAD:(A;;RC;;;WD)", to: ["S-1-1-0"]).granted)
        // A deny before the grant wins, as Windows walks the DACL in order.
        let denied = try Self.grantsRC("O:BAG:BAD:(D;;RC;;;S-1-5-21-1-2-3-1105)(A;;RC;;;AU)", to: ["S-1-5-21-1-2-3-1105", "S-1-5-11"])
        #expect(!denied.granted)
        if case .deniedBy(let ace) = denied.reason { #expect(ace.sddl == "(D;;RC;;;S-1-5-21-1-2-3-1105)") } else { Issue.record("\(denied)") }
    }

    @Test func domainAliasesNeedTheDomainAndHexMasksAndNoAccessControlParse() throws {
        #expect(try SDDLDescriptor("O:DAG:DUD:(A;;RC;;;DU)", domain: Self.domain).owner == SID(string: "S-1-5-21-1-2-3-512"))
        #expect(throws: SDDLError.self) { try SDDLDescriptor("O:DAG:DUD:(A;;RC;;;DU)", domain: nil) }
        #expect(try Self.grantsRC("D:(A;;0x20000;;;WD)", to: ["S-1-1-0"]).granted)
        #expect(try Self.grantsRC("O:BAG:BAD:NO_ACCESS_CONTROL", to: []).reason == .nullDACL)
        #expect(try Self.grantsRC("O:BAG:BA", to: []).reason == .nullDACL)
        #expect(try Self.grantsRC("O:BAG:BAD:", to: ["S-1-1-0"]).reason == .emptyDACL)
        #expect(try SDDLDescriptor(" o:bag:bad:(a;;rc;;;ba) ", domain: nil).owner == SID(string: "S-1-5-32-544"))
    }

    @Test func mistakesNameWhereTheyAre() {
        func message(_ text: String) -> String {
            do {
                _ = try SDDLDescriptor(text, domain: Self.domain)
                return "parsed"
            } catch { return error.description }
        }
        #expect(message("O:BAG:BAD:(A;;RC;;;BA") == "the ACE opened here has no ')' (at character 11 of the SDDL)")
        #expect(message("O:BAG:BAD:(A;;XX;;;BA)").hasPrefix("unknown access right 'XX' in 'XX'"))
        #expect(message("O:BAG:BAD:(A;;RC;;;ZZ)").hasPrefix("'ZZ' is neither a SID"))
        #expect(message("O:BAG:BAD:(Q;;RC;;;BA)").hasPrefix("unknown ACE type 'Q'"))
        #expect(message("O:BAG:BAD:(A;;RC;;BA)").contains("has 5 fields"))
        #expect(message("O:BAO:BA").hasPrefix("'O:' appears twice"))
        #expect(message("").hasPrefix("the SDDL is empty"))
        #expect(message("X:BA").hasPrefix("expected O:, G:, D: or S:"))
    }
}
