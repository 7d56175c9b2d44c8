import Foundation
import PreflightTestSupport
import Testing

import PreflightKit

/// Issue #13, end to end through the binary: READY only when the whole phase was judged, a narrowed run says so,
/// and configuration problems stop `run` and `validate` (78) before anything runs.
@Suite("CLI: coverage and configuration inputs")
struct CoverageCLITests {
    let folder = try! TemporaryFolder("cli-coverage")
    static let demoInventory = Repository.root.appendingPathComponent("examples/demo/inventory").path
    /// No proxy from the test machine's environment: NET-006 then does not apply, and the lab is reached directly.
    static let noProxy = ["HTTPS_PROXY": "", "https_proxy": "", "http_proxy": "", "ALL_PROXY": "", "all_proxy": "", "NO_PROXY": "", "no_proxy": ""]

    func report(_ relative: String = "out/latest.json") throws -> Report {
        try JSONReporter.parse(Data(try folder.read(relative).utf8), file: relative)
    }

    /// The JSON report's `coverage` object as written (not as the parser recomputes it).
    func writtenCoverage(_ relative: String = "out/latest.json") throws -> [String: Any] {
        let object = try JSONSerialization.jsonObject(with: Data(try folder.read(relative).utf8)) as? [String: Any]
        return try #require(object?["coverage"] as? [String: Any])
    }

    // MARK: - Part 4: READY means the whole phase was judged

    @Test func aConfigurationWithOnlyNetworkEndpointsIsIncompleteAndNamesWhatWasNotAssessed() async throws {
        let lab = try await NetworkLab.shared()
        let config = try folder.write(
            "preflight.yml",
            """
            timeoutSeconds: 30
            network:
              caFile: \(lab.caFile)
              endpoints:
                NET-001: ["\(lab.url("ok"))"]
                NET-002: ["\(lab.url("ok"))"]
                NET-003: ["\(lab.url("ok"))"]
                NET-005: ["\(lab.url("crl"))"]

            """)
        let result = try await CLI.run(["run", "--config", config, "--out", "out"], in: folder.path, environment: Self.noProxy)
        #expect(result.exitCode == 2, "\(result)")
        #expect(result.stderr.isEmpty, "\(result)")
        let report = try report()
        let (passed, warned, skipped) = (report.summary.pass, report.summary.warn, report.summary.skip)
        #expect(report.checks.filter { $0.area == "network" && $0.status == .pass }.count == 4, "the four network checks pass: \(result)")
        let notAssessed =
            "not assessed: AD-001..AD-005, AD-011..AD-017 (no ldap.url or ldap.bindDN), CON-001, CON-002, CON-004, CON-007 "
            + "(no connect.export), CON-003 (no connect.scheduler), INV-001 (no inventory.users), INV-003 (no inventory.users or inventory.licenses)"
        let verdict =
            "INCOMPLETE — nothing failed, but critical or high checks were not assessed, so readiness is unproven (0 failed, \(warned) "
            + "warnings, 0 errors, \(passed) passed, \(skipped) skipped); \(notAssessed)."
        #expect(result.stdout.split(separator: "\n").first.map(String.init) == verdict, "\(result)")
        try await SchemaValidator.validate(reportAt: folder.url("out/latest.json"))
        #expect(!report.ready && report.exitCode == 2 && report.verdict == .incomplete)

        let coverage = try writtenCoverage()
        #expect(coverage["selection"] is NSNull, "the whole catalog ran")
        let gaps = try #require(coverage["notAssessed"] as? [[String: String]])
        #expect(
            gaps.map { $0["id"]! }
                == ["AD-001", "AD-002", "AD-003", "AD-004", "AD-005", "AD-011", "AD-012", "AD-013", "AD-014", "AD-015", "AD-016", "AD-017", "CON-001", "CON-002", "CON-003",
                    "CON-004", "CON-007", "INV-001", "INV-003"])
        #expect(gaps[0] == ["id": "AD-001", "severity": "critical", "reason": "no-input", "detail": "no ldap.url or ldap.bindDN"])
        #expect(gaps[1] == ["id": "AD-002", "severity": "critical", "reason": "requirement-failed", "detail": "no ldap.url or ldap.bindDN"])
        let assessed = try #require(coverage["assessed"] as? [String])
        #expect(["NET-001", "NET-002", "NET-003", "NET-005"].allSatisfy(assessed.contains), "\(assessed)")
        #expect(!assessed.contains("NET-004") && !gaps.contains { $0["id"] == "NET-004" || $0["id"] == "MON-001" }, "not-applicable checks never count")

        let markdown = try folder.read("out/latest.md")
        #expect(markdown.hasPrefix("# Password writeback readiness: INCOMPLETE\n"))
        #expect(markdown.contains("**INCOMPLETE** — nothing failed, but critical or high checks were not assessed"))
        #expect(markdown.contains("- **INV-001** Tenant exports are readable and recognised, and users are in scope — no-input — **not assessed** (high"))
        let prom = try await FormatValidators.prometheus(at: try render("prom"))
        #expect(prom["preflight_ready"] == 0 && prom["preflight_not_assessed_checks"] == 19 && prom["preflight_selection_narrowed"] == 0)
        let summary = try await CLI.run(["render", folder.url("out/latest.json"), "--format", "summary"], in: folder.path)
        #expect(summary.stdout == "INCOMPLETE 0 fail, \(warned) warn, 0 error, \(passed) pass, \(skipped) skip; \(notAssessed)\n", "\(summary)")
    }

    /// `render` of the latest JSON report into `format`, as a file.
    func render(_ format: String) throws -> String {
        let path = folder.url("out/rendered.\(format)")
        try ReportFormat(rawValue: format)!.render(try report()).write(to: URL(fileURLWithPath: path))
        return path
    }

    @Test func onlyWithItsInputIsReadyForTheSelectionAndSaysSoEverywhere() async throws {
        let config = try folder.write("preflight.yml", "inventory:\n  users: \(Self.demoInventory)/users.csv\n")
        let result = try await CLI.run(
            ["run", "--config", config, "--only", "INV-001", "--out", "out", "--format", "md,json,junit,prom"], in: folder.path)
        #expect(result.exitCode == 0, "\(result)")
        #expect(result.stderr.isEmpty, "\(result)")
        let lines = result.stdout.split(separator: "\n").map(String.init)
        #expect(
            lines.first
                == "READY (selection: --only INV-001) — no selected check failed or errored (0 failed, 0 warnings, 0 errors, 1 passed, "
                + "0 skipped); checks outside the selection were not run.", "\(result)")
        try await SchemaValidator.validate(reportAt: folder.url("out/latest.json"))
        let markdown = try folder.read("out/latest.md")
        #expect(markdown.hasPrefix("# Password writeback readiness: READY (selection: --only INV-001)\n"), "\(markdown)")
        #expect(markdown.contains("| Selection | --only INV-001: only the selected checks (and the checks they require) ran |"))
        let coverage = try writtenCoverage()
        #expect(coverage["selection"] as? [String: [String]] == ["only": ["INV-001"], "skip": [], "tags": []])
        #expect(coverage["assessed"] as? [String] == ["INV-001"] && (coverage["notAssessed"] as? [Any])?.isEmpty == true)
        let junit = try folder.read("out/latest.junit.xml")
        #expect(junit.contains(#"<testsuites name="preflight (selection: --only INV-001)""#))
        #expect(junit.contains(#"<property name="preflight.selection" value="--only INV-001"/>"#))
        let prom = try await FormatValidators.prometheus(at: folder.url("out/latest.prom"))
        #expect(prom["preflight_ready"] == 1 && prom["preflight_selection_narrowed"] == 1 && prom["preflight_not_assessed_checks"] == 0)
    }

    @Test func aSelectedHighCheckLackingItsInputIsIncomplete() async throws {
        let config = try folder.write("preflight.yml", "inventory:\n  users: \(Self.demoInventory)/users.csv\n")
        let result = try await CLI.run(
            ["run", "--config", config, "--only", "INV-001,INV-003", "--out", "out", "--format", "json,summary"], in: folder.path)
        #expect(result.exitCode == 2, "\(result)")
        #expect(result.stderr.isEmpty, "\(result)")
        #expect(result.stdout.hasPrefix("INCOMPLETE (selection: --only INV-001,INV-003) 0 fail, 0 warn, 0 error, 1 pass, 1 skip (out/"), "\(result)")
        #expect(result.stdout.hasSuffix(".json); not assessed: INV-003 (no inventory.licenses)\n"), "\(result)")
        try await SchemaValidator.validate(reportAt: folder.url("out/latest.json"))
        let gaps = try #require(try writtenCoverage()["notAssessed"] as? [[String: String]])
        #expect(gaps == [["id": "INV-003", "severity": "high", "reason": "no-input", "detail": "no inventory.licenses"]])

        // A tag selects the directory checks; without 'ldap' none of them can be judged.
        let tagged = try await CLI.run(["run", "--config", config, "--tag", "directory", "--out", "tagged", "--format", "summary"], in: folder.path)
        #expect(tagged.exitCode == 2, "\(tagged)")
        #expect(
            tagged.stdout.hasPrefix("INCOMPLETE (selection: --tag directory) 0 fail, 0 warn, 0 error, 0 pass, 19 skip; "
                + "not assessed: AD-001..AD-005, AD-011..AD-017 (no ldap.url or ldap.bindDN)"), "\(tagged)")
    }

    @Test func checksLeftOutBySkipAreNotSelectedRatherThanNotAssessed() async throws {
        let config = try folder.write("preflight.yml", "inventory:\n  users: \(Self.demoInventory)/users.csv\n")
        let result = try await CLI.run(
            ["run", "--config", config, "--tag", "inventory", "--skip", "CON-001,INV-003,INV-004,INV-005,INV-006", "--out", "out"],
            in: folder.path)
        #expect(result.exitCode == 0, "INV-001 and INV-002 were judged; the skipped ones were not selected: \(result)")
        #expect(
            result.stdout.hasPrefix("READY (selection: --skip CON-001,INV-003,INV-004,INV-005,INV-006 --tag inventory) — no selected check failed"),
            "\(result)")
        try await SchemaValidator.validate(reportAt: folder.url("out/latest.json"))
        let report = try report()
        #expect(report.checks.map(\.id) == ["INV-001", "INV-002"])
        #expect(report.coverage?.selection == Selection(skip: ["CON-001", "INV-003", "INV-004", "INV-005", "INV-006"], tags: ["inventory"]))
        #expect(report.coverage?.notAssessed.isEmpty == true)
    }

    @Test func aWaivedCriticalFailureCountsAsJudgedAndACriticalSkipDoesNot() async throws {
        let catalog = TestCatalog(in: folder, "catalog")
        try catalog.plugin(
            "PLG-901", title: "Critical and failing", severity: "critical",
            reply: #"{"status":"fail","message":"Kiosk users lack the right.","findings":[{"status":"fail","target":"CN=K1,OU=Kiosk,DC=corp","message":"no grant"}]}"#)
        try catalog.plugin("PLG-902", title: "High and passing", severity: "high", reply: #"{"status":"pass"}"#)
        try folder.write("waivers.yml", "waivers:\n  - check: PLG-901\n    justification: Kiosks never reset passwords.\n    expires: 2999-12-31\n")
        // The two plugins are the whole catalog, so no selection narrows the run.
        let environment = ["PREFLIGHT_CHECKS": catalog.path]
        let waived = try await CLI.run(["run", "--waivers", "waivers.yml", "--out", "out"], in: folder.path, environment: environment)
        #expect(waived.exitCode == 0, "\(waived)")
        #expect(
            waived.stdout.split(separator: "\n").first.map(String.init)
                == "READY — no check failed or errored, and every critical and high check of the preflight phase was assessed "
                + "(0 failed, 0 warnings, 0 errors, 1 passed, 0 skipped, 1 waived).", "\(waived)")
        try await SchemaValidator.validate(reportAt: folder.url("out/latest.json"))
        let coverage = try writtenCoverage()
        #expect(coverage["assessed"] as? [String] == ["PLG-901", "PLG-902"] && (coverage["notAssessed"] as? [Any])?.isEmpty == true)

        // The same critical check without its input: not judged, so not READY.
        try catalog.plugin(
            "PLG-901", title: "Critical and failing", severity: "critical",
            reply: #"{"status":"skip","reason":"no-input","message":"The Connect export was not given. Name it."}"#)
        let skipped = try await CLI.run(
            ["run", "--waivers", "waivers.yml", "--out", "out2", "--format", "summary"], in: folder.path, environment: environment)
        #expect(skipped.exitCode == 2, "\(skipped)")
        #expect(
            skipped.stdout == "INCOMPLETE 0 fail, 0 warn, 0 error, 1 pass, 1 skip; not assessed: PLG-901 (the Connect export was not given)\n",
            "\(skipped)")
        #expect(skipped.stderr.isEmpty, "\(skipped)")
    }

    @Test func anOldReportWithoutCoverageStillRenders() async throws {
        let old = Repository.fixture("golden/report-before-coverage.json")
        let markdown = try await CLI.run(["render", old], in: folder.path)
        #expect(markdown.exitCode == 0 && markdown.stderr.isEmpty, "\(markdown)")
        #expect(markdown.stdout.contains("**NOT READY** — at least one check failed (1 failed, 1 warning, 1 error, 2 passed, 1 skipped).\n"))
        #expect(markdown.stdout.contains("did not record coverage"))
        for format in ["json", "junit", "prom", "csv", "summary"] {
            let result = try await CLI.run(["render", old, "--format", format], in: folder.path)
            #expect(result.exitCode == 0 && !result.stdout.isEmpty && result.stderr.isEmpty, "\(format): \(result)")
        }
        let json = try await CLI.run(["render", old, "--format", "json", "--out", "old.json"], in: folder.path)
        #expect(json.exitCode == 0, "\(json)")
        try await SchemaValidator.validate(reportAt: folder.url("old.json"))
    }

    // MARK: - Part 5: configuration problems are found before anything runs

    /// `run` and `validate` on the same configuration: both 78, nothing on stdout, nothing written, the same message.
    func expectBothRefuse(_ config: String, environment: [String: String] = [:], unset: [String] = [], stderr expected: String) async throws {
        let run = try await Program.run(
            [CLI.executable, "run", "--config", config, "--out", "never"], in: folder.path, environment: environment, unset: unset)
        #expect(run.exitCode == 78, "\(run)")
        #expect(run.stdout.isEmpty, "\(run)")
        #expect(run.stderr == expected, "\(run)")
        #expect(!FileManager.default.fileExists(atPath: folder.url("never")), "nothing ran, nothing was written")
        let validate = try await Program.run(
            [CLI.executable, "validate", "--config", config], in: folder.path, environment: environment, unset: unset)
        #expect(validate.exitCode == 78 && validate.stdout.isEmpty, "validate no longer says OK: \(validate)")
        #expect(validate.stderr == expected, "\(validate)")
    }

    @Test func anUnsetOrEmptyPasswordVariableIs78FromRunAndValidate() async throws {
        let config = try folder.write(
            "preflight.yml", "ldap:\n  url: ldaps://127.0.0.1\n  bindDN: reader@corp.test\n  passwordEnv: PREFLIGHT_TEST_LDAP_PASSWORD\n")
        let unset =
            "\(config):4:16: error: 'ldap.passwordEnv' names the environment variable 'PREFLIGHT_TEST_LDAP_PASSWORD', which is not set in "
            + "preflight's environment, so the directory checks could not bind. Set it before preflight starts (map the CI secret into the "
            + "step's env, or use the systemd unit's EnvironmentFile=), or name a file holding the password with 'ldap.passwordFile' instead.\n"
        try await expectBothRefuse(config, unset: ["PREFLIGHT_TEST_LDAP_PASSWORD"], stderr: unset)
        let empty =
            "\(config):4:16: error: 'ldap.passwordEnv' names the environment variable 'PREFLIGHT_TEST_LDAP_PASSWORD', which is set but empty, "
            + "so there is no password to bind with. Put the bind account's password in it (a CI secret that does not exist, or is not mapped "
            + "into the step, expands to an empty string), or name a file holding it with 'ldap.passwordFile' instead.\n"
        try await expectBothRefuse(config, environment: ["PREFLIGHT_TEST_LDAP_PASSWORD": ""], stderr: empty)

        // Set, it passes validation (and the value is never printed).
        let valid = try await Program.run(
            [CLI.executable, "validate", "--config", config], in: folder.path, environment: ["PREFLIGHT_TEST_LDAP_PASSWORD": "hunter2-secret"])
        #expect(valid.exitCode == 0 && valid.stdout.contains("Configuration OK") && !(valid.stdout + valid.stderr).contains("hunter2"), "\(valid)")
    }

    @Test func aMissingOrEmptyPasswordFileIs78() async throws {
        let config = try folder.write(
            "conf/preflight.yml", "ldap:\n  url: ldaps://127.0.0.1\n  bindDN: reader@corp.test\n  passwordFile: secrets/ldap.pw\n")
        let path = folder.url("conf/secrets/ldap.pw")
        try await expectBothRefuse(
            config,
            stderr: "\(config):4:17: error: 'ldap.passwordFile' names '\(path)', which does not exist, so there is no password to bind with. "
                + "Create it holding the bind account's password, readable only by the user preflight runs as (under systemd, "
                + "LoadCredential= provides it), or correct the path.\n")
        try folder.write("conf/secrets/ldap.pw", "\n")
        try await expectBothRefuse(
            config,
            stderr: "\(config):4:17: error: 'ldap.passwordFile' names '\(path)', which is empty (line breaks aside), so there is no password "
                + "to bind with. Write the bind account's password into it.\n")
    }

    @Test func aCAFileWithoutAPEMCertificateIs78AndNoSecretIsEchoed() async throws {
        try folder.write("certs/corp-root-ca.pem", "This is not a certificate.\n")
        let config = try folder.write(
            "preflight.yml",
            "ldap:\n  url: ldaps://127.0.0.1\n  bindDN: reader@corp.test\n  passwordEnv: PREFLIGHT_TEST_LDAP_PASSWORD\n"
                + "  caFile: certs/corp-root-ca.pem\nnetwork:\n  caFile: certs/corp-root-ca.pem\n")
        let path = folder.url("certs/corp-root-ca.pem")
        let problem =
            "which holds no PEM certificate (no '-----BEGIN CERTIFICATE-----' … '-----END CERTIFICATE-----' block), so TLS certificates "
            + "could not be verified against it. Name a PEM file holding the certificate of the CA that issued the server's certificate.\n"
        try await expectBothRefuse(
            config, environment: ["PREFLIGHT_TEST_LDAP_PASSWORD": "hunter2-secret"],
            stderr: "\(config):5:11: error: 'ldap.caFile' names '\(path)', \(problem)"
                + "\(config):7:11: error: 'network.caFile' names '\(path)', \(problem)")
    }

    @Test(arguments: [("\t", "tabs"), ("|", "pipes ('|')")])
    func aTabOrPipeSeparatedExportIs78NamingBothDelimiters(_ delimiter: String, _ name: String) async throws {
        let header = ["userPrincipalName", "displayName", "accountEnabled", "directorySynced"].joined(separator: delimiter)
        let export = try folder.write("inventory/users.csv", header + "\nadele@contoso.com\(delimiter)Adele\(delimiter)True\(delimiter)True\n")
        let config = try folder.write("preflight.yml", "inventory:\n  users: inventory/users.csv\n")
        try await expectBothRefuse(
            config,
            stderr: "\(config):2:10: error: 'inventory.users' names '\(export)', whose header (line 1) is separated by \(name) (3 of them, "
                + "no commas or semicolons), but preflight reads exports separated by commas (or semicolons, as regional Excel writes "
                + "them). Export the file again with Export-Csv -NoTypeInformation (without -Delimiter) or the portal's download, and copy "
                + "it unchanged rather than re-saving it from another program.\n")
    }
}
