import Foundation
import PreflightTestSupport
import Testing

import PreflightKit

@Suite("Demo and terminal behaviour")
struct DemoAndTerminalTests {
    /// `make demo`'s commands, end to end: the lab domain on 127.0.0.5, the stand-in endpoints of
    /// examples/demo/netlab.json, examples/demo/preflight.yml; then the health pass after go-live.
    /// One test, because both passes use the same fixed addresses.
    @Test func theDemoFindsTheLabDomainsProblems() async throws {
        let out = try TemporaryFolder("demo")
        let (status, report) = try await runDemo(out: out.path, extra: ["--format", "md,json,html"])
        #expect(status == .exited(1))
        let failed = Set(report.checks.filter { $0.status == .fail }.map(\.id))
        #expect(failed == ["AD-003", "AD-004", "AD-005", "AD-011", "AD-013", "CON-007", "INV-003", "INV-004", "NET-005"])
        // The demo DC serves SYSVOL (with-dc.sh mode smb): AD-016 reads it, and no GPO restricts remote SAM calls.
        let remoteSAM = report.checks.first { $0.id == "AD-016" }
        #expect(remoteSAM?.status == .pass, "\(remoteSAM?.message ?? "no AD-016")")
        // The account and scope come from the demo's Entra Connect export, and the report says so.
        let reset = try #require(report.checks.first { $0.id == "AD-003" })
        #expect(reset.evidence["accountSource"] == .string(AccountFacts.Source.connectExport.rawValue))
        #expect(reset.evidence["scopeSource"] == .string(ScopeFacts.Source.connectExport.rawValue))
        #expect(report.checks.first { $0.id == "CON-003" }?.status == .pass)
        // The demo's export is the 2016 sample's build 1.1.130.0: below 2.5.79.0, so it stopped syncing on 2026-09-30.
        let build = try #require(report.checks.first { $0.id == "CON-007" })
        #expect(build.message.contains("Connect build 1.1.130.0 (from Microsoft.Synchronize.ServerConfigurationVersion in MV.xml) is below 2.5.79.0"))
        #expect(build.message.contains("stopped on 2026-09-30"))
        #expect(build.evidence["connectorIdentityType"] == "unknown")
        #expect(report.checks.first { $0.id == "PLG-001" }?.status == .pass)
        #expect(try out.read("latest.md").contains("# Password writeback readiness: NOT READY"))
        // make demo's HTML report, in a real browser, offline: every section, no console message, no request, and it prints.
        let page = try await HeadlessChromium.load(out.url("latest.html"), in: out.path)
        #expect(page.consoleMessages.isEmpty && page.requests.isEmpty, "\(page.consoleMessages) \(page.requests)")
        #expect(page.dom.contains("<span id=\"verdict\" class=\"verdict fail\">NOT READY</span>"))
        #expect(["summary", "users", "checks", "attention", "appendix"].allSatisfy { page.dom.contains("<section id=\"\($0)\">") })
        #expect(page.dom.contains("<td data-key=\"inScope\">\(report.readiness.inScope ?? -1)</td>"))
        #expect(page.pdfPages > 1)
        let kept = Repository.root.appendingPathComponent(".build/html-report").path
        try? FileManager.default.createDirectory(atPath: kept, withIntermediateDirectories: true)
        try? FileManager.default.removeItem(atPath: kept + "/demo-screenshot.png")
        try? FileManager.default.copyItem(atPath: page.screenshot, toPath: kept + "/demo-screenshot.png")
        // `--redact` on the demo's own report: every format, no user, DN or domain SID left (issue #18 point 6).
        try await RedactionCLITests.expectTheDemoRedacted(out.url("latest.json"), report: report, in: out.path)
        // The demo's export is Microsoft's 2016 sample: the Connect checks that would pass warn that it is thousands of days
        // old and how to export it again; CON-007 still fails, and its message notes the age.
        let export = Repository.root.appendingPathComponent("examples/demo/connect-export").path
        let stale = "the Entra Connect export (\(export); date: export-date in GlobalSettings/MV.xml) is from 2016-05-03, "
        for id in ["CON-001", "CON-002", "CON-004", "CON-005", "CON-006"] {
            let check = try #require(report.checks.first { $0.id == id })
            #expect(check.status == .warn && check.message.hasPrefix("T" + stale.dropFirst()), "\(id): \(check.message)")
            #expect(check.message.contains(" days old; the limit is 30 days (maxEvidenceAgeDays). Export the configuration again"), "\(id)")
            #expect(check.findings.contains { $0.status == .warn && $0.target == export }, "\(id)")
        }
        #expect(build.message.contains("Note: " + stale))
        // The scheduler output and the inventory exports are dated by their modification time (the checkout's).
        #expect(report.checks.first { $0.id == "CON-003" }?.evidence["inputFiles"]?.arrayValue?.first?["dateSource"] == "modified")
        #expect(report.checks.first { $0.id == "INV-001" }?.evidence["inputFiles"]?.arrayValue?.first?["key"] == "inventory.users")
        // The export names the configured tenant, and nothing else is compared before go-live: no disagreement.
        #expect(!report.notices.contains { $0.hasPrefix(InputAgreement.prefix) }, "\(report.notices)")
        // The stand-in endpoints: reachable, but certified by the demo's CA, which reads as TLS inspection.
        let statuses = Dictionary(uniqueKeysWithValues: report.checks.map { ($0.id, $0.status) })
        #expect(statuses["NET-001"] == .warn && statuses["NET-002"] == .warn && statuses["NET-003"] == .pass)
        #expect(statuses["NET-004"] == .skip && statuses["NET-006"] == .skip)
        #expect(report.checks.filter { $0.area == "monitoring" }.allSatisfy { $0.status == .skip && $0.reason == .notApplicable })

        // After go-live: the event and audit exports tell the story of examples/demo/monitoring/SOURCE.md.
        let before = Date()
        let (healthStatus, health) = try await runDemo(out: out.path + "/health", extra: ["--phase", "health"])
        let after = Date()
        #expect(healthStatus == .exited(1))
        func check(_ id: String) -> CheckResult? { health.checks.first { $0.id == id } }
        // The monitoring exports are a snapshot of 2026-11-26 (the event log's marker row at 10:05:53 server time, the audit
        // log's newest entry at 09:02:12 UTC): within maxEvidenceAgeDays (30 whole days) of it the checks that pass on it
        // pass; later they warn and say how old the export is. Both are right; which one applies depends on today.
        func expectPassUnlessStale(_ id: String, exported: String) {
            let date = ExportDate.parse(exported)!
            let stale = [before, after].map { Int($0.timeIntervalSince(date) / 86_400) > 30 }
            let status = check(id)?.status
            if stale.allSatisfy({ $0 }) {
                #expect(status == .warn && check(id)?.message.contains("days old; the limit is 30 days (maxEvidenceAgeDays)") == true, "\(id)")
            } else if stale.allSatisfy({ !$0 }) {
                #expect(status == .pass, "\(id): \(check(id)?.message ?? "")")
            } else {
                #expect(status == .pass || status == .warn, "\(id) ran as the export turned 31 days old")
            }
        }
        expectPassUnlessStale("MON-001", exported: "2026-11-26T10:05:53Z")
        expectPassUnlessStale("MON-002", exported: "2026-11-26T10:05:53Z")
        expectPassUnlessStale("MON-005", exported: "2026-11-26T09:02:12Z")
        #expect(check("MON-001")?.evidence["serviceBusNamespace"] == "ssprdedicatedsbprodfra-1")
        #expect(check("MON-003")?.status == .fail)
        let carol = try #require(check("MON-003")?.findings.first { $0.target == "carol@corp.example.test" })
        #expect(carol.details?["ad003"] == "flagged")
        #expect(check("MON-004")?.status == .fail && check("MON-004")?.evidence["successes"] == 2)
        // The 2016 export says writeback is disabled (CON-002 fails after go-live), yet the audit log shows bob's admin reset
        // written back by Microsoft Entra Connect: the report says the two inputs disagree, naming both.
        #expect(check("CON-002")?.status == .fail)
        let notes = health.notices.filter { $0.hasPrefix(InputAgreement.prefix) }
        #expect(notes.count == 1, "\(health.notices)")
        #expect(notes.first?.hasPrefix("Inputs disagree: the Entra Connect export (\(export), from 2016-05-03) says password writeback is disabled, "
            + "but the Entra audit-log download (") == true, "\(notes)")
        #expect(notes.first?.contains("'Reset password (by admin)' of bob@corp.example.test at 2026-11-26 09:02:12 UTC succeeded with "
            + "OnPremisesAgent 'Microsoft Entra Connect' (audit-log.csv:2)") == true, "\(notes)")
        // The Markdown names the export by its folder's name; the local path is in the technical appendix (and the JSON).
        let markdown = try out.read("health/latest.md")
        #expect(markdown.contains("> - Inputs disagree: the Entra Connect export (connect-export, from 2016-05-03)"))
        #expect(!markdown.components(separatedBy: "## Technical appendix")[0].contains(export) && markdown.contains("| Notes | \(export)"))
    }

    private func runDemo(out: String, extra: [String]) async throws -> (Subprocess.Outcome.Termination, Report) {
        let template = SambaDC.template
        guard FileManager.default.fileExists(atPath: template) else {
            throw SambaDC.LabError(description: "The lab template is missing: run 'make test'.")
        }
        let script = Repository.root.appendingPathComponent("scripts/lab/with-dc.sh").path
        let netlab = Repository.root.appendingPathComponent("scripts/netlab/with-netlab.sh").path
        let demo = Repository.root.appendingPathComponent("examples/demo").path
        let outcome = try await runBlocking {
            try Subprocess(
                arguments: [
                    "bash", script, template, "127.0.0.5", "smb", "--", "bash", netlab, demo + "/netlab.json", demo + "/.netlab", "--",
                    CLI.executable, "run", "--config", demo + "/preflight.yml", "--out", out,
                ] + extra,
                environment: ProcessInfo.processInfo.environment.merging(["PREFLIGHT_DEMO_PASSWORD": SambaDC.readerPassword]) { $1 }
            ).run(input: [], deadline: Date().addingTimeInterval(120))
        }
        let json = try String(contentsOfFile: out + "/latest.json", encoding: .utf8)
        return (outcome.termination, try JSONReporter.parse(Data(json.utf8), file: "latest.json"))
    }

    /// Progress lines appear on a terminal (a pty from `script`), and never when stderr is a pipe.
    @Test func progressGoesToATerminalOnly() async throws {
        let folder = try TemporaryFolder("tty")
        let checks = try TestCatalog(in: folder).plugin("PLG-401", title: "Terminal check", severity: "low", reply: #"{"status":"pass"}"#)
        let command = "\(CLI.executable) run --checks \(checks) --only PLG-401 --out \(folder.url("out"))"
        let tty = try await runBlocking {
            try Subprocess(arguments: ["script", "-qec", command, "/dev/null"], environment: ProcessInfo.processInfo.environment)
                .run(input: [], deadline: Date().addingTimeInterval(60))
        }
        let text = String(decoding: tty.stdout, as: UTF8.self)
        #expect(text.contains("PASS  PLG-401 Terminal check"), "\(text)")
        let piped = try await CLI.run(["run", "--checks", folder.url("custom"), "--only", "PLG-401", "--out", folder.url("out")])
        #expect(!piped.stderr.contains("PLG-401") && piped.stderr.isEmpty)
    }
}
