import Foundation
import PreflightTestSupport
import Testing

@testable import PreflightKit

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
}
