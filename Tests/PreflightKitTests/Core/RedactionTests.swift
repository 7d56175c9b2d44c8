import Foundation
import PreflightTestSupport
import Testing

@testable import PreflightCore
@testable import PreflightReporting

/// `--redact`: the report's identifiers become stable pseudonyms before any reporter sees it.
@Suite("Redaction")
struct RedactionTests {
    static let key = PseudonymKey(bytes: Array("a redaction key of the tests, 32+".utf8), source: "the tests")
    static let otherKey = PseudonymKey(bytes: Array("another key, as another consultant".utf8), source: "the tests")

    static func redacted(_ report: Report = DemoLikeReport.value, key: PseudonymKey = key, hashDomains: Bool = false) throws -> (Report, ReportRedactor) {
        var redactor = ReportRedactor(key: key, hashDomains: hashDomains)
        return (try redactor.redact(report), redactor)
    }

    static func renderAll(_ report: Report) -> [String: String] {
        Dictionary(uniqueKeysWithValues: ReportFormat.allCases.map { ($0.rawValue, $0.reporter.render(report)) })
    }

    /// Whether `text` holds `identifier`, also as JSON escapes it (`\,` is `\\,` there); OU names that are English words
    /// too only as written.
    static func contains(_ text: String, _ identifier: String) -> Bool {
        [identifier, identifier.replacingOccurrences(of: "\\", with: "\\\\")].contains { form in
            ["Denied", "Legacy", "Staff", "Admins"].contains(identifier)
                ? text.contains(form) : text.range(of: form, options: .caseInsensitive) != nil
        }
    }

    // RFC 4231, test cases 1, 2, 3, 6 (a key longer than a block) and 7.
    @Test func hmacMatchesRFC4231() {
        func hex(_ bytes: [UInt8]) -> String { bytes.map { String(format: "%02x", $0) }.joined() }
        let cases: [([UInt8], [UInt8], String)] = [
            ([UInt8](repeating: 0x0b, count: 20), Array("Hi There".utf8), "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7"),
            (Array("Jefe".utf8), Array("what do ya want for nothing?".utf8), "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"),
            ([UInt8](repeating: 0xaa, count: 20), [UInt8](repeating: 0xdd, count: 50), "773ea91e36800e46854db8ebd09181a72959098b3ef8c122d9635514ced565fe"),
            (
                [UInt8](repeating: 0xaa, count: 131), Array("Test Using Larger Than Block-Size Key - Hash Key First".utf8),
                "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54"
            ),
            (
                [UInt8](repeating: 0xaa, count: 131),
                Array("This is a test using a larger than block-size key and a larger than block-size data. The key needs to be hashed before being used by the HMAC algorithm.".utf8),
                "9b09ffa71b942fcb27635fbcd5b0e944bfdc63644f0713938a7f51535c3a35e2"
            ),
        ]
        for (key, message, expected) in cases {
            #expect(hex(HMACSHA256(key: key).authenticate(message)) == expected)
        }
    }

    @Test func noOriginalIdentifierSurvivesInAnyFormat() throws {
        let original = DemoLikeReport.value
        // The identifiers are really there before: the search below could fail.
        let before = Self.renderAll(original)
        for identifier in DemoLikeReport.identifiers + DemoLikeReport.domainIdentifiers {
            #expect(Self.contains(before["json"] ?? "", identifier), "\(identifier) is not in the unredacted JSON")
        }
        let (report, _) = try Self.redacted(original)
        for (format, text) in Self.renderAll(report) {
            for identifier in DemoLikeReport.identifiers {
                #expect(!Self.contains(text, identifier), "\(identifier) survives in \(format)")
            }
            for kept in DemoLikeReport.kept where before[format]?.contains(kept) == true {
                #expect(text.contains(kept), "\(kept) should stay in \(format)")
            }
        }
        // Domain names stay by default.
        #expect((Self.renderAll(report)["md"] ?? "").contains("@corp.example.test"))
        #expect(report.cover.tenant == "contoso.onmicrosoft.com" && report.cover.customer == "Contoso Ltd" && report.run.host == "sync01")
    }

    @Test func theRedactedMarkdownMatchesItsSnapshot() throws {
        assertSnapshot(MarkdownReporter.render(try Self.redacted().0), named: "report-redacted.md")
        assertSnapshot(MarkdownReporter.render(try Self.redacted(hashDomains: true).0), named: "report-redacted-domains.md")
    }

    @Test func everyFormatShowsTheSamePseudonym() throws {
        let (report, redactor) = try Self.redacted()
        let pseudonym = try #require(redactor.mapping.first { $0.value == "carol" }?.key)
        let upn = pseudonym + "@corp.example.test"
        let outputs = Self.renderAll(report)
        for format in ["md", "json", "html", "users-csv", "subjects-csv", "junit"] {
            #expect(outputs[format]?.contains(upn) == true, "\(format) lacks \(upn)")
        }
        // The DN's CN is the same pseudonym as the UPN's name, and the readiness join still finds one user.
        #expect(outputs["json"]?.contains("CN=\(pseudonym),OU=") == true)
        #expect(report.readiness.users.filter { $0.user == upn }.count == 1)
        #expect(report.readiness.blocked == DemoLikeReport.value.readiness.blocked)
        #expect(report.readiness.causes.map(\.users) == DemoLikeReport.value.readiness.causes.map(\.users))
        #expect(report.summary == DemoLikeReport.value.summary && report.verdict == DemoLikeReport.value.verdict)
    }

    @Test func theSameKeyGivesTheSamePseudonymsAndAnotherKeyOthers() throws {
        let first = try Self.redacted().0
        let second = try Self.redacted().0
        #expect(JSONReporter.render(first) == JSONReporter.render(second))
        let (other, otherRedactor) = try Self.redacted(key: Self.otherKey)
        #expect(JSONReporter.render(other) != JSONReporter.render(first))
        let (_, redactor) = try Self.redacted()
        #expect(!redactor.mapping.isEmpty && Set(redactor.mapping.keys).isDisjoint(with: otherRedactor.mapping.keys))
        #expect(Set(redactor.mapping.values) == Set(otherRedactor.mapping.values), "the same originals, other pseudonyms")
    }

    @Test func theMappingNamesEveryOriginalAndRedactingTwiceChangesNothing() throws {
        let (report, redactor) = try Self.redacted()
        let json = JSONReporter.render(DemoLikeReport.value)
        for (pseudonym, original) in redactor.mapping {
            #expect(pseudonym.wholeMatch(of: /(name|dom|sid|guid)-[0-9a-f]{12}/) != nil)
            #expect(json.range(of: original, options: .caseInsensitive) != nil, "\(original)")
        }
        #expect(redactor.mapping.values.contains("Dave O'Brien") && redactor.mapping.values.contains("Sales, EMEA"))
        var again = redactor
        #expect(try again.redact(report) == report)
        // A well-known RID stays readable, the domain's part does not.
        #expect(JSONReporter.render(report).contains(#""sid" : "sid-"#) && JSONReporter.render(report).contains("-513\""))
    }

    @Test func domainsAreHashedOnlyWhenAsked() throws {
        let (report, redactor) = try Self.redacted(hashDomains: true)
        for (format, text) in Self.renderAll(report) {
            for identifier in DemoLikeReport.identifiers + DemoLikeReport.domainIdentifiers {
                #expect(!Self.contains(text, identifier), "\(identifier) survives in \(format) with --redact-domains")
            }
            if format == "md" || format == "json" { #expect(text.contains("passwordreset.microsoftonline.com"), "Microsoft's hosts stay") }
        }
        #expect(report.cover.tenant?.hasSuffix(".onmicrosoft.com") == true && report.cover.tenant?.hasPrefix("dom-") == true)
        // A DNS name and the DN's DC labels are hashed label by label, the top-level label kept: the same labels both ways.
        let corp = try #require(redactor.mapping.first { $0.value.lowercased() == "corp" }?.key)
        let example = try #require(redactor.mapping.first { $0.value.lowercased() == "example" }?.key)
        let json = JSONReporter.render(report)
        #expect(json.contains("@\(corp).\(example).test") && json.contains("DC=\(corp),DC=\(example),DC=test"))
        #expect(RedactionMapping(redactor).domainsHashed)
    }

    @Test func identifiersInSentencesAreFoundByTheirShape() throws {
        var redactor = ReportRedactor(key: Self.key, hashDomains: false)
        let report = Report(
            run: DemoLikeReport.value.run, cover: Report.Cover(),
            checks: [
                CheckResult(
                    id: "X-1", title: "t", area: "directory", probe: "p", severity: .low, status: .warn, reason: nil,
                    message: "See 'CN=Ann Lee,OU=O'Hare (EMEA),DC=a,DC=b', bob@ab.example, S-1-5-21-1-2-3-1200 and A\\zed. Not HKLM\\System\\Lsa, c=3 or https://x.test/?c=3.",
                    durationMs: 0, tags: [], findings: [], evidence: [:], remediation: "", references: [])
            ])
        let message = try redactor.redact(report).checks[0].message
        #expect(!message.contains("Ann Lee") && !message.contains("O'Hare") && !message.contains("EMEA") && !message.contains("bob@"))
        #expect(!message.contains("S-1-5-21-1-2-3-1200") && !message.contains("zed"), "\(message)")
        #expect(message.contains("HKLM\\System\\Lsa, c=3 or https://x.test/?c=3."), "paths and URLs stay: \(message)")
        #expect(message.contains(",DC=a,DC=b', name-") && message.contains("@ab.example, sid-") && message.contains(" and A\\name-"), "\(message)")
    }

    @Test func keysComeFromAFileOrTheEnvironmentAndAreMadeOnce() throws {
        let folder = try TemporaryFolder("redaction-key")
        let file = try folder.write("key", String(repeating: "k", count: 40) + "\n")
        #expect(try PseudonymKey.resolve(file: file, environment: [:]).bytes == Array(String(repeating: "k", count: 40).utf8))
        #expect(try PseudonymKey.resolve(file: nil, environment: ["PREFLIGHT_REDACT_KEY": String(repeating: "e", count: 16)]).bytes.count == 16)
        #expect {
            try PseudonymKey.resolve(file: nil, environment: ["PREFLIGHT_REDACT_KEY": "short-secret"])
        } throws: { error in
            let text = "\(error)"
            return ExitStatus.for(error) == .usage && text.contains("has 12 bytes") && !text.contains("short-secret")
        }
        // Without either, the user's key file is made (0600, in a 0700 folder) and used from then on.
        let environment = ["HOME": folder.path]
        let made = try PseudonymKey.resolve(file: nil, environment: environment)
        let path = folder.url(".config/preflight/redact.key")
        #expect(made.created && made.bytes.count == 64 && made.source.contains(path))
        let attributes = try FileManager.default.attributesOfItem(atPath: path)
        #expect((attributes[.posixPermissions] as? Int) == 0o600)
        #expect((try FileManager.default.attributesOfItem(atPath: folder.url(".config/preflight"))[.posixPermissions] as? Int) == 0o700)
        let reused = try PseudonymKey.resolve(file: nil, environment: environment)
        #expect(!reused.created && reused.bytes == made.bytes)
        #expect(PseudonymKey.defaultPath(environment: ["XDG_CONFIG_HOME": "/x", "HOME": "/h"]) == "/x/preflight/redact.key")
        #expect(throws: PreflightError.self) { try PseudonymKey.resolve(file: nil, environment: [:]) }
    }

    @Test func theMappingFileIsPrivate() throws {
        let folder = try TemporaryFolder("redaction-mapping")
        let (_, redactor) = try Self.redacted()
        let path = folder.url("mapping.json")
        try AtomicFile.writePrivate(RedactionMapping(redactor).json, to: path)
        #expect((try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int) == 0o600)
        let read = try JSONDecoder().decode(RedactionMapping.self, from: Data(contentsOf: URL(fileURLWithPath: path)))
        #expect(read == RedactionMapping(redactor) && read.pseudonyms.values.contains("carol@corp.example.test") == false)
        #expect(read.pseudonyms.values.contains("carol") && !read.domainsHashed)
    }

    /// The checks are redacted as values, the rest through the JSON form: the result is what reading it back gives (per-user
    /// readiness and coverage derived from the redacted checks), and a waived finding's approver and justification and a
    /// finding's details are redacted like the rest.
    @Test func theRedactedReportIsWhatReadingItBackGives() throws {
        let (report, _) = try Self.redacted()
        let json = JSONReporter.render(report)
        #expect(try JSONReporter.parse(Data(json.utf8), file: "redacted.json") == report)
        #expect(report.readiness == Report(run: report.run, cover: report.cover, checks: report.checks).readiness)
        let waived = try #require(report.checks.flatMap(\.findings).first { $0.waiver != nil })
        #expect(waived.waiver?.approvedBy?.hasPrefix("name-") == true && waived.waiver?.expires == "2099-12-31")
        #expect(!json.contains("Grace Hopper") && !json.contains("t0admin"))
    }

    /// Repeated texts are rewritten once (a check's one message on each of a million findings), and the memo of them
    /// forgets when full, so a million distinct texts never hold more than its capacity.
    @Test func theMemoOfRewrittenTextsIsBounded() {
        var memo = Memo<Int>()
        for index in 0..<Memo<Int>.capacity { memo["text \(index)"] = index }
        #expect(memo["text 0"] == 0 && memo["text \(Memo<Int>.capacity - 1)"] == Memo<Int>.capacity - 1)
        memo["one more"] = -1
        #expect(memo["text 0"] == nil && memo["one more"] == -1, "a full memo starts again")
    }
}
