import Foundation
import PreflightKit

/// A real Samba AD domain controller on a loopback address, cloned from the lab template and run as
/// a child of the test process. samba runs with `-i` and reads stdin from a pipe we hold, so it exits
/// when the tests do, however they end; `--maximum-runtime` is the second guard.
package final class SambaDC: @unchecked Sendable {
    package let ip: String
    package let directory: String
    private let process: Process
    private let stdin: Pipe
    /// Started with the `smb` mode: also serves SYSVOL over SMB on ip:445.
    package private(set) var servesSMB = false
    /// The DNS name of its domain (`corp.example.test`, or `fabrikam.example.test` for the second forest).
    package let domain: String

    package var caFile: String { directory + "/pki/ca.pem" }
    package var otherCAFile: String { directory + "/pki/other-ca.pem" }
    package var ldapsURL: String { "ldaps://\(ip)" }
    package var ldapURL: String { "ldap://\(ip)" }
    package static let baseDN = "DC=corp,DC=example,DC=test"
    package static let readerUPN = "preflight-reader@corp.example.test"
    package static let readerPassword = "Read3r!Passw0rd"
    package static let administratorUPN = "Administrator@corp.example.test"
    package static let administratorPassword = "Passw0rd!Adm1n"

    package struct LabError: Error, CustomStringConvertible {
        package var description: String
        package init(description: String) { self.description = description }
    }

    /// The template `make test` builds; the tests never build it themselves (that needs root and ~4 s).
    package static var template: String {
        ProcessInfo.processInfo.environment["LAB_TEMPLATE"]
            ?? Repository.root.appendingPathComponent(".lab/scenario.tar.zst").path
    }

    /// The second forest's template, FABRIKAM.EXAMPLE.TEST, which build-template.sh writes next to the scenario's.
    package static var fabrikamTemplate: String {
        URL(fileURLWithPath: template).deletingLastPathComponent().appendingPathComponent("fabrikam.tar.zst").path
    }

    /// Clones the template onto `ip` and starts samba; `modes` as in scripts/lab/clone.sh (insecure, wrongname);
    /// `fabrikam` picks the second forest's template (its certificate covers 127.0.0.10 to 127.0.0.19 only).
    package init(ip: String, modes: String? = nil, fabrikam: Bool = false) throws {
        let template = fabrikam ? Self.fabrikamTemplate : Self.template
        domain = fabrikam ? Fabrikam.domain : "corp.example.test"
        guard FileManager.default.fileExists(atPath: template) else {
            throw LabError(
                description: "The Samba AD lab template '\(template)' is missing. Run 'make test' (it installs samba and "
                    + "runs scripts/lab/build-template.sh .lab), or 'make lab' before 'swift test'.")
        }
        guard FileManager.default.isExecutableFile(atPath: "/usr/sbin/samba") else {
            throw LabError(description: "samba is not installed. Run 'make test' or 'sudo make setup' (scripts/setup.sh installs it).")
        }
        self.ip = ip
        // Short path: samba's unix sockets live under it (see scripts/lab/clone.sh).
        directory = "/tmp/pfdc-\(ip.split(separator: ".").last!)-\(UUID().uuidString.prefix(6))"
        let clone = try Subprocess(
            arguments: ["bash", Repository.root.appendingPathComponent("scripts/lab/clone.sh").path, template, directory, ip]
                + (modes.map { [$0] } ?? []),
            environment: ProcessInfo.processInfo.environment
        ).run(input: [], deadline: Date().addingTimeInterval(60))
        guard clone.termination == .exited(0) else {
            throw LabError(description: "clone.sh failed: \(String(decoding: clone.stderr, as: UTF8.self))")
        }
        process = Process()
        // The shared DCs live until the test process exits, so nothing in it can remove their folders (33 MB each):
        // a shell does once samba has ended cleanly. A DC that failed keeps its folder, and its log, for a look.
        // `-M prefork`: the tests share these DCs in parallel, and a single-process DC busy with one long search accepted
        // no connection for more than 10 s (a listen backlog of 10), so an unrelated test's connect timed out (1 run in 5).
        process.executableURL = URL(fileURLWithPath: "/bin/sh")
        process.arguments = [
            "-c", #"/usr/sbin/samba "$@" && rm -rf "$0""#, directory,
            "-s", directory + "/etc/smb.conf", "-i", "-M", "prefork", "--maximum-runtime=1800",
        ]
        servesSMB = modes?.split(separator: ",").contains("smb") ?? false
        if servesSMB {
            process.executableURL = URL(fileURLWithPath: "/usr/bin/unshare")
            process.arguments = SambaDC.smbLauncher(directory) + (process.arguments ?? []).dropFirst(3)
        }
        stdin = Pipe()
        process.standardInput = stdin
        let log = FileHandle(forWritingAtPath: "/dev/null")
        process.standardOutput = log
        process.standardError = log
        try process.run()
        try waitUntilReady(timeout: 30)
    }

    private func waitUntilReady(timeout: Double) throws {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            guard process.isRunning else { throw LabError(description: "samba on \(ip) exited during start; see \(directory)/log.") }
            let probe = try Subprocess(
                arguments: ["ldapsearch", "-x", "-LLL", "-H", "ldap://\(ip)", "-s", "base", "-b", "", "dnsHostName"],
                environment: ProcessInfo.processInfo.environment
            ).run(input: [], deadline: Date().addingTimeInterval(5))
            if probe.termination == .exited(0), !servesSMB || smbIsReady() { return }
            usleep(50_000)
        }
        stop()
        throw LabError(description: "samba on \(ip) did not answer LDAP within \(Int(timeout)) s.")
    }

    /// Runs ldapmodify as Administrator over LDAPS (for tests that change the directory).
    package func modify(_ ldif: String) throws {
        var environment = ProcessInfo.processInfo.environment
        environment["LDAPTLS_CACERT"] = caFile
        let outcome = try Subprocess(
            arguments: ["ldapmodify", "-x", "-H", ldapsURL, "-D", Self.administratorUPN, "-w", Self.administratorPassword],
            environment: environment
        ).run(input: Array(ldif.utf8), deadline: Date().addingTimeInterval(30))
        guard outcome.termination == .exited(0) else {
            throw LabError(description: "ldapmodify failed: \(String(decoding: outcome.stderr, as: UTF8.self))")
        }
    }

    /// Adds ACEs (SDDL) to an object's DACL with samba-tool on the DC's own database while samba runs, as an admin
    /// would on a DC (deny ACEs go first). For tests that change permissions: use a DC of their own, not a shared one.
    package func addACEs(_ sddl: String, on dn: String) throws {
        let outcome = try Subprocess(
            arguments: [
                "samba-tool", "dsacl", "set", "-s", directory + "/etc/smb.conf", "-H", directory + "/private/sam.ldb",
                "--objectdn=\(dn)", "--sddl=\(sddl)",
            ],
            environment: ProcessInfo.processInfo.environment
        ).run(input: [], deadline: Date().addingTimeInterval(60))
        guard outcome.termination == .exited(0) else {
            throw LabError(description: "samba-tool dsacl set failed: \(String(decoding: outcome.stderr, as: UTF8.self))")
        }
    }

    package func stop() {
        try? stdin.fileHandleForWriting.close()
        let deadline = Date().addingTimeInterval(5)
        while process.isRunning && Date() < deadline { usleep(20_000) }
        if process.isRunning {
            // The process is the shell around samba; samba itself (and its smbd and winbindd) go by their config.
            _ = try? Subprocess(arguments: ["pkill", "-KILL", "-f", directory + "/etc/smb.conf"], environment: [:])
                .run(input: [], deadline: Date().addingTimeInterval(5))
            process.terminate()
        }
        try? FileManager.default.removeItem(atPath: directory)
    }

    deinit { stop() }
}

/// The DCs the test run shares, one per flavour, each started on first use.
package enum SambaLab {
    private static let scenario = Result { try SambaDC(ip: "127.0.0.2") }
    private static let insecure = Result { try SambaDC(ip: "127.0.0.3", modes: "insecure") }
    private static let wrongName = Result { try SambaDC(ip: "127.0.0.4", modes: "wrongname") }
    private static let fabrikamForest = Result { try SambaDC(ip: "127.0.0.11", fabrikam: true) }

    // Starting a DC blocks for up to a second; do it on a dedicated thread, never on the cooperative pool.

    /// The scenario domain (scripts/lab/SCENARIOS.md), read-only for tests.
    package static func shared() async throws -> SambaDC { try await runBlocking { try scenario.get() } }
    /// Allows simple binds on plain ldap:// (`ldap server require strong auth = no`).
    package static func allowingPlaintext() async throws -> SambaDC { try await runBlocking { try insecure.get() } }
    /// Serves a certificate whose name does not match the address.
    package static func withWrongCertificateName() async throws -> SambaDC { try await runBlocking { try wrongName.get() } }
    /// The second forest, FABRIKAM.EXAMPLE.TEST on 127.0.0.11 (scripts/lab/populate-fabrikam.py).
    package static func fabrikam() async throws -> SambaDC { try await runBlocking { try fabrikamForest.get() } }
}

/// The second lab forest's names (scripts/lab/populate-fabrikam.py).
package enum Fabrikam {
    package static let domain = "fabrikam.example.test"
    package static let baseDN = "DC=fabrikam,DC=example,DC=test"
    package static let readerUPN = "preflight-reader@fabrikam.example.test"
    /// Not the scenario domain's: each domain's password source is its own.
    package static let readerPassword = "Fab!Read3r0nly"
    package static let connectorPassword = "Svc!Passw0rd123"
}
