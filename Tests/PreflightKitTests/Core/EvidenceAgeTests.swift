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

/// Issue #13, part 8: every file input is dated in the evidence, an old one makes a passing check warn, and inputs
/// that contradict each other become notes. The clock is fixed here; EvidenceAgeCLITests runs the same through the binary.
@Suite("Evidence: dated inputs, the age rule and inputs that disagree")
struct EvidenceAgeTests {
    let folder = try! TemporaryFolder("evidence")
    static let now = ExportDate.parse("2026-12-07T12:00:00Z")!
    static let day: TimeInterval = 86_400
    static let export = "/srv/exports/ConnectExport"
    static let check = CheckDefinition(id: "CON-001", title: "t", description: "d", area: "connect", kind: ConnectProbe.self, judgement: .export, severity: .high,
        typedParams: .export)

    func exportInput(_ date: Date?, says: [String: String] = [:]) -> EvidenceInput {
        EvidenceInput(
            key: "connect.export", file: Self.export, date: date, dateSource: .export, dateField: "export-date in GlobalSettings/MV.xml",
            says: says)
    }

    func apply(_ evaluation: Evaluation, _ inputs: [EvidenceInput], max: Int = 30) -> Evaluation {
        EvidenceAge.apply(inputs, to: evaluation, maxAgeDays: max, now: Self.now)
    }

    static let old = ExportDate.parse("2016-05-03 14:28:09.784")!
    static let stale =
        "the Entra Connect export (/srv/exports/ConnectExport; date: export-date in GlobalSettings/MV.xml) is from 2016-05-03, "
        + "3,869 days old; the limit is 30 days (maxEvidenceAgeDays)."

    // MARK: Dating

    @Test func timestampsAreReadTheWayExportsWriteThem() throws {
        #expect(ExportDate.parse("2016-05-03 14:28:09.784") == Date(timeIntervalSince1970: 1_462_285_689.784))
        #expect(ExportDate.parse("2025-03-04T10:15:00Z") == Date(timeIntervalSince1970: 1_741_083_300))
        // Graph and the portal write seven fractional digits; a second more or less ages nothing.
        let graph = try #require(ExportDate.parse("2026-11-26T08:58:41.0966118Z"))
        #expect(abs(graph.timeIntervalSince1970 - 1_795_683_521.096) < 0.01)
        #expect(ExportDate.parse("2025-03-04T11:15:00+01:00") == Date(timeIntervalSince1970: 1_741_083_300))
        #expect(ExportDate.parse("2016-05-03") == Date(timeIntervalSince1970: 1_462_233_600))
        #expect(ExportDate.parse("last Tuesday") == nil)
        #expect(RFC3339.string(Self.old) == "2016-05-03T14:28:09Z")
    }

    @Test func theConnectExportIsDatedByItsExportDateAndSaysItsTenantAndWritebackState() async throws {
        var settings = Configuration.ConnectSettings()
        settings.export = ConnectFixture.real
        let facts = try await runBlocking { [settings] in try ConnectExportReader.read(settings) }
        var configuration = Configuration()
        configuration.connect = settings
        let context = EvaluationContext(configuration: configuration, check: Self.check, now: Self.now)
        let inputs = ConnectProbe.inputs(.export(facts), params: .export, context: context)
        #expect(inputs.count == 1)
        let input = try #require(inputs.first)
        #expect(input.key == "connect.export" && input.file == ConnectFixture.real)
        #expect(input.date == Self.old && input.dateSource == .export && input.dateField == "export-date in GlobalSettings/MV.xml")
        #expect(input.says == ["tenant": "contoso.onmicrosoft.com", "server": "CONTOSO-SYNC01"])
        #expect(input.ageDays(at: Self.now) == 3_869)
        // CON-002 says the state it decided on: the export's own (disabled in the sample)…
        let writeback = ConnectProbe.inputs(.export(facts), params: .writeback, context: context)
        #expect(writeback.map(\.says) == [["tenant": "contoso.onmicrosoft.com", "server": "CONTOSO-SYNC01", "passwordWriteback": "disabled"]])

        // …or the cmdlet output's, which wins over the export and is dated by its modification time.
        let reset = try PowerShellText.write(folder, "pwreset.txt", "\r\nEnabled\r\n-------\r\n   True\r\n\r\n\r\n", utf16: true)
        let modified = Self.now.addingTimeInterval(-3 * Self.day)
        try FileManager.default.setAttributes([.modificationDate: modified], ofItemAtPath: reset)
        settings.passwordResetConfig = reset
        let live = try await runBlocking { [settings] in try ConnectExportReader.read(settings) }
        let both = ConnectProbe.inputs(.export(live), params: .writeback, context: context)
        #expect(both.map(\.key) == ["connect.export", "connect.passwordResetConfig"])
        #expect(both[0].says == ["tenant": "contoso.onmicrosoft.com", "server": "CONTOSO-SYNC01"])
        #expect(both[1].says == ["passwordWriteback": "enabled"])
        #expect(both[1].dateSource == .modified && both[1].date == modified && both[1].dateField == "the file's modification time")
        #expect(both[1].ageDays(at: Self.now) == 3)
    }

    @Test func aSettingsFileIsDatedByTimeCreatedElseByItsModificationTime() async throws {
        let dated = try folder.write("dated/Applied-SynchronizationPolicy.json", appliedPolicyJSON(created: "2025-03-04T10:15:00Z"))
        let undated = try folder.write(
            "undated/Applied-SynchronizationPolicy.json",
            appliedPolicyJSON().replacingOccurrences(of: "\"timeCreated\": \"2025-03-04T10:15:00Z\",", with: ""))
        let modified = Self.now.addingTimeInterval(-40 * Self.day)
        try FileManager.default.setAttributes([.modificationDate: modified], ofItemAtPath: undated)
        for (path, date, source, field) in [
            (dated, ExportDate.parse("2025-03-04T10:15:00Z"), EvidenceInput.DateSource.export, "policyMetadata.timeCreated"),
            (undated, modified, .modified, "the file's modification time"),
        ] {
            var configuration = Configuration()
            configuration.connect.export = path
            let settings = configuration.connect
            let facts = try await runBlocking { try ConnectExportReader.read(settings) }
            let context = EvaluationContext(configuration: configuration, check: Self.check, now: Self.now)
            let input = try #require(ConnectProbe.inputs(.export(facts), params: .export, context: context).first)
            #expect(input.date == date && input.dateSource == source && input.dateField == field, "\(path)")
        }
    }

    @Test func csvExportsAreDatedByTheirModificationTimeAndTheLicensingTableIsNot() throws {
        var configuration = Configuration()
        for key in ["users", "licenses", "subscribedSkus", "registration", "scopeGroup", "skuCatalog"] {
            try folder.write("inventory/\(key).csv", "x\r\n")
        }
        configuration.inventory.users = folder.url("inventory/users.csv")
        configuration.inventory.licenses = folder.url("inventory/licenses.csv")
        configuration.inventory.subscribedSkus = folder.url("inventory/subscribedSkus.csv")
        configuration.inventory.skuCatalog = folder.url("inventory/skuCatalog.csv")
        let modified = Self.now.addingTimeInterval(-45 * Self.day)
        try FileManager.default.setAttributes([.modificationDate: modified], ofItemAtPath: folder.url("inventory/users.csv"))
        let context = EvaluationContext(configuration: configuration, check: Self.check, now: Self.now)
        let exports = InventoryProbe.inputs(InventoryFacts(), params: .init(judgement: .exports), context: context)
        #expect(exports.map(\.key) == ["inventory.users"])
        #expect(exports[0].date == modified && exports[0].dateSource == .modified && exports[0].ageDays(at: Self.now) == 45)
        let capacity = InventoryProbe.inputs(InventoryFacts(), params: .init(judgement: .capacity), context: context)
        #expect(capacity.map(\.key) == ["inventory.users", "inventory.licenses", "inventory.subscribedSkus"])
    }

    @Test func eventLogsAreDatedByTheirMarkerOrNewestEventAndAuditLogsByTheirNewestEntry() async throws {
        let marker = try await MonitoringFixture.readEvents(["stopped-marker-winps51.csv"])
        let markerInput = try #require(MonitoringShared.inputs(marker).first)
        #expect(markerInput.key == "monitoring.events" && markerInput.dateSource == .export)
        #expect(markerInput.date == ExportDate.parse("2026-11-26T09:14:03Z"))
        #expect(markerInput.dateField == "its export marker row (preflight-export, local server time)")
        // The marker row names no computer; every event does (Get-WinEvent's MachineName).
        #expect(markerInput.says["server"] == "CONTOSO-SYNC01.contoso.com")

        let xml = try await MonitoringFixture.readEvents(["healthy-wevtutil-root.xml"])
        let xmlInput = try #require(MonitoringShared.inputs(xml).first)
        #expect(xmlInput.date == ExportDate.parse("2026-11-26T08:14:03Z") && xmlInput.dateField == "its newest event (UTC)")
        #expect(xmlInput.says == ["serviceBusNamespace": "ssprdedicatedsbprodfra-1", "server": "CONTOSO-SYNC01.contoso.com"])
        // Event Viewer's CSV names no computer.
        let viewer = try await MonitoringFixture.readEvents(["warnings-eventviewer.csv"])
        #expect(MonitoringShared.inputs(viewer).first?.says["server"] == nil)

        let audit = try await MonitoringFixture.readAudit(["healthy-portal.csv"])
        let auditInput = try #require(MonitoringShared.inputs(audit).first)
        #expect(auditInput.key == "monitoring.audit" && auditInput.dateField == "its newest entry (UTC)")
        #expect(abs((auditInput.date?.timeIntervalSince1970 ?? 0) - 1_795_683_521.096) < 0.01)
        #expect(
            auditInput.says["writebackSeen"]
                == "'Reset password (by admin)' of lee@contoso.com at 2026-11-26 08:58:41 UTC succeeded with OnPremisesAgent "
                + "'Microsoft Entra Connect' (healthy-portal.csv:2)")
        // Graph pages, one input each. ethan's newer admin reset went to the cloud only (OnPremisesAgent None) and says
        // nothing about writeback; kim's, written back, does. The second page has no admin reset.
        let graph = MonitoringShared.inputs(try await MonitoringFixture.readAudit(["broken-graph-page1.json", "broken-graph-page2.json"]))
        #expect(graph.count == 2)
        #expect(graph.first?.says["writebackSeen"]?.hasPrefix("'Reset password (by admin)' of kim@contoso.com at 2026-11-26 04:58:41 UTC") == true)
        #expect(graph.last?.says["writebackSeen"] == nil)
    }

    // MARK: The age rule

    @Test func aPassOnAnOldInputWarnsNamesTheInputAndItsAgeAndSaysWhatToDo() throws {
        let result = apply(Evaluation(status: .pass, message: "Read the export."), [exportInput(Self.old)])
        #expect(result.status == .warn)
        #expect(
            result.message
                == "T" + Self.stale.dropFirst() + " Export the configuration again on the Connect server (Get-ADSyncServerConfiguration "
                + "-Path <folder>) and name the new folder in 'connect.export'. On that evidence: Read the export.")
        let finding = try #require(result.findings.first)
        #expect(result.findings.count == 1 && finding.status == .warn && finding.target == Self.export)
        #expect(finding.message == "T" + Self.stale.dropFirst())
        #expect(finding.details?["ageDays"] == 3_869 && finding.details?["maxEvidenceAgeDays"] == 30)
        #expect(result.generatedRemediation?.contains("Get-ADSyncServerConfiguration -Path <folder>") == true)
        #expect(result.evidence["maxEvidenceAgeDays"] == 30)
        let stamped = try #require(result.evidence["inputFiles"]?.arrayValue?.first)
        #expect(
            stamped
                == [
                    "key": "connect.export", "file": .string(Self.export), "date": "2016-05-03T14:28:09Z", "dateSource": "export",
                    "dateField": "export-date in GlobalSettings/MV.xml", "ageDays": 3_869,
                ])
    }

    @Test func theLimitCountsWholeDaysAndAFutureOrUnknownDateIsNotStale() {
        let edge = apply(Evaluation(status: .pass, message: "ok"), [exportInput(Self.now.addingTimeInterval(-30.9 * Self.day))])
        #expect(edge.status == .pass && edge.message == "ok" && edge.findings.isEmpty)
        #expect(edge.evidence["inputFiles"]?.arrayValue?.first?["ageDays"] == 30 && edge.evidence["maxEvidenceAgeDays"] == nil)
        let over = apply(Evaluation(status: .pass, message: "ok"), [exportInput(Self.now.addingTimeInterval(-31 * Self.day))])
        #expect(over.status == .warn && over.message.contains("31 days old; the limit is 30 days (maxEvidenceAgeDays)."))
        let future = apply(Evaluation(status: .pass, message: "ok"), [exportInput(Self.now.addingTimeInterval(2 * Self.day))])
        #expect(future.status == .pass && future.evidence["inputFiles"]?.arrayValue?.first?["ageDays"] == -2)
        let unknown = apply(Evaluation(status: .pass, message: "ok"), [exportInput(nil)])
        #expect(unknown.status == .pass && unknown.evidence["inputFiles"]?.arrayValue?.first?["date"] == .null)
        let generous = apply(Evaluation(status: .pass, message: "ok"), [exportInput(Self.old)], max: 10_000)
        #expect(generous.status == .pass && generous.message == "ok")
        // A check without file inputs (a live probe) is left exactly as it was.
        let live = Evaluation(status: .pass, message: "ok", evidence: ["x": 1])
        #expect(apply(live, []) == live)
    }

    @Test func failuresAndErrorsKeepTheirStatusAndNoteTheAgeWarningsAddIt() throws {
        let failing = Evaluation(
            status: .fail, message: "Writeback is disabled.", findings: [Finding(status: .fail, target: "aad", message: "off")])
        let failed = apply(failing, [exportInput(Self.old)])
        #expect(failed.status == .fail && failed.findings == failing.findings)
        #expect(failed.message.hasPrefix("Writeback is disabled. Note: " + Self.stale + " Export the configuration again"))
        let errored = apply(.error("Unknown state."), [exportInput(Self.old)])
        #expect(errored.status == .error && errored.message.hasPrefix("Unknown state. Note: " + Self.stale))
        let warning = apply(Evaluation(status: .warn, message: "One forest has no partition."), [exportInput(Self.old)])
        #expect(warning.status == .warn && warning.message.hasPrefix("One forest has no partition. Also, " + Self.stale))
        #expect(warning.findings.map(\.target) == [Self.export])
        let skipped = apply(.skip(.noInput, "Not recorded."), [exportInput(Self.old)])
        #expect(skipped.status == .skip && skipped.message == "Not recorded." && skipped.findings.isEmpty)
        #expect(skipped.evidence["inputFiles"]?.arrayValue?.count == 1)
    }

    @Test func everyStaleInputIsNamedAndEachFixIsGivenOnce() {
        let events = EvidenceInput(
            key: "monitoring.events", file: "/x/a.csv", date: Self.now.addingTimeInterval(-50 * Self.day), dateSource: .export,
            dateField: "its newest event (local server time)")
        let more = EvidenceInput(
            key: "monitoring.events", file: "/x/b.csv", date: Self.now.addingTimeInterval(-60 * Self.day), dateSource: .export,
            dateField: "its newest event (local server time)")
        let result = apply(Evaluation(status: .pass, message: "alive"), [events, more])
        #expect(
            result.message.hasPrefix(
                "The Application-log export (/x/a.csv; date: its newest event (local server time)) is from 2026-10-18, 50 days old; "
                    + "the Application-log export (/x/b.csv; date: its newest event (local server time)) is from 2026-10-08, 60 days old; "
                    + "the limit is 30 days (maxEvidenceAgeDays). Export the Connect server's Application log again"))
        #expect(result.message.components(separatedBy: "Export the Connect server's Application log again").count == 2)
        #expect(result.findings.map(\.target) == ["/x/a.csv", "/x/b.csv"])
    }

    // MARK: Configuration

    @Test func maxEvidenceAgeDaysDefaultsTo30AndIsValidatedWithItsLocation() throws {
        #expect(Configuration().maxEvidenceAgeDays == 30)
        let good = try Configuration.load(from: folder.write("good.yml", "maxEvidenceAgeDays: 10000\n"))
        #expect(good.maxEvidenceAgeDays == 10_000 && good.redactedJSON["maxEvidenceAgeDays"] == 10_000)
        for (yaml, expected) in [
            ("phase: health\nmaxEvidenceAgeDays: 0\n", ":2:21: error: 'maxEvidenceAgeDays' is '0', but it must be a whole number of days from 1 to 36500."),
            ("maxEvidenceAgeDays: thirty\n", ":1:21: error: 'maxEvidenceAgeDays' must be a whole number, but it is 'thirty'."),
            ("maxEvidenceAgeDays: 7.5\n", ":1:21: error: 'maxEvidenceAgeDays' must be a whole number, but it is '7.5'."),
            ("maxEvidenceAgeDay: 7\n", ":1:1: error: Unknown key 'maxEvidenceAgeDay'. Did you mean 'maxEvidenceAgeDays'?"),
        ] {
            let file = try folder.write("bad.yml", yaml)
            let found = diagnostics(file)
            #expect(found.contains { $0.hasPrefix(file + expected) }, "\(found)")
        }
    }

    /// The configuration's diagnostics, or a line saying it was accepted.
    func diagnostics(_ file: String) -> [String] {
        do {
            _ = try Configuration.load(from: file)
            return ["accepted"]
        } catch {
            guard case .invalidConfiguration(let diagnostics) = error else { return ["\(error)"] }
            return diagnostics.map(\.description)
        }
    }

    // MARK: Inputs that disagree

    func result(_ id: String, inputs: [EvidenceInput]) -> CheckResult {
        CheckResult(
            id: id, title: id, area: "connect", probe: "p", severity: .high, status: .pass, reason: nil, message: "", durationMs: 0,
            tags: [], findings: [], evidence: ["inputFiles": .array(inputs.map { $0.json(now: Self.now) })], remediation: "", references: [])
    }

    func configuration(tenant: String?, namespace: String? = nil) -> Configuration {
        var configuration = Configuration()
        configuration.file = "/srv/preflight.yml"
        configuration.cover.tenant = tenant
        configuration.network.serviceBusNamespace = namespace
        return configuration
    }

    @Test func anExportOfAnotherTenantIsANoteNamingBothInputsAndValues() {
        let checks = ["CON-001", "CON-004"].map { result($0, inputs: [exportInput(Self.old, says: ["tenant": "fabrikam.onmicrosoft.com"])]) }
        let notes = InputAgreement.notes(checks, configuration: configuration(tenant: "contoso.onmicrosoft.com"))
        #expect(
            notes == [
                "Inputs disagree: the Entra Connect export (/srv/exports/ConnectExport, from 2016-05-03) names the tenant "
                    + "'fabrikam.onmicrosoft.com', but the configuration (/srv/preflight.yml, report.tenant) says 'contoso.onmicrosoft.com'. "
                    + "Check that the export comes from this customer's Connect server, and correct report.tenant or the input."
            ])
        // Only an initial domain can be compared for certain; case does not matter.
        #expect(InputAgreement.notes(checks, configuration: configuration(tenant: "Fabrikam Ltd")).isEmpty)
        #expect(InputAgreement.notes(checks, configuration: configuration(tenant: "fabrikam.com")).isEmpty)
        #expect(InputAgreement.notes(checks, configuration: configuration(tenant: "Fabrikam.OnMicrosoft.com")).isEmpty)
        #expect(InputAgreement.notes(checks, configuration: configuration(tenant: nil)).isEmpty)
    }

    @Test func writebackDisabledWhileTheAuditLogShowsAResetWrittenBackIsANote() {
        let audit = EvidenceInput(
            key: "monitoring.audit", file: "/srv/audit.csv", date: ExportDate.parse("2026-11-26T09:02:12Z"), dateSource: .export,
            dateField: "its newest entry (UTC)", says: ["writebackSeen": "'Reset password (by admin)' of bob@corp.example.test …"])
        let disabled = result("CON-002", inputs: [exportInput(Self.old, says: ["passwordWriteback": "disabled"])])
        let notes = InputAgreement.notes([disabled, result("MON-004", inputs: [audit]), result("MON-005", inputs: [audit])], configuration: configuration(tenant: nil))
        #expect(notes.count == 1)
        #expect(
            notes.first?.hasPrefix(
                "Inputs disagree: the Entra Connect export (/srv/exports/ConnectExport, from 2016-05-03) says password writeback is "
                    + "disabled, but the Entra audit-log download (/srv/audit.csv, from 2026-11-26) shows a reset written back on-premises: "
                    + "'Reset password (by admin)' of bob@corp.example.test …. One of them is not current") == true, "\(notes)")
        let enabled = result("CON-002", inputs: [exportInput(Self.old, says: ["passwordWriteback": "enabled"])])
        #expect(InputAgreement.notes([enabled, result("MON-005", inputs: [audit])], configuration: configuration(tenant: nil)).isEmpty)
    }

    @Test func aHeartbeatNamingAnotherRelayThanTheConfigurationIsANote() {
        let events = EvidenceInput(
            key: "monitoring.events", file: "/srv/app.csv", date: nil, dateSource: .modified, dateField: "the file's modification time",
            says: ["serviceBusNamespace": "ssprdedicatedsbprodfra-1"])
        let checks = [result("MON-001", inputs: [events])]
        #expect(InputAgreement.notes(checks, configuration: configuration(tenant: nil, namespace: "ssprdedicatedsbprodweu")).count == 1)
        #expect(InputAgreement.notes(checks, configuration: configuration(tenant: nil, namespace: "SSPRdedicatedsbprodfra-1.servicebus.windows.net")).isEmpty)
        #expect(InputAgreement.notes(checks, configuration: configuration(tenant: nil)).isEmpty)
    }

    @Test func anEventLogFromAnotherServerThanTheExportIsANote() {
        let export = exportInput(Self.old, says: ["server": "CONTOSO-SYNC01"])
        func log(_ machine: String) -> EvidenceInput {
            EvidenceInput(
                key: "monitoring.events", file: "/srv/app.csv", date: ExportDate.parse("2026-11-26T10:05:53Z"), dateSource: .export,
                dateField: "its newest event (local server time)", says: ["server": machine])
        }
        let notes = InputAgreement.notes(
            [result("CON-001", inputs: [export]), result("MON-001", inputs: [log("CONTOSO-SYNC02.contoso.com")])], configuration: configuration(tenant: nil))
        #expect(
            notes == [
                "Inputs disagree: the Entra Connect export (/srv/exports/ConnectExport, from 2016-05-03) was taken on the server "
                    + "'CONTOSO-SYNC01', but the events of the Application-log export (/srv/app.csv, from 2026-11-26) were logged on "
                    + "'CONTOSO-SYNC02.contoso.com'. Both must come from the active Connect server (a staging server's log says nothing "
                    + "about writeback): check where each was exported, and export the other again on the active server."
            ])
        // The short name and the FQDN of one server agree, whatever their case.
        #expect(
            InputAgreement.notes(
                [result("CON-001", inputs: [export]), result("MON-001", inputs: [log("contoso-sync01.contoso.com")])],
                configuration: configuration(tenant: nil)
            ).isEmpty)
    }

    @Test func theVerdictLineCountsTheDisagreements() {
        let run = Report.RunInfo(
            id: "r", startedAt: "2026-12-07T12:00:00Z", finishedAt: "2026-12-07T12:00:01Z", durationMs: 1, host: "h", phase: .preflight,
            topology: .connectSync, cloud: .public, catalogDigest: "sha256:0")
        let line = "READY — no check failed or errored (0 failed, 0 warnings, 0 errors, 1 passed, 0 skipped)."
        let none = Report(run: run, cover: .init(), notices: ["Another note."], checks: [])
        #expect(InputAgreement.count(in: none) == 0 && InputAgreement.verdictLine(line, none) == line)
        let one = Report(run: run, cover: .init(), notices: ["Another note.", InputAgreement.prefix + "a"], checks: [])
        #expect(
            InputAgreement.verdictLine(line, one)
                == "READY — no check failed or errored (0 failed, 0 warnings, 0 errors, 1 passed, 0 skipped); 1 disagreement between inputs (see notes).")
        let two = Report(run: run, cover: .init(), notices: [InputAgreement.prefix + "a", InputAgreement.prefix + "b"], checks: [])
        #expect(InputAgreement.verdictLine("READY 0 fail (r.md)", two) == "READY 0 fail (r.md); 2 disagreements between inputs (see notes)")
    }
}
