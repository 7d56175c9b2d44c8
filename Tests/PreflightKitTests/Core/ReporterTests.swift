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

/// A fixed report exercising every status, grouping, truncation and escaping.
enum SampleReport {
    static let sampleTable = ReportTable(
        title: "Targets", columns: ["Target", "Result", "TLS", "HTTP", "Time"],
        rows: [
            ["https://a.servicebus.windows.net/", "reachable", "TLSv1.3", "401", "210 ms"],
            ["https://b|c.servicebus.windows.net/", "reachable", "TLSv1.2", "401", "198 ms"],
        ])

    static var value: Report {
        let users = (1...30).map { index in
            Finding(
                status: .fail, target: "CN=User \(index),OU=\(index % 3 == 0 ? "Legacy" : "Staff"),DC=corp,DC=example,DC=test",
                message: "The connector account lacks Reset Password: no ACE grants it.",
                details: ["group": .string("OU=\(index % 3 == 0 ? "Legacy" : "Staff"),DC=corp,DC=example,DC=test")])
        }
        let checks = [
            CheckResult(
                id: "AD-001", title: "LDAP connection and secure bind succeed", area: "directory", probe: "directory.bind",
                severity: .critical, status: .pass, reason: nil, message: "Bound over LDAPS (TLS1.3).", durationMs: 12,
                tags: ["ldap"], findings: [], evidence: ["tlsVersion": "TLS1.3"], remediation: "Fix the bind.",
                references: ["https://learn.microsoft.com/entra/identity/authentication/tutorial-enable-sspr-writeback"]),
            CheckResult(
                id: "AD-003", title: "Reset Password effective on every in-scope user", area: "directory",
                probe: "directory.rights", severity: .critical, status: .fail, reason: nil,
                message: "30 of 212 in-scope users cannot have their password reset by 'CORP\\MSOL_1'.", durationMs: 840,
                tags: ["ldap", "permissions"], findings: users, evidence: ["passed": 182, "inScope": 212],
                remediation: "Grant the right:\n\n```\ndsacls \"OU=Staff,DC=corp,DC=example,DC=test\" /I:S /G \"CORP\\MSOL_1:CA;Reset Password;user\"\n```",
                references: ["https://learn.microsoft.com/entra/identity/authentication/tutorial-enable-sspr-writeback"]),
            CheckResult(
                id: "AD-006", title: "Change Password effective", area: "directory", probe: "directory.rights", severity: .low,
                status: .warn, reason: nil, message: "1 user | pipe in message.", durationMs: 3, tags: [],
                findings: [Finding(status: .warn, target: "CN=a|b,DC=corp", message: "Denied\nby ACE.")], evidence: [:],
                remediation: "", references: []),
            CheckResult(
                id: "NET-001", title: "Password reset service reachable", area: "network", probe: "exec", severity: .high,
                status: .error, reason: nil, message: "The check did not finish within its deadline of 15 s.", durationMs: 15000,
                tags: [], findings: [], evidence: [:], remediation: "", references: []),
            CheckResult(
                id: "NET-002", title: "Service Bus relay reachable", area: "network", probe: "network.https", severity: .critical,
                status: .pass, reason: nil, message: "All 2 targets answered over TLS 1.2 or later.", durationMs: 420, tags: [],
                findings: [], evidence: [ReportTable.evidenceKey: [sampleTable.json]], remediation: "", references: []),
            CheckResult(
                id: "INV-001", title: "Exports readable", area: "inventory", probe: "exec", severity: .medium, status: .skip,
                reason: .noInput, message: "No 'inventory.users' is configured.", durationMs: 0, tags: [], findings: [],
                evidence: [:], remediation: "", references: []),
        ]
        return Report(
            run: Report.RunInfo(
                id: "0f5a4d52-8c1e-4b3a-9d55-1a2b3c4d5e6f", startedAt: "2026-11-26T10:15:00Z", finishedAt: "2026-11-26T10:15:02Z",
                durationMs: 2100, host: "sync01", phase: .preflight, topology: .connectSync, cloud: .public,
                catalogDigest: "sha256:" + String(repeating: "ab", count: 32)),
            cover: Report.Cover(customer: "Contoso Ltd", tenant: "contoso.onmicrosoft.com", assessor: "J. Doe"),
            notices: ["The network checks ran from this host, not from the sync server."], checks: checks)
    }
}

@Suite("Reporters")
struct ReporterTests {
    @Test func markdownMatchesTheGoldenFile() async throws {
        assertSnapshot(MarkdownReporter.render(SampleReport.value), named: "report.md")
    }

    @Test func jsonMatchesTheGoldenFileAndTheSchema() async throws {
        assertSnapshot(JSONReporter.render(SampleReport.value), named: "report.json")
        try await SchemaValidator.validate(reportAt: Repository.fixture("golden/report.json"))
    }

    @Test func markdownGroupsTruncatesAndEscapes() {
        let text = MarkdownReporter.render(SampleReport.value)
        #expect(text.contains("# Password writeback readiness: NOT READY"))
        #expect(text.contains("| OU=Staff,DC=corp,DC=example,DC=test | 20 |"))
        #expect(text.contains("…and 5 more: all 30 are in the JSON report (`preflight-20261126T101500Z.json`, `checks[].findings`)"))
        #expect(text.contains("CN=a\\|b,DC=corp"))
        #expect(text.contains("Denied by ACE."))
        #expect(text.contains("## Evidence from passing checks"))
        #expect(text.contains("| https://b\\|c.servicebus.windows.net/ | reachable | TLSv1.2 | 401 | 198 ms |"))
        // Worst first: the failure's section comes before the error's.
        #expect(text.range(of: "### ❌ fail AD-003")!.lowerBound < text.range(of: "### ⛔ error NET-001")!.lowerBound)
    }

    @Test func jsonRoundTripsThroughTheParser() async throws {
        let report = SampleReport.value
        let parsed = try JSONReporter.parse(Data(JSONReporter.render(report).utf8), file: "report.json")
        #expect(parsed == report)
        #expect(parsed.verdict == .notReady && parsed.exitCode == 1 && !parsed.ready)
    }

    @Test func malformedReportsAreExitCode65WithAReason() {
        for (text, expected) in [
            ("{not json", "it is not valid JSON"),
            ("{\"schemaVersion\": 1}", "'tool' is missing"),
        ] {
            #expect {
                _ = try JSONReporter.parse(Data(text.utf8), file: "bad.json")
            } throws: { error in
                ExitStatus.for(error) == .malformedInput && "\(error)".contains(expected) && "\(error)".hasPrefix("bad.json: error:")
            }
        }
    }

    @Test func reportsAreWrittenAtomicallyWithLatestCopies() async throws {
        let folder = try TemporaryFolder("writer")
        let paths = try ReportWriter.write(SampleReport.value, formats: [.md, .json], to: folder.path)
        #expect(paths.map { URL(fileURLWithPath: $0).lastPathComponent } == ["preflight-20261126T101500Z.md", "preflight-20261126T101500Z.json"])
        #expect(try folder.read("latest.json") == JSONReporter.render(SampleReport.value))
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { $0.hasSuffix(".tmp") }
        #expect(leftovers.isEmpty)
    }
}
