import Foundation
import PreflightCore

/// Everything a run's probes gathered, saved by `run --save-facts FILE` and judged again, offline, by `evaluate FILE`:
/// facts, never verdicts, and never a secret.
///
/// The file (README, "Saved facts") is one JSON document:
///
///     {"format":"preflight-facts","version":1,"sha256":"<hex>","content":{…}}
///
/// `sha256` is the SHA-256 of the bytes of `content` exactly as written (keys sorted, compact): any change to the
/// content, even of one byte, makes the file refused (exit 65). It detects damage and edits, not a forger: anyone can
/// compute a SHA-256. `content` holds
///
/// - `tool`, `run` (the collecting run's id, times, host, phase, topology, cloud and catalog digest), `judgedAt` (when
///   its waivers were applied), `catalogFolders` (its `--checks` folders), `configuration` (the effective one, with the
///   names of password sources but no password), `selection`, `notices`;
/// - `inputs`: the SHA-256 and size of every file the configuration names (each file of a folder), the password file
///   excepted: a digest of a password can be guessed;
/// - `checks`: per check, its probe, params, duration and outcome: `facts` (the key of its facts, the time it was
///   judged at and its dated input files), `error` (the message and evidence the probe failed with), `no-input` or
///   `not-run` (skipped before its probe ran: phase, topology or a failed requirement; judging recomputes that);
/// - `facts`: each probe's facts as its kind encodes them (`ProbeKind.Facts`), under the lowest id of the checks that
///   gathered them: the directory snapshot that AD-003 to AD-015 share is kept once.
///
/// Judging uses the saved times, not today's clock: evidence ages, an account's expiry and waivers come out as they did
/// in the run, so a re-evaluation differs from the run's report only by what changed in the catalog or the configuration.
package struct SavedFacts: Sendable, Codable {
    package static let format = "preflight-facts"
    package static let version = 1

    /// The file it was read from (for messages), or nil for one being written; not part of the content.
    package var file: String? = nil
    package var tool: Report.Tool
    package var run: Report.RunInfo
    /// When the run applied its waivers; `evaluate` applies them at the same instant.
    @MillisecondTimestamp package var judgedAt: Date
    package var catalogFolders: [String]
    /// The effective configuration: every setting, with the names of the password sources but never a password.
    package var configuration: Configuration
    package var selection: Selection
    /// The run's notices that do not derive from its results (e.g. that no configuration file was given).
    package var notices: [String]
    package var inputs: [InputDigest]
    var checks: [SavedCheck]
    var facts: [String: FactsBlob]

    /// The content's keys (written sorted); `file` is where it was read from, not part of it.
    private enum CodingKeys: String, CodingKey {
        case tool, run, judgedAt, catalogFolders, configuration, selection, notices, inputs, checks, facts
    }

    /// The SHA-256 and size of one file the configuration named, when the facts were saved.
    package struct InputDigest: Codable, Sendable, Hashable {
        /// The configuration key (`connect.export`, `inventory.users`, …), `configuration` or `waivers`.
        package var key: String
        package var file: String
        var sha256: String?
        package var bytes: Int?
        /// Why there is no digest (the file could not be read when the facts were saved).
        package var unreadable: String?
    }

    /// Assembles what `recorder` received during a run and what the report's cover needs.
    package init(
        recorder: FactsRecorder, report: Report, judgedAt: Date, configuration: Configuration, catalogFolders: [String],
        selection: Selection, notices: [String], waivers: String?
    ) {
        (checks, facts) = recorder.saved()
        tool = report.tool
        run = report.run
        self.judgedAt = judgedAt
        self.catalogFolders = catalogFolders
        self.configuration = configuration
        self.selection = selection
        self.notices = notices
        inputs = Self.digests(of: configuration, waivers: waivers)
    }

    // MARK: Times

    /// An instant that survives being saved: `date` cut to the millisecond it is written with. A run that saves its facts
    /// judges at such instants, so judging the saved facts uses exactly the same times.
    package static func instant(_ date: Date) -> Date { parseTimestamp(timestamp(date)) ?? date }

    static func timestamp(_ date: Date) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        formatter.timeZone = TimeZone(identifier: "UTC")
        return formatter.string(from: date)
    }

    static func parseTimestamp(_ text: String) -> Date? {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return formatter.date(from: text)
    }

    // MARK: Judging

    /// The report's run section for a judgement of these facts: a new id, the collecting run's times and host, and the
    /// configuration and catalog that judged them.
    package func runInfo(configuration: Configuration, catalog: Catalog) -> Report.RunInfo {
        Report.RunInfo(
            id: UUID().uuidString.lowercased(), startedAt: run.startedAt, finishedAt: run.finishedAt, durationMs: run.durationMs,
            host: run.host, phase: configuration.phase, topology: configuration.topology, cloud: configuration.cloud,
            catalogDigest: catalog.digest)
    }

    /// What a reader of the re-evaluated report must know because it differs from the run that saved the facts.
    package func differences(catalog: Catalog, configurationFile: String?) -> [String] {
        var notes: [String] = []
        let source = "the facts saved by preflight \(tool.version) on \(run.host) at \(run.startedAt) (run \(run.id))"
        if catalog.digest != run.catalogDigest || tool.version != Report.Tool().version {
            notes.append(
                "This report judges \(source) with preflight \(Report.Tool().version) and the catalog \(catalog.digest); the run "
                    + "used \(run.catalogDigest). A check the run did not gather facts for is an error; collect again to judge it.")
        }
        if let configurationFile {
            notes.append(
                "This report judges \(source) with the settings of \(configurationFile) instead of the run's configuration. The "
                    + "facts are still those the run gathered from what its configuration named.")
        }
        return notes
    }

    /// How long `check`'s probe took in the run, or nil for a check it did not have.
    package func durationMs(of check: CheckDefinition) -> Int? {
        ownEntry(check)?.durationMs
    }

    /// `check` judged from the saved facts by the current catalog's definition. A check they have nothing for is an
    /// error, never a pass.
    package func evaluation(of check: CheckDefinition, registry: ProbeRegistry, configuration: Configuration) -> Evaluation {
        guard let probe = registry[check.probe] else {
            return .error("No probe kind named '\(check.probe)' is registered in this build.")
        }
        let entry: SavedCheck
        switch match(check, ignoresParams: probe.facts.ignoresParams) {
        case .found(let found): entry = found
        case .paramsChanged(let saved):
            return .error(
                "\(check.id)'s params changed since the facts in \(fileName) were saved (the run had \(saved.params.compactText)), and "
                    + "what probe '\(check.probe)' gathers depends on them, so the saved facts do not fit it: collect again with "
                    + "'preflight run --save-facts'.")
        case .missing:
            return .error(
                "Not in the saved facts: the run that saved \(fileName) (preflight \(tool.version), catalog \(run.catalogDigest)) gathered "
                    + "nothing for probe '\(check.probe)', so \(check.id) cannot be judged offline; collect again with "
                    + "'preflight run --save-facts'.")
        }
        switch entry.outcome {
        case .notRun:
            return .error(
                "\(fileName) records no outcome for \(entry.id), so the file is inconsistent (edited with its digest recomputed, or "
                    + "written by a faulty release): collect again with 'preflight run --save-facts'.")
        case .noInput(let message):
            return .skip(.noInput, message)
        case .error(let message, let evidence):
            return .error(message, evidence: evidence)
        case .facts(let key, let judgedAt, let inputs):
            guard let blob = facts[key] else {
                return .error(
                    "\(fileName) names facts '\(key)' for \(entry.id) but holds none under that name, so the file is inconsistent "
                        + "(edited with its digest recomputed, or written by a faulty release): collect again with 'preflight run --save-facts'.")
            }
            switch blob.value {
            case .unreadable(let reason):
                return .error(
                    "The saved facts of \(entry.id) (probe '\(entry.probe)') cannot be read by preflight \(Report.Tool().version): "
                        + "\(reason). They were saved by preflight \(tool.version); judge them with that release, or collect again.")
            case .facts(let value):
                return check.bound.replay(
                    value, inputs, EvaluationContext(configuration: configuration, check: check, now: judgedAt))
            }
        }
    }

    enum Match {
        case found(SavedCheck)
        case paramsChanged(SavedCheck)
        case missing
    }

    /// The saved check whose outcome judges `check`: its own (by id or a former id), when its probe kind and judgement are the
    /// same and
    /// its params are too or do not matter to the facts; else another check of the same kind whose facts fit (a check
    /// the catalog gained, or one the run skipped before its probe ran).
    func match(_ check: CheckDefinition, ignoresParams: Bool) -> Match {
        func fits(_ saved: SavedCheck) -> Bool { ignoresParams || saved.params == check.params }
        if let own = ownEntry(check), own.probe == check.qualifiedProbe, own.outcome.ran {
            return fits(own) ? .found(own) : .paramsChanged(own)
        }
        if let other = checks.first(where: { $0.probe == check.qualifiedProbe && $0.outcome.ran && fits($0) }) {
            return .found(other)
        }
        return .missing
    }

    private func ownEntry(_ check: CheckDefinition) -> SavedCheck? {
        checks.first { $0.id == check.id } ?? checks.first { check.aliases.contains($0.id) }
    }

    private var fileName: String { file.map { "'\($0)'" } ?? "the saved facts" }

    // MARK: Input digests

    /// Every file the configuration names (each file of a folder), with its SHA-256; not the password file.
    static func digests(of configuration: Configuration, waivers: String?) -> [InputDigest] {
        var named: [(String, String?)] = [("configuration", configuration.file), ("waivers", waivers)]
        named += configuration.ldapEntries.map { ("\($0.key).caFile", $0.settings.caFile) }
        named += [
            ("network.caFile", configuration.network.caFile), ("connect.export", configuration.connect.export),
            ("connect.scheduler", configuration.connect.scheduler),
            ("connect.passwordResetConfig", configuration.connect.passwordResetConfig),
            ("connect.connectorCredential", configuration.connect.connectorCredential),
            ("cloudSync.jobs", configuration.cloudSync.jobs), ("cloudSync.schema", configuration.cloudSync.schema),
            ("cloudSync.agents", configuration.cloudSync.agents), ("cloudSync.agentVersions", configuration.cloudSync.agentVersions),
            ("inventory.users", configuration.inventory.users), ("inventory.licenses", configuration.inventory.licenses),
            ("inventory.subscribedSkus", configuration.inventory.subscribedSkus),
            ("inventory.registration", configuration.inventory.registration),
            ("inventory.scopeGroup", configuration.inventory.scopeGroup), ("inventory.skuCatalog", configuration.inventory.skuCatalog),
        ]
        named += configuration.monitoring.events.map { ("monitoring.events", $0) }
        named += configuration.monitoring.audit.map { ("monitoring.audit", $0) }
        var digests: [InputDigest] = []
        for case let (key, path?) in named {
            var isDirectory: ObjCBool = false
            if FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), isDirectory.boolValue {
                let files = (FileManager.default.enumerator(atPath: path)?.allObjects as? [String] ?? []).sorted()
                for relative in files {
                    let file = URL(fileURLWithPath: path).appendingPathComponent(relative).path
                    var inner: ObjCBool = false
                    if FileManager.default.fileExists(atPath: file, isDirectory: &inner), !inner.boolValue {
                        digests.append(digest(key: key, file: file))
                    }
                }
            } else {
                digests.append(digest(key: key, file: path))
            }
        }
        return digests
    }

    /// Whether `file`, saved under `key`, still holds the bytes it held when the facts were saved.
    package func isUnchanged(key: String, file: String) -> Bool {
        guard let saved = inputs.first(where: { $0.key == key && $0.file == file })?.sha256 else { return false }
        return Self.digest(key: key, file: file).sha256 == saved
    }

    static func digest(key: String, file: String) -> InputDigest {
        guard let handle = FileHandle(forReadingAtPath: file) else {
            return InputDigest(key: key, file: file, unreadable: "it cannot be opened")
        }
        defer { try? handle.close() }
        var stream = SHA256.Stream()
        var bytes = 0
        do {
            while let chunk = try handle.read(upToCount: 1 << 20), !chunk.isEmpty {
                stream.update(chunk)
                bytes += chunk.count
            }
        } catch {
            return InputDigest(key: key, file: file, unreadable: "it cannot be read (\(error.localizedDescription))")
        }
        return InputDigest(key: key, file: file, sha256: hex(stream.finish()), bytes: bytes)
    }

    static func hex(_ bytes: [UInt8]) -> String { bytes.map { String(format: "%02x", $0) }.joined() }
}

// MARK: - Writing and reading the file

extension SavedFacts {
    /// `{"format":"preflight-facts","version":1,"sha256":"`, the 64 hex digits, `","content":`, the content, `}` and a newline.
    private static var head: [UInt8] { Array("{\"format\":\"\(format)\",\"version\":\(version),\"sha256\":\"".utf8) }
    private static let neck: [UInt8] = Array("\",\"content\":".utf8)
    private static let tail: [UInt8] = Array("}\n".utf8)

    /// The whole file: the header, then the content exactly as its SHA-256 was taken.
    func encoded() throws(PreflightError) -> Data {
        let content: Data
        do {
            let encoder = JSONEncoder()
            // Compact: a large domain's snapshot runs to many MB (`jq .content FILE` shows it indented).
            encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
            content = try encoder.encode(self)
        } catch {
            throw .cannotWriteFile(path: file ?? "-", role: "the saved facts", reason: "they cannot be encoded (\(error))")
        }
        return Data(Self.head + Array(Self.hex(SHA256.hash(Array(content))).utf8) + Self.neck) + content + Data(Self.tail)
    }

    /// Writes the file atomically (a temporary file in the same folder, then rename), so a reader never sees half.
    package func write(to path: String) throws(PreflightError) {
        let data = try encoded()
        do {
            try AtomicFile.write(data, to: path)
        } catch {
            let reason: String
            if case .cannotWrite(_, let why) = error { reason = why } else { reason = error.description }
            throw .cannotWriteFile(path: path, role: "the saved facts", reason: reason)
        }
    }

    /// Before a run: the file's folder must exist and be writable, so a long run does not end unable to save.
    package static func checkWritable(_ path: String) throws(PreflightError) {
        // As the user wrote it, for the message; the current folder when the path names none.
        let written = (path as NSString).deletingLastPathComponent
        let folder = written.isEmpty ? "." : written
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), isDirectory.boolValue {
            throw .cannotWriteFile(path: path, role: "the saved facts", reason: "it is a folder; name a file, e.g. facts.json")
        }
        guard FileManager.default.fileExists(atPath: folder, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw .cannotWriteFile(path: path, role: "the saved facts", reason: "the folder '\(folder)' does not exist")
        }
        guard FileManager.default.isWritableFile(atPath: folder) else {
            throw .cannotWriteFile(path: path, role: "the saved facts", reason: "the folder '\(folder)' is not writable")
        }
    }

    /// Reads a file `run --save-facts` wrote: 66 when it cannot be read; 65 when it is not saved facts, is of another
    /// format version, or was changed after it was saved.
    package static func load(_ path: String, registry: ProbeRegistry) throws(PreflightError) -> SavedFacts {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw .unreadableFile(path: path, role: "saved facts", reason: "it does not exist")
        }
        guard !isDirectory.boolValue, let data = FileManager.default.contents(atPath: path) else {
            let reason = isDirectory.boolValue ? "it is a folder, not a file" : "permission denied"
            throw .unreadableFile(path: path, role: "saved facts", reason: reason)
        }
        return try parse(data, file: path, registry: registry)
    }

    private struct Header: Decodable {
        var format: String?
        var version: Int?
        var schemaVersion: Int?
    }

    package static func parse(_ data: Data, file: String, registry: ProbeRegistry) throws(PreflightError) -> SavedFacts {
        let collect = "Pass the file 'preflight run --save-facts' wrote, or collect the facts again with it."
        let header: Header
        do {
            header = try JSONDecoder().decode(Header.self, from: data)
        } catch {
            throw .malformedInput(file: file, reason: "it is not saved facts (\(describe(error))). \(collect)")
        }
        guard header.format == format else {
            if header.format == nil, header.schemaVersion != nil {
                throw .malformedInput(
                    file: file,
                    reason: "it is a JSON report, not saved facts: 'evaluate' judges the facts a run saved with --save-facts "
                        + "('preflight render' re-renders a report).")
            }
            let found = header.format.map { "its format is '\($0)'" } ?? "it has no 'format'"
            throw .malformedInput(file: file, reason: "it is not saved facts: \(found), not '\(format)'. \(collect)")
        }
        guard header.version == version else {
            let found = header.version.map { "version \($0)" } ?? "no version"
            throw .malformedInput(
                file: file,
                reason: "its saved-facts format is \(found), but this preflight (\(Report.Tool().version)) reads version \(version). "
                    + "Evaluate it with the preflight release that saved it, or collect the facts again with this one.")
        }
        // The header as preflight writes it, then the content, then the end: the SHA-256 covers the content's bytes.
        let changed = "it was changed after preflight saved it"
        let advice = "so its facts cannot be trusted. Collect them again with 'preflight run --save-facts FILE'; never edit the file."
        let bytes = [UInt8](data)
        let digestEnd = head.count + 64
        let start = digestEnd + neck.count
        guard bytes.count >= start + tail.count, bytes.starts(with: head), Array(bytes[digestEnd..<start]) == neck,
            Array(bytes[(bytes.count - tail.count)...]) == tail
        else {
            throw .malformedInput(file: file, reason: "\(changed) (it is not laid out as preflight writes saved facts: reformatted?), \(advice)")
        }
        let recorded = String(decoding: bytes[head.count..<digestEnd], as: UTF8.self)
        let content = Array(bytes[start..<(bytes.count - tail.count)])
        let actual = hex(SHA256.hash(content))
        guard recorded == actual else {
            throw .malformedInput(
                file: file, reason: "\(changed): its content's SHA-256 is \(actual), not the \(recorded) it was saved with, \(advice)")
        }
        let decoder = JSONDecoder()
        decoder.userInfo[FactsBlob.registryKey] = registry
        var saved: SavedFacts
        do {
            saved = try decoder.decode(SavedFacts.self, from: Data(content))
        } catch {
            throw .malformedInput(
                file: file, reason: "its content is not what preflight \(Report.Tool().version) saves (\(describe(error))). \(collect)")
        }
        saved.file = file
        for check in saved.checks {
            if case .facts(let key, _, _) = check.outcome, saved.facts[key] == nil {
                throw .malformedInput(file: file, reason: "check \(check.id) refers to facts '\(key)', which the file does not hold. \(collect)")
            }
        }
        return saved
    }

    static func describe(_ error: any Error) -> String {
        func path(_ context: DecodingError.Context) -> String {
            let keys = context.codingPath.map { $0.intValue.map { "[\($0)]" } ?? $0.stringValue }.joined(separator: ".")
            return keys.isEmpty ? "" : " at '\(keys)'"
        }
        switch error {
        case DecodingError.dataCorrupted(let context):
            return "not valid JSON\(path(context))"
        case DecodingError.keyNotFound(let key, let context):
            return "'\(key.stringValue)' is missing\(path(context))"
        case DecodingError.typeMismatch(_, let context), DecodingError.valueNotFound(_, let context):
            return "a value has the wrong type\(path(context)): \(context.debugDescription)"
        default:
            return "\(error)"
        }
    }
}

// MARK: - The content's parts

/// One check as the run ended it.
struct SavedCheck: Sendable, Codable {
    var id: String
    var probe: String
    /// The check's params when the facts were gathered (a check whose params changed may need other facts).
    var params: JSONValue
    var durationMs: Int
    var outcome: Outcome

    enum Outcome: Sendable {
        /// Skipped before its probe ran (phase, topology, failed requirement): judging decides that again.
        case notRun
        case facts(key: String, judgedAt: Date, inputs: [EvidenceInput])
        case error(message: String, evidence: [String: JSONValue])
        case noInput(String)

        var ran: Bool {
            if case .notRun = self { return false }
            return true
        }
    }

    private enum CodingKeys: String, CodingKey {
        case id, probe, params, durationMs, outcome, facts, judgedAt, inputs, message, evidence
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(id, forKey: .id)
        try container.encode(probe, forKey: .probe)
        try container.encode(params, forKey: .params)
        try container.encode(durationMs, forKey: .durationMs)
        switch outcome {
        case .notRun:
            try container.encode("not-run", forKey: .outcome)
        case .facts(let key, let judgedAt, let inputs):
            try container.encode("facts", forKey: .outcome)
            try container.encode(key, forKey: .facts)
            try container.encode(SavedFacts.timestamp(judgedAt), forKey: .judgedAt)
            try container.encode(inputs.map(SavedInput.init), forKey: .inputs)
        case .error(let message, let evidence):
            try container.encode("error", forKey: .outcome)
            try container.encode(message, forKey: .message)
            try container.encode(evidence, forKey: .evidence)
        case .noInput(let message):
            try container.encode("no-input", forKey: .outcome)
            try container.encode(message, forKey: .message)
        }
    }

}

/// In an extension, so that the memberwise initializer stays.
extension SavedCheck {
    init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        id = try container.decode(String.self, forKey: .id)
        probe = try container.decode(String.self, forKey: .probe)
        params = try container.decode(JSONValue.self, forKey: .params)
        durationMs = try container.decode(Int.self, forKey: .durationMs)
        switch try container.decode(String.self, forKey: .outcome) {
        case "not-run":
            outcome = .notRun
        case "facts":
            let text = try container.decode(String.self, forKey: .judgedAt)
            guard let judgedAt = SavedFacts.parseTimestamp(text) else {
                throw DecodingError.dataCorruptedError(forKey: .judgedAt, in: container, debugDescription: "'\(text)' is not an RFC 3339 time")
            }
            outcome = .facts(
                key: try container.decode(String.self, forKey: .facts), judgedAt: judgedAt,
                inputs: try container.decode([SavedInput].self, forKey: .inputs).map(\.input))
        case "error":
            outcome = .error(
                message: try container.decode(String.self, forKey: .message),
                evidence: try container.decode([String: JSONValue].self, forKey: .evidence))
        case "no-input":
            outcome = .noInput(try container.decode(String.self, forKey: .message))
        case let other:
            throw DecodingError.dataCorruptedError(
                forKey: .outcome, in: container, debugDescription: "'\(other)' is not an outcome (facts, error, no-input, not-run)")
        }
    }
}

/// An `EvidenceInput` as saved: its date to the millisecond (a run that saves facts dates its inputs so).
struct SavedInput: Codable {
    var key: String
    var file: String
    var date: String?
    var dateSource: EvidenceInput.DateSource
    var dateField: String
    var says: [String: String]

    init(_ input: EvidenceInput) {
        key = input.key
        file = input.file
        date = input.date.map(SavedFacts.timestamp)
        dateSource = input.dateSource
        dateField = input.dateField
        says = input.says
    }

    var input: EvidenceInput {
        EvidenceInput(
            key: key, file: file, date: date.flatMap(SavedFacts.parseTimestamp), dateSource: dateSource, dateField: dateField,
            says: says)
    }
}

/// One probe kind's facts, typed: written as the kind encodes them, read back by the same kind's decoder.
struct FactsBlob: Sendable, Codable {
    static let registryKey = CodingUserInfoKey(rawValue: "preflight.registry")!

    /// A probe kind whose `Facts` type these are (every kind with the same type reads them).
    var probe: String
    var value: Value

    enum Value: Sendable {
        case facts(any Encodable & Sendable)
        /// This build cannot read them (no such probe kind, or its facts changed shape since they were saved).
        case unreadable(String)
    }

    init(probe: String, value: any Encodable & Sendable) {
        self.probe = probe
        self.value = .facts(value)
    }

    private enum CodingKeys: String, CodingKey { case probe, value }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(probe, forKey: .probe)
        guard case .facts(let facts) = value else {
            throw EncodingError.invalidValue(probe, .init(codingPath: encoder.codingPath, debugDescription: "unreadable facts are never written"))
        }
        try facts.encode(to: container.superEncoder(forKey: .value))
    }

    init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        probe = try container.decode(String.self, forKey: .probe)
        guard container.contains(.value) else {
            throw DecodingError.keyNotFound(CodingKeys.value, .init(codingPath: container.codingPath, debugDescription: "no facts"))
        }
        guard let registry = decoder.userInfo[Self.registryKey] as? ProbeRegistry, let kind = registry[probe] else {
            value = .unreadable("this build has no probe kind '\(probe)'")
            return
        }
        do {
            value = .facts(try kind.facts.decode(try container.superDecoder(forKey: .value)))
        } catch {
            value = .unreadable(SavedFacts.describe(error))
        }
    }
}

/// A time saved as RFC 3339 to the millisecond in UTC (what `SavedFacts.instant` cuts run times to).
@propertyWrapper
package struct MillisecondTimestamp: Sendable, Codable {
    package var wrappedValue: Date

    package init(wrappedValue: Date) { self.wrappedValue = wrappedValue }

    package init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        let text = try container.decode(String.self)
        guard let date = SavedFacts.parseTimestamp(text) else {
            throw DecodingError.dataCorruptedError(in: container, debugDescription: "'\(text)' is not an RFC 3339 time")
        }
        wrappedValue = date
    }

    package func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(SavedFacts.timestamp(wrappedValue))
    }
}

// MARK: - Recording during a run

/// What `run --save-facts` hands `Runner`: each check's outcome as it ended, collected from the concurrent checks.
package final class FactsRecorder: @unchecked Sendable {
    private let lock = NSLock()
    private var checks: [String: SavedCheck] = [:]
    /// Facts by their type and encoding: checks that share facts (one directory snapshot) keep one copy.
    private var blobs: [BlobIdentity: (probe: String, value: any Encodable & Sendable, ids: [String])] = [:]

    private struct BlobIdentity: Hashable {
        var type: ObjectIdentifier
        var encoding: Data
    }

    package init() {}

    func record(_ check: CheckDefinition, _ outcome: SavedOutcome?, durationMs: Int) {
        var entry = SavedCheck(id: check.id, probe: check.qualifiedProbe, params: check.params, durationMs: durationMs, outcome: .notRun)
        var identity: BlobIdentity?
        var value: (any Encodable & Sendable)?
        switch outcome {
        case nil:
            break
        case .missingInput(let message):
            entry.outcome = .noInput(message)
        case .error(let message, let evidence):
            entry.outcome = .error(message: message, evidence: evidence)
        case .facts(let facts, let judgedAt, let inputs):
            do {
                let encoder = JSONEncoder()
                encoder.outputFormatting = [.sortedKeys]
                identity = BlobIdentity(type: ObjectIdentifier(type(of: facts)), encoding: try encoder.encode(FactsEncoding(facts)))
                value = facts
                entry.outcome = .facts(key: "", judgedAt: judgedAt, inputs: inputs)
            } catch {
                entry.outcome = .error(
                    message: "The facts \(check.id) was judged on in the run could not be saved (\(error)), so it cannot be judged "
                        + "from them. Please report this.",
                    evidence: [:])
            }
        }
        lock.withLock {
            checks[check.id] = entry
            if let identity, let value {
                blobs[identity, default: (check.probe, value, [])].ids.append(check.id)
            }
        }
    }

    /// The checks in id order, each referring to its facts by the lowest id of the checks that share them.
    func saved() -> ([SavedCheck], [String: FactsBlob]) {
        lock.withLock {
            var keys: [String: String] = [:]
            var facts: [String: FactsBlob] = [:]
            for blob in blobs.values {
                guard let key = blob.ids.min() else { continue }
                facts[key] = FactsBlob(probe: blob.probe, value: blob.value)
                for id in blob.ids { keys[id] = key }
            }
            let ordered = checks.values.sorted { $0.id < $1.id }.map { check in
                var check = check
                if case .facts(_, let judgedAt, let inputs) = check.outcome, let key = keys[check.id] {
                    check.outcome = .facts(key: key, judgedAt: judgedAt, inputs: inputs)
                }
                return check
            }
            return (ordered, facts)
        }
    }
}

/// Encodes facts of any kind where an `Encodable` value is needed.
private struct FactsEncoding: Encodable {
    let facts: any Encodable
    init(_ facts: any Encodable) { self.facts = facts }
    func encode(to encoder: any Encoder) throws { try facts.encode(to: encoder) }
}
