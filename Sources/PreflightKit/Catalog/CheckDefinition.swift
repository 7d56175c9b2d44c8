import Foundation

/// One check, as loaded from its YAML file under `Checks/<area>/`.
public struct CheckDefinition: Sendable {
    public var id: String
    public var title: String
    /// Markdown; doubles as the check's documentation (`preflight explain`, README).
    public var description: String
    public var area: String
    public var probe: String
    public var severity: Severity
    public var phases: [Phase]
    public var topologies: [Topology]
    public var tags: [String]
    public var requires: [String]
    /// The raw params, for `explain` and plugins; the probe kind's typed copy is in `typedParams`.
    public var params: JSONValue
    public var remediation: String
    public var references: [String]
    public var aliases: [String]
    /// Overrides the configuration's `timeoutSeconds` for slow checks (a whole-domain scan).
    public var timeoutSeconds: Double?
    public var file: String
    let typedParams: any Sendable

    public var folder: String { URL(fileURLWithPath: file).deletingLastPathComponent().path }

    public init(
        id: String, title: String, description: String, area: String, probe: String, severity: Severity,
        phases: [Phase] = Phase.allCases, topologies: [Topology] = Topology.allCases, tags: [String] = [],
        requires: [String] = [], params: JSONValue = [:], typedParams: any Sendable, remediation: String = "",
        references: [String] = [], aliases: [String] = [], timeoutSeconds: Double? = nil, file: String = "<memory>"
    ) {
        self.id = id
        self.title = title
        self.description = description
        self.area = area
        self.probe = probe
        self.severity = severity
        self.phases = phases
        self.topologies = topologies
        self.tags = tags
        self.requires = requires
        self.params = params
        self.typedParams = typedParams
        self.remediation = remediation
        self.references = references
        self.aliases = aliases
        self.timeoutSeconds = timeoutSeconds
        self.file = file
    }
}

/// A probe kind with its types erased, so the registry can hold them in one list.
public struct RegisteredProbe: Sendable {
    public let name: String
    public let summary: String
    let parse: @Sendable (ParamsReader) -> (any Sendable)?
    /// Gathering and judging (handing back what `run --save-facts` saves), and judging saved facts (`evaluate`).
    let facts: ProbeFacts

    public init<Kind: ProbeKind>(_ kind: Kind.Type) {
        name = Kind.name
        summary = Kind.summary
        parse = { reader in Kind.parseParams(reader) }
        facts = ProbeFacts(Kind.self)
    }
}

/// The one explicit list of probe kinds this build knows.
public struct ProbeRegistry: Sendable {
    public let probes: [String: RegisteredProbe]

    public init(_ kinds: [RegisteredProbe]) {
        probes = Dictionary(kinds.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
    }

    public static let builtIn = ProbeRegistry([
        RegisteredProbe(ExecProbe.self),
    ] + directoryProbes + connectProbes + networkProbes + inventoryProbes + monitoringProbes)

    public subscript(name: String) -> RegisteredProbe? { probes[name] }
    public var names: [String] { probes.keys.sorted() }
}
