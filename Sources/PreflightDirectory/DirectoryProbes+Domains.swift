import Foundation
import PreflightCore
import PreflightEngine

/// One domain's facts in a run over several domains (`ldap:` a list), or why they could not be gathered.
package struct DomainOutcome: Codable, Sendable {
    /// The domain's DNS name: its DC's, or from its settings when the DC could not be reached (`domainLabel`).
    var domain: String
    var facts: DirectoryProbe.Facts?
    /// Why nothing was gathered (the DC is down, the bind failed, …); the domain is then `error`.
    var error: String?
    var errorEvidence: [String: JSONValue]?
}

/// Several domains: each is gathered on its own (concurrently, under the check's one deadline, each from the run's
/// shared facts of that domain) and judged on its own; the check's result is the worst (`PerDomain.merge`).
extension DirectoryProbe {
    static func gatherDomains(_ params: Params, context: ProbeContext) async -> [DomainOutcome] {
        let domains = context.configuration.ldapDomains
        // Each domain must be done a little before the check's deadline, so that a DC that never answers costs its own
        // domain's verdict and not the others' (the check's deadline would otherwise discard them all).
        let remaining = context.deadline.timeIntervalSinceNow
        let deadline = context.deadline.addingTimeInterval(-min(2, max(0.25, remaining / 10)))
        return await withTaskGroup(of: (Int, DomainOutcome).self) { group in
            for index in domains.indices {
                group.addTask {
                    let label = domains[index].domainLabel
                    let narrowed = ProbeContext(
                        configuration: context.configuration.domain(index), check: context.check, deadline: deadline,
                        shared: context.shared, environment: context.environment)
                    // A DC that did not answer within an earlier check's deadline is not waited for again in this run.
                    let hungKey = "directory.hung.\(index)"
                    if let hung = await context.shared.note(hungKey) { return (index, DomainOutcome(domain: label, error: hung)) }
                    let work: @Sendable () async -> DomainOutcome? = { await gatherDomain(params, context: narrowed, index: index, label: label) }
                    let outcome = await firstOf(work, orAt: deadline, { nil })
                    // The connection has the same deadline (its watchdog shuts the socket then), so a hung DC ends either
                    // way, whichever comes first: both must be noted, or a later check (AD-003: 900 s) waits for it again.
                    if let outcome, outcome.facts != nil || Date() < deadline { return (index, outcome) }
                    let hung =
                        "The DC of \(label) (\(domains[index].url ?? "ldap.url")) did not answer within \(context.check.id)'s deadline, so "
                        + "this domain could not be judged (nor by the later checks of this run); the other domains were. Check that "
                        + "the DC answers LDAP, or raise 'timeoutSeconds'."
                    await context.shared.note(hungKey, hung)
                    return (index, DomainOutcome(domain: label, error: hung))
                }
            }
            var outcomes: [(Int, DomainOutcome)] = []
            for await outcome in group { outcomes.append(outcome) }
            return outcomes.sorted { $0.0 < $1.0 }.map(\.1)
        }
    }

    /// One domain's facts, or why they could not be gathered.
    static func gatherDomain(_ params: Params, context: ProbeContext, index: Int, label: String) async -> DomainOutcome {
        let settings = context.configuration.ldap
        do {
            let facts = try await gatherDomain(params, context: context, index: index)
            return DomainOutcome(domain: domainName(of: facts, settings), facts: facts)
        } catch let error as ProbeError {
            return DomainOutcome(domain: label, error: error.description, errorEvidence: error.evidence)
        } catch is CancellationError {
            return DomainOutcome(domain: label, error: "The check was cancelled before it finished.")
        } catch {
            return DomainOutcome(domain: label, error: "\(error)")
        }
    }

    static func evaluateDomains(_ outcomes: [DomainOutcome], params: Params, context: EvaluationContext) -> Evaluation {
        let domains = context.configuration.ldapDomains
        let parts = outcomes.enumerated().map { index, outcome in
            // Saved facts judged with another configuration may list fewer domains; the settings only name the account.
            let configuration = domains.indices.contains(index) ? context.configuration.domain(index) : context.configuration
            let narrowed = EvaluationContext(configuration: configuration, check: context.check, now: context.now)
            let evaluation: Evaluation
            if let facts = outcome.facts {
                evaluation = evaluateDomain(facts, params: params, context: narrowed)
            } else {
                let reason = outcome.error ?? "Nothing was gathered from this domain."
                evaluation = Evaluation(
                    status: .error, message: reason, findings: [Finding(status: .error, target: outcome.domain, message: reason)],
                    evidence: outcome.errorEvidence ?? [:])
            }
            return (domain: outcome.domain, evaluation: PerDomain.tag(evaluation, domain: outcome.domain))
        }
        return PerDomain.merge(parts)
    }

    /// The DNS name of the domain the facts are of, else the one its settings name.
    static func domainName(of facts: Facts, _ settings: Configuration.LDAPConfiguration) -> String {
        switch facts {
        case .snapshot(let snapshot), .remoteSAM(let snapshot, _), .gmsa(let snapshot, _): return snapshot.domain.dnsName
        case .bind(let bind): return bind.domain ?? settings.domainLabel
        case .accountNotFound, .domains: return settings.domainLabel
        }
    }
}

extension Configuration.LDAPConfiguration {
    /// The domain's DNS name as its settings spell it, for a domain whose DC could not say: `baseDN`'s, or the bind
    /// account's (a DN's `DC=` components, or a UPN's suffix), else the URL's host.
    package var domainLabel: String {
        if let baseDN, !DistinguishedName(baseDN).dnsName.isEmpty { return DistinguishedName(baseDN).dnsName.lowercased() }
        if let bindDN {
            if bindDN.contains("="), !DistinguishedName(bindDN).dnsName.isEmpty { return DistinguishedName(bindDN).dnsName.lowercased() }
            if let at = bindDN.lastIndex(of: "@") { return String(bindDN[bindDN.index(after: at)...]).lowercased() }
        }
        return url.flatMap { URLComponents(string: $0)?.host } ?? url ?? "the directory"
    }
}
