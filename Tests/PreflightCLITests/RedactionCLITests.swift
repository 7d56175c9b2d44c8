import Foundation
import PreflightTestSupport
import Testing

import PreflightKit

/// `--redact` on the built binary, as a consultant uses it: `render` of a saved report, `run` on the demo tenant's exports,
/// the key from the environment, a file or the user's key file, and the mapping kept apart (issue #18 point 6).
@Suite("CLI redaction")
struct RedactionCLITests {
    let folder = try! TemporaryFolder("cli-redaction")
    static let key = ["PREFLIGHT_REDACT_KEY": "the key of the redaction CLI tests, 0123456789"]
    static let otherKey = ["PREFLIGHT_REDACT_KEY": "another consultant's key, 9876543210 abcdef"]
    static let fileFormats = ["md", "json", "html", "junit", "prom", "csv", "users-csv", "subjects-csv"]
    /// `latest.<ext>` of each file format.
    static let files = [
        "md": "md", "json": "json", "html": "html", "junit": "junit.xml", "prom": "prom", "csv": "csv", "users-csv": "users.csv",
        "subjects-csv": "subjects.csv",
    ]

    func savedReport() throws -> String {
        try folder.write("report.json", JSONReporter.render(DemoLikeReport.value))
    }

    /// Every original of `identifiers` that `text` still holds (case aside; JSON escapes too).
    static func survivors(_ identifiers: [String], in text: String) -> [String] {
        identifiers.filter { identifier in
            [identifier, identifier.replacingOccurrences(of: "\\", with: "\\\\")].contains { text.range(of: $0, options: .caseInsensitive) != nil }
        }
    }

    @Test func renderRedactsEveryFormatAndWritesThePrivateMapping() async throws {
        let report = try savedReport()
        let names = DemoLikeReport.identifiers.filter { !["Denied", "Legacy", "Staff", "Admins"].contains($0) }
        var outputs: [String: String] = [:]
        for format in Self.fileFormats + ["summary"] {
            let mapping = folder.url("mapping-\(format).json")
            let result = try await CLI.run(
                ["render", report, "--format", format, "--redact", "--redact-mapping", mapping], environment: Self.key)
            #expect(result.exitCode == 0 && result.stderr.isEmpty, "\(format): \(result)")
            #expect(Self.survivors(names, in: result.stdout).isEmpty, "\(format): \(Self.survivors(names, in: result.stdout))")
            outputs[format] = result.stdout
            let attributes = try FileManager.default.attributesOfItem(atPath: mapping)
            #expect((attributes[.posixPermissions] as? Int) == 0o600, "\(format)")
        }
        // One pseudonym for carol in every format that names her, and the mapping says who it is.
        let mapping = try JSONDecoder().decode(RedactionMapping.self, from: Data(try folder.read("mapping-json.json").utf8))
        let carol = try #require(mapping.pseudonyms.first { $0.value == "carol" }?.key)
        for format in ["md", "json", "html", "junit", "users-csv", "subjects-csv"] {
            #expect(outputs[format]?.contains(carol + "@corp.example.test") == true, "\(format)")
        }
        #expect(outputs["prom"]?.contains(#"tenant="contoso.onmicrosoft.com""#) == true, "domain names stay without --redact-domains")
        // The same key gives the same report; another key another one; --redact-domains hides the domains too.
        let again = try await CLI.run(["render", report, "--format", "json", "--redact"], environment: Self.key)
        #expect(again.stdout == outputs["json"])
        let other = try await CLI.run(["render", report, "--format", "json", "--redact"], environment: Self.otherKey)
        #expect(other.exitCode == 0 && other.stdout != outputs["json"] && !other.stdout.contains(carol))
        let domains = try await CLI.run(["render", report, "--format", "md", "--redact", "--redact-domains"], environment: Self.key)
        #expect(domains.exitCode == 0 && Self.survivors(DemoLikeReport.domainIdentifiers, in: domains.stdout).isEmpty, "\(domains)")
        // The redacted report is a report: render reads it back.
        let redacted = try folder.write("redacted.json", outputs["json"] ?? "")
        let back = try await CLI.run(["render", redacted, "--format", "md"])
        #expect(back.exitCode == 0 && back.stdout == outputs["md"])
    }

    @Test func aRunRedactsItsReportSetAndItsBaselineComparesPseudonyms() async throws {
        let demo = Repository.root.appendingPathComponent("examples/demo/inventory").path
        let config = try folder.write(
            "preflight.yml",
            """
            report: {customer: Contoso Ltd, tenant: contoso.onmicrosoft.com}
            inventory:
              users: \(demo)/users.csv
              licenses: \(demo)/licenses.csv
              subscribedSkus: \(demo)/subscribedSkus.csv
              registration: \(demo)/registration.csv
              scopeGroup: \(demo)/sspr-scope-group.csv
            """)
        let only = ["--only", "INV-001,INV-002,INV-003,INV-004,INV-005,INV-006"]
        let formats = ["--format", Self.fileFormats.joined(separator: ",")]
        let plain = try await CLI.run(["run", "--config", config, "--out", "plain", "--format", "json"] + only, in: folder.path)
        #expect(plain.exitCode == 1, "\(plain)")
        let judged = try JSONReporter.parse(Data(try folder.read("plain/latest.json").utf8), file: "latest.json")
        let users = Set(judged.checks.flatMap(\.findings).map(\.target).filter { $0.contains("@") })
        #expect(users.count > 30, "the demo tenant's findings name its users")

        let mapping = folder.url("mapping.json")
        let arguments = ["run", "--config", config, "--out", "redacted", "--redact", "--redact-mapping", mapping] + only + formats
        let run = try await CLI.run(arguments, in: folder.path, environment: Self.key)
        #expect(run.exitCode == 1, "\(run)")
        for format in Self.fileFormats {
            let file = "redacted/latest.\(Self.files[format] ?? format)"
            let text = try folder.read(file)
            #expect(Self.survivors(Array(users), in: text).isEmpty, "\(file): \(Self.survivors(Array(users), in: text).prefix(3))")
        }
        try await SchemaValidator.validate(reportAt: folder.url("redacted/latest.json"))
        let redacted = try JSONReporter.parse(Data(try folder.read("redacted/latest.json").utf8), file: "latest.json")
        #expect(redacted.readiness.blocked == judged.readiness.blocked && redacted.summary == judged.summary)
        let originals = Set(try JSONDecoder().decode(RedactionMapping.self, from: Data(try folder.read("mapping.json").utf8)).pseudonyms.values)
        #expect(users.allSatisfy { originals.contains(String($0.prefix { $0 != "@" })) })

        // The next run with the same key compares pseudonym with pseudonym: nothing new, nothing resolved.
        let next = try await CLI.run(arguments + ["--baseline", "latest"], in: folder.path, environment: Self.key)
        #expect(next.exitCode == 1 && next.stdout.contains("No change since the baseline"), "\(next)")
    }

    @Test func withoutAKeyTheUsersKeyFileIsMadeOnceAndUsedAgain() async throws {
        let report = try savedReport()
        let home = folder.url("home")
        let run = { (arguments: [String]) in
            try await Program.run(
                [CLI.executable] + arguments, environment: ["HOME": home], unset: ["XDG_CONFIG_HOME", "PREFLIGHT_REDACT_KEY"])
        }
        let first = try await run(["render", report, "--format", "json", "--redact"])
        let keyFile = home + "/.config/preflight/redact.key"
        #expect(first.exitCode == 0 && first.stderr.contains("Made the redaction key '\(keyFile)'"), "\(first)")
        #expect((try FileManager.default.attributesOfItem(atPath: keyFile)[.posixPermissions] as? Int) == 0o600)
        let key = try String(contentsOfFile: keyFile, encoding: .utf8)
        #expect(!first.stderr.contains(key) && !first.stdout.contains(key), "the key itself is never printed")
        let second = try await run(["render", report, "--format", "json", "--redact"])
        #expect(second.exitCode == 0 && second.stderr.isEmpty && second.stdout == first.stdout, "\(second)")
        // A key file named on the command line holding the same key gives the same pseudonyms.
        let named = try await CLI.run(["render", report, "--format", "json", "--redact", "--redact-key-file", keyFile])
        #expect(named.stdout == first.stdout)
    }

    /// The demo's own report (DemoAndTerminalTests runs the demo once; it calls this): rendered redacted in every format,
    /// none of its users, DNs or domain SIDs survives, and every format gives carol one pseudonym.
    static func expectTheDemoRedacted(_ json: String, report: Report, in folder: String) async throws {
        let isDomainRoot = { (dn: String) in dn.split(separator: ",").allSatisfy { $0.uppercased().hasPrefix("DC=") } }
        var identifiers = Set(report.checks.flatMap(\.findings).map(\.target).filter { $0.contains("@") || ($0.contains("=") && !isDomainRoot($0)) })
        identifiers.formUnion(report.readiness.users.map(\.user))
        let text = try String(contentsOfFile: json, encoding: .utf8)
        identifiers.formUnion(text.matches(of: /S-1-5-21-[0-9]+-[0-9]+-[0-9]+(?:-[0-9]+)?/).map { String($0.output) })
        #expect(identifiers.contains("carol@corp.example.test") && identifiers.contains { $0.hasPrefix("S-1-5-21-") } && identifiers.count > 60)
        var carol: Set<String> = []
        for format in fileFormats + ["summary"] {
            let result = try await CLI.run(["render", json, "--format", format, "--redact"], in: folder, environment: key)
            #expect(result.exitCode == 0, "\(format): \(result)")
            let left = survivors(Array(identifiers), in: result.stdout)
            #expect(left.isEmpty, "\(format) keeps \(left.prefix(5))")
            carol.formUnion(result.stdout.matches(of: /name-[0-9a-f]{12}@corp\.example\.test/).map { String($0.output) })
        }
        let mapping = try await CLI.run(["render", json, "--format", "json", "--redact", "--redact-mapping", folder + "/demo-mapping.json"], environment: key)
        #expect(mapping.exitCode == 0)
        let pseudonyms = try JSONDecoder().decode(RedactionMapping.self, from: Data(contentsOf: URL(fileURLWithPath: folder + "/demo-mapping.json")))
        let expected = try #require(pseudonyms.pseudonyms.first { $0.value == "carol" }?.key) + "@corp.example.test"
        #expect(carol.contains(expected))
    }

    @Test func misuseIsAUsageErrorThatNamesNoSecret() async throws {
        let report = try savedReport()
        let alone = try await CLI.run(["render", report, "--redact-mapping", folder.url("m.json"), "--redact-domains"], environment: Self.key)
        #expect(alone.exitCode == 64 && alone.stderr.contains("--redact-domains, --redact-mapping only apply with --redact"), "\(alone)")
        let inside = try await CLI.run(
            ["run", "--only", "INV-001", "--out", "out", "--redact", "--redact-mapping", "out/mapping.json"], in: folder.path, environment: Self.key)
        #expect(inside.exitCode == 64 && inside.stderr.contains("is inside the reports' folder 'out'"), "\(inside)")
        #expect(!FileManager.default.fileExists(atPath: folder.url("out/mapping.json")))
        let same = try await CLI.run(["render", report, "--out", "r.md", "--redact", "--redact-mapping", "r.md"], in: folder.path, environment: Self.key)
        #expect(same.exitCode == 64, "\(same)")
        let short = try await CLI.run(["render", report, "--redact"], environment: ["PREFLIGHT_REDACT_KEY": "tiny-secret"])
        #expect(short.exitCode == 64 && short.stderr.contains("has 11 bytes") && !short.stderr.contains("tiny-secret"), "\(short)")
        let missing = try await CLI.run(["render", report, "--redact", "--redact-key-file", folder.url("no-such-key")])
        #expect(missing.exitCode == 66 && missing.stderr.contains("the redaction key file (--redact-key-file)"), "\(missing)")
        // The help names the options; no option takes the key itself.
        let help = try await CLI.run(["render", "--help"])
        #expect(help.stdout.contains("--redact-key-file <file>") && !help.stdout.contains("--redact-key <"))
    }
}
