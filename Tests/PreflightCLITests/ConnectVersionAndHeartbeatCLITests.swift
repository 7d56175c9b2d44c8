import Foundation
import PreflightTestSupport
import Testing

import PreflightKit

/// CON-007 and MON-001 end to end through the built binary: stdout, stderr, the exit code and the reports.
@Suite("CLI: Connect build minimum (CON-007) and the writeback heartbeat (MON-001)")
struct ConnectVersionAndHeartbeatCLITests {
    let folder = try! TemporaryFolder("cli-connect-version")
    static let export = Repository.fixture("connect/contoso-pilot")

    /// The real Get-ADSyncServerConfiguration export with the build an upgraded server writes (MV.xml's global parameter
    /// and the Entra connector's assembly version), exported today (MV.xml's export-date): these tests are about the
    /// build, not the export's age (EvidenceAgeCLITests is).
    func export(build: String) async throws -> String {
        let target = folder.url("export-\(build)")
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "yyyy-MM-dd HH:mm:ss.SSS"
        let today = formatter.string(from: Date().addingTimeInterval(-3_600))
        try await runBlocking {
            try FileManager.default.copyItem(atPath: Self.export, toPath: target)
            for (file, old, new) in [
                ("GlobalSettings/MV.xml", "dataType=\"String\">1.1.130.0</parameter>", "dataType=\"String\">\(build)</parameter>"),
                ("GlobalSettings/MV.xml", "export-date='2016-05-03 14:28:09.784'", "export-date='\(today)'"),
                (
                    "Connectors/Connector_{b891884f-051e-4a83-95af-2544101c9083}.xml", "<assembly-version>1.1.130.0</assembly-version>",
                    "<assembly-version>\(build)</assembly-version>"
                ),
            ] {
                let path = (target as NSString).appendingPathComponent(file)
                let text = try String(contentsOfFile: path, encoding: .utf8)
                guard text.contains(old) else { throw CocoaError(.fileReadCorruptFile) }
                try text.replacingOccurrences(of: old, with: new).write(toFile: path, atomically: true, encoding: .utf8)
            }
        }
        return target
    }

    /// `Get-ADSyncEntraConnectorCredential | Format-List * | Out-File` in Windows PowerShell 5.1: UTF-16LE with BOM, CRLF.
    func credential(_ type: String) throws -> String {
        var data = Data([0xFF, 0xFE])
        data.append("\r\nConnectorIdentityType : \(type)\r\n\r\n\r\n".data(using: .utf16LittleEndian)!)
        let path = folder.url("connector-credential-\(type).txt")
        try data.write(to: URL(fileURLWithPath: path))
        return path
    }

    func runCON007(export: String, credential: String?) async throws -> (CLIResult, CheckResult?) {
        var yaml = "connect:\n  export: \(export)\n"
        if let credential { yaml += "  connectorCredential: \(credential)\n" }
        let config = try folder.write("preflight-\(UUID().uuidString.prefix(6)).yml", yaml)
        let out = folder.url("out-\(UUID().uuidString.prefix(6))")
        let result = try await CLI.run(["run", "--config", config, "--only", "CON-007", "--out", out], in: folder.path)
        guard let data = FileManager.default.contents(atPath: out + "/latest.json") else { return (result, nil) }
        try await SchemaValidator.validate(reportAt: out + "/latest.json")
        return (result, try JSONReporter.parse(data, file: "latest.json").checks.first { $0.id == "CON-007" })
    }

    @Test func aBuildBelowTheMinimumIsNotReadyAndTheReportSaysSyncStopped() async throws {
        let (result, check) = try await runCON007(export: try await export(build: "2.4.131.0"), credential: try credential("ServiceAccount"))
        #expect(result.exitCode == 1, "\(result)")
        #expect(result.stderr.isEmpty, "\(result)")
        let lines = result.stdout.split(separator: "\n").map(String.init)
        #expect(lines.first == "NOT READY (selection: --only CON-007) — at least one check failed (1 failed, 0 warnings, 0 errors, 0 passed, 0 skipped).", "\(result)")
        #expect(lines.count == 3 && lines[1].hasSuffix(".md") && lines[2].hasSuffix(".json"), "\(result)")
        let con007 = try #require(check)
        #expect(con007.status == .fail)
        #expect(con007.message.hasPrefix("Connect build 2.4.131.0 (from Microsoft.Synchronize.ServerConfigurationVersion in MV.xml) is below 2.5.79.0"))
        #expect(con007.message.contains("all synchronization, and so password writeback, stopped on 2026-09-30"))
        #expect(con007.message.contains("https://learn.microsoft.com/entra/identity/hybrid/connect/harden-update-ad-fs-pingfederate"))
        #expect(con007.evidence["connectorIdentityType"] == "ServiceAccount")
        #expect(con007.remediation.contains("Microsoft Entra admin center"))
    }

    @Test func theMinimumBuildIsReadyAndRecordsTheApplicationIdentity() async throws {
        let (result, check) = try await runCON007(export: try await export(build: "2.5.79.0"), credential: try credential("Application"))
        #expect(result.exitCode == 0, "\(result)")
        #expect(result.stderr.isEmpty, "\(result)")
        #expect(result.stdout.hasPrefix("READY (selection: --only CON-007) — no selected check failed or errored (0 failed, 0 warnings, 0 errors, 1 passed, 0 skipped); checks outside the selection were not run.\n"), "\(result)")
        let con007 = try #require(check)
        #expect(con007.status == .pass)
        #expect(con007.message.contains("is at or above 2.5.79.0"))
        #expect(con007.message.contains("ConnectorIdentityType Application"))
        #expect(con007.evidence["connectorIdentityType"] == "Application")
    }

    @Test func theRealSampleWithoutTheCmdletOutputFailsWithAnUnknownIdentity() async throws {
        let (result, check) = try await runCON007(export: Self.export, credential: nil)
        #expect(result.exitCode == 1, "\(result)")
        #expect(result.stderr.isEmpty, "\(result)")
        #expect(result.stdout.hasPrefix("NOT READY (selection: --only CON-007) — at least one check failed (1 failed, 0 warnings, 0 errors, 0 passed, 0 skipped)."))
        let con007 = try #require(check)
        #expect(con007.message.contains("Connect build 1.1.130.0") && con007.message.contains("older than 1.1.443.0"))
        // The sample is from 2016: the failure stands, and its message notes the export's age.
        #expect(con007.message.contains("Note: the Entra Connect export (\(Self.export); date: export-date in GlobalSettings/MV.xml) is from 2016-05-03"))
        #expect(con007.evidence["connectorIdentityType"] == "unknown")
    }

    @Test func aMissingCredentialFileStopsTheRunBeforeAnyCheck() async throws {
        let missing = folder.url("nowhere/connector-credential.txt")
        let (result, check) = try await runCON007(export: Self.export, credential: missing)
        #expect(result.exitCode == 66, "\(result)")
        #expect(result.stdout.isEmpty && check == nil, "\(result)")
        #expect(result.stderr.hasPrefix("preflight: error: "), "\(result)")
        #expect(result.stderr.contains("'\(missing)'") && result.stderr.contains("'connect.connectorCredential'"), "\(result)")
        #expect(result.stderr.contains("does not exist"), "\(result)")
    }

    // MARK: MON-001

    func runMON001(_ events: String) async throws -> (CLIResult, CheckResult) {
        // The fixtures are a snapshot of 2026-11-26; these tests judge the heartbeat, not the export's age (which would make
        // MON-001 warn 30 days later; EvidenceAgeCLITests covers that rule).
        let config = try folder.write(
            "monitoring-\(UUID().uuidString.prefix(6)).yml",
            "maxEvidenceAgeDays: 36500\nmonitoring:\n  events: [\"\(Repository.fixture("monitoring/events/\(events)"))\"]\n")
        let out = folder.url("out-\(UUID().uuidString.prefix(6))")
        let result = try await CLI.run(["run", "--config", config, "--phase", "health", "--only", "MON-001", "--out", out], in: folder.path)
        let data = try #require(FileManager.default.contents(atPath: out + "/latest.json"), "\(result)")
        return (result, try #require(try JSONReporter.parse(data, file: "latest.json").checks.first { $0.id == "MON-001" }))
    }

    @Test func aSilentServiceIsNotReadyAndTheReportNamesItsRelay() async throws {
        let (result, check) = try await runMON001("broken-pwsh7-utf8.csv")
        #expect(result.exitCode == 1, "\(result)")
        #expect(result.stderr.isEmpty, "\(result)")
        #expect(result.stdout.hasPrefix("NOT READY (selection: --only MON-001) — at least one check failed (1 failed, 0 warnings, 0 errors, 0 passed, 0 skipped)."), "\(result)")
        #expect(check.status == .fail)
        #expect(check.message.contains("The last heartbeat (2026-11-26 06:09:03) named the Service Bus relay 'ssprdedicatedsbprodfra-1'"), "\(check.message)")
        #expect(check.evidence["serviceBusNamespace"] == "ssprdedicatedsbprodfra-1")
    }

    @Test func aLiveServiceIsReadyAndTheReportNamesItsRelay() async throws {
        let (result, check) = try await runMON001("healthy-winps51-unicode.csv")
        #expect(result.exitCode == 0, "\(result)")
        #expect(result.stderr.isEmpty, "\(result)")
        #expect(result.stdout.hasPrefix("READY (selection: --only MON-001) — no selected check failed or errored (0 failed, 0 warnings, 0 errors, 1 passed, 0 skipped); checks outside the selection were not run.\n"), "\(result)")
        #expect(check.status == .pass)
        #expect(check.message.contains("It uses the Service Bus relay 'ssprdedicatedsbprodfra-1'"), "\(check.message)")
    }
}
