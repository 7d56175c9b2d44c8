import Foundation
import PreflightKit
import PreflightTestSupport
import Testing

/// The .deb that `make package` builds, installed with apt-get into a fresh Debian 12 minbase root (no Swift, nothing of
/// the build machine) and run there in a chroot against the lab DC (scripts/package/bare-debian.sh; docs/install.md).
@Suite("The .deb on a bare Debian 12")
struct BareDebianTests {
    @Test func installsAndRunsOnABareDebian() async throws {
        let version = PreflightVersion.current
        let deb = Repository.root.appendingPathComponent("dist/preflight_\(version)_amd64.deb").path
        try #require(
            FileManager.default.fileExists(atPath: deb),
            "'\(deb)' is missing: run 'make package' (make test runs it before the tests)")
        let dc = try await SambaLab.shared()
        let out = try TemporaryFolder("bare-debian")
        let started = Date()
        let result = try await Program.run(
            ["bash", Repository.root.appendingPathComponent("scripts/package/bare-debian.sh").path, deb, dc.caFile, dc.ldapsURL, SambaDC.readerUPN],
            environment: ["LAB_PASSWORD": SambaDC.readerPassword, "BARE_DEBIAN_OUT": out.path], timeout: 1_500)
        let transcript = result.stdout
        #expect(result.exitCode == 0, "\(result)")
        print("bare-Debian test: \(Int(Date().timeIntervalSince(started))) s\n\(transcript)")
        #expect(transcript.contains("swift: none"), "the root has no Swift")
        #expect(transcript.contains("Setting up preflight (\(version))"), "apt-get installed the package")
        #expect(transcript.contains("$ ldd /usr/bin/preflight | grep -c swift || true\n0\n"), "the binary loads no Swift library")
        #expect(transcript.contains("$ preflight --version\n\(version)\n"))
        #expect(transcript.contains("AD-001   critical directory.bind"), "list finds the catalog in /usr/share/preflight")
        #expect(transcript.contains("$ man -w preflight\n/usr/share/man/man1/preflight.1.gz\n"))
        #expect(transcript.contains("Wrote preflight.yml (topology connect-sync)"))
        let validations = transcript.components(separatedBy: "Configuration OK: preflight.yml.\nexit 0").count - 1
        #expect(validations == 2, "validate accepts the template as written and filled in: \(transcript)")
        #expect(
            transcript.contains("NOT READY (selection: --only INV-003) 1 fail, 0 warn, 0 error"),
            "INV-003 judged the demo tenant's licences with the installed licensing table: \(transcript)")
        let data = try #require(FileManager.default.contents(atPath: out.url("latest.json")), "the run wrote no report: \(transcript)")
        let report = try JSONReporter.parse(data, file: "latest.json")
        #expect(report.checks.first { $0.id == "AD-001" }?.status == .pass, "the chroot's preflight bound to the lab DC")
        let ad003 = report.checks.first { $0.id == "AD-003" }?.status
        #expect(ad003 == .pass || ad003 == .fail, "AD-003 judged the lab's users: \(String(describing: ad003))")
        let directory = report.checks.filter { $0.area == "directory" }.map(\.id)
        // Every directory check of the repository's catalog, which the package installed under /usr/share/preflight.
        let catalog = try FileManager.default.contentsOfDirectory(atPath: Repository.root.appendingPathComponent("Checks/directory").path)
            .filter { $0.hasSuffix(".yml") }.map { String($0.dropLast(4)) }.sorted()
        #expect(catalog.count >= 16 && directory == catalog, "every directory check ran: \(report.checks.map(\.id))")
    }
}
