import Foundation
import PreflightTestSupport
import Testing

@testable import PreflightCore
@testable import PreflightEngine
@testable import PreflightInventory
@testable import PreflightKit
@testable import PreflightReporting

/// Issue #18, "nothing lost": the JSON report lists every finding (written as a stream, byte for byte what JSONEncoder
/// wrote), the human formats show the first ones with the count and where the rest are, the action plan has a row per
/// action and the subjects CSV a row per subject.
@Suite("Complete lists: the JSON report, the action plan, the subjects CSV")
struct CompleteListsTests {
    let folder = try! TemporaryFolder("complete-lists")

    /// What JSONReporter wrote before it streamed: the output the streamed JSON must equal.
    static func encodedByFoundation(_ report: Report) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return String(decoding: try encoder.encode(JSONReporter.Document(report)), as: UTF8.self) + "\n"
    }

    /// What the sample lacks: waivers, a gate, a comparison with a baseline, nested evidence, numbers that are not whole,
    /// keys JSONEncoder sorts by their bytes, every character it escapes and some it does not.
    static var varied: Report {
        var report = SampleReport.value
        report.checks.append(
            CheckResult(
                id: "CON-007", title: "Connect build \"supported\" / current", area: "connect", probe: "connect.version", severity: .high,
                status: .warn, reason: nil, message: "Tab\there, line\nbreak, quote \" back\\slash / slash, bell \u{07}, unit \u{1F}, del \u{7F}, "
                    + "separator \u{2028}, 🚀, Zoë.", durationMs: 7, tags: ["connect", "Version"],
                findings: [
                    Finding(status: .warn, target: "sync01.corp.example.test", message: "Old.", details: ["ratio": 0.875, "tiny": 1e-7, "nested": [
                        "Zeta": [1, 2.5, "x", .null, true], "alpha": [:], "Émile": "é", "a10": 1, "a2": 2, "": "empty key", "B": [],
                    ]]),
                    Finding(status: .error, target: "sync02", message: "Unknown.", details: "just a string"),
                ],
                evidence: ["big": 1.5e300, "negative": -3, "fraction": 0.1, "list": [[:], [], ["k": "v"]], "flag": false],
                remediation: "Upgrade:\n\n```\nInstall-Module\n```", references: []))
        // A per-user check that could not judge one user: `readiness.users[].undecided`.
        report.checks.append(
            CheckResult(
                id: "INV-005", title: "Registered", area: "inventory", probe: "inventory", severity: .medium, status: .warn, reason: nil,
                message: "1 not registered.", durationMs: 1, tags: [],
                findings: [
                    Finding(status: .warn, target: "amy@contoso.com", message: "Not registered for SSPR."),
                    Finding(status: .error, target: "CN=User 1,OU=Staff,DC=corp,DC=example,DC=test", message: "Unknown."),
                ], evidence: [:], remediation: "", references: []))
        report = Report(run: report.run, cover: report.cover, notices: report.notices, checks: report.checks)
        report.apply(
            [
                Waiver(check: "AD-003", target: "CN=*,OU=Staff,DC=corp,DC=example,DC=test", justification: "Accepted", expires: "2027-06-30",
                       approvedBy: "J. Doe", source: "w.yml:2"),
                Waiver(check: "AD-013", justification: "Stale", expires: "2027-06-30", source: "w.yml:7"),
            ], at: ISO8601DateFormatter().date(from: "2026-11-26T10:15:00Z") ?? Date())
        report.apply(Gate(failOn: .high, strict: true))
        report.changes = ReportComparison.compare(
            baseline: SampleReport.value, baselineFile: "before.json", current: report, currentFile: "after.json")
        return report
    }

    @Test func theStreamedJSONIsByteForByteWhatJSONEncoderWrites() throws {
        for (name, report) in [
            ("sample", SampleReport.value), ("readiness", ReadinessSample.report(ReadinessSample.checks())), ("varied", Self.varied),
        ] {
            let streamed = JSONReporter.render(report)
            let expected = try Self.encodedByFoundation(report)
            #expect(
                streamed == expected,
                "\(name):\n\(Snapshot.lineDiff(from: Data(expected.utf8), to: Data(streamed.utf8), names: ("JSONEncoder", "streamed")))")
        }
    }

    @Test func theJSONIsWrittenInChunksAndAFailedWriteIsReported() throws {
        let report = Self.large(findings: 20_000)
        var chunks: [Int] = []
        var bytes: [UInt8] = []
        let stream = ReportStream { chunk in
            chunks.append(chunk.count)
            bytes += chunk
        }
        try JSONReporter.write(report, to: stream)
        try stream.finish()
        #expect(chunks.count > 10 && chunks.dropLast().allSatisfy { $0 >= ReportStream.chunkBytes && $0 < 2 * ReportStream.chunkBytes }, "\(chunks)")
        #expect(String(decoding: bytes, as: UTF8.self) == JSONReporter.render(report))

        // A sink that fails (a full disk) ends the writing with its error, however deep in the findings it happens.
        struct Full: Error {}
        var handed = 0
        let failing = ReportStream { chunk in
            handed += chunk.count
            if handed > 3 * ReportStream.chunkBytes { throw Full() }
        }
        #expect(throws: Full.self) {
            try JSONReporter.write(report, to: failing)
            try failing.finish()
        }
    }

    /// A report whose INV-003 names `findings` users, as a 100,000-user tenant's does.
    static func large(findings: Int) -> Report {
        let users = (1...findings).map { Finding(status: .fail, target: "user\($0)@contoso.com", message: "Synchronized user without a SKU that includes Entra ID P1 or P2.") }
        var report = SampleReport.value
        report.checks.append(
            CheckResult(
                id: "INV-003", title: "Every in-scope synchronized user has an enabled Entra ID P1 or P2 plan", area: "inventory",
                probe: "inventory", severity: .high, status: .fail, reason: nil, message: "\(findings) users have no P1 or P2 plan.",
                durationMs: 5, tags: [], findings: users, evidence: ["unlicensed": .int(findings)], remediation: "Assign a licence.",
                references: []))
        return Report(run: report.run, cover: report.cover, notices: report.notices, checks: report.checks)
    }

    /// Long arrays (a check's findings, `readiness.users`, an action's subjects) are encoded in parts on two threads: the
    /// bytes are JSONEncoder's whatever the part size (one element, parts that end mid-array, exactly one part, more than
    /// all), with targets that need escaping, users with and without an immutable id, DNs and details in the parts.
    @Test func longArraysEncodedInPartsOnTwoThreadsAreByteForByteWhatJSONEncoderWrites() throws {
        let unusual = [
            "quote\"d@contoso.com", "back\\slash@contoso.com", "tab\there@contoso.com", "line\nbreak@contoso.com", "bell\u{07}@contoso.com",
            "unit\u{1F}@contoso.com", "del\u{7F}@contoso.com", "slash/ok@contoso.com", "separator\u{2028}@contoso.com", "🚀@contoso.com",
            "Zoë@contoso.com", "CN=Ann \\, Lee,OU=Staff,DC=corp,DC=example,DC=test", "",
        ]
        let users = (0..<1_500).map { index in
            let target = index < unusual.count ? unusual[index] : "User.\(index)@Contoso.com"
            let details: JSONValue? = index % 3 == 0 ? ["immutableId": .string("id\(index)+/=")] : nil
            return Finding(status: index % 50 == 7 ? .error : .fail, target: target, message: "Not registered \"\(index)\".", details: details)
        }
        var report = Self.varied
        report.checks.append(
            CheckResult(
                id: "INV-002", title: "Synchronized", area: "inventory", probe: "inventory", severity: .high, status: .fail, reason: nil,
                message: "Cloud-only users.", durationMs: 3, tags: [], findings: users, evidence: [:], remediation: "", references: []))
        report = Report(run: report.run, cover: report.cover, notices: report.notices, checks: report.checks)
        #expect(report.readiness.users.count > 1_000 && report.checks.contains { $0.findings.count == 1_500 })
        let expected = try Self.encodedByFoundation(report)
        for partSize in [1, 2, 7, 500, 1_499, 1_500, 1_501, JSONStreamWriter.defaultPartSize] {
            var bytes: [UInt8] = []
            let stream = ReportStream { bytes += $0 }
            try JSONReporter.write(report, to: stream, partSize: partSize)
            try stream.finish()
            let streamed = String(decoding: bytes, as: UTF8.self)
            #expect(
                streamed == expected,
                "part size \(partSize):\n\(Snapshot.lineDiff(from: Data(expected.utf8), to: Data(streamed.utf8), names: ("JSONEncoder", "in parts")))")
        }
    }

    @Test func moreThanFiveThousandFindingsAreAllInTheJSONAndTheMarkdownSaysWhere() async throws {
        let report = Self.large(findings: 6_001)
        let path = try folder.write("large.json", JSONReporter.render(report))
        try await SchemaValidator.validate(reportAt: path)
        let parsed = try JSONReporter.load(path)
        let licences = try #require(parsed.checks.first { $0.id == "INV-003" })
        #expect(licences.findings.count == 6_001 && licences.findings.last?.target == "user6001@contoso.com")
        #expect(parsed.readiness.causes.first { $0.cause == "no-licence" }?.users == 6_001)
        #expect(parsed.readiness.users.count == 6_001 + 30, "and AD-003's 30 users")

        let markdown = MarkdownReporter.render(report)
        #expect(markdown.contains("**Findings** (6001)"))
        #expect(markdown.contains("| fail | user25@contoso.com |") && !markdown.contains("| fail | user26@contoso.com |"))
        #expect(
            markdown.contains(
                "…and 5,976 more: all 6,001 are in the JSON report (`preflight-20261126T101500Z.json`, `checks[].findings`) and the "
                    + "subjects CSV (`preflight-20261126T101500Z.subjects.csv`, `--format subjects-csv`)."), "\(markdown)")
        let html = HTMLReporter.render(report)
        #expect(html.contains("…and 5,801 more: all 6,001 are in the JSON report (<code>preflight-20261126T101500Z.json</code>"))
        #expect(html.components(separatedBy: "user6001@contoso.com").count == 1, "the HTML shows the first 200, not the last")
    }

    /// The real inventory probe on a generated tenant: more than 5,000 findings in INV-003, and as many as its counts say.
    @Test func theInventoryChecksListEveryUserTheyName() async throws {
        let files = try GeneratedTenant(users: 30_000).write(in: folder, as: "big")
        let results = try await runInventoryChecks(
            ["INV-001", "INV-002", "INV-003", "INV-005"],
            InventoryFixture.settings(users: files.users, licenses: files.licenses, registration: files.registration, scope: files.scope))
        let licences = try #require(results["INV-003"])
        let unlicensed = try #require(licences.count("unlicensed")), unknown = try #require(licences.count("unknown"))
        #expect(licences.findings.count == unlicensed + unknown && licences.findings.count > 5_000, "\(licences.message)")
        #expect(Set(licences.findings.map(\.target)).count == licences.findings.count, "one finding per user")
        #expect(!licences.message.contains("are listed"))
        let registration = try #require(results["INV-005"])
        #expect(registration.findings.count == registration.count("unregistered"))
        let cloudOnly = try #require(results["INV-002"])
        #expect(cloudOnly.findings.count == cloudOnly.count("cloudOnlyInScope"))
    }

    @Test func aCheckFileWithTheOldListLimitIsRefusedSayingWhy() throws {
        let temporary = try TemporaryFolder("list-limit")
        let catalog = TestCatalog(in: temporary)
        try catalog.file(
            "INV-103.yml",
            """
            id: INV-103
            title: Licences, the first hundred users
            description: A copy of INV-003 with the list limit earlier versions read.
            probe: inventory
            judgement: licenses
            severity: high
            params: {listLimit: 100}
            """)
        #expect {
            _ = try catalog.load()
        } throws: { error in
            "\(error)".contains("INV-103.yml:7:")
                && "\(error)".contains("'params.listLimit' is no longer read: every check lists all the users it names")
        }
    }
}

@Suite("Complete lists: the report's size")
struct ReportSizeTests {
    /// A million-user tenant's report holds a finding per user and a readiness entry per blocked user.
    /// `JSONFastPaths` writes these types' members by hand: a stored property added to one of them must be added there.
    @Test func theTypesWrittenByHandHaveTheMembersTheirWriterKnows() {
        func labels(_ value: Any) -> [String] { Mirror(reflecting: value).children.compactMap(\.label) }
        #expect(labels(Finding(status: .fail, target: "t", message: "m")) == ["status", "target", "message", "extra"])
        #expect(labels(Readiness.User(user: "u", dn: nil, blockers: [], undecided: [])) == ["user", "dn", "blockers", "undecided"])
        #expect(labels(Readiness.Blocker(cause: "c", checks: [], detail: nil)) == ["cause", "checks", "detail"])
    }

    @Test func aFindingAndAReadinessUserAreSmallAndKeepTheirValues() throws {
        #expect(MemoryLayout<Finding>.stride <= 48, "\(MemoryLayout<Finding>.stride)")
        #expect(MemoryLayout<Readiness.User>.stride <= 48, "\(MemoryLayout<Readiness.User>.stride)")
        // The box holding details and a waiver is a value: changing a copy leaves the original as it was.
        let original = Finding(status: .fail, target: "CN=a", message: "m", details: ["group": "OU=x"])
        var copy = original
        copy.waiver = WaiverReference(Waiver(check: "AD-003", justification: "j", expires: "2027-01-01", source: "w.yml:1"))
        copy.details = nil
        #expect(original.details == ["group": "OU=x"] && original.waiver == nil)
        #expect(copy.details == nil && copy.waiver?.expires == "2027-01-01" && copy != original)
        #expect(Finding(status: .fail, target: "CN=a", message: "m", details: ["group": "OU=x"]) == original)
        let decoded = try JSONDecoder().decode([Finding].self, from: JSONEncoder().encode([original, copy]))
        #expect(decoded == [original, copy])
    }

    /// Users with the same blockers share one list: the report stores a user, not two arrays per user.
    @Test func usersWithTheSameBlockersShareOneList() {
        let findings = (1...1_000).map { Finding(status: .fail, target: "user\($0)@contoso.com", message: "No P1.") }
        let report = CompleteListsTests.large(findings: 1_000)
        let users = report.readiness.users.filter { $0.user.hasPrefix("user") }
        #expect(users.count == findings.count && users.allSatisfy { $0.blockers.map(\.cause) == ["no-licence"] })
        let storage = Set(users.map { $0.blockers.withUnsafeBufferPointer { UInt(bitPattern: $0.baseAddress) } })
        #expect(storage.count == 1, "one shared list, not \(storage.count)")
    }
}
