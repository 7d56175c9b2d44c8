import Foundation

/// An accepted risk: findings of `check` (optionally only those whose target matches) count as waived until the
/// end of `expires` (UTC). Written by people in a waiver file; every field is reported with the run.
package struct Waiver: Sendable, Hashable, Codable {
    package var check: String
    /// Exact target, or a glob: `*` is any run of characters but a comma (it stays inside one DN component),
    /// `?` one such character. Compared case-insensitively, as DNs and host names are. Nil waives the whole check.
    package var target: String?
    package var justification: String
    /// `YYYY-MM-DD`, valid through the end of that day in UTC.
    package var expires: String
    package var approvedBy: String?
    /// `file:line` of the entry, so a reader can find it.
    package var source: String

    package init(check: String, target: String? = nil, justification: String, expires: String, approvedBy: String? = nil, source: String) {
        self.check = check
        self.target = target
        self.justification = justification
        self.expires = expires
        self.approvedBy = approvedBy
        self.source = source
    }

    /// The first instant the waiver no longer applies: midnight UTC after the `expires` day. Nil if the date is invalid.
    package var end: Date? { Self.endOfDay(expires) }

    func isActive(at now: Date) -> Bool { end.map { now < $0 } ?? false }

    /// Active, and its `expires` day is at most `days` calendar days (UTC) after today.
    package func expiresSoon(at now: Date, within days: Int = 14) -> Bool {
        guard let end, now < end else { return false }
        let startOfToday = (now.timeIntervalSince1970 / 86_400).rounded(.down) * 86_400
        return end.timeIntervalSince1970 - startOfToday <= Double(days + 1) * 86_400
    }

    package func matches(checkID: String, target candidate: String?) -> Bool {
        guard checkID == check else { return false }
        guard let target else { return true }
        guard let candidate else { return false }
        return Self.glob(Array(target.lowercased().unicodeScalars), Array(candidate.lowercased().unicodeScalars))
    }

    package static func endOfDay(_ day: String) -> Date? {
        let parts = day.split(separator: "-", omittingEmptySubsequences: false)
        guard day.count == 10, parts.count == 3, let year = Int(parts[0]), let month = Int(parts[1]), let dayOfMonth = Int(parts[2])
        else { return nil }
        let calendar = UTC.calendar
        let components = DateComponents(year: year, month: month, day: dayOfMonth)
        guard components.isValidDate(in: calendar), let start = calendar.date(from: components) else { return nil }
        return calendar.date(byAdding: .day, value: 1, to: start)
    }

    /// `*` and `?` never match a comma; everything else matches itself.
    static func glob(_ pattern: [Unicode.Scalar], _ text: [Unicode.Scalar]) -> Bool {
        var p = 0, t = 0
        var star: Int?, resume = 0
        while t < text.count {
            if p < pattern.count, pattern[p] == "?" && text[t] != "," || pattern[p] != "*" && pattern[p] != "?" && pattern[p] == text[t] {
                p += 1
                t += 1
            } else if p < pattern.count, pattern[p] == "*" {
                star = p
                resume = t
                p += 1
            } else if let starAt = star, text[resume] != "," {
                p = starAt + 1
                resume += 1
                t = resume
            } else {
                return false
            }
        }
        while p < pattern.count, pattern[p] == "*" { p += 1 }
        return p == pattern.count
    }
}

/// How one waiver fared in a run: the JSON report's `waivers[]`.
package struct WaiverOutcome: Sendable, Hashable, Codable {
    package enum State: String, Sendable, Codable {
        /// In force; `matched` says how many findings (or whole checks) it waived, 0 means stale.
        case active
        /// Past its `expires` day: it waived nothing.
        case expired
    }

    package var waiver: Waiver
    package var state: State
    /// Active and ending within 14 days.
    package var expiresSoon: Bool
    package var matched: Int

    package var isStale: Bool { state == .active && matched == 0 }

    package init(waiver: Waiver, state: State, expiresSoon: Bool, matched: Int) {
        self.waiver = waiver
        self.state = state
        self.expiresSoon = expiresSoon
        self.matched = matched
    }
}

/// What a finding carries when a waiver covers it (its own status stays as the probe found it).
package struct WaiverReference: Sendable, Hashable, Codable {
    package var justification: String
    package var expires: String
    package var approvedBy: String?
    package var source: String

    package init(_ waiver: Waiver) {
        justification = waiver.justification
        expires = waiver.expires
        approvedBy = waiver.approvedBy
        source = waiver.source
    }
}
