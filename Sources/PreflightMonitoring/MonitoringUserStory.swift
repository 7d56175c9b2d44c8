import Foundation
import PreflightCore

/// The monitoring part of `preflight why USER`: every PasswordResetService or ADSync event of the Connect server's log
/// whose message names the user, and every Entra audit entry with the user as target or actor, from the facts MON-001
/// to MON-005 judged. Names are matched whole (`alice@x` does not match `malice@x`), ignoring case.
package enum MonitoringUserStory {
    /// The entries naming any of `names` (UPN, DN, `DOMAIN\name`), oldest first; nil when the run read neither log.
    package static func events(naming names: [String], in facts: [any Sendable]) -> [UserStory.Event]? {
        let logs = facts.compactMap { ($0 as? MonitoringEventsProbe.Facts)?.log }
        let audits = facts.compactMap { ($0 as? MonitoringAuditProbe.Facts)?.audit }
        guard !logs.isEmpty || !audits.isEmpty else { return nil }
        let names = names.filter { !$0.isEmpty }
        var seen = Set<String>()
        var found: [(Date, UserStory.Event)] = []
        func add(_ time: Date, _ event: UserStory.Event) {
            if seen.insert(event.location).inserted { found.append((time, event)) }
        }
        for log in logs {
            let clocks = Dictionary(log.files.map { ($0.file, $0.clock) }, uniquingKeysWith: { first, _ in first })
            for event in log.events where names.contains(where: { mentions(event.message, $0) }) {
                let clock = clocks[event.file] == "UTC" ? " UTC" : " (server time)"
                add(
                    event.time,
                    UserStory.Event(
                        log: "event log", time: MonitoringFormat.time(event.time) + clock, what: "\(event.id) \(event.provider)",
                        result: event.level ?? "", text: firstLine(event.message), location: location(event.file, event.line)))
            }
        }
        for audit in audits {
            for entry in audit.entries where [entry.targetUPN, entry.actorUPN].contains(where: { upn in
                names.contains { name in upn?.caseInsensitiveCompare(name) == .orderedSame }
            }) {
                let reason = entry.resultReason.map { $0.isEmpty ? "" : " (\($0))" } ?? ""
                let actor = entry.actorUPN.map { "by \($0)" } ?? "by an unrecorded actor"
                let agent = AuditJudgements.onPremisesAgent(entry).map { ", OnPremisesAgent '\($0)'" } ?? ""
                add(
                    entry.time,
                    UserStory.Event(
                        log: "audit log", time: MonitoringFormat.time(entry.time) + " UTC", what: entry.activity,
                        result: entry.result + reason, text: "\(actor), target \(entry.target)\(agent)",
                        location: location(entry.file, entry.line)))
            }
        }
        return found.sorted { $0.0 < $1.0 }.map(\.1)
    }

    /// The DN the monitoring checks' directory lookups found for `name` (a user the logs named), if any.
    package static func resolvedDN(of name: String, in facts: [any Sendable]) -> String? {
        let lookups = facts.compactMap { value -> DirectoryCrossReference? in
            (value as? MonitoringEventsProbe.Facts)?.directory ?? (value as? MonitoringAuditProbe.Facts)?.directory
        }
        return lookups.lazy.compactMap { $0.resolved[name.lowercased()] }.first
    }

    /// `name` in `text`, not as part of a longer name.
    static func mentions(_ text: String, _ name: String) -> Bool {
        var searched = text.startIndex..<text.endIndex
        while let range = text.range(of: name, options: .caseInsensitive, range: searched) {
            let before = range.lowerBound == text.startIndex ? nil : text[text.index(before: range.lowerBound)]
            let rest = text[range.upperBound...]
            // A full stop ends a sentence unless a name goes on after it (`alice@corp.example.test.uk`).
            let after = rest.first == "." ? rest.dropFirst().first.flatMap { $0.isLetter || $0.isNumber ? $0 : nil } : rest.first
            if !(before.map(partOfName) ?? false) && !(after.map(partOfName) ?? false) { return true }
            searched = range.upperBound..<text.endIndex
        }
        return false
    }

    private static func partOfName(_ character: Character) -> Bool {
        character.isLetter || character.isNumber || "._-@$\\".contains(character)
    }

    private static func firstLine(_ message: String) -> String {
        let line = message.split(whereSeparator: \.isNewline).first.map(String.init) ?? message
        return line.count > 240 ? String(line.prefix(239)) + "…" : line
    }

    private static func location(_ file: String, _ line: Int) -> String { "\((file as NSString).lastPathComponent):\(line)" }
}
