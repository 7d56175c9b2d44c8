import Foundation

/// What a run judged and what it could not. READY needs every critical and high check that applies to the run's phase
/// and topology to reach a verdict (pass, warn, fail or waived): a check that skipped for missing input, or because a
/// check it requires did not pass, proves nothing, and neither does one that errored.
///
/// Checks left out by `--only`, `--skip` or `--tag` are not "not assessed": they were not selected, and `selection`
/// says so. Checks that do not apply (`not-applicable`: another phase, another topology, no proxy in use) never count.
package struct Coverage: Sendable, Codable, Hashable {
    /// How the command line narrowed the run; nil when the whole catalog ran.
    package var selection: Selection?
    /// The checks that reached a verdict (pass, warn, fail or waived), in report order.
    package var assessed: [String]
    /// The checks whose missing verdict keeps the run from READY, in report order: every critical or high check that
    /// skipped for `no-input` or `requirement-failed`, and every check that errored.
    package var notAssessed: [Gap]

    /// One check that was not assessed, and why.
    package struct Gap: Sendable, Codable, Hashable {
        package enum Reason: String, Sendable, Codable, CaseIterable {
            case noInput = "no-input"
            case requirementFailed = "requirement-failed"
            case error
        }

        package var id: String
        package var severity: Severity
        package var reason: Reason
        /// Why, in a few words, for the verdict line: the missing configuration key (`no inventory.users`), the
        /// requirement (`requires AD-001`), or `error`. A check skipped because its requirement lacked input names that input.
        package var detail: String

        package init(id: String, severity: Severity, reason: Reason, detail: String) {
            self.id = id
            self.severity = severity
            self.reason = reason
            self.detail = detail
        }
    }

    /// The evidence key under which the runner records which requirement made a check skip.
    package static let requirementEvidenceKey = "requirement"
    /// Checks at or above this severity must be assessed for READY.
    static let decisiveSeverity = Severity.high

    package init(checks: [CheckResult], selection: Selection?) {
        self.selection = selection.flatMap { $0.isEmpty ? nil : $0 }
        assessed = checks.filter { Self.reachedVerdict($0.status) }.map(\.id)
        notAssessed = Self.gaps(in: checks)
    }

    /// Whether the run was narrowed by `--only`, `--skip` or `--tag`.
    package var isNarrowed: Bool { selection != nil }

    package static func reachedVerdict(_ status: CheckStatus) -> Bool {
        status == .pass || status == .warn || status == .fail || status == .waived
    }

    /// The checks that keep a run from READY because nothing was decided about them.
    package static func gaps(in checks: [CheckResult]) -> [Gap] {
        let byID = Dictionary(checks.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
        return checks.compactMap { check -> Gap? in
            switch check.status {
            case .error:
                return Gap(id: check.id, severity: check.severity, reason: .error, detail: "error")
            case .skip where check.severity >= decisiveSeverity:
                switch check.reason {
                case .noInput?:
                    return Gap(id: check.id, severity: check.severity, reason: .noInput, detail: detail(check, byID))
                case .requirementFailed?:
                    return Gap(id: check.id, severity: check.severity, reason: .requirementFailed, detail: detail(check, byID))
                case .notApplicable?, nil:
                    return nil
                }
            default:
                return nil
            }
        }
    }

    /// Why `check` was not assessed, in a few words. A requirement that itself skipped passes its own reason on, so
    /// AD-002 to AD-013 say "no ldap.url or ldap.bindDN" like AD-001 rather than "requires AD-001".
    static func detail(_ check: CheckResult, _ byID: [String: CheckResult], depth: Int = 0) -> String {
        if check.status == .error { return "error" }
        if check.reason == .requirementFailed {
            guard let requirement = check.evidence[requirementEvidenceKey]?.stringValue else { return "a required check did not pass" }
            if depth < 16, let required = byID[requirement], required.status == .skip,
                required.reason == .noInput || required.reason == .requirementFailed
            {
                return detail(required, byID, depth: depth + 1)
            }
            return "requires \(requirement)"
        }
        return inputPhrase(check.message)
    }

    /// The configuration sections whose keys skip messages name ('inventory.users', 'connect.export', …).
    static let configurationSections = ["ldap", "network", "inventory", "connect", "monitoring", "cloudSync"]

    /// "no inventory.users" from "No 'inventory.users' is configured, …"; else the message's first sentence, shortened.
    static func inputPhrase(_ message: String) -> String {
        var keys: [String] = []
        let parts = message.components(separatedBy: "'")
        // Quoted text sits at the odd indexes of a split at quotes.
        for index in stride(from: 1, to: parts.count - 1, by: 2) {
            let candidate = parts[index]
            let pieces = candidate.split(separator: ".", omittingEmptySubsequences: false)
            guard pieces.count >= 2, configurationSections.contains(String(pieces[0])),
                pieces.dropFirst().allSatisfy({ !$0.isEmpty && $0.allSatisfy { $0.isLetter || $0.isNumber || $0 == "-" } })
            else { continue }
            if !keys.contains(candidate) { keys.append(candidate) }
        }
        if !keys.isEmpty { return "no " + keys.joined(separator: " or ") }
        var sentence = message.trimmingCharacters(in: .whitespacesAndNewlines)
        if let end = sentence.range(of: ". ") { sentence = String(sentence[..<end.lowerBound]) }
        if sentence.hasSuffix(".") { sentence.removeLast() }
        if sentence.isEmpty { return "no input" }
        if sentence.count > 80 { sentence = String(sentence.prefix(79)).trimmingCharacters(in: .whitespaces) + "…" }
        return sentence.prefix(1).lowercased() + sentence.dropFirst()
    }

    /// `AD-001..AD-005, AD-011..AD-013 (no ldap.url or ldap.bindDN), INV-003 (no inventory.licenses)`: gaps with the
    /// same reason together, in the order they first appear; runs of three or more consecutive ids as ranges.
    package static func describe(_ gaps: [Gap]) -> String {
        var order: [String] = []
        var ids: [String: [String]] = [:]
        for gap in gaps {
            if ids[gap.detail] == nil { order.append(gap.detail) }
            ids[gap.detail, default: []].append(gap.id)
        }
        return order.map { detail in "\(ranges(ids[detail] ?? [])) (\(detail))" }.joined(separator: ", ")
    }

    /// `["AD-001", "AD-002", "AD-003", "AD-005"]` → `AD-001..AD-003, AD-005`.
    static func ranges(_ ids: [String]) -> String {
        func split(_ id: String) -> (prefix: Substring, number: Int, width: Int)? {
            guard let dash = id.lastIndex(of: "-"), let number = Int(id[id.index(after: dash)...]) else { return nil }
            return (id[...dash], number, id.distance(from: id.index(after: dash), to: id.endIndex))
        }
        var runs: [[String]] = []
        for id in ids {
            if let last = runs.last?.last, let previous = split(last), let current = split(id),
                previous.prefix == current.prefix, previous.width == current.width, current.number == previous.number + 1
            {
                runs[runs.count - 1].append(id)
            } else {
                runs.append([id])
            }
        }
        return runs.map { run in run.count >= 3 ? "\(run[0])..\(run[run.count - 1])" : run.joined(separator: ", ") }
            .joined(separator: ", ")
    }

    /// The verdict line's clause: `not assessed: AD-003..AD-005 (no ldap.url or ldap.bindDN)`; nil when nothing is missing.
    package var notAssessedClause: String? {
        notAssessed.isEmpty ? nil : "not assessed: " + Self.describe(notAssessed)
    }

    private enum CodingKeys: String, CodingKey { case selection, assessed, notAssessed }

    package init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        selection = try container.decodeIfPresent(Selection.self, forKey: .selection)
        assessed = try container.decode([String].self, forKey: .assessed)
        notAssessed = try container.decode([Gap].self, forKey: .notAssessed)
    }

    // `selection` is always present in the JSON: null when the whole catalog ran.
    package func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        if let selection { try container.encode(selection, forKey: .selection) } else { try container.encodeNil(forKey: .selection) }
        try container.encode(assessed, forKey: .assessed)
        try container.encode(notAssessed, forKey: .notAssessed)
    }
}
