import PreflightCore
import PreflightDirectory
import PreflightEngine
import PreflightInventory
import PreflightMonitoring

/// Joins what each area knows about one user into a `UserStory`: the directory (scope, token, rights, protection), the
/// tenant's exports (SSPR scope, sync, licence, registration) and the monitoring logs, with the verdict of the same
/// report's per-user readiness. Lives in the layer that sees every area; the command line only prints the result.
extension UserStorySources {
    package func story(of query: String) async throws(PreflightError) -> UserStory {
        let query = query.trimmingCharacters(in: .whitespaces)
        var directory = try await directoryPart(of: query)
        if directory.identity.upn == nil, query.contains("@"), !query.contains("=") { directory.identity.upn = query }
        let noUPN = directory.identity.foundIn.isEmpty
            ? "The user's UPN is not known from the facts, so the tenant's exports cannot be matched: ask with the UPN."
            : "The user has no userPrincipalName in the directory, so the tenant's exports cannot be matched to it."
        let inventory = InventoryUserStory.story(upn: directory.identity.upn, noUPN: noUPN, in: gathered)
        let inventoryKnows = inventory?.tenant.inUsersExport.answer == .yes
        guard !directory.identity.foundIn.isEmpty || inventoryKnows || directory.identity.dn != nil else {
            throw PreflightError.unknownUser(value: query, advice: advice())
        }
        if inventoryKnows { directory.identity.foundIn.append("the tenant's users export") }
        var tenant = inventory?.tenant ?? .unknown("The run read no tenant export (inventory.users), so the tenant's side is not known.")
        var sspr = inventory?.sspr ?? UserStory.Side(.unknown, "The run read no tenant export (inventory.users).")
        attachChecks(account: &directory.account, sspr: &sspr, tenant: &tenant)
        if inventoryKnows { tenant.licences = InventoryUserStory.licences(of: directory.identity.upn, in: gathered, unchanged: unchanged) }
        let scope = UserStory.Scope(synchronization: directory.synchronization, definedBy: directory.definedBy, sspr: sspr)
        let selectionText = selection.isEmpty ? nil : selection.flags
        return UserStory(
            query: query, source: source, selection: selectionText, user: directory.identity, scope: scope, token: directory.token,
            rights: directory.rights, account: directory.account, tenant: tenant, monitoring: monitoring(directory.identity),
            verdict: UserStory.verdict(
                readiness: report.readiness, user: directory.identity, scope: scope, tenant: tenant, rights: directory.rights,
                account: directory.account, selection: selectionText))
    }

    /// What the directory's facts (and, live, a lookup) say of the user.
    private struct DirectoryPart {
        var identity = UserStory.Identity()
        var synchronization: UserStory.Side
        var definedBy: String?
        var token: UserStory.Token?
        var rights: [UserStory.Right] = []
        var account: UserStory.Account?
    }

    private func directoryPart(of query: String) async throws(PreflightError) -> DirectoryPart {
        let snapshots = DirectoryUserStory.snapshots(in: gathered)
        let matches = DirectoryUserStory.find(query, in: snapshots)
        guard matches.count <= 1 else { throw ambiguous(query, matches.map(\.user.dn)) }
        if let match = matches.first {
            return DirectoryPart(
                identity: DirectoryUserStory.identity(match),
                synchronization: DirectoryUserStory.scope(of: match.user.dn, in: match.snapshot, read: true),
                definedBy: DirectoryUserStory.scopeOrigin(match.snapshot), token: DirectoryUserStory.token(match.snapshot),
                rights: DirectoryUserStory.rights(match, checks: checksJudging), account: DirectoryUserStory.account(match))
        }
        let identity = try await outOfScopeIdentity(query)
        if let dn = identity.dn, let snapshot = DirectoryUserStory.snapshot(holding: dn, in: snapshots) {
            return DirectoryPart(
                identity: identity, synchronization: DirectoryUserStory.scope(of: dn, in: snapshot, read: false),
                definedBy: DirectoryUserStory.scopeOrigin(snapshot), token: DirectoryUserStory.token(snapshot))
        }
        guard !snapshots.isEmpty else {
            return DirectoryPart(
                identity: identity,
                synchronization: UserStory.Side(.unknown, "The run did not read the directory, so its scope is not known (see AD-001 and AD-002)."))
        }
        let count = snapshots.reduce(0) { $0 + $1.users.count }
        let domains = snapshots.map(\.domain.dnsName).joined(separator: ", ")
        let placement = lookup == nil
            ? "Saved facts keep only the in-scope users, so where it is in the directory is not known: give its DN, or run "
                + "'preflight why' with --config to look it up."
            : "A lookup in \(domains) found no such user object either."
        return DirectoryPart(
            identity: identity, synchronization: UserStory.Side(.no, "Not among the \(count) in-scope users the run read in \(domains). \(placement)"))
    }

    /// Each side names the checks of this run that judge it, as the per-user readiness binds them.
    private func attachChecks(account: inout UserStory.Account?, sspr: inout UserStory.Side, tenant: inout UserStory.Tenant) {
        let judged = judgedChecks
        func checks(_ cause: String) -> [String] { Readiness.rules.filter { $0.cause == cause && judged.contains($0.check) }.map(\.check) }
        for side in [\UserStory.Account.protected, \.inheritanceDisabled, \.disabled] {
            account?[keyPath: side].checks.removeAll { !judged.contains($0) }
        }
        sspr.checks = judged.contains("INV-001") ? ["INV-001"] : []
        tenant.inUsersExport.checks = sspr.checks
        tenant.synchronized.checks = checks("not-synchronized")
        tenant.enabled.checks = checks("disabled")
        tenant.licence.checks = checks("no-licence")
        tenant.registration.checks = checks("not-registered")
    }

    /// The checks of this run, but those that do not apply to its topology (AD-006's Change Password under Cloud Sync,
    /// whose permission set lacks it): a side no check asks about names none.
    private var judgedChecks: Set<String> {
        Set(report.checks.filter { !($0.status == .skip && $0.reason == .notApplicable) }.map(\.id))
    }

    /// The checks of this run that judge the right `id` (`WritebackRight.id`).
    func checksJudging(_ id: String) -> [String] {
        let judged = judgedChecks
        return checks.filter { check in
            guard check.probe == DirectoryProbe.name, judged.contains(check.id) else { return false }
            if check.judgement == DirectoryProbe.Judgement.unexpire.rawValue { return id == DirectoryUserStory.domainRootRightID }
            return check.judgement == DirectoryProbe.Judgement.rights.rawValue && check.params["right"]?.stringValue == id
        }.map(\.id)
    }

    /// A user the run's in-scope users do not hold: the DN given, one the monitoring checks resolved, or (live) a lookup.
    private func outOfScopeIdentity(_ query: String) async throws(PreflightError) -> UserStory.Identity {
        let isDN = query.contains("=") && !query.contains("@")
        if let lookup {
            let (found, problems) = await lookup(query)
            guard found.count <= 1 else { throw ambiguous(query, found.map(\.dn)) }
            if let user = found.first {
                return UserStory.Identity(
                    dn: user.dn, upn: user.upn, samAccountName: user.samAccountName, domain: user.domain, objectClass: user.objectClass,
                    foundIn: ["a directory lookup made now (the run's facts hold in-scope users only)"])
            }
            // The directory answered: it has no such user.
            if problems.isEmpty { return UserStory.Identity() }
        }
        if isDN { return UserStory.Identity(dn: query, foundIn: []) }
        if let dn = MonitoringUserStory.resolvedDN(of: query, in: gathered) {
            return UserStory.Identity(dn: dn, upn: query.contains("@") ? query : nil, foundIn: ["the monitoring checks' directory lookup"])
        }
        return UserStory.Identity()
    }

    private func monitoring(_ user: UserStory.Identity) -> UserStory.Monitoring {
        let names = [user.upn, user.dn].compactMap { $0 }
        if let events = MonitoringUserStory.events(naming: names, in: gathered) { return UserStory.Monitoring(events: events) }
        let why = report.run.phase == .health
            ? "no monitoring check read a log in this run (none is configured, or none was selected)"
            : "the monitoring checks run in the health phase ('--phase health'), and this run was of the \(report.run.phase.rawValue) phase"
        return UserStory.Monitoring(notRead: "No event log or audit log was searched: \(why).")
    }

    private func ambiguous(_ query: String, _ dns: [String]) -> PreflightError {
        .usage("'\(query)' names \(dns.count) users: \(dns.joined(separator: "; ")). Give the DN or the UPN of the one you mean.")
    }

    private func advice() -> String {
        let snapshots = DirectoryUserStory.snapshots(in: gathered)
        let count = snapshots.reduce(0) { $0 + $1.users.count }
        var parts = [
            snapshots.isEmpty
                ? "The run did not read the directory."
                : "The directory facts hold the \(count) in-scope users of \(snapshots.map(\.domain.dnsName).joined(separator: ", "))."
        ]
        if lookup == nil {
            parts.append("Saved facts keep only in-scope users: a live run ('preflight why USER --config FILE') also looks the user up.")
        }
        parts.append("List the users the facts hold with 'preflight why --list' (with the same --config or --facts).")
        return parts.joined(separator: " ")
    }
}
