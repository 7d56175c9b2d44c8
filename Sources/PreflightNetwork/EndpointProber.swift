import Foundation
import PreflightCore

#if canImport(Glibc)
    import Glibc
#endif

/// Probes one target URL: DNS, TCP, TLS (1.2 minimum, verified), one HTTP request; retries transient
/// failures with a fresh connection; after a certificate or TLS-version failure, makes one evidence-only
/// handshake to show what the server presented (its result never makes a target reachable).
struct EndpointProber: Sendable {
    var caFile: String?
    var connectTo: [String]
    var proxies: ProxySelection
    var retries: Int
    var connectTimeoutCap: Double
    var requestTimeoutCap: Double

    typealias Target = EndpointURL

    /// Blocking: call through `runBlocking`. `deadline` bounds every attempt together.
    func probe(_ target: Target, deadline: Date) -> TargetObservation {
        let decision = proxies.decide(scheme: target.scheme, host: target.host)
        var attempt = 0
        var observation: TargetObservation
        repeat {
            attempt += 1
            let attemptsLeft = Double(retries + 2 - attempt)
            let budget = max(0.2, deadline.timeIntervalSinceNow / attemptsLeft)
            let total = min(requestTimeoutCap, budget)
            let transfer = CurlTransfer(
                url: target.url, proxy: decision.proxy, caFile: caFile, connectTo: connectTo,
                connectTimeout: min(connectTimeoutCap, total), totalTimeout: total)
            observation = Self.observation(target, transfer.perform(), proxy: decision, attempts: attempt)
            observation.timeoutSeconds = total
        } while observation.failure?.isRetryable == true && attempt <= retries && deadline.timeIntervalSinceNow > 0.5

        addEvidence(to: &observation, target: target, decision: decision, deadline: deadline)
        let pin = pin(for: target)
        observation.pinnedBy = pin?.entry
        if decision.proxy == nil, observation.failure != .dnsFailure {
            observation.resolvedAddresses = Self.resolve(pin?.host ?? target.host, timeout: min(2, max(0.1, deadline.timeIntervalSinceNow)))
        }
        return observation
    }

    private func addEvidence(to observation: inout TargetObservation, target: Target, decision: ProxySelection.Decision, deadline: Date) {
        guard let failure = observation.failure,
            failure.isCertificateProblem || failure == .tlsVersionTooOld || failure == .tlsHandshakeFailure
        else { return }
        let remaining = deadline.timeIntervalSinceNow
        guard remaining > 0.3 else { return }
        let evidence = CurlTransfer(
            url: target.url, proxy: decision.proxy, caFile: caFile, connectTo: connectTo,
            connectTimeout: min(connectTimeoutCap, remaining), totalTimeout: min(requestTimeoutCap, remaining),
            verifyPeer: false, allowLegacyTLS: !failure.isCertificateProblem
        ).perform()
        if observation.certificate == nil { observation.certificate = evidence.certificate }
        guard !failure.isCertificateProblem, let offered = evidence.tlsVersion else { return }
        // A server that drops a TLS 1.2 ClientHello but completes TLS 1.0/1.1 is outdated, not broken.
        observation.tlsVersion = offered
        observation.failure = .tlsVersionTooOld
    }

    /// The `network.connectTo` entry that sends this target's connection elsewhere, and the host it goes to
    /// (libcurl uses the first entry that matches, as here).
    private func pin(for target: Target) -> (entry: String, host: String)? {
        for entry in connectTo {
            let parts = entry.split(separator: ":", omittingEmptySubsequences: false).map(String.init)
            guard parts.count == 4 else { continue }
            if (parts[0].isEmpty || parts[0].lowercased() == target.host.lowercased()) && (parts[1].isEmpty || Int(parts[1]) == target.port) {
                return (entry, parts[2].isEmpty ? target.host : parts[2])
            }
        }
        return nil
    }

    static func observation(
        _ target: Target, _ outcome: CurlTransfer.Outcome, proxy: ProxySelection.Decision, attempts: Int
    ) -> TargetObservation {
        var observation = TargetObservation(
            url: target.url, host: target.host, port: target.port, usesTLS: target.scheme == "https", failure: nil,
            curlCode: outcome.code, curlError: outcome.errorText, proxy: proxy.proxy, proxyNote: proxy.note,
            resolvedAddresses: [], connectedAddress: outcome.primaryIP, pinnedBy: nil, tlsVersion: outcome.tlsVersion, cipher: outcome.cipher,
            certificate: outcome.certificate, httpStatus: outcome.httpStatus, proxyConnectStatus: outcome.proxyConnectStatus,
            proxyAuthenticate: outcome.proxyAuthenticate, timings: outcome.timings, attempts: attempts)
        observation.failure = FailureClassifier.classify(
            FailureClassifier.Input(
                code: outcome.code, errorText: outcome.errorText ?? "", httpStatus: outcome.httpStatus,
                proxyConnectStatus: outcome.proxyConnectStatus, verifyResult: outcome.verifyResult, osErrno: outcome.osErrno,
                usesTLS: target.scheme == "https", viaProxy: proxy.proxy != nil, connected: outcome.tcpConnected || outcome.timings.connectMs != nil,
                tlsDone: outcome.timings.tlsMs != nil))
        return observation
    }

    /// getaddrinfo on a helper thread, abandoned after `timeout` (a stuck resolver must not hold the check).
    static func resolve(_ host: String, timeout: Double) -> [String] {
        final class Box: @unchecked Sendable { var addresses: [String] = [] }
        let box = Box()
        let done = DispatchSemaphore(value: 0)
        let thread = Thread {
            var hints = addrinfo()
            hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
            var result: UnsafeMutablePointer<addrinfo>?
            if getaddrinfo(host, nil, &hints, &result) == 0 {
                var found: [String] = []
                var item = result
                while let info = item {
                    var buffer = [CChar](repeating: 0, count: Int(NI_MAXHOST))
                    if getnameinfo(info.pointee.ai_addr, info.pointee.ai_addrlen, &buffer, socklen_t(buffer.count), nil, 0, NI_NUMERICHOST) == 0 {
                        let address = String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
                        if !found.contains(address) { found.append(address) }
                    }
                    item = info.pointee.ai_next
                }
                freeaddrinfo(result)
                box.addresses = found
            }
            done.signal()
        }
        thread.start()
        return done.wait(timeout: .now() + timeout) == .success ? box.addresses : []
    }
}
