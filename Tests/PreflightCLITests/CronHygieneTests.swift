import Foundation
import PreflightTestSupport
import Testing

import PreflightKit

#if canImport(Glibc)
    import Glibc
#endif

/// What an unattended job needs: a lock against overlapping runs, retention, and no terminal decoration in logs.
@Suite("CLI: lock, retention, terminals")
struct CronHygieneTests {
    let folder = try! TemporaryFolder("cli-cron")

    func run(_ arguments: [String], environment: [String: String] = [:]) async throws -> CLIResult {
        try await CLI.run(arguments, in: folder.path, environment: environment)
    }

    /// A passing check, and one that holds its run until the test calls `release()` (no race with a sleep).
    func checks(held: Bool = false) throws -> [String] {
        let catalog = TestCatalog(in: folder)
        try catalog.plugin("PLG-801", title: "Quick", severity: "high", reply: #"{"status":"pass"}"#)
        let wait = held ? "while [ ! -e \"\(folder.url("release"))\" ]; do sleep 0.1; done\n" : ""
        try catalog.plugin(
            "PLG-802", title: "Held", description: "Waits for the test.", severity: "low", timeoutSeconds: 300,
            script: "#!/bin/sh\ncat >/dev/null\n\(wait)echo '{\"status\":\"pass\"}'\n")
        return ["run", "--checks", catalog.path, "--only", "PLG-801,PLG-802", "--out", "out"]
    }

    func release() throws { try folder.write("release", "") }

    /// Waits (on a blocking thread) until a run has taken the lock and written who it is.
    func lockHolderPID() async throws -> pid_t {
        let path = folder.url("out/\(RunLock.fileName)")
        return try await runBlocking("test.lock.wait") {
            for _ in 0..<600 {
                let text = (try? String(contentsOfFile: path, encoding: .utf8)) ?? ""
                if let match = text.firstMatch(of: #/^pid (\d+) /#), let pid = pid_t(match.1) { return pid }
                usleep(50_000)
            }
            throw CLIError("no run took the lock '\(path)' within 30 s")
        }
    }

    struct CLIError: Error, CustomStringConvertible {
        var description: String
        init(_ description: String) { self.description = description }
    }

    @Test func anOverlappingRunStopsAtOnceWith75AndTheFirstFinishes() async throws {
        let arguments = try checks(held: true)
        async let first = run(arguments)
        let holder = try await lockHolderPID()
        let second = try await run(arguments + ["--format", "json,summary"])
        #expect(second.exitCode == 75 && second.stdout.isEmpty, "\(second)")
        #expect(second.stderr.hasPrefix("preflight: error: Another preflight run (pid \(holder) on "), "\(second)")
        #expect(second.stderr.contains("holds the lock 'out/.preflight.lock', so this run stopped before running any check. Try again later, or pass --wait-lock SECONDS to wait for it.\n"))
        async let waiting = run(arguments + ["--wait-lock", "120", "--format", "json,summary"])
        // Release the first run only once the waiting one has started waiting (its process exists and the lock is still held).
        try await Task.sleep(for: .seconds(1))
        try release()
        let finished = try await first
        #expect(finished.exitCode == 0, "\(finished)")
        let waited = try await waiting
        #expect(waited.exitCode == 0 && waited.stdout.hasPrefix("READY (selection: --only PLG-801,PLG-802) 0 fail"), "the waiting run ran after the first: \(waited)")
        let sets = try FileManager.default.contentsOfDirectory(atPath: folder.url("out")).filter { $0.hasPrefix("preflight-") && $0.hasSuffix(".json") }
        #expect(sets.count == 2, "the first run and the waiting run wrote reports, the refused one none: \(sets)")
    }

    @Test func aWaitThatRunsOutSaysHowLongItWaited() async throws {
        let arguments = try checks()
        let lock = try RunLock.acquire(in: folder.url("out"))
        let result = try await run(arguments + ["--wait-lock", "1"])
        #expect(result.exitCode == 75, "\(result)")
        #expect(result.stderr.contains("still holds the lock 'out/.preflight.lock' after 1 s of waiting"), "\(result)")
        #expect(result.stderr.contains("(pid \(getpid()) on "), "the holder is named: \(result)")
        withExtendedLifetime(lock) {}
    }

    @Test func aKilledRunLeavesNoStaleLock() async throws {
        let arguments = try checks(held: true)
        async let killed = run(arguments)
        let holder = try await lockHolderPID()
        #expect(kill(holder, SIGKILL) == 0)
        let result = try await killed
        #expect(result.exitCode == 128 + SIGKILL, "\(result)")
        try release()
        let next = try await run(arguments)
        #expect(next.exitCode == 0, "the kernel released the dead run's lock: \(next)")
    }

    @Test func keepDeletesAllButTheNewestSetsAndNothingElse() async throws {
        let arguments = try checks() + ["--format", "md,json,csv", "--keep", "2"]
        try folder.write("out/notes.txt", "mine")
        try folder.write("out/preflight-notes.md", "mine too")
        // Named like reports but not ours to delete: a backup, a folder, and a future-dated copy that sorts newest.
        try folder.write("out/preflight-20201126T101500Z.md.bak", "backup")
        try folder.write("out/preflight-20201126T101500Z.json/user-file", "a folder")
        try folder.write("out/preflight-20991126T101500Z.csv", "future")
        for _ in 1...4 {
            let result = try await run(arguments)
            #expect(result.exitCode == 0, "\(result)")
        }
        let names = try FileManager.default.contentsOfDirectory(atPath: folder.url("out")).sorted()
        let stems = Set(
            names.filter { !$0.contains("2020") && !$0.contains("2099") }
                .compactMap { $0.firstMatch(of: /^(preflight-\d{8}T\d{6}Z(?:-\d+)?)\./).map { String($0.1) } })
        #expect(stems.count == 1, "the future-dated set takes one of the two places; the run's own set always stays: \(names)")
        #expect(names.contains("preflight-20991126T101500Z.csv"))
        #expect(names.contains("preflight-20201126T101500Z.md.bak") && names.contains("preflight-20201126T101500Z.json"))
        #expect(try folder.read("out/preflight-20201126T101500Z.json/user-file") == "a folder")
        for stem in stems {
            for ext in ["md", "json", "csv"] { #expect(names.contains("\(stem).\(ext)"), "\(names)") }
        }
        let newest = try JSONReporter.load(folder.url("out/latest.json"))
        let kept = try stems.map { try JSONReporter.load(folder.url("out/\($0).json")).run.id }
        #expect(kept.contains(newest.run.id), "the newest set is kept")
        #expect(names.contains("notes.txt") && names.contains("preflight-notes.md") && names.contains("latest.md"))
    }

    /// Runs the binary on a pseudo-terminal (util-linux `script`), as a person at a shell would.
    func onTerminal(_ arguments: [String], environment: [String: String] = [:]) async throws -> CLIResult {
        let command = ([CLI.executable] + arguments).map { "'" + $0.replacingOccurrences(of: "'", with: "'\\''") + "'" }.joined(separator: " ")
        return try await Program.run(
            ["script", "-q", "-e", "-c", command, "/dev/null"], in: folder.path,
            environment: ["TERM": "xterm-256color"].merging(environment) { $1 }, unset: ["NO_COLOR"])
    }

    @Test func colourAndProgressOnlyOnATerminalAndNeverWithNoColor() async throws {
        let arguments = try checks() + ["--format", "json"]
        let terminal = try await onTerminal(arguments)
        #expect(terminal.exitCode == 0, "\(terminal)")
        #expect(terminal.stdout.contains("\u{1B}[1;32mREADY\u{1B}[0m (selection: --only PLG-801,PLG-802) — no selected check failed"), "\(terminal)")
        #expect(terminal.stdout.contains("\u{1B}[32mPASS \u{1B}[0m PLG-801 Quick"), "progress lines on the terminal's stderr: \(terminal)")

        let noColor = try await onTerminal(arguments, environment: ["NO_COLOR": "1"])
        #expect(noColor.exitCode == 0 && !noColor.stdout.contains("\u{1B}"), "\(noColor)")
        #expect(
            noColor.stdout.contains("PASS  PLG-801 Quick") && noColor.stdout.contains("READY (selection: --only PLG-801,PLG-802) — no selected check failed"),
            "\(noColor)")
        let dumb = try await onTerminal(arguments, environment: ["TERM": "dumb"])
        #expect(!dumb.stdout.contains("\u{1B}"), "\(dumb)")

        let piped = try await run(arguments)
        #expect(piped.exitCode == 0 && !piped.stdout.contains("\u{1B}") && piped.stderr.isEmpty, "no colour, no progress in logs: \(piped)")
    }
}
