import Foundation
import PreflightKit
import PreflightTestSupport
import Testing
import Yams

/// The unattended-run examples in `examples/{cron,systemd,github-actions,azure-devops}`. Each example's preflight
/// command runs for real with the built binary, plugin checks standing in for the catalog; each file is checked
/// by its platform's own tool where one runs here (systemd-analyze, GitHub's workflow schema), structurally otherwise.
@Suite("Examples: cron, systemd, GitHub Actions, Azure DevOps")
struct ExamplesTests {}

// MARK: - Scenarios: what the checks answer, and the exit code each kind of run must make of it

extension ExamplesTests {
    struct Reply: Sendable {
        var id: String
        var severity: String
        var status: String  // pass, fail or error

        var json: String { status == "pass" ? #"{"status":"pass"}"# : #"{"status":"\#(status)","message":"The check says \#(status)."}"# }
        var junitName: String { "\(id) Check \(id)" }
        var junitOutcome: String { ["pass": "passed", "fail": "failure", "error": "error"][status] ?? status }
    }

    struct Scenario: Sendable, CustomStringConvertible {
        var description: String
        var replies: [Reply]
        /// The CI gate: `--phase preflight --fail-on high`.
        var gateExit: Int32
        /// The health run of cron and systemd: any failure counts.
        var healthExit: Int32

        static let all: [Scenario] = [
            .init(description: "all pass", replies: replies("pass", "pass"), gateExit: 0, healthExit: 0),
            .init(description: "a high failure", replies: replies("fail", "pass"), gateExit: 1, healthExit: 1),
            .init(description: "only a medium failure", replies: replies("pass", "fail"), gateExit: 0, healthExit: 1),
            .init(description: "a check errored", replies: replies("error", "pass"), gateExit: 2, healthExit: 2),
        ]

        private static func replies(_ high: String, _ medium: String) -> [Reply] {
            [.init(id: "PLG-801", severity: "high", status: high), .init(id: "PLG-802", severity: "medium", status: medium)]
        }
    }

    /// A throwaway machine in one temporary folder: the scenario's plugin checks are the whole catalog
    /// (PREFLIGHT_CHECKS), so a run needs no directory, network or exports, and takes well under a second.
    struct Machine: Sendable {
        let folder: TemporaryFolder
        let scenario: Scenario

        init(_ scenario: Scenario, _ label: String) throws {
            folder = try TemporaryFolder("examples-\(label)")
            self.scenario = scenario
            for reply in scenario.replies {
                try folder.writePluginCheck(reply.id, title: "Check \(reply.id)", severity: reply.severity, reply: reply.json, in: "catalog")
            }
        }

        /// A configuration that needs nothing beyond the plugin checks.
        @discardableResult
        func writeConfiguration(at relative: String) throws -> String { try folder.write(relative, "report: {customer: Examples test}\n") }

        /// What the scheduler or CI runner provides; the password is only there to show the examples map it.
        var environment: [String: String] { ["PREFLIGHT_CHECKS": folder.url("catalog"), "PREFLIGHT_LDAP_PASSWORD": "unused-by-plugin-checks"] }

        /// A folder holding `preflight` (a link to the built binary) for PATH, as on the runner or agent.
        func binFolder() throws -> String {
            let bin = folder.url("bin")
            try FileManager.default.createDirectory(atPath: bin, withIntermediateDirectories: true)
            try? FileManager.default.createSymbolicLink(atPath: bin + "/preflight", withDestinationPath: CLI.executable)
            return bin
        }

        /// The reports folder holds a valid JUnit file with the scenario's outcome per check, and the summary line was printed.
        func expectReports(in reports: String, result: CommandResult, phase: Phase, junit: String? = nil) async throws {
            #expect(Self.isSummaryLine(result.stdout), "stdout must be exactly the summary line: \(result)")
            let json = try Data(contentsOf: URL(fileURLWithPath: reports + "/latest.json"))
            let report = try JSONReporter.parse(json, file: "latest.json")
            #expect(report.run.phase == phase && report.exitCode == result.exitCode, "\(result)")
            let cases = try await FormatValidators.junit(at: junit ?? reports + "/latest.junit.xml")
            for reply in scenario.replies {
                #expect(cases[reply.junitName] == reply.junitOutcome, "\(reply.junitName): \(cases)")
            }
        }

        static func isSummaryLine(_ stdout: String) -> Bool {
            stdout.split(separator: "\n").count == 1 && stdout.hasSuffix("\n")
                && ["READY ", "NOT READY ", "INCOMPLETE "].contains { stdout.hasPrefix($0) }
        }
    }

    // MARK: - Running things

    struct CommandResult: Sendable, CustomStringConvertible {
        var stdout: String
        var stderr: String
        var exitCode: Int32
        var description: String { "exit \(exitCode)\n--- stdout\n\(stdout)--- stderr\n\(stderr)" }
    }

    struct Failure: Error, CustomStringConvertible {
        var description: String
        init(_ description: String) { self.description = description }
    }

    enum Command {
        static func run(_ arguments: [String], in directory: String? = nil, environment: [String: String] = [:]) async throws -> CommandResult {
            try await runBlocking("preflight.test.examples") {
                var env = ProcessInfo.processInfo.environment
                env["PREFLIGHT_CHECKS"] = nil
                for (key, value) in environment { env[key] = value }
                let outcome = try Subprocess(arguments: arguments, environment: env, workingDirectory: directory)
                    .run(input: [], deadline: Date().addingTimeInterval(120))
                let code: Int32
                switch outcome.termination {
                case .exited(let status): code = status
                case .signalled(let signal): code = 128 + signal
                case .timedOut: code = -1
                }
                return CommandResult(
                    stdout: String(decoding: outcome.stdout, as: UTF8.self), stderr: String(decoding: outcome.stderr, as: UTF8.self), exitCode: code)
            }
        }

        static func python(_ script: String, _ arguments: [String]) async throws -> CommandResult {
            try await run([ProcessInfo.processInfo.environment["PYTHON"] ?? "python3", "-c", script] + arguments)
        }

        /// What a CI path or glob names below `root` (Python's glob, like the runners' for a path or `**` pattern).
        static func glob(_ pattern: String, in root: String) async throws -> [String] {
            let result = try await python(
                "import glob, json, sys; print(json.dumps(sorted(glob.glob(sys.argv[1], root_dir=sys.argv[2], recursive=True))))", [pattern, root])
            guard result.exitCode == 0 else { throw Failure("glob \(pattern): \(result)") }
            return try JSONDecoder().decode([String].self, from: Data(result.stdout.utf8)).map { root + "/" + $0 }
        }

        /// A one-line command without shell syntax: splitting at blanks gives exactly the argv bash or systemd runs.
        static func plainArguments(_ line: String) throws -> [String] {
            let shellSyntax = CharacterSet(charactersIn: "'\"\\$`;&|<>(){}*?[]~#%!\n")
            guard line.rangeOfCharacter(from: shellSyntax) == nil else {
                throw Failure("'\(line)' uses shell syntax; keep the preflight command a plain one-liner so its exit code is preflight's.")
            }
            return line.split(whereSeparator: { $0 == " " || $0 == "\t" }).map(String.init)
        }

        static func option(_ name: String, in arguments: [String]) -> String? {
            arguments.firstIndex(of: name).flatMap { $0 + 1 < arguments.count ? arguments[$0 + 1] : nil }
        }

        static func formats(in arguments: [String]) -> Set<String> {
            Set((option("--format", in: arguments) ?? "").split(separator: ",").map(String.init))
        }
    }

    enum ExampleFiles {
        static func path(_ relative: String) -> String { Repository.root.appendingPathComponent("examples/" + relative).path }
        static func text(_ relative: String) throws -> String { try String(contentsOfFile: path(relative), encoding: .utf8) }
    }
}

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

            func run(config: String? = nil) async throws -> CommandResult {
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
                #expect(result.stderr.isEmpty, "\(result)")
                try await wrapper.machine.expectReports(in: wrapper.reports, result: result, phase: .health)
                let files = try FileManager.default.contentsOfDirectory(atPath: wrapper.textfile).sorted()
                #expect(files == ["other.prom", "preflight.prom"], "only preflight.prom is added, no temporary file is left: \(files)")
                #expect(try Data(contentsOf: URL(fileURLWithPath: published)) == Data(contentsOf: URL(fileURLWithPath: wrapper.reports + "/latest.prom")))
                // A new inode: the file was renamed into place, never rewritten where node_exporter may be reading it.
                #expect(try wrapper.inode(published) != before)
                let mode = (try FileManager.default.attributesOfItem(atPath: published)[.posixPermissions] as? NSNumber)?.intValue
                #expect(mode == 0o644, "node_exporter, another user, must read it")
                let samples = try await FormatValidators.prometheus(at: published)
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

// MARK: - systemd

extension ExamplesTests {
    /// A unit file's `[Section] Key=value` entries in order; repeated keys (ExecStartPost=) keep every value.
    struct UnitFile {
        private(set) var entries: [(section: String, key: String, value: String)] = []

        init(path: String) throws {
            var section = ""
            for raw in try String(contentsOfFile: path, encoding: .utf8).components(separatedBy: "\n") {
                let line = raw.trimmingCharacters(in: .whitespaces)
                if line.isEmpty || line.hasPrefix("#") || line.hasPrefix(";") { continue }
                if line.hasPrefix("[") && line.hasSuffix("]") {
                    section = String(line.dropFirst().dropLast())
                } else if let equals = line.firstIndex(of: "=") {
                    let key = line[..<equals].trimmingCharacters(in: .whitespaces)
                    entries.append((section, key, line[line.index(after: equals)...].trimmingCharacters(in: .whitespaces)))
                }
            }
        }

        func values(_ key: String, in section: String) -> [String] { entries.filter { $0.section == section && $0.key == key }.map(\.value) }
        func value(_ key: String, in section: String) -> String? { values(key, in: section).last }
    }
}

extension ExamplesTests {
    @Suite("systemd: the service and timer pair")
    struct Systemd {
        static let service = ExampleFiles.path("systemd/preflight.service")
        static let timer = ExampleFiles.path("systemd/preflight.timer")
        static let shippedBinary = "/usr/local/bin/preflight"

        static func systemdAnalyze() throws -> String {
            let folders = (ProcessInfo.processInfo.environment["PATH"] ?? "").split(separator: ":").map(String.init) + ["/usr/bin", "/bin"]
            guard let tool = folders.map({ $0 + "/systemd-analyze" }).first(where: FileManager.default.isExecutableFile(atPath:)) else {
                throw Failure(
                    "systemd-analyze is missing, so the systemd example cannot be verified. Run 'make test' (scripts/setup.sh "
                        + "installs Debian's systemd package), or apt-get install systemd.")
            }
            return tool
        }

        /// The shipped units in `folder`, the same names, with only ExecStart's binary pointed at the built one
        /// (`verify` checks that it exists); with `extraLine`, that line is added to the service's last section.
        static func copyUnits(to folder: TemporaryFolder, extraLine: String? = nil) throws -> [String] {
            let service = try String(contentsOfFile: Self.service, encoding: .utf8)
            var changed = 0
            let lines = service.components(separatedBy: "\n").map { line in
                guard line.hasPrefix("ExecStart=" + shippedBinary + " ") else { return line }
                changed += 1
                return line.replacingOccurrences(of: "ExecStart=" + shippedBinary, with: "ExecStart=" + CLI.executable)
            }
            guard changed == 1 else { throw Failure("expected one ExecStart=\(shippedBinary) line, found \(changed)") }
            let copy = lines.joined(separator: "\n") + (extraLine.map { $0 + "\n" } ?? "")
            return [try folder.write("preflight.service", copy), try folder.write("preflight.timer", String(contentsOfFile: Self.timer, encoding: .utf8))]
        }

        @Test func theUnitsPassSystemdAnalyzeVerify() async throws {
            let tool = try Self.systemdAnalyze()
            let folder = try TemporaryFolder("examples-systemd")
            let units = try Self.copyUnits(to: folder)
            let result = try await Command.run([tool, "verify"] + units, in: folder.path)
            #expect(result.exitCode == 0, "\(result)")
            // Elsewhere in the output: notes about the host (containers have no running systemd); not ours to judge.
            let ours = (result.stdout + result.stderr).split(separator: "\n").filter {
                $0.contains(folder.path) || $0.contains("preflight.service") || $0.contains("preflight.timer")
            }
            #expect(ours.isEmpty, "systemd-analyze has something to say about the units: \(result)")

            // The control: the same check sees a mistake in the same files, so the silence above means something.
            let broken = try TemporaryFolder("examples-systemd-broken")
            let brokenResult = try await Command.run([tool, "verify"] + (try Self.copyUnits(to: broken, extraLine: "Frobnicate=yes")), in: broken.path)
            #expect(brokenResult.stderr.contains("preflight.service") && brokenResult.stderr.contains("Frobnicate"), "\(brokenResult)")
        }

        @Test func theTimerStartsTheServiceDailyAndCatchesUpAfterDowntime() async throws {
            let timer = try UnitFile(path: Self.timer)
            #expect(timer.value("Unit", in: "Timer") == URL(fileURLWithPath: Self.service).lastPathComponent)
            #expect(timer.value("Persistent", in: "Timer") == "true")
            #expect(timer.value("RandomizedDelaySec", in: "Timer") != nil)
            #expect(timer.value("WantedBy", in: "Install") == "timers.target")
            let calendar = try #require(timer.value("OnCalendar", in: "Timer"))
            let result = try await Command.run([try Self.systemdAnalyze(), "calendar", calendar])
            #expect(result.exitCode == 0, "\(result)")
            #expect(result.stdout.contains("Normalized form: *-*-* "), "every day: \(result)")
        }

        @Test func theServiceRunsAsAHardenedDedicatedUserWithoutSecretsInItsCommandLine() throws {
            let unit = try UnitFile(path: Self.service)
            let service = { (key: String) in unit.value(key, in: "Service") }
            #expect(service("Type") == "oneshot")
            let user = try #require(service("User"))
            #expect(!["", "root", "0"].contains(user))
            #expect(service("SuccessExitStatus") == "1 2", "findings do not fail the unit; every tool error does")
            #expect(service("NoNewPrivileges") == "yes" && service("ProtectSystem") == "strict" && service("PrivateTmp") == "yes")
            let execStart = try Command.plainArguments(try #require(service("ExecStart")))
            let out = try #require(Command.option("--out", in: execStart))
            let writable = unit.values("ReadWritePaths", in: "Service").flatMap { $0.split(separator: " ").map(String.init) }
                + unit.values("StateDirectory", in: "Service").flatMap { $0.split(separator: " ").map { "/var/lib/" + $0 } }
            #expect(writable.contains { out == $0 || out.hasPrefix($0 + "/") }, "--out \(out) is writable under ProtectSystem=strict: \(writable)")
            #expect(writable.contains("/var/lib/node_exporter/textfile"), "\(writable)")
            // The password: a credential or an environment file, never the command line or the unit itself.
            #expect(unit.values("LoadCredential", in: "Service").contains { $0.hasPrefix("ldap-password:") } || service("EnvironmentFile") != nil)
            for entry in unit.entries where entry.key.hasPrefix("Exec") || entry.key == "Environment" {
                #expect(!entry.value.lowercased().contains("password"), "\(entry.key)=\(entry.value)")
            }
        }

        @Test(arguments: Scenario.all)
        func theServicesCommandsRunAsSystemdRunsThem(_ scenario: Scenario) async throws {
            let machine = try Machine(scenario, "systemd")
            let unit = try UnitFile(path: Self.service)
            // The machine's paths in place of the shipped ones: nothing else in the lines changes.
            let substitutions = [
                (Self.shippedBinary, CLI.executable),
                ("/etc/preflight/preflight.yml", try machine.writeConfiguration(at: "etc/preflight.yml")),
                ("/var/lib/preflight/reports", machine.folder.url("reports")),
                ("/var/lib/node_exporter/textfile", machine.folder.url("textfile")),
            ]
            try FileManager.default.createDirectory(atPath: machine.folder.url("textfile"), withIntermediateDirectories: true)
            var used = Set<String>()
            func command(_ line: String) throws -> [String] {
                try Command.plainArguments(line).map { argument in
                    for (shipped, local) in substitutions where argument == shipped || argument.hasPrefix(shipped + "/") {
                        used.insert(shipped)
                        return local + argument.dropFirst(shipped.count)
                    }
                    return argument
                }
            }
            let start = try command(try #require(unit.value("ExecStart", in: "Service")))
            let posts = try unit.values("ExecStartPost", in: "Service").map(command)
            #expect(used.count == substitutions.count, "every shipped path is in the unit: \(used)")
            #expect(Command.option("--phase", in: start) == "health")

            let result = try await Command.run(start, environment: machine.environment)
            #expect(result.exitCode == scenario.healthExit, "\(result)")
            try await machine.expectReports(in: machine.folder.url("reports"), result: result, phase: .health)
            // systemd runs ExecStartPost= only after a successful ExecStart=: 0 or a SuccessExitStatus= code.
            let success = Set([0] + (unit.value("SuccessExitStatus", in: "Service") ?? "").split(separator: " ").compactMap { Int32($0) })
            try #require(success.contains(result.exitCode))
            for post in posts {
                let step = try await Command.run(post)
                #expect(step.exitCode == 0 && step.stderr.isEmpty, "\(post): \(step)")
            }
            #expect(try FileManager.default.contentsOfDirectory(atPath: machine.folder.url("textfile")) == ["preflight.prom"])
            #expect(try machine.folder.read("textfile/preflight.prom") == machine.folder.read("reports/latest.prom"))
            _ = try await FormatValidators.prometheus(at: machine.folder.url("textfile/preflight.prom"))
        }
    }
}

// MARK: - CI files

extension ExamplesTests {
    /// A CI file read as GitHub and Azure DevOps read it: YAML 1.2 scalars, so `on:` is a key, not `true`.
    struct YAMLValue {
        let raw: Any
        init(_ raw: Any) { self.raw = raw }

        init(path: String) throws {
            let resolver = Resolver.basic.appending(.int).appending(.float).appending(.null)
                .appending(try Resolver.Rule(.bool, "^(?:true|True|TRUE|false|False|FALSE)$"))
            guard let node = try Yams.compose(yaml: try String(contentsOfFile: path, encoding: .utf8), resolver) else {
                throw Failure("\(path) is empty")
            }
            raw = try Self.plain(node)
        }

        private static func plain(_ node: Node) throws -> Any {
            switch node {
            case .scalar(let scalar):
                switch Tag.Name(rawValue: node.tag.description) {  // resolved: quoted scalars stay strings
                case .bool: return scalar.string.lowercased() == "true"
                case .int: return Int(scalar.string) ?? scalar.string
                case .float: return Double(scalar.string) ?? scalar.string
                case .null: return NSNull()
                default: return scalar.string
                }
            case .mapping(let mapping):
                var object: [String: Any] = [:]
                for (key, value) in mapping {
                    guard case .scalar(let name) = key else { throw Failure("a mapping key is not a scalar: \(key)") }
                    object[name.string] = try plain(value)
                }
                return object
            case .sequence(let sequence): return try sequence.map(plain)
            case .alias: throw Failure("aliases are not used in the examples")
            }
        }

        subscript(_ key: String) -> YAMLValue? { (raw as? [String: Any])?[key].map(YAMLValue.init) }
        var string: String? { raw as? String }
        var bool: Bool? { raw as? Bool }
        var items: [YAMLValue] { ((raw as? [Any]) ?? []).map(YAMLValue.init) }
        var keys: [String] { ((raw as? [String: Any]) ?? [:]).keys.sorted() }
    }

    /// The gate step's command: plain, so the step's exit code is preflight's.
    struct GateCommand {
        let text: String
        let arguments: [String]

        init(_ text: String) throws {
            self.text = text.trimmingCharacters(in: .whitespacesAndNewlines)
            arguments = try Command.plainArguments(self.text)
            guard arguments.starts(with: ["preflight", "run"]) else { throw Failure("not a preflight run: \(text)") }
        }

        /// The CI gate of the README: the preflight phase, blocking on high and critical, reports for people and the test tab.
        func expectGateFlags() {
            #expect(Command.option("--phase", in: arguments) == "preflight", "\(text)")
            #expect(Command.option("--fail-on", in: arguments) == "high", "\(text)")
            #expect(Command.formats(in: arguments).isSuperset(of: ["md", "json", "junit", "summary"]), "\(text)")
            #expect(Command.option("--config", in: arguments) != nil && Command.option("--out", in: arguments) != nil, "\(text)")
        }

        var config: String { Command.option("--config", in: arguments) ?? "preflight.yml" }
        var out: String { Command.option("--out", in: arguments) ?? "reports" }
    }
}

extension ExamplesTests {
    @Suite("GitHub Actions: the gate job")
    struct GitHubActions {
        static let workflowPath = ExampleFiles.path("github-actions/preflight.yml")

        struct Workflow {
            let root: YAMLValue
            let job: YAMLValue
            let steps: [YAMLValue]
            let gateIndex: Int
            let gate: GateCommand

            init() throws {
                root = try YAMLValue(path: GitHubActions.workflowPath)
                let jobs = try #require(root["jobs"])
                try #require(jobs.keys.count == 1, "one job: \(jobs.keys)")
                job = try #require(jobs[jobs.keys[0]])
                let steps = job["steps"]?.items ?? []
                self.steps = steps
                let gates = steps.indices.filter { steps[$0]["run"]?.string?.contains("preflight run") == true }
                try #require(gates.count == 1, "one step runs preflight")
                gateIndex = gates[0]
                gate = try GateCommand(try #require(steps[gateIndex]["run"]?.string))
            }

            func step(uses prefixes: [String]) throws -> (index: Int, step: YAMLValue) {
                let index = try #require(steps.firstIndex { step in prefixes.contains { step["uses"]?.string?.hasPrefix($0) == true } }, "\(prefixes)")
                return (index, steps[index])
            }

            var summaryStep: (index: Int, step: YAMLValue)? {
                steps.firstIndex { $0["run"]?.string?.contains("GITHUB_STEP_SUMMARY") == true }.map { ($0, steps[$0]) }
            }

            static func runsAfterAFailure(_ step: YAMLValue) -> Bool {
                let condition = step["if"]?.string ?? ""
                return condition.contains("always()") || condition.contains("!cancelled()")
            }
        }

        @Test func theWorkflowMatchesGitHubsWorkflowSchema() async throws {
            let folder = try TemporaryFolder("examples-gha")
            let workflow = try YAMLValue(path: Self.workflowPath)
            let json = try folder.write("workflow.json", String(decoding: try JSONSerialization.data(withJSONObject: workflow.raw), as: UTF8.self))
            let result = try await Self.validate(json)
            #expect(result.exitCode == 0, "\(result)")
            // The control: the schema rejects the same workflow without `runs-on`, so the pass above means something.
            var broken = try #require(workflow.raw as? [String: Any])
            var jobs = try #require(broken["jobs"] as? [String: Any])
            var job = try #require(jobs["preflight"] as? [String: Any])
            job["runs-on"] = nil
            jobs["preflight"] = job
            broken["jobs"] = jobs
            let brokenJSON = try folder.write("broken.json", String(decoding: try JSONSerialization.data(withJSONObject: broken), as: UTF8.self))
            let rejected = try await Self.validate(brokenJSON)
            #expect(rejected.exitCode == 1 && rejected.stdout.hasPrefix("jobs/preflight: "), "\(rejected)")
        }

        static func validate(_ json: String) async throws -> CommandResult {
            try await Command.python(
                """
                import json, sys
                try:
                    import jsonschema
                except ImportError:
                    sys.exit("Python's jsonschema is missing: run 'make setup' (scripts/setup.sh) first.")
                schema = json.load(open(sys.argv[1]))
                validator = jsonschema.validators.validator_for(schema)
                validator.check_schema(schema)
                errors = sorted(validator(schema).iter_errors(json.load(open(sys.argv[2]))), key=str)
                for error in errors:
                    print("/".join(map(str, error.absolute_path)) + ": " + error.message[:300])
                sys.exit(1 if errors else 0)
                """, [Repository.fixture("ci-schemas/github-workflow.json"), json])
        }

        @Test func theGateDecidesTheJobAndItsResultsArePublishedWhateverItSays() throws {
            let workflow = try Workflow()
            workflow.gate.expectGateFlags()
            let runsOn = workflow.job["runs-on"]
            #expect(runsOn?.string == "self-hosted" || runsOn?.items.first?.string == "self-hosted", "it must reach the DC: a runner in the network")
            let gateStep = workflow.steps[workflow.gateIndex]
            #expect(gateStep["continue-on-error"]?.bool != true && workflow.job["continue-on-error"]?.bool != true, "a failed gate fails the job")
            // The secret reaches preflight through the environment only.
            let env = gateStep["env"]
            let secret = try #require(env?.keys.first { env?[$0]?.string?.hasPrefix("${{ secrets.") == true }, "a secret mapped into env")
            #expect(!workflow.gate.text.contains("secrets.") && !workflow.gate.text.contains(secret))

            let junit = try workflow.step(uses: ["mikepenz/action-junit-report@", "dorny/test-reporter@"])
            let upload = try workflow.step(uses: ["actions/upload-artifact@"])
            let summary = try #require(workflow.summaryStep, "the Markdown report goes to $GITHUB_STEP_SUMMARY")
            for (index, step) in [junit, upload, summary] {
                #expect(index > workflow.gateIndex && Workflow.runsAfterAFailure(step), "step \(index) runs after the gate, even when it fails")
            }
            #expect(junit.step["with"]?["fail_on_failure"]?.bool != true, "the gate's exit code decides, not the failures in the file")
            #expect(workflow.root["permissions"]?["checks"]?.string == "write", "the JUnit action creates a check run")
            let artifact = try #require(upload.step["with"]?["path"]?.string)
            #expect(artifact.hasPrefix(workflow.gate.out), "the artifact is the reports folder: \(artifact)")
        }

        @Test(arguments: Scenario.all)
        func theJobsStepsRunForReal(_ scenario: Scenario) async throws {
            let workflow = try Workflow()
            let machine = try Machine(scenario, "gha")
            let workspace = machine.folder.url("workspace")
            try machine.writeConfiguration(at: "workspace/" + workflow.gate.config)
            let summaryFile = machine.folder.url("step-summary.md")
            try machine.folder.write("step-summary.md", "")
            let environment = machine.environment.merging([
                "PATH": try machine.binFolder() + ":" + (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"),
                "GITHUB_WORKSPACE": workspace, "GITHUB_STEP_SUMMARY": summaryFile,
            ]) { $1 }
            // A `run:` step without `shell:` runs as `bash -e {0}` in the workspace.
            func run(_ script: String) async throws -> CommandResult {
                let file = try machine.folder.write("step-\(UUID().uuidString.prefix(6)).sh", script)
                return try await Command.run(["bash", "-e", file], in: workspace, environment: environment)
            }
            let gate = try await run(try #require(workflow.steps[workflow.gateIndex]["run"]?.string))
            #expect(gate.exitCode == scenario.gateExit, "\(gate)")

            let reportPaths = try #require(try workflow.step(uses: ["mikepenz/action-junit-report@"]).step["with"]?["report_paths"]?.string)
            let published = try await Command.glob(reportPaths, in: workspace)
            try #require(published.count == 1, "report_paths \(reportPaths) names the JUnit file the gate wrote: \(published)")
            try await machine.expectReports(in: workspace + "/" + workflow.gate.out, result: gate, phase: .preflight, junit: published[0])

            let summary = try await run(try #require(workflow.summaryStep?.step["run"]?.string))
            #expect(summary.exitCode == 0, "\(summary)")
            #expect(try machine.folder.read("step-summary.md") == machine.folder.read("workspace/\(workflow.gate.out)/latest.md"))
            let artifact = try #require(try workflow.step(uses: ["actions/upload-artifact@"]).step["with"]?["path"]?.string)
            let artifactReport = URL(fileURLWithPath: workspace).appendingPathComponent(artifact).appendingPathComponent("latest.json").path
            #expect(FileManager.default.fileExists(atPath: artifactReport), "the artifact holds the reports: \(artifactReport)")
        }
    }
}

extension ExamplesTests {
    /// Microsoft's schema for azure-pipelines.yml (service-schema.json) is 1.6 MB: these assertions check what
    /// matters for the gate instead.
    @Suite("Azure DevOps: the gate pipeline")
    struct AzureDevOps {
        static let pipelinePath = ExampleFiles.path("azure-devops/azure-pipelines.yml")
        static let conditions = ["succeededOrFailed()", "always()"]

        struct Pipeline {
            let root: YAMLValue
            let steps: [YAMLValue]
            let gateIndex: Int
            let gate: GateCommand

            init() throws {
                root = try YAMLValue(path: AzureDevOps.pipelinePath)
                let steps = root["steps"]?.items ?? []
                self.steps = steps
                let gates = steps.indices.filter { steps[$0]["script"]?.string?.contains("preflight run") == true }
                try #require(gates.count == 1, "one step runs preflight")
                gateIndex = gates[0]
                gate = try GateCommand(try #require(steps[gateIndex]["script"]?.string))
            }

            func task(_ name: String) throws -> (index: Int, step: YAMLValue) {
                let index = try #require(steps.firstIndex { $0["task"]?.string == name }, "a \(name) step")
                return (index, steps[index])
            }

            /// Azure DevOps macros resolved the way the agent does for a job whose sources are in `workspace`.
            static func expand(_ value: String, workspace: String) throws -> String {
                let expanded = value.replacingOccurrences(of: "$(System.DefaultWorkingDirectory)", with: workspace)
                guard !expanded.contains("$(") else { throw Failure("add the macro in '\(value)' to the substitution table") }
                return expanded
            }
        }

        @Test func theGateDecidesTheRunAndItsResultsArePublishedWhateverItSays() throws {
            let pipeline = try Pipeline()
            pipeline.gate.expectGateFlags()
            #expect(pipeline.root["pool"]?["name"]?.string != nil && pipeline.root["pool"]?["vmImage"] == nil, "a self-hosted pool in the network")
            let gateStep = pipeline.steps[pipeline.gateIndex]
            #expect(gateStep["continueOnError"]?.bool != true, "a failed gate fails the run")
            // Azure DevOps maps no secret into a script by itself: the step maps it, the script never names it.
            let env = gateStep["env"]
            let secret = try #require(env?.keys.first { env?[$0]?.string == "$(\($0))" }, "a secret variable mapped into env")
            #expect(!pipeline.gate.text.contains(secret) && !pipeline.gate.text.contains("$("))

            let results = try pipeline.task("PublishTestResults@2")
            let inputs = try #require(results.step["inputs"])
            #expect(inputs["testResultsFormat"]?.string == "JUnit")
            #expect(inputs["failTaskOnFailedTests"]?.bool != true, "the gate's exit code decides, not the failures in the file")
            let artifact = try pipeline.task("PublishPipelineArtifact@1")
            for (index, step) in [results, artifact] {
                let condition = step["condition"]?.string ?? ""
                #expect(index > pipeline.gateIndex && Self.conditions.contains(condition), "step \(index) runs even after a failed gate")
            }
        }

        @Test(arguments: Scenario.all)
        func thePipelinesStepsRunForReal(_ scenario: Scenario) async throws {
            let pipeline = try Pipeline()
            let machine = try Machine(scenario, "azure")
            let workspace = machine.folder.url("workspace")
            try machine.writeConfiguration(at: "workspace/" + pipeline.gate.config)
            let environment = machine.environment.merging([
                "PATH": try machine.binFolder() + ":" + (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin")
            ]) { $1 }
            // A `script:` step on Linux: bash (without -e) in $(System.DefaultWorkingDirectory).
            let script = try machine.folder.write("gate.sh", try #require(pipeline.steps[pipeline.gateIndex]["script"]?.string))
            let gate = try await Command.run(["bash", "--noprofile", "--norc", script], in: workspace, environment: environment)
            #expect(gate.exitCode == scenario.gateExit, "\(gate)")

            let inputs = try #require(try pipeline.task("PublishTestResults@2").step["inputs"])
            let searchFolder = try Pipeline.expand(inputs["searchFolder"]?.string ?? "$(System.DefaultWorkingDirectory)", workspace: workspace)
            let pattern = try #require(inputs["testResultsFiles"]?.string)
            let published = try await Command.glob(pattern, in: searchFolder)
            try #require(published.count == 1, "testResultsFiles \(pattern) names the JUnit file the gate wrote: \(published)")
            try await machine.expectReports(in: workspace + "/" + pipeline.gate.out, result: gate, phase: .preflight, junit: published[0])

            let target = try Pipeline.expand(
                try #require(try pipeline.task("PublishPipelineArtifact@1").step["inputs"]?["targetPath"]?.string), workspace: workspace)
            #expect(FileManager.default.fileExists(atPath: target + "/latest.json"), "the artifact holds the reports: \(target)")
        }
    }
}
