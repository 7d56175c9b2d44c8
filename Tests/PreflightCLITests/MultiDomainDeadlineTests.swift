import Foundation
import PreflightTestSupport
import Testing

import PreflightKit

/// Several domains are judged concurrently, within the run's one deadline (issue #16 §3): a domain whose DC accepts the
/// connection and never answers (a stalled TLS handshake) is `error` for that domain alone, and does not hold up the
/// others. The stalled domain comes first in `ldap:`, so a run that judged the domains one after the other would reach
/// corp only after the deadline and could not pass it. In scripts/test.sh's deadline pass.
@Suite("Several domains: a hung DC keeps the deadline (Samba AD DC)")
struct MultiDomainDeadlineTests {
    @Test func aHungDCIsAnErrorForItsDomainAloneAndTheOtherIsJudgedWithinTheDeadline() async throws {
        let corp = try await SambaLab.shared()
        let listener = try SilentListener()
        defer { listener.close() }
        let folder = try TemporaryFolder("domains-hung")
        let deadline = 8.0
        let config = try folder.write(
            "preflight.yml",
            """
            timeoutSeconds: \(Int(deadline))
            ldap:
              - {url: "ldaps://127.0.0.1:\(listener.port)", caFile: "\(corp.caFile)", bindDN: "\(Fabrikam.readerUPN)",
                 passwordEnv: FABRIKAM_PASSWORD, account: MSOL_fab, baseDN: "\(Fabrikam.baseDN)"}
              - {url: "\(corp.ldapsURL)", caFile: "\(corp.caFile)", bindDN: "\(SambaDC.readerUPN)", passwordEnv: CORP_PASSWORD,
                 account: MSOL_root, scope: "\(MultiDomainTests.corpStaff)"}
            """)
        let started = Date()
        let cli = try await CLI.run(
            ["run", "--config", config, "--only", "AD-001,AD-002,AD-003", "--out", folder.url("out")],
            environment: MultiDomainTests.environment, timeout: 60)
        let elapsed = Date().timeIntervalSince(started)
        try #require(FileManager.default.fileExists(atPath: folder.url("out/latest.json")), "no report after \(elapsed) s: \(cli)")
        let report = try JSONReporter.parse(Data(try folder.read("out/latest.json").utf8), file: "latest.json")
        #expect(cli.exitCode == 1, "\(cli)")
        #expect(listener.acceptedCount > 0, "the run did connect to the hung DC")
        let bind = try #require(report.checks.first { $0.id == "AD-001" })
        #expect(MultiDomainTests.verdicts(bind) == ["fabrikam.example.test": "error", "corp.example.test": "pass"], "\(bind.message)")
        #expect(bind.message.contains("Domain fabrikam.example.test could not be judged"), "\(bind.message)")
        let reset = try #require(report.checks.first { $0.id == "AD-003" })
        #expect(MultiDomainTests.verdicts(reset) == ["fabrikam.example.test": "error", "corp.example.test": "fail"], "\(reset.message)")
        #expect(reset.findings.contains { $0.target == "CN=carol,OU=Denied,\(MultiDomainTests.corpStaff)" })
        // AD-003 (deadline 900 s) does not wait for the DC again: AD-001 found it hung.
        #expect(
            reset.findings.contains { $0.status == .error && $0.message.contains("did not answer within AD-001's deadline") },
            "\(reset.findings.filter { $0.status == .error }.map(\.message))")
        let runSeconds = Double(report.run.durationMs) / 1000
        #expect(runSeconds < deadline + 2, "the run took \(runSeconds) s against a \(deadline) s deadline")
        #expect(elapsed < deadline + 30, "the process took \(elapsed) s")
    }
}
