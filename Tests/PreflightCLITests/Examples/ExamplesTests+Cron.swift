import Foundation
import PreflightTestSupport
import Testing
import Yams

import PreflightKit

// MARK: - cron

extension ExamplesTests {
    @Suite("cron: the crontab line and its wrapper")
    struct Cron {
        static let wrapperInstallPath = "/usr/local/lib/preflight/preflight-health.sh"

        @Test func theCrontabLineIsValidAndRunsTheShippedWrapper() throws {
            let text = try ExampleFiles.text("cron/preflight.crontab")
            #expect(text.hasSuffix("\n"), "cron ignores a last line without a newline")
            let lines = text.split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty && !$0.hasPrefix("#") }
            let isVariable = { (line: String) in line.range(of: #"^[A-Za-z_][A-Za-z0-9_]*\s*="#, options: .regularExpression) != nil }
            let jobs = lines.filter { !isVariable($0) }
            try #require(jobs.count == 1, "exactly one job line: \(jobs)")
            let fields = jobs[0].split(whereSeparator: { $0 == " " || $0 == "\t" }).map(String.init)
            // /etc/cron.d format: five time fields (or an @shortcut), the user, the command.
            let timeFieldCount = fields[0].hasPrefix("@") ? 1 : 5
            try #require(fields.count == timeFieldCount + 2, "time, user and a command without arguments: \(fields)")
            if timeFieldCount == 1 {
                #expect(["@daily", "@midnight", "@weekly", "@hourly", "@monthly", "@yearly", "@annually"].contains(fields[0]))
            } else {
                let months = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"]
                let days = ["sun", "mon", "tue", "wed", "thu", "fri", "sat"]
                #expect(Self.isValidCronField(fields[0], 0...59), "minute \(fields[0])")
                #expect(Self.isValidCronField(fields[1], 0...23), "hour \(fields[1])")
                #expect(Self.isValidCronField(fields[2], 1...31), "day of month \(fields[2])")
                #expect(Self.isValidCronField(fields[3], 1...12, names: months, firstName: 1), "month \(fields[3])")
                #expect(Self.isValidCronField(fields[4], 0...7, names: days, firstName: 0), "day of week \(fields[4])")
            }
            #expect(fields[timeFieldCount] == "preflight", "runs as the dedicated user, not root: \(fields)")
            #expect(fields[timeFieldCount + 1] == Self.wrapperInstallPath)
            let wrapper = ExampleFiles.path("cron/" + URL(fileURLWithPath: Self.wrapperInstallPath).lastPathComponent)
            #expect(FileManager.default.isExecutableFile(atPath: wrapper), "the shipped wrapper \(wrapper) exists and is executable")
            #expect(try ExampleFiles.text("cron/preflight-health.sh").contains("Install as \(Self.wrapperInstallPath)"))
        }

        /// `*`, `n`, `n-m`, each with an optional `/step`, comma-separated; names where cron accepts them.
        static func isValidCronField(_ field: String, _ range: ClosedRange<Int>, names: [String] = [], firstName: Int = 0) -> Bool {
            func value(_ text: Substring) -> Int? {
                Int(text) ?? names.firstIndex(of: text.lowercased()).map { $0 + firstName }
            }
            return field.split(separator: ",", omittingEmptySubsequences: false).allSatisfy { item in
                let parts = item.split(separator: "/", omittingEmptySubsequences: false)
                guard parts.count <= 2, parts.count == 1 || (Int(parts[1]) ?? 0) > 0 else { return false }
                if parts[0] == "*" { return true }
                let bounds = parts[0].split(separator: "-", omittingEmptySubsequences: false).map(value)
                guard (1...2).contains(bounds.count), bounds.allSatisfy({ $0.map(range.contains) ?? false }) else { return false }
                return bounds.count == 1 || bounds[0]! <= bounds[1]!
            }
        }

        struct Wrapper {
            let machine: Machine
            var reports: String { machine.folder.url("reports") }
            var textfile: String { machine.folder.url("textfile") }

            func run(config: String? = nil) async throws -> CLIResult {
                let environment = machine.environment.merging([
                    "PREFLIGHT_BIN": CLI.executable, "PREFLIGHT_CONFIG": config ?? machine.folder.url("etc/preflight.yml"),
                    "PREFLIGHT_REPORTS": reports, "PREFLIGHT_TEXTFILE_DIR": textfile,
                ]) { $1 }
                return try await Command.run([ExampleFiles.path("cron/preflight-health.sh")], in: machine.folder.path, environment: environment)
            }

            func inode(_ path: String) throws -> UInt64 {
                try (FileManager.default.attributesOfItem(atPath: path)[.systemFileNumber] as? NSNumber)?.uint64Value ?? 0
            }
        }

        @Test(arguments: Scenario.all)
        func theWrapperKeepsPreflightsExitCodeAndPublishesTheMetricsByRename(_ scenario: Scenario) async throws {
            let wrapper = Wrapper(machine: try Machine(scenario, "cron"))
            try wrapper.machine.writeConfiguration(at: "etc/preflight.yml")
            try wrapper.machine.folder.write("textfile/other.prom", "# another exporter's file\n")
            let published = try wrapper.machine.folder.write("textfile/preflight.prom", "# yesterday's metrics\n")
            // Twice: the second run has a previous latest.json for --baseline latest.
            for _ in 1...2 {
                let before = try wrapper.inode(published)
                let result = try await wrapper.run()
                #expect(result.exitCode == scenario.healthExit, "\(result)")
                // Exit 2 is not a pass: the wrapper keeps it and adds an alert to the mail; 0 and 1 mail only the summary.
                let alert =
                    "preflight-health: INCOMPLETE (exit 2): readiness could not be judged, which is not a pass. The summary above names "
                    + "what was not assessed; supply that input or fix the check that errored.\n"
                #expect(result.stderr == (scenario.incomplete ? alert : ""), "\(result)")
                try await wrapper.machine.expectReports(in: wrapper.reports, result: result, phase: .health)
                let files = try FileManager.default.contentsOfDirectory(atPath: wrapper.textfile).sorted()
                #expect(files == ["other.prom", "preflight.prom"], "only preflight.prom is added, no temporary file is left: \(files)")
                #expect(try Data(contentsOf: URL(fileURLWithPath: published)) == Data(contentsOf: URL(fileURLWithPath: wrapper.reports + "/latest.prom")))
                // A new inode: the file was renamed into place, never rewritten where node_exporter may be reading it.
                #expect(try wrapper.inode(published) != before)
                let mode = (try FileManager.default.attributesOfItem(atPath: published)[.posixPermissions] as? NSNumber)?.intValue
                #expect(mode == 0o644, "node_exporter, another user, must read it")
                let samples = FormatValidators.withoutRunLabels(try await FormatValidators.prometheus(at: published))
                #expect(samples["preflight_ready"] == (scenario.healthExit == 0 ? 1 : 0), "\(samples)")
            }
        }

        @Test func aBrokenJobKeepsItsExitCodeSaysSoAndPublishesNothing() async throws {
            let wrapper = Wrapper(machine: try Machine(Scenario.all[0], "cron-broken"))
            try wrapper.machine.folder.write("textfile/preflight.prom", "# yesterday's metrics\n")
            let result = try await wrapper.run(config: wrapper.machine.folder.url("missing.yml"))
            #expect(result.exitCode == 66, "\(result)")
            #expect(result.stderr.contains("Cannot read configuration file"), "preflight's own error reaches cron's mail: \(result)")
            #expect(result.stderr.contains("preflight-health: preflight failed with exit code 66: the job is broken, not a finding"), "\(result)")
            #expect(try wrapper.machine.folder.read("textfile/preflight.prom") == "# yesterday's metrics\n")
            #expect(try FileManager.default.contentsOfDirectory(atPath: wrapper.textfile) == ["preflight.prom"])
        }

        @Test func metricsThatCannotBePublishedAre73() async throws {
            let wrapper = Wrapper(machine: try Machine(Scenario.all[0], "cron-73"))
            try wrapper.machine.writeConfiguration(at: "etc/preflight.yml")
            try wrapper.machine.folder.write("textfile", "not a folder")
            let result = try await wrapper.run()
            #expect(result.exitCode == 73, "\(result)")
            #expect(result.stderr.contains("preflight-health: cannot publish \(wrapper.reports)/latest.prom"), "\(result)")
            #expect(Machine.isSummaryLine(result.stdout), "the run itself still reports: \(result)")
        }
    }
}
