import Foundation
import PreflightCore

/// Pure judgements over `InventoryFacts` (no I/O): one function per check. A judgement that lacks a fact it needs
/// returns `error` with the reason; an input that yields no user to judge is an `error`, never a `pass`.
enum InventoryJudgements {
    // MARK: Inputs each check needs

    /// The first unreadable input among `keys` (the users export always counts), as an error evaluation.
    static func inputError(_ facts: InventoryFacts, _ keys: [String]) -> Evaluation? {
        for key in [UsersExport.key] + keys {
            if let message = facts.inputErrors[key] { return .error(message, evidence: inputEvidence(facts)) }
        }
        return nil
    }

    static let catalogKeys = ["built-in licensing table", "inventory.skuCatalog"]

    static func inputEvidence(_ facts: InventoryFacts) -> [String: JSONValue] { Evidence.of(InputsView(facts)) }

    static func scopeDescription(_ facts: InventoryFacts) -> String {
        facts.scopeFromGroup ? "members of the scope group" : "enabled users (no 'inventory.scopeGroup')"
    }

    /// `error` when nobody is in scope, or no in-scope user is an enabled, synchronized user.
    static func noTargets(_ facts: InventoryFacts, what: String) -> Evaluation? {
        if facts.inScope == 0 {
            return .error(
                "No user is in scope (\(scopeDescription(facts))), so \(what) cannot be judged. "
                    + (facts.scopeFromGroup
                        ? "None of the \(facts.scopeGroupRows) rows of the scope group export matches a user of the users export: are both from the same tenant?"
                        : "The users export has no enabled user: check that it is the right file."),
                evidence: inputEvidence(facts))
        }
        if facts.targets == 0 {
            let notes = facts.inputs.first { $0.key == UsersExport.key }?.notes.joined(separator: " ") ?? ""
            return .error(
                "None of the \(facts.inScope) in-scope users is an enabled user synchronized from AD (per '\(facts.syncColumn)'), so "
                    + "\(what) cannot be judged and writeback would serve no one. \(notes)".trimmingCharacters(in: .whitespaces),
                evidence: inputEvidence(facts))
        }
        return nil
    }

    /// One finding per user (the report's contract: one per non-passing subject), with the user's immutable id in
    /// `details.immutableId` where the users export gave one (readiness joins by it). The UPN strings are the facts' own,
    /// so a million findings share their storage instead of copying it.
    static func listed(_ upns: [String], in facts: InventoryFacts, status: CheckStatus, message: (String) -> String) -> [Finding] {
        upns.map { Finding(status: status, target: $0, message: message($0), details: userDetails($0, facts)) }
    }

    /// `{"immutableId": …}` for a user whose immutable id the users export gave; nil otherwise.
    static func userDetails(_ upn: String, _ facts: InventoryFacts) -> JSONValue? {
        facts.immutableIDs?[upn].map { .object(["immutableId": .string($0)]) }
    }

    /// A warning about `users`: `message`, and a finding saying `finding` for each of them.
    static func warning(
        _ message: String, listing users: [String], in facts: InventoryFacts, finding: String, evidence: [String: JSONValue]
    ) -> Evaluation {
        Evaluation(status: .warn, message: message, findings: listed(users, in: facts, status: .warn) { _ in finding }, evidence: evidence)
    }

    /// The table of user counts a judgement shows: a row per (what, how many).
    static func userCounts(_ title: String, _ rows: [(String, Int)]) -> ReportTable {
        ReportTable(title: title, columns: ["Users", "Count"], rows: rows.map { [$0.0, number($0.1)] })
    }

    /// 1000000 → `1,000,000`.
    static func number(_ value: Int) -> String { InputLimits.grouped(value) }

    static func percent(_ part: Int, of whole: Int) -> String {
        whole == 0 ? "n/a" : String(format: "%.1f%%", Double(part) * 100 / Double(whole))
    }

    static func fileName(_ path: String) -> String { (path as NSString).lastPathComponent }

    // MARK: INV-001

    static func exports(_ facts: InventoryFacts) -> Evaluation {
        if !facts.inputErrors.isEmpty {
            let messages = facts.inputErrors.sorted { $0.key < $1.key }.map(\.value)
            var evaluation = Evaluation.error(
                "\(Plural.count(facts.inputErrors.count, "export")) could not be read. " + messages.joined(separator: " "), evidence: inputEvidence(facts))
            evaluation.findings = facts.inputErrors.sorted { $0.key < $1.key }.map {
                Finding(status: .error, target: $0.key, message: $0.value)
            }
            return evaluation
        }
        let evidence = Evidence.of(InputsView(facts), UsersView(facts))

        var findings: [Finding] = []
        // One finding per duplicated UPN, however often it repeats.
        var seen = Set<String>()
        for upn in facts.duplicateUPNs where seen.insert(upn.lowercased()).inserted {
            findings.append(Finding(status: .warn, target: upn, message: "This UPN appears more than once in the users export; the first row counts."))
        }
        if facts.rowsWithoutUPN > 0, let users = facts.inputs.first(where: { $0.key == UsersExport.key }) {
            findings.append(
                Finding(status: .warn, target: users.path, message: "\(Plural.count(facts.rowsWithoutUPN, "row")) \(Plural.verb(facts.rowsWithoutUPN, "has", "have")) no userPrincipalName and \(Plural.verb(facts.rowsWithoutUPN, "was", "were")) ignored."))
        }
        for member in facts.scopeMembersNotInUsers {
            findings.append(Finding(status: .warn, target: member, message: "Member of the scope group, but not in the users export."))
        }
        if facts.scopeNestedGroups > 0, let scope = facts.inputs.first(where: { $0.key == MemberExports.scopeKey }) {
            findings.append(
                Finding(
                    status: .warn, target: scope.path,
                    message: "\(Plural.count(facts.scopeNestedGroups, "member")) \(Plural.verb(facts.scopeNestedGroups, "is a group", "are groups")), whose members are not expanded."))
        }

        var evaluation: Evaluation
        let read = facts.inputs.map { "\(fileName($0.path)) (\($0.format), \(number($0.rows)) rows)" }.joined(separator: "; ")
        let scope = "\(number(facts.inScope)) users in scope (\(scopeDescription(facts))), \(number(facts.targets)) of them enabled and synchronized from AD."
        if facts.inScope == 0, let empty = noTargets(facts, what: "readiness") {
            evaluation = empty
            evaluation.evidence = evidence
        } else {
            var message = "Read \(read). \(scope)"
            var problems: [String] = []
            if !facts.duplicateUPNs.isEmpty { problems.append("\(number(facts.duplicateUPNCount)) duplicate \(Plural.word(facts.duplicateUPNCount, "UPN")) in the users export") }
            if facts.rowsWithoutUPN > 0 { problems.append("\(Plural.count(facts.rowsWithoutUPN, "row")) without a UPN") }
            if !facts.scopeMembersNotInUsers.isEmpty {
                problems.append("\(number(facts.scopeMembersNotInUsers.count)) scope group \(Plural.word(facts.scopeMembersNotInUsers.count, "member")) not in the users export")
            }
            if facts.scopeNestedGroups > 0 { problems.append("\(Plural.count(facts.scopeNestedGroups, "nested group")) in the scope group, not expanded") }
            if facts.targets == 0 { problems.append("no in-scope user is enabled and synchronized from AD, so writeback would serve no one") }
            if !problems.isEmpty { message += " Warnings: " + problems.joined(separator: "; ") + "." }
            evaluation = Evaluation(status: problems.isEmpty ? .pass : .warn, message: message, findings: findings, evidence: evidence)
        }
        evaluation.addTable(
            ReportTable(
                title: "Exports read", columns: ["Key", "File", "Format", "Encoding", "Delimiter", "Rows"],
                rows: facts.inputs.map { [$0.key, fileName($0.path), $0.format, $0.encoding, $0.delimiter, number($0.rows)] }))
        evaluation.addTable(totalsTable(facts))
        return evaluation
    }

    static func totalsTable(_ facts: InventoryFacts) -> ReportTable {
        var rows = [
            ["Users in the export", number(facts.users)],
            ["Enabled", number(facts.enabledUsers)],
            ["Synchronized from AD (\(facts.syncColumn))", number(facts.syncedUsers)],
            ["In scope (\(scopeDescription(facts)))", number(facts.inScope)],
            ["In scope, cloud-only", number(facts.cloudOnlyInScope.count)],
            ["In scope, disabled", number(facts.disabledInScope.count)],
            ["In scope, enabled and synchronized (judged below)", number(facts.targets)],
        ]
        if let licensing = facts.licensing {
            rows.append(["… with an enabled P1/P2 plan", number(licensing.licensedTargets)])
            rows.append(["… without", number(licensing.unlicensedTargets.count)])
            if !licensing.unknownTargets.isEmpty { rows.append(["… unknown (SKU not in the licensing table)", number(licensing.unknownTargets.count)]) }
        }
        if let registration = facts.registration {
            rows.append(["… registered for SSPR", number(registration.registeredTargets)])
            rows.append(["… not registered", number(registration.unregisteredTargets.count)])
        }
        return ReportTable(title: "Users", columns: ["Users", "Count"], rows: rows)
    }

    // MARK: INV-002

    static func cloudOnly(_ facts: InventoryFacts) -> Evaluation {
        if let error = inputError(facts, [MemberExports.scopeKey]) { return error }
        let evidence = Evidence.of(InputsView(facts), InScopeView(inScope: facts.inScope, cloudOnlyInScope: facts.cloudOnlyInScope.count))
        if facts.inScope == 0, let empty = noTargets(facts, what: "which users are cloud-only") { return empty }
        let enabledInScope = facts.inScope - facts.disabledInScope.count
        guard enabledInScope > 0 else {
            return .error(
                "All \(number(facts.inScope)) members of the scope group are disabled accounts, so nobody in scope could use SSPR. "
                    + "Check that the scope group export is the right one.", evidence: evidence)
        }
        let count = facts.cloudOnlyInScope.count
        var evaluation =
            count == 0
            ? Evaluation(
                status: .pass,
                message: "Every one of the \(number(enabledInScope)) enabled in-scope users is synchronized from AD "
                    + "(per '\(facts.syncColumn)'), so writeback applies to all of them.",
                evidence: evidence)
            : warning(
                "\(number(count)) of \(number(facts.inScope)) in-scope users (\(percent(count, of: facts.inScope))) are cloud-only "
                    + "(not synchronized from AD per '\(facts.syncColumn)'). SSPR works for them, but password writeback does not apply: "
                    + "their password lives only in Entra ID.",
                listing: facts.cloudOnlyInScope, in: facts, finding: "Cloud-only: writeback does not apply.", evidence: evidence)
        evaluation.addTable(
            userCounts(
                "In-scope users by source",
                [("In scope", facts.inScope), ("Synchronized from AD", facts.inScope - count - facts.disabledInScope.count),
                 ("Cloud-only", count), ("Disabled (INV-006)", facts.disabledInScope.count)]))
        return evaluation
    }

    // MARK: INV-006

    static func disabled(_ facts: InventoryFacts) -> Evaluation {
        if let error = inputError(facts, [MemberExports.scopeKey]) { return error }
        if facts.inScope == 0, let empty = noTargets(facts, what: "disabled accounts in scope") { return empty }
        let evidence = Evidence.of(InputsView(facts), InScopeView(inScope: facts.inScope, disabledInScope: facts.disabledInScope.count))
        guard let column = facts.enabledColumn else {
            return .error(
                "The users export has no 'accountEnabled' column, so disabled accounts cannot be told apart. Export the users with "
                    + "AccountEnabled (Get-MgUser -Property ...,AccountEnabled).", evidence: evidence)
        }
        let count = facts.disabledInScope.count
        if facts.enabledUnknownInScope == facts.inScope {
            return .error(
                "'\(column)' is empty for every member of the scope group, so disabled accounts cannot be told apart. Get-MgUser "
                    + "returns AccountEnabled only when -Property names it: export the users again with it.", evidence: evidence)
        }
        var evaluation =
            count == 0
            ? Evaluation(
                status: .pass, message: "No disabled account is among the \(number(facts.inScope)) members of the scope group (per '\(column)').",
                evidence: evidence)
            : warning(
                "\(number(count)) of the \(number(facts.inScope)) members of the scope group are disabled (per '\(column)'). They cannot "
                    + "use SSPR; remove them from the group to keep the scope and the licence count honest.",
                listing: facts.disabledInScope, in: facts, finding: "Disabled account in the SSPR scope group.", evidence: evidence)
        evaluation.addTable(userCounts("Scope group members", [("Members found in the users export", facts.inScope), ("Disabled", count)]))
        return evaluation
    }
}
