import Foundation
import PreflightKit
import PreflightTestSupport
import Testing

/// What a new user types without reading the manual: ids in any case, the usual file names, a path copied from Windows,
/// TAB for values.
@Suite("Command-line conventions")
struct ConventionsCLITests {
    @Test func idsAreCaseInsensitive() async throws {
        let explained = try await CLI.run(["explain", "ad-003"])
        #expect(explained.exitCode == 0 && explained.stdout.hasPrefix("AD-003: "), "\(explained)")
        let folder = try TemporaryFolder("conventions")
        let run = try await CLI.run(["run", "--only", "inv-001", "--skip", "Ad-001", "--out", folder.url("out"), "--format", "json"], in: folder.path)
        #expect(run.exitCode == 2, "INV-001 has no input, so the run is incomplete: \(run)")
        let report = try JSONReporter.parse(Data(try folder.read("out/latest.json").utf8), file: "latest.json")
        #expect(report.coverage?.selection?.only == ["INV-001"], "the report spells the id as the catalog does")
        #expect(report.checks.map(\.id) == ["INV-001"])
        let unknown = try await CLI.run(["explain", "ad-999"])
        #expect(unknown.exitCode == 64 && unknown.stderr.contains("Unknown check id 'ad-999'"), "\(unknown)")
    }

    @Test func preflightYamlAndPreflightConfigAreFound() async throws {
        let folder = try TemporaryFolder("conventions")
        try folder.write("preflight.yaml", "phase: later\n")
        let yaml = try await CLI.run(["validate"], in: folder.path)
        #expect(yaml.exitCode == 78 && yaml.stderr.contains("preflight.yaml:1:8: error: 'phase'"), "./preflight.yaml is read: \(yaml)")
        try folder.write("preflight.yml", "phase: health\n")
        let both = try await CLI.run(["run", "--only", "INV-001", "--out", "out", "--format", "json"], in: folder.path)
        let report = try JSONReporter.parse(Data(try folder.read("out/latest.json").utf8), file: "latest.json")
        #expect(both.exitCode == 2 && report.run.phase == .health, "./preflight.yml was read: \(both)")
        #expect(report.notices.contains("Both ./preflight.yml and ./preflight.yaml exist; ./preflight.yml was read. Remove the other one."))
        let other = try folder.write("elsewhere/site.yml", "topology: nope\n")
        let named = try await CLI.run(["validate"], in: folder.path, environment: ["PREFLIGHT_CONFIG": other])
        #expect(named.exitCode == 78 && named.stderr.contains("site.yml:1:11: error: 'topology'"), "PREFLIGHT_CONFIG wins: \(named)")
        let missing = try await CLI.run(["validate"], in: folder.path, environment: ["PREFLIGHT_CONFIG": folder.url("gone.yml")])
        #expect(missing.exitCode == 66 && missing.stderr.contains("PREFLIGHT_CONFIG"), "\(missing)")
        let explicit = try await CLI.run(
            ["validate", "--config", folder.url("preflight.yml")], in: folder.path, environment: ["PREFLIGHT_CONFIG": other])
        #expect(explicit.exitCode == 0, "--config wins over PREFLIGHT_CONFIG: \(explicit)")
    }

    @Test func aWindowsPathSaysSoAndHowToCopyTheFolder() async throws {
        let folder = try TemporaryFolder("conventions")
        let file = try folder.write(
            "preflight.yml",
            "connect:\n  export: 'C:\\Temp\\ConnectExport'\nmonitoring:\n  events: ['\\\\sync01\\c$\\logs\\app.csv']\n"
                + "ldap:\n  url: ldaps://dc.example.test\n  bindDN: reader@example.test\n  passwordFile: 'D:/secrets/ldap.pw'\n")
        let result = try await CLI.run(["validate", "--config", file])
        #expect(result.exitCode == 78, "\(result)")
        #expect(
            result.stderr.contains(
                "\(file):2:11: error: 'connect.export' is 'C:\\Temp\\ConnectExport', a Windows path, but preflight runs on Linux and reads "
                    + "the files of this machine. In WSL, copy it with its file times: cp -rp '/mnt/c/Temp/ConnectExport' . "), "\(result)")
        #expect(result.stderr.contains("e.g. 'ConnectExport'"), "\(result)")
        #expect(result.stderr.contains("'monitoring.events' is '\\\\sync01\\c$\\logs\\app.csv', a Windows path"), "\(result)")
        #expect(result.stderr.contains("'ldap.passwordFile' is a value not shown here"), "a password source is not quoted: \(result)")
        #expect(!result.stderr.contains("D:/secrets"), "\(result)")
        #expect(!result.stderr.contains("does not exist"), "\(result)")
    }

    @Test func completionsOfferValuesAndCheckIDs() async throws {
        let bash = try await CLI.run(["--generate-completion-script", "bash"])
        #expect(bash.exitCode == 0)
        for values in [["preflight", "health"], ["critical", "high", "medium", "low", "info"], ["connect-sync", "cloud-sync"],
            ["md", "json", "html", "junit", "prom", "csv", "users-csv", "subjects-csv", "summary"]] {
            #expect(bash.stdout.contains("-W '" + values.joined(separator: "'$'\\n''") + "'"), "bash completes \(values)")
        }
        // What bash runs on TAB after `preflight explain ad-00` and `preflight run --only AD-001,CON` (ArgumentParser's
        // custom completion: the argument, the word's index, the cursor's offset in it, then the words).
        let ids = try await CLI.run(["---completion", "explain", "--", "positional@0", "2", "5", "preflight", "explain", "ad-00"])
        let offered = ids.stdout.split(separator: "\n").map(String.init)
        #expect(offered.contains("ad-001") && offered.contains("ad-009") && !offered.contains("ad-010"), "\(ids)")
        let list = try await CLI.run(["---completion", "run", "--", "--only", "3", "10", "preflight", "run", "--only", "AD-001,CON"])
        #expect(list.stdout.split(separator: "\n").contains("AD-001,CON-007") && !list.stdout.contains("INV"), "\(list)")
        let script = bash.stdout
        #expect(script.contains("---completion explain -- positional@0") && script.contains("---completion run -- --only"))
    }
}
