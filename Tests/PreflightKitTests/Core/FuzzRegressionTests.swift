import Foundation
import PreflightTestSupport
import Testing

import PreflightKit

/// The fuzz harnesses (`make fuzz`, scripts/fuzz.sh) outside the fuzzer: what they found stays found, every harness
/// reaches its parser with a valid input, and the lists of harnesses agree.
@Suite("Fuzz regressions")
struct FuzzRegressionTests {
    static let entries = Dictionary(uniqueKeysWithValues: FuzzEntry.all.map { ($0.name, $0.run) })

    /// Every input the fuzzer found a crash, leak or hang with: `Fixtures/fuzz/<harness>/<input>`, run through the same
    /// entry the harness calls. Reaching the end of the loop is the test (a crash ends the test run).
    @Test func everyInputTheFuzzerFoundStillRuns() throws {
        let root = Repository.fixture("fuzz")
        for harness in try FileManager.default.contentsOfDirectory(atPath: root).sorted() where !harness.hasSuffix(".md") {
            let entry = try #require(Self.entries[harness], "Fixtures/fuzz/\(harness) names no harness")
            for input in try FileManager.default.contentsOfDirectory(atPath: root + "/" + harness).sorted() {
                let bytes = try #require(FileManager.default.contents(atPath: root + "/" + harness + "/" + input))
                _ = entry(Array(bytes))
            }
        }
    }

    /// A harness that rejects everything fuzzes only its error path: each must accept a valid input.
    @Test(arguments: [
        ("SecurityDescriptor", "ad-samples/sd-OU_Staff.b64"), ("SID", "ad-samples/tokengroups.ldif"),
        ("InventoryCSV", "inventory/graph-users.csv"), ("InventoryExports", "inventory/registration-graph.csv"),
        ("ConnectXML", "connect/contoso-pilot/Connectors/Connector_{b891884f-051e-4a83-95af-2544101c9083}.xml"),
        ("ConnectXML", "connect/contoso-pilot/GlobalSettings/MV.xml"), ("EventLog", "monitoring/events/healthy-wevtutil-root.xml"),
        ("EventLog", "monitoring/events/warnings-eventviewer.csv"), ("WevtutilXML", "monitoring/events/broken-wevtutil.xml"),
        ("AuditLog", "monitoring/audit/healthy-portal.csv"), ("AuditLog", "monitoring/audit/struggle-portal.json"),
        ("SavedReport", "golden/report.json"), ("SavedRestrictRemoteSAM", "gpresult/dc1-restrict-sam.xml"),
        ("SavedRestrictRemoteSAM", "gpresult/dc1-no-restriction.xml"), ("CloudSyncGraphJSON", "cloudsync/jobs.json"),
        ("CloudSyncGraphJSON", "cloudsync/agents.json"), ("CloudSyncGraphJSON", "cloudsync/agent-versions.json"),
    ])
    func eachHarnessAcceptsAValidFixture(harness: String, fixture: String) throws {
        var bytes = Array(try #require(FileManager.default.contents(atPath: Repository.fixture(fixture))))
        if fixture.hasSuffix(".b64") {
            bytes = Array(try #require(Data(base64Encoded: String(decoding: bytes, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines))))
        } else if fixture.hasSuffix(".ldif") {
            let value = try #require(String(decoding: bytes, as: UTF8.self).split(separator: "\n").first { $0.hasPrefix("tokenGroups:: ") })
            bytes = Array(try #require(Data(base64Encoded: String(value.dropFirst("tokenGroups:: ".count)))))
        }
        let entry = try #require(Self.entries[harness])
        let problem = entry(bytes)
        #expect(problem == nil, "\(problem ?? "")")
    }

    @Test func eachTextHarnessAcceptsAValidInput() throws {
        let cases: [(String, String)] = [
            ("ConnectPolicyJSON", #"{"policyMetadata": {"azureADConnectVersion": "2.4.131.0"}, "azureDirectoryPolicy": {}}"#),
            ("ConnectorCredential", "\r\nConnectorIdentityType : Application\r\n"),
            ("Scheduler", "SyncCycleEnabled   : True\nStagingModeEnabled : False\n"),
            ("ConfigYAML", "phase: preflight\ntopology: connect-sync\n"),
            ("CheckFile", try String(contentsOfFile: Repository.checks + "/connect/CON-003.yml", encoding: .utf8)),
            ("WaiverFile", "waivers:\n  - check: AD-009\n    justification: Kiosks.\n    expires: 2026-12-31\n"),
            ("SavedRestrictRemoteSAM", "[Registry Values]\r\nMACHINE\\System\\CurrentControlSet\\Control\\Lsa\\RestrictRemoteSAM=1,\"O:BAG:BAD:(A;;RC;;;BA)\"\r\n"),
        ]
        for (harness, text) in cases {
            let entry = try #require(Self.entries[harness])
            let problem = entry(Array(text.utf8))
            #expect(problem == nil, "\(harness): \(problem ?? "")")
        }
    }

    /// Fuzz/Harnesses/<name>, the manifest's `fuzzHarnesses` and `FuzzEntry.all` name the same harnesses, and
    /// scripts/fuzz.sh runs them all.
    @Test func theHarnessListsAgree() throws {
        let root = Repository.root.path
        let folders = try FileManager.default.contentsOfDirectory(atPath: root + "/Fuzz/Harnesses").sorted()
        #expect(folders == FuzzEntry.all.map(\.name).sorted())
        let manifest = try String(contentsOfFile: root + "/Package.swift", encoding: .utf8)
        let list = try #require(manifest.range(of: #"let fuzzHarnesses = \[[^\]]*\]"#, options: .regularExpression))
        let names = manifest[list].split(separator: "\"").enumerated().filter { $0.offset % 2 == 1 }.map { String($0.element) }
        #expect(names.sorted() == folders)
        for name in folders {
            let main = try String(contentsOfFile: root + "/Fuzz/Harnesses/\(name)/main.swift", encoding: .utf8)
            #expect(main.contains("LLVMFuzzerRunDriver"), "\(name)")
        }
        #expect(FileManager.default.isExecutableFile(atPath: root + "/scripts/fuzz.sh"))
    }
}
