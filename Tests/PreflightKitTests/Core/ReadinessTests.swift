import Foundation
import PreflightTestSupport
import Testing

@testable import PreflightCore
@testable import PreflightReporting

/// A report whose per-user checks name overlapping users: the directory's by DN with `details.upn`, the tenant's by UPN.
enum ReadinessSample {
    static func check(
        _ id: String, _ status: CheckStatus, severity: Severity = .high, findings: [Finding] = [], evidence: [String: JSONValue] = [:],
        reason: SkipReason? = nil, message: String? = nil, remediation: String? = nil
    ) -> CheckResult {
        CheckResult(
            id: id, title: "\(id) title", area: id.hasPrefix("AD") ? "directory" : id.hasPrefix("INV") ? "inventory" : "connect", probe: "test", severity: severity, status: status, reason: reason,
            message: message ?? "\(id) message.", durationMs: 1, tags: [], findings: findings, evidence: evidence,
            remediation: remediation ?? "Fix \(id).", references: [])
    }

    static func right(_ id: String, _ name: String, cause: String, upn: String?, right: String) -> Finding {
        var details: [String: JSONValue] = ["cause": .string(cause), "right": .string(right), "group": "OU=Legacy,DC=corp,DC=test",
                                            "inheritanceDisabledOn": "OU=Legacy,DC=corp,DC=test"]
        if let upn { details["upn"] = .string(upn) }
        return Finding(status: .fail, target: "CN=\(name),OU=Legacy,DC=corp,DC=test", message: "\(name) lacks \(right).", details: .object(details))
    }

    static func checks(directory: CheckStatus = .fail, licence: CheckStatus = .fail, environment: CheckStatus = .pass) -> [CheckResult] {
        [
            check("AD-003", directory, severity: .critical, findings: directory == .fail ? [
                right("AD-003", "dave", cause: "inheritance-disabled-above", upn: "dave@contoso.com", right: "Reset Password"),
                right("AD-003", "erin", cause: "inheritance-disabled-above", upn: nil, right: "Reset Password"),
            ] : [], evidence: ["usersInScope": 10]),
            check("AD-004", directory == .fail ? .fail : directory, severity: .critical, findings: directory == .fail ? [
                right("AD-004", "dave", cause: "inheritance-disabled-above", upn: "dave@contoso.com", right: "Write lockoutTime")
            ] : []),
            check("AD-005", directory == .fail ? .pass : directory, severity: .critical),
            check("INV-001", .pass, evidence: ["inScope": 8]),
            check("INV-002", .pass, severity: .medium),
            check("INV-003", licence, findings: licence == .fail ? [
                Finding(status: .fail, target: "DAVE@contoso.com", message: "No P1."),
                Finding(status: .fail, target: "amy@contoso.com", message: "No P1."),
            ] : []),
            check("INV-005", .pass, severity: .medium),
            check("CON-007", environment, findings: environment == .fail ? [Finding(status: .fail, target: "SYNC01", message: "Old.")] : []),
        ]
    }

    static func report(_ checks: [CheckResult]) -> Report {
        Report(
            run: Report.RunInfo(
                id: "0f5a4d52-8c1e-4b3a-9d55-1a2b3c4d5e6f", startedAt: "2026-11-26T10:15:00Z", finishedAt: "2026-11-26T10:15:02Z",
                durationMs: 2100, host: "sync01", phase: .preflight, topology: .connectSync, cloud: .public,
                catalogDigest: "sha256:" + String(repeating: "ab", count: 32)),
            cover: Report.Cover(customer: "Contoso Ltd", tenant: "contoso.onmicrosoft.com"), checks: checks)
    }
}

@Suite("Per-user readiness")
struct ReadinessTests {
    /// Each per-user check blocks its users with its own cause: cloud-only (INV-002), no licence (INV-003), not
    /// registered (INV-005), disabled (INV-006), protected (AD-008); a user named by several has every cause.
    /// The join's user keys compare as `lowercased()` would (ASCII folded eight bytes at a time, other text lowered),
    /// and equal keys hash alike, whatever the length (words and tails), the case, or where the non-ASCII byte sits.
    @Test func userKeysCompareAsLowercasedTextDoes() {
        let texts = [
            "", "a", "A", "amy@contoso.com", "AMY@Contoso.COM", "amy@contoso.co", "Amy@contoso.comX", "exactly8", "EXACTLY8",
            "CN=Amy Lee,OU=Staff,DC=corp,DC=example,DC=test", "cn=amy lee,ou=staff,dc=corp,dc=example,dc=test",
            "zoë@contoso.com", "ZOË@contoso.com", "zoe@contoso.com", "ÉMILE.LONGER.NAME@contoso.com", "émile.longer.name@CONTOSO.com",
            "@[`{", "`@{[", "user\u{7F}@contoso.com", "USER\u{7F}@CONTOSO.COM",
        ]
        for a in texts {
            for b in texts {
                let (left, right) = (UserKey(a), UserKey(b))
                #expect((left == right) == (a.lowercased() == b.lowercased()), "\(a) vs \(b)")
                if left == right { #expect(left.hashValue == right.hashValue, "\(a) vs \(b)") }
            }
        }
    }

    @Test func eachTenantSideCauseBlocksItsUsers() throws {
        func named(_ id: String, _ targets: [String]) -> CheckResult {
            ReadinessSample.check(id, .fail, findings: targets.map { Finding(status: .fail, target: $0, message: "\(id) names it.") })
        }
        let protected = Finding(
            status: .fail, target: "CN=t0admin,OU=Admins,DC=corp,DC=test", message: "adminCount=1.",
            details: .object(["upn": .string("t0admin@contoso.com")]))
        let report = ReadinessSample.report([
            ReadinessSample.check("AD-003", .pass), ReadinessSample.check("AD-008", .fail, findings: [protected]),
            named("INV-002", ["cloud@contoso.com"]), named("INV-003", ["gail@contoso.com"]),
            named("INV-005", ["gail@contoso.com", "hank@contoso.com"]), named("INV-006", ["ivy@contoso.com"]),
        ])
        let causes = Dictionary(uniqueKeysWithValues: report.readiness.users.map { ($0.user.lowercased(), $0.blockers.map(\.cause)) })
        #expect(causes["cloud@contoso.com"] == ["not-synchronized"])
        #expect(causes["gail@contoso.com"] == ["no-licence", "not-registered"])
        #expect(causes["hank@contoso.com"] == ["not-registered"])
        #expect(causes["ivy@contoso.com"] == ["disabled"])
        #expect(causes["t0admin@contoso.com"] == ["protected-account"], "\(causes)")
        #expect(report.readiness.causes.map(\.cause).sorted() == ["disabled", "no-licence", "not-registered", "not-synchronized", "protected-account"])
    }

    @Test func usersAreJoinedByUPNAcrossTheDirectoryAndTheTenant() throws {
        let r = Readiness(checks: ReadinessSample.checks())
        // dave (AD-003, AD-004 and INV-003, joined by UPN in any case), erin (AD-003, DN only), amy (INV-003).
        #expect(r.users.map(\.user) == ["dave@contoso.com", "CN=erin,OU=Legacy,DC=corp,DC=test", "amy@contoso.com"])
        let dave = try #require(r.users.first)
        #expect(dave.dn == "CN=dave,OU=Legacy,DC=corp,DC=test")
        #expect(dave.blockers.map(\.cause) == ["inheritance-disabled-above", "no-licence"])
        #expect(dave.blockers.first?.checks == ["AD-003", "AD-004"])
        #expect(dave.blockers.first?.detail == "Reset Password, Write lockoutTime")
        #expect((r.inScope, r.inScopeSource, r.blocked, r.ready, r.unknown, r.blockedByEnvironment) == (8, "inventory", 3, 5, 0, 0))
        #expect(r.causes.map(\.users) == [2, 2])
        #expect(r.headline == "5 of 8 in-scope users can reset their password with writeback today: 3 blocked by causes of their own.")
    }

    @Test func usersWhoseUPNsDifferAreJoinedByTheImmutableID() throws {
        // AD knows frank as frank@corp.local (an alternate login ID in Entra); his consistency GUID, in base64, is Entra's
        // onPremisesImmutableId for frank.smith@contoso.com. Another user with an unrelated id stays apart.
        let immutableID = GUID(literal: "0b7e1c4d-2f3a-4e5b-9c6d-7e8f90a1b2c3").immutableID
        var right = ReadinessSample.right("AD-003", "frank", cause: "inheritance-disabled-above", upn: "frank@corp.local", right: "Reset Password")
        if case .object(var details)? = right.details {
            details["immutableId"] = .string(immutableID)
            right.details = .object(details)
        }
        let checks = [
            ReadinessSample.check("AD-003", .fail, severity: .critical, findings: [right], evidence: ["usersInScope": 4]),
            ReadinessSample.check("AD-004", .pass, severity: .critical), ReadinessSample.check("AD-005", .pass, severity: .critical),
            ReadinessSample.check("INV-001", .pass, evidence: ["inScope": 4]),
            ReadinessSample.check("INV-002", .pass, severity: .medium), ReadinessSample.check("INV-005", .pass, severity: .medium),
            ReadinessSample.check("INV-003", .fail, findings: [
                Finding(status: .fail, target: "frank.smith@contoso.com", message: "No P1.", details: ["immutableId": .string(immutableID)]),
                Finding(status: .fail, target: "gina@contoso.com", message: "No P1.", details: ["immutableId": "AAAAAAAAAAAAAAAAAAAAAA=="]),
            ]),
        ]
        let r = Readiness(checks: checks)
        #expect(r.users.map(\.user) == ["frank@corp.local", "gina@contoso.com"])
        let frank = try #require(r.users.first)
        #expect(frank.dn == "CN=frank,OU=Legacy,DC=corp,DC=test")
        #expect(frank.blockers.map(\.cause) == ["inheritance-disabled-above", "no-licence"])
        #expect(frank.blockers.map(\.checks) == [["AD-003"], ["INV-003"]])
        #expect((r.blocked, r.ready) == (2, 2))
    }

    @Test func aSideNotAssessedMakesUsersUnknownNotReady() {
        let r = Readiness(checks: ReadinessSample.checks(directory: .skip, licence: .pass))
        #expect(r.ready == 0 && r.unknown == 8 && r.blocked == 0)
        #expect(r.notAssessed.map(\.check) == ["AD-003", "AD-004", "AD-005"])
        #expect(r.headline.hasPrefix("0 of 8 in-scope users can reset"))
        #expect(r.headline.contains("8 unknown"))
        // A per-user check missing from the report (not selected) is not assessed either.
        let narrowed = Readiness(checks: ReadinessSample.checks(licence: .pass).filter { $0.id != "INV-005" })
        #expect(narrowed.ready == 0 && narrowed.notAssessed.map(\.check) == ["INV-005"])
    }

    @Test func anEnvironmentWideFailureBlocksEveryoneElse() {
        let r = Readiness(checks: ReadinessSample.checks(environment: .fail))
        #expect(r.environmentBlockers == ["CON-007"])
        #expect((r.ready, r.blocked, r.blockedByEnvironment) == (0, 3, 5))
        #expect(ActionPlan.actions(ReadinessSample.report(ReadinessSample.checks(environment: .fail))).first?.checks == ["CON-007"])
    }

    @Test func actionsNameTheUsersTheyFixOnce() throws {
        let actions = ActionPlan.actions(ReadinessSample.report(ReadinessSample.checks()))
        let inheritance = try #require(actions.first)
        #expect(inheritance.text == "Re-enable inheritance on OU=Legacy,DC=corp,DC=test, or grant the writeback rights there")
        #expect(inheritance.subjects == ["dave@contoso.com", "CN=erin,OU=Legacy,DC=corp,DC=test"] && inheritance.impact == "fixes 2 users")
        #expect(actions.map(\.checks) == [["AD-003", "AD-004"], ["INV-003"]])
    }

    @Test func theJSONReportCarriesReadinessAndValidates() async throws {
        let folder = try TemporaryFolder("readiness")
        let text = JSONReporter.render(ReadinessSample.report(ReadinessSample.checks()))
        let path = try folder.write("report.json", text)
        try await SchemaValidator.validate(reportAt: path)
        let parsed = try JSONReporter.parse(Data(text.utf8), file: "report.json")
        #expect(parsed.readiness.blocked == 3)
        #expect(text.contains("\"readiness\" : {"))
    }

    @Test func theUsersCSVHasEveryBlockedUser() {
        let csv = UsersCSVReporter.render(ReadinessSample.report(ReadinessSample.checks()))
        let lines = csv.dropFirst().split(separator: "\r\n")
        #expect(lines.first == "user,dn,state,causes,blockers,checks,domain")
        #expect(lines.count == 4)
        #expect(lines[1].hasPrefix("dave@contoso.com,\"CN=dave,OU=Legacy,DC=corp,DC=test\",blocked,inheritance-disabled-above; no-licence,"))
    }
}
