import Foundation
import PreflightKit
import PreflightTestSupport
import Testing

@Suite("Demo and terminal behaviour")
struct DemoAndTerminalTests {
    /// `make demo`'s commands, end to end: the lab domain on 127.0.0.5, the stand-in endpoints of
    /// examples/demo/netlab.json, examples/demo/preflight.yml; then the health pass after go-live.
    /// One test, because both passes use the same fixed addresses.
    @Test func theDemoFindsTheLabDomainsProblems() async throws {
        let out = try TemporaryFolder("demo")
        let (status, report) = try await runDemo(out: out.path, extra: [])
        #expect(status == .exited(1))
        let failed = Set(report.checks.filter { $0.status == .fail }.map(\.id))
        #expect(failed == ["AD-003", "AD-004", "AD-005", "AD-011", "AD-013", "CON-007", "INV-003", "INV-004", "NET-005"])
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
        // The stand-in endpoints: reachable, but certified by the demo's CA, which reads as TLS inspection.
        let statuses = Dictionary(uniqueKeysWithValues: report.checks.map { ($0.id, $0.status) })
        #expect(statuses["NET-001"] == .warn && statuses["NET-002"] == .warn && statuses["NET-003"] == .pass)
        #expect(statuses["NET-004"] == .skip && statuses["NET-006"] == .skip)
        #expect(report.checks.filter { $0.area == "monitoring" }.allSatisfy { $0.status == .skip && $0.reason == .notApplicable })

        // After go-live: the event and audit exports tell the story of examples/demo/monitoring/SOURCE.md.
        let (healthStatus, health) = try await runDemo(out: out.path + "/health", extra: ["--phase", "health"])
        #expect(healthStatus == .exited(1))
        func check(_ id: String) -> CheckResult? { health.checks.first { $0.id == id } }
        #expect(check("MON-001")?.status == .pass && check("MON-001")?.evidence["serviceBusNamespace"] == "ssprdedicatedsbprodfra-1")
        #expect(check("MON-002")?.status == .pass && check("MON-005")?.status == .pass)
        #expect(check("MON-003")?.status == .fail)
        let carol = try #require(check("MON-003")?.findings.first { $0.target == "carol@corp.example.test" })
        #expect(carol.details?["ad003"] == "flagged")
        #expect(check("MON-004")?.status == .fail && check("MON-004")?.evidence["successes"] == 2)
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
                    "bash", script, template, "127.0.0.5", "--", "bash", netlab, demo + "/netlab.json", demo + "/.netlab", "--",
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
        try folder.writePluginCheck("PLG-401", title: "Terminal check", severity: "low", reply: #"{"status":"pass"}"#)
        let command = "\(CLI.executable) run --checks \(folder.url("custom")) --only PLG-401 --out \(folder.url("out"))"
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
