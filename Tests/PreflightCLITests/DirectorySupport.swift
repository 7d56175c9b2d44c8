import Foundation
import PreflightTestSupport

import PreflightKit

/// Writes a configuration for a lab DC, runs `preflight run` on it and returns the parsed report.
struct DirectoryRun {
    let folder = try! TemporaryFolder("dir")

    struct Outcome {
        var cli: CLIResult
        var report: Report
        var elapsed: Double

        func check(_ id: String) -> CheckResult? { report.checks.first { $0.id == id } }
        func targets(_ id: String) -> [String] { check(id)?.findings.map(\.target) ?? [] }
        func finding(_ id: String, target: String) -> Finding? {
            check(id)?.findings.first { $0.target.lowercased() == target.lowercased() }
        }
    }

    func run(
        url: String, caFile: String?, bindDN: String = SambaDC.readerUPN, password: String = SambaDC.readerPassword,
        account: String? = nil, scope: [String] = [], exclude: [String] = [], startTLS: Bool = false, allowInsecure: Bool = false,
        timeout: Double = 60, extraLDAP: [String] = [], extraConfig: String = "", only: [String]
    ) async throws -> Outcome {
        var ldap = ["url: \"\(url)\"", "bindDN: \"\(bindDN)\"", "passwordEnv: LAB_PASSWORD"]
        if let caFile { ldap.append("caFile: \"\(caFile)\"") }
        if let account { ldap.append("account: \"\(account)\"") }
        if !scope.isEmpty { ldap.append("scope: [\(scope.map { "\"\($0.replacingOccurrences(of: "\\", with: "\\\\"))\"" }.joined(separator: ", "))]") }
        if !exclude.isEmpty { ldap.append("exclude: [\(exclude.map { "\"\($0)\"" }.joined(separator: ", "))]") }
        if startTLS { ldap.append("startTLS: true") }
        if allowInsecure { ldap.append("allowInsecure: true") }
        ldap += extraLDAP
        let config = "timeoutSeconds: \(timeout)\nldap:\n" + ldap.map { "  " + $0 }.joined(separator: "\n") + "\n" + extraConfig
        let file = try folder.write("preflight.yml", config)
        let started = Date()
        let cli = try await CLI.run(
            ["run", "--config", file, "--only", only.joined(separator: ","), "--out", folder.url("out")],
            environment: ["LAB_PASSWORD": password])
        let elapsed = Date().timeIntervalSince(started)
        let json = folder.url("out/latest.json")
        guard let data = FileManager.default.contents(atPath: json) else {
            throw SambaDC.LabError(description: "No report was written: \(cli)")
        }
        try await SchemaValidator.validate(reportAt: json)
        return Outcome(cli: cli, report: try JSONReporter.parse(data, file: json), elapsed: elapsed)
    }
}

enum Lab {
    static let base = SambaDC.baseDN
    static func ou(_ path: String) -> String { "\(path),\(base)" }
    static func user(_ name: String, _ ou: String) -> String { "CN=\(name),\(ou)" }
    static let rights = ["AD-003", "AD-004", "AD-005"]
    /// The lab's connector accounts' password (scripts/lab/lablib.py SVC_PW).
    static let servicePassword = "Svc!Passw0rd123"
}
