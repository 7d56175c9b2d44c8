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

/// The readers on every export layout, byte for byte as Windows and the portal write them.
@Suite("Monitoring: reading event and audit exports")
struct MonitoringParsingTests {
    // MARK: CSV

    @Test func csvKeepsQuotedLineBreaksDoubledQuotesAndNulls() throws {
        let text = "\"Message\",\"Id\",\"Version\"\r\n\"line one\r\nline \"\"two\"\"\",\"33004\",\r\n\"\",\"1\",\"\"\r\n"
        let records = try CSVRecords.parse(text)
        #expect(records.count == 3)
        #expect(records[1].fields == ["line one\nline \"two\"", "33004", nil])
        #expect(records[1].line == 2)
        // The record after a two-line message starts on line 4; a quoted empty string is not null.
        #expect(records[2].line == 4)
        #expect(records[2].fields == ["", "1", ""])
    }

    @Test func csvReportsAnUnterminatedQuoteAtTheLineItOpened() {
        #expect(throws: CSVRecords.Malformed.self) { try CSVRecords.parse("\"a\",\"b\"\n\"open\nstill open\n") }
        do {
            _ = try CSVRecords.parse("\"a\"\n\"b\"\n\"open\nstill")
        } catch {
            #expect(error.line == 3)
        }
    }

    // MARK: Dates

    @Test func datesInTheCulturesWindowsWrites() throws {
        func read(_ values: [String]) throws -> (DateLayout, [String]) {
            let layout = try #require(WindowsDates.layout(for: values))
            let dates = try values.map { try #require(WindowsDates.pieces($0).flatMap { WindowsDates.date($0, order: layout.order) }) }
            return (layout, dates.map(MonitoringFormat.time))
        }
        let us = try read(["11/26/2026 9:14:03 PM", "11/26/2026 12:05:00 AM"])
        #expect(us.0.order == .monthFirst && us.1 == ["2026-11-26 21:14:03", "2026-11-26 00:05:00"])
        #expect(us.0.assumption == nil, "26 > 12 settles the order")
        let gb = try read(["26/11/2026 09:14:03"])
        #expect(gb.0.order == .dayFirst && gb.1 == ["2026-11-26 09:14:03"])
        let de = try read(["05.11.2026 09:14:03"])
        #expect(de.0.order == .dayFirst && de.1 == ["2026-11-05 09:14:03"], "dots are day first in every culture")
        let ja = try read(["2026/11/26 9:14:03"])
        #expect(ja.0.order == .yearFirst)
        let iso = try read(["2026-11-26T08:14:03.0000000Z", "2026-11-26T09:14:03+01:00"])
        #expect(iso.1 == ["2026-11-26 08:14:03", "2026-11-26 08:14:03"])
    }

    @Test func ambiguousSlashDatesAreDecidedByRowOrderOrStatedAsAssumed() throws {
        // Newest first, all days ≤ 12: day/month keeps 3 Nov > 2 Nov > 1 Nov sorted; month/day would not be.
        let rows = ["01/12/2026 10:00:00", "03/11/2026 10:00:00", "02/11/2026 10:00:00"]
        let decided = try #require(WindowsDates.layout(for: rows))
        #expect(decided.order == .dayFirst)
        #expect(decided.assumption?.contains("order of the rows") == true)
        let single = try #require(WindowsDates.layout(for: ["05/06/2026 10:00:00"]))
        #expect(single.order == .monthFirst)
        #expect(single.assumption?.contains("assumed") == true)
        #expect(WindowsDates.layout(for: ["13/13/2026 10:00:00"]) == nil)
        #expect(WindowsDates.pieces("yesterday morning") == nil)
    }

    // MARK: Event exports

    @Test func windowsPowerShell51ExportCsvInUTF16WithTypeLine() async throws {
        let log = try await MonitoringFixture.readEvents(["healthy-winps51-unicode.csv"])
        let file = try #require(log.files.first)
        #expect(file.layout == "Get-WinEvent | Export-Csv")
        #expect(file.encoding == "UTF-16LE with BOM")
        #expect(file.dateLayout == "M/d/yyyy h:mm:ss tt (month first)")
        #expect(file.clock.hasPrefix("local time"))
        #expect(file.events == 110)
        #expect(log.otherEvents == 1, "the Application Error event is counted, not kept")
        #expect(log.events.count == 109)
        #expect(log.newest.map(MonitoringFormat.time) == "2026-11-26 09:14:03")
        let heartbeat = try #require(log.events.first)
        #expect(heartbeat.id == 31019 && heartbeat.provider == "PasswordResetService" && heartbeat.level == "Information")
        #expect(heartbeat.line == 3, "line 1 is #TYPE, line 2 the header")
        #expect(EventCatalog.namespace(in: heartbeat.message) == "ssprdedicatedsbprodfra-1")
        #expect(log.malformed.isEmpty)
    }

    @Test func powerShell7ExportCsvInUTF8WithMultiLineMessages() async throws {
        let log = try await MonitoringFixture.readEvents(["broken-pwsh7-utf8.csv"])
        let file = try #require(log.files.first)
        #expect(file.encoding == "UTF-8 (no BOM) or ASCII")
        #expect(file.dateLayout == "d/M/yyyy HH:mm:ss (day first)")
        let permission = try #require(log.events.first { $0.id == 33004 })
        #expect(permission.message.contains("UserPrincipalName: ethan@contoso.co.uk"))
        #expect(permission.message.contains("\n   at AADPasswordReset.SynchronizationEngineManagedHandle.ThrowSyncEngineError(Int32 hr)"))
        #expect(EventCatalog.user(in: permission.message) == "ethan@contoso.co.uk")
        #expect(MonitoringFormat.time(permission.time) == "2026-11-26 03:44:06")
        let adsync = try #require(log.events.first { $0.provider == "ADSync" })
        #expect(adsync.id == 6329 && adsync.level == "Error")
    }

    @Test func eventViewerCsvWithItsUnnamedDescriptionField() async throws {
        let log = try await MonitoringFixture.readEvents(["warnings-eventviewer.csv"])
        let file = try #require(log.files.first)
        #expect(file.layout == "Event Viewer CSV")
        #expect(file.encoding == "UTF-8 with BOM")
        #expect(file.dateLayout == "d.M.yyyy HH:mm:ss (day first)")
        let policy = try #require(log.events.first { $0.id == 33008 })
        #expect(policy.message.hasPrefix("TrackingId: ") && policy.message.contains("UserPrincipalName: dana@contoso.com"))
        #expect(policy.level == "Error")
    }

    @Test func wevtutilXmlWithoutAndWithARootElement() async throws {
        let noRoot = try await MonitoringFixture.readEvents(["broken-wevtutil.xml"])
        #expect(noRoot.files.first?.layout == "wevtutil XML")
        #expect(noRoot.files.first?.encoding == "UTF-16LE with BOM")
        #expect(noRoot.files.first?.clock == "UTC")
        let csv = try await MonitoringFixture.readEvents(["broken-pwsh7-utf8.csv"])
        // The same events: the XML's UTC times are the CSV's local times minus the server's one hour.
        #expect(noRoot.events.count == csv.events.count)
        let xml33004 = try #require(noRoot.events.first { $0.id == 33004 })
        let csv33004 = try #require(csv.events.first { $0.id == 33004 })
        #expect(csv33004.time.timeIntervalSince(xml33004.time) == 3600)
        #expect(xml33004.message == csv33004.message, "line breaks and the stack trace survive XML")
        #expect(xml33004.level == "Error")
        let rooted = try await MonitoringFixture.readEvents(["healthy-wevtutil-root.xml"])
        #expect(rooted.events.count == 109 && rooted.otherEvents == 1)
        #expect(rooted.files.first?.encoding == "UTF-8 (no BOM) or ASCII")
    }

    @Test func malformedRowsAreReportedWithFileAndLine() async throws {
        let log = try await MonitoringFixture.readEvents(["malformed-winps51.csv"])
        let path = MonitoringFixture.events("malformed-winps51.csv")
        #expect(log.malformed.map(\.location) == ["\(path):6", "\(path):11"])
        #expect(log.malformed[0].problem.contains("'yesterday morning'"))
        #expect(log.malformed[1].problem.contains("'31O19' is not a number"))
        #expect(log.events.count == 107)
    }

    @Test func aTruncatedExportNamesFileAndLine() async throws {
        let error = try #require(await MonitoringFixture.readError(events: ["truncated-pwsh7.csv"]))
        let path = MonitoringFixture.events("truncated-pwsh7.csv")
        #expect(error.description.hasPrefix("\(path):"))
        #expect(error.description.contains("never closes, so the file is truncated"))
        #expect(error.description.contains("Export the log again"))
    }

    @Test func brokenXmlNamesLineAndColumn() async throws {
        let folder = try TemporaryFolder("mon-xml")
        let text = "<Event xmlns='http://schemas.microsoft.com/win/2004/08/events/event'><System><EventID>31019</EventID></System></Event>\r\n<Event><System><EventID>1</System></Event>\r\n"
        let path = try folder.write("bad.xml", text)
        let error = try #require(await MonitoringFixture.readError(events: [path]))
        #expect(error.description.hasPrefix("\(path):2:"), "\(error.description)")
        #expect(error.description.contains("not well-formed XML"))
    }

    @Test func anUnknownCsvHeaderIsRejectedWithTheLayoutsItAccepts() async throws {
        let folder = try TemporaryFolder("mon-header")
        let path = try folder.write("other.csv", "Ebene,Datum und Uhrzeit,Quelle,Ereignis-ID,Aufgabenkategorie\r\nInformationen,26.11.2026 09:14:03,ADSync,904,Keine,\"x\"\r\n")
        let error = try #require(await MonitoringFixture.readError(events: [path]))
        #expect(error.description.hasPrefix("\(path):1:"))
        #expect(error.description.contains("TimeCreated, Id, ProviderName, Message"))
        #expect(error.description.contains("localised Event Viewer headers are not supported"))
    }

    @Test func theExportMarkerRowGivesTheExportTimeAndIsNoEvent() async throws {
        let log = try await MonitoringFixture.readEvents(["stopped-marker-winps51.csv"])
        #expect(log.exportedAt.map(MonitoringFormat.time) == "2026-11-26 09:14:03")
        #expect(log.newest.map(MonitoringFormat.time) == "2026-11-26 06:14:03")
        #expect(log.end == log.exportedAt)
        #expect(!log.events.contains { $0.provider == "preflight-export" } && log.otherEvents == 0)
        #expect(log.files.first?.events == log.events.count)
    }

    @Test func anEmptyExportIsReadAsNoEvents() async throws {
        let log = try await MonitoringFixture.readEvents(["empty-winps51.csv"])
        #expect(log.events.isEmpty && log.newest == nil && log.files.first?.events == 0)
    }

    @Test func trackingIdsAndUsersInMessages() {
        #expect(EventCatalog.trackingID("TrackingId: 7344DA2C-6d1c-4b8e, Reason: x") == "7344da2c-6d1c-4b8e")
        #expect(EventCatalog.user(in: "TrackingId: 1, PasswordResetRequestStart, Details: carol@corp.example.test") == "carol@corp.example.test")
        #expect(EventCatalog.user(in: "TrackingId: 1, Reason: x, Details: Microsoft.CredentialManagement.Foo: y") == nil)
        #expect(EventCatalog.namespace(in: "listener sb://SSPRdedicatedSBprodNCU.servicebus.windows.net/x") == "ssprdedicatedsbprodncu")
        #expect(EventCatalog.namespace(in: "relay ssprdedicatedsbprodscu-2 up") == "ssprdedicatedsbprodscu-2")
        #expect(EventCatalog.namespace(in: "no relay named") == nil)
    }

    // MARK: Audit exports

    @Test func portalCsvWithItsAdditionalDetailColumns() async throws {
        let audit = try await MonitoringFixture.readAudit(["healthy-portal.csv"])
        #expect(audit.files.first?.layout == "Entra admin center CSV" && audit.files.first?.encoding == "UTF-8 with BOM")
        #expect(audit.entries.count == 13)
        let admin = try #require(audit.entries.first { $0.activity == "Reset password (by admin)" })
        #expect(admin.detail("OnPremisesAgent") == "Microsoft Entra Connect")
        #expect(admin.actorUPN == "helpdesk@contoso.com" && admin.targetUPN == "lee@contoso.com")
        #expect(admin.service == "Self-service Password Management" && admin.result == "success")
        #expect(MonitoringFormat.time(admin.time) == "2026-11-26 08:58:41")
        #expect(admin.line == 2)
    }

    @Test func graphPagesAcrossTwoFiles() async throws {
        let audit = try await MonitoringFixture.readAudit(["broken-graph-page1.json", "broken-graph-page2.json"])
        #expect(audit.files.map(\.layout) == ["Graph directoryAudits JSON", "Graph directoryAudits JSON"])
        #expect(audit.files.map(\.entries) == [5, 3])
        let failure = try #require(audit.entries.first { $0.resultReason == "OnPremisesAdminActionRequired" })
        #expect(failure.targetUPN == "ethan@contoso.co.uk" && failure.result == "failure")
        // Each entry keeps the line its object starts on.
        let first = try #require(audit.entries.first { $0.file.hasSuffix("page1.json") && $0.line == 4 })
        #expect(first.activity == "Reset password (self-service)")
    }

    @Test func theSameEntriesGivenTwiceCountOnce() async throws {
        // Page 1 given twice: 8 entries, not 13.
        let audit = try await MonitoringFixture.readAudit(["broken-graph-page1.json", "broken-graph-page2.json", "broken-graph-page1.json"])
        #expect(audit.entries.count == 8 && audit.duplicates == 5)
    }

    @Test func portalJsonArrayAndPowerShellPascalCase() async throws {
        let audit = try await MonitoringFixture.readAudit(["struggle-portal.json"])
        #expect(audit.files.first?.layout == "JSON array of audit entries")
        #expect(audit.entries.count == 7)
        // Get-MgAuditLogDirectoryAudit | ConvertTo-Json in Windows PowerShell: PascalCase keys, /Date(ms)/ times.
        let folder = try TemporaryFolder("mon-pascal")
        let json = """
            [{"ActivityDisplayName": "Reset password (by admin)", "ActivityDateTime": "/Date(1795683521000)/", "Result": "success",
              "LoggedByService": "Self-service Password Management", "ResultReason": "",
              "TargetResources": [{"Type": "User", "UserPrincipalName": "kim@contoso.com"}],
              "AdditionalDetails": [{"Key": "OnPremisesAgent", "Value": "None"}]}]
            """
        let path = try folder.write("pascal.json", json)
        let pascal = try await runBlocking { try AuditLogReader.read([path]) }
        let entry = try #require(pascal.entries.first)
        #expect(entry.targetUPN == "kim@contoso.com" && entry.detail("OnPremisesAgent") == "None")
        #expect(entry.time == Date(timeIntervalSince1970: 1_795_683_521))
    }

    @Test func malformedAuditRowsAndTruncatedJson() async throws {
        let audit = try await MonitoringFixture.readAudit(["malformed-portal.csv"])
        let path = MonitoringFixture.audit("malformed-portal.csv")
        #expect(audit.malformed.map(\.location) == ["\(path):3", "\(path):4"])
        #expect(audit.malformed[0].problem.contains("fields where the header has 86"))
        #expect(audit.malformed[1].problem.contains("'26.13.2026 25:00' is not a date"))
        let error = try #require(await MonitoringFixture.readError(audit: ["truncated-graph.json"]))
        #expect(error.description.hasPrefix(MonitoringFixture.audit("truncated-graph.json") + ":"))
        #expect(error.description.contains("is not valid JSON at line"))
    }

    @Test func anUnknownAuditHeaderIsRejected() async throws {
        let folder = try TemporaryFolder("mon-audit-header")
        let path = try folder.write("audit.csv", "\"Datum (UTC)\",\"Dienst\",\"Aktivität\"\r\n\"2026-11-26T08:00:00Z\",\"x\",\"y\"\r\n")
        let error = try #require(await MonitoringFixture.readError(audit: [path]))
        #expect(error.description.hasPrefix("\(path):1:"))
        #expect(error.description.contains("Date (UTC), Service, Activity, Result"))
    }
}
