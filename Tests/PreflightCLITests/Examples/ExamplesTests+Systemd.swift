import Foundation
import PreflightTestSupport
import Testing
import Yams

import PreflightKit

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

        /// The exit statuses systemd counts as a successful ExecStart=: 0 and SuccessExitStatus=.
        var successStatuses: Set<Int32> {
            Set([0] + (value("SuccessExitStatus", in: "Service") ?? "").split(separator: " ").compactMap { Int32($0) })
        }
    }

    /// An Exec*= line split into argv the way systemd splits it: words at blanks, '…' and "…" quoting (a backslash
    /// escapes inside double quotes), and `$$` as a literal `$` (systemd's own variable expansion is not used here).
    static func systemdArguments(_ line: String) throws -> [String] {
        var words: [String] = []
        var word = ""
        var inWord = false
        var quote: Character?
        var escaped = false
        for character in line {
            if escaped {
                word.append(character)
                escaped = false
            } else if let open = quote {
                if character == open {
                    quote = nil
                } else if character == "\\" && open == "\"" {
                    escaped = true
                } else {
                    word.append(character)
                }
            } else if character == " " || character == "\t" {
                if inWord { words.append(word) }
                word = ""
                inWord = false
            } else if character == "'" || character == "\"" {
                quote = character
                inWord = true
            } else {
                word.append(character)
                inWord = true
            }
        }
        guard quote == nil else { throw Failure("unterminated quote in '\(line)'") }
        if inWord { words.append(word) }
        return words.map { $0.replacingOccurrences(of: "$$", with: "$") }
    }
}

extension ExamplesTests {
    @Suite("systemd: the service and timer pair")
    struct Systemd {
        static let service = ExampleFiles.path("systemd/preflight.service")
        static let timer = ExampleFiles.path("systemd/preflight.timer")
        static let shippedBinary = "/usr/bin/preflight"

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
            // A finding (1) does not fail the unit; a run that could not judge (2) and every tool error do.
            #expect(service("SuccessExitStatus") == "1", "\(unit.successStatuses)")
            #expect(!unit.successStatuses.contains(2), "exit 2 (incomplete) must fail the unit, never count as success")
            #expect(unit.values("ExecStartPost", in: "Service").isEmpty, "publishing runs in ExecStopPost=, which also follows exit 2")
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

        /// The unit's commands with the machine's paths in place of the shipped ones; nothing else in the lines changes.
        struct Commands {
            let start: [String]
            let stopPosts: [[String]]

            init(_ unit: UnitFile, machine: Machine) throws {
                let substitutions = [
                    (Systemd.shippedBinary, CLI.executable),
                    ("/etc/preflight/preflight.yml", try machine.writeConfiguration(at: "etc/preflight.yml")),
                    ("/var/lib/preflight/reports", machine.folder.url("reports")),
                    ("/var/lib/node_exporter/textfile", machine.folder.url("textfile")),
                ]
                var used = Set<String>()
                func local(_ argument: String) -> String {
                    var argument = argument
                    for (shipped, local) in substitutions where argument.contains(shipped) {
                        used.insert(shipped)
                        argument = argument.replacingOccurrences(of: shipped, with: local)
                    }
                    return argument
                }
                // ExecStart= is a plain command line, so its exit code is preflight's.
                start = try Command.plainArguments(try #require(unit.value("ExecStart", in: "Service"))).map(local)
                stopPosts = try unit.values("ExecStopPost", in: "Service").map { try ExamplesTests.systemdArguments($0).map(local) }
                #expect(used.count == substitutions.count, "every shipped path is in the unit: \(used)")
            }

            /// ExecStopPost= as systemd runs it after the main process: whatever it returned, with its exit status in the environment.
            func runStopPosts(afterExitStatus status: Int32, success: Bool) async throws -> [CLIResult] {
                var results: [CLIResult] = []
                for command in stopPosts {
                    let environment = [
                        "EXIT_CODE": "exited", "EXIT_STATUS": String(status), "SERVICE_RESULT": success ? "success" : "exit-code",
                    ]
                    results.append(try await Command.run(command, environment: environment))
                }
                return results
            }
        }

        @Test(arguments: Scenario.all)
        func theServicesCommandsRunAsSystemdRunsThem(_ scenario: Scenario) async throws {
            let machine = try Machine(scenario, "systemd")
            let unit = try UnitFile(path: Self.service)
            try FileManager.default.createDirectory(atPath: machine.folder.url("textfile"), withIntermediateDirectories: true)
            let commands = try Commands(unit, machine: machine)
            #expect(Command.option("--phase", in: commands.start) == "health")
            try #require(!commands.stopPosts.isEmpty, "ExecStopPost= publishes the metrics")

            let result = try await Command.run(commands.start, environment: machine.environment)
            #expect(result.exitCode == scenario.healthExit, "\(result)")
            try await machine.expectReports(in: machine.folder.url("reports"), result: result, phase: .health)
            // The unit succeeds for 0 and 1 only: an incomplete run (2) fails it, so OnFailure= and systemctl --failed see it.
            let succeeded = unit.successStatuses.contains(result.exitCode)
            #expect(succeeded == !scenario.incomplete, "exit \(result.exitCode): unit \(succeeded ? "succeeded" : "failed")")
            // ExecStopPost= follows success and failure alike, and publishes the metrics of every run that reached a verdict.
            for step in try await commands.runStopPosts(afterExitStatus: result.exitCode, success: succeeded) {
                #expect(step.exitCode == 0 && step.stderr.isEmpty, "\(step)")
            }
            #expect(try FileManager.default.contentsOfDirectory(atPath: machine.folder.url("textfile")) == ["preflight.prom"])
            #expect(try machine.folder.read("textfile/preflight.prom") == machine.folder.read("reports/latest.prom"))
            let samples = try await FormatValidators.prometheus(at: machine.folder.url("textfile/preflight.prom"))
            #expect(samples["preflight_ready"] == (scenario.healthExit == 0 ? 1 : 0), "\(samples)")
            #expect(((samples["preflight_not_assessed_checks"] ?? -1) > 0) == scenario.incomplete, "\(samples)")
        }

        @Test func aBrokenRunFailsTheUnitAndPublishesNothing() async throws {
            let machine = try Machine(Scenario.all[0], "systemd-broken")
            let unit = try UnitFile(path: Self.service)
            let commands = try Commands(unit, machine: machine)
            try machine.folder.write("textfile/preflight.prom", "# yesterday's metrics\n")
            // The configuration names a password variable the scheduler did not set: 78 before anything runs.
            try machine.folder.write("etc/preflight.yml", "ldap: {url: ldaps://dc, bindDN: r, passwordEnv: PREFLIGHT_UNSET_PASSWORD}\n")
            let result = try await Program.run(commands.start, environment: machine.environment, unset: ["PREFLIGHT_UNSET_PASSWORD"])
            #expect(result.exitCode == 78 && result.stderr.contains("'PREFLIGHT_UNSET_PASSWORD', which is not set"), "\(result)")
            #expect(!unit.successStatuses.contains(result.exitCode))
            for step in try await commands.runStopPosts(afterExitStatus: result.exitCode, success: false) {
                #expect(step.exitCode == 0 && step.stderr.isEmpty, "\(step)")
            }
            #expect(try machine.folder.read("textfile/preflight.prom") == "# yesterday's metrics\n", "a broken run publishes nothing")
            #expect(try FileManager.default.contentsOfDirectory(atPath: machine.folder.url("textfile")) == ["preflight.prom"])
        }

        @Test func systemdArgumentsSplitsAsSystemdDoes() throws {
            #expect(try ExamplesTests.systemdArguments(#"/bin/sh -c 'case "$$X" in 0) a ;; esac' "b c""#) == ["/bin/sh", "-c", #"case "$X" in 0) a ;; esac"#, "b c"])
            #expect(try ExamplesTests.systemdArguments("/usr/bin/mv -f a b") == ["/usr/bin/mv", "-f", "a", "b"])
        }
    }
}
