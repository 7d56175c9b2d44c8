import Foundation
import PreflightTestSupport
import Testing
import Yams

import PreflightKit

/// The Cloud Sync demo (examples/demo/preflight-cloud-sync.yml, run by `make demo` and `make demo-cloud-sync`) aimed at
/// a lab DC of its own that serves SYSVOL as the demo's does (127.0.0.8; the demo's own address belongs to
/// DemoAndTerminalTests) and this test process's shared network lab:
/// every check of the variant is judged or not applicable as the demo's story says (examples/demo/cloud-sync/SOURCE.md).
@Suite("Cloud Sync demo variant")
struct CloudSyncDemoTests {
    static let demo = Repository.root.appendingPathComponent("examples/demo").path

    @Test func theCloudSyncDemoTellsItsStory() async throws {
        let dc = try await runBlocking { try SambaDC(ip: "127.0.0.8", modes: "smb") }
        defer { dc.stop() }
        let lab = try await NetworkLab.shared()
        let folder = try TemporaryFolder("cloudsync-demo")
        let text = try String(contentsOfFile: Self.demo + "/preflight-cloud-sync.yml", encoding: .utf8)
        var config = try #require(try Yams.load(yaml: text) as? [String: Any])
        func absolute(_ value: Any) -> Any {
            if let path = value as? String { return path.hasPrefix("/") ? path : Self.demo + "/" + path }
            return value
        }
        var ldap = try #require(config["ldap"] as? [String: Any])
        #expect(ldap["url"] as? String == "ldaps://127.0.0.5")
        ldap["url"] = dc.ldapsURL
        ldap["caFile"] = dc.caFile
        config["ldap"] = ldap
        for key in ["cloudSync", "inventory"] {
            let values = try #require(config[key] as? [String: Any])
            config[key] = values.mapValues { $0 is Double || $0 is Int ? $0 : absolute($0) }
        }
        let ports = ["18443": lab.port("ok"), "18444": lab.port("slow"), "18080": lab.port("crl")]
        func retarget(_ text: String) -> String { ports.reduce(text) { $0.replacingOccurrences(of: ":\($1.key)", with: ":\($1.value)") } }
        var network = try #require(config["network"] as? [String: Any])
        network["caFile"] = lab.caFile
        network["connectTo"] = try #require(network["connectTo"] as? [String]).map(retarget)
        network["endpoints"] = try #require(network["endpoints"] as? [String: Any]).mapValues { ($0 as? [String] ?? []).map(retarget) }
        config["network"] = network
        let file = try folder.write("preflight.yml", try Yams.dump(object: config))
        let cli = try await CLI.run(
            ["run", "--config", file, "--out", folder.url("out")],
            environment: ["PREFLIGHT_DEMO_PASSWORD": SambaDC.readerPassword])
        try await SchemaValidator.validate(reportAt: folder.url("out/latest.json"))
        let report = try JSONReporter.parse(Data(try folder.read("out/latest.json").utf8), file: "latest.json")
        func check(_ id: String) -> CheckResult? { report.checks.first { $0.id == id } }

        #expect(check("CSY-001")?.status == .pass && check("CSY-003")?.status == .pass, "\(check("CSY-001")?.message ?? "")")
        #expect(check("CSY-002")?.status == .warn, "the inactive agent: \(check("CSY-002")?.message ?? "")")
        #expect(check("AD-002")?.evidence["accountDN"] == .string(CloudSyncDirectoryTests.gmsaDN))
        #expect(check("AD-003")?.evidence["scopeSource"] == .string(ScopeFacts.Source.cloudSync.rawValue))
        #expect(check("AD-003")?.evidence["usersInScope"] == .int(2) && check("AD-003")?.status == .pass)
        #expect(check("AD-005")?.status == .fail && check("AD-005")?.findings.map(\.target) == ["CN=csp1,OU=CloudSyncPartial,\(SambaDC.baseDN)"])
        #expect(check("AD-005")?.remediation.contains("Set-AADCloudSyncPermissions") == true)
        for id in ["CON-001", "CON-007", "AD-006", "NET-003"] {
            #expect(check(id)?.reason == .notApplicable, "\(id) does not apply to cloud-sync")
        }
        #expect(check("AD-016")?.status == .pass, "SYSVOL read, no GPO restricts SAM: \(check("AD-016")?.message ?? "")")
        #expect(check("AD-017")?.status == .pass && check("AD-017")?.message.contains("CSAGENT1$") == true, "\(check("AD-017")?.message ?? "")")
        #expect(check("AD-018")?.status == .warn, "the gMSA is not hardened: \(check("AD-018")?.message ?? "")")
        #expect(check("NET-004")?.status == .pass && check("NET-007")?.status == .pass, "\(check("NET-007")?.message ?? "")")
        #expect(!report.checks.contains { $0.status == .error }, "\(report.checks.filter { $0.status == .error }.map { "\($0.id): \($0.message)" })")
        #expect(cli.exitCode == 1, "NOT READY: AD-005 and the inventory's licence gaps fail. \(cli)")
    }
}
