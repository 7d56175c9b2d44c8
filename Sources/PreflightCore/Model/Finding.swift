/// One non-passing subject of a check: a user's DN, an OU, an endpoint URL, a UPN, a file.
///
/// Compact, since a million-user tenant's report holds a million of them: `details` and `waiver`, which most findings
/// lack, share one optional box, so a finding is 48 bytes instead of 128. Its JSON is the one the synthesized `Codable`
/// wrote (`details` and `waiver` left out when absent).
package struct Finding: Sendable, Codable, Hashable {
    package var status: CheckStatus
    package var target: String
    package var message: String
    private var extra: Extra?

    package var details: JSONValue? {
        get { extra?.details }
        set { extra = Extra.of(details: newValue, waiver: waiver) }
    }

    /// The waiver that covers this finding, if any; `status` stays what the probe found.
    package var waiver: WaiverReference? {
        get { extra?.waiver }
        set { extra = Extra.of(details: details, waiver: newValue) }
    }

    package init(status: CheckStatus, target: String, message: String, details: JSONValue? = nil, waiver: WaiverReference? = nil) {
        self.status = status
        self.target = target
        self.message = message
        self.extra = Extra.of(details: details, waiver: waiver)
    }

    /// Immutable, so findings that share one stay values (a change makes a new box).
    private final class Extra: Sendable, Hashable {
        let details: JSONValue?
        let waiver: WaiverReference?

        private init(details: JSONValue?, waiver: WaiverReference?) {
            self.details = details
            self.waiver = waiver
        }

        static func of(details: JSONValue?, waiver: WaiverReference?) -> Extra? {
            details == nil && waiver == nil ? nil : Extra(details: details, waiver: waiver)
        }

        static func == (a: Extra, b: Extra) -> Bool { a.details == b.details && a.waiver == b.waiver }

        func hash(into hasher: inout Hasher) {
            hasher.combine(details)
            hasher.combine(waiver)
        }
    }

    private enum CodingKeys: String, CodingKey {
        case status, target, message, details, waiver
    }

    package init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        self.init(
            status: try container.decode(CheckStatus.self, forKey: .status), target: try container.decode(String.self, forKey: .target),
            message: try container.decode(String.self, forKey: .message),
            details: try container.decodeIfPresent(JSONValue.self, forKey: .details),
            waiver: try container.decodeIfPresent(WaiverReference.self, forKey: .waiver))
    }

    package func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(status, forKey: .status)
        try container.encode(target, forKey: .target)
        try container.encode(message, forKey: .message)
        try container.encodeIfPresent(details, forKey: .details)
        try container.encodeIfPresent(waiver, forKey: .waiver)
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
