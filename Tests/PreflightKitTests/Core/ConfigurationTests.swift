import Foundation
import PreflightTestSupport
import Testing

@testable import PreflightConnect
@testable import PreflightCore
@testable import PreflightDirectory
@testable import PreflightEngine
@testable import PreflightInventory
@testable import PreflightKit
@testable import PreflightMonitoring
@testable import PreflightNetwork
@testable import PreflightReporting

@Suite("Configuration contract")
struct ConfigurationTests {
    let folder = try! TemporaryFolder("config")

    private func load(_ yaml: String) throws -> Configuration {
        try Configuration.load(from: folder.write("preflight.yml", yaml))
    }

    private func diagnostics(_ yaml: String) -> [String] {
        do {
            _ = try load(yaml)
            return []
        } catch {
            guard case .invalidConfiguration(let diagnostics) = error as? PreflightError else { return ["\(error)"] }
            return diagnostics.map(\.description)
        }
    }

    @Test func readsEveryDocumentedKeyAndResolvesPathsAgainstTheFile() throws {
        try folder.write("ca.pem", "x")
        try folder.write("secret.txt", "pw")
        try folder.write("exports/users.csv", "x")
        let config = try load(
            """
            report: {customer: Contoso, tenant: contoso.onmicrosoft.com, assessor: Jo}
            phase: health
            topology: cloud-sync
            cloud: usgov
            timeoutSeconds: 30
            network: {proxy: "http://proxy:3128", caFile: ca.pem, serviceBusNamespace: ns1, tenantId: t1,
                      endpoints: {NET-001: ["https://127.0.0.1:8443/"]}}
            ldap: {url: "ldaps://dc1:636", bindDN: reader@corp.test, passwordFile: secret.txt, caFile: ca.pem,
                   baseDN: "DC=corp,DC=test", account: MSOL_1, scope: ["OU=A,DC=corp,DC=test"], exclude: "OU=B,DC=corp,DC=test"}
            inventory: {users: exports/users.csv, ssprRegistrationThreshold: 0.9}
            connect: {}
            """)
        #expect(config.cover.customer == "Contoso")
        #expect(config.phase == .health && config.topology == .cloudSync && config.cloud == .usgov)
        #expect(config.timeoutSeconds == 30)
        #expect(config.network.endpoints["NET-001"] == ["https://127.0.0.1:8443/"])
        #expect(config.ldap.caFile == folder.url("ca.pem"))
        #expect(config.ldap.passwordFile == folder.url("secret.txt"))
        #expect(config.ldap.exclude == ["OU=B,DC=corp,DC=test"])
        #expect(config.inventory.users == folder.url("exports/users.csv"))
        #expect(config.inventory.ssprRegistrationThreshold == 0.9)
    }

    @Test func filesSavedByWindowsToolsAreRead() throws {
        // Notepad's UTF-8 with BOM, and PowerShell 5.1's `Out-File` default: UTF-16LE with BOM and CRLF.
        let text = "phase: health\r\ncloud: usgov\r\n"
        let bom = folder.url("bom.yml"), utf16 = folder.url("utf16.yml")
        try Data([0xEF, 0xBB, 0xBF] + Array(text.utf8)).write(to: URL(fileURLWithPath: bom))
        try (Data([0xFF, 0xFE]) + text.data(using: .utf16LittleEndian)!).write(to: URL(fileURLWithPath: utf16))
        for path in [bom, utf16] {
            let config = try Configuration.load(from: path)
            #expect(config.phase == .health && config.cloud == .usgov, "\(path)")
        }
    }

    @Test func unknownKeyNamesFileLineColumnAndSuggests() {
        let found = diagnostics("phase: preflight\nldap:\n  url: ldaps://dc\n  bindDn: x\n")
        #expect(found.count >= 1)
        #expect(found.contains { $0.hasPrefix("\(folder.url("preflight.yml")):4:3: error: Unknown key 'ldap.bindDn'. Did you mean 'bindDN'?") })
    }

    @Test func malformedYAMLGivesLineAndColumn() throws {
        let found = diagnostics("phase: preflight\nldap: {url: x\n")
        #expect(found.count == 1)
        let first = try #require(found.first)
        #expect(first.hasPrefix(folder.url("preflight.yml") + ":3:1: error: The file is not valid YAML"), "\(first)")
    }

    @Test func wrongTypesAndValuesAreNamed() {
        let found = diagnostics("phase: later\ntimeoutSeconds: soon\nldap: {startTLS: maybe}\n")
        #expect(found.contains { $0.contains(":1:8: error: 'phase' is 'later', which is not one of preflight, health.") })
        #expect(found.contains { $0.contains(":2:17: error: 'timeoutSeconds' must be a number, but it is 'soon'.") })
        #expect(found.contains { $0.contains("'ldap.startTLS' must be true or false, but it is 'maybe'.") })
    }

    @Test func thresholdOutOfRangeIsRejected() {
        let found = diagnostics("inventory: {ssprRegistrationThreshold: 1.5}\n")
        #expect(found.contains { $0.contains("'inventory.ssprRegistrationThreshold' is 1.5, but it must be between 0 and 1.") })
    }

    @Test func passwordsInTheFileAreRefused() {
        let found = diagnostics("ldap: {url: ldaps://dc, bindDN: x, password: hunter2}\n")
        #expect(found.contains { $0.contains("'ldap.password' is not allowed") })
        #expect(!found.joined().contains("hunter2"))
    }

    @Test func ldapNeedsAPasswordSourceAndASecureURLScheme() {
        let found = diagnostics("ldap: {url: http://dc, bindDN: x}\n")
        #expect(found.contains { $0.contains("'ldap.url' is 'http://dc', but it must start with ldaps://") })
        #expect(found.contains { $0.contains("no password source is") })
    }

    @Test func aNamedFileThatDoesNotExistIsExitCode66() {
        #expect {
            _ = try load("ldap: {url: ldaps://dc, bindDN: x, passwordEnv: P, caFile: missing-ca.pem}\n")
        } throws: { error in
            guard let error = error as? PreflightError, case .unreadableFile(let path, _, _) = error else { return false }
            return path == folder.url("missing-ca.pem") && ExitStatus.for(error) == .cannotReadInput
        }
    }

    @Test func aMissingConfigurationFileIsExitCode66() {
        #expect {
            _ = try Configuration.load(from: folder.url("nope.yml"))
        } throws: { error in
            ExitStatus.for(error) == .cannotReadInput && "\(error)".contains("nope.yml")
        }
    }

    @Test func redactedConfigurationCarriesNoPasswordSource() throws {
        try folder.write("pw", "s3cret")
        let config = try load("ldap: {url: ldaps://dc, bindDN: x, passwordFile: pw}\n")
        let text = config.redactedJSON.compactText
        #expect(!text.contains("passwordFile") && !text.contains("s3cret"))
        #expect(text.contains("ldaps://dc"))
    }

    // MARK: - Inputs found before anything runs (issue #13): exit 78 in run and validate

    private func inputProblems(_ yaml: String, environment: [String: String] = [:]) throws -> [Diagnostic] {
        try load(yaml).inputProblems(environment: environment)
    }

    @Test func anUnsetOrEmptyPasswordVariableIsFoundWithItsPlaceAndNoSecret() throws {
        let yaml = "ldap:\n  url: ldaps://dc\n  bindDN: x\n  passwordEnv: PREFLIGHT_LDAP_PASSWORD\n"
        let unset = try inputProblems(yaml)
        #expect(unset.count == 1)
        #expect(unset.first?.location == SourceLocation(file: folder.url("preflight.yml"), line: 4, column: 16))
        #expect(unset.first?.message.hasPrefix("'ldap.passwordEnv' names the environment variable 'PREFLIGHT_LDAP_PASSWORD', which is not set") == true)
        let empty = try inputProblems(yaml, environment: ["PREFLIGHT_LDAP_PASSWORD": ""])
        #expect(empty.first?.message.contains("which is set but empty") == true)
        #expect(try inputProblems(yaml, environment: ["PREFLIGHT_LDAP_PASSWORD": "s3cret"]).isEmpty)
        #expect(ExitStatus.for(PreflightError.invalidConfiguration(unset)) == .invalidConfiguration)
    }

    @Test func aMissingOrEmptyPasswordFileIsAConfigurationProblemNotAnUnreadableFile() throws {
        let yaml = "ldap: {url: ldaps://dc, bindDN: x, passwordFile: secrets/pw}\n"
        let missing = try inputProblems(yaml)
        #expect(missing.map(\.message) == [
            "'ldap.passwordFile' names '\(folder.url("secrets/pw"))', which does not exist, so there is no password to bind with. Create it "
                + "holding the bind account's password, readable only by the user preflight runs as (under systemd, LoadCredential= "
                + "provides it), or correct the path."
        ])
        try folder.write("secrets/pw", "\n")
        #expect(try inputProblems(yaml).first?.message.contains("which is empty (line breaks aside)") == true)
        try folder.write("secrets/pw", "s3cret\n")
        #expect(try inputProblems(yaml).isEmpty)
        try folder.write("secrets/pw", "")
        #expect(try inputProblems(yaml).allSatisfy { !$0.description.contains("s3cret") })
    }

    @Test func aCAFileWithoutAPEMCertificateIsFoundForEveryCAFileKey() throws {
        try Data([0x30, 0x82, 0x03, 0x1A, 0x30, 0x82]).write(to: URL(fileURLWithPath: folder.url("ca.der")))
        try folder.write("key.pem", "-----BEGIN PRIVATE KEY-----\nMIIE\n-----END PRIVATE KEY-----\n")
        try folder.write("good.pem", "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n")
        let problems = try inputProblems(
            "ldap: {url: ldaps://dc, bindDN: x, passwordEnv: P, caFile: ca.der}\nnetwork: {caFile: key.pem}\n", environment: ["P": "pw"])
        #expect(problems.count == 2)
        #expect(problems[0].message.hasPrefix("'ldap.caFile' names '\(folder.url("ca.der"))', which looks like a DER (binary) certificate"))
        #expect(problems[0].message.contains("openssl x509 -inform der"))
        #expect(problems[1].message.hasPrefix("'network.caFile' names '\(folder.url("key.pem"))', which holds a private key but no certificate"))
        #expect(problems[1].location.line == 2)
        #expect(try inputProblems("network: {caFile: good.pem}\n").isEmpty)
    }

    @Test func aTabOrPipeSeparatedExportIsFoundFromItsHeaderLine() throws {
        try folder.write("users.csv", "#TYPE Selected.Microsoft.Graph.PowerShell.Models.MicrosoftGraphUser\nId\tUserPrincipalName\tAccountEnabled\n1\ta@b\tTrue\n")
        try folder.write("licenses.csv", "UserPrincipalName|SkuId|DisabledPlans\n")
        try folder.write("registration.csv", "\u{FEFF}\"User principal name\";\"Is SSPR registered\"\n")
        try folder.write("skus.csv", "sep=\t\nSkuId\tConsumedUnits\n")
        let problems = try inputProblems(
            "inventory: {users: users.csv, licenses: licenses.csv, registration: registration.csv, subscribedSkus: skus.csv}\n")
        // skus.csv names its tab delimiter in an Excel 'sep=' line, which the reader honours: no problem.
        #expect(problems.count == 2, "\(problems)")
        #expect(problems[0].message.hasPrefix(
            "'inventory.users' names '\(folder.url("users.csv"))', whose header (line 2) is separated by tabs (2 of them, no commas or semicolons), "
                + "but preflight reads exports separated by commas (or semicolons"))
        #expect(problems[1].message.contains("'inventory.licenses' names '\(folder.url("licenses.csv"))', whose header (line 1) is separated by pipes ('|')"))
        #expect(problems.allSatisfy { $0.location.file == folder.url("preflight.yml") && $0.location.line == 1 })
        // A comma inside a quoted column name is no delimiter, and semicolons are read.
        try folder.write("users.csv", "\"Name, display\"\tUPN\n")
        #expect(try inputProblems("inventory: {users: users.csv}\n").count == 1)
        try folder.write("users.csv", "UserPrincipalName;Display|Name;AccountEnabled\n")
        #expect(try inputProblems("inventory: {users: users.csv}\n").isEmpty)
    }
}
