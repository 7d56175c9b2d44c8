import Foundation
import PreflightTestSupport
import Testing

import PreflightKit

/// `preflight why USER` against the lab's real Samba AD DC (scripts/lab/SCENARIOS.md): the demo's Entra Connect export
/// (MSOL_root, the whole domain but CN=Users) and monitoring exports, with a tenant whose users are the lab's, written in
/// the layouts of the demo's exports (examples/demo/inventory). Told live and from saved facts.
@Suite("why: one user's story")
struct WhyCommandTests {
    /// The checks the stories rest on: rights, protection, inheritance and the tenant. AD-011 (a control Samba lacks) and CON-007 (the 2016 export's build) would block everyone: left out.
    static let only = "AD-001,AD-002,AD-003,AD-004,AD-005,AD-008,AD-009,INV-001,INV-002,INV-003,INV-005,INV-006"
    /// After go-live: the two monitoring checks that read the events naming users (both fail in the demo's logs: carol's
    /// 33004 and her failed self-service reset, so they block everyone).
    static let health = only + ",MON-003,MON-004"
    static let base = SambaDC.baseDN

    /// One folder, configuration and saved run per test process.
    struct Lab: Sendable {
        let folder: TemporaryFolder
        let config: String
        let facts: String
        /// A run of the health phase, with the monitoring checks.
        let healthFacts: String

        func why(_ arguments: [String]) async throws -> CLIResult {
            try await CLI.run(["why"] + arguments, environment: ["LAB_PASSWORD": SambaDC.readerPassword], timeout: 180)
        }

        func live(_ user: String, _ more: [String] = []) async throws -> CLIResult {
            try await why([user, "--config", config, "--only", WhyCommandTests.only] + more)
        }

        func saved(_ user: String, _ more: [String] = []) async throws -> CLIResult { try await why([user, "--facts", facts] + more) }

        /// The JSON output, read back as the model it was written from.
        func story(_ result: CLIResult) throws -> UserStory {
            try JSONDecoder().decode(UserStory.self, from: Data(result.stdout.utf8))
        }
    }

    static let lab = Task<Lab, any Error> {
        let folder = try TemporaryFolder("why")
        let dc = try await SambaLab.shared()
        try LabTenant.write(in: folder)
        let demo = Repository.root.appendingPathComponent("examples/demo").path
        let config = try LabTenant.configuration(
            in: folder, dc: dc, topology: "connect-sync",
            sections: """
                monitoring:
                  events: "\(demo)/monitoring/application-log.csv"
                  audit: "\(demo)/monitoring/audit-log.csv"
                connect:
                  export: "\(demo)/connect-export"
                """)
        func save(_ name: String, _ arguments: [String]) async throws -> String {
            let facts = folder.url("\(name).json")
            let run = try await CLI.run(
                ["run", "--config", config, "--out", folder.url(name), "--format", "json,users-csv", "--save-facts", facts] + arguments,
                environment: ["LAB_PASSWORD": SambaDC.readerPassword], timeout: 180)
            guard run.exitCode == 1, FileManager.default.fileExists(atPath: facts) else { throw SambaDC.LabError(description: "\(run)") }
            return facts
        }
        return Lab(
            folder: folder, config: config, facts: try await save("facts", ["--only", only]),
            healthFacts: try await save("health", ["--only", health, "--phase", "health"]))
    }

    static func right(_ story: UserStory, _ id: String) -> UserStory.Right? { story.rights.first { $0.id == id } }
    static func causes(_ story: UserStory) -> [String] { story.verdict.blockers.map(\.cause) }

    /// The per-user readiness CSV of the saved run: user → causes.
    static func usersCSV(_ lab: Lab) throws -> [String: String] {
        let rows = try lab.folder.read("facts/latest.users.csv").split(separator: "\r\n").dropFirst()
        var causes: [String: String] = [:]
        for row in rows {
            // RFC 4180: the DN column is quoted (it holds commas).
            var fields: [String] = [""], quoted = false
            for character in row {
                if character == "\"" { quoted.toggle() } else if character == ",", !quoted { fields.append("") } else { fields[fields.count - 1].append(character) }
            }
            causes[fields[0]] = fields[3]
        }
        return causes
    }

    @Test func aReadyUserShowsTheAllowACEOfEachRightAndTheContainerItCameFrom() async throws {
        let lab = try await Self.lab.value
        let result = try await lab.saved("alice", ["--format", "json"])
        #expect(result.exitCode == 0, "\(result)")
        let story = try lab.story(result)
        #expect(story.verdict.state == .ready)
        for (id, check) in [("reset-password", "AD-003"), ("write-lockoutTime", "AD-004"), ("write-pwdLastSet", "AD-005")] {
            let right = try #require(Self.right(story, id))
            #expect(right.verdict == .granted && right.checks == [check], "\(right)")
            let decided = try #require(right.aces.first)
            #expect(decided.decided && decided.effect == "allow")
            #expect(decided.inheritedFrom == Self.base, "the root's grant to MSOL_root: \(decided)")
            #expect(decided.sddl.hasSuffix("-1103)"), "MSOL_root's RID")
        }
        let tenant = story.tenant
        #expect([tenant.inUsersExport, tenant.synchronized, tenant.enabled, tenant.licence, tenant.registration].allSatisfy { $0.answer == .yes })
        #expect(story.scope.synchronization.answer == .yes && story.scope.sspr.answer == .yes)
        let token = try #require(story.token)
        #expect(token.account == "CORP\\MSOL_root")
        #expect(token.sids.contains { $0.sid == "S-1-5-11" && $0.origin == "logon" })
        // Consistent with the per-user readiness of the same run: a ready user has no row.
        #expect(try Self.usersCSV(lab)["alice@corp.example.test"] == nil)

        let text = try await lab.saved("alice")
        #expect(text.stdout.hasPrefix("READY: alice@corp.example.test\n"), "\(text)")
        #expect(text.stdout.contains("    decided: allow to CORP\\MSOL_root, inherited from '\(Self.base)': (OA;CIID;CR;00299570-"))
    }

    @Test func aUserBehindADenyACEIsBlockedAndTheStoryNamesTheACEAndItsContainer() async throws {
        let lab = try await Self.lab.value
        let result = try await lab.saved("carol@corp.example.test", ["--format", "json"])
        #expect(result.exitCode == 1, "\(result)")
        let story = try lab.story(result)
        #expect(story.verdict.state == .blocked && Self.causes(story) == ["denied-inherited"])
        let reset = try #require(Self.right(story, "reset-password"))
        #expect(reset.verdict == .missing && reset.cause == "denied-inherited")
        try #require(reset.aces.count == 2, "the deny, then the root's allow it shadows: \(reset.aces)")
        #expect(reset.aces[0].effect == "deny" && reset.aces[0].decided && reset.aces[0].inheritedFrom == "OU=Denied,OU=Staff,\(Self.base)")
        #expect(reset.aces[1].effect == "allow" && !reset.aces[1].decided && reset.aces[1].inheritedFrom == Self.base)
        // Only Reset Password is denied: lockoutTime and pwdLastSet stay granted (SCENARIOS.md, measured).
        #expect(Self.right(story, "write-lockoutTime")?.verdict == .granted)
        #expect(story.monitoring.notRead?.contains("the monitoring checks run in the health phase") == true)
        // After go-live the logs name her: the 33004 of the Connect server and the failed self-service reset, and the
        // monitoring checks that fail on them block everyone.
        let health = try lab.story(try await lab.why(["carol", "--facts", lab.healthFacts, "--format", "json"]))
        #expect(Self.causes(health) == ["denied-inherited"] && health.verdict.environment == ["MON-003", "MON-004"], "\(health.verdict)")
        let events = health.monitoring.events
        #expect(events.contains { $0.what == "33004 PasswordResetService" && $0.log == "event log" }, "\(events)")
        #expect(events.contains { $0.what == "Reset password (self-service)" && $0.result.hasPrefix("failure") })
        #expect(!events.contains { $0.text.contains("alice@") }, "only carol's")
        #expect(try Self.usersCSV(lab)["carol@corp.example.test"] == "denied-inherited", "the same cause as users-csv")

        let text = try await lab.saved("carol")
        #expect(text.stdout.contains(
            "    decided: deny to CORP\\MSOL_root, inherited from 'OU=Denied,OU=Staff,\(Self.base)': (OD;CIID;CR;00299570-"), "\(text)")
        #expect(text.stdout.contains("    not reached: allow to CORP\\MSOL_root, inherited from '\(Self.base)'"))
    }

    @Test func aProtectedUserIsBlockedAsProtectedWithItsGroupsAndItsOwnDACL() async throws {
        let lab = try await Self.lab.value
        let result = try await lab.saved("t0admin", ["--format", "json"])
        #expect(result.exitCode == 1, "\(result)")
        let story = try lab.story(result)
        #expect(Self.causes(story) == ["protected-account"])
        #expect(story.verdict.blockers.first?.checks.contains("AD-008") == true)
        let account = try #require(story.account)
        #expect(account.protected.answer == .yes && account.protected.detail.contains("adminCount=1; member of Domain Admins"), "\(account)")
        #expect(account.inheritanceDisabled.detail == "Inheritance is disabled on the user object itself.")
        let reset = try #require(Self.right(story, "reset-password"))
        #expect(reset.cause == "protected-account" && reset.aces.isEmpty, "no ACE of its own grants it")
        #expect(try Self.usersCSV(lab)["t0admin@corp.example.test"] == "protected-account")
    }

    @Test func inheritanceDisabledAboveAndAGrantForAnotherClassNameTheirContainers() async throws {
        let lab = try await Self.lab.value
        let dave = try lab.story(try await lab.saved("dave", ["--format", "json"]))
        #expect(Self.causes(dave) == ["inheritance-disabled-above"])
        #expect(dave.account?.inheritanceDisabled.detail == "Inheritance is disabled on 'OU=Legacy,OU=Staff,\(Self.base)'.")
        let explanation = Self.right(dave, "reset-password")?.explanation ?? ""
        #expect(explanation.contains("Inheritance is disabled on 'OU=Legacy,OU=Staff,\(Self.base)', so the grant at '\(Self.base)' does not reach"))
        let frank = try lab.story(try await lab.saved("CORP\\frank", ["--format", "json"]))
        #expect(frank.user.objectClass == "inetOrgPerson" && Self.causes(frank) == ["grant-for-other-class"])
    }

    @Test func aUserOutsideTheScopeIsFoundLiveAndTheFilterThatExcludesThemIsNamed() async throws {
        let lab = try await Self.lab.value
        let live = try await lab.live("preflight-reader", ["--format", "json"])
        #expect(live.exitCode == 1, "\(live)")
        let story = try lab.story(live)
        #expect(story.user.dn == "CN=preflight-reader,CN=Users,\(Self.base)")
        #expect(story.user.foundIn.first?.hasPrefix("a directory lookup made now") == true)
        let scope = story.scope.synchronization
        #expect(scope.answer == .no)
        #expect(scope.detail.hasPrefix("Below 'CN=Users,\(Self.base)', which the Entra Connect export's OU filter (connector 'contoso.com'"), "\(scope)")
        #expect(scope.detail.hasSuffix("excludes, which is more specific than the inclusion '\(Self.base)'."), "\(scope)")
        #expect(Self.causes(story).first == "out-of-scope" && story.rights.isEmpty, "no right is judged outside the scope")

        // From saved facts the DN gives the same reason.
        let saved = try lab.story(try await lab.saved("CN=preflight-reader,CN=Users,\(Self.base)", ["--format", "json"]))
        #expect(saved.scope.synchronization == scope)
        #expect(Self.causes(saved) == ["out-of-scope"])
    }

    @Test func aUserWithoutALicenceIsBlockedByTheLicenceAlone() async throws {
        let lab = try await Self.lab.value
        let result = try await lab.saved("bob@corp.example.test", ["--format", "json"])
        #expect(result.exitCode == 1, "\(result)")
        let story = try lab.story(result)
        #expect(Self.causes(story) == ["no-licence"] && story.verdict.blockers.first?.checks == ["INV-003"])
        #expect(story.tenant.licence.answer == .no)
        // Office 365 E3 carries no Entra ID P1 or P2 plan: the SKU is listed, with no plan that grants writeback.
        #expect(story.tenant.licences?.skus == [UserStory.Licence(sku: "ENTERPRISEPACK", product: "Office 365 E3", plans: [])], "\(String(describing: story.tenant.licences))")
        #expect(Self.right(story, "reset-password")?.verdict == .granted)
        #expect(try Self.usersCSV(lab)["bob@corp.example.test"] == "no-licence")
    }

    @Test func anUnknownUserIsAnErrorNamingTheValueAndHowToListTheUsers() async throws {
        let lab = try await Self.lab.value
        for result in [try await lab.saved("nobody"), try await lab.live("nobody@corp.example.test")] {
            #expect(result.exitCode == 67 && result.stdout.isEmpty, "\(result)")
            #expect(result.stderr.hasPrefix("preflight: error: No user 'nobody"), "\(result)")
            #expect(result.stderr.contains("List the users the facts hold with 'preflight why --list'"), "\(result)")
        }
        let saved = try await lab.saved("nobody")
        #expect(saved.stderr.contains("Saved facts keep only in-scope users: a live run ('preflight why USER --config FILE') also looks"))
        let list = try await lab.why(["--list", "--facts", lab.facts])
        #expect(list.exitCode == 0)
        #expect(list.stdout.contains("alice@corp.example.test\talice\tCN=alice,OU=Staff,\(Self.base)\n"), "\(list)")
        #expect(!list.stdout.contains("preflight-reader"), "CN=Users is out of scope")
    }

    @Test func theLiveRunAndItsSavedFactsTellTheSameStory() async throws {
        let lab = try await Self.lab.value
        for user in ["alice", "carol", "t0admin", "bob@corp.example.test"] {
            let live = try await lab.live(user, ["--format", "json"])
            let saved = try await lab.saved(user, ["--format", "json"])
            #expect(live.exitCode == saved.exitCode && live.stderr.isEmpty && saved.stderr.isEmpty, "\(live)\n\(saved)")
            var liveStory = try lab.story(live)
            let savedStory = try lab.story(saved)
            #expect(liveStory.source.hasPrefix("a run made now on "))
            #expect(savedStory.source.hasPrefix("the facts saved in \(lab.facts) by preflight"))
            liveStory.source = savedStory.source
            #expect(liveStory == savedStory, "\(user): the live and saved stories differ")
        }
    }

    @Test func aSideNotAssessedIsUnknownNeverReady() async throws {
        let lab = try await Self.lab.value
        let result = try await lab.why(
            ["alice", "--config", lab.config, "--only", "AD-001,AD-002,AD-003,AD-004,AD-005", "--format", "json"])
        #expect(result.exitCode == 2, "\(result)")
        let verdict = try lab.story(result).verdict
        #expect(verdict.state == .unknown)
        #expect(verdict.unknown.contains("synchronization: INV-002 was not run"), "\(verdict.unknown)")
        #expect(verdict.unknown.contains("licence: INV-003 was not run"), "\(verdict.unknown)")
    }

    @Test func optionsOfALiveRunAreRefusedWithSavedFacts() async throws {
        let lab = try await Self.lab.value
        let result = try await lab.saved("alice", ["--phase", "health"])
        #expect(result.exitCode == 64, "\(result)")
        #expect(result.stderr.contains("--phase applies to a run made now; with --facts the saved run's configuration and selection are judged."))
        let none = try await lab.why(["--facts", lab.facts])
        #expect(none.exitCode == 64 && none.stderr.contains("Name the user"), "\(none)")
    }

    /// The text and JSON of one whole story, byte for byte (the run's id, host, time and the test's folder replaced).
    @Test func theStoryOfAUserBehindADenyACEMatchesItsSnapshots() async throws {
        let lab = try await Self.lab.value
        func normalized(_ text: String) -> String {
            text.replacingOccurrences(of: lab.folder.path, with: "<folder>")
                .replacingOccurrences(of: Repository.root.path, with: "<repository>")
                .replacingOccurrences(of: #"by preflight \S+ on \S+ at \S+ \(run [0-9a-f-]+\)"#, with: "by preflight <version> on <host> at <time> (run <id>)", options: .regularExpression)
        }
        let arguments = ["carol", "--facts", lab.healthFacts]
        assertSnapshot(normalized(try await lab.why(arguments).stdout), named: "why-carol.txt")
        assertSnapshot(normalized(try await lab.why(arguments + ["--format", "json"]).stdout), named: "why-carol.json")
    }
}

/// The tenant's exports for the lab's users, in the demo exports' layouts (their header lines are copied): alice, carol,
/// dave, erin, frank and t0admin with Microsoft 365 E3 (P1 included); bob with Office 365 E3 (no P1); every one
/// synchronized, enabled, registered and in the SSPR scope group.
enum LabTenant {
    static let users = ["alice", "bob", "carol", "dave", "erin", "frank", "t0admin"]

    /// A configuration for the lab's DC, read as the reader (password in LAB_PASSWORD), with `sections` (the sync
    /// engine's) and the tenant's exports as `write` names them.
    static func configuration(in folder: TemporaryFolder, dc: SambaDC, topology: String, sections: String) throws -> String {
        try folder.write(
            "preflight.yml",
            """
            phase: preflight
            topology: \(topology)
            timeoutSeconds: 60
            ldap:
              url: "\(dc.ldapsURL)"
              caFile: "\(dc.caFile)"
              bindDN: "\(SambaDC.readerUPN)"
              passwordEnv: LAB_PASSWORD
            \(sections)
            inventory:
              users: users.csv
              licenses: licenses.csv
              registration: registration.csv
              scopeGroup: sspr-scope-group.csv

            """)
    }

    static func write(in folder: TemporaryFolder, users: [String] = users) throws {
        let demo = Repository.root.appendingPathComponent("examples/demo/inventory").path
        func header(_ file: String) throws -> String {
            let text = try String(contentsOfFile: "\(demo)/\(file)", encoding: .utf8)
            return String(text.split(whereSeparator: \.isNewline).first ?? "").replacingOccurrences(of: "\u{FEFF}", with: "")
        }
        func id(_ index: Int) -> String { String(format: "6513270e-269e-4d37-b2a7-%012d", index + 1) }
        let columns = try header("users.csv").split(separator: ",").map(String.init)
        var rows = ["\u{FEFF}" + columns.joined(separator: ",")]
        for (index, user) in users.enumerated() {
            let values: [String: String] = [
                "userPrincipalName": "\(user)@corp.example.test", "displayName": user.capitalized, "id": id(index), "userType": "Member",
                "accountEnabled": "True", "directorySynced": "True", "identityIssuer": "contoso.onmicrosoft.com",
                "createdDateTime": "1/1/2022 9:00:00 AM",
            ]
            rows.append(columns.map { values[$0] ?? "" }.joined(separator: ","))
        }
        try folder.write("users.csv", rows.joined(separator: "\r\n") + "\r\n")

        let e3 = "\"05e9a617-0261-4cee-bb44-138d3ef5d965\",\"SPE_E3\",\"\""
        let o365 = "\"6fd2c87f-b296-42f0-b197-1e91e994b900\",\"ENTERPRISEPACK\",\"\""
        try folder.write(
            "licenses.csv",
            ([try header("licenses.csv")] + users.map { "\"\($0)@corp.example.test\"," + ($0 == "bob" ? o365 : e3) }).joined(separator: "\n") + "\n")
        try folder.write(
            "registration.csv",
            ([try header("registration.csv")] + users.enumerated().map { index, user in
                "\"\(id(index))\",\"\(user)@corp.example.test\",\"\(user.capitalized)\",\"member\",\"False\",\"True\",\"True\",\"False\",\"True\","
                    + "\"True\",\"True\",\"microsoftAuthenticatorPush\",\"11/20/2026 8:00:00 AM\""
            }).joined(separator: "\n") + "\n")
        try folder.write(
            "sspr-scope-group.csv",
            ([try header("sspr-scope-group.csv")] + users.enumerated().map { index, user in
                "\"\(id(index))\",\"\(user)@corp.example.test\",\"#microsoft.graph.user\""
            }).joined(separator: "\n") + "\n")
    }
}
