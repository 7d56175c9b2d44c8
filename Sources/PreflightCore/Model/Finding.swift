/// One non-passing subject of a check: a user's DN, an OU, an endpoint URL, a UPN, a file.
package struct Finding: Sendable, Codable, Hashable {
    package var status: CheckStatus
    package var target: String
    package var message: String
    package var details: JSONValue?
    /// The waiver that covers this finding, if any; `status` stays what the probe found.
    package var waiver: WaiverReference?

    package init(status: CheckStatus, target: String, message: String, details: JSONValue? = nil, waiver: WaiverReference? = nil) {
        self.status = status
        self.target = target
        self.message = message
        self.details = details
        self.waiver = waiver
    }
}

/// What a check's judgement produced, before the runner adds timing and metadata.
package struct Evaluation: Sendable, Hashable {
    package var status: CheckStatus
    package var message: String
    package var reason: SkipReason?
    package var findings: [Finding]
    package var evidence: [String: JSONValue]
    /// Remediation written for these findings (exact commands), shown before the check's general remediation.
    package var generatedRemediation: String?

    package init(
        status: CheckStatus, message: String, reason: SkipReason? = nil, findings: [Finding] = [],
        evidence: [String: JSONValue] = [:]
    ) {
        self.status = status
        self.message = message
        self.reason = reason
        self.findings = findings
        self.evidence = evidence
    }

    package static func skip(_ reason: SkipReason, _ message: String) -> Evaluation {
        Evaluation(status: .skip, message: message, reason: reason)
    }

    package static func error(_ message: String, evidence: [String: JSONValue] = [:]) -> Evaluation {
        Evaluation(status: .error, message: message, evidence: evidence)
    }
}
