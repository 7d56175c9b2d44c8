import PreflightCore

/// What to do, ranked: the actions the human formats' summaries lead with, the CSV action plan's rows and the JSON
/// report's `actions`, all from `ActionPlan.actions`. A pure function of the report.
///
/// The per-user checks' findings (`Readiness.rules`) are grouped by cause and by where the cause sits (the container a
/// deny ACE is inherited from, the OU whose inheritance is off), so one action names every user it fixes; every other
/// check that needs attention is one action, and so is each critical or high check that was not assessed (supplying its
/// input is an action too). Environment-wide blockers first (until they are fixed no user can reset), then by severity,
/// then by how many users each fixes.
package struct Action: Sendable, Hashable {
    /// 1 for the first action of the plan; every format numbers the actions alike.
    package var priority = 0
    package var severity: Severity
    package var text: String
    package var checks: [String]
    /// The users (UPN, else DN) or other targets the action covers.
    package var subjects: [String]
    /// Users it unblocks; nil for an action that is not per-user.
    package var users: Int?
    /// A failing critical or high check that is not per-user: it stops writeback for every user.
    package var blocksEveryone: Bool

    /// `fixes 12 users`, `unblocks every user`, or the number of subjects.
    package var impact: String {
        if blocksEveryone { return "blocks every user until fixed" }
        if let users { return "fixes \(Plural.count(users, "user"))" }
        return subjects.isEmpty ? "" : Plural.count(subjects.count, "subject")
    }
}

package enum ActionPlan {
    package static func actions(_ report: Report) -> [Action] {
        let perUser = Dictionary(Readiness.rules.map { ($0.check, $0) }, uniquingKeysWith: { a, _ in a })
        // The per-user actions, mutated in place (a copy out of a dictionary would copy a million subjects per finding).
        // A check names each subject once, so only an action that several checks share needs the set of its subjects
        // (made when its second check comes): a million-user tenant's three single-check actions skip a million inserts.
        var grouped: [Action] = []
        var position: [String: Int] = [:]
        var last: (key: String, index: Int)?
        var covered: [Set<String>?] = []
        var others: [Action] = []
        let environment = Set(report.readiness.environmentBlockers)
        for check in report.checks where needsAction(check) {
            guard let rule = perUser[check.id] else {
                let subjects = check.findings.filter(open).map(\.target)
                others.append(
                    Action(
                        severity: check.severity, text: firstStep(check), checks: [check.id], subjects: subjects, users: nil,
                        blocksEveryone: environment.contains(check.id)))
                continue
            }
            for finding in check.findings where open(finding) && finding.status != .error {
                let cause = rule.cause ?? finding.details?["cause"]?.stringValue ?? "missing-right"
                let (key, text) = step(cause, finding)
                let subject = finding.details?["upn"]?.stringValue ?? finding.target
                let index: Int
                // A check's findings mostly share one key (INV-003's every user "no-licence"): the last one is compared
                // before the dictionary is asked (the same string, so equal at its first word).
                if let (lastKey, lastIndex) = last, lastKey == key {
                    index = lastIndex
                } else if let existing = position[key] {
                    index = existing
                } else {
                    index = grouped.count
                    position[key] = index
                    grouped.append(Action(severity: check.severity, text: text, checks: [], subjects: [], users: 0, blocksEveryone: false))
                    covered.append(nil)
                }
                last = (key, index)
                if !grouped[index].checks.contains(check.id) {
                    grouped[index].checks.append(check.id)
                    if grouped[index].checks.count == 2 { covered[index] = Set(grouped[index].subjects) }
                }
                grouped[index].severity = max(grouped[index].severity, check.severity)
                if covered[index]?.insert(subject).inserted ?? true { grouped[index].subjects.append(subject) }
                grouped[index].users = grouped[index].subjects.count
            }
        }
        let named = Set((grouped + others).flatMap(\.checks))
        let gaps = Set(report.coverage?.notAssessed.map(\.id) ?? [])
        let unassessed = report.checks.filter { gaps.contains($0.id) && !named.contains($0.id) }.map { check in
            Action(
                severity: check.severity, text: "Assess \(check.id) (\(check.title)), which was not assessed: \(check.message)",
                checks: [check.id], subjects: [], users: nil, blocksEveryone: false)
        }
        return ranked(grouped + others + unassessed)
    }

    /// Environment-wide blockers first, then by severity, then by how many users each fixes; ties keep their order.
    /// Numbered from 1 in that order.
    static func ranked(_ actions: [Action]) -> [Action] {
        actions.enumerated().sorted { a, b in
            let left = (a.element.blocksEveryone ? 1 : 0, a.element.severity, a.element.users ?? 0)
            let right = (b.element.blocksEveryone ? 1 : 0, b.element.severity, b.element.users ?? 0)
            return left != right ? left > right : a.offset < b.offset
        }.enumerated().map { rank, entry in
            var action = entry.element
            action.priority = rank + 1
            return action
        }
    }

    static func needsAction(_ check: CheckResult) -> Bool {
        check.status == .fail || check.status == .warn || check.status == .error
    }

    /// Waived findings are accepted risks, not actions.
    static func open(_ finding: Finding) -> Bool {
        finding.status != .pass && finding.status != .skip && finding.waiver == nil
    }

    /// The grouping key and the action's text for one per-user finding.
    static func step(_ cause: String, _ finding: Finding) -> (String, String) {
        let details = finding.details
        func at(_ key: String) -> String { details?[key]?.stringValue ?? details?["group"]?.stringValue ?? "" }
        switch cause {
        case "no-licence": return (cause, "Assign an Entra ID P1 or P2 licence, or re-enable the plan in the user's licence")
        case "not-registered": return (cause, "Have the users register a method for self-service password reset")
        case "not-synchronized": return (cause, "Cloud-only users: writeback does not apply; reset them in the cloud or take them out of scope")
        case "disabled": return (cause, "Remove the disabled accounts from the SSPR scope group")
        case "protected-account": return (cause, "Keep protected accounts (adminCount=1) out of SSPR scope; writeback cannot reset them")
        case "denied-inherited":
            let trustee = details?["trustee"]?.stringValue.map { " for \($0)" } ?? ""
            return (cause + at("inheritedFrom"), "Remove the deny ACE\(trustee) on \(at("inheritedFrom"))")
        case "inheritance-disabled-above":
            return (cause + at("inheritanceDisabledOn"), "Re-enable inheritance on \(at("inheritanceDisabledOn")), or grant the writeback rights there")
        case "user-inheritance-disabled":
            return (cause, "Re-enable inheritance on the user objects, or grant the writeback rights on each")
        case "grant-for-other-class":
            return (cause + at("grantedAt"), "Grant the writeback rights on \(at("grantedAt")) for inetOrgPerson objects too")
        default:
            // The cause in words, not its code; a missing right needs no more than the action says.
            let why = cause == "missing-right" ? "" : " (\(Readiness.label(cause).lowercased()))"
            let place = at("group").isEmpty ? "" : " on \(at("group"))"
            return (cause + at("group"), "Grant the writeback rights to the connector account\(place)\(why)")
        }
    }

    /// The first sentence of a check's remediation, or its title when it has none.
    static func firstStep(_ check: CheckResult) -> String {
        let lines = check.remediation.split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }
        guard let line = lines.first(where: { !$0.isEmpty && !$0.hasPrefix("**") && !$0.hasPrefix("```") && !$0.hasPrefix("-") }) else {
            return "Resolve \(check.id): \(check.title)"
        }
        var paragraph = line
        if let index = lines.firstIndex(of: line) {
            for next in lines[(index + 1)...] {
                if next.isEmpty || next.hasPrefix("```") { break }
                paragraph += " " + next
            }
        }
        let sentence = paragraph.range(of: ". ").map { String(paragraph[..<$0.lowerBound]) } ?? paragraph
        return sentence.hasSuffix(".") ? String(sentence.dropLast()) : sentence
    }
}

/// The JSON report's `actions[]` (reports/schema/preflight-report.schema.json, `$defs/action`): the CSV action plan's
/// columns, with every subject rather than the first few (the owner, due and status columns are for people to fill in).
extension Action: Encodable {
    private enum CodingKeys: String, CodingKey {
        case priority, action, severity, checks, impact, users, blocksEveryone, subjectCount, subjects
    }

    package func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(priority, forKey: .priority)
        try container.encode(PlainText.of(text), forKey: .action)
        try container.encode(severity, forKey: .severity)
        try container.encode(checks, forKey: .checks)
        try container.encode(impact, forKey: .impact)
        try container.encodeIfPresent(users, forKey: .users)
        try container.encode(blocksEveryone, forKey: .blocksEveryone)
        try container.encode(subjects.count, forKey: .subjectCount)
        try container.encode(subjects, forKey: .subjects)
    }
}
