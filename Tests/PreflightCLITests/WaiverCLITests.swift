import Foundation
import PreflightTestSupport
import Testing

import PreflightKit

/// `run --waivers` and the configuration's `waivers` key, end to end.
@Suite("CLI waivers")
struct WaiverCLITests {
    let folder = try! TemporaryFolder("cli-waivers")

    func failingCheck() throws -> String {
        let catalog = TestCatalog(in: folder)
        try catalog.plugin(
            "PLG-701", title: "Kiosk check",
            reply: #"{"status":"fail","message":"Kiosk users lack the right.","findings":[{"status":"fail","target":"CN=K1,OU=Kiosk,DC=corp","message":"no grant"},{"status":"fail","target":"CN=K2,OU=Kiosk,DC=corp","message":"no grant"}]}"#)
        return try catalog.plugin("PLG-702", title: "Fine", severity: "low", reply: #"{"status":"pass"}"#)
    }

    @Test func aFullyWaivedFailureLetsTheRunPassAndTheReportSaysWhy() async throws {
        let checks = try failingCheck()
        try folder.write(
            "waivers.yml",
            """
            waivers:
              - check: PLG-701
                target: "CN=*,OU=Kiosk,DC=corp"
                justification: Kiosks never reset passwords.
                expires: 2999-12-31
                approvedBy: J. Doe
              - check: PLG-702
                justification: Left over from last quarter.
                expires: 2999-12-31
              - check: PLG-701
                justification: Expired exception.
                expires: 2000-01-01
            """)
        let result = try await CLI.run(
            ["run", "--checks", checks, "--only", "PLG-701,PLG-702", "--out", "out", "--waivers", "waivers.yml"], in: folder.path)
        #expect(result.exitCode == 0, "\(result)")
        #expect(result.stderr.isEmpty, "\(result)")
        let lines = result.stdout.split(separator: "\n").map(String.init)
        // The waived check counts as judged: READY, for the selected checks (issue #13).
        #expect(
            lines[0]
                == "READY (selection: --only PLG-701,PLG-702) — no selected check failed or errored (0 failed, 0 warnings, 0 errors, "
                + "1 passed, 0 skipped, 1 waived); checks outside the selection were not run.",
            "\(result)")
        #expect(lines[1] == "Waivers: 1 expired (no longer applied), 1 matched nothing (stale). The report's Waivers section lists them.")
        try await SchemaValidator.validate(reportAt: folder.url("out/latest.json"))
        let report = try JSONReporter.parse(Data(try folder.read("out/latest.json").utf8), file: "latest.json")
        let check = try #require(report.checks.first { $0.id == "PLG-701" })
        #expect(check.status == .waived && check.findings.allSatisfy { $0.status == .fail && $0.waiver?.approvedBy == "J. Doe" })
        #expect(report.waivers.map(\.matched) == [2, 0, 0] && report.waivers[2].state == .expired)
        #expect(try folder.read("out/latest.md").contains("| waivers.yml:2 | PLG-701 | CN=*,OU=Kiosk,DC=corp | 2999-12-31 | J. Doe | active | 2 |"))
    }

    @Test func theConfigurationNamesTheWaiverFileAndAMissingOneIs66() async throws {
        let checks = try failingCheck()
        try folder.write("conf/preflight.yml", "waivers: waivers.yml\n")
        let missing = try await CLI.run(["run", "--checks", checks, "--config", "conf/preflight.yml", "--out", "out"], in: folder.path)
        #expect(missing.exitCode == 66, "\(missing)")
        #expect(missing.stderr.contains("Cannot read the file named by 'waivers' in conf/preflight.yml '\(folder.url("conf/waivers.yml"))'"), "\(missing)")
        try folder.write("conf/waivers.yml", "waivers:\n  - check: PLG-701\n    justification: ok\n    expires: 2999-01-01\n")
        let waived = try await CLI.run(
            ["run", "--checks", checks, "--only", "PLG-701,PLG-702", "--config", "conf/preflight.yml", "--out", "out", "--format", "summary"],
            in: folder.path)
        #expect(
            waived.exitCode == 0 && waived.stdout == "READY (selection: --only PLG-701,PLG-702) 0 fail, 0 warn, 0 error, 1 pass, 0 skip, 1 waived\n",
            "\(waived)")
    }

    @Test func anInvalidWaiverFileIs78WithFileLineColumn() async throws {
        try folder.write("bad.yml", "waivers:\n  - check: PLG-701\n    expires: someday\n    justification: x\n")
        let result = try await CLI.run(["run", "--waivers", "bad.yml", "--out", "out"], in: folder.path)
        #expect(result.exitCode == 78 && result.stdout.isEmpty, "\(result)")
        #expect(result.stderr == "bad.yml:3:14: error: 'waivers[0].expires' is 'someday', which is not a date written YYYY-MM-DD (e.g. 2026-12-31).\n")
        #expect(!FileManager.default.fileExists(atPath: folder.url("out")), "nothing runs with an invalid waiver file")
    }
}
