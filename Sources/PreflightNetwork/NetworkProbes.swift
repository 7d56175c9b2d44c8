import Foundation
import PreflightCore
import PreflightEngine

/// The network probe kinds (issue #4): HTTPS/HTTP reachability through libcurl, all targets in parallel.
package let networkProbes: [RegisteredProbe] = [RegisteredProbe(NetworkProbe.self)]

/// The params both network judgements share: per-cloud targets, the issuers Microsoft uses, retries and time caps.
struct NetworkParams: Sendable {
    var targets: [Cloud: [String]]
    var fallbackTargets: [Cloud: [String]]
    var expectedIssuers: [String]
    var retries: Int
    var connectTimeoutSeconds: Double
    var requestTimeoutSeconds: Double

    static func parse(_ reader: ParamsReader) -> NetworkParams? {
        let targets = perCloud(reader, "targets", required: true)
        let fallback = perCloud(reader, "fallbackTargets", required: false)
        let params = NetworkParams(
            targets: targets, fallbackTargets: fallback, expectedIssuers: reader.stringList("expectedIssuers") ?? [],
            retries: reader.int("retries", range: 0...5) ?? 1,
            connectTimeoutSeconds: reader.double("connectTimeoutSeconds", range: 0.1...120) ?? 10,
            requestTimeoutSeconds: reader.double("requestTimeoutSeconds", range: 0.1...600) ?? 20)
        for urls in [targets, fallback].flatMap(\.values) {
            for url in urls where EndpointProber.Target(url.replacingOccurrences(of: "{", with: "x").replacingOccurrences(of: "}", with: "x")) == nil {
                reader.report("'\(url)' is not an http:// or https:// URL with a host. Write it as https://host[:port]/.", key: "targets")
            }
        }
        return reader.hasErrors ? nil : params
    }

    private static func perCloud(_ reader: ParamsReader, _ key: String, required: Bool) -> [Cloud: [String]] {
        guard let nested = reader.nested(key) else {
            if required { reader.report("'params.\(key)' is required: a list of URLs per cloud (public, usgov, china).", key: key) }
            return [:]
        }
        var result: [Cloud: [String]] = [:]
        for cloud in Cloud.allCases { result[cloud] = nested.stringList(cloud.rawValue) }
        nested.finish()
        return result
    }

    func plan(_ context: ProbeContext) -> TargetPlan {
        TargetPlan.make(checkID: context.check.id, targets: targets, fallback: fallbackTargets, configuration: context.configuration)
    }

    /// Probes every target at once, each on its own thread with its own time limit inside the check's deadline.
    func gather(_ context: ProbeContext) async throws -> NetworkFacts {
        let plan = plan(context)
        let network = context.configuration.network
        let prober = EndpointProber(
            caFile: network.caFile, connectTo: network.connectTo,
            proxies: ProxySelection(configured: network.proxy, environment: context.environment), retries: retries,
            connectTimeoutCap: connectTimeoutSeconds, requestTimeoutCap: requestTimeoutSeconds)
        // Leave the runner time to collect, judge and report before the check's deadline: a fifth of it, at least
        // 0.5 s (a loaded machine once took longer than 0.3 s, and the check errored instead of naming the timeout)
        // unless that would take more than 30 % of a very short deadline, and at most 2 s.
        let remaining = context.deadline.timeIntervalSinceNow
        let share = min(2, max(min(0.5, remaining * 0.3), remaining * 0.2))
        let deadline = Date().addingTimeInterval(max(0.2, remaining - share))
        var targets: [EndpointProber.Target] = []
        for url in plan.urls {
            // The configuration and the check's params were validated when loaded; a value filled into a placeholder
            // (e.g. a namespace with a space) can still make a bad URL.
            guard let target = EndpointProber.Target(url) else {
                throw ProbeError("'\(url)' is not a usable URL: check the values filled into this check's targets (network.serviceBusNamespace, network.tenantId).")
            }
            targets.append(target)
        }
        let observations = try await withThrowingTaskGroup(of: (Int, TargetObservation).self) { group in
            for (index, target) in targets.enumerated() {
                group.addTask { (index, try await runBlocking("preflight.network") { prober.probe(target, deadline: deadline) }) }
            }
            var results = [TargetObservation?](repeating: nil, count: targets.count)
            for try await (index, observation) in group { results[index] = observation }
            return results.compactMap { $0 }
        }
        return NetworkFacts(targets: observations, notes: plan.notes)
    }
}

/// `network` (NET-001 to NET-006): Microsoft's endpoints over HTTPS (or HTTP for CRL/OCSP) through libcurl, every target
/// in parallel.
enum NetworkProbe: ProbeKind {
    static let name = "network"
    static let summary =
        "Resolves, connects to and requests every target URL through libcurl (TLS 1.2 minimum, certificate verified), "
        + "in parallel; classifies each failure and records addresses, TLS, certificate, HTTP status, proxy and timings."

    enum Judgement: String, Sendable, CaseIterable {
        /// NET-001 to NET-005: every target reachable.
        case https
        /// NET-006: when a proxy is in use (network.proxy or HTTPS_PROXY), it is reachable, opens CONNECT tunnels to
        /// Microsoft's hosts, and asks for no authentication the sync service cannot give.
        case proxy
    }

    struct Params: Sendable {
        var judgement: Judgement
        var network: NetworkParams
    }

    static func parseParams(_ judgement: Judgement, _ reader: ParamsReader) -> Params? {
        NetworkParams.parse(reader).map { Params(judgement: judgement, network: $0) }
    }

    static func missingInput(_ params: Params, context: ProbeContext) -> String? { params.network.plan(context).missing }

    static func gather(_ params: Params, context: ProbeContext) async throws -> NetworkFacts {
        if params.judgement == .proxy {
            let selection = ProxySelection(configured: context.configuration.network.proxy, environment: context.environment)
            let plan = params.network.plan(context)
            // Without a proxy there is nothing to probe; the judgement says so (not-applicable).
            let decisions = plan.urls.compactMap(EndpointProber.Target.init).map { selection.decide(scheme: $0.scheme, host: $0.host) }
            if decisions.allSatisfy({ $0.proxy == nil }) {
                return NetworkFacts(targets: [], notes: [], withoutProxy: decisions.first?.note ?? "no proxy is configured")
            }
        }
        return try await params.network.gather(context)
    }

    static func evaluate(_ facts: NetworkFacts, params: Params, context: EvaluationContext) -> Evaluation {
        switch params.judgement {
        case .https: NetworkJudgement.endpoints(facts, expectedIssuers: params.network.expectedIssuers)
        case .proxy: NetworkJudgement.proxy(facts, expectedIssuers: params.network.expectedIssuers)
        }
    }
}
