import Foundation
import PreflightKit

/// Runs the built `preflight` binary the way a user or a CI job does, capturing everything.
package struct CLIResult: Sendable, CustomStringConvertible {
    package var stdout: String
    package var stderr: String
    package var exitCode: Int32

    package init(stdout: String, stderr: String, exitCode: Int32) {
        self.stdout = stdout
        self.stderr = stderr
        self.exitCode = exitCode
    }

    package var description: String { "exit \(exitCode)\n--- stdout\n\(stdout)--- stderr\n\(stderr)" }
}

package enum CLI {
    /// The `preflight` executable beside the test binary in the build folder.
    package static var executable: String {
        if let override = ProcessInfo.processInfo.environment["PREFLIGHT_BIN"] { return override }
        var folder = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        // swift-testing on Linux runs `<triple>/debug/<pkg>PackageTests.xctest`; XCTest may run from inside a bundle.
        for _ in 0..<4 {
            let candidate = folder.appendingPathComponent("preflight")
            if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate.path }
            folder.deleteLastPathComponent()
        }
        return Repository.root.appendingPathComponent(".build/debug/preflight").path
    }

    /// Waits on a dedicated thread, never on the cooperative pool: parallel tests must not starve each other's timers.
    package static func run(
        _ arguments: [String], in directory: String? = nil, environment: [String: String] = [:], timeout: Double = 120
    ) async throws -> CLIResult {
        try await Program.run([executable] + arguments, in: directory, environment: environment, timeout: timeout)
    }
}

/// Runs any program (the binary, a wrapper script, `script`, `systemd-analyze`) the way a test needs it: the
/// inherited environment without `PREFLIGHT_CHECKS` (so the built-in catalog is found as a user's would be), plus
/// `environment`, minus `unset`; a signal reads as 128 + its number, a timeout as -1.
package enum Program {
    package static func run(
        _ arguments: [String], in directory: String? = nil, environment: [String: String] = [:], unset: [String] = [],
        timeout: Double = 120
    ) async throws -> CLIResult {
        try await runBlocking("preflight.test.program") {
            var env = ProcessInfo.processInfo.environment
            env["PREFLIGHT_CHECKS"] = nil
            for key in unset { env[key] = nil }
            for (key, value) in environment { env[key] = value }
            let outcome = try Subprocess(arguments: arguments, environment: env, workingDirectory: directory)
                .run(input: [], deadline: Date().addingTimeInterval(timeout))
            let code: Int32
            switch outcome.termination {
            case .exited(let status): code = status
            case .signalled(let signal): code = 128 + signal
            case .timedOut: code = -1
            }
            return CLIResult(
                stdout: String(decoding: outcome.stdout, as: UTF8.self), stderr: String(decoding: outcome.stderr, as: UTF8.self),
                exitCode: code)
        }
    }
}

/// Paths inside this repository, found from this source file.
package enum Repository {
    package static let root: URL = {
        var url = URL(fileURLWithPath: #filePath)
        while url.path != "/" {
            url.deleteLastPathComponent()
            if FileManager.default.fileExists(atPath: url.appendingPathComponent("Package.swift").path) { return url }
        }
        fatalError("Package.swift not found above \(#filePath)")
    }()

    package static var checks: String { root.appendingPathComponent("Checks").path }
    package static var schema: String { root.appendingPathComponent("reports/schema/preflight-report.schema.json").path }
    package static func fixture(_ relative: String) -> String {
        root.appendingPathComponent("Tests/PreflightKitTests/Fixtures").appendingPathComponent(relative).path
    }
}

/// A fresh folder per test, removed when the value is released.
package final class TemporaryFolder: @unchecked Sendable {
    package let path: String

    package init(_ label: String = "preflight-test") throws {
        path = FileManager.default.temporaryDirectory.appendingPathComponent("\(label)-\(UUID().uuidString.prefix(8))").path
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }

    deinit { try? FileManager.default.removeItem(atPath: path) }

    @discardableResult
    package func write(_ relative: String, _ text: String, executable: Bool = false) throws -> String {
        let url = URL(fileURLWithPath: path).appendingPathComponent(relative)
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try text.write(to: url, atomically: true, encoding: .utf8)
        if executable { chmod(url.path, 0o755) }
        return url.path
    }

    package func read(_ relative: String) throws -> String {
        try String(contentsOfFile: URL(fileURLWithPath: path).appendingPathComponent(relative).path, encoding: .utf8)
    }

    package func url(_ relative: String) -> String { URL(fileURLWithPath: path).appendingPathComponent(relative).path }
}

/// Validates JSON reports against the published schema with a real validator (Python's jsonschema).
package enum SchemaValidator {
    package struct Failure: Error, CustomStringConvertible {
        package var description: String
    }

    package static func validate(reportAt path: String) async throws {
        try await validate(path, against: Repository.schema)
    }

    /// `preflight diff --format json` output, against `preflight-diff.schema.json` (which refers into the report schema).
    package static func validate(diffAt path: String) async throws {
        try await validate(path, against: Repository.root.appendingPathComponent("reports/schema/preflight-diff.schema.json").path)
    }

    static func validate(_ path: String, against schemaPath: String) async throws {
        try await runBlocking("preflight.test.schema") { try validateSynchronously(path, against: schemaPath) }
    }

    /// Every schema in reports/schema is registered under its $id, so cross-file $refs resolve as published.
    static func validateSynchronously(_ path: String, against schemaPath: String) throws {
        let script = """
            import glob, json, os, sys
            try:
                import jsonschema
                from referencing import Registry, Resource
            except ImportError:
                sys.exit("Python's jsonschema is missing: run 'make setup' (scripts/setup.sh) first.")
            validator = CACHE.get(("schema", sys.argv[1]))
            if validator is None:
                resources = []
                for file in glob.glob(os.path.join(os.path.dirname(sys.argv[1]), "*.schema.json")):
                    document = json.load(open(file))
                    jsonschema.Draft202012Validator.check_schema(document)
                    resources.append((document["$id"], Resource.from_contents(document)))
                registry = Registry().with_resources(resources)
                schema = json.load(open(sys.argv[1]))
                validator = CACHE[("schema", sys.argv[1])] = jsonschema.Draft202012Validator(schema, registry=registry)
            errors = sorted(validator.iter_errors(json.load(open(sys.argv[2]))), key=str)
            for error in errors:
                print("/".join(map(str, error.absolute_path)) + ": " + error.message)
            sys.exit(1 if errors else 0)
            """
        let outcome = try PythonWorker.run(script, [schemaPath, path])
        guard outcome.exitCode == 0 else {
            throw Failure(description: "Report \(path) does not match the schema: " + outcome.stdout + outcome.stderr)
        }
    }
}
