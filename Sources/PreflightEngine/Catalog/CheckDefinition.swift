import Foundation
import PreflightCore

/// One check, as loaded from its YAML file under `Checks/<area>/`.
package struct CheckDefinition: Sendable {
    package var id: String
    package var title: String
    /// Markdown; doubles as the check's documentation (`preflight explain`, README).
    package var description: String
    package var area: String
    /// The probe kind (`directory`), as `probe:` names it.
    package var probe: String
    /// What the check judges of the kind's data source (`rights`), as `judgement:` names it; nil for a kind that judges
    /// one thing.
    package var judgement: String?
    package var severity: Severity
    package var phases: [Phase]
    package var topologies: [Topology]
    package var tags: [String]
    package var requires: [String]
    /// The raw params, for `explain` and plugins; the probe kind's typed copy is captured in `bound`.
    package var params: JSONValue
    package var remediation: String
    package var references: [String]
    package var aliases: [String]
    /// Overrides the configuration's `timeoutSeconds` for slow checks (a whole-domain scan).
    package var timeoutSeconds: Double?
    package var file: String
    /// The probe kind with this check's typed params.
    let bound: BoundProbe

    package var folder: String { URL(fileURLWithPath: file).deletingLastPathComponent().path }

    /// The kind and the judgement together, `directory.rights`: what reports and `explain` name as the check's probe.
    package var qualifiedProbe: String { judgement.map { "\(probe).\($0)" } ?? probe }

    package init(
        id: String, title: String, description: String, area: String, probe: String, judgement: String? = nil,
        severity: Severity,
        phases: [Phase] = Phase.allCases, topologies: [Topology] = Topology.allCases, tags: [String] = [],
        requires: [String] = [], params: JSONValue = [:], bound: BoundProbe, remediation: String = "",
        references: [String] = [], aliases: [String] = [], timeoutSeconds: Double? = nil, file: String = "<memory>"
    ) {
        self.id = id
        self.title = title
        self.description = description
        self.area = area
        self.probe = probe
        self.judgement = judgement
        self.severity = severity
        self.phases = phases
        self.topologies = topologies
        self.tags = tags
        self.requires = requires
        self.params = params
        self.bound = bound
        self.remediation = remediation
        self.references = references
        self.aliases = aliases
        self.timeoutSeconds = timeoutSeconds
        self.file = file
    }
}

extension CheckDefinition {
    /// A check of `kind` with typed params (tests, and checks built in code).
    package init<Kind: ProbeKind>(
        id: String, title: String, description: String, area: String, kind: Kind.Type, judgement: Kind.Judgement? = nil,
        severity: Severity, phases: [Phase] = Phase.allCases, topologies: [Topology] = Topology.allCases, tags: [String] = [],
        requires: [String] = [], params: JSONValue = [:], typedParams: Kind.Params, remediation: String = "",
        references: [String] = [], aliases: [String] = [], timeoutSeconds: Double? = nil, file: String = "<memory>"
    ) {
        self.init(
            id: id, title: title, description: description, area: area, probe: Kind.name, judgement: judgement?.rawValue,
            severity: severity, phases: phases, topologies: topologies, tags: tags, requires: requires, params: params,
            bound: BoundProbe(Kind.self, params: typedParams), remediation: remediation, references: references,
            aliases: aliases, timeoutSeconds: timeoutSeconds, file: file)
    }
}

/// A probe kind with its types erased, so the registry can hold them in one list.
package struct RegisteredProbe: Sendable {
    package let name: String
    package let summary: String
    /// The YAML spellings of what this kind judges, in declaration order; empty for a kind that judges one thing.
    let judgements: [String]
    /// Types a check's params for its judgement (nil when they are invalid; the problems went to the reader's sink).
    let parse: @Sendable (_ judgement: String?, ParamsReader) -> BoundProbe?
    /// Gathering and judging (handing back what `run --save-facts` saves), and judging saved facts (`evaluate`).
    let facts: ProbeFacts

    package init<Kind: ProbeKind>(_ kind: Kind.Type) {
        name = Kind.name
        summary = Kind.summary
        let all = Kind.Judgement.allCases.map(\.rawValue)
        judgements = Kind.Judgement.self == SoleJudgement.self ? [] : all
        // The catalog checked the name against `judgements`; a sole judgement needs none.
        parse = { name, reader in
            guard let judgement = Kind.Judgement(rawValue: name ?? SoleJudgement.sole.rawValue) else { return nil }
            return Kind.parseParams(judgement, reader).map { BoundProbe(Kind.self, params: $0) }
        }
        facts = ProbeFacts(Kind.self)
    }
}

/// A list of probe kinds by name. The engine names no probe area: `ProbeRegistry.builtIn` (PreflightKit) is the list this
/// build knows.
package struct ProbeRegistry: Sendable {
    package let probes: [String: RegisteredProbe]

    package init(_ kinds: [RegisteredProbe]) {
        probes = Dictionary(kinds.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
    }

    package subscript(name: String) -> RegisteredProbe? { probes[name] }
    package var names: [String] { probes.keys.sorted() }
}
