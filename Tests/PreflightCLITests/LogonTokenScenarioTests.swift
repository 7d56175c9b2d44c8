import Foundation
import PreflightTestSupport
import Testing

import PreflightKit

/// The connector account's token as a DC builds it at logon, proven by the DC itself: for each case preflight judges
/// AD-003..AD-005 and then the DC performs the three writes as the account (scripts/lab/SCENARIOS.md, section 8).
/// Each case runs twice: bound as preflight-reader, which may not read the account's tokenGroups (the token is
/// reconstructed from memberships), and bound as the account itself (tokenGroups, and the DC cross-check).
@Suite("Logon token verdicts proven by the DC (Samba AD DC)", .serialized)
struct LogonTokenScenarioTests {
    let dc: SambaDC
    let runner = DirectoryRun()

    init() async throws { dc = try await SambaLab.shared() }

    struct Case: CustomTestStringConvertible, Sendable {
        var account: String
        var ou: String
        var user: String
        /// What the DC is expected to allow (reset, lockoutTime, pwdLastSet): the lab is built so; asserted too.
        var dcAllows: [Bool]
        var testDescription: String { "\(account) on \(user)" }
    }

    static let cases = [
        // Authenticated Users ∈ BUILTIN\Pre-Windows 2000 Compatible Access: a grant to the alias reaches the account…
        Case(account: "MSOL_pw2k", ou: "OU=PreW2kGrant", user: "pw2kg1", dcAllows: [true, true, true]),
        // …and so does a deny to it, though the account itself is granted everything.
        Case(account: "MSOL_pw2k", ou: "OU=PreW2kDeny", user: "pw2kd1", dcAllows: [false, true, true]),
        // Granted to a group that contains the account's primary group (not a member link of the account).
        Case(account: "MSOL_primary", ou: "OU=PrimaryNest", user: "prim1", dcAllows: [true, true, true]),
        // Granted to a distribution group the account is in: never in a token.
        Case(account: "MSOL_dist", ou: "OU=DistGrant", user: "distg1", dcAllows: [false, false, false]),
        // Reset denied to that distribution group, everything granted to the account: the deny does not apply.
        Case(account: "MSOL_dist", ou: "OU=DistDeny", user: "distd1", dcAllows: [true, true, true]),
    ]

    func run(_ c: Case, boundAsAccount: Bool) async throws -> DirectoryRun.Outcome {
        try await runner.run(
            url: dc.ldapsURL, caFile: dc.caFile,
            bindDN: boundAsAccount ? "\(c.account)@corp.example.test" : SambaDC.readerUPN,
            password: boundAsAccount ? Lab.servicePassword : SambaDC.readerPassword, account: c.account,
            scope: [Lab.ou(c.ou)], only: Lab.rights)
    }

    @Test(arguments: cases, [false, true])
    func theVerdictIsTheDCs(_ c: Case, boundAsAccount: Bool) async throws {
        let outcome = try await run(c, boundAsAccount: boundAsAccount)
        let dn = Lab.user(c.user, Lab.ou(c.ou))
        let answers = try DCJudge(dc).answers(as: c.account, password: Lab.servicePassword, on: dn)
        for (write, expected) in zip([DCJudge.Write.resetPassword, .lockoutTime, .pwdLastSet], c.dcAllows) {
            #expect(answers[write] == expected, "the lab: the DC answered \(String(describing: answers[write])) for \(write) by \(c.account)")
            let check = try #require(outcome.check(write.checkID))
            #expect(check.status == (answers[write] == true ? .pass : .fail), "\(write.checkID): \(check.message)")
        }
        let message = try #require(outcome.check("AD-003")?.message)
        #expect(message.contains(boundAsAccount ? "Token: tokenGroups read from the DC" : "Token: reconstructed from group memberships"))
        let source = boundAsAccount ? LogonToken.Source.tokenGroups : .reconstructed
        #expect(outcome.check("AD-003")?.evidence["groupSource"] == .string(source.rawValue))
    }

    @Test(arguments: [false, true])
    func theTokenListsEachSIDWithItsOrigin(boundAsAccount: Bool) async throws {
        let outcome = try await run(Self.cases[2], boundAsAccount: boundAsAccount)
        let token = try #require(outcome.check("AD-003")?.evidence["token"])
        let sids = try #require(token["sids"]?.arrayValue)
        func origin(_ name: String) -> String? {
            sids.first { $0["name"]?.stringValue == name }?["origin"]?.stringValue
        }
        #expect(origin("BUILTIN\\Pre-Windows 2000 Compatible Access") == "logonAlias")
        #expect(origin("NT AUTHORITY\\Authenticated Users") == "logon")
        #expect(origin("CORP\\MSOL_primary") == "account")
        // The primary group and the group holding it: from tokenGroups, or found by the membership walk.
        #expect(origin("CORP\\SyncPrimary") == (boundAsAccount ? "tokenGroups" : "primaryGroup"))
        #expect(origin("CORP\\SyncPrimaryOuter") == (boundAsAccount ? "tokenGroups" : "membership"))
        #expect(token["undecided"]?.arrayValue?.isEmpty == true)
        let alias = sids.first { $0["origin"]?.stringValue == "logonAlias" }
        #expect(alias?["via"]?.stringValue == "NT AUTHORITY\\Authenticated Users")
    }

    @Test func aDistributionGroupIsNeverInTheToken() async throws {
        for boundAsAccount in [false, true] {
            let outcome = try await run(Self.cases[3], boundAsAccount: boundAsAccount)
            let sids = outcome.check("AD-003")?.evidence["token"]?["sids"]?.arrayValue ?? []
            #expect(!sids.isEmpty)
            #expect(!sids.contains { $0["name"]?.stringValue == "CORP\\SyncDist" })
        }
    }

    /// A membership the reader cannot decide (SyncOpaque's groupType is hidden from it) makes the verdict an error that
    /// names it, never a pass; bound as the account, tokenGroups decides, and the DC agrees.
    @Test func anUndecidedMembershipIsAnErrorNeverAPass() async throws {
        let c = Case(account: "MSOL_opaque", ou: "OU=Opaque", user: "opaque1", dcAllows: [true, true, true])
        let reader = try await run(c, boundAsAccount: false)
        for id in Lab.rights {
            let check = try #require(reader.check(id))
            #expect(check.status == .error, "\(id): \(check.message)")
            #expect(check.message.contains("could not be judged"))
            let finding = try #require(check.findings.first)
            #expect(finding.details?["cause"] == "token-undecided")
            #expect(finding.message.contains("the groupType of 'CN=SyncOpaque,CN=Users,DC=corp,DC=example,DC=test' is not readable"))
            #expect(finding.message.contains("an ACE for CORP\\SyncOpaque"))
        }
        #expect(reader.cli.exitCode == 2, "\(reader.cli)")
        #expect(reader.check("AD-003")?.evidence["token"]?["undecided"]?.arrayValue?.count == 1)

        let own = try await run(c, boundAsAccount: true)
        let answers = try DCJudge(dc).answers(as: c.account, password: Lab.servicePassword, on: Lab.user(c.user, Lab.ou(c.ou)))
        for write in DCJudge.Write.allCases {
            #expect(answers[write] == true)
            #expect(own.check(write.checkID)?.status == .pass, "\(write.checkID): \(own.check(write.checkID)?.message ?? "")")
        }
    }

    /// Bound as the connector account, AD-004 and AD-005 compare each verdict with the DC's allowedAttributesEffective.
    @Test func theDCCrossCheckConfirmsEveryVerdictWhenBoundAsTheAccount() async throws {
        for c in [Self.cases[1], Self.cases[3]] {
            let own = try await run(c, boundAsAccount: true)
            for id in ["AD-004", "AD-005"] {
                let check = try #require(own.check(id))
                #expect(check.evidence["dcCrossCheck"] == .object(["attribute": "allowedAttributesEffective", "confirmed": 1, "disagreed": 0]))
                #expect(check.message.contains("Cross-checked with the DC's allowedAttributesEffective: 1 confirmed, 0 disagreed."))
            }
            #expect(own.check("AD-003")?.evidence["dcCrossCheck"] == nil, "Reset Password has no attribute to cross-check")
            let reader = try await run(c, boundAsAccount: false)
            for id in ["AD-004", "AD-005"] {
                #expect(reader.check(id)?.evidence["dcCrossCheck"] == nil)
                #expect(reader.check(id)?.message.contains("Not cross-checked with the DC") == true)
            }
        }
    }
}
