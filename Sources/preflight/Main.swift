import ArgumentParser
import Foundation
import Logging
import PreflightCore
import PreflightEngine
import PreflightKit

#if canImport(Glibc)
    import CAllocator
    import Glibc
#endif

/// The entry point: parses, runs, and maps every error to an exit code in one place.
@main
struct Main {
    static func main() async {
        #if canImport(Glibc)
            // glibc serves a buffer of 128 KiB or more from its own mapping, but after the first such buffer is freed it
            // raises that threshold (up to 32 MiB), so the inventory's later buffers (the user table's arrays, its
            // 8 MiB read parts) come from the heap and leave holes it keeps when freed; the report built after them
            // then grows the heap instead. A fixed threshold returns every buffer of 1 MiB or more on free: on the
            // 1,000,000-user benchmark peak RSS 245-263 MB → 202-208 MB (docs/benchmarks.md).
            _ = mallopt(M_MMAP_THRESHOLD, 1 << 20)
        #endif
        // Diagnostics for slow or odd runs: PREFLIGHT_LOG_LEVEL=debug prints per-check timings to stderr.
        let level = ProcessInfo.processInfo.environment["PREFLIGHT_LOG_LEVEL"].flatMap(Logger.Level.init(rawValue:)) ?? .warning
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = level
            return handler
        }
        do {
            var command = try Preflight.parseAsRoot()
            if var asyncCommand = command as? any AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
        } catch let exit as CommandExit {
            Foundation.exit(exit.status.rawValue)
        } catch let error as PreflightError {
            Console.error(error.description)
            Foundation.exit(ExitStatus.for(error).rawValue)
        } catch {
            // ArgumentParser's own help, version and usage errors (usage errors exit 64, EX_USAGE).
            Preflight.exit(withError: error)
        }
    }
}

/// Thrown by a command that finished normally but must exit with a status other than 0.
struct CommandExit: Error {
    let status: ExitStatus
}

struct Preflight: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "preflight",
        abstract: "Checks whether a hybrid environment is ready for Entra ID self-service password reset with password writeback.",
        discussion: """
            Exit codes: 0 ready (every critical and high check judged; with --only/--skip/--tag: the selection), \
            1 not ready (a check failed; for 'diff': something got worse), 2 incomplete (a check errored, or a \
            critical or high check was not assessed: not a pass), 64 usage error, 65 malformed report input ('render', 'diff', --baseline) or saved facts ('evaluate': changed since saved, or another format version), 66 a named \
            file cannot be read, 67 'why': no such user, 70 internal error, 73 a report cannot be written, 75 another run holds the --out \
            folder's lock, 78 invalid configuration or check definition, 129/130/143 'run' interrupted by SIGHUP, SIGINT \
            or SIGTERM (its plugins stopped; latest.* the previous run's or this one's, whole). Colour only on a terminal; \
            NO_COLOR is honoured.
            """,
        version: PreflightVersion.current,
        subcommands: [InitCommand.self, RunCommand.self, EvaluateCommand.self, WhyCommand.self, DiffCommand.self, ListCommand.self, ExplainCommand.self, ValidateCommand.self, RenderCommand.self],
        defaultSubcommand: nil)
}

enum Console {
    static func error(_ message: String) {
        for line in message.split(separator: "\n", omittingEmptySubsequences: false) {
            let text = line.contains(": error: ") ? String(line) : "preflight: error: \(line)"
            FileHandle.standardError.write(Data((text + "\n").utf8))
        }
    }

    static func info(_ message: String) {
        FileHandle.standardError.write(Data((message + "\n").utf8))
    }

    static var stderrIsTerminal: Bool { isatty(2) == 1 }

    /// Colour only for a terminal, never when NO_COLOR is set to a non-empty value (no-color.org) or TERM is dumb.
    static func colour(onDescriptor descriptor: Int32) -> Bool {
        let environment = ProcessInfo.processInfo.environment
        guard isatty(descriptor) == 1, environment["NO_COLOR"].map(\.isEmpty) ?? true else { return false }
        return environment["TERM"] != "dumb"
    }

    static var colourOnStdout: Bool { colour(onDescriptor: 1) }
    static var colourOnStderr: Bool { colour(onDescriptor: 2) }

    /// Colours the verdict at the start of a stdout line (READY green, NOT READY red, INCOMPLETE yellow).
    static func highlightVerdict(_ line: String, _ verdict: Verdict) -> String {
        guard colourOnStdout, line.hasPrefix(verdict.rawValue) else { return line }
        let code = verdict == .ready ? "32" : verdict == .notReady ? "31" : "33"
        return "\u{1B}[1;\(code)m\(verdict.rawValue)\u{1B}[0m" + line.dropFirst(verdict.rawValue.count)
    }

    static func styled(_ text: String, for status: CheckStatus) -> String {
        let code: String
        switch status {
        case .pass: code = "32"
        case .fail: code = "31"
        case .warn, .error: code = "33"
        case .skip, .waived: code = "2"
        }
        return "\u{1B}[\(code)m\(text)\u{1B}[0m"
    }
}

/// Options shared by the commands that load the catalog.
struct CatalogOptions: ParsableArguments {
    @Option(name: .customLong("checks"), help: ArgumentHelp("Add a folder of custom checks next to the built-in catalog (repeatable).", valueName: "dir"))
    var folders: [String] = []

    func load() throws(PreflightError) -> Catalog {
        guard let builtIn = Catalog.builtInFolder() else {
            throw .unreadableFile(
                path: "Checks/", role: "built-in check catalog",
                reason: "it was not found beside the executable; set PREFLIGHT_CHECKS to the catalog folder")
        }
        return try Catalog.load(from: [builtIn] + folders)
    }
}

struct ConfigOptions: ParsableArguments {
    @Option(
        name: .customLong("config"),
        help: .file("The configuration file (default: $PREFLIGHT_CONFIG, else ./preflight.yml or ./preflight.yaml when present)."),
        completion: .file(extensions: ["yml", "yaml"]))
    var path: String?

    /// The explicit file, else PREFLIGHT_CONFIG's (66 when either is missing), else ./preflight.yml or ./preflight.yaml
    /// when present, else built-in defaults.
    func load() throws(PreflightError) -> (Configuration, [String]) {
        if let path { return (try Configuration.load(from: path), []) }
        if let named = ProcessInfo.processInfo.environment["PREFLIGHT_CONFIG"], !named.isEmpty {
            guard FileManager.default.fileExists(atPath: named) else {
                throw .unreadableFile(
                    path: named, role: "configuration file named by PREFLIGHT_CONFIG",
                    reason: "it does not exist; set PREFLIGHT_CONFIG to an existing file, or unset it to use ./preflight.yml")
            }
            return (try Configuration.load(from: named), [])
        }
        let present = Configuration.defaultFileNames.filter { FileManager.default.fileExists(atPath: $0) }
        guard let first = present.first else {
            return (Configuration(), ["No configuration file was given and ./preflight.yml does not exist, so checks that need input were skipped."])
        }
        let notices = present.count > 1 ? ["Both ./preflight.yml and ./preflight.yaml exist; ./\(first) was read. Remove the other one."] : []
        return (try Configuration.load(from: first), notices)
    }
}
