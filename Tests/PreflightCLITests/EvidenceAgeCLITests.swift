import Foundation
import PreflightTestSupport
import Testing

import PreflightKit

/// Issue #13, part 8, through the built binary: old inputs warn with their age, `maxEvidenceAgeDays` moves the limit,
/// fresh inputs pass, and inputs that contradict each other are notes and a suffix of the verdict line.
///
/// Inputs are the real Get-ADSyncServerConfiguration sample (Fixtures/connect/contoso-pilot, exported 2016-05-03), the
/// demo's Get-ADSyncScheduler output, Entra audit-log CSV download and users export (examples/demo), copied at test
/// time; "fresh" copies get today's timestamps and modification times explicitly.
@Suite("CLI: stale and contradicting evidence")
struct EvidenceAgeCLITests {
    let folder = try! TemporaryFolder("cli-evidence")
    static let export = Repository.fixture("connect/contoso-pilot")
    static let demo = Repository.root.appendingPathComponent("examples/demo").path
    static let exported = Date(timeIntervalSince1970: 1_462_285_689.784)  // export-date='2016-05-03 14:28:09.784' in MV.xml
    static let connectChecks = "CON-001,CON-002,CON-003,CON-004,CON-005,CON-006,CON-007"

    // MARK: Helpers

    /// Copies `source` (a file or folder) to `name` in the test folder and sets every file's modification time to `modified`.
    func copy(_ source: String, as name: String, modified: Date = Date()) async throws -> String {
        let target = folder.url(name)
        try await runBlocking {
            try FileManager.default.createDirectory(
                atPath: (target as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
            try FileManager.default.copyItem(atPath: source, toPath: target)
            try Self.touch(target, modified)
        }
        return target
    }

    static func touch(_ path: String, _ date: Date) throws {
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), isDirectory.boolValue {
            for entry in try FileManager.default.contentsOfDirectory(atPath: path) {
                try touch((path as NSString).appendingPathComponent(entry), date)
            }
        }
        try FileManager.default.setAttributes([.modificationDate: date], ofItemAtPath: path)
    }

    /// Rewrites `old` (which must occur) in a copied file, then gives the whole copy the modification time `modified`.
    func edit(_ root: String, _ relative: String, _ old: String, _ new: String, modified: Date = Date()) async throws {
        try await runBlocking {
            let path = relative.isEmpty ? root : (root as NSString).appendingPathComponent(relative)
            let text = try String(contentsOfFile: path, encoding: .utf8)
            guard text.contains(old) else { throw CocoaError(.fileReadCorruptFile) }
            try text.replacingOccurrences(of: old, with: new).write(toFile: path, atomically: true, encoding: .utf8)
            try Self.touch(root, modified)
        }
    }

    /// A copy of the 2016 sample whose MV.xml says it was exported at `date` (as Get-ADSyncServerConfiguration writes it).
    func export(exportedAt date: Date, as name: String) async throws -> String {
        let target = try await copy(Self.export, as: name)
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "yyyy-MM-dd HH:mm:ss.SSS"
        try await edit(
            target, "GlobalSettings/MV.xml", "export-date='2016-05-03 14:28:09.784'", "export-date='\(formatter.string(from: date))'")
        return target
    }

    /// The demo's Entra audit-log download (CSV, UTF-8 with BOM) with its day moved to `day` (yyyy-MM-dd).
    func audit(on day: String) async throws -> String {
        let target = try await copy(Self.demo + "/monitoring/audit-log.csv", as: "audit-\(day).csv")
        try await edit(target, "", "2026-11-26T", "\(day)T")
        return target
    }

    static func day(_ date: Date) -> String { String(ISO8601DateFormatter().string(from: date).prefix(10)) }

    /// `text` as the Markdown body shows it: the local paths by their file name (the technical appendix has them whole).
    static func shown(_ text: String, _ paths: String...) -> String {
        paths.reduce(text) { $0.replacingOccurrences(of: $1, with: ($1 as NSString).lastPathComponent) }
    }

    /// Whole days since `date`, as the report prints them ("3,869").
    static func age(since date: Date, at now: Date = Date()) -> String {
        let days = Int((now.timeIntervalSince(date) / 86_400).rounded(.down))
        let formatter = NumberFormatter()
        formatter.numberStyle = .decimal
        formatter.locale = Locale(identifier: "en_US")
        return formatter.string(from: NSNumber(value: days))!
    }

    /// Runs `preflight run` on a configuration of `yaml`, returning the CLI's output and the JSON report (schema-checked).
    func run(_ yaml: String, _ arguments: [String]) async throws -> (CLIResult, Report, String) {
        let tag = UUID().uuidString.prefix(6)
        let config = try folder.write("preflight-\(tag).yml", yaml)
        let out = folder.url("out-\(tag)")
        let result = try await CLI.run(["run", "--config", config, "--out", out] + arguments, in: folder.path)
        let data = try #require(FileManager.default.contents(atPath: out + "/latest.json"), "\(result)")
        try await SchemaValidator.validate(reportAt: out + "/latest.json")
        return (result, try JSONReporter.parse(data, file: "latest.json"), try String(contentsOfFile: out + "/latest.md", encoding: .utf8))
    }

    /// The first stdout line: the verdict, its counts and the disagreement suffix (or none) — the rest of its wording
    /// belongs to the verdict and coverage work — then the report paths.
    func expectVerdict(
        _ result: CLIResult, _ verdict: String, _ counts: String, disagreements: Int = 0, sourceLocation: Testing.SourceLocation = #_sourceLocation
    ) {
        let lines = result.stdout.split(separator: "\n").map(String.init)
        let line = lines.first ?? ""
        #expect(line.hasPrefix(verdict + " ") && line.contains("(\(counts))"), "\(result)", sourceLocation: sourceLocation)
        if disagreements == 0 {
            #expect(line.hasSuffix(".") && !line.contains("between inputs"), "\(result)", sourceLocation: sourceLocation)
        } else {
            let suffix = "; \(disagreements) disagreement\(disagreements == 1 ? "" : "s") between inputs (see notes)."
            #expect(line.hasSuffix(suffix), "\(result)", sourceLocation: sourceLocation)
        }
        #expect(lines.count == 3 && lines[1].hasSuffix(".md") && lines[2].hasSuffix(".json"), "\(result)", sourceLocation: sourceLocation)
    }

    // MARK: The age rule

    @Test func anOldConnectExportMakesTheConnectChecksWarnWithItsAge() async throws {
        let scheduler = try await copy(Self.demo + "/scheduler.txt", as: "scheduler.txt")
        let before = Self.age(since: Self.exported)
        let (result, report, markdown) = try await run(
            "connect: {export: \"\(Self.export)\", scheduler: \"\(scheduler)\"}\n", ["--only", Self.connectChecks])
        let after = Self.age(since: Self.exported)
        #expect(result.exitCode == 1, "\(result)")
        #expect(result.stderr.isEmpty, "\(result)")
        expectVerdict(result, "NOT READY", "1 failed, 5 warnings, 0 errors, 1 passed, 0 skipped")

        func stale(_ days: String) -> String {
            "the Entra Connect export (\(Self.export); date: export-date in GlobalSettings/MV.xml) is from 2016-05-03, \(days) days old; "
                + "the limit is 30 days (maxEvidenceAgeDays). Export the configuration again on the Connect server "
                + "(Get-ADSyncServerConfiguration -Path <folder>) and name the new folder in 'connect.export'."
        }
        let statuses = Dictionary(uniqueKeysWithValues: report.checks.map { ($0.id, $0.status) })
        #expect(
            statuses == ["CON-001": .warn, "CON-002": .warn, "CON-003": .pass, "CON-004": .warn, "CON-005": .warn, "CON-006": .warn, "CON-007": .fail])
        for id in ["CON-001", "CON-002", "CON-004", "CON-005", "CON-006"] {
            let check = try #require(report.checks.first { $0.id == id })
            #expect([before, after].contains { check.message.hasPrefix("T" + stale($0).dropFirst() + " On that evidence: ") }, "\(id): \(check.message)")
            #expect(check.findings.contains { $0.status == .warn && $0.target == Self.export }, "\(id)")
            #expect(check.remediation.contains("Get-ADSyncServerConfiguration -Path <folder>"), "\(id)")
            let input = try #require(check.evidence["inputFiles"]?.arrayValue?.first)
            #expect(input["date"] == "2016-05-03T14:28:09Z" && input["dateSource"] == "export" && input["key"] == "connect.export")
        }
        // The verdicts themselves still stand: CON-002 says writeback is off, as expected before go-live.
        #expect(report.checks.first { $0.id == "CON-002" }?.message.contains("On that evidence: Password writeback is not enabled yet") == true)
        // A failing check keeps its status; its message notes the age.
        let build = try #require(report.checks.first { $0.id == "CON-007" })
        #expect([before, after].contains { build.message.contains("Note: " + stale($0)) }, "\(build.message)")
        // The scheduler output was saved today (its copy's modification time): CON-003 passes and says how it was dated.
        let staging = try #require(report.checks.first { $0.id == "CON-003" })
        #expect(staging.evidence["inputFiles"]?.arrayValue?.first?["dateSource"] == "modified")
        #expect(staging.evidence["inputFiles"]?.arrayValue?.first?["ageDays"] == 0)
        #expect(markdown.contains("| ⚠️ warn | CON-001 | high | Entra Connect export found and parsed |"), "\(markdown)")
        #expect(markdown.contains("## What needs attention"))
        #expect([before, after].contains { markdown.contains(Self.shown("The Entra Connect export (\(Self.export); date: export-date in GlobalSettings/MV.xml) is from 2016-05-03, \($0) days old", Self.export)) })
    }

    @Test func aGenerousLimitJudgesTheOldExportOnItsMerits() async throws {
        let scheduler = try await copy(Self.demo + "/scheduler.txt", as: "scheduler.txt")
        let (result, report, _) = try await run(
            "maxEvidenceAgeDays: 10000\nconnect: {export: \"\(Self.export)\", scheduler: \"\(scheduler)\"}\n", ["--only", Self.connectChecks])
        #expect(result.exitCode == 1, "\(result)")
        #expect(result.stderr.isEmpty, "\(result)")
        expectVerdict(result, "NOT READY", "1 failed, 0 warnings, 0 errors, 6 passed, 0 skipped")
        for check in report.checks {
            #expect(!check.message.contains("maxEvidenceAgeDays"), "\(check.id): \(check.message)")
            #expect(check.findings.allSatisfy { $0.target != Self.export }, "\(check.id)")
            #expect(check.evidence["inputFiles"]?.arrayValue?.count == 1, "\(check.id)")
        }
        #expect(report.checks.first { $0.id == "CON-001" }?.message.hasPrefix("Read \(Self.export)") == true)
    }

    @Test func aFreshExportPasses() async throws {
        let fresh = try await export(exportedAt: Date().addingTimeInterval(-2 * 3_600), as: "fresh-export")
        let (result, report, _) = try await run(
            "report: {tenant: contoso.onmicrosoft.com}\nconnect: {export: \"\(fresh)\"}\n", ["--only", "CON-001,CON-002,CON-004,CON-005,CON-006"])
        #expect(result.exitCode == 0, "\(result)")
        #expect(result.stderr.isEmpty, "\(result)")
        expectVerdict(result, "READY", "0 failed, 0 warnings, 0 errors, 5 passed, 0 skipped")
        #expect(report.notices.isEmpty)
        for check in report.checks {
            let input = try #require(check.evidence["inputFiles"]?.arrayValue?.first, "\(check.id)")
            #expect(input["ageDays"] == 0 && input["dateSource"] == "export" && input["file"] == .string(fresh), "\(check.id)")
            #expect(input["says"]?["tenant"] == "contoso.onmicrosoft.com")
        }
    }

    @Test func anExportWithoutADateIsDatedByItsFilesModificationTimes() async throws {
        let undated = try await copy(Self.export, as: "undated-export")
        try await edit(undated, "GlobalSettings/MV.xml", " export-date='2016-05-03 14:28:09.784'", "")
        let (fresh, freshReport, _) = try await run("connect: {export: \"\(undated)\"}\n", ["--only", "CON-004"])
        #expect(fresh.exitCode == 0, "\(fresh)")
        expectVerdict(fresh, "READY", "0 failed, 0 warnings, 0 errors, 1 passed, 0 skipped")
        let input = try #require(freshReport.checks.first?.evidence["inputFiles"]?.arrayValue?.first)
        #expect(input["dateSource"] == "modified" && input["dateField"] == "the newest modification time of the files read")

        let old = Date().addingTimeInterval(-45 * 86_400 - 600)
        try await runBlocking { try Self.touch(undated, old) }
        let (stale, staleReport, _) = try await run("connect: {export: \"\(undated)\"}\n", ["--only", "CON-004"])
        #expect(stale.exitCode == 0, "\(stale)")
        expectVerdict(stale, "READY", "0 failed, 1 warning, 0 errors, 0 passed, 0 skipped")
        let check = try #require(staleReport.checks.first)
        #expect(check.status == .warn)
        #expect(
            check.message.hasPrefix(
                "The Entra Connect export (\(undated); date: the newest modification time of the files read) is from \(Self.day(old)), "
                    + "45 days old; the limit is 30 days (maxEvidenceAgeDays)."), "\(check.message)")
    }

    @Test func oldTenantExportsAndAuditLogsWarnFreshOnesPass() async throws {
        let users = try await copy(Self.demo + "/inventory/users.csv", as: "users.csv", modified: Date().addingTimeInterval(-45 * 86_400 - 600))
        let (inventory, inventoryReport, _) = try await run("inventory: {users: \"\(users)\"}\n", ["--only", "INV-001"])
        #expect(inventory.exitCode == 0 && inventory.stderr.isEmpty, "\(inventory)")
        let inv = try #require(inventoryReport.checks.first)
        #expect(inv.status == .warn)
        #expect(inv.message.hasPrefix("The users export (\(users); date: the file's modification time) is from "), "\(inv.message)")
        #expect(inv.message.contains(", 45 days old; the limit is 30 days (maxEvidenceAgeDays). Export the users again"), "\(inv.message)")

        let old = try await audit(on: "2025-01-15")
        let (stale, staleReport, _) = try await run("phase: health\nmonitoring: {audit: \"\(old)\"}\n", ["--only", "MON-005"])
        #expect(stale.exitCode == 0 && stale.stderr.isEmpty, "\(stale)")
        expectVerdict(stale, "READY", "0 failed, 1 warning, 0 errors, 0 passed, 0 skipped")
        let mon = try #require(staleReport.checks.first)
        #expect(
            mon.message.hasPrefix("The Entra audit-log download (\(old); date: its newest entry (UTC)) is from 2025-01-15, "
                + "\(Self.age(since: ExportDate.parse("2025-01-15T09:02:12Z")!)) days old; the limit is 30 days (maxEvidenceAgeDays). "
                + "Download the audit log again"), "\(mon.message)")
        #expect(mon.message.contains("On that evidence: Every admin reset of a synced user was written back on-premises."))

        let recent = try await audit(on: Self.day(Date().addingTimeInterval(-86_400)))
        let (fresh, freshReport, _) = try await run("phase: health\nmonitoring: {audit: \"\(recent)\"}\n", ["--only", "MON-005"])
        expectVerdict(fresh, "READY", "0 failed, 0 warnings, 0 errors, 1 passed, 0 skipped")
        #expect(freshReport.checks.first?.evidence["inputFiles"]?.arrayValue?.first?["ageDays"] == 0 || freshReport.checks.first?.evidence["inputFiles"]?.arrayValue?.first?["ageDays"] == 1)
    }

    @Test func anInvalidLimitIsAConfigurationErrorWithItsLocation() async throws {
        let config = try folder.write("bad.yml", "timeoutSeconds: 20\nmaxEvidenceAgeDays: 0\n")
        for command in ["validate", "run"] {
            let result = try await CLI.run(
                [command, "--config", config] + (command == "run" ? ["--out", folder.url("out-bad")] : []), in: folder.path)
            #expect(result.exitCode == 78, "\(command): \(result)")
            #expect(result.stdout.isEmpty, "\(command): \(result)")
            #expect(
                result.stderr == "\(config):2:21: error: 'maxEvidenceAgeDays' is '0', but it must be a whole number of days from 1 to 36500. "
                    + "Give the age (default 30) above which an export counts as stale, e.g. 'maxEvidenceAgeDays: 30'.\n", "\(command): \(result)")
        }
    }

    // MARK: Inputs that disagree

    @Test func anExportOfAnotherTenantIsANoteInTheReportsAndOnTheVerdictLine() async throws {
        let fresh = try await export(exportedAt: Date().addingTimeInterval(-3_600), as: "export")
        let yaml = "report: {customer: Fabrikam, tenant: fabrikam.onmicrosoft.com}\nconnect: {export: \"\(fresh)\"}\n"
        let (result, report, markdown) = try await run(yaml, ["--only", "CON-001"])
        #expect(result.exitCode == 0, "\(result)")
        #expect(result.stderr.isEmpty, "\(result)")
        expectVerdict(result, "READY", "0 failed, 0 warnings, 0 errors, 1 passed, 0 skipped", disagreements: 1)
        let note =
            "Inputs disagree: the Entra Connect export (\(fresh), from \(Self.day(Date().addingTimeInterval(-3_600)))) names the tenant "
            + "'contoso.onmicrosoft.com', but the configuration ("
        let notes = report.notices.filter { $0.hasPrefix(note) }
        #expect(notes.count == 1, "\(report.notices)")
        #expect(notes.first?.hasSuffix(
            ", report.tenant) says 'fabrikam.onmicrosoft.com'. Check that the export comes from this customer's Connect server, and "
                + "correct report.tenant or the input.") == true, "\(report.notices)")
        #expect(markdown.contains("> **Notes on this run**\n> - " + Self.shown(note, fresh)), "\(markdown)")

        // The one-line summary carries the same suffix; the same tenant gives neither note nor suffix.
        let (summary, _, _) = try await run(yaml, ["--only", "CON-001", "--format", "md,json,summary"])
        #expect(summary.stdout.hasPrefix("READY ") && summary.stdout.contains(" 0 fail, 0 warn, 0 error, 1 pass, 0 skip ("), "\(summary)")
        #expect(summary.stdout.hasSuffix("); 1 disagreement between inputs (see notes)\n"), "\(summary)")
        let (same, sameReport, _) = try await run(
            "report: {tenant: Contoso.onmicrosoft.com}\nconnect: {export: \"\(fresh)\"}\n", ["--only", "CON-001"])
        expectVerdict(same, "READY", "0 failed, 0 warnings, 0 errors, 1 passed, 0 skipped")
        #expect(sameReport.notices.isEmpty)
    }

    /// The demo's Application log (Get-WinEvent | Export-Csv -Encoding Unicode: UTF-16LE with BOM) as if exported on another
    /// server than the Connect export's CONTOSO-SYNC01: decoded, its MachineName replaced, written back the same way.
    @Test func anEventLogFromAnotherServerThanTheExportIsANote() async throws {
        let fresh = try await export(exportedAt: Date().addingTimeInterval(-3_600), as: "export")
        let events = folder.url("application-log-sync02.csv")
        try await runBlocking {
            let data = try Data(contentsOf: URL(fileURLWithPath: Self.demo + "/monitoring/application-log.csv"))
            guard data.starts(with: [0xFF, 0xFE]), let text = String(data: data.dropFirst(2), encoding: .utf16LittleEndian),
                text.contains("\"CONTOSO-SYNC01.contoso.com\"")
            else { throw CocoaError(.fileReadCorruptFile) }
            var out = Data([0xFF, 0xFE])
            out.append(text.replacingOccurrences(of: "\"CONTOSO-SYNC01.contoso.com\"", with: "\"CONTOSO-SYNC02.contoso.com\"").data(using: .utf16LittleEndian)!)
            try out.write(to: URL(fileURLWithPath: events))
        }
        // The event log is a 2026-11-26 snapshot: the limit is raised so that only the disagreement is judged here.
        let yaml = "phase: health\nmaxEvidenceAgeDays: 36500\nconnect: {export: \"\(fresh)\"}\nmonitoring: {events: \"\(events)\"}\n"
        let (result, report, markdown) = try await run(yaml, ["--only", "CON-001,MON-001"])
        #expect(result.exitCode == 0, "\(result)")
        #expect(result.stderr.isEmpty, "\(result)")
        expectVerdict(result, "READY", "0 failed, 0 warnings, 0 errors, 2 passed, 0 skipped", disagreements: 1)
        let note =
            "Inputs disagree: the Entra Connect export (\(fresh), from \(Self.day(Date().addingTimeInterval(-3_600)))) was taken on the "
            + "server 'CONTOSO-SYNC01', but the events of the Application-log export (\(events), from 2026-11-26) were logged on "
            + "'CONTOSO-SYNC02.contoso.com'. Both must come from the active Connect server (a staging server's log says nothing about "
            + "writeback): check where each was exported, and export the other again on the active server."
        #expect(report.notices == [note], "\(report.notices)")
        #expect(markdown.contains("> - " + Self.shown(note, fresh, events)), "\(markdown)")
        // The demo's own log is from CONTOSO-SYNC01.contoso.com, the export's server by its full name: no note.
        let (same, sameReport, _) = try await run(
            "phase: health\nmaxEvidenceAgeDays: 36500\nconnect: {export: \"\(fresh)\"}\nmonitoring: {events: \"\(Self.demo)/monitoring/application-log.csv\"}\n",
            ["--only", "CON-001,MON-001"])
        #expect(sameReport.notices.isEmpty && !same.stdout.contains("disagree"), "\(same)")
    }

    @Test func writebackDisabledWhileTheAuditLogShowsAResetWrittenBackIsANote() async throws {
        let fresh = try await export(exportedAt: Date().addingTimeInterval(-3_600), as: "export")
        let yesterday = Self.day(Date().addingTimeInterval(-86_400))
        let audit = try await audit(on: yesterday)
        let (result, report, markdown) = try await run(
            "phase: health\nconnect: {export: \"\(fresh)\"}\nmonitoring: {audit: \"\(audit)\"}\n", ["--only", "CON-002,MON-005"])
        #expect(result.exitCode == 1, "\(result)")
        #expect(result.stderr.isEmpty, "\(result)")
        expectVerdict(result, "NOT READY", "1 failed, 0 warnings, 0 errors, 1 passed, 0 skipped", disagreements: 1)
        #expect(report.checks.first { $0.id == "CON-002" }?.status == .fail)
        #expect(report.checks.first { $0.id == "MON-005" }?.status == .pass)
        let note =
            "Inputs disagree: the Entra Connect export (\(fresh), from \(Self.day(Date().addingTimeInterval(-3_600)))) says password writeback "
            + "is disabled, but the Entra audit-log download (\(audit), from \(yesterday)) shows a reset written back on-premises: "
            + "'Reset password (by admin)' of bob@corp.example.test at \(yesterday) 09:02:12 UTC succeeded with OnPremisesAgent "
            + "'Microsoft Entra Connect' (\((audit as NSString).lastPathComponent):2). One of them is not current or not from this "
            + "environment: save the live state again (Get-ADSyncAADPasswordResetConfiguration, or a new Get-ADSyncServerConfiguration "
            + "export) and check that the audit log is from this tenant."
        #expect(report.notices == [note], "\(report.notices)")
        #expect(markdown.contains("> - " + Self.shown(note, fresh, audit)), "\(markdown)")
    }
}
