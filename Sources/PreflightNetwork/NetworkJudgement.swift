import PreflightCore

/// Judges what the network probes saw. Pure: no I/O.
enum NetworkJudgement {
    /// Microsoft's own host names (public, US Government and China clouds): the only ones where a certificate
    /// from an unexpected issuer means TLS inspection rather than the user's own server.
    static let microsoftDomains = [
        "microsoftonline.com", "windows.net", "msappproxy.net", "microsoft.com",
        "microsoftonline.us", "usgovcloudapi.net", "msappproxy.us", "microsoft.us",
        "microsoftonline.cn", "chinacloudapi.cn", "msappproxy.cn", "azure.cn",
    ]

    static func isMicrosoftHost(_ host: String) -> Bool {
        let host = host.lowercased()
        return microsoftDomains.contains { host == $0 || host.hasSuffix("." + $0) }
    }

    /// The issuer is expected when its organization (or, lacking one, its whole name) names an expected issuer.
    static func isExpectedIssuer(_ certificate: CertificateFacts, expected: [String]) -> Bool {
        let issuer = (certificate.issuerOrganization ?? certificate.issuer).lowercased()
        return expected.contains { issuer.contains($0.lowercased()) }
    }

    static func endpoints(_ facts: NetworkFacts, expectedIssuers: [String]) -> Evaluation {
        var findings: [Finding] = []
        for target in facts.targets {
            if let failure = target.failure {
                var message = failure.explanation(target, timeoutSeconds: target.timeoutSeconds)
                if failure.isCertificateProblem, isMicrosoftHost(target.host), let certificate = target.certificate,
                    !isExpectedIssuer(certificate, expected: expectedIssuers)
                {
                    message += " Microsoft does not issue from '\(certificate.issuer)': this looks like TLS inspection, which breaks the Service Bus relay."
                }
                findings.append(Finding(status: .fail, target: target.url, message: message, details: details(target, failure)))
            } else if target.usesTLS, isMicrosoftHost(target.host), let certificate = target.certificate,
                !isExpectedIssuer(certificate, expected: expectedIssuers)
            {
                findings.append(
                    Finding(
                        status: .warn, target: target.url,
                        message: "The certificate of \(target.host) was issued by '\(certificate.issuer)', not by one of Microsoft's public "
                            + "issuers: TLS inspection is intercepting this connection. The Service Bus relay breaks behind TLS "
                            + "inspection; exempt *.servicebus.windows.net and *.passwordreset.microsoftonline.com from it.",
                        details: details(target, nil)))
            }
        }
        var evaluation = Evaluation(status: status(findings), message: summary(facts, findings), findings: findings)
        finish(&evaluation, facts)
        return evaluation
    }

    /// NET-006: the proxy path itself. A 407 that offers Negotiate or NTLM can be answered by the sync service only
    /// with `useDefaultCredentials` in machine.config, so it warns; Basic-only cannot be answered at all, so it fails.
    static func proxy(_ facts: NetworkFacts, expectedIssuers: [String]) -> Evaluation {
        if let reason = facts.withoutProxy {
            return .skip(.notApplicable, "No proxy is in use (\(reason)), so there is no proxy to check.")
        }
        guard let proxy = facts.targets.compactMap(\.proxy).first else {
            return .error("Internal error: NET-006 probed without a proxy. Please report this.")
        }
        var findings: [Finding] = []
        for target in facts.targets {
            guard let failure = target.failure else { continue }
            var status = CheckStatus.fail
            var message = failure.explanation(target, timeoutSeconds: target.timeoutSeconds)
            if failure == .proxyAuthenticationRequired {
                let schemes = Set(target.proxyAuthenticate.map { $0.lowercased() })
                if schemes.contains("negotiate") || schemes.contains("ntlm") {
                    status = .warn
                    message += " The sync service can answer only with Windows credentials: set useDefaultCredentials=\"true\" "
                        + "in machine.config's defaultProxy and allow the ADSync service account on the proxy."
                } else {
                    message += " The sync service cannot answer this challenge: exempt the writeback hosts from proxy authentication."
                }
            }
            findings.append(Finding(status: status, target: target.url, message: message, details: details(target, failure)))
        }
        var evaluation = Evaluation(
            status: status(findings),
            message: findings.isEmpty
                ? "The proxy \(proxy.url) (from \(proxy.source)) opened a tunnel to every target without asking for authentication."
                : "The proxy \(proxy.url) (from \(proxy.source)) did not pass every target through: \(findings.count) of \(facts.targets.count).",
            findings: findings)
        finish(&evaluation, facts)
        return evaluation
    }

    private static func status(_ findings: [Finding]) -> CheckStatus {
        if findings.contains(where: { $0.status == .fail }) { return .fail }
        return findings.isEmpty ? .pass : .warn
    }

    private static func summary(_ facts: NetworkFacts, _ findings: [Finding]) -> String {
        let failed = findings.filter { $0.status == .fail }.count
        let total = facts.targets.count
        if failed > 0 {
            let kinds = Dictionary(grouping: facts.targets.compactMap(\.failure), by: { $0 }).map { "\($0.value.count) \($0.key.rawValue)" }
            return "\(failed) of \(total) targets \(failed == 1 ? "is" : "are") unreachable (\(kinds.sorted().joined(separator: ", ")))."
        }
        let tls = facts.targets.contains(where: \.usesTLS) ? " over TLS 1.2 or later with a verified certificate" : ""
        let base = (total == 1 ? "The target answered" : "All \(total) targets answered") + "\(tls)."
        return findings.isEmpty ? base : base + " \(findings.count) show\(findings.count == 1 ? "s" : "") signs of TLS inspection."
    }

    private static func finish(_ evaluation: inout Evaluation, _ facts: NetworkFacts) {
        // A pinned name was not probed at its own address: the reader must not take it for the real service.
        let notes = facts.notes + facts.targets.compactMap { target in
            target.pinnedBy.map { "\(target.host):\(target.port) was probed at the address 'network.connectTo' gives it ('\($0)')." }
        }
        evaluation.evidence.merge(Evidence.of(TargetsView(targets: facts.targets, notes: notes.isEmpty ? nil : notes))) { $1 }
        if !notes.isEmpty { evaluation.message += " " + notes.joined(separator: " ") }
        evaluation.addTable(
            ReportTable(
                title: "Targets", columns: ["Target", "Result", "TLS", "HTTP", "Time", "Proxy", "Address"],
                rows: facts.targets.map { target in
                    [
                        target.url, target.failure?.rawValue ?? "reachable", target.tlsVersion ?? (target.usesTLS ? "—" : "none"),
                        target.httpStatus.map(String.init) ?? "—", "\(Int(target.timings.totalMs.rounded())) ms",
                        target.proxy.map { "\($0.url) (\($0.source))" } ?? "none", target.connectedAddress ?? "—",
                    ]
                }))
    }

    private static func details(_ target: TargetObservation, _ failure: NetworkFailure?) -> JSONValue {
        var details: [String: JSONValue] = ["curlCode": .int(target.curlCode), "attempts": .int(target.attempts)]
        if let failure { details["classification"] = .string(failure.rawValue) }
        if let error = target.curlError { details["curlError"] = .string(error) }
        if let certificate = target.certificate { details["certificate"] = JSONValue.encoding(certificate) }
        if let status = target.proxyConnectStatus { details["proxyConnectStatus"] = .int(status) }
        if !target.proxyAuthenticate.isEmpty { details["proxyAuthenticate"] = .array(target.proxyAuthenticate.map(JSONValue.string)) }
        return .object(details)
    }
}

/// NET-001 to NET-007's evidence: every target as it was observed, and the notes on how it was probed.
struct TargetsView: Encodable {
    var targets: [TargetObservation]
    /// Absent when there is nothing to note.
    var notes: [String]?
}
