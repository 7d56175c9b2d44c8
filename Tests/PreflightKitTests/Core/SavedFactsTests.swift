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

/// The saved-facts document (`run --save-facts`, `evaluate`): what a run's probes gathered, written and read back, and
/// judged again to the same results.
@Suite("Saved facts")
struct SavedFactsTests {
    static let catalog = Catalog(checks: [], digest: "sha256:test")

    /// Runs `checks` with a recorder, the way `run --save-facts` does; returns the run's results and its saved facts.
    func collect(
        _ checks: [CheckDefinition], configuration: Configuration = Configuration(), timeout: Double = 60
    ) async -> ([CheckResult], SavedFacts) {
        var configuration = configuration
        configuration.timeoutSeconds = timeout
        var runner = Runner(registry: TestProbe.registry, configuration: configuration, jobs: 4)
        let recorder = FactsRecorder()
        runner.recorder = recorder
        let report = await Assessment.run(configuration: configuration, catalog: Self.catalog, checks: checks, runner: runner)
        let saved = SavedFacts(
            recorder: recorder, report: report, judgedAt: SavedFacts.instant(Date()), configuration: configuration,
            catalogFolders: [], selection: Selection(), notices: ["A notice of the run."], waivers: nil)
        return (report.checks, saved)
    }

    /// Judges saved facts the way `evaluate` does.
    func replay(_ saved: SavedFacts, _ checks: [CheckDefinition], configuration: Configuration? = nil) async -> [CheckResult] {
        var runner = Runner(registry: TestProbe.registry, configuration: configuration ?? saved.configuration, jobs: 1)
        runner.savedFacts = saved
        return await runner.run(checks)
    }

    func reread(_ saved: SavedFacts, registry: ProbeRegistry = TestProbe.registry) throws -> SavedFacts {
        try SavedFacts.parse(try saved.encoded(), file: "facts.json", registry: registry)
    }

    static let mixed: [CheckDefinition] = [
        testCheck("TST-001", .pass), testCheck("TST-002", .warn), testCheck("TST-003", .fail), testCheck("TST-004", .throw),
        testCheck("TST-005", .noInput), testCheck("TST-006", .pass, requires: ["TST-003"]),
        testCheck("TST-007", .pass, phases: [.health]), testCheck("TST-008", .hang, timeout: 0.3),
        testCheck("TST-009", .sleep, sleepMs: 30),
    ]

    @Test func aRunsSavedFactsJudgeToTheSameResults() async throws {
        let (live, saved) = await collect(Self.mixed)
        // Every outcome is there: pass, warn, fail, the probe's error, no input, a failed requirement, another phase and a
        // deadline.
        #expect(Set(live.map(\.status)) == [.pass, .warn, .fail, .error, .skip], "\(live.map(\.status))")
        #expect(live.first { $0.id == "TST-008" }?.message.contains("did not finish within its deadline") == true)
        let read = try reread(saved)
        let judged = await replay(read, Self.mixed)
        #expect(judged == live, "judged from the saved facts:\n\(judged)\nlive:\n\(live)")
        // The facts were used, not gathered again: the probe's own timestamps are the run's.
        #expect(judged.first { $0.id == "TST-009" }?.evidence["startedAt"] == live.first { $0.id == "TST-009" }?.evidence["startedAt"])
        #expect(read.notices == ["A notice of the run."] && read.run == saved.run && read.judgedAt == saved.judgedAt)
        #expect(read.tool == Report.Tool() && read.selection == Selection())
    }

    @Test func theDocumentIsVersionedAndItsContentIsHashed() throws {
        let saved = SavedFacts(
            recorder: FactsRecorder(), report: Report(run: Self.runInfo, cover: .init(), checks: []), judgedAt: Date(timeIntervalSince1970: 0),
            configuration: Configuration(), catalogFolders: [], selection: Selection(), notices: [], waivers: nil)
        let data = try saved.encoded()
        let text = String(decoding: data, as: UTF8.self)
        #expect(text.hasPrefix(#"{"format":"preflight-facts","version":1,"sha256":""#) && text.hasSuffix("}\n"))
        let json = try JSONSerialization.jsonObject(with: data) as? [String: Any]
        let digest = try #require(json?["sha256"] as? String)
        // The digest is the SHA-256 of the content's bytes as written, which `sha256sum` can check too.
        let start = text.range(of: #","content":"#)!.upperBound
        let content = Array(text[start...].dropLast(2).utf8)
        #expect(digest == SHA256.hex(content))
        #expect(Set((json?["content"] as? [String: Any])?.keys.map { $0 } ?? []) == [
            "tool", "run", "judgedAt", "catalogFolders", "configuration", "selection", "notices", "inputs", "checks", "facts",
        ])
    }

    static let runInfo = Report.RunInfo(
        id: "run-1", startedAt: "2026-11-26T10:00:00Z", finishedAt: "2026-11-26T10:00:05Z", durationMs: 5000, host: "jump01",
        phase: .preflight, topology: .connectSync, cloud: .public, catalogDigest: "sha256:test")

    @Test func oneChangedByteOfAFactIsRefused() async throws {
        let (_, saved) = await collect([testCheck("TST-001", .fail)])
        let data = try saved.encoded()
        // A digit of the probe's own start time, inside the facts.
        let text = String(decoding: data, as: UTF8.self)
        let section = try #require(text.range(of: #""facts":{"#))
        let facts = try #require(text.range(of: #""startedAt":"#, range: section.upperBound..<text.endIndex))
        var bytes = [UInt8](data)
        let index = text.utf8.distance(from: text.startIndex, to: facts.upperBound) + 1
        bytes[index] = bytes[index] == UInt8(ascii: "1") ? UInt8(ascii: "2") : UInt8(ascii: "1")
        #expect(throws: PreflightError.self) { try SavedFacts.parse(Data(bytes), file: "facts.json", registry: TestProbe.registry) }
        do {
            _ = try SavedFacts.parse(Data(bytes), file: "facts.json", registry: TestProbe.registry)
        } catch {
            #expect(ExitStatus.for(error) == .malformedInput)
            #expect("\(error)".hasPrefix("facts.json: error: it was changed after preflight saved it: its content's SHA-256 is "), "\(error)")
            #expect("\(error)".contains("Collect them again with 'preflight run --save-facts FILE'"))
        }
        // The untouched bytes read back.
        #expect((try? SavedFacts.parse(data, file: "facts.json", registry: TestProbe.registry)) != nil)
    }

    @Test func anotherFormatVersionOrNotSavedFactsIsRefused() async throws {
        let (_, saved) = await collect([testCheck("TST-001", .pass)])
        let text = String(decoding: try saved.encoded(), as: UTF8.self)
        func message(_ text: String) -> String? {
            do {
                _ = try SavedFacts.parse(Data(text.utf8), file: "f.json", registry: TestProbe.registry)
                return nil
            } catch {
                #expect(ExitStatus.for(error) == .malformedInput, "\(error)")
                return "\(error)"
            }
        }
        let two = message(text.replacingOccurrences(of: #""version":1,"#, with: #""version":2,"#))
        #expect(two == "f.json: error: its saved-facts format is version 2, but this preflight (\(PreflightVersion.current)) reads version 1. "
            + "Evaluate it with the preflight release that saved it, or collect the facts again with this one.")
        #expect(message(text.replacingOccurrences(of: "preflight-facts", with: "other"))?.contains("its format is 'other', not 'preflight-facts'") == true)
        #expect(message("not json")?.contains("it is not saved facts (not valid JSON)") == true)
        #expect(message(#"{"schemaVersion": 1, "checks": []}"#)?.contains("it is a JSON report, not saved facts") == true)
        // Reformatted (same JSON, other bytes): refused, because its bytes are no longer those hashed.
        let pretty = text.replacingOccurrences(of: #","content":"#, with: #", "content": "#)
        #expect(message(pretty)?.contains("it is not laid out as preflight writes saved facts") == true)
    }

    @Test func factsKeepTheirTypesExactlyAndSharedFactsAreKeptOnce() throws {
        let recorder = FactsRecorder()
        let bind = DirectoryProbe.Facts.bind(
            DirectoryProbe.BindFacts(
                url: "ldaps://dc1", channel: "ldaps", tlsVersion: "TLSv1.3", cipher: nil, certificateSubject: "CN=dc1",
                certificateIssuer: "CN=CA", certificateNotAfter: "2030-01-01T00:00:00Z", bindDN: "reader@corp.test",
                milliseconds: Int.max - 1))
        let instant = SavedFacts.instant(Date(timeIntervalSince1970: 1_795_000_000.123_456))
        for id in ["AD-901", "AD-900"] {
            let check = CheckDefinition(
                id: id, title: id, description: "", area: "directory", kind: DirectoryProbe.self, judgement: .bind, severity: .high,
                typedParams: DirectoryProbe.Params.bind)
            let input = EvidenceInput(key: "connect.export", file: "/x", date: instant, dateSource: .export, dateField: "f")
            recorder.record(check, .facts(bind, judgedAt: instant, inputs: [input]), durationMs: 7)
        }
        let saved = SavedFacts(
            recorder: recorder, report: Report(run: Self.runInfo, cover: .init(), checks: []), judgedAt: instant,
            configuration: Configuration(), catalogFolders: [], selection: Selection(), notices: [], waivers: nil)
        #expect(saved.facts.keys.sorted() == ["AD-900"], "the same facts are kept once, under the lowest id")
        let read = try reread(saved, registry: .builtIn)
        let blob = try #require(read.facts["AD-900"])
        guard case .facts(let value) = blob.value, case .bind(let facts)? = value as? DirectoryProbe.Facts else {
            Issue.record("the facts did not read back as directory.bind's: \(blob.value)")
            return
        }
        #expect(facts.milliseconds == Int.max - 1 && facts.url == "ldaps://dc1" && facts.cipher == nil)
        for check in read.checks {
            guard case .facts(let key, let judgedAt, let inputs) = check.outcome else {
                Issue.record("\(check.id) lost its facts")
                continue
            }
            #expect(key == "AD-900" && judgedAt == instant && inputs.first?.date == instant && check.durationMs == 7)
        }
    }

    /// Facts whose shape this build does not know (saved by another release): the checks that need them are errors that
    /// say so; the file itself is fine.
    @Test func factsThisBuildCannotReadMakeTheirChecksErrors() async throws {
        let recorder = FactsRecorder()
        let check = CheckDefinition(
            id: "AD-001", title: "Bind", description: "", area: "directory", kind: DirectoryProbe.self, judgement: .bind,
            severity: .critical, typedParams: DirectoryProbe.Params.bind)
        recorder.record(check, .facts(TestProbe.Facts(startedAt: 1, finishedAt: 2), judgedAt: Date(), inputs: []), durationMs: 3)
        let saved = SavedFacts(
            recorder: recorder, report: Report(run: Self.runInfo, cover: .init(), checks: []), judgedAt: Date(),
            configuration: Configuration(), catalogFolders: [], selection: Selection(), notices: [], waivers: nil)
        let read = try reread(saved, registry: .builtIn)
        let evaluation = read.evaluation(of: check, registry: .builtIn, configuration: Configuration())
        #expect(evaluation.status == .error)
        #expect(evaluation.message.hasPrefix("The saved facts of AD-001 (probe 'directory.bind') cannot be read by preflight "), "\(evaluation.message)")
        #expect(evaluation.message.hasSuffix("judge them with that release, or collect again."))
    }

    @Test func instantsSurviveSaving() {
        for seconds in [0.0, 1.0005, 1_795_000_000.999_999, 1_795_000_000.000_4, 2_000_000_000.123_456_7] {
            let instant = SavedFacts.instant(Date(timeIntervalSince1970: seconds))
            #expect(SavedFacts.parseTimestamp(SavedFacts.timestamp(instant)) == instant, "\(seconds)")
            #expect(SavedFacts.instant(instant) == instant)
            #expect(abs(instant.timeIntervalSince1970 - seconds) < 0.001)
        }
    }

    /// A test check with its params as a check file would give them (the runner compares these).
    func check(_ id: String, _ params: JSONValue, phases: [Phase] = Phase.allCases, aliases: [String] = []) -> CheckDefinition {
        var check = testCheck(id, .pass, phases: phases, aliases: aliases)
        check.params = params
        return check
    }

    @Test func aCheckTheRunDidNotGatherIsAnErrorNeverAPass() async throws {
        let (_, saved) = await collect([
            check("TST-001", ["behavior": "pass"]), check("TST-002", ["behavior": "pass", "sleepMs": 1], phases: [.health]),
        ])
        let read = try reread(saved)
        // A check the catalog gained, of a probe kind whose facts depend on params: an error that says what to do.
        let gained = CheckDefinition(
            id: "PLG-900", title: "New", description: "", area: "plugins", kind: ExecProbe.self, severity: .low,
            typedParams: ExecProbe.Params(command: ["/bin/true"], params: [:]))
        // A check the run skipped before its probe ran (another phase), judged in that phase now.
        let skipped = check("TST-002", ["behavior": "pass", "sleepMs": 1], phases: [.preflight])
        let results = await replay(read, [gained, skipped])
        for result in results {
            #expect(result.status == .error, "\(result.id): \(result.status)")
            #expect(result.message.hasPrefix("Not in the saved facts: the run that saved 'facts.json' (preflight "), "\(result.message)")
            #expect(result.message.hasSuffix("; collect again with 'preflight run --save-facts'."))
        }
        // The same check with other params: its facts may not fit, unless its kind gathers the same whatever the params.
        let changed = check("TST-001", ["behavior": "pass", "sleepMs": 5])
        guard case .paramsChanged = read.match(changed, ignoresParams: false) else {
            Issue.record("changed params matched")
            return
        }
        guard case .found(let own) = read.match(changed, ignoresParams: true), own.id == "TST-001" else {
            Issue.record("a kind whose facts ignore params did not find its facts")
            return
        }
        // A new check of such a kind takes another check's facts; a former id finds the check's own.
        guard case .found(let other) = read.match(check("TST-050", ["behavior": "warn"]), ignoresParams: true), other.id == "TST-001" else {
            Issue.record("a new check did not take the facts of its kind")
            return
        }
        guard case .found(let renamed) = read.match(check("TST-051", ["behavior": "pass"], aliases: ["TST-001"]), ignoresParams: false),
            renamed.id == "TST-001"
        else {
            Issue.record("a renamed check lost its facts")
            return
        }
        #expect(ProbeRegistry.builtIn["directory"]?.facts.ignoresParams == true)
        #expect(ProbeRegistry.builtIn["exec"]?.facts.ignoresParams == false)
        #expect(ProbeRegistry.builtIn["network"]?.facts.ignoresParams == false)
    }

    @Test func theConfigurationSurvivesSavingWithoutItsLocations() throws {
        let folder = try TemporaryFolder("facts-config")
        let file = try folder.write(
            "preflight.yml",
            """
            report: {customer: Contoso, tenant: contoso.onmicrosoft.com, assessor: Jo}
            phase: health
            topology: cloud-sync
            cloud: usgov
            timeoutSeconds: 30.5
            maxEvidenceAgeDays: 12
            waivers: waivers.yml
            network: {proxy: "http://proxy:3128", caFile: ca.pem, serviceBusNamespace: ns1, tenantId: t1,
                      endpoints: {NET-001: ["https://127.0.0.1:8443/"]}, connectTo: ["a:443:127.0.0.1:8443"]}
            ldap: {url: "ldap://dc1", bindDN: reader@corp.test, passwordEnv: PW, caFile: ca.pem, startTLS: true,
                   baseDN: "DC=corp,DC=test", account: MSOL_1, scope: ["OU=A,DC=corp,DC=test"], exclude: ["OU=B,DC=corp,DC=test"],
                   pageSize: 500}
            inventory: {users: u.csv, licenses: l.csv, subscribedSkus: s.csv, registration: r.csv, scopeGroup: g.csv,
                        skuCatalog: k.csv, ssprRegistrationThreshold: 0.7}
            connect: {export: export, scheduler: s.txt, passwordResetConfig: p.txt, connectorCredential: c.txt}
            monitoring: {events: [e1.csv, e2.xml], audit: a.json, windowHours: 48, minSuccessRate: 0.5}
            cloudSync: {jobs: jobs, schema: schema, agents: agents.json, agentVersions: v.json}
            """)
        // The files need not exist: `evaluate` reads the settings, never the files.
        var configuration = try Configuration.parse(fileAt: file)
        let restored = try JSONDecoder().decode(Configuration.self, from: JSONEncoder().encode(configuration))
        configuration.locations = [:]
        #expect(restored == configuration)
        #expect(restored.ldap.passwordEnv == "PW" && restored.monitoring.events.count == 2)
        #expect(restored.cloudSync.agentVersions?.hasSuffix("/v.json") == true)
    }

    /// Saved facts keep the configuration by encoding it (synthesized `Codable`), and each section's one key list reads,
    /// checks and shows its settings: a setting a section gains must be in its list, or this fails.
    @Test func savedConfigurationKeepsEverySetting() throws {
        func labels(_ value: Any) -> [String] { Mirror(reflecting: value).children.compactMap(\.label).sorted() }
        var c = Configuration()
        c.file = "preflight.yml"
        c.waivers = "waivers.yml"
        c.cloudSync = Configuration.CloudSyncSettings()
        c.ldapDomainList = [Configuration.LDAPConfiguration(), Configuration.LDAPConfiguration()]
        let encoded = try #require(try JSONSerialization.jsonObject(with: JSONEncoder().encode(c)) as? [String: Any])
        #expect(
            Set(encoded.keys) == Set(labels(c).filter { $0 != "locations" }.map { ["cover": "report", "cloudSyncSection": "cloudSync", "ldapDomainList": "ldapDomains"][$0] ?? $0 }),
            "every setting but 'locations' is encoded: \(encoded.keys.sorted())")
        #expect(Configuration.NetworkSettings.keys.map(\.name).sorted() == labels(c.network))
        #expect(Configuration.LDAPConfiguration.keys.map(\.name).sorted() == labels(c.ldap))
        #expect(Configuration.InventorySettings.keys.map(\.name).sorted() == labels(c.inventory))
        #expect(Configuration.ConnectSettings.keys.map(\.name).sorted() == labels(c.connect))
        #expect(Configuration.MonitoringSettings.keys.map(\.name).sorted() == labels(c.monitoring))
        #expect(Configuration.CloudSyncSettings.keys.map(\.name).sorted() == labels(c.cloudSync))
    }

    @Test func sha256InPiecesIsSHA256() {
        #expect(SHA256.hex(Array("abc".utf8)) == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        let message = (0..<10_000).map { UInt8(truncatingIfNeeded: $0 &* 31) }
        var stream = SHA256.Stream()
        var offset = 0
        for size in [0, 1, 63, 64, 65, 127, 1000, 3000] + [Int](repeating: 500, count: 20) where offset < message.count {
            let end = min(message.count, offset + size)
            stream.update(message[offset..<end])
            offset = end
        }
        stream.update(message[offset...])
        #expect(stream.finish() == SHA256.hash(message))
        // FIPS 180-4's two-block example, fed a byte at a time.
        var bytewise = SHA256.Stream()
        for byte in "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq".utf8 { bytewise.update([byte]) }
        #expect(bytewise.finish().map { String(format: "%02x", $0) }.joined() == "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1")
    }
}
