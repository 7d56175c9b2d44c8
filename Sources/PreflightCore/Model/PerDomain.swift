/// Checks that judge several domains in one run (`ldap:` a list): each domain is judged on its own, every finding names
/// its domain in `details.domain`, and the check's result is the worst of the domains' with each domain's verdict kept in
/// `evidence.domains`. A domain that could not be judged is `error` for that domain alone.
package enum PerDomain {
    /// The evidence key of the per-domain verdicts.
    package static let evidenceKey = "domains"
    /// The finding detail that names the finding's domain (its DNS name).
    package static let detailsKey = "domain"

    /// One domain's verdict in `evidence.domains`.
    struct Verdict: Encodable {
        var domain: String
        var status: CheckStatus
        var message: String
        /// The domain's own evidence, as a check of that domain alone shows it.
        var evidence: [String: JSONValue]
    }

    struct Verdicts: Encodable {
        var domains: [Verdict]
    }

    /// The evaluation with `domain` in every finding's details.
    package static func tag(_ evaluation: Evaluation, domain: String) -> Evaluation {
        var tagged = evaluation
        tagged.findings = evaluation.findings.map { finding in
            var finding = finding
            var details = finding.details?.objectValue ?? [:]
            if let other = finding.details, other.objectValue == nil { details["value"] = other }
            details[detailsKey] = .string(domain)
            finding.details = .object(details)
            return finding
        }
        return tagged
    }

    /// The domain a finding belongs to, when it names one.
    package static func domain(of finding: Finding) -> String? { finding.details?[detailsKey]?.stringValue }

    /// `items` with each domain's together (domains in the order they first appear, items of no domain last), and the
    /// domains: what a report shows in a Domain column when there is more than one.
    package static func grouped<Item>(_ items: [Item], by domain: (Item) -> String?) -> (domains: [String], items: [Item]) {
        var domains: [String] = []
        var byDomain: [String: [Item]] = [:]
        var none: [Item] = []
        for item in items {
            guard let name = domain(item) else {
                none.append(item)
                continue
            }
            if byDomain[name] == nil { domains.append(name) }
            byDomain[name, default: []].append(item)
        }
        return (domains, domains.flatMap { byDomain[$0] ?? [] } + none)
    }

    /// The domains of `grouped`, without the regrouped copy of the items (a million findings' worth for one line).
    package static func domains<Item>(_ items: [Item], by domain: (Item) -> String?) -> [String] {
        var seen: Set<String> = []
        var domains: [String] = []
        for item in items {
            if let name = domain(item), seen.insert(name).inserted { domains.append(name) }
        }
        return domains
    }

    /// One evaluation of several domains' (each already tagged): the worst status (fail, then error, warn, pass, skip),
    /// a message that names each domain (and first those that could not be judged), every finding, each domain's
    /// evidence under `evidence.domains`, and each domain's remediation under its name.
    package static func merge(_ parts: [(domain: String, evaluation: Evaluation)]) -> Evaluation {
        let worst = parts.map(\.evaluation).max { rank($0.status) < rank($1.status) }
        let status = worst?.status ?? .skip
        let errored = parts.filter { $0.evaluation.status == .error }.map(\.domain)
        var message = parts.map { "[\($0.domain)] \($0.evaluation.status.rawValue): \($0.evaluation.message)" }.joined(separator: " ")
        if !errored.isEmpty {
            let which = errored.count == 1 ? "Domain \(errored[0]) could not be judged" : "Domains \(errored.joined(separator: ", ")) could not be judged"
            message = "\(which) (error); the other domains' verdicts stand. " + message
        }
        var merged = Evaluation(
            status: status, message: message, reason: status == .skip ? worst?.reason : nil,
            findings: parts.flatMap(\.evaluation.findings),
            evidence: Evidence.of(
                Verdicts(
                    domains: parts.map {
                        Verdict(domain: $0.domain, status: $0.evaluation.status, message: $0.evaluation.message, evidence: $0.evaluation.evidence)
                    })))
        let remediation = parts.compactMap { part in part.evaluation.generatedRemediation.map { "**\(part.domain)**\n\n\($0)" } }
        merged.generatedRemediation = remediation.isEmpty ? nil : remediation.joined(separator: "\n\n")
        return merged
    }

    /// Whether a result's per-domain verdicts include a pass or a warning: a check that requires it may still judge those
    /// domains (the runner does not skip it for the other domains' error).
    package static func anyDomainPassed(_ evidence: [String: JSONValue]) -> Bool {
        (evidence[evidenceKey]?.arrayValue ?? []).contains { verdict in
            let status = verdict["status"]?.stringValue.flatMap(CheckStatus.init(rawValue:))
            return status == .pass || status == .warn
        }
    }

    /// Worse is higher: pass and waived, skip, warn, error, fail.
    static func rank(_ status: CheckStatus) -> Int {
        switch status {
        case .pass, .waived: 0
        case .skip: 1
        case .warn: 2
        case .error: 3
        case .fail: 4
        }
    }
}
