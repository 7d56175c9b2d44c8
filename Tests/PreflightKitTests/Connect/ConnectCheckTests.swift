import Foundation
import PreflightTestSupport
import Testing

import PreflightKit

/// CON-001 to CON-007 through the runner, with the real catalog files.
@Suite("Connect checks (CON-001 to CON-007)")
struct ConnectCheckTests {
    let folder = try! TemporaryFolder("connect-checks")
    static let all = ["CON-001", "CON-002", "CON-003", "CON-004", "CON-005", "CON-006", "CON-007"]

    func configuration(
        export: String? = ConnectFixture.real, scheduler: String? = nil, passwordResetConfig: String? = nil, phase: Phase = .preflight
    ) -> Configuration {
        var configuration = Configuration()
        configuration.phase = phase
        configuration.timeoutSeconds = 60
        configuration.connect.export = export
        configuration.connect.scheduler = scheduler
        configuration.connect.passwordResetConfig = passwordResetConfig
        return configuration
    }

    func scheduler(staging: Bool, utf16: Bool) throws -> String {
        try PowerShellText.write(
            folder, "scheduler-\(staging)-\(utf16).txt", PowerShellText.formatList(PowerShellText.schedulerLines(staging: staging)),
            utf16: utf16)
    }

    @Test func everyCheckSkipsWithNoInputWithoutConfiguration() async throws {
        let results = try await runConnectChecks(Self.all, configuration(export: nil))
        for id in Self.all {
            #expect(results[id]?.status == .skip && results[id]?.reason == .noInput, "\(id): \(results[id]?.message ?? "")")
        }
        #expect(results["CON-001"]?.message.contains("connect.export") == true)
        #expect(results["CON-003"]?.message.contains("connect.scheduler") == true)
    }

    /// The real sample is from 2016-05-03: every check that would pass on it warns that it is far older than
    /// maxEvidenceAgeDays, and still says what it found (EvidenceAgeTests covers the rule itself).
    @Test func theRealExportThroughTheRunner() async throws {
        let results = try await runConnectChecks(Self.all, configuration())
        let stale = "is from 2016-05-03, "
        let limit = " days old; the limit is 30 days (maxEvidenceAgeDays). Export the configuration again"
        let export = try #require(results["CON-001"])
        #expect(export.status == .warn, "\(export.message)")
        #expect(export.message.contains(stale) && export.message.contains(limit), "\(export.message)")
        #expect(export.message.contains("contoso.onmicrosoft.com - AAD") && export.message.contains("contoso.com"))
        #expect(export.message.contains("2016-05-03 14:28:09.784"))
        #expect(export.evidence["files"]?.arrayValue?.count == 3)

        #expect(results["CON-002"]?.status == .warn, "\(results["CON-002"]?.message ?? "")")
        #expect(results["CON-002"]?.message.contains("On that evidence: Password writeback is not enabled yet") == true)
        #expect(results["CON-002"]?.message.contains("Set-ADSyncAADPasswordResetConfiguration -Connector 'contoso.onmicrosoft.com - AAD' -Enable $true") == true)
        #expect(results["CON-003"]?.status == .skip && results["CON-003"]?.reason == .noInput)
        #expect(results["CON-004"]?.status == .warn && results["CON-004"]?.message.contains(limit) == true)
        #expect(results["CON-004"]?.message.contains("contoso.com\\MSOL_d1edb676ca03") == true)
        #expect(results["CON-005"]?.status == .warn && results["CON-005"]?.message.contains(limit) == true)
        #expect(results["CON-005"]?.message.contains("included: OU=CORP,DC=contoso,DC=com; excluded: DC=contoso,DC=com") == true)
        #expect(results["CON-006"]?.status == .warn && results["CON-006"]?.message.contains("contoso.com: off") == true)
        // The 2016 sample is build 1.1.130.0: below 2.5.79.0 (it stopped syncing on 2026-09-30) and the writeback endpoint minimum.
        #expect(results["CON-007"]?.status == .fail, "\(results["CON-007"]?.message ?? "")")
        #expect(results["CON-007"]?.message.contains("1.1.130.0") == true)
        #expect(results["CON-007"]?.message.contains("is below 2.5.79.0") == true)
        #expect(results["CON-007"]?.message.contains("stopped on 2026-09-30") == true)
        #expect(results["CON-007"]?.message.contains("older than 1.1.443.0") == true)
        #expect(results["CON-007"]?.evidence["connectorIdentityType"] == "unknown")
        #expect(results["CON-007"]?.message.contains(limit) == true, "a failing check notes the age")
    }

    @Test func writebackFailsInHealthWhenDisabledAndPassesWhenEnabled() async throws {
        let disabled = try await runConnectChecks(["CON-001", "CON-002"], configuration(phase: .health))
        #expect(disabled["CON-002"]?.status == .fail, "\(disabled["CON-002"]?.message ?? "")")
        #expect(disabled["CON-002"]?.findings.first?.target == "contoso.onmicrosoft.com - AAD")
        #expect(disabled["CON-002"]?.remediation.contains("-Enable $true") == true)

        let export = try await ConnectFixture.freshCopy(into: folder)
        try await ConnectFixture.edit(
            export, ConnectFixture.entraFile, replacing: "<aad-password-reset-config><enabled>0</enabled>",
            with: "<aad-password-reset-config><enabled>1</enabled>")
        let enabled = try await runConnectChecks(["CON-001", "CON-002"], configuration(export: export, phase: .health))
        #expect(enabled["CON-002"]?.status == .pass, "\(enabled["CON-002"]?.message ?? "")")
    }

    @Test func thePasswordResetCmdletOutputWinsOverTheExport() async throws {
        let reset = try PowerShellText.write(
            folder, "pwreset.txt", "\r\nEnabled\r\n-------\r\n   True\r\n\r\n\r\n", utf16: true)
        let export = try await ConnectFixture.freshCopy(into: folder)
        let results = try await runConnectChecks(["CON-001", "CON-002"], configuration(export: export, passwordResetConfig: reset, phase: .health))
        let check = try #require(results["CON-002"])
        #expect(check.status == .pass, "\(check.message)")
        #expect(check.message.contains("the export says disabled"), "\(check.message)")
        #expect(check.evidence["inputFiles"]?.arrayValue?.map { $0["key"] } == ["connect.export", "connect.passwordResetConfig"])

        // With the 2016 sample the export CON-002 still reads (for the connector's name) is stale, and only it is named.
        let old = try await runConnectChecks(["CON-001", "CON-002"], configuration(passwordResetConfig: reset, phase: .health))
        let stale = try #require(old["CON-002"])
        #expect(stale.status == .warn && stale.findings.map(\.target) == [ConnectFixture.real], "\(stale.message)")
        #expect(stale.message.hasPrefix("The Entra Connect export (\(ConnectFixture.real); date: export-date"), "\(stale.message)")
    }

    @Test(arguments: [false, true])
    func stagingModeFromSchedulerOutput(utf16: Bool) async throws {
        let off = try await runConnectChecks(["CON-003"], configuration(scheduler: try scheduler(staging: false, utf16: utf16)))
        #expect(off["CON-003"]?.status == .pass, "\(off["CON-003"]?.message ?? "")")
        let on = try await runConnectChecks(["CON-003"], configuration(scheduler: try scheduler(staging: true, utf16: utf16)))
        #expect(on["CON-003"]?.status == .fail, "\(on["CON-003"]?.message ?? "")")
        #expect(on["CON-003"]?.remediation.contains("Configure staging mode") == true)
    }

    @Test func stagingWorksWithoutAnExportAndErrorsWithoutTheLine() async throws {
        let alone = try await runConnectChecks(["CON-003"], configuration(export: nil, scheduler: try scheduler(staging: false, utf16: true)))
        #expect(alone["CON-003"]?.status == .pass)
        let partial = try folder.write("partial.txt", "\nSyncCycleEnabled : True\n")
        let unknown = try await runConnectChecks(["CON-003"], configuration(scheduler: partial))
        #expect(unknown["CON-003"]?.status == .error, "\(unknown["CON-003"]?.message ?? "")")
    }

    @Test func twoForestsAndAnOUFilterAreListed() async throws {
        let export = try await ConnectFixture.freshCopy(into: folder)
        try await ConnectFixture.addFabrikamForest(export)
        try await ConnectFixture.edit(
            export, ConnectFixture.adFile, replacing: ConnectFixture.realFilter,
            with: "<exclusions><exclusion>OU=Disabled,OU=CORP,DC=contoso,DC=com</exclusion></exclusions><inclusions>"
                + "<inclusion>OU=CORP,DC=contoso,DC=com</inclusion><inclusion>OU=Staff,DC=contoso,DC=com</inclusion></inclusions>")
        let results = try await runConnectChecks(["CON-001", "CON-004", "CON-005"], configuration(export: export))
        #expect(results["CON-004"]?.status == .pass)
        #expect(results["CON-004"]?.message.contains("fabrikam.com\\MSOL_0fab0fab0fab") == true, "\(results["CON-004"]?.message ?? "")")
        let scope = try #require(results["CON-005"])
        #expect(scope.status == .pass)
        #expect(scope.message.contains("included: OU=CORP,DC=contoso,DC=com, OU=Staff,DC=contoso,DC=com; excluded: OU=Disabled"), "\(scope.message)")
        #expect(scope.message.contains("fabrikam.com DC=fabrikam,DC=com"), "\(scope.message)")
        #expect(scope.evidence["forests"]?.arrayValue?.count == 2)
    }

    @Test func unknownFactsFromJSONAreNeverPass() async throws {
        let file = try folder.write("Applied-SynchronizationPolicy-20250304-101500.json", appliedPolicyJSON(created: ConnectFixture.justCreated))
        let results = try await runConnectChecks(Self.all, configuration(export: file, phase: .health))
        #expect(results["CON-001"]?.status == .pass, "\(results["CON-001"]?.message ?? "")")
        #expect(results["CON-002"]?.status == .error, "\(results["CON-002"]?.message ?? "")")
        #expect(results["CON-002"]?.message.contains("unknown") == true)
        #expect(results["CON-004"]?.status == .error, "\(results["CON-004"]?.message ?? "")")
        #expect(results["CON-005"]?.status == .pass)
        #expect(results["CON-006"]?.status == .skip && results["CON-006"]?.reason == .noInput)
        // The build is known (2.4.131.0) and below 2.5.79.0: a known fact, judged (ConnectVersionTests covers the minimum).
        #expect(results["CON-007"]?.status == .fail, "\(results["CON-007"]?.message ?? "")")
    }

    @Test func version1xFailsAndAMissingVersionSkips() async throws {
        let old = try folder.write("old.json", appliedPolicyJSON(version: "1.6.4.0"))
        let failed = try await runConnectChecks(["CON-001", "CON-007"], configuration(export: old))
        #expect(failed["CON-007"]?.status == .fail, "\(failed["CON-007"]?.message ?? "")")
        #expect(failed["CON-007"]?.message.contains("Version 1.x is retired") == true)
        let none = try folder.write("none.json", appliedPolicyJSON().replacingOccurrences(of: "\"azureADConnectVersion\"", with: "\"otherKey\""))
        let skipped = try await runConnectChecks(["CON-001", "CON-007"], configuration(export: none))
        #expect(skipped["CON-007"]?.status == .skip && skipped["CON-007"]?.reason == .noInput, "\(skipped["CON-007"]?.message ?? "")")
    }

    @Test func malformedExportMakesCON001AnErrorWithItsLocation() async throws {
        let file = try folder.write("broken.json", "{\n  \"policyMetadata\": {,\n}")
        let results = try await runConnectChecks(["CON-001", "CON-002"], configuration(export: file))
        #expect(results["CON-001"]?.status == .error)
        #expect(results["CON-001"]?.message.contains("broken.json:2:") == true, "\(results["CON-001"]?.message ?? "")")
        // Every export check reads the same (shared, parsed once) export, so each names the fault itself.
        #expect(results["CON-002"]?.status == .error)
        #expect(results["CON-002"]?.message.contains("broken.json:2:") == true)
    }
}
