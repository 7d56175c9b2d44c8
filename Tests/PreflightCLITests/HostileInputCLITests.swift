import Foundation
import PreflightTestSupport
import Testing

import PreflightKit

#if canImport(Glibc)
    import Glibc
#endif

/// Inputs that used to bring the whole run down or hang it (issue #14): through the built binary, so a trap would
/// show as a signal instead of killing the test process. The run must end, every report must be written, and the
/// check that met the input must be `error` naming the file and the position.
@Suite("CLI: hostile inputs (invalid UTF-8 in Connect XML, FIFOs and devices as exports)")
struct HostileInputCLITests {
    let folder = try! TemporaryFolder("cli-hostile")
    static let export = Repository.fixture("connect/contoso-pilot")
    /// Invalid UTF-8 inside a tag name: `<` E0 9A `m` LF (E0 must be followed by A0..BF). Foundation's XMLParser on
    /// Linux trapped with SIGILL on it in `_NSXMLParserStartElementNs`.
    static let poison: [UInt8] = [0x3C, 0xE0, 0x9A, 0x6D, 0x0A]

    func poisonedExport(_ file: String) async throws -> String {
        let target = folder.url("export-\(UUID().uuidString.prefix(6))")
        try await runBlocking {
            try FileManager.default.copyItem(atPath: Self.export, toPath: target)
            let path = (target as NSString).appendingPathComponent(file)
            var bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
            // Right after the first line, so the position is known: the bad byte E0 is at line 2, column 2.
            let newline = try #require(bytes.firstIndex(of: 0x0A))
            bytes.insert(contentsOf: Self.poison, at: newline + 1)
            try Data(bytes).write(to: URL(fileURLWithPath: path))
        }
        return target
    }

    func run(_ yaml: String, only: String, phase: String = "preflight") async throws -> (CLIResult, Report?) {
        let config = try folder.write("preflight-\(UUID().uuidString.prefix(6)).yml", yaml)
        let out = folder.url("out-\(UUID().uuidString.prefix(6))")
        let result = try await CLI.run(["run", "--config", config, "--only", only, "--phase", phase, "--out", out], in: folder.path)
        guard let data = FileManager.default.contents(atPath: out + "/latest.json") else { return (result, nil) }
        try await SchemaValidator.validate(reportAt: out + "/latest.json")
        #expect(FileManager.default.fileExists(atPath: out + "/latest.md"), "every report is written")
        return (result, try JSONReporter.parse(data, file: "latest.json"))
    }

    @Test(arguments: ["Connectors/Connector_{b891884f-051e-4a83-95af-2544101c9083}.xml", "GlobalSettings/MV.xml"])
    func invalidUTF8InAConnectXMLFileIsAnErrorNotACrash(_ file: String) async throws {
        let export = try await poisonedExport(file)
        let (result, report) = try await run("connect:\n  export: \(export)\n", only: "CON-001,CON-007")
        #expect(result.exitCode == 2, "\(result)")
        let checks = try #require(report).checks
        for check in checks {
            #expect(check.status == .error, "\(check.id): \(check.message)")
            #expect(check.message.contains("\(file):2:2: The Entra Connect export file is not valid UTF-8 at line 2, column 2"), "\(check.message)")
        }
        #expect(checks.map(\.id).sorted() == ["CON-001", "CON-007"])
    }

    /// A named pipe nobody writes to used to block the run until the check's deadline (600 s for INV-001); /dev/zero
    /// never ended. Both are refused before they are opened: an inventory export by the configuration check made
    /// before anything runs (exit 78), a file only a probe reads (the event log) by the probe (`error`).
    @Test func aFIFOOrADeviceNamedAsAnExportIsRefusedAtOnce() async throws {
        let fifo = folder.url("users.csv")
        #expect(mkfifo(fifo, 0o600) == 0)
        let started = Date()
        for (path, kind) in [(fifo, "a named pipe (FIFO)"), ("/dev/zero", "a device")] {
            let (result, report) = try await run("inventory:\n  users: \(path)\ntimeoutSeconds: 600\n", only: "INV-001")
            #expect(result.exitCode == 78, "\(result)")
            #expect(report == nil, "nothing ran")
            #expect(result.stderr.contains("'inventory.users' names '\(path)', which is \(kind), not a regular file"), "\(result)")
        }
        let (result, report) = try await run("monitoring:\n  events: \(fifo)\ntimeoutSeconds: 600\n", only: "MON-002", phase: "health")
        let check = try #require(report?.checks.first { $0.id == "MON-002" }, "\(result)")
        #expect(check.status == .error, "\(check.message)")
        #expect(check.message.contains("The file named by 'monitoring.events', '\(fifo)' is a named pipe (FIFO), not a regular file"), "\(check.message)")
        #expect(result.exitCode == 2, "\(result)")
        #expect(Date().timeIntervalSince(started) < 60, "nothing waited for a writer or read without end")
    }

    /// A read stuck on a hung file system, simulated for real: strace (`-e inject=…:delay_enter`, only for system calls
    /// on the export's path, `-P`) holds every read of the users export for 8 s. It holds neither the configuration
    /// checks made before the run (they share a 5 s budget) nor the run (INV-001's deadline is 2 s in this catalog copy):
    /// the check is `error` naming its deadline and every report is written within about 7 s. The process's own exit
    /// then waits for the delayed read to return: that is strace holding the thread; a real stuck read ends with the process.
    @Test func aReadStuckOnTheFileSystemHoldsNeitherTheChecksNorTheRun() async throws {
        guard FileManager.default.isExecutableFile(atPath: "/usr/bin/strace") else {
            Issue.record("strace is not installed: run 'make test' (scripts/setup.sh installs it).")
            return
        }
        let users = folder.url("stuck/users.csv")
        try await runBlocking { [folder] in
            try FileManager.default.createDirectory(atPath: folder.url("stuck"), withIntermediateDirectories: true)
            try FileManager.default.copyItem(atPath: Repository.root.appendingPathComponent("examples/demo/inventory/users.csv").path, toPath: users)
            let check = try TestCatalog(in: folder, "stuck/checks").copyOfShipped() + "/inventory/INV-001.yml"
            let text = try String(contentsOfFile: check, encoding: .utf8)
            guard text.contains("timeoutSeconds: 600") else { throw CocoaError(.fileReadCorruptFile) }
            try text.replacingOccurrences(of: "timeoutSeconds: 600", with: "timeoutSeconds: 2").write(toFile: check, atomically: true, encoding: .utf8)
        }
        let config = try folder.write("stuck/preflight.yml", "inventory:\n  users: \(users)\n")
        let out = folder.url("stuck/out")
        let started = Date()
        let result = try await Program.run(
            ["strace", "-f", "-qq", "-o", "/dev/null", "-P", users, "-e", "trace=read,pread64",
             "-e", "inject=read,pread64:delay_enter=8000000", CLI.executable, "run", "--config", config, "--only", "INV-001", "--out", out],
            environment: ["PREFLIGHT_CHECKS": folder.url("stuck/checks")], timeout: 120)
        let attributes = try FileManager.default.attributesOfItem(atPath: out + "/latest.json")
        let written = try #require(attributes[.modificationDate] as? Date)
        // About 7 s on an idle machine (5 s budget + 2 s deadline); before the budget, 9 delayed reads of 8 s came first (72 s).
        #expect(written.timeIntervalSince(started) < 30, "the report was written \(written.timeIntervalSince(started)) s after the start")
        #expect(result.exitCode == 2, "\(result)")
        let report = try JSONReporter.parse(try Data(contentsOf: URL(fileURLWithPath: out + "/latest.json")), file: "latest.json")
        let check = try #require(report.checks.first { $0.id == "INV-001" })
        #expect(check.status == .error)
        #expect(check.message.contains("did not finish within its deadline of 2 s"), "\(check.message)")
    }
}
