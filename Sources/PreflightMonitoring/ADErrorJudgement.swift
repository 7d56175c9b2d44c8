import Foundation
import PreflightCore
import PreflightDirectory

/// MON-003: Active Directory errors of writeback (33xxx, ADSync 6329) in the window, per event id and user,
/// with 33004's users cross-referenced against the directory check AD-003 (the same RightsJudge decides both).
enum ADErrorJudgement {
    /// The user each AD error is about: named in its text, or named by the start event (31001/31006/31009)
    /// that shares its TrackingId.
    static func users(for errors: [EventRecord], all events: [EventRecord]) -> [EventRecord: String] {
        var byTracking: [String: String] = [:]
        for event in events where EventCatalog.isPasswordResetService(event) {
            if let tracking = EventCatalog.trackingID(event.message), let user = EventCatalog.user(in: event.message) {
                byTracking[tracking] = byTracking[tracking] ?? user
            }
        }
        var users: [EventRecord: String] = [:]
        for event in errors {
            if let user = EventCatalog.user(in: event.message) ?? EventCatalog.trackingID(event.message).flatMap({ byTracking[$0] }) {
                users[event] = user
            }
        }
        return users
    }

    /// ADSync's 6329 names no user, but Connect logs it in the same second as the PasswordResetService 33xxx event of
    /// the same attempt (c7solutions' 33004 + 6329 pair): the user of that event, when there is exactly one.
    static func companion(of event: EventRecord, in errors: [EventRecord], users: [EventRecord: String]) -> String? {
        guard EventCatalog.isADSync(event) else { return nil }
        let near = errors.filter {
            EventCatalog.isPasswordResetService($0) && abs($0.time.timeIntervalSince(event.time)) <= 5 && users[$0] != nil
        }
        let names = Set(near.compactMap { users[$0]?.lowercased() })
        return names.count == 1 ? names.first : nil
    }

    /// The names MON-003 asks the directory about: users of 33004 events in the window.
    static func permissionErrorUsers(_ log: EventLogFacts, windowHours: Double) -> [String] {
        guard let end = log.end else { return [] }
        let window = MonitoringWindow(endingAt: end, hours: windowHours)
        let errors = log.events.filter { window.contains($0.time) && EventCatalog.isPasswordResetService($0) && $0.id == 33004 }
        return Array(Set(users(for: errors, all: log.events).values.map { $0.lowercased() })).sorted()
    }

    /// What AD-003 says about one user a 33004 event names; `domain` is the domain it was found in.
    struct CrossCheck {
        var sentence: String
        var ad003: String
        var dn: String?
        var domain: String?
    }

    static func crossCheck(_ user: String, _ directory: DirectoryCrossReference) -> CrossCheck {
        let dn: String, domain: String?, reference: DirectoryCrossReference
        switch directory.resolution(of: user) {
        case .unchecked(let reason):
            return CrossCheck(sentence: "The cross-reference with AD-003 was not possible: \(reason)", ad003: "not-checked")
        case .notFound(let domains):
            return CrossCheck(
                sentence: "'\(user)' was not found in \(domains) by userPrincipalName or sAMAccountName, so AD-003 cannot judge it: the user may "
                    + "live in a domain 'ldap' does not list (add it as another item of 'ldap') or its on-premises UPN differs.",
                ad003: "not-found")
        case .ambiguous(let matches):
            return CrossCheck(
                sentence: "'\(user)' names a user in each of several domains (\(matches.map { "\($0.dn) in \($0.domain)" }.joined(separator: ", "))), and "
                    + "the event does not say which one failed; AD-003 judges each in its own domain.",
                ad003: "ambiguous")
        case .found(let found, let foundIn, let lookup): (dn, domain, reference) = (found, foundIn, lookup)
        }
        guard let snapshot = reference.snapshot else {
            return CrossCheck(sentence: "The cross-reference with AD-003 was not possible: the directory was not read.", ad003: "not-checked", dn: dn, domain: domain)
        }
        let target = DistinguishedName(dn)
        guard let facts = snapshot.users.first(where: { DistinguishedName($0.dn) == target }) else {
            return CrossCheck(
                sentence: "\(dn) is outside the scope AD-003 judged (\(snapshot.scope.bases.joined(separator: "; "))): writeback serves it, "
                    + "so widen ldap.scope or the Connect OU filter and AD-003 will judge it.",
                ad003: "out-of-scope", dn: dn, domain: domain)
        }
        if let problem = facts.unreadable {
            return CrossCheck(sentence: "AD-003 could not judge \(dn) either: \(problem)", ad003: "not-judged", dn: dn, domain: domain)
        }
        let right = WritebackRight.resetPassword
        let verdict = RightsJudge(snapshot).judge(right.right, for: facts)
        if !verdict.granted, let cause = verdict.cause {
            return CrossCheck(
                sentence: "The same problem seen twice: AD-003 also flags \(dn) (\(cause.code)): "
                    + Explanation.message(right, cause, snapshot: snapshot, user: facts),
                ad003: "flagged", dn: dn, domain: domain)
        }
        let admin = facts.adminCount > 0 ? " It has adminCount=1, which Microsoft names as a cause of 33004." : ""
        return CrossCheck(
            sentence: "AD-003 finds Reset Password granted to \(snapshot.accountDisplayName) on \(dn) now: the permission was fixed after the event, "
                + "or the cause is outside the ACL (the 'Network access: Restrict clients allowed to make remote calls to SAM' policy, SSPR_0029: "
                + "AD-016 checks it).\(admin)",
            ad003: "granted", dn: dn, domain: domain)
    }

    static func evaluate(_ facts: ADErrorFacts, windowHours: Double) -> Evaluation {
        let log = facts.log
        guard log.newest != nil, let end = log.end else { return EventJudgements.empty(log) }
        let window = MonitoringWindow(endingAt: end, hours: windowHours)
        let inWindow = log.events.filter { window.contains($0.time) }
        let errors = inWindow.filter(EventCatalog.isADError)
        let described = window.describe(clock: EventJudgements.clock(log))
        let age = MonitoringFormat.age(newest: end, readAt: log.readAt, local: EventJudgements.isLocal(log))
        var view = DirectoryErrorsView(
            crossReference: facts.directory.unavailable ?? (facts.directory.wasMade ? "made" : "no 33004 users to look up"))
        var evidence: [String: JSONValue] { Evidence.of(EventLogView(log), WindowView(window), view) }
        guard !errors.isEmpty else {
            guard inWindow.contains(where: EventCatalog.isPasswordResetService) else {
                var evaluation = EventJudgements.noServiceEvents(log, window: window, claim: "no Active Directory errors")
                EventJudgements.accountForUnreadableRows(log.malformed, in: &evaluation, claim: "no Active Directory errors")
                return evaluation
            }
            let resets = inWindow.filter { [31002, 31007, 31010].contains($0.id) && EventCatalog.isPasswordResetService($0) }.count
            var evaluation = Evaluation(
                status: .pass,
                message: "No Active Directory errors of writeback (33xxx, ADSync 6329) in \(described); \(Plural.count(resets, "password")) \(Plural.verb(resets, "was", "were")) written "
                    + "to Active Directory successfully (31002/31007/31010). The export \(age). " + EventJudgements.provenance(log),
                evidence: evidence)
            EventJudgements.accountForUnreadableRows(log.malformed, in: &evaluation, claim: "no Active Directory errors")
            return evaluation
        }
        let named = users(for: errors, all: log.events)
        let grouped = EventJudgements.groups(errors, status: EventCatalog.adErrorStatus)
        var findings: [Finding] = []
        var rows: [[String]] = []
        var seenTwice = 0
        for group in grouped {
            var byUser: [String: [EventRecord]] = [:]
            var unnamed: [EventRecord] = []
            for event in group.events {
                if let user = named[event] { byUser[user.lowercased(), default: []].append(event) } else { unnamed.append(event) }
            }
            let companions = Set(unnamed.compactMap { companion(of: $0, in: errors, users: named) }).sorted()
            var users = byUser.keys.sorted()
            if !companions.isEmpty { users.append("(with " + companions.joined(separator: ", ") + ")") }
            rows.append([
                group.key, EventCatalog.name(group.newest), String(group.events.count),
                users.isEmpty ? "—" : users.joined(separator: ", "), MonitoringFormat.time(group.newest.time),
            ])
            let advice = EventCatalog.adAdvice(group.newest)
            for (user, events) in byUser.sorted(by: { $0.key < $1.key }) {
                let newest = events[0]
                var message = "\(group.key) \(EventCatalog.name(newest)) ×\(events.count), newest \(MonitoringFormat.time(newest.time)) "
                    + "(\((newest.file as NSString).lastPathComponent):\(newest.line)). \(advice)"
                var details: [String: JSONValue] = ["count": .int(events.count)]
                if newest.id == 33004, EventCatalog.isPasswordResetService(newest) {
                    let check = crossCheck(user, facts.directory)
                    message += " " + check.sentence
                    details["ad003"] = .string(check.ad003)
                    details["dn"] = check.dn.map(JSONValue.string) ?? .null
                    if let domain = check.domain { details["domain"] = .string(domain) }
                    if check.ad003 == "flagged" { seenTwice += 1 }
                }
                findings.append(
                    Finding(status: EventCatalog.adErrorStatus(newest), target: user, message: message, details: .object(details)))
            }
            if !unnamed.isEmpty {
                let newest = unnamed[0]
                let paired = companions.isEmpty ? "" : " Logged within seconds of \(companions.count == 1 ? "a 33xxx event" : "33xxx events") of \(companions.joined(separator: ", ")): the same attempt."
                findings.append(
                    Finding(
                        status: EventCatalog.adErrorStatus(newest), target: group.key,
                        message: "\(EventCatalog.name(newest)) ×\(unnamed.count) naming no user, newest \(MonitoringFormat.time(newest.time)) "
                            + "(\((newest.file as NSString).lastPathComponent):\(newest.line)): \(EventCatalog.excerpt(newest.message)) \(advice)\(paired)",
                        details: ["count": .int(unnamed.count), "pairedWith": .array(companions.map(JSONValue.string))]))
            }
        }
        let status: CheckStatus = grouped.contains { $0.status == .fail } ? .fail : .warn
        var message = "\(Plural.count(errors.count, "Active Directory error event")) of writeback in \(described): "
            + grouped.map { "\($0.key) \(EventCatalog.name($0.newest)) ×\($0.events.count)" }.joined(separator: ", ") + "."
        if seenTwice > 0 {
            message += " \(Plural.count(seenTwice, "user")) failed in production and \(Plural.verb(seenTwice, "lacks", "lack")) Reset Password in AD-003 too: the same problem seen twice."
        }
        if let reason = facts.directory.unavailable, errors.contains(where: { $0.id == 33004 }) {
            message += " No cross-reference with AD-003: \(reason)"
        }
        message += " The export \(age). " + EventJudgements.provenance(log)
        view.usersSeenTwice = seenTwice
        var evaluation = Evaluation(status: status, message: message, findings: findings, evidence: evidence)
        evaluation.addTable(
            ReportTable(title: "Active Directory errors in the window", columns: ["Event", "Name", "Count", "Users", "Newest"], rows: rows))
        evaluation.generatedRemediation = Array(Set(grouped.map { EventCatalog.adAdvice($0.newest) })).sorted().joined(separator: "\n")
        EventJudgements.accountForUnreadableRows(log.malformed, in: &evaluation, claim: "no Active Directory errors")
        return evaluation
    }
}
