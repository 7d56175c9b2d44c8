/// Per-user readiness: which in-scope users can reset their password with writeback today, and what blocks the others.
///
/// A pure function of the checks (derived like `coverage`, never stored apart from them), so `run`, `evaluate` and
/// `render` agree. It joins the subjects of the per-user checks (`Readiness.rules`) by the user's `userPrincipalName`
/// (the tenant exports' target, the directory findings' `details.upn`), else the DN, or by the immutable id
/// (`details.immutableId`: Entra's `onPremisesImmutableId`, the directory's consistency GUID or objectGUID in base64)
/// where both sides carry it, so a user whose UPN differs between AD and Entra is still one user. Each user falls in
/// exactly one class, in this order:
///
/// - `blocked`: a per-user check names the user (no licence, not registered, a missing right…);
/// - `blockedByEnvironment`: nothing of their own, but a failing critical or high check that is not per-user (an old
///   Connect build, a DC without the password-policy control) stops writeback for everyone;
/// - `unknown`: a side was not assessed (a per-user check skipped, errored, or was not selected; a critical or high
///   check could not decide), or a per-user check could not judge this user: never counted as ready;
/// - `ready`: every side assessed and nothing blocks.
///
/// Users the directory blocks are counted in scope even when the tenant export's scope may not hold them: a false
/// "blocked" is cheaper than a false "ready".
package struct Readiness: Sendable, Codable, Hashable {
    /// The users judged: the SSPR scope from the tenant exports (INV-001), else the directory's in-scope users; nil
    /// when neither side counted them.
    package var inScope: Int?
    /// `inventory` or `directory`: where `inScope` comes from; nil with it.
    package var inScopeSource: String?
    package var ready: Int
    package var blocked: Int
    package var blockedByEnvironment: Int
    package var unknown: Int
    /// Failing critical or high checks that are not per-user: each blocks every user.
    package var environmentBlockers: [String]
    /// Why some users are `unknown`: each side or check that was not assessed.
    package var notAssessed: [Gap]
    /// Users per cause, most users first.
    package var causes: [CauseCount]
    /// Every user a per-user check names, with all of their blockers (and the checks that could not judge them).
    package var users: [User]

    package struct Gap: Sendable, Codable, Hashable {
        /// `directory rights`, `synchronization`, `licence`, `registration`, or `environment`.
        package var side: String
        package var check: String
        /// The check's status (`skip`, `error`) or `not run` when it is not in the report.
        package var status: String
    }

    package struct CauseCount: Sendable, Codable, Hashable {
        package var cause: String
        package var label: String
        package var checks: [String]
        package var severity: Severity
        package var users: Int
    }

    package struct Blocker: Sendable, Codable, Hashable {
        package var cause: String
        package var checks: [String]
        /// What the findings add: the rights missing, the container the cause sits on (`details.inheritedFrom`…).
        package var detail: String?
    }

    package struct User: Sendable, Codable, Hashable {
        /// The UPN when known, else the DN.
        package var user: String
        package var dn: String?
        package var blockers: [Blocker]
        /// Per-user checks that could not judge this user (an unreadable DACL, a DC that disagrees…).
        package var undecided: [String]
    }

    /// One per-user check: its side, and the cause a non-passing finding of it stands for.
    package struct Rule: Sendable {
        package var check: String
        /// Required sides make a user `unknown` when not assessed; optional checks only add blockers.
        package var side: String?
        /// nil: the cause is the finding's `details.cause` (the directory's rights checks).
        package var cause: String?
    }

    package static let rules: [Rule] = [
        Rule(check: "AD-003", side: "directory rights", cause: nil),
        Rule(check: "AD-004", side: "directory rights", cause: nil),
        Rule(check: "AD-005", side: "directory rights", cause: nil),
        Rule(check: "AD-008", side: nil, cause: "protected-account"),
        Rule(check: "INV-002", side: "synchronization", cause: "not-synchronized"),
        Rule(check: "INV-003", side: "licence", cause: "no-licence"),
        Rule(check: "INV-005", side: "registration", cause: "not-registered"),
        Rule(check: "INV-006", side: nil, cause: "disabled"),
    ]

    /// What each cause means, for the reports.
    package static func label(_ cause: String) -> String {
        switch cause {
        case "no-licence": "No enabled Entra ID P1 or P2 plan"
        case "not-registered": "Not registered for SSPR"
        case "not-synchronized": "Cloud-only (not synchronized from AD): writeback does not apply"
        case "disabled": "Account disabled"
        case "protected-account": "Protected account (adminCount=1): writeback cannot reset it"
        case "denied-inherited", "denied-explicit", "denied": "A deny ACE blocks the connector account's rights"
        case "inheritance-disabled-above": "Inheritance disabled on an OU above the user"
        case "user-inheritance-disabled": "Inheritance disabled on the user object"
        case "grant-for-other-class": "The grant covers user objects, not inetOrgPerson"
        default: "The connector account lacks a writeback right (\(cause))"
        }
    }

    package init(checks: [CheckResult]) {
        let byID = Dictionary(checks.map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
        var gaps: [Gap] = []
        var join = ReadinessJoin(findings: Self.rules.reduce(0) { $0 + (byID[$1.check]?.findings.count ?? 0) })
        // The directory's findings carry the UPN in details.upn: the DN of each maps to it, for findings without one.
        for rule in Self.rules where rule.check.hasPrefix("AD-") {
            for finding in byID[rule.check]?.findings ?? [] {
                if let upn = finding.details?["upn"]?.stringValue { join.learn(dn: finding.target, upn: upn) }
            }
        }
        var sidesAssessed: Set<String> = []
        for rule in Self.rules {
            guard let check = byID[rule.check] else {
                if let side = rule.side { gaps.append(Gap(side: side, check: rule.check, status: "not run")) }
                continue
            }
            let judgedUsers = check.status != .skip && !(check.status == .error && !check.findings.contains { $0.status == .error })
            if let side = rule.side {
                if judgedUsers { sidesAssessed.insert(side) } else { gaps.append(Gap(side: side, check: check.id, status: check.status.rawValue)) }
            }
            guard judgedUsers else { continue }
            for finding in check.findings where finding.status != .pass && finding.status != .skip {
                let row = join.row(for: finding)
                if finding.status == .error {
                    join.apply(.undecided(check: check.id), to: row)
                } else {
                    let cause = rule.cause ?? finding.details?["cause"]?.stringValue ?? "missing-right"
                    join.apply(.blocker(cause: cause, check: check.id, detail: finding.details?["right"]?.stringValue), to: row)
                }
            }
        }
        let perUser = Set(Self.rules.map(\.check))
        let environment = checks.filter { !perUser.contains($0.id) && $0.id != "INV-001" }
        environmentBlockers = environment.filter { $0.status == .fail && $0.severity >= .high }.map(\.id).sorted()
        let undecidedEnvironment = Set(Coverage.gaps(in: checks).map(\.id))
        for check in environment where check.severity >= .high && (check.status == .error || undecidedEnvironment.contains(check.id)) {
            gaps.append(Gap(side: "environment", check: check.id, status: check.status.rawValue))
        }
        notAssessed = gaps
        self.users = join.users

        // The users judged: the SSPR scope of the tenant exports, else the directory's.
        let inventoryScope = byID["INV-001"].flatMap { $0.status == .pass || $0.status == .warn ? $0.evidence["inScope"]?.intValue : nil }
        let directoryScope = ["AD-003", "AD-004", "AD-005"].lazy.compactMap { byID[$0]?.evidence["usersInScope"]?.intValue }.first
        if let inventoryScope {
            (inScope, inScopeSource) = (inventoryScope, "inventory")
        } else if let directoryScope {
            (inScope, inScopeSource) = (directoryScope, "directory")
        } else {
            (inScope, inScopeSource) = (nil, nil)
        }
        let outcomes = join.usersPerOutcome
        let blockedUsers = outcomes.filter { !$0.outcome.blockers.isEmpty }.reduce(0) { $0 + $1.users }
        let undecidedUsers = outcomes.filter { $0.outcome.blockers.isEmpty && !$0.outcome.undecided.isEmpty }.reduce(0) { $0 + $1.users }
        blocked = blockedUsers
        let rest = max(0, (inScope ?? blockedUsers + undecidedUsers) - blockedUsers - undecidedUsers)
        if !environmentBlockers.isEmpty {
            (blockedByEnvironment, unknown, ready) = (rest, undecidedUsers, 0)
        } else if !gaps.isEmpty || inScope == nil {
            (blockedByEnvironment, unknown, ready) = (0, undecidedUsers + rest, 0)
        } else {
            (blockedByEnvironment, unknown, ready) = (0, undecidedUsers, rest)
        }

        var counts: [String: (checks: [String], severity: Severity, users: Int)] = [:]
        for (outcome, users) in outcomes {
            for blocker in outcome.blockers {
                let severity = blocker.checks.compactMap { byID[$0]?.severity }.max() ?? .info
                var count = counts[blocker.cause] ?? (checks: [], severity: severity, users: 0)
                count.checks = Array(Set(count.checks + blocker.checks)).sorted()
                count.severity = max(count.severity, severity)
                count.users += users
                counts[blocker.cause] = count
            }
        }
        causes = counts.map { CauseCount(cause: $0.key, label: Self.label($0.key), checks: $0.value.checks, severity: $0.value.severity, users: $0.value.users) }
            .sorted { ($0.users, $0.severity, $1.cause) > ($1.users, $1.severity, $0.cause) }
    }

    /// `ready of inScope` as a sentence a manager reads.
    package var headline: String {
        guard let inScope else {
            return "Per-user readiness is unknown: neither the tenant exports nor the directory counted the in-scope users."
        }
        let noun = inScope == 1 ? "user" : "users"
        var text = "\(ready) of \(inScope) in-scope \(noun) can reset their password with writeback today"
        var parts: [String] = []
        if blocked > 0 { parts.append("\(blocked) blocked by causes of their own") }
        if blockedByEnvironment > 0 {
            parts.append("\(blockedByEnvironment) blocked only by \(Self.list(environmentBlockers)), which stop\(environmentBlockers.count == 1 ? "s" : "") writeback for everyone")
        }
        if unknown > 0 { parts.append("\(unknown) unknown (not every side was assessed)") }
        if !parts.isEmpty { text += ": " + parts.joined(separator: "; ") }
        return text + "."
    }

    static func list(_ items: [String]) -> String {
        switch items.count {
        case 0: ""
        case 1: items[0]
        default: items.dropLast().joined(separator: ", ") + " and " + (items.last ?? "")
        }
    }
}
