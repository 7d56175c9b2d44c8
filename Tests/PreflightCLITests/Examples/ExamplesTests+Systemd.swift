import Foundation
import PreflightKit
import PreflightTestSupport
import Testing
import Yams

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
