/// One non-passing subject of a check: a user's DN, an OU, an endpoint URL, a UPN, a file.
public struct Finding: Sendable, Codable, Hashable {
    public var status: CheckStatus
    public var target: String
    public var message: String
    public var details: JSONValue?
    /// The waiver that covers this finding, if any; `status` stays what the probe found.
    public var waiver: WaiverReference?

    public init(status: CheckStatus, target: String, message: String, details: JSONValue? = nil, waiver: WaiverReference? = nil) {
        self.status = status
        self.target = target
        self.message = message
        self.details = details
        self.waiver = waiver
    }
}

/// What a check's judgement produced, before the runner adds timing and metadata.
public struct Evaluation: Sendable, Hashable {
    public var status: CheckStatus
    public var message: String
    public var reason: SkipReason?
    public var findings: [Finding]
    public var evidence: [String: JSONValue]
    /// Remediation written for these findings (exact commands), shown before the check's general remediation.
    public var generatedRemediation: String?

    public init(
        status: CheckStatus, message: String, reason: SkipReason? = nil, findings: [Finding] = [],
        evidence: [String: JSONValue] = [:]
    ) {
        self.status = status
        self.message = message
        self.reason = reason
        self.findings = findings
        self.evidence = evidence
    }

    public static func skip(_ reason: SkipReason, _ message: String) -> Evaluation {
        Evaluation(status: .skip, message: message, reason: reason)
    }

    public static func error(_ message: String, evidence: [String: JSONValue] = [:]) -> Evaluation {
        Evaluation(status: .error, message: message, evidence: evidence)
    }
}
