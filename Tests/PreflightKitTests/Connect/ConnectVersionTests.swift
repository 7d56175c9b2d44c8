import Foundation
import PreflightTestSupport
import Testing

import PreflightKit

/// CON-007 through the runner with the real catalog: the 2.5.79.0 minimum (builds below it stopped syncing on
/// 2026-09-30, learn.microsoft.com/entra/identity/hybrid/connect/harden-update-ad-fs-pingfederate) and the Entra
/// connector's identity type (learn.microsoft.com/entra/identity/hybrid/connect/authenticate-application-id).
@Suite("Connect build minimum and identity type (CON-007)")
struct ConnectVersionTests {
    let folder = try! TemporaryFolder("connect-version")

    func run(export: String, credential: String? = nil) async throws -> CheckResult {
        var configuration = Configuration()
        configuration.timeoutSeconds = 60
        configuration.connect.export = export
        configuration.connect.connectorCredential = credential
        return try #require(try await runConnectChecks(["CON-007"], configuration)["CON-007"])
    }

    /// An Applied-SynchronizationPolicy file as the Connect wizard writes it, with `version` as the build (written an hour
    /// ago, so that its age does not make CON-007 warn: these tests are about the build).
    func settings(_ version: String) throws -> String {
        try folder.write(
            "Applied-SynchronizationPolicy-\(version).json", appliedPolicyJSON(version: version, created: ConnectFixture.justCreated))
    }

    /// The real Get-ADSyncServerConfiguration export as an upgraded server would write it today: both places that carry
    /// the build, and a fresh export-date.
    func serverConfiguration(_ version: String) async throws -> String {
        let export = try await ConnectFixture.freshCopy(into: folder, as: "export-\(version)")
        try await ConnectFixture.edit(
            export, "GlobalSettings/MV.xml",
            replacing: "dataType=\"String\">1.1.130.0</parameter>", with: "dataType=\"String\">\(version)</parameter>")
        try await ConnectFixture.edit(
            export, ConnectFixture.entraFile, replacing: "<assembly-version>1.1.130.0</assembly-version>",
            with: "<assembly-version>\(version)</assembly-version>")
        return export
    }

    // MARK: The verdict

    @Test(arguments: ["2.4.131.0", "2.5.78.0", "2.5.76.0", "1.6.4.0", "1.1.130.0"])
    func buildsBelowTheMinimumFailAndSaySyncStopped(version: String) async throws {
        let check = try await run(export: try settings(version))
        #expect(check.status == .fail, "\(check.message)")
        #expect(check.message.contains("Connect build \(version) (from policyMetadata.azureADConnectVersion) is below 2.5.79.0"), "\(check.message)")
        #expect(check.message.contains("all synchronization, and so password writeback, stopped on 2026-09-30"))
        #expect(check.message.contains("https://learn.microsoft.com/entra/identity/hybrid/connect/harden-update-ad-fs-pingfederate"))
        #expect(check.findings.map(\.message) == ["Connect \(version) < 2.5.79.0: synchronization and writeback stopped on 2026-09-30."])
        #expect(check.evidence["minimum"] == "2.5.79.0" && check.evidence["minimumSince"] == "2026-09-30")
        #expect(check.evidence["version"] == .string(version))
        #expect(check.remediation.contains("2.5.79.0") && check.remediation.contains("Microsoft Entra admin center"))
        #expect(check.remediation.contains(".NET Framework 4.7.2") && check.remediation.contains("TLS 1.2"))
    }

    @Test func veryOldAndRetiredBuildsAreNamedAsSuch() async throws {
        let ancient = try await run(export: try settings("1.1.130.0"))
        #expect(ancient.message.contains("It is also older than 1.1.443.0, the first build that uses the current writeback endpoints"))
        let retired = try await run(export: try settings("1.6.4.0"))
        #expect(retired.message.contains("Version 1.x is retired"), "\(retired.message)")
        #expect(!retired.message.contains("older than 1.1.443.0"))
        let current = try await run(export: try settings("2.4.131.0"))
        #expect(!current.message.contains("1.1.443.0") && !current.message.contains("retired"), "\(current.message)")
    }

    /// 2.5.190.0 sorts before 2.5.79.0 as text: the comparison must be numeric.
    @Test(arguments: ["2.5.79.0", "2.5.190.0", "2.6.84.0"])
    func theMinimumAndLaterBuildsPass(version: String) async throws {
        let check = try await run(export: try settings(version))
        #expect(check.status == .pass, "\(check.message)")
        #expect(check.message.contains("Connect build \(version) (from policyMetadata.azureADConnectVersion) is at or above 2.5.79.0"))
        #expect(check.message.contains("builds below it stopped synchronizing on 2026-09-30"))
        #expect(check.findings.isEmpty)
    }

    @Test func aServerConfigurationExportIsJudgedTheSameWay() async throws {
        let old = try await run(export: try await serverConfiguration("2.4.131.0"))
        #expect(old.status == .fail, "\(old.message)")
        #expect(old.message.contains("Connect build 2.4.131.0 (from Microsoft.Synchronize.ServerConfigurationVersion in MV.xml) is below 2.5.79.0"))
        #expect(old.findings.first?.target == "CONTOSO-SYNC01")
        let upgraded = try await run(export: try await serverConfiguration("2.5.79.0"))
        #expect(upgraded.status == .pass, "\(upgraded.message)")
    }

    // MARK: The identity type

    @Test func withoutTheCmdletOutputTheIdentityTypeIsUnknown() async throws {
        for check in [try await run(export: ConnectFixture.real), try await run(export: try settings("2.5.79.0"))] {
            #expect(check.evidence["connectorIdentityType"] == "unknown")
            #expect(check.evidence["connectorIdentityTypeSource"] == .null)
            #expect(check.message.contains("The Entra connector's identity type (ServiceAccount or Application) is unknown"), "\(check.message)")
            #expect(check.message.contains("Get-ADSyncEntraConnectorCredential | Format-List * | Out-File connector-credential.txt"))
        }
    }

    /// `Get-ADSyncEntraConnectorCredential | Format-List * | Out-File` in Windows PowerShell 5.1 (UTF-16LE with BOM).
    /// Microsoft documents only the ConnectorIdentityType property, so the file carries only that one.
    @Test func theFormatListOutputGivesApplication() async throws {
        let file = try PowerShellText.write(
            folder, "connector-credential.txt", PowerShellText.formatList([("ConnectorIdentityType", "Application")]), utf16: true)
        let check = try await run(export: try settings("2.5.79.0"), credential: file)
        #expect(check.status == .pass)
        #expect(check.evidence["connectorIdentityType"] == "Application")
        #expect(check.evidence["connectorIdentityTypeSource"] == .string("ConnectorIdentityType in \(file) (Get-ADSyncEntraConnectorCredential)"))
        #expect(check.message.contains("The Entra connector authenticates as an application (ConnectorIdentityType Application"), "\(check.message)")
    }

    /// The table PowerShell prints for an object with few properties (PowerShell 7's Out-File: UTF-8 without BOM).
    @Test func theTableOutputGivesServiceAccountAndTheVerdictStands() async throws {
        let file = try PowerShellText.write(
            folder, "credential-table.txt", "\r\nConnectorIdentityType\r\n---------------------\r\nServiceAccount\r\n\r\n\r\n", utf16: false)
        let check = try await run(export: try settings("2.4.131.0"), credential: file)
        #expect(check.status == .fail, "the identity type does not change the verdict")
        #expect(check.evidence["connectorIdentityType"] == "ServiceAccount")
        #expect(check.message.contains("authenticates with its service account and password (ConnectorIdentityType ServiceAccount"))
    }

    /// `| ConvertTo-Json | Out-File` in Windows PowerShell 5.1: four-space indent, two spaces after the colon, UTF-16LE.
    @Test func convertToJsonWithTheNameIsRead() async throws {
        let file = try PowerShellText.write(
            folder, "credential.json", "{\r\n    \"ConnectorIdentityType\":  \"Application\"\r\n}\r\n", utf16: true)
        let check = try await run(export: try settings("2.5.190.0"), credential: file)
        #expect(check.evidence["connectorIdentityType"] == "Application", "\(check.message)")
    }

    /// ConvertTo-Json writes an enum as its number; which number is which type is not published.
    @Test func convertToJsonWithANumberStaysUnknownAndSaysWhy() async throws {
        let file = try PowerShellText.write(folder, "credential-enum.json", "{\r\n    \"ConnectorIdentityType\":  1\r\n}\r\n", utf16: true)
        let check = try await run(export: try settings("2.5.79.0"), credential: file)
        #expect(check.status == .pass)
        #expect(check.evidence["connectorIdentityType"] == "unknown")
        let notes = check.evidence["notes"]?.arrayValue?.compactMap(\.stringValue) ?? []
        #expect(notes.contains { $0.contains("gives ConnectorIdentityType as the number 1") }, "\(notes)")
    }

    @Test func aCredentialFileWithoutThePropertyIsNotedAndAMalformedOneIsAnError() async throws {
        let other = try PowerShellText.write(folder, "other.txt", PowerShellText.formatList([("Enabled", "True")]), utf16: true)
        let unknown = try await run(export: try settings("2.5.79.0"), credential: other)
        #expect(unknown.evidence["connectorIdentityType"] == "unknown")
        let notes = unknown.evidence["notes"]?.arrayValue?.compactMap(\.stringValue) ?? []
        #expect(notes.contains { $0.contains("has no ConnectorIdentityType value") }, "\(notes)")

        let broken = try folder.write("broken.json", "{\n  \"ConnectorIdentityType\": \"Application\",\n")
        let error = try await run(export: try settings("2.5.79.0"), credential: broken)
        #expect(error.status == .error)
        #expect(error.message.contains("broken.json:3:") && error.message.contains("is not valid JSON"), "\(error.message)")
    }

    /// Not documented for the settings file: read if present, and the source says UNCONFIRMED.
    @Test func aConnectorIdentityTypeKeyInTheSettingsFileIsRecorded() async throws {
        let json = appliedPolicyJSON(version: "2.5.79.0").replacingOccurrences(
            of: "\"serviceAccountType\": \"ManagedServiceAccount\",",
            with: "\"serviceAccountType\": \"ManagedServiceAccount\",\n    \"connectorIdentityType\": \"Application\",")
        #expect(json.contains("connectorIdentityType"))
        let check = try await run(export: try folder.write("Applied-SynchronizationPolicy-key.json", json))
        #expect(check.evidence["connectorIdentityType"] == "Application")
        #expect(check.evidence["connectorIdentityTypeSource"]?.stringValue?.contains("UNCONFIRMED") == true)
    }
}
