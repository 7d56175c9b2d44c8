import Foundation
import PreflightTestSupport
import Testing

import PreflightKit

/// MON-001 to MON-005 through the runner with the real catalog files, on the committed fixtures.
@Suite("Monitoring checks (MON-001 to MON-005)")
struct MonitoringCheckTests {
    static let events = ["MON-001", "MON-002", "MON-003"]
    static let audit = ["MON-004", "MON-005"]
    static let all = events + audit

    func run(events: [String] = [], audit: [String] = [], windowHours: Double = 24, minSuccessRate: Double = 0.9,
             phase: Phase = .health, namespace: String? = nil, only ids: [String] = all) async throws -> [String: CheckResult] {
        var configuration = monitoringConfiguration(
            events: events, audit: audit, windowHours: windowHours, minSuccessRate: minSuccessRate, phase: phase)
        configuration.network.serviceBusNamespace = namespace
        return try await runMonitoringChecks(ids, configuration)
    }

    // MARK: Inputs and phase

    @Test func everyCheckSkipsWithNoInputWithoutConfiguration() async throws {
        let results = try await run()
        for id in Self.all {
            #expect(results[id]?.status == .skip && results[id]?.reason == .noInput, "\(id): \(results[id]?.message ?? "")")
        }
        #expect(results["MON-001"]?.message.contains("monitoring.events") == true)
        #expect(results["MON-004"]?.message.contains("monitoring.audit") == true)
    }

    @Test func theChecksRunInTheHealthPhaseOnly() async throws {
        let results = try await run(events: ["healthy-winps51-unicode.csv"], audit: ["healthy-portal.csv"], phase: .preflight)
        for id in Self.all { #expect(results[id]?.status == .skip && results[id]?.reason == .notApplicable) }
    }

    // MARK: Pass

    @Test func aHealthyServerAndTenantPass() async throws {
        let results = try await run(events: ["healthy-winps51-unicode.csv"], audit: ["healthy-portal.csv"])
        for id in Self.all { #expect(results[id]?.status == .pass, "\(id): \(results[id]?.message ?? "")") }
        let alive = try #require(results["MON-001"])
        #expect(alive.evidence["serviceBusNamespace"] == "ssprdedicatedsbprodfra-1")
        #expect(alive.message.contains("set network.serviceBusNamespace: ssprdedicatedsbprodfra-1"))
        // The window ends at the newest event, not at this machine's clock, and the message says how old the export is.
        let errors = try #require(results["MON-002"])
        #expect(errors.evidence["windowEnd"] == "2026-11-26 09:14:03" && errors.evidence["windowStart"] == "2026-11-25 09:14:03")
        #expect(errors.message.contains("before this run"))
        #expect(errors.message.contains("dates M/d/yyyy h:mm:ss tt (month first)"))
        #expect(results["MON-003"]?.message.contains("2 passwords were written to Active Directory successfully") == true)
        let resets = try #require(results["MON-004"])
        #expect(resets.evidence["successRate"] == .number(0.9) && resets.evidence["attempts"] == 10)
        #expect(resets.tableRows.contains(["FuzzyPolicyViolationInvalidPassword", "1", "cloud / user", "jon@contoso.com"]))
        #expect(results["MON-005"]?.message.contains("Microsoft Entra Connect 2") == true)
    }

    @Test func everyLayoutGivesTheSameVerdicts() async throws {
        // The broken server's log as PowerShell 7 CSV and as wevtutil XML (UTC, UTF-16): the same story either way.
        let csv = try await run(events: ["broken-pwsh7-utf8.csv"], only: Self.events)
        let xml = try await run(events: ["broken-wevtutil.xml"], only: Self.events)
        for id in Self.events {
            #expect(csv[id]?.status == .fail && xml[id]?.status == .fail, "\(id): \(csv[id]?.message ?? "") / \(xml[id]?.message ?? "")")
            #expect(csv[id]?.findings.map(\.target) == xml[id]?.findings.map(\.target))
        }
        let healthyXML = try await run(events: ["healthy-wevtutil-root.xml"], only: Self.events)
        for id in Self.events { #expect(healthyXML[id]?.status == .pass, "\(id): \(healthyXML[id]?.message ?? "")") }
    }

    // MARK: Fail

    @Test func aServerThatStoppedAnsweringFails() async throws {
        let results = try await run(events: ["broken-pwsh7-utf8.csv"], only: Self.events)
        let alive = try #require(results["MON-001"])
        #expect(alive.status == .fail)
        #expect(alive.message.contains("The last ServiceBusHeartBeat (31019) is from 2026-11-26 06:09:03, 3.1 h before the export's end"))
        #expect(alive.message.contains("WriteBackServiceStopped (31016) was logged at 2026-11-26 06:13:03"))
        #expect(alive.message.contains("4 service errors in the last 24 h (32002, 32014, see MON-002)"))
        #expect(alive.findings.map(\.target) == ["PasswordResetService 31019"])

        let service = try #require(results["MON-002"])
        #expect(service.status == .fail)
        #expect(service.findings.map(\.target) == ["PasswordResetService 32002", "PasswordResetService 32014"])
        #expect(service.findings.map(\.status) == [.fail, .warn])
        #expect(service.tableRows.first?.prefix(4) == ["PasswordResetService 32002", "ServiceBusError", "3", "2026-11-26 09:04:03"])
        #expect(service.findings[0].message.contains("Error Connecting to ServiceBus. The token provider was unable"))
        #expect(service.remediation.contains("*.servicebus.windows.net"))

        let directory = try #require(results["MON-003"])
        #expect(directory.status == .fail)
        #expect(Set(directory.findings.map(\.target)) == ["ethan@contoso.co.uk", "bob@contoso.com", "ADSync 6329"])
        let ethan = try #require(directory.findings.first { $0.target == "ethan@contoso.co.uk" })
        #expect(ethan.status == .fail && ethan.details?["ad003"] == "not-checked")
        #expect(ethan.message.contains("The cross-reference with AD-003 was not possible: no 'ldap' section is configured"))
        #expect(directory.message.contains("No cross-reference with AD-003"))
        let bob = try #require(directory.findings.first { $0.target == "bob@contoso.com" })
        #expect(bob.status == .warn, "33008 is the user's password, not the configuration")
        #expect(directory.tableRows.contains { $0.prefix(4) == ["PasswordResetService 33004", "ADPermissionsError", "1", "ethan@contoso.co.uk"] })
        // ADSync 6329 names no user; it was logged in the same second as ethan's 33004, and the finding says so.
        let adsync = try #require(directory.findings.first { $0.target == "ADSync 6329" })
        #expect(adsync.message.contains("0x80230626 (The password could not be updated because the management agent credentials were denied access.)"))
        #expect(adsync.message.contains("Logged within seconds of a 33xxx event of ethan@contoso.co.uk"))
        // Refused access with the permissions in place points at RestrictRemoteSAM (SSPR_0029), which AD-016 checks.
        #expect(adsync.message.contains("RestrictRemoteSAM on the DCs shuts it out of NetUserGetInfo (SSPR_0029, AD-016 checks it)"), "\(adsync.message)")
        #expect(directory.tableRows.contains { $0.prefix(4) == ["ADSync 6329", "password set error (ADSync)", "1", "(with ethan@contoso.co.uk)"] })
    }

    @Test func onPremisesFailuresInTheAuditLogFailAndCloudOnlyAdminResetsWarn() async throws {
        let results = try await run(audit: ["broken-graph-page1.json", "broken-graph-page2.json"], only: Self.audit)
        let resets = try #require(results["MON-004"])
        #expect(resets.status == .fail)
        #expect(resets.findings.map(\.target).sorted() == ["ethan@contoso.co.uk", "fiona@contoso.com"])
        #expect(resets.message.hasPrefix("2 self-service attempts failed on the on-premises side"))
        #expect(resets.evidence["attempts"] == 5, "flow-progress entries are steps, not attempts")
        let adminAction = resets.findings.filter { $0.message.contains("OnPremisesAdminActionRequired") }
        #expect(!adminAction.isEmpty && adminAction.allSatisfy { $0.message.contains("AD-016 checks the DCs' RestrictRemoteSAM") }, "\(resets.findings)")
        #expect(resets.tableRows.contains(["Unlock user account (self-service)", "1", "0"]))
        let admin = try #require(results["MON-005"])
        #expect(admin.status == .warn)
        #expect(admin.findings.map(\.target) == ["ethan@contoso.co.uk"])
        #expect(admin.findings[0].message.contains("whether the user is synced was not checked"))
        #expect(admin.tableRows.contains(["None", "1", "0"]) && admin.tableRows.contains(["Microsoft Entra Connect", "1", "0"]))
    }

    @Test func aFailedAdminResetWithTheConnectAgentFails() async throws {
        let results = try await run(audit: ["struggle-portal.json"], only: Self.audit)
        let admin = try #require(results["MON-005"])
        #expect(admin.status == .fail)
        #expect(admin.findings.map(\.target) == ["mo@contoso.com"])
        #expect(admin.findings[0].message.contains("OnPremisesPolicyViolation"))
    }

    // MARK: Warn

    @Test func retriesAndPasswordPolicyRefusalsWarn() async throws {
        let results = try await run(events: ["warnings-eventviewer.csv"], only: Self.events)
        #expect(results["MON-001"]?.status == .pass, "\(results["MON-001"]?.message ?? "")")
        let service = try #require(results["MON-002"])
        #expect(service.status == .warn && service.findings.map(\.target) == ["PasswordResetService 32014"])
        let directory = try #require(results["MON-003"])
        #expect(directory.status == .warn, "\(directory.message)")
        #expect(Set(directory.findings.map(\.target)) == ["dana@contoso.com", "ADSync 6329"])
        #expect(directory.findings.allSatisfy { $0.status == .warn })
    }

    @Test func aHeartbeatNamingAnotherRelayThanTheConfiguredOneWarns() async throws {
        let results = try await run(events: ["healthy-winps51-unicode.csv"], namespace: "ssprdedicatedsbprodncu.servicebus.windows.net", only: ["MON-001"])
        let alive = try #require(results["MON-001"])
        #expect(alive.status == .warn)
        #expect(alive.message.contains("but network.serviceBusNamespace is 'ssprdedicatedsbprodncu'"))
        #expect(alive.remediation.contains("serviceBusNamespace: ssprdedicatedsbprodfra-1"))
        let same = try await run(events: ["healthy-winps51-unicode.csv"], namespace: "SSPRdedicatedSBprodFRA-1", only: ["MON-001"])
        #expect(same["MON-001"]?.status == .pass)
    }

    @Test func theRelayOfTheNewestHeartbeatIsNamedWhetherTheServiceAnswersOrNot() async throws {
        let alive = try #require(try await run(events: ["healthy-winps51-unicode.csv"], only: ["MON-001"])["MON-001"])
        #expect(alive.status == .pass)
        #expect(alive.message.contains("It uses the Service Bus relay 'ssprdedicatedsbprodfra-1'"), "\(alive.message)")

        // The CSV keeps the server's local time (UTC+1); wevtutil writes UTC.
        for (file, time) in [("broken-pwsh7-utf8.csv", "2026-11-26 06:09:03"), ("broken-wevtutil.xml", "2026-11-26 05:09:03")] {
            let silent = try #require(try await run(events: [file], only: ["MON-001"])["MON-001"])
            #expect(silent.status == .fail)
            #expect(
                silent.message.contains("The last heartbeat (\(time)) named the Service Bus relay 'ssprdedicatedsbprodfra-1': "
                    + "network.serviceBusNamespace: ssprdedicatedsbprodfra-1 lets the network checks probe"), "\(file): \(silent.message)")
            #expect(silent.evidence["serviceBusNamespace"] == "ssprdedicatedsbprodfra-1")
            #expect(silent.evidence["lastHeartbeat"] == .string(time))
        }

        // A configured namespace that differs is named too; the verdict stays a failure.
        let other = try #require(
            try await run(events: ["broken-pwsh7-utf8.csv"], namespace: "ssprdedicatedsbprodncu.servicebus.windows.net", only: ["MON-001"])["MON-001"])
        #expect(other.status == .fail)
        #expect(other.message.contains("named the Service Bus relay 'ssprdedicatedsbprodfra-1', but network.serviceBusNamespace is 'ssprdedicatedsbprodncu'"))
        #expect(other.evidence["configuredNamespace"] == "ssprdedicatedsbprodncu")
    }

    @Test func aSuccessRateBelowTheThresholdWarns() async throws {
        let struggle = try await run(audit: ["struggle-portal.json"], only: ["MON-004"])
        let resets = try #require(struggle["MON-004"])
        #expect(resets.status == .warn)
        #expect(resets.message.hasPrefix("The self-service success rate 50% is below monitoring.minSuccessRate (90%)"))
        #expect(resets.findings.count == 3 && resets.findings.allSatisfy { $0.status == .warn })
        // The same healthy log judged against a stricter threshold.
        let strict = try await run(audit: ["healthy-portal.csv"], minSuccessRate: 0.95, only: ["MON-004"])
        #expect(strict["MON-004"]?.status == .warn)
    }

    @Test func aWiderWindowReachesOlderEntries() async throws {
        // 30 h before the end there is an on-premises failure: outside the default 24 h, inside 48 h.
        let wide = try await run(audit: ["healthy-portal.csv"], windowHours: 48, only: ["MON-004"])
        #expect(wide["MON-004"]?.status == .fail)
        #expect(wide["MON-004"]?.findings.map(\.target) == ["old@contoso.com"])
    }

    // MARK: Error and skip: nothing to judge

    @Test func anEmptyExportIsAnErrorNotAPass() async throws {
        let results = try await run(events: ["empty-winps51.csv"], audit: ["empty-portal.csv"])
        for id in Self.all {
            #expect(results[id]?.status == .error, "\(id): \(results[id]?.message ?? "")")
            #expect(results[id]?.message.contains("holds no entries at all") == true || results[id]?.message.contains("holds no events at all") == true)
        }
    }

    @Test func anExportTooOldForTheWindowIsAnError() async throws {
        let results = try await run(events: ["stale-writeback-winps51.csv"], only: Self.events)
        #expect(results["MON-001"]?.status == .fail, "the log went on for 5 days without a heartbeat: \(results["MON-001"]?.message ?? "")")
        for id in ["MON-002", "MON-003"] {
            let result = try #require(results[id])
            #expect(result.status == .error, "\(id): \(result.message)")
            #expect(result.message.contains("No PasswordResetService events in the 24 h from 2026-11-25 09:14:03 to 2026-11-26 09:14:03"))
            #expect(result.message.contains("The newest PasswordResetService event is from 2026-11-21 09:14:03, 5.0 days before the export's end"))
        }
    }

    @Test func anExportThatEndsWithTheServicesOwnLastEventProvesNothingAndTheMarkerFixesThat() async throws {
        // Filtered to PasswordResetService and ADSync (both run in the ADSync service): a stopped service would look alive.
        let filtered = try await run(events: ["writeback-only-winps51.csv"], only: ["MON-001"])
        let alive = try #require(filtered["MON-001"])
        #expect(alive.status == .error, "\(alive.message)")
        #expect(alive.message.contains("so it ends with the writeback service's own last event"))
        #expect(alive.message.contains("append the export marker row"))
        // The same kind of export with the README's marker row: the service stopped 3 h before the export was made.
        let marked = try await run(events: ["stopped-marker-winps51.csv"], only: ["MON-001", "MON-002"])
        let stopped = try #require(marked["MON-001"])
        #expect(stopped.status == .fail, "\(stopped.message)")
        #expect(stopped.message.contains("3.0 h before the export's end"))
        #expect(stopped.message.contains("The export was made at 2026-11-26 09:14:03 (local server time, its marker row)"))
        #expect(stopped.evidence["exportedAt"] == "2026-11-26 09:14:03")
        #expect(marked["MON-002"]?.evidence["windowEnd"] == "2026-11-26 09:14:03", "the window ends at the marker")
    }

    @Test func aLogWithoutAnyWritebackEventCannotProveAnOutage() async throws {
        let folder = try TemporaryFolder("mon-other")
        let path = try folder.write(
            "other.csv",
            "\"TimeCreated\",\"Id\",\"ProviderName\",\"Message\"\r\n\"11/26/2026 9:14:03 AM\",\"1000\",\"Application Error\",\"x\"\r\n"
                + "\"11/26/2026 7:14:03 AM\",\"904\",\"ADSync\",\"y\"\r\n")
        let results = try await run(events: [path], only: ["MON-001"])
        #expect(results["MON-001"]?.status == .error)
        #expect(results["MON-001"]?.message.contains("holds no PasswordResetService event at all") == true)
    }

    @Test func windowsWithoutAttemptsOrAdminResetsSkipWithTheReason() async throws {
        let folder = try TemporaryFolder("mon-quiet")
        let json = """
            {"value": [{"activityDisplayName": "User registered for self-service password reset", "activityDateTime": "2026-11-26T08:00:00Z",
                        "loggedByService": "Self-service Password Management", "result": "success",
                        "targetResources": [{"type": "User", "userPrincipalName": "new@contoso.com"}], "additionalDetails": []}]}
            """
        let path = try folder.write("page.json", json)
        let results = try await run(audit: [path], only: Self.audit)
        for id in Self.audit {
            #expect(results[id]?.status == .skip && results[id]?.reason == .noInput, "\(id): \(results[id]?.message ?? "")")
        }
        #expect(results["MON-004"]?.message.contains("No self-service reset, change or unlock") == true)
    }

    @Test func unreadableRowsTurnANothingFoundPassIntoAnError() async throws {
        let results = try await run(events: ["malformed-winps51.csv"], audit: ["malformed-portal.csv"])
        let path = MonitoringFixture.events("malformed-winps51.csv")
        // A heartbeat was found: positive proof stands, the unreadable rows are still listed.
        #expect(results["MON-001"]?.status == .pass)
        #expect(results["MON-001"]?.findings.map(\.target) == ["\(path):6", "\(path):11"])
        for id in ["MON-002", "MON-003", "MON-005"] {
            let result = try #require(results[id])
            #expect(result.status == .error, "\(id): \(result.message)")
            #expect(result.message.contains(" could not be read (first: "))
            #expect(result.message.contains("is unproven"))
        }
        // A verdict that is not a pass keeps its status and lists the unreadable rows: 7 of 8 readable attempts succeeded.
        let audit = MonitoringFixture.audit("malformed-portal.csv")
        let resets = try #require(results["MON-004"])
        #expect(resets.status == .warn)
        #expect(resets.message.contains("Also, 2 rows could not be read (first: \(audit):3: "))
        #expect(resets.findings.map(\.target) == ["jon@contoso.com", "\(audit):3", "\(audit):4"])
    }

    @Test func aTruncatedFileIsAnErrorNamingFileAndLine() async throws {
        let results = try await run(events: ["truncated-pwsh7.csv"], audit: ["truncated-graph.json"])
        for id in Self.all {
            let result = try #require(results[id])
            #expect(result.status == .error)
            #expect(result.message.contains("truncated") || result.message.contains("not valid JSON at line"), "\(id): \(result.message)")
        }
    }
}
