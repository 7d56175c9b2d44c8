/// The verdict of `preflight why` for one user: the per-user readiness of the same report (`Readiness`), in its order
/// (the user's own blockers, then checks that could not judge the user, then blockers of everyone, then sides not
/// assessed), plus what the story's own sides show that no finding names (outside the scope, not in the tenant): so it
/// agrees with `--format users-csv` and never says "ready" where a side is unknown.
extension UserStory {
    package static func verdict(
        readiness: Readiness, user: Identity, scope: Scope, tenant: Tenant, rights: [Right], account: Account?, selection: String?
    ) -> Verdict {
        let entry = readiness.users.first { entry in
            let upn = user.upn?.lowercased(), dn = user.dn?.lowercased()
            return (upn != nil && entry.user.lowercased() == upn) || (dn != nil && (entry.dn?.lowercased() == dn || entry.user.lowercased() == dn))
        }
        var blockers = (entry?.blockers ?? []).map { Blocker(cause: $0.cause, label: Readiness.label($0.cause), checks: $0.checks, detail: $0.detail) }
        func add(_ cause: String, _ label: String, _ checks: [String], _ detail: String?) {
            if let index = blockers.firstIndex(where: { $0.cause == cause }) {
                blockers[index].checks += checks.filter { !blockers[index].checks.contains($0) }
                if let detail, !(blockers[index].detail?.contains(detail) ?? false) {
                    blockers[index].detail = blockers[index].detail.map { $0 + ", " + detail } ?? detail
                }
            } else {
                blockers.append(Blocker(cause: cause, label: label, checks: checks, detail: detail))
            }
        }
        func rule(_ cause: String) -> [String] { Readiness.rules.filter { $0.cause == cause }.map(\.check) }
        if scope.synchronization.answer == .no {
            add("out-of-scope", "Not in writeback's synchronization scope", [], scope.synchronization.detail)
        }
        if tenant.inUsersExport.answer == .no {
            add("not-in-tenant", "Not in the tenant's users export", ["INV-001"], nil)
        } else if scope.sspr.answer == .no {
            add("not-in-sspr-scope", "Not in the tenant's SSPR scope", ["INV-001"], scope.sspr.detail)
        }
        for (side, cause) in [(tenant.synchronized, "not-synchronized"), (tenant.enabled, "disabled"), (tenant.licence, "no-licence"),
                              (tenant.registration, "not-registered")] where side.answer == .no {
            add(cause, Readiness.label(cause), rule(cause), nil)
        }
        if account?.disabled.answer == .yes { add("disabled", Readiness.label("disabled"), [], "disabled in AD") }
        if account?.protected.answer == .yes { add("protected-account", Readiness.label("protected-account"), rule("protected-account"), nil) }
        let judgedRights = Set(Readiness.rules.filter { $0.side == "directory rights" }.map(\.check))
        for right in rights where right.verdict == .missing && right.checks.contains(where: judgedRights.contains) {
            let cause = right.cause ?? "missing-right"
            add(cause, Readiness.label(cause), right.checks.filter(judgedRights.contains), right.name)
        }

        var undecided = entry?.undecided ?? []
        for right in rights where right.verdict == .undecided {
            undecided += right.checks.filter { judgedRights.contains($0) && !undecided.contains($0) }
        }
        var unknown = undecided.map { "\($0) could not judge this user" }
        let narrowed = selection == nil ? "" : " (for the checks selected)"
        if !blockers.isEmpty {
            return Verdict(
                state: .blocked, blockers: blockers, environment: readiness.environmentBlockers, unknown: unknown,
                summary: "Blocked\(narrowed) by \(blockers.count == 1 ? "one cause" : "\(blockers.count) causes") of this user's own.")
        }
        if unknown.isEmpty, !readiness.environmentBlockers.isEmpty {
            let checks = Readiness.list(readiness.environmentBlockers)
            return Verdict(
                state: .blocked, blockers: [], environment: readiness.environmentBlockers, unknown: [],
                summary: "Blocked\(narrowed) by \(checks), which stop\(readiness.environmentBlockers.count == 1 ? "s" : "") writeback for everyone.")
        }
        unknown += readiness.notAssessed.map { gap in
            let what = ["not run": "was not run", "skip": "was skipped", "error": "could not decide (error)"][gap.status] ?? "is \(gap.status)"
            return "\(gap.side): \(gap.check) \(what)"
        }
        if readiness.inScope == nil { unknown.append("neither the tenant exports nor the directory counted the in-scope users") }
        let sides: [(String, Side)] = [
            ("synchronization scope", scope.synchronization), ("SSPR scope", scope.sspr), ("in the tenant", tenant.inUsersExport),
            ("synchronized", tenant.synchronized), ("enabled", tenant.enabled), ("licence", tenant.licence),
            ("registration", tenant.registration),
        ]
        unknown += sides.filter { $0.1.answer == .unknown }.map { "\($0.0): \($0.1.detail)" }
        if rights.isEmpty { unknown.append("directory rights: the run did not judge the connector account's rights on this user") }
        if let account, account.protected.answer == .unknown { unknown.append("protection: \(account.protected.detail)") }
        if !unknown.isEmpty {
            return Verdict(
                state: .unknown, blockers: [], environment: [], unknown: unknown,
                summary: "Unknown\(narrowed): nothing found blocks this user, but not every side was assessed, so this is not \"ready\".")
        }
        return Verdict(
            state: .ready, blockers: [], environment: [], unknown: [],
            summary: "Ready\(narrowed): every side was assessed and nothing blocks a password reset with writeback.")
    }
}
