import Foundation
import PreflightCore

/// Pure judgements over the Entra audit log (MON-004, MON-005). Activity names and the OnPremisesAgent detail
/// are Microsoft's (learn.microsoft.com howto-sspr-reporting, "Self-Service Password Management activity types").
enum AuditJudgements {
    static let service = "Self-service Password Management"
    static let selfServiceActivities = ["Reset password (self-service)", "Change password (self-service)", "Unlock user account (self-service)"]
    static let adminReset = "Reset password (by admin)"

    static func isSSPR(_ entry: AuditEntry) -> Bool {
        if let service = entry.service { return service.caseInsensitiveCompare(Self.service) == .orderedSame }
        // A layout without the service column: the activity names are specific enough.
        return (selfServiceActivities + [adminReset]).contains { $0.caseInsensitiveCompare(entry.activity) == .orderedSame }
    }

    static func `is`(_ entry: AuditEntry, _ activity: String) -> Bool { entry.activity.caseInsensitiveCompare(activity) == .orderedSame }

    static func succeeded(_ entry: AuditEntry) -> Bool { entry.result == "success" }

    /// A failure reason that points at the on-premises side (SSPR_0029 OnPremisesAdminActionRequired,
    /// SSPR_0030 OnPremisesConnectivityError, …): the password did not reach Active Directory.
    static func isOnPremises(_ reason: String?) -> Bool {
        guard let reason = reason?.lowercased() else { return false }
        return reason.contains("onpremises") || reason.contains("on-premises") || reason.contains("writeback")
    }

    static func evidence(_ audit: AuditLogFacts, window: MonitoringWindow?) -> [String: JSONValue] {
        Evidence.of(AuditLogView(audit), window.map(WindowView.init))
    }

    static func provenance(_ audit: AuditLogFacts) -> String {
        "Read " + audit.files.map { "\(($0.file as NSString).lastPathComponent): \($0.layout), \($0.encoding), \($0.entries) entries" }
            .joined(separator: "; ") + "."
    }

    static func empty(_ audit: AuditLogFacts) -> Evaluation {
        var evaluation = Evaluation.error(
            "The audit export (\(audit.files.map(\.file).joined(separator: ", "))) holds no entries at all, so nothing about password resets "
                + "can be proven. Download the audit log again for at least the last \(MonitoringFormat.hours(24)) (Entra admin center > "
                + "Monitoring & health > Audit logs, Service: Self-service Password Management > Download), or save Graph directoryAudits pages.",
            evidence: evidence(audit, window: nil))
        evaluation.findings = EventJudgements.malformedFindings(audit.malformed)
        return evaluation
    }

    /// The window over the audit log, and its SSPR entries; or the `error` that says there are none.
    static func windowed(_ audit: AuditLogFacts, windowHours: Double) -> Result<(MonitoringWindow, [AuditEntry]), EvaluationFailure> {
        guard let end = audit.newest else { return .failure(EvaluationFailure(evaluation: empty(audit))) }
        let window = MonitoringWindow(endingAt: end, hours: windowHours)
        let entries = audit.entries.filter { window.contains($0.time) && isSSPR($0) }
        guard !entries.isEmpty else {
            let newest = audit.entries.first(where: isSSPR).map {
                "The newest Self-service Password Management entry is from \(MonitoringFormat.time($0.time)) UTC."
            } ?? "The export holds no Self-service Password Management entry at all."
            var evaluation = Evaluation.error(
                "No Self-service Password Management entries in \(window.describe(clock: "UTC")), so resets cannot be judged: the download "
                    + "is filtered to another service, or too old to show the window. \(newest) " + provenance(audit),
                evidence: evidence(audit, window: window))
            EventJudgements.accountForUnreadableRows(audit.malformed, in: &evaluation, claim: "self-service resets succeed")
            return .failure(EvaluationFailure(evaluation: evaluation))
        }
        return .success((window, entries))
    }

    struct EvaluationFailure: Error {
        var evaluation: Evaluation
    }

    // MARK: MON-004

    static func selfService(_ audit: AuditLogFacts, windowHours: Double, minSuccessRate: Double) -> Evaluation {
        let (window, sspr): (MonitoringWindow, [AuditEntry])
        switch windowed(audit, windowHours: windowHours) {
        case .failure(let failure): return failure.evaluation
        case .success(let value): (window, sspr) = value
        }
        var evidence = evidence(audit, window: window)
        let attempts = sspr.filter { entry in selfServiceActivities.contains { `is`(entry, $0) } }
        let described = window.describe(clock: "UTC")
        let age = MonitoringFormat.age(newest: window.end, readAt: audit.readAt, local: false)
        guard !attempts.isEmpty else {
            var evaluation = Evaluation.skip(
                .noInput,
                "No self-service reset, change or unlock in \(described) (\(sspr.count) other Self-service Password Management entries), "
                    + "so there is no outcome to judge. Widen monitoring.windowHours to cover a period with resets. The export \(age).")
            evaluation.evidence = evidence
            return evaluation
        }
        let successes = attempts.filter(succeeded)
        let failures = attempts.filter { !succeeded($0) }
        let rate = Double(successes.count) / Double(attempts.count)
        evidence = Evidence.of(
            AuditLogView(audit), WindowView(window),
            SelfServiceView(
                attempts: attempts.count, successes: successes.count, failures: failures.count,
                successRate: (rate * 1000).rounded() / 1000, minSuccessRate: minSuccessRate,
                blocked: sspr.filter { `is`($0, "Blocked from self-service password reset") }.count))

        var byReason: [String: [AuditEntry]] = [:]
        for failure in failures { byReason[failure.resultReason ?? "(no reason recorded)", default: []].append(failure) }
        let reasons = byReason.sorted { ($0.value.count, $1.key) > ($1.value.count, $0.key) }
        let onPremises = failures.filter { isOnPremises($0.resultReason) }
        let percent = String(format: "%.0f%%", rate * 100)
        let threshold = String(format: "%.0f%%", minSuccessRate * 100)
        var message = "\(successes.count) of \(attempts.count) self-service attempts succeeded (\(percent)) in \(described)"
        if !reasons.isEmpty { message += "; failures: " + reasons.map { "\($0.key) ×\($0.value.count)" }.joined(separator: ", ") }
        message += ". The export \(age). " + provenance(audit)

        let status: CheckStatus
        var findings: [Finding] = []
        if !onPremises.isEmpty {
            status = .fail
            message = "\(Plural.count(onPremises.count, "self-service attempt")) failed on the on-premises side: the password did not reach Active Directory. " + message
            findings = onPremises.map { finding($0, status: .fail) }
        } else if rate < minSuccessRate {
            status = .warn
            message = "The self-service success rate \(percent) is below monitoring.minSuccessRate (\(threshold)). " + message
            findings = failures.map { finding($0, status: .warn) }
        } else {
            status = .pass
        }
        var evaluation = Evaluation(status: status, message: message, findings: findings, evidence: evidence)
        evaluation.addTable(
            ReportTable(
                title: "Self-service outcomes in the window", columns: ["Activity", "Succeeded", "Failed"],
                rows: selfServiceActivities.map { name in
                    let entries = attempts.filter { `is`($0, name) }
                    return [name, String(entries.filter(succeeded).count), String(entries.filter { !succeeded($0) }.count)]
                }))
        if !reasons.isEmpty {
            evaluation.addTable(
                ReportTable(
                    title: "Failure reasons", columns: ["Reason", "Count", "Side", "Users"],
                    rows: reasons.map { reason, entries in
                        [reason, String(entries.count), isOnPremises(reason) ? "on-premises (writeback)" : "cloud / user",
                         Array(Set(entries.map(\.target))).sorted().prefix(10).joined(separator: ", ")]
                    }))
        }
        EventJudgements.accountForUnreadableRows(audit.malformed, in: &evaluation, claim: "self-service resets succeed")
        return evaluation
    }

    static func finding(_ entry: AuditEntry, status: CheckStatus) -> Finding {
        let reason = entry.resultReason ?? "(no reason recorded)"
        // SSPR_0029 (OnPremisesAdminActionRequired) is what RestrictRemoteSAM on the DCs produces.
        let lower = reason.lowercased()
        let pointer = lower.contains("sspr_0029") || lower.contains("onpremisesadminactionrequired")
            ? " AD-016 checks the DCs' RestrictRemoteSAM, the documented cause of SSPR_0029." : ""
        return Finding(
            status: status, target: entry.target,
            message: "\(entry.activity) \(entry.result) at \(MonitoringFormat.time(entry.time)) UTC: \(reason) "
                + "(\((entry.file as NSString).lastPathComponent):\(entry.line)).\(pointer)",
            details: ["reason": .string(reason), "correlationId": entry.correlationId.map(JSONValue.string) ?? .null])
    }

    // MARK: MON-005

    static func onPremisesAgent(_ entry: AuditEntry) -> String? { entry.detail("OnPremisesAgent") }

    /// The users (lower-cased UPNs) an admin reset in the window with OnPremisesAgent None: only those matter to MON-005,
    /// which asks the directory whether each one is synced from it.
    static func adminResetsNotWrittenBack(_ audit: AuditLogFacts, windowHours: Double) -> [String] {
        guard let end = audit.newest else { return [] }
        let window = MonitoringWindow(endingAt: end, hours: windowHours)
        let resets = audit.entries.filter { entry in
            window.contains(entry.time) && Self.is(entry, adminReset) && isNone(onPremisesAgent(entry))
        }
        return Array(Set(resets.compactMap { $0.targetUPN?.lowercased() })).sorted()
    }

    static func isNone(_ agent: String?) -> Bool { agent?.trimmingCharacters(in: .whitespaces).caseInsensitiveCompare("None") == .orderedSame }

    static func adminResets(_ facts: AdminResetFacts, windowHours: Double) -> Evaluation {
        let audit = facts.audit
        let (window, sspr): (MonitoringWindow, [AuditEntry])
        switch windowed(audit, windowHours: windowHours) {
        case .failure(let failure): return failure.evaluation
        case .success(let value): (window, sspr) = value
        }
        var evidence = evidence(audit, window: window)
        let described = window.describe(clock: "UTC")
        let age = MonitoringFormat.age(newest: window.end, readAt: audit.readAt, local: false)
        let resets = sspr.filter { `is`($0, adminReset) }
        guard !resets.isEmpty else {
            var evaluation = Evaluation.skip(
                .noInput, "No 'Reset password (by admin)' entries in \(described), so there is no admin reset to judge. The export \(age).")
            evaluation.evidence = evidence
            return evaluation
        }
        var failedOnPremises: [AuditEntry] = []
        var cloudOnly: [(AuditEntry, String)] = []
        var notSynced: [AuditEntry] = []
        var unknownAgent: [AuditEntry] = []
        var agents: [String: (Int, Int)] = [:]
        for entry in resets {
            let agent = onPremisesAgent(entry)
            let label = agent ?? "(not recorded)"
            let counts = agents[label] ?? (0, 0)
            agents[label] = succeeded(entry) ? (counts.0 + 1, counts.1) : (counts.0, counts.1 + 1)
            guard let agent else {
                unknownAgent.append(entry)
                continue
            }
            if !succeeded(entry) {
                if !isNone(agent) || isOnPremises(entry.resultReason) { failedOnPremises.append(entry) }
                continue
            }
            guard isNone(agent) else { continue }
            // Written to the cloud only: a problem for a synced user, expected for a cloud-only one.
            let unknown: DirectoryCrossReference.Resolution = facts.directory.unavailable.map { .unchecked($0) } ?? .notFound("")
            switch entry.targetUPN.map(facts.directory.resolution(of:)) ?? unknown {
            case .unchecked(let reason): cloudOnly.append((entry, "whether the user is synced was not checked (\(reason))"))
            case .found(let dn, let domain, _):
                let named = facts.directory.domains == nil ? "" : domain.map { " (\($0))" } ?? ""
                cloudOnly.append((entry, "the user is synced from \(dn)\(named)"))
            case .ambiguous(let matches):
                cloudOnly.append((entry, "a user of that name is synced from \(matches.map { "\($0.dn) (\($0.domain))" }.joined(separator: " and "))"))
            case .notFound: notSynced.append(entry)
            }
        }
        evidence = Evidence.of(
            AuditLogView(audit), WindowView(window),
            AdminResetsView(
                adminResets: resets.count, cloudOnlyForSyncedUsers: cloudOnly.count,
                cloudOnlyUsersNotInDirectory: notSynced.map(\.target), agentNotRecorded: unknownAgent.count))
        var findings: [Finding] = failedOnPremises.map { entry in
            Finding(
                status: .fail, target: entry.target,
                message: "Admin reset failed at \(MonitoringFormat.time(entry.time)) UTC with OnPremisesAgent '\(onPremisesAgent(entry) ?? "")': "
                    + "\(entry.resultReason ?? "(no reason recorded)"), so the password was not set on-premises "
                    + "(\((entry.file as NSString).lastPathComponent):\(entry.line)).",
                details: ["actor": entry.actorUPN.map(JSONValue.string) ?? .null])
        }
        findings += cloudOnly.map { entry, why in
            Finding(
                status: .warn, target: entry.target,
                message: "Reset by \(entry.actorUPN ?? "an admin") at \(MonitoringFormat.time(entry.time)) UTC with OnPremisesAgent None: the new "
                    + "password was written to Entra ID only, Active Directory keeps the old one; \(why) "
                    + "(\((entry.file as NSString).lastPathComponent):\(entry.line)).",
                details: ["actor": entry.actorUPN.map(JSONValue.string) ?? .null])
        }
        let table = ReportTable(
            title: "Admin resets in the window by OnPremisesAgent", columns: ["OnPremisesAgent", "Succeeded", "Failed"],
            rows: agents.sorted { $0.key < $1.key }.map { [$0.key, String($0.value.0), String($0.value.1)] })
        let summary = "\(Plural.count(resets.count, "admin reset")) in \(described): "
            + agents.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value.0 + $0.value.1)" }.joined(separator: ", ") + ". The export \(age). "
            + provenance(audit)
        if unknownAgent.count == resets.count {
            var evaluation = Evaluation.error(
                "None of the \(resets.count) admin resets carries the OnPremisesAgent detail, so whether they reached Active Directory is "
                    + "unknown. Download the audit log with its additional details (the portal CSV's AdditionalDetail columns, or Graph "
                    + "additionalDetails). " + summary,
                evidence: evidence)
            evaluation.addTable(table)
            return evaluation
        }
        let status: CheckStatus = !failedOnPremises.isEmpty ? .fail : !cloudOnly.isEmpty ? .warn : .pass
        var message: String
        switch status {
        case .fail:
            message = "\(Plural.count(failedOnPremises.count, "admin reset")) failed on the on-premises side. " + summary
        case .warn:
            message = "\(Plural.count(cloudOnly.count, "admin reset")) of users synced from Active Directory \(Plural.verb(cloudOnly.count, "was", "were")) written to Entra ID only "
                + "(OnPremisesAgent None): the users' AD passwords did not change. " + summary
        default:
            message = "Every admin reset of a synced user was written back on-premises. " + summary
        }
        if !notSynced.isEmpty {
            message += " \(Plural.count(notSynced.count, "cloud-only reset")) of users not found in the directory \(Plural.verb(notSynced.count, "was", "were")) not flagged (\(notSynced.map(\.target).joined(separator: ", ")))."
        }
        if !unknownAgent.isEmpty { message += " \(unknownAgent.count) entr(ies) carry no OnPremisesAgent detail." }
        var evaluation = Evaluation(status: status, message: message, findings: findings, evidence: evidence)
        evaluation.addTable(table)
        if status == .warn {
            evaluation.generatedRemediation =
                "A reset of a synced user is written back only while password writeback is enabled (CON-002) and alive (MON-001). "
                + "Find out why it was not at the time of these resets, then reset these users again (or let them use SSPR) so that "
                + "Active Directory gets the new password."
        }
        EventJudgements.accountForUnreadableRows(audit.malformed, in: &evaluation, claim: "admin resets were written back")
        return evaluation
    }
}
