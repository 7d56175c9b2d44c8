/// Why a target was not reachable, in the words a firewall or proxy team acts on.
package enum NetworkFailure: String, Codable, Sendable, CaseIterable {
    case dnsFailure = "dns-failure"
    case connectionRefused = "connection-refused"
    case connectionFailed = "connection-failed"
    case connectTimeout = "connect-timeout"
    case tlsHandshakeTimeout = "tls-handshake-timeout"
    case tlsHandshakeFailure = "tls-handshake-failure"
    case tlsVersionTooOld = "tls-version-too-old"
    case certificateUntrusted = "certificate-untrusted"
    case certificateExpired = "certificate-expired"
    case certificateNotYetValid = "certificate-not-yet-valid"
    case hostnameMismatch = "hostname-mismatch"
    case proxyUnreachable = "proxy-unreachable"
    case proxyAuthenticationRequired = "proxy-authentication-required"
    case proxyRefused = "proxy-refused"
    case proxyUpstreamFailure = "proxy-upstream-failure"
    case timeoutAfterConnect = "timeout-after-connect"
    case connectionDropped = "connection-dropped"
    case other = "other"

    /// Failures worth a second attempt (`params.retries`): transient by nature. Certificate and TLS version
    /// problems are not; asking again would only repeat them.
    var isRetryable: Bool {
        switch self {
        case .connectionRefused, .connectionFailed, .connectTimeout, .tlsHandshakeTimeout, .timeoutAfterConnect,
            .connectionDropped, .proxyUnreachable:
            true
        default: false
        }
    }

    var isCertificateProblem: Bool {
        [.certificateUntrusted, .certificateExpired, .certificateNotYetValid, .hostnameMismatch].contains(self)
    }

    /// One plain sentence: what happened, for this target.
    func explanation(_ target: TargetObservation, timeoutSeconds: Double?) -> String {
        let endpoint = "\(target.host):\(target.port)"
        let proxy = target.proxy.map { "the proxy \($0.url) (from \($0.source))" } ?? "the proxy"
        let certificate = target.certificate
        let issuer = certificate.map { " The certificate presented was issued by '\($0.issuer)'." } ?? ""
        let waited = timeoutSeconds.map { " within \(Self.seconds($0))" } ?? ""
        switch self {
        case .dnsFailure:
            return "The name \(target.host) did not resolve on this host: check the DNS server and any split-horizon zone."
        case .connectionRefused:
            return "\(endpoint) refused the TCP connection: nothing listens there, or a firewall rejects it."
        case .connectionFailed:
            return "The TCP connection to \(endpoint) failed: \(target.curlError ?? "no route"). Check routing and outbound firewall rules."
        case .connectTimeout:
            return "The TCP connection to \(endpoint) did not complete\(waited): a firewall is probably dropping outbound 443 (or 80) silently."
        case .tlsHandshakeTimeout:
            return "\(endpoint) accepted the TCP connection but the TLS handshake did not finish\(waited): a firewall or "
                + "TLS-inspecting device is holding or dropping it."
        case .tlsHandshakeFailure:
            return "The TLS handshake with \(endpoint) failed: \(target.curlError ?? "no detail")."
        case .tlsVersionTooOld:
            let offered = target.tlsVersion.map { " (it offers \($0))" } ?? ""
            return "\(endpoint) does not speak TLS 1.2 or later\(offered); Entra Connect 2.x requires TLS 1.2. "
                + "A device in the path is terminating TLS with an outdated configuration."
        case .certificateUntrusted:
            return "The certificate of \(endpoint) is not trusted by this host's CA store or 'network.caFile'.\(issuer)"
        case .certificateExpired:
            return "The certificate of \(endpoint) expired\(certificate?.notAfter.map { " on \($0)" } ?? "").\(issuer)"
        case .certificateNotYetValid:
            return "The certificate of \(endpoint) is not valid yet\(certificate?.notBefore.map { " (valid from \($0))" } ?? ""): "
                + "check this host's clock, or the device that issued it.\(issuer)"
        case .hostnameMismatch:
            let names = certificate.map { " It names \($0.subjectAlternativeNames.joined(separator: ", "))." } ?? ""
            return "The certificate presented by \(endpoint) is not valid for \(target.host).\(names)"
        case .proxyUnreachable:
            return "\(proxy.prefix(1).uppercased() + proxy.dropFirst()) could not be reached: \(target.curlError ?? "no detail")."
        case .proxyAuthenticationRequired:
            let schemes = target.proxyAuthenticate.isEmpty ? "" : " It offers: \(target.proxyAuthenticate.joined(separator: ", "))."
            return "\(proxy.prefix(1).uppercased() + proxy.dropFirst()) demands authentication (407) for \(endpoint).\(schemes)"
        case .proxyRefused:
            let status = target.proxyConnectStatus ?? target.httpStatus
            return "\(proxy.prefix(1).uppercased() + proxy.dropFirst()) refused to connect to \(endpoint)"
                + (status.map { " (HTTP \($0))" } ?? "") + ": the proxy's allow list does not include this host."
        case .proxyUpstreamFailure:
            let status = target.proxyConnectStatus ?? target.httpStatus
            return "\(proxy.prefix(1).uppercased() + proxy.dropFirst()) could not reach \(endpoint) itself"
                + (status.map { " (HTTP \($0))" } ?? "") + ": the proxy's own outbound path or DNS is failing."
        case .timeoutAfterConnect:
            return "\(endpoint) completed the connection but sent no HTTP answer\(waited): an idle-timeout or inspection device may be holding the request."
        case .connectionDropped:
            return "The connection to \(endpoint) was closed without an answer: \(target.curlError ?? "no detail")."
        case .other:
            return "The request to \(target.url) failed: \(target.curlError ?? "curl error \(target.curlCode)")."
        }
    }

    static func seconds(_ value: Double) -> String {
        value >= 10 || value == value.rounded() ? "\(Int(value.rounded())) s" : String(format: "%.1f s", value)
    }
}
