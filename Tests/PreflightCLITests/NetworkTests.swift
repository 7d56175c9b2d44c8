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

/// The network checks end to end, through the binary, against real servers on 127.0.0.1 (NetworkLab):
/// each test asserts the status, the classification and the evidence in the JSON report, and the exit code.
@Suite("Network probe")
struct NetworkTests {
    let folder = try! TemporaryFolder("network")

    struct Outcome {
        var result: CLIResult
        var report: Report
        var markdown: String

        func check(_ id: String) -> CheckResult { report.checks.first { $0.id == id }! }
        func targets(_ id: String) throws -> [TargetObservation] {
            guard case .array(let items)? = check(id).evidence["targets"] else { return [] }
            return try items.map { try JSONDecoder().decode(TargetObservation.self, from: JSONEncoder().encode($0)) }
        }
    }

    /// Runs `checks` with `network:` settings `yaml` (indented under `network:`). Tests of timeouts pass a short
    /// deadline; the others a roomy one, because a loaded 2-core CI machine can slow even a local TLS handshake.
    func run(
        _ checks: String, network yaml: String, environment: [String: String] = [:], timeout: Double = 30, extra: String = ""
    ) async throws -> Outcome {
        let lab = try await NetworkLab.shared()
        let config = try folder.write(
            "preflight-\(UUID().uuidString.prefix(6)).yml",
            "timeoutSeconds: \(timeout)\n\(extra)network:\n  caFile: \(lab.caFile)\n\(yaml)\n")
        let out = "out-\(UUID().uuidString.prefix(6))"
        var env = ["HTTPS_PROXY": "", "https_proxy": "", "http_proxy": "", "ALL_PROXY": "", "all_proxy": "", "NO_PROXY": "", "no_proxy": ""]
        for (key, value) in environment { env[key] = value }
        let result = try await CLI.run(["run", "--config", config, "--only", checks, "--out", out], in: folder.path, environment: env)
        let json = try folder.read("\(out)/latest.json")
        try await SchemaValidator.validate(reportAt: folder.url("\(out)/latest.json"))
        return Outcome(
            result: result, report: try JSONReporter.parse(Data(json.utf8), file: "latest.json"),
            markdown: try folder.read("\(out)/latest.md"))
    }

    func endpoints(_ urls: String...) -> String {
        "  endpoints:\n    NET-001: [\(urls.map { "\"\($0)\"" }.joined(separator: ", "))]"
    }

    @Test func aServerWithATrustedCertificateIsReachableWithEveryPieceOfEvidence() async throws {
        let lab = try await NetworkLab.shared()
        let outcome = try await run("NET-001", network: endpoints(lab.url("ok")))
        #expect(outcome.result.exitCode == 0, "\(outcome.result)")
        let check = outcome.check("NET-001")
        #expect(check.status == .pass && check.findings.isEmpty, "\(check)")
        let target = try #require(try outcome.targets("NET-001").first)
        #expect(target.failure == nil && target.httpStatus == 401 && target.tlsVersion == "TLSv1.3" && target.cipher != nil)
        #expect(target.resolvedAddresses.contains("127.0.0.1") && target.connectedAddress != nil)
        let certificate = try #require(target.certificate)
        #expect(certificate.verified && certificate.subject.contains("CN = localhost") && certificate.issuerOrganization == "Preflight Test Lab")
        #expect(certificate.subjectAlternativeNames.contains("DNS:localhost") && certificate.notAfter?.hasPrefix("20") == true)
        #expect(target.timings.dnsMs != nil && target.timings.connectMs != nil && target.timings.tlsMs != nil)
        #expect(target.timings.firstByteMs != nil && target.timings.totalMs > 0 && target.attempts == 1)
        #expect(target.proxy == nil && target.proxyNote?.contains("no proxy configured") == true)
        // A passing network check still shows its per-target table, and the report says where it ran from.
        #expect(outcome.markdown.contains("## Evidence from passing checks"))
        #expect(outcome.markdown.contains("| \(lab.url("ok")) | reachable | TLSv1.3 | 401 |"))
        #expect(outcome.report.notices.contains { $0.contains("machine.config") })
    }

    @Test(arguments: [
        ("expired", NetworkFailure.certificateExpired), ("notyet", .certificateNotYetValid),
        ("selfsigned", .certificateUntrusted), ("wrongname", .hostnameMismatch),
    ])
    func certificateProblemsFailWithTheirClassAndTheCertificateShown(_ server: String, _ expected: NetworkFailure) async throws {
        let lab = try await NetworkLab.shared()
        let outcome = try await run("NET-001", network: endpoints(lab.url(server)))
        #expect(outcome.result.exitCode == 1, "\(outcome.result)")
        let check = outcome.check("NET-001")
        #expect(check.status == .fail)
        let finding = try #require(check.findings.first)
        #expect(finding.target == lab.url(server) && finding.details?["classification"]?.stringValue == expected.rawValue)
        #expect(finding.details?["curlError"]?.stringValue?.isEmpty == false)
        let target = try #require(try outcome.targets("NET-001").first)
        #expect(target.failure == expected && target.curlCode == 60 && target.attempts == 1, "certificate failures are not retried")
        // The evidence-only handshake shows what was presented, marked unverified.
        let certificate = try #require(target.certificate)
        #expect(!certificate.verified)
        switch expected {
        case .certificateExpired: #expect(finding.message.contains("expired on \(certificate.notAfter!)"))
        case .certificateNotYetValid: #expect(finding.message.contains("is not valid yet (valid from"))
        case .certificateUntrusted: #expect(finding.message.contains("not trusted") && certificate.issuer.contains("CN = localhost"))
        default: #expect(finding.message.contains("It names DNS:server.elsewhere.test"))
        }
    }

    @Test func aServerThatOnlySpeaksTLS10Or11IsTooOldAndItsVersionIsNamed() async throws {
        let lab = try await NetworkLab.shared()
        let outcome = try await run("NET-001", network: endpoints(lab.url("old")))
        let target = try #require(try outcome.targets("NET-001").first)
        #expect(target.failure == .tlsVersionTooOld && target.tlsVersion == "TLSv1.1", "\(target)")
        #expect(outcome.check("NET-001").findings.first?.message.contains("does not speak TLS 1.2 or later (it offers TLSv1.1)") == true)
        #expect(outcome.result.exitCode == 1)
    }

    @Test func aClosedPortIsRefusedAndRetriedWithAFreshConnection() async throws {
        let closed = try RefusingPort()
        let port = closed.port
        let outcome = try await run("NET-001", network: endpoints("https://127.0.0.1:\(port)/"))
        let target = try #require(try outcome.targets("NET-001").first)
        #expect(target.failure == .connectionRefused && target.curlCode == 7 && target.attempts == 2, "\(target)")
        withExtendedLifetime(closed) {}
        #expect(outcome.check("NET-001").findings.first?.message == "127.0.0.1:\(port) refused the TCP connection: nothing listens there, or a firewall rejects it.")
    }

    @Test func aFullBacklogIsAConnectTimeout() async throws {
        let listener = try BacklogFullListener()
        let outcome = try await run("NET-001", network: endpoints("https://127.0.0.1:\(listener.port)/"), timeout: 5)
        let target = try #require(try outcome.targets("NET-001").first)
        #expect(target.failure == .connectTimeout && target.curlCode == 28 && target.attempts == 2, "\(target)")
        #expect(outcome.check("NET-001").status == .fail)
        listener.close()
    }

    @Test func aListenerThatNeverSpeaksTLSIsAHandshakeTimeoutAndTheRetryReconnects() async throws {
        let listener = try SilentListener()
        let outcome = try await run("NET-001", network: endpoints("https://127.0.0.1:\(listener.port)/"), timeout: 5)
        let target = try #require(try outcome.targets("NET-001").first)
        #expect(target.failure == .tlsHandshakeTimeout && target.timings.tlsMs == nil && target.curlCode == 28, "\(target)")
        // Never a cached answer: the retry opened a second TCP connection.
        #expect(target.attempts == 2 && listener.acceptedCount == 2)
        listener.close()
    }

    @Test func aServerThatNeverAnswersHTTPTimesOutAfterConnect() async throws {
        let lab = try await NetworkLab.shared()
        let outcome = try await run("NET-001", network: endpoints(lab.url("nohttp")), timeout: 5)
        let target = try #require(try outcome.targets("NET-001").first)
        #expect(target.failure == .timeoutAfterConnect && target.tlsVersion == "TLSv1.3" && target.httpStatus == nil, "\(target)")
    }

    @Test func aDelayingRelayIsSlowButReachableAndTheTimingsShowIt() async throws {
        let lab = try await NetworkLab.shared()
        let outcome = try await run("NET-001", network: endpoints(lab.url("slow")), timeout: 15)
        let target = try #require(try outcome.targets("NET-001").first)
        #expect(target.failure == nil && target.httpStatus == 401, "\(target)")
        // 300 ms each way: the TLS handshake needs one round trip (600 ms), the request another.
        #expect(try #require(target.timings.tlsMs) >= 550 && (try #require(target.timings.firstByteMs)) >= 1100, "\(target.timings)")
    }

    @Test func anUnresolvableNameIsADNSFailure() async throws {
        let outcome = try await run("NET-001", network: endpoints("https://writeback-preflight.invalid/"))
        let target = try #require(try outcome.targets("NET-001").first)
        #expect(target.failure == .dnsFailure && target.curlCode == 6 && target.resolvedAddresses.isEmpty, "\(target)")
        #expect(outcome.check("NET-001").findings.first?.message.contains("did not resolve on this host") == true)
    }

    @Test func plainHTTPTargetsAreProbedWithoutTLS() async throws {
        let lab = try await NetworkLab.shared()
        let outcome = try await run(
            "NET-005", network: "  endpoints:\n    NET-005: [\"\(lab.url("crl"))\"]")
        #expect(outcome.check("NET-005").status == .pass, "\(outcome.check("NET-005"))")
        let target = try #require(try outcome.targets("NET-005").first)
        #expect(!target.usesTLS && target.httpStatus == 200 && target.tlsVersion == nil && target.certificate == nil)
    }

    @Test func anOpenProxyFromTheConfigurationTunnelsAndIsReported() async throws {
        let lab = try await NetworkLab.shared()
        let network = "  proxy: \(lab.proxy("proxy-open"))\n" + endpoints(lab.url("ok")) + "\n    NET-006: [\"\(lab.url("ok"))\"]"
        let outcome = try await run("NET-001,NET-006", network: network)
        #expect(outcome.result.exitCode == 0, "\(outcome.result)")
        let target = try #require(try outcome.targets("NET-001").first)
        #expect(target.failure == nil && target.proxy?.url == lab.proxy("proxy-open") && target.proxy?.source == "network.proxy")
        #expect(target.proxyConnectStatus == 200 && target.connectedAddress == "127.0.0.1" && target.resolvedAddresses.isEmpty)
        #expect(outcome.check("NET-006").status == .pass && outcome.check("NET-006").message.contains("opened a tunnel to every target"))
    }

    @Test func aProxyDemandingBasicAuthenticationFailsBothChecks() async throws {
        let lab = try await NetworkLab.shared()
        let network = "  proxy: \(lab.proxy("proxy-auth"))\n" + endpoints(lab.url("ok")) + "\n    NET-006: [\"\(lab.url("ok"))\"]"
        let outcome = try await run("NET-001,NET-006", network: network)
        let target = try #require(try outcome.targets("NET-001").first)
        #expect(target.failure == .proxyAuthenticationRequired && target.proxyConnectStatus == 407 && target.proxyAuthenticate == ["Basic"])
        let proxyCheck = outcome.check("NET-006")
        #expect(proxyCheck.status == .fail && proxyCheck.findings.first?.message.contains("It offers: Basic.") == true)
        #expect(proxyCheck.findings.first?.message.contains("The sync service cannot answer this challenge") == true)
        #expect(outcome.result.exitCode == 1)
    }

    @Test func aProxyThatDeniesTheTargetIsAProxyRefusal() async throws {
        let lab = try await NetworkLab.shared()
        let outcome = try await run("NET-001", network: "  proxy: \(lab.proxy("proxy-deny"))\n" + endpoints(lab.url("ok")))
        let target = try #require(try outcome.targets("NET-001").first)
        #expect(target.failure == .proxyRefused && target.proxyConnectStatus == 403, "\(target)")
        #expect(outcome.check("NET-001").findings.first?.message.contains("refused to connect to localhost:\(lab.port("ok")) (HTTP 403)") == true)
    }

    @Test func anUnreachableProxyIsNamed() async throws {
        let lab = try await NetworkLab.shared()
        let gone = try RefusingPort()
        let port = gone.port
        let outcome = try await run("NET-001", network: "  proxy: http://127.0.0.1:\(port)\n" + endpoints(lab.url("ok")))
        let target = try #require(try outcome.targets("NET-001").first)
        #expect(target.failure == .proxyUnreachable, "\(target)")
        #expect(outcome.check("NET-001").findings.first?.message.hasPrefix("The proxy http://127.0.0.1:\(port) (from network.proxy) could not be reached") == true)
        withExtendedLifetime(gone) {}
    }

    @Test func theHTTPSProxyEnvironmentVariableIsHonouredAndNoProxyRespected() async throws {
        let lab = try await NetworkLab.shared()
        let viaEnvironment = try await run(
            "NET-001", network: endpoints(lab.url("ok")), environment: ["HTTPS_PROXY": lab.proxy("proxy-deny")])
        let proxied = try #require(try viaEnvironment.targets("NET-001").first)
        #expect(proxied.proxy?.source == "HTTPS_PROXY" && proxied.failure == .proxyRefused, "the deny proxy was used: \(proxied)")

        let bypassed = try await run(
            "NET-001,NET-006", network: endpoints(lab.url("ok")) + "\n    NET-006: [\"\(lab.url("ok"))\"]",
            environment: ["HTTPS_PROXY": lab.proxy("proxy-deny"), "NO_PROXY": "example.test, localhost"])
        let direct = try #require(try bypassed.targets("NET-001").first)
        #expect(direct.proxy == nil && direct.failure == nil, "\(direct)")
        #expect(direct.proxyNote == "NO_PROXY entry 'localhost' bypasses \(lab.proxy("proxy-deny")) for localhost")
        #expect(bypassed.check("NET-006").status == .skip && bypassed.check("NET-006").reason == .notApplicable)
    }

    @Test func proxyCredentialsFromTheEnvironmentNeverReachTheReport() async throws {
        let lab = try await NetworkLab.shared()
        let secret = "Sup3r-Secret-\(UUID().uuidString.prefix(4))"
        let outcome = try await run(
            "NET-001", network: endpoints(lab.url("ok")),
            environment: ["https_proxy": "http://preflight:\(secret)@127.0.0.1:\(lab.port("proxy-auth"))"])
        let target = try #require(try outcome.targets("NET-001").first)
        #expect(target.proxy?.url == "http://***@127.0.0.1:\(lab.port("proxy-auth"))" && target.proxy?.source == "https_proxy")
        let json = JSONReporter.render(outcome.report)
        #expect(!json.contains(secret) && !outcome.markdown.contains(secret) && !outcome.result.stdout.contains(secret))
    }

    @Test func aMicrosoftHostWithACertificateFromAnotherIssuerWarnsOfTLSInspection() async throws {
        let lab = try await NetworkLab.shared()
        // The name is Microsoft's; the address is the lab's server, whose certificate our test CA issued (trusted via caFile).
        let network = "  connectTo: [\"passwordreset.microsoftonline.com:443:127.0.0.1:\(lab.port("ok"))\"]\n"
            + endpoints("https://passwordreset.microsoftonline.com/")
        let outcome = try await run("NET-001", network: network)
        let check = outcome.check("NET-001")
        #expect(check.status == .warn && outcome.result.exitCode == 0, "\(check)")
        let finding = try #require(check.findings.first)
        #expect(finding.status == .warn && finding.message.contains("issued by 'O = Preflight Test Lab, CN = Preflight Test Root CA'"))
        #expect(finding.message.contains("TLS inspection"))
        // The report says the name was not probed at its own address.
        #expect(try outcome.targets("NET-001").first?.pinnedBy == "passwordreset.microsoftonline.com:443:127.0.0.1:\(lab.port("ok"))")
        #expect(check.message.contains("passwordreset.microsoftonline.com:443 was probed at the address 'network.connectTo' gives it"))
        #expect(outcome.markdown.contains("| https://passwordreset.microsoftonline.com/ | reachable | TLSv1.3 | 401 |"))
    }

    @Test func theCloudSyncEndpointNeedsATenantID() async throws {
        let outcome = try await run("NET-004", network: "", extra: "topology: cloud-sync\n")
        let check = outcome.check("NET-004")
        #expect(check.status == .skip && check.reason == .noInput && check.message.contains("'network.tenantId' is not set"), "\(check)")
        #expect(outcome.result.exitCode == 2, "nothing was proven")
    }

    @Test func everyTargetIsProbedAndReportedInOrder() async throws {
        let lab = try await NetworkLab.shared()
        let urls = [lab.url("ok"), lab.url("expired"), lab.url("slow"), lab.url("ok", host: "127.0.0.1")]
        let outcome = try await run("NET-001", network: "  endpoints:\n    NET-001: [\(urls.map { "\"\($0)\"" }.joined(separator: ", "))]", timeout: 15)
        let targets = try outcome.targets("NET-001")
        #expect(targets.map(\.url) == urls)
        #expect(targets.map { $0.failure?.rawValue ?? "reachable" } == ["reachable", "certificate-expired", "reachable", "reachable"])
        #expect(outcome.check("NET-001").message.hasPrefix("1 of 4 targets is unreachable (1 certificate-expired)."))
    }

    @Test func anEndpointOverrideForAnUnknownCheckIsAConfigurationError() async throws {
        let config = try folder.write("typo.yml", "network:\n  endpoints:\n    NET-01: [\"https://localhost/\"]\n")
        for command in [["run", "--config", config, "--out", "typo-out"], ["validate", "--config", config]] {
            let result = try await CLI.run(command, in: folder.path)
            #expect(result.exitCode == 78 && result.stdout.isEmpty, "\(result)")
            #expect(result.stderr.contains("'network.endpoints' names 'NET-01', which is not a check in the catalog"), "\(result)")
        }
        #expect(!FileManager.default.fileExists(atPath: folder.url("typo-out")), "nothing runs on an invalid configuration")
    }
}
