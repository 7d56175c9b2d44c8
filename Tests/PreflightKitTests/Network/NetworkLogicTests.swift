import CCurl
import Foundation
import PreflightTestSupport
import Testing

@testable import PreflightConnect
@testable import PreflightCore
@testable import PreflightDirectory
@testable import PreflightEngine
@testable import PreflightInventory
@testable import PreflightKit
@testable import PreflightMonitoring
@testable import PreflightNetwork
@testable import PreflightReporting

/// The pure parts of the network probe: classification, proxy choice, target plans, certificate text, judgement.
@Suite("Network logic")
struct NetworkLogicTests {
    func input(
        _ code: CURLcode, _ text: String = "", connect: Int? = nil, http: Int? = nil, verify: Int = 0, errno: Int = 0,
        tls: Bool = true, proxy: Bool = false, connected: Bool = false, tlsDone: Bool = false
    ) -> FailureClassifier.Input {
        FailureClassifier.Input(
            code: Int(code.rawValue), errorText: text, httpStatus: http, proxyConnectStatus: connect, verifyResult: verify,
            osErrno: errno, usesTLS: tls, viaProxy: proxy, connected: connected, tlsDone: tlsDone)
    }

    @Test func classificationCoversEveryFailureClass() {
        let cases: [(FailureClassifier.Input, NetworkFailure?)] = [
            (input(CURLE_OK, http: 401, connected: true, tlsDone: true), nil),
            (input(CURLE_COULDNT_RESOLVE_HOST), .dnsFailure),
            (input(CURLE_COULDNT_RESOLVE_PROXY, proxy: true), .proxyUnreachable),
            (input(CURLE_COULDNT_CONNECT, errno: Int(ECONNREFUSED)), .connectionRefused),
            (input(CURLE_COULDNT_CONNECT, "No route to host", errno: Int(EHOSTUNREACH)), .connectionFailed),
            (input(CURLE_COULDNT_CONNECT, proxy: true), .proxyUnreachable),
            (input(CURLE_OPERATION_TIMEDOUT), .connectTimeout),
            (input(CURLE_OPERATION_TIMEDOUT, proxy: true), .proxyUnreachable),
            (input(CURLE_OPERATION_TIMEDOUT, connected: true), .tlsHandshakeTimeout),
            (input(CURLE_OPERATION_TIMEDOUT, connected: true, tlsDone: true), .timeoutAfterConnect),
            (input(CURLE_OPERATION_TIMEDOUT, tls: false, connected: true), .timeoutAfterConnect),
            (input(CURLE_SSL_CONNECT_ERROR, "error:0A00042E:SSL routines::tlsv1 alert protocol version", connected: true), .tlsVersionTooOld),
            (input(CURLE_SSL_CONNECT_ERROR, "SSL_ERROR_SYSCALL", connected: true), .tlsHandshakeFailure),
            (input(CURLE_PEER_FAILED_VERIFICATION, "SSL certificate problem: certificate has expired", verify: 10), .certificateExpired),
            (input(CURLE_PEER_FAILED_VERIFICATION, "certificate is not yet valid", verify: 9), .certificateNotYetValid),
            (input(CURLE_PEER_FAILED_VERIFICATION, "self-signed certificate", verify: 18), .certificateUntrusted),
            (input(CURLE_PEER_FAILED_VERIFICATION, "unable to get local issuer certificate", verify: 20), .certificateUntrusted),
            (input(CURLE_PEER_FAILED_VERIFICATION, "SSL: no alternative certificate subject name matches target host name 'x'"), .hostnameMismatch),
            (input(CURLE_RECV_ERROR, "CONNECT tunnel failed, response 407", connect: 407, proxy: true), .proxyAuthenticationRequired),
            (input(CURLE_RECV_ERROR, "CONNECT tunnel failed, response 403", connect: 403, proxy: true), .proxyRefused),
            (input(CURLE_RECV_ERROR, "CONNECT tunnel failed, response 502", connect: 502, proxy: true), .proxyUpstreamFailure),
            (input(CURLE_OK, http: 407, tls: false, proxy: true), .proxyAuthenticationRequired),
            (input(CURLE_OK, http: 403, tls: false, proxy: true), .proxyRefused),
            (input(CURLE_OK, http: 403, tls: false), nil),
            (input(CURLE_GOT_NOTHING, connected: true, tlsDone: true), .connectionDropped),
            (input(CURLE_RECV_ERROR, "Connection reset by peer", connected: true), .tlsHandshakeFailure),
            (input(CURLE_UNSUPPORTED_PROTOCOL), .other),
        ]
        for (given, expected) in cases {
            #expect(FailureClassifier.classify(given) == expected, "\(given)")
        }
    }

    @Test func onlyTransientFailuresAreRetried() {
        let retried = NetworkFailure.allCases.filter(\.isRetryable)
        #expect(Set(retried) == [.connectionRefused, .connectionFailed, .connectTimeout, .tlsHandshakeTimeout, .timeoutAfterConnect, .connectionDropped, .proxyUnreachable])
    }

    @Test func proxyChoiceFollowsLibcurlsOrderAndNoProxyRules() {
        let env = ["https_proxy": "http://lower:1", "HTTPS_PROXY": "http://upper:2", "HTTP_PROXY": "http://ignored:3", "http_proxy": "http://plain:4"]
        #expect(ProxySelection(configured: nil, environment: env).decide(scheme: "https", host: "a.example").proxy?.source == "https_proxy")
        #expect(ProxySelection(configured: nil, environment: ["HTTPS_PROXY": "http://u:2"]).decide(scheme: "https", host: "a").proxy?.url == "http://u:2")
        #expect(ProxySelection(configured: nil, environment: ["HTTP_PROXY": "http://x:3"]).decide(scheme: "http", host: "a").proxy == nil,
            "upper-case HTTP_PROXY is ignored, as libcurl does")
        #expect(ProxySelection(configured: nil, environment: env).decide(scheme: "http", host: "a").proxy?.source == "http_proxy")
        #expect(ProxySelection(configured: "http://cfg:8080", environment: env).decide(scheme: "https", host: "a").proxy?.source == "network.proxy")
        #expect(ProxySelection(configured: nil, environment: ["ALL_PROXY": "http://all:9"]).decide(scheme: "https", host: "a").proxy?.source == "ALL_PROXY")

        #expect(ProxySelection.bypassEntry("example.com", host: "login.example.com") == "example.com")
        #expect(ProxySelection.bypassEntry(".example.com", host: "example.com") == ".example.com")
        #expect(ProxySelection.bypassEntry("example.com", host: "badexample.com") == nil)
        #expect(ProxySelection.bypassEntry(" a.test , *", host: "anything") == "*")
        #expect(ProxySelection.bypassEntry("10.0.0.0/8", host: "10.1.2.3") == "10.0.0.0/8")
        #expect(ProxySelection.bypassEntry("10.0.0.0/8", host: "11.1.2.3") == nil)
        #expect(ProxySelection.bypassEntry("127.0.0.1", host: "127.0.0.1") == "127.0.0.1")
        let decision = ProxySelection(configured: "http://cfg:8080", environment: ["no_proxy": "microsoftonline.com"])
            .decide(scheme: "https", host: "login.microsoftonline.com")
        #expect(decision.proxy == nil && decision.note == "no_proxy entry 'microsoftonline.com' bypasses http://cfg:8080 for login.microsoftonline.com")
    }

    @Test func proxyCredentialsAreRedacted() {
        #expect(ProxyChoice.redact("http://user:pa%40ss@proxy.corp:3128") == "http://***@proxy.corp:3128")
        #expect(ProxyChoice.redact("http://proxy.corp:3128/path@x") == "http://proxy.corp:3128/path@x")
        #expect(ProxyChoice.redact("user:secret@proxy:8080") == "***@proxy:8080")
        let choice = ProxyChoice(url: "http://u:secret@p:1", source: "HTTPS_PROXY")
        let json = String(decoding: try! JSONEncoder().encode(choice), as: UTF8.self)
        #expect(!json.contains("secret") && choice.connectURL == "http://u:secret@p:1")
    }

    @Test func targetPlansFillPlaceholdersFallBackOrSkip() {
        var configuration = Configuration()
        let relay: [Cloud: [String]] = [.public: ["https://{serviceBusNamespace}.servicebus.windows.net/"]]
        let documented: [Cloud: [String]] = [.public: ["https://ssprdedicatedsbprodncu.servicebus.windows.net/"]]
        let fallback = TargetPlan.make(checkID: "NET-002", targets: relay, fallback: documented, configuration: configuration)
        #expect(fallback.urls == documented[.public]! && fallback.notes.first?.contains("'network.serviceBusNamespace' is not set") == true)
        configuration.network.serviceBusNamespace = "contoso-sspr"
        #expect(TargetPlan.make(checkID: "NET-002", targets: relay, fallback: documented, configuration: configuration).urls
            == ["https://contoso-sspr.servicebus.windows.net/"])
        let agent: [Cloud: [String]] = [.public: ["https://{tenantId}.registration.msappproxy.net/"]]
        let skipped = TargetPlan.make(checkID: "NET-004", targets: agent, fallback: [:], configuration: configuration)
        #expect(skipped.urls.isEmpty && skipped.missing?.contains("'network.tenantId' is not set") == true)
        configuration.network.endpoints["NET-004"] = ["https://127.0.0.1:8443/"]
        #expect(TargetPlan.make(checkID: "NET-004", targets: agent, fallback: [:], configuration: configuration).urls == ["https://127.0.0.1:8443/"])
        configuration.cloud = .china
        #expect(TargetPlan.make(checkID: "NET-001", targets: agent, fallback: [:], configuration: configuration).missing
            == "This check has no targets for the 'china' cloud.")
    }

    @Test func certificateTextBecomesFacts() {
        let facts = CertificateParsing.facts(
            [
                "Subject": " C = US, ST = WA, O = Microsoft Corporation, CN = stamp2.login.microsoftonline.com",
                "Issuer": " C = US, O = \"DigiCert, Inc.\", CN = DigiCert SHA2 Secure Server CA",
                "Start date": "Nov  6 10:00:00 2026 GMT", "Expire date": "Nov  6 09:59:59 2027 GMT",
                "X509v3 Subject Alternative Name": "DNS:login.microsoftonline.com, DNS:login.windows.net",
            ], verified: true)
        #expect(facts?.issuerOrganization == "DigiCert, Inc." && facts?.notBefore == "2026-11-06T10:00:00Z")
        #expect(facts?.notAfter == "2027-11-06T09:59:59Z" && facts?.subjectAlternativeNames == ["DNS:login.microsoftonline.com", "DNS:login.windows.net"])
        #expect(CertificateParsing.attribute("O", in: "/C=US/O=Zscaler Inc./CN=Zscaler Intermediate Root CA") == "Zscaler Inc.")
        #expect(CertificateParsing.facts(["Subject": "CN = x"], verified: true) == nil)
    }

    func observation(_ host: String, failure: NetworkFailure? = nil, issuer: String? = nil, authenticate: [String] = []) -> TargetObservation {
        TargetObservation(
            url: "https://\(host)/", host: host, port: 443, usesTLS: true, failure: failure, curlCode: failure == nil ? 0 : 56,
            curlError: failure == nil ? nil : "x", proxy: ProxyChoice(url: "http://proxy:8080", source: "network.proxy"), proxyNote: nil,
            resolvedAddresses: [], connectedAddress: nil, tlsVersion: "TLSv1.2", cipher: nil,
            certificate: issuer.map {
                CertificateFacts(
                    subject: "CN = \(host)", issuer: "O = \($0), CN = Root", issuerOrganization: $0, subjectAlternativeNames: [],
                    notBefore: nil, notAfter: nil, verified: failure == nil)
            }, httpStatus: failure == nil ? 401 : nil, proxyConnectStatus: failure == .proxyAuthenticationRequired ? 407 : nil,
            proxyAuthenticate: authenticate, timings: .init(totalMs: 12), attempts: 1)
    }

    @Test func tlsInspectionWarnsOnlyForMicrosoftHosts() {
        let issuers = ["Microsoft Corporation", "DigiCert Inc"]
        let inspected = NetworkJudgement.endpoints(
            NetworkFacts(targets: [observation("passwordreset.microsoftonline.com", issuer: "Zscaler Inc.")], notes: []), expectedIssuers: issuers)
        #expect(inspected.status == .warn && inspected.findings.first?.message.contains("'O = Zscaler Inc., CN = Root'") == true)
        let genuine = NetworkJudgement.endpoints(
            NetworkFacts(targets: [observation("login.microsoftonline.com", issuer: "DigiCert Inc")], notes: []), expectedIssuers: issuers)
        #expect(genuine.status == .pass && genuine.findings.isEmpty)
        let ownServer = NetworkJudgement.endpoints(
            NetworkFacts(targets: [observation("relay.corp.example", issuer: "Corp CA")], notes: []), expectedIssuers: issuers)
        #expect(ownServer.status == .pass, "a host replaced through network.endpoints gets no interception warning")
        let untrusted = NetworkJudgement.endpoints(
            NetworkFacts(targets: [observation("x.servicebus.windows.net", failure: .certificateUntrusted, issuer: "Zscaler Inc.")], notes: []),
            expectedIssuers: issuers)
        #expect(untrusted.status == .fail && untrusted.findings.first?.message.contains("this looks like TLS inspection") == true)
        #expect(ReportTable.tables(in: untrusted.evidence).first?.rows.first?[1] == "certificate-untrusted")
    }

    @Test func aProxyChallengeWarnsForWindowsAuthenticationAndFailsForBasic() {
        let windows = NetworkJudgement.proxy(
            NetworkFacts(targets: [observation("login.microsoftonline.com", failure: .proxyAuthenticationRequired, authenticate: ["Negotiate", "NTLM"])], notes: []),
            expectedIssuers: [])
        #expect(windows.status == .warn && windows.findings.first?.message.contains("useDefaultCredentials") == true)
        let basic = NetworkJudgement.proxy(
            NetworkFacts(targets: [observation("login.microsoftonline.com", failure: .proxyAuthenticationRequired, authenticate: ["Basic"])], notes: []),
            expectedIssuers: [])
        #expect(basic.status == .fail)
        let skipped = NetworkJudgement.proxy(
            NetworkFacts(targets: [], notes: [], withoutProxy: "no proxy configured"), expectedIssuers: [])
        #expect(skipped.status == .skip && skipped.reason == .notApplicable)
    }

    @Test func theConfigurationRejectsProxyCredentialsAndMalformedPins() throws {
        let folder = try TemporaryFolder("netcfg")
        let file = try folder.write("preflight.yml", "network:\n  proxy: http://svc:Secret1@proxy:8080\n  connectTo: [\"a:443:b\"]\n")
        do {
            _ = try Configuration.load(from: file)
            Issue.record("an invalid configuration loaded")
        } catch {
            let text = "\(error)"
            #expect(!text.contains("Secret1") && text.contains("'network.proxy' contains a user name or password ('http://***@proxy:8080')"))
            #expect(text.contains("preflight.yml:2:") && text.contains("'network.connectTo' entry 'a:443:b' is not HOST:PORT:CONNECT-HOST:CONNECT-PORT"))
        }
    }

    @Test func endpointOverridesMustBeURLsWithAHost() throws {
        let folder = try TemporaryFolder("netcfg")
        let file = try folder.write("preflight.yml", "network:\n  endpoints:\n    NET-005: [\"http://crl.example/\", \"ftp://crl.example\"]\n")
        #expect(throws: PreflightError.self) { try Configuration.load(from: file) }
        do {
            _ = try Configuration.load(from: file)
        } catch {
            #expect("\(error)".contains("preflight.yml:3:5: error: 'network.endpoints.NET-005' holds 'ftp://crl.example', which is not an http:// or https:// URL"))
        }
    }
}
