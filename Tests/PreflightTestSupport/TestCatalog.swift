import Foundation
import PreflightCore
import PreflightEngine
import PreflightKit

/// The tests' one way to make check catalogs:
///
/// - `TestCatalog.shipped()`: the catalog in `Checks/`, loaded once per test process (on the thread that first asks:
///   call it from `runBlocking` in async tests, YAML parsing blocks);
/// - `TestCatalog(in: folder)`: a folder of custom checks written as a user writes them, for `run --checks <path>` or
///   `load(registry:)`: exec plugins that print a fixed reply or run a script of their own, and check files as given
///   (for what loading makes of a bad one).
///
/// In-memory checks for `Runner` tests are `testCheck(…)` of the test probe (PreflightKitTests, `TestProbe`).
package struct TestCatalog: Sendable {
    package let temporary: TemporaryFolder
    /// The folder's path relative to `temporary`.
    package let name: String

    /// The check folder `name` inside `temporary` (created with its first file).
    package init(in temporary: TemporaryFolder, _ name: String = "custom") {
        self.temporary = temporary
        self.name = name
    }

    /// What `run --checks` and `load` are given.
    package var path: String { temporary.url(name) }

    /// A file in the folder, as given (a check file, a reply a plugin reads); returns the file's path.
    @discardableResult
    package func file(_ relative: String, _ text: String, executable: Bool = false) throws -> String {
        try temporary.write("\(name)/\(relative)", text, executable: executable)
    }

    /// An exec check running `command` (by default its own `./<id>.sh`), or with `params` as written; returns the
    /// folder's path.
    @discardableResult
    package func check(
        _ id: String, title: String? = nil, description: String = "A test plugin.", severity: String = "high",
        timeoutSeconds: Double? = nil, command: String? = nil, params: String? = nil
    ) throws -> String {
        var yaml = "id: \(id)\ntitle: \(title ?? "Check \(id)")\ndescription: \(description)\nprobe: exec\nseverity: \(severity)\n"
        if let timeoutSeconds {
            yaml += "timeoutSeconds: \(timeoutSeconds.rounded() == timeoutSeconds ? String(Int(timeoutSeconds)) : String(timeoutSeconds))\n"
        }
        yaml += "params: \(params ?? "{command: [\"\(command ?? "./\(id).sh")\"]}")\n"
        try file("\(id).yml", yaml)
        return path
    }

    /// An exec plugin check whose `<id>.sh` is `script` (a whole shell script, `#!` line included); returns the
    /// folder's path.
    @discardableResult
    package func plugin(
        _ id: String, title: String? = nil, description: String = "A test plugin.", severity: String = "high",
        timeoutSeconds: Double? = nil, script: String
    ) throws -> String {
        try file("\(id).sh", script, executable: true)
        return try check(id, title: title, description: description, severity: severity, timeoutSeconds: timeoutSeconds)
    }

    /// An exec plugin check that prints `reply` (a JSON object or raw text); returns the folder's path.
    @discardableResult
    package func plugin(_ id: String, title: String? = nil, severity: String = "high", reply: String) throws -> String {
        try plugin(id, title: title, severity: severity, script: "#!/bin/sh\ncat >/dev/null\necho '\(reply)'\n")
    }

    /// The shipped catalog (`Checks/`) copied into this folder, to change a check of it; returns the folder's path.
    @discardableResult
    package func copyOfShipped() throws -> String {
        try FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        try FileManager.default.copyItem(atPath: Repository.checks, toPath: path)
        return path
    }

    /// The folder's checks alone (without `Checks/`), for the probe kinds of `registry`.
    package func load(registry: ProbeRegistry = .builtIn) throws(PreflightError) -> Catalog {
        try Catalog.load(from: [path], registry: registry)
    }

    /// The shipped catalog (`Checks/`), loaded once per test process.
    package static func shipped() throws(PreflightError) -> Catalog { try shippedCatalog.get() }
}

private let shippedCatalog = Result { () throws(PreflightError) -> Catalog in try Catalog.load(from: [Repository.checks]) }
