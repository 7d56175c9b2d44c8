import Foundation
import PreflightTestSupport
import Testing

import PreflightKit

/// The validators every format test relies on must be able to say no; they share one python3 worker.
@Suite("Test validators (one python3 worker)")
struct ValidatorTests {
    let folder = try! TemporaryFolder("validators")

    @Test func aReportThatBreaksTheSchemaIsRejectedWithThePath() async throws {
        let golden = try String(contentsOfFile: Repository.fixture("golden/report.json"), encoding: .utf8)
        try folder.write("good.json", golden)
        try await SchemaValidator.validate(reportAt: folder.url("good.json"))
        try folder.write("bad.json", golden.replacingOccurrences(of: #""ready" : false"#, with: #""ready" : "no""#))
        await #expect(throws: SchemaValidator.Failure.self) { try await SchemaValidator.validate(reportAt: folder.url("bad.json")) }
        do {
            try await SchemaValidator.validate(reportAt: folder.url("bad.json"))
        } catch {
            #expect("\(error)".contains("ready: 'no' is not of type 'boolean'"), "\(error)")
        }
    }

    @Test func brokenJUnitPrometheusAndCSVAreRejected() async throws {
        try folder.write("bad.xml", "<testsuites><testsuite><testcase/></testsuite></testsuites>")
        await #expect(throws: FormatValidators.Failure.self) { try await FormatValidators.junit(at: folder.url("bad.xml")) }
        try folder.write("bad.prom", "preflight_ready{ 1\n")
        await #expect(throws: FormatValidators.Failure.self) { try await FormatValidators.prometheus(at: folder.url("bad.prom")) }
        try folder.write("bad.csv", "no,bom\n")
        await #expect(throws: FormatValidators.Failure.self) { try await FormatValidators.csv(at: folder.url("bad.csv")) }
    }

    /// Blocking calls, so off the cooperative pool, as the validators run them.
    func run(_ script: String, _ arguments: [String] = [], timeout: Double = 60) async throws -> PythonWorker.Outcome {
        try await runBlocking { try PythonWorker.run(script, arguments, timeout: timeout) }
    }

    @Test func aScriptThatCrashesOrExitsLeavesTheWorkerUsable() async throws {
        let crash = try await run("raise RuntimeError('boom')")
        #expect(crash.exitCode == 1 && crash.stderr.contains("RuntimeError: boom"), "\(crash)")
        let message = try await run("import sys; print('partial'); sys.exit('it is broken')")
        #expect(message.exitCode == 1 && message.stdout == "partial\n" && message.stderr == "it is broken\n", "\(message)")
        let code = try await run("import sys; sys.exit(3)")
        #expect(code.exitCode == 3)
        let argv = try await run("import sys, json; print(json.dumps(sys.argv[1:]))", ["a b", "ü\n"])
        #expect(argv.exitCode == 0 && argv.stdout == "[\"a b\", \"\\u00fc\\n\"]\n", "\(argv)")
    }

    @Test func theWorkerGivesUpOnAHangAndStartsAfresh() async throws {
        await #expect(throws: PythonWorker.Failure.self) { try await run("import time; time.sleep(30)", timeout: 0.5) }
        let next = try await run("print('again')")
        #expect(next.exitCode == 0 && next.stdout == "again\n")
    }
}
