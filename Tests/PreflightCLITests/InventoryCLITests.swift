import Foundation
import PreflightTestSupport
import Testing

import PreflightKit

/// The inventory checks end to end: the built binary on the demo's exports and on a damaged one, as a consultant runs it.
@Suite("CLI inventory checks")
struct InventoryCLITests {
    let folder = try! TemporaryFolder("cli-inventory")
    static let ids = "INV-001,INV-002,INV-003,INV-004,INV-005,INV-006"
    static let demo = Repository.root.appendingPathComponent("examples/demo/inventory").path

    /// A configuration naming copies of the demo's exports, exported today: the CSV files carry no date of their own, so
    /// their modification time is set to now explicitly (the age rule is EvidenceAgeCLITests' subject).
    func configuration(licenses: String? = nil) async throws -> String {
        let copies = folder.url("exports")
        try await runBlocking {
            try FileManager.default.createDirectory(atPath: copies, withIntermediateDirectories: true)
            for name in ["users", "licenses", "subscribedSkus", "registration", "sspr-scope-group"] {
                let target = "\(copies)/\(name).csv"
                if !FileManager.default.fileExists(atPath: target) {
                    try FileManager.default.copyItem(atPath: "\(Self.demo)/\(name).csv", toPath: target)
                }
                try FileManager.default.setAttributes([.modificationDate: Date()], ofItemAtPath: target)
            }
        }
        return try folder.write(
            "preflight.yml",
            """
            inventory:
              users: \(copies)/users.csv
              licenses: \(licenses ?? "\(copies)/licenses.csv")
              subscribedSkus: \(copies)/subscribedSkus.csv
              registration: \(copies)/registration.csv
              scopeGroup: \(copies)/sspr-scope-group.csv
              ssprRegistrationThreshold: 0.8
            """)
    }

    @Test func theDemoTenantIsNotReadyAndTheReportsSayWhy() async throws {
        let config = try await configuration()
        let result = try await CLI.run(["run", "--config", config, "--only", Self.ids, "--out", "out"], in: folder.path)
        #expect(result.exitCode == 1, "\(result)")
        #expect(result.stderr.isEmpty, "\(result)")
        // --only narrows the run, so the verdict says it speaks for the selection (issue #13).
        #expect(
            result.stdout.hasPrefix(
                "NOT READY (selection: --only \(Self.ids)) — at least one check failed (2 failed, 3 warnings, 0 errors, 1 passed, 0 skipped)."),
            "\(result)")
        try await SchemaValidator.validate(reportAt: folder.url("out/latest.json"))

        let report = try JSONReporter.parse(Data(try folder.read("out/latest.json").utf8), file: "latest.json")
        let statuses = Dictionary(uniqueKeysWithValues: report.checks.map { ($0.id, $0.status) })
        #expect(statuses == ["INV-001": .pass, "INV-002": .warn, "INV-003": .fail, "INV-004": .fail, "INV-005": .warn, "INV-006": .warn])
        // Each check names the exports it judged, dated by their modification time (today's copies).
        let capacity = try #require(report.checks.first { $0.id == "INV-004" }?.evidence["inputFiles"]?.arrayValue)
        #expect(capacity.map { $0["key"] } == ["inventory.users", "inventory.scopeGroup", "inventory.licenses", "inventory.subscribedSkus"])
        #expect(capacity.allSatisfy { $0["dateSource"] == "modified" && $0["ageDays"] == 0 })
        // …beside the inventory's own description of each export read (format, encoding, rows), which stays as it was.
        let read = try #require(report.checks.first { $0.id == "INV-004" }?.evidence["inputs"]?.arrayValue)
        #expect(read.first?["key"] == "inventory.users" && read.first?["rows"] == 120 && read.first?["format"] != nil, "\(read)")
        let licences = try #require(report.checks.first { $0.id == "INV-003" })
        #expect(licences.findings.count == 27 && licences.findings.allSatisfy { $0.target.hasSuffix("@contoso.com") })

        // The Markdown: totals in small tables, then the first 25 users of each list.
        let markdown = try folder.read("out/latest.md")
        #expect(markdown.contains("**Users**\n\n| Users | Count |\n|---|---|\n| Users in the export | 120 |"), "\(markdown)")
        #expect(markdown.contains("**Licensing of in-scope synchronized users**"))
        #expect(markdown.contains("**Findings** (27)"))
        #expect(markdown.contains("…and 2 more: all 27 are in the JSON report (`preflight-"), "\(markdown)")
        #expect(markdown.contains(".json`, `checks[].findings`) and the subjects CSV (`preflight-"))
        #expect(markdown.contains("**Licence units**\n\n| SKU | P1/P2 | Enabled | Consumed | Free |"))
    }

    @Test func aMalformedExportIsIncompleteWithItsLocation() async throws {
        let broken = try folder.write(
            "licenses.csv",
            "\"UserPrincipalName\",\"SkuId\",\"SkuPartNumber\",\"DisabledPlans\"\r\n\"adele.vance@contoso.com\",\"05e9a617-0261-4cee-bb44-138d3ef5d965\",\"SPE_E3\"\r\n")
        let config = try await configuration(licenses: broken)
        let result = try await CLI.run(["run", "--config", config, "--only", "INV-001,INV-003", "--out", "out"], in: folder.path)
        #expect(result.exitCode == 2, "\(result)")
        #expect(
            result.stdout.hasPrefix("INCOMPLETE (selection: --only INV-001,INV-003) — nothing failed, but some checks could not decide"),
            "\(result)")
        #expect(result.stdout.contains("; not assessed: INV-001, INV-003 (error)."), "the errored checks are named: \(result)")
        let report = try JSONReporter.parse(Data(try folder.read("out/latest.json").utf8), file: "latest.json")
        let check = try #require(report.checks.first { $0.id == "INV-003" })
        #expect(check.status == .error)
        #expect(check.message.hasPrefix("\(broken):2:66: in the file named by 'inventory.licenses', this row has 3 fields but the header has 4"), "\(check.message)")
        try await SchemaValidator.validate(reportAt: folder.url("out/latest.json"))
    }

    @Test func aMissingExportIsExit66() async throws {
        let config = try folder.write("missing.yml", "inventory:\n  users: nowhere/users.csv\n")
        let result = try await CLI.run(["run", "--config", config, "--only", "INV-001", "--out", "out"], in: folder.path)
        #expect(result.exitCode == 66, "\(result)")
        #expect(result.stderr.contains("inventory.users") && result.stderr.contains(folder.url("nowhere/users.csv")), "\(result)")
    }

    @Test func explainDescribesWhatACheckDoesNotProve() async throws {
        let result = try await CLI.run(["explain", "INV-003"], in: folder.path)
        #expect(result.exitCode == 0, "\(result)")
        #expect(result.stdout.contains("AAD_PREMIUM") && result.stdout.contains("It does not prove"))
    }
}
