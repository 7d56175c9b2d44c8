import Foundation
import PreflightCore

/// What probing one target URL showed: the evidence a firewall team asks for, success or not.
package struct TargetObservation: Codable, Sendable, Hashable {
    package var url: String
    package var host: String
    package var port: Int
    var usesTLS: Bool
    /// nil when the target answered (any HTTP status counts); otherwise why not.
    package var failure: NetworkFailure?
    /// libcurl's own words for the last attempt (`CURLcode` and its error buffer), kept for the details.
    var curlCode: Int
    var curlError: String?
    package var proxy: ProxyChoice?
    /// Why no proxy was used (e.g. a NO_PROXY entry matched), when none was.
    var proxyNote: String?
    /// Addresses this host resolved the target to (empty when a proxy resolved it, or when resolution failed).
    var resolvedAddresses: [String]
    /// The address the TCP connection went to (the proxy's, when one was used).
    var connectedAddress: String?
    /// The `network.connectTo` entry that sent the connection to another address than the name's own, if any.
    var pinnedBy: String?
    package var tlsVersion: String?
    package var cipher: String?
    package var certificate: CertificateFacts?
    var httpStatus: Int?
    /// The proxy's answer to CONNECT (200 when the tunnel opened), and the schemes of a 407's challenge.
    var proxyConnectStatus: Int?
    var proxyAuthenticate: [String]
    var timings: Timings
    package var attempts: Int
    /// The time limit the last attempt had, in seconds.
    package var timeoutSeconds: Double?

    package struct Timings: Codable, Sendable, Hashable {
        /// Milliseconds from the start of the attempt, as libcurl measures them; nil for a stage not reached.
        var dnsMs: Double?
        var connectMs: Double?
        var tlsMs: Double?
        var firstByteMs: Double?
        var totalMs: Double
    }

    var reachable: Bool { failure == nil }
}

/// The server certificate as presented. `verified` is false when it came from the evidence-only handshake
/// made after verification failed (never used to call a target reachable).
package struct CertificateFacts: Codable, Sendable, Hashable {
    package var subject: String
    package var issuer: String
    var issuerOrganization: String?
    var subjectAlternativeNames: [String]
    package var notBefore: String?
    package var notAfter: String?
    package var verified: Bool
}

/// Which proxy a request went through and where that choice came from.
package struct ProxyChoice: Codable, Sendable, Hashable {
    /// The proxy URL with any user name and password replaced by `***`.
    package var url: String
    /// `network.proxy`, or the environment variable's name (`HTTPS_PROXY`, `https_proxy`, `http_proxy`, …).
    package var source: String
    /// The full URL, credentials included, for libcurl only: never encoded into a report.
    var connectURL: String

    package init(url: String, source: String) {
        self.connectURL = url
        self.url = ProxyChoice.redact(url)
        self.source = source
    }

    private enum CodingKeys: String, CodingKey { case url, source }

    package init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        url = try container.decode(String.self, forKey: .url)
        source = try container.decode(String.self, forKey: .source)
        connectURL = url
    }

    /// `http://user:secret@proxy:3128` → `http://***@proxy:3128`: credentials never reach a report.
    static func redact(_ url: String) -> String { Redaction.urlCredentials(url) }
}

/// The facts of one network check: every target, in the order of the check's target list.
package struct NetworkFacts: Codable, Sendable, Hashable {
    package var targets: [TargetObservation]
    /// Said in the report, e.g. that documented hosts stood in for an unset `network.serviceBusNamespace`.
    package var notes: [String]
    /// NET-006 only: why no proxy is in use, when none is (then nothing was probed).
    var withoutProxy: String?

    package init(targets: [TargetObservation], notes: [String], withoutProxy: String? = nil) {
        self.targets = targets
        self.notes = notes
        self.withoutProxy = withoutProxy
    }
}
