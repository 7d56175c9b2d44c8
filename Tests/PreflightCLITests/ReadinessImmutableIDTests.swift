import Foundation
import PreflightTestSupport
import Testing

import PreflightKit

/// Per-user readiness joins a lab user to the tenant's row for them by the immutable id when the UPNs differ: carol is
/// `carol@corp.example.test` in the lab's AD (a deny ACE blocks her rights, scripts/lab/SCENARIOS.md) and
/// `carol.denied@contoso.com` in the tenant (an alternate login ID), where Entra's `onPremisesImmutableId` is her
/// objectGUID in base64 (the default source anchor: the lab sets no mS-DS-ConsistencyGuid) and she has no P1 licence.
@Suite("Readiness: the immutable id joins a user whose UPNs differ")
struct ReadinessImmutableIDTests {
    static let only = "AD-001,AD-002,AD-003,AD-004,AD-005,AD-008,INV-001,INV-002,INV-003,INV-005,INV-006"
    static let entraUPN = "carol.denied@contoso.com"

    /// carol's objectGUID as `ldapsearch` prints a binary value (`objectGUID:: <base64>`): base64 of the bytes the DC
    /// stores, which is what Entra Connect writes to onPremisesImmutableId.
    static func objectGUID(of account: String, on dc: SambaDC) throws -> (dn: String, immutableID: String) {
        var environment = ProcessInfo.processInfo.environment
        environment["LDAPTLS_CACERT"] = dc.caFile
        let outcome = try Subprocess(
            arguments: [
                "ldapsearch", "-x", "-LLL", "-o", "ldif-wrap=no", "-H", dc.ldapsURL, "-D", SambaDC.readerUPN, "-w", SambaDC.readerPassword,
                "-b", SambaDC.baseDN, "(sAMAccountName=\(account))", "objectGUID", "mS-DS-ConsistencyGuid",
            ],
            environment: environment
        ).run(input: [], deadline: Date().addingTimeInterval(30))
        let lines = String(decoding: outcome.stdout, as: UTF8.self).split(separator: "\n")
        guard outcome.termination == .exited(0), let dn = lines.first(where: { $0.hasPrefix("dn: ") })?.dropFirst(4),
            let guid = lines.first(where: { $0.hasPrefix("objectGUID:: ") })?.dropFirst(13)
        else {
            throw SambaDC.LabError(description: "ldapsearch for \(account): \(outcome.termination) \(String(decoding: outcome.stderr, as: UTF8.self))")
        }
        #expect(!lines.contains { $0.hasPrefix("mS-DS-ConsistencyGuid") }, "the lab sets no consistency GUID: objectGUID is the anchor")
        return (String(dn), String(guid))
    }

    /// The lab's tenant (`LabTenant`) with carol under her Entra UPN, written as Graph PowerShell exports the users
    /// (Get-MgUser … OnPremisesImmutableId, the header of Fixtures/inventory/graph-users.csv), and without a P1 licence.
    static func tenant(in folder: TemporaryFolder, carolImmutableID: String?) throws {
        try LabTenant.write(in: folder)
        for file in ["licenses.csv", "registration.csv", "sspr-scope-group.csv"] {
            var text = try folder.read(file).replacingOccurrences(of: "carol@corp.example.test", with: entraUPN)
            if file == "licenses.csv" {
                text = text.replacingOccurrences(
                    of: "\"\(entraUPN)\",\"05e9a617-0261-4cee-bb44-138d3ef5d965\",\"SPE_E3\"",
                    with: "\"\(entraUPN)\",\"6fd2c87f-b296-42f0-b197-1e91e994b900\",\"ENTERPRISEPACK\"")
            }
            try folder.write(file, text)
        }
        let graph = try String(contentsOfFile: Repository.fixture("inventory/graph-users.csv"), encoding: .utf8)
        var rows = Array(graph.components(separatedBy: "\r\n").prefix(2))
        for (index, user) in LabTenant.users.enumerated() {
            let upn = user == "carol" ? entraUPN : "\(user)@corp.example.test"
            let immutableID = user == "carol" ? carolImmutableID ?? "" : ""
            rows.append(
                "\"\(String(format: "6513270e-269e-4d37-b2a7-%012d", index + 1))\",\"\(upn)\",\"\(user.capitalized)\",\"True\",\"True\","
                    + "\"\(immutableID)\",\"11/20/2026 8:00:00 AM\"")
        }
        try folder.write("users.csv", rows.joined(separator: "\r\n") + "\r\n")
    }

    static func readiness(carolImmutableID: String?, dc: SambaDC) async throws -> Readiness {
        let folder = try TemporaryFolder("readiness-immutable-id")
        try tenant(in: folder, carolImmutableID: carolImmutableID)
        let demo = Repository.root.appendingPathComponent("examples/demo").path
        let config = try LabTenant.configuration(
            in: folder, dc: dc, topology: "connect-sync", sections: "connect:\n  export: \"\(demo)/connect-export\"")
        let run = try await CLI.run(
            ["run", "--config", config, "--out", folder.url("out"), "--format", "json", "--only", only],
            environment: ["LAB_PASSWORD": SambaDC.readerPassword], timeout: 180)
        #expect(run.exitCode == 1, "\(run)")
        return try JSONReporter.parse(Data(try folder.read("out/latest.json").utf8), file: "latest.json").readiness
    }

    @Test func aLabUsersObjectGUIDJoinsTheTenantRowWhoseUPNDiffers() async throws {
        let dc = try await SambaLab.shared()
        let carol = try Self.objectGUID(of: "carol", on: dc)
        let readiness = try await Self.readiness(carolImmutableID: carol.immutableID, dc: dc)
        let rows = readiness.users.filter { $0.dn == carol.dn || $0.user == Self.entraUPN || $0.user.hasPrefix("carol@") }
        try #require(rows.count == 1, "one user, one row: \(rows)")
        #expect(rows[0].user == "carol@corp.example.test" && rows[0].dn == carol.dn)
        #expect(rows[0].blockers.map(\.cause) == ["denied-inherited", "no-licence"], "\(rows[0].blockers)")
        #expect(rows[0].blockers.last?.checks == ["INV-003"])

        // Without the immutable id in the export, the same user is two rows: the key is what joins them.
        let unjoined = try await Self.readiness(carolImmutableID: nil, dc: dc)
        let apart = unjoined.users.filter { $0.dn == carol.dn || $0.user == Self.entraUPN }
        #expect(apart.map(\.user).sorted() == [Self.entraUPN, "carol@corp.example.test"], "\(apart)")
    }
}
