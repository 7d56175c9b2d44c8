import Foundation
import PreflightCore

/// A kind of probe: Swift code that gathers facts, plus the judgement that turns facts into a status.
///
/// Gathering and judging are separate on purpose: facts are `Codable`, so a run's facts can be saved and
/// re-evaluated offline, and the judgement is a pure function that unit tests can drive with any facts.
///
/// One probe kind per data source (the directory, the network, the tenant's exports, the Connect server's exports, its
/// event log, the audit log, a plugin). A check names the kind in `probe:` and what it judges of that source in
/// `judgement:`, a value of the kind's `Judgement` type whose raw values are the YAML spelling. A check that reuses a
/// kind is one YAML file; a new kind is one Swift file plus one line in its area's probe list.
package protocol ProbeKind: Sendable {
    /// What a check of this kind judges. Kinds that judge one thing keep the default, `SoleJudgement`, and their check
    /// files need no `judgement:`.
    associatedtype Judgement: RawRepresentable & CaseIterable & Sendable = SoleJudgement where Judgement.RawValue == String
    /// A judgement with its typed params. Kinds whose judgements take no params keep the default, the judgement itself.
    associatedtype Params: Sendable = Judgement
    associatedtype Facts: Codable & Sendable

    /// The name check files use in `probe:`.
    static var name: String { get }
    /// One sentence for `preflight explain` and the README.
    static var summary: String { get }
    /// Validates and types a check's `params:` for its judgement when the catalog loads; report problems to
    /// `reader.sink`. The params carry the judgement on to `gather` and `evaluate`.
    static func parseParams(_ judgement: Judgement, _ reader: ParamsReader) -> Params?
    /// Why the configuration lacks what this probe needs (the check then skips with `no-input`), or nil.
    static func missingInput(_ params: Params, context: ProbeContext) -> String?
    /// Gathers facts; throwing makes the check `error` with the error's description.
    static func gather(_ params: Params, context: ProbeContext) async throws -> Facts
    /// Judges facts. Pure: no I/O.
    static func evaluate(_ facts: Facts, params: Params, context: EvaluationContext) -> Evaluation
    /// The configured files this check judged, each dated (the export's own timestamp where the file has one, else its
    /// modification time, which this may read). After `evaluate`, `EvidenceAge` stamps them into `evidence.inputFiles` and
    /// applies `maxEvidenceAgeDays`; `InputAgreement` compares what they say. Default: none (live probes).
    static func inputs(_ facts: Facts, params: Params, context: EvaluationContext) -> [EvidenceInput]
}

/// The judgement of a probe kind that judges one thing (a plugin, the tests' probe).
package enum SoleJudgement: String, CaseIterable, Sendable {
    case sole
}

extension ProbeKind where Params == Judgement {
    /// A kind whose judgements take no params: the judgement is all a check's params say.
    package static func parseParams(_ judgement: Judgement, _ reader: ParamsReader) -> Params? { judgement }
}

extension ProbeKind {
    package static func missingInput(_ params: Params, context: ProbeContext) -> String? { nil }
    package static func inputs(_ facts: Facts, params: Params, context: EvaluationContext) -> [EvidenceInput] { [] }
}

/// What a probe may use while gathering.
package struct ProbeContext: Sendable {
    package let configuration: Configuration
    package let check: CheckDefinition
    /// When the check's time is up; blocking clients must give up by then.
    package let deadline: Date
    /// Facts shared between checks of one run (e.g. one directory snapshot for AD-003 to AD-009).
    package let shared: SharedFacts
    package let environment: [String: String]

    package init(
        configuration: Configuration, check: CheckDefinition, deadline: Date, shared: SharedFacts,
        environment: [String: String]
    ) {
        self.configuration = configuration
        self.check = check
        self.deadline = deadline
        self.shared = shared
        self.environment = environment
    }
}

/// What a judgement may use besides the facts: the configuration, the check's own definition and the time it is
/// judged at (for the age of its inputs).
package struct EvaluationContext: Sendable {
    package let configuration: Configuration
    package let check: CheckDefinition
    package let now: Date

    package init(configuration: Configuration, check: CheckDefinition, now: Date = Date()) {
        self.configuration = configuration
        self.check = check
        self.now = now
    }
}

/// The name and the type of a fact several checks of one run share (one directory snapshot for AD-002 to AD-015): the
/// type is part of the key, so a value is always read back as the type it was produced as.
package struct SharedFactKey<Value: Sendable>: Sendable, Hashable {
    package let name: String

    package init(_ name: String) { self.name = name }
}

/// Memoizes expensive fact gathering per run, so several checks share one LDAP fetch.
package actor SharedFacts {
    private struct Slot: Hashable {
        var name: String
        var type: ObjectIdentifier
    }

    private var tasks: [Slot: any Sendable] = [:]
    /// What one check learned that the later ones must not wait for again (a DC that never answered), by name.
    private var notes: [String: String] = [:]

    package init() {}

    /// Records `text` under `name`, unless something was recorded there already.
    package func note(_ name: String, _ text: String) { notes[name] = notes[name] ?? text }

    /// What was recorded under `name`, if anything.
    package func note(_ name: String) -> String? { notes[name] }

    package func value<Value: Sendable>(
        _ key: SharedFactKey<Value>, produce: @escaping @Sendable () async throws -> Value
    ) async throws -> Value {
        let slot = Slot(name: key.name, type: ObjectIdentifier(Value.self))
        let task: Task<Value, any Error>
        // Only this function fills a slot, with a task of the slot's own value type: the cast always succeeds.
        if let existing = tasks[slot] as? Task<Value, any Error> {
            task = existing
        } else {
            task = Task { try await produce() }
            tasks[slot] = task
        }
        // The shared work outlives any one check's deadline; a check that times out just stops waiting.
        return try await withTaskCancellationHandler {
            try await task.value
        } onCancel: {}
    }
}

extension SharedFacts {
    /// The value under `key`, read by `read` on a thread of its own (named for the key, as `runBlocking` runs it) by the
    /// first check that asks: one parse of a file or one directory read per run, off the cooperative pool.
    package func blockingValue<Value: Sendable>(
        _ key: SharedFactKey<Value>, read: @escaping @Sendable () throws -> Value
    ) async throws -> Value {
        try await value(key) { try await runBlocking("preflight.\(key.name)", read) }
    }
}

extension ProbeContext {
    /// The run's one reading of a configured input (`SharedFacts.blockingValue`): `read` is given the configuration, so a
    /// probe names only the key, the section and the reader.
    package func readOnce<Value: Sendable>(
        _ key: SharedFactKey<Value>, _ read: @escaping @Sendable (Configuration) throws -> Value
    ) async throws -> Value {
        let configuration = self.configuration
        return try await shared.blockingValue(key) { try read(configuration) }
    }
}

/// Runs blocking C-library work (libldap, libcurl, waitpid) on its own thread, never on the
/// cooperative pool, so a hung server cannot starve other checks of threads.
package func runBlocking<T: Sendable>(
    _ name: String = "preflight.blocking", _ body: @escaping @Sendable () throws -> T
) async throws -> T {
    try await withCheckedThrowingContinuation { continuation in
        let thread = Thread {
            continuation.resume(with: Result { try body() })
        }
        thread.name = name
        thread.stackSize = 1 << 20
        thread.start()
    }
}
