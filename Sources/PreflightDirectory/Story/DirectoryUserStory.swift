import PreflightCore

/// The directory's part of `preflight why USER`: the user among the run's in-scope users, why the scope holds them or
/// not, the connector account's token, and each writeback right with every ACE that decided it. Judged from the same
/// snapshot and with the same `RightsJudge` as AD-003 to AD-009, so the story and the report agree.
package enum DirectoryUserStory {
    /// The directory snapshots among a run's facts: one per domain, the first gathered of each.
    package static func snapshots(in facts: [any Sendable]) -> [DirectorySnapshot] {
        var found: [DirectorySnapshot] = []
        func add(_ facts: DirectoryProbe.Facts) {
            switch facts {
            case .snapshot(let snapshot), .remoteSAM(let snapshot, _), .gmsa(let snapshot, _):
                if !found.contains(where: { DistinguishedName($0.domain.dn) == DistinguishedName(snapshot.domain.dn) }) {
                    found.append(snapshot)
                }
            case .domains(let outcomes):
                for outcome in outcomes { outcome.facts.map(add) }
            case .bind, .accountNotFound:
                break
            }
        }
        for value in facts { (value as? DirectoryProbe.Facts).map(add) }
        return found
    }

    /// One in-scope user of one domain's snapshot.
    package struct Match: Sendable {
        package let snapshot: DirectorySnapshot
        package let user: UserFacts
    }

    /// The in-scope users `query` names: a DN, a UPN (or the implicit `sAMAccountName@domain`), `DOMAIN\name`, or a
    /// sAMAccountName, compared ignoring case.
    package static func find(_ query: String, in snapshots: [DirectorySnapshot]) -> [Match] {
        let value = query.trimmingCharacters(in: .whitespaces)
        var matches: [Match] = []
        for snapshot in snapshots {
            for user in snapshot.users where names(value, user, in: snapshot) {
                matches.append(Match(snapshot: snapshot, user: user))
            }
        }
        return matches
    }

    private static func names(_ value: String, _ user: UserFacts, in snapshot: DirectorySnapshot) -> Bool {
        func same(_ a: String?, _ b: String) -> Bool { a.map { $0.caseInsensitiveCompare(b) == .orderedSame } ?? false }
        if value.contains("="), !value.contains("@") { return DistinguishedName(value) == DistinguishedName(user.dn) }
        if let at = value.lastIndex(of: "@") {
            let name = String(value[..<at]), domain = String(value[value.index(after: at)...])
            return same(user.upn, value) || (same(user.samAccountName, name) && same(snapshot.domain.dnsName, domain))
        }
        if let slash = value.lastIndex(of: "\\") {
            let domain = String(value[..<slash]), name = String(value[value.index(after: slash)...])
            return same(user.samAccountName, name) && (same(snapshot.domain.netbiosName, domain) || same(snapshot.domain.dnsName, domain))
        }
        return same(user.samAccountName, value)
    }

    /// Every in-scope user (UPN, sAMAccountName, DN), for `why --list`.
    package static func users(in snapshots: [DirectorySnapshot]) -> [(upn: String?, samAccountName: String?, dn: String)] {
        snapshots.flatMap { $0.users.map { ($0.upn, $0.samAccountName, $0.dn) } }
    }

    package static func identity(_ match: Match) -> UserStory.Identity {
        UserStory.Identity(
            dn: match.user.dn, upn: match.user.upn, samAccountName: match.user.samAccountName, domain: match.snapshot.domain.dnsName,
            objectClass: match.user.isInetOrgPerson ? "inetOrgPerson" : "user", foundIn: ["the run's in-scope directory users"])
    }

    /// The snapshot of the domain that holds `dn`.
    package static func snapshot(holding dn: String, in snapshots: [DirectorySnapshot]) -> DirectorySnapshot? {
        snapshots.first { DistinguishedName(dn).isWithin(DistinguishedName($0.domain.dn)) }
    }

    // MARK: Scope

    /// Where the scope comes from, as the rights checks' messages say it.
    package static func scopeOrigin(_ snapshot: DirectorySnapshot) -> String {
        DirectoryJudgements.scopeSentence(snapshot).trimmingCharacters(in: .whitespaces)
    }

    /// Why the synchronization scope holds the object `dn` of `snapshot`'s domain, or not. `read` says whether the run
    /// read it as an in-scope user.
    package static func scope(of dn: String, in snapshot: DirectorySnapshot, read: Bool) -> UserStory.Side {
        let scope = snapshot.scope
        let name = DistinguishedName(dn)
        let base = scope.bases.filter { name.isWithin(DistinguishedName($0)) }.max { depth($0) < depth($1) }
        let exclusion = scope.excluded.filter { name.isWithin(DistinguishedName($0)) }.max { depth($0) < depth($1) }
        let source = sourcePhrase(scope)
        if let exclusion, base.map({ depth(exclusion) >= depth($0) }) ?? true {
            let over = base.map { ", which is more specific than the inclusion '\($0)'" } ?? ""
            let member = read ? " It is in scope all the same as a direct member of a scoping group." : ""
            return UserStory.Side(read ? .yes : .no, "Below '\(exclusion)', which \(source) excludes\(over).\(member)")
        }
        if let base {
            let over = exclusion.map { " (the exclusion '\($0)' above it is less specific)" } ?? ""
            if read { return UserStory.Side(.yes, "Below '\(base)', which \(source) includes\(over).") }
            return UserStory.Side(
                .unknown,
                "Below '\(base)', which \(source) includes, but the run did not read it as an in-scope user (not a user object, "
                    + "or created after the run).")
        }
        let groups = scope.groups ?? []
        if read, !groups.isEmpty {
            return UserStory.Side(.yes, "A direct member of one of \(source)'s scoping groups (\(groups.joined(separator: "; "))).")
        }
        let alsoGroups = groups.isEmpty ? "" : ", nor a direct member of its scoping groups (\(groups.joined(separator: "; ")))"
        return UserStory.Side(
            .no, "Not below any container \(source) includes (\(scope.bases.joined(separator: "; ")))\(alsoGroups).")
    }

    private static func depth(_ dn: String) -> Int { DistinguishedName(dn).rdns.count }

    private static func sourcePhrase(_ scope: ScopeFacts) -> String {
        switch scope.source {
        case .connectExport: "the Entra Connect export's OU filter (\(scope.origin ?? "the AD connector"))"
        case .cloudSync: "Cloud Sync's scoping filter (\(scope.origin ?? "the synchronization jobs"))"
        case .configured: "the configuration (ldap.scope, ldap.exclude)"
        case .wholeDomain: "the scope (the whole domain, as no ldap.scope is set)"
        }
    }

    // MARK: Token

    package static func token(_ snapshot: DirectorySnapshot) -> UserStory.Token {
        let account = snapshot.account
        return UserStory.Token(
            account: snapshot.accountDisplayName, dn: account.dn, sid: account.sid.description, accountSource: account.source.rawValue,
            tokenSource: account.logonToken.source.rawValue,
            sids: account.logonToken.entries.map {
                UserStory.TokenSID(sid: $0.sid.description, name: snapshot.trusteeName($0.sid), origin: $0.origin.rawValue, via: $0.via)
            },
            undecided: account.logonToken.unknowns.map(\.reason))
    }

    // MARK: Rights

    /// The id of the one right judged on the domain root rather than on users (AD-007's).
    package static let domainRootRightID = WritebackRight.unexpirePassword.id

    /// Each right writeback needs on the user (`WritebackRight.userRights`), then Unexpire Password on the domain root.
    /// `checks` names the checks of the run that judge a right (by its id).
    package static func rights(_ match: Match, checks: (String) -> [String]) -> [UserStory.Right] {
        let judge = RightsJudge(match.snapshot)
        return WritebackRight.userRights.map { userRight($0, match, judge: judge, checks: checks($0.id)) }
            + [unexpire(judge, checks: checks(WritebackRight.unexpirePassword.id))]
    }

    private static func userRight(_ right: WritebackRight, _ match: Match, judge: RightsJudge, checks: [String]) -> UserStory.Right {
        let (s, user) = (match.snapshot, match.user)
        func story(_ verdict: UserStory.Right.Verdict, _ cause: String?, _ explanation: String, aces: [UserStory.ACEStep] = []) -> UserStory.Right {
            UserStory.Right(
                id: right.id, name: right.name, object: user.dn, checks: checks, verdict: verdict, cause: cause, explanation: explanation,
                aces: aces)
        }
        if let problem = user.unreadable { return story(.undecided, "unreadable", "\(right.name) cannot be judged: \(problem)") }
        let verdict = judge.judge(right.right, for: user)
        let aces = judge.trace(right.right, dacl: user.dacl, objectDN: user.dn, objectClass: user.objectClass, principalSelf: user.sid)
        if let doubt = verdict.doubt {
            return story(
                .undecided, "token-undecided",
                "\(right.name) cannot be judged: \(doubt.reason), and an ACE for \(s.trusteeName(doubt.ace.sid)) (\(doubt.ace.sddl)) "
                    + "would decide it the other way.", aces: aces)
        }
        if let dcSays = DirectoryJudgements.dcAnswer(right, user), dcSays != verdict.granted {
            return story(
                .undecided, "dc-disagrees",
                "The DC's allowedAttributesEffective \(dcSays ? "lists" : "does not list") \(right.attributeName ?? "the attribute") "
                    + "for \(s.accountDisplayName), while the access check finds it \(verdict.granted ? "granted" : "missing"): test the "
                    + "write by hand before trusting either.", aces: aces)
        }
        guard !verdict.granted else { return story(.granted, nil, granted(right, aces, s), aces: aces) }
        let cause = verdict.cause ?? .noGrant
        return story(.missing, cause.code, Explanation.message(right, cause, snapshot: s, user: user), aces: aces)
    }

    private static func unexpire(_ judge: RightsJudge, checks: [String]) -> UserStory.Right {
        let s = judge.snapshot
        let right = WritebackRight.unexpirePassword
        let dacl = s.domain.rootDACL
        let decision = checkAccess(right.right, dacl: dacl, token: s.account.token, objectClass: ClassGUID.domainDNS, principalSelf: nil)
        let aces = judge.trace(right.right, dacl: dacl, objectDN: s.domain.dn, objectClass: ClassGUID.domainDNS, principalSelf: nil)
        func story(_ verdict: UserStory.Right.Verdict, _ cause: String?, _ explanation: String) -> UserStory.Right {
            UserStory.Right(
                id: right.id, name: right.name, object: s.domain.dn, checks: checks, verdict: verdict, cause: cause,
                explanation: explanation, aces: aces)
        }
        if let doubt = doubtAbout(
            decision, right.right, dacl: dacl, objectClass: ClassGUID.domainDNS, principalSelf: nil, doubt: judge.doubt(about:))
        {
            return story(
                .undecided, "token-undecided",
                "Unexpire Password on the domain root cannot be judged: \(doubt.reason), and an ACE for \(s.trusteeName(doubt.ace.sid)) "
                    + "(\(doubt.ace.sddl)) would decide it the other way.")
        }
        if decision.granted { return story(.granted, nil, granted(right, aces, s)) }
        let denied = aces.first { $0.decided && $0.effect == "deny" }
        return story(
            .missing, denied == nil ? "no-grant" : "denied",
            "\(s.accountDisplayName) lacks Unexpire Password on the domain root '\(s.domain.dn)' ("
                + (denied.map { "an ACE denies it: \($0.sddl)" } ?? "no ACE grants it") + ").")
    }

    private static func granted(_ right: WritebackRight, _ aces: [UserStory.ACEStep], _ s: DirectorySnapshot) -> String {
        guard let ace = aces.first(where: \.decided) else {
            return "\(s.accountDisplayName) holds \(right.name): the object has no DACL (a NULL DACL), which grants everything."
        }
        let place = ace.inherited ? "inherited from '\(ace.inheritedFrom ?? "a container above")'" : "set on the object itself"
        return "\(s.accountDisplayName) holds \(right.name): allowed to \(ace.trustee) by an ACE \(place)."
    }

    // MARK: The account

    package static func account(_ match: Match) -> UserStory.Account {
        let (s, user) = (match.snapshot, match.user)
        let groups = s.protectedGroupMembers.filter { $0.value.contains { DistinguishedName($0) == DistinguishedName(user.dn) } }
            .keys.sorted()
        var why: [String] = []
        if user.adminCount > 0 { why.append("adminCount=\(user.adminCount)") }
        if !groups.isEmpty { why.append("member of \(groups.joined(separator: ", "))") }
        if let sid = user.sid, sid.isDomainRelative(to: s.domain.sid), let rid = sid.rid, [500, 502].contains(rid) {
            why.append("the built-in \(sid.wellKnownName(domain: s.domain.sid) ?? "account")")
        }
        let protected = why.isEmpty
            ? UserStory.Side(.no, "adminCount is not set and no protected group holds it.", checks: ["AD-008"])
            : UserStory.Side(
                .yes, "Protected (\(why.joined(separator: "; "))): AdminSDHolder's permissions replace its own, so writeback cannot reset it.",
                checks: ["AD-008"])

        var blocked: [String] = []
        if user.daclProtected { blocked.append("on the user object itself") }
        for ancestor in DistinguishedName(user.dn).lineage.dropFirst() {
            if let container = s.containers.first(where: { DistinguishedName($0.dn) == ancestor }), container.daclProtected {
                blocked.append("on '\(container.dn)'")
            }
        }
        let inheritance = blocked.isEmpty
            ? UserStory.Side(.no, "The user object and every container above it inherit permissions.", checks: ["AD-009"])
            : UserStory.Side(.yes, "Inheritance is disabled \(blocked.joined(separator: " and ")).", checks: ["AD-009"])

        let disabled: UserStory.Side
        if user.userAccountControl == 0 {
            // Every account has a type bit (0x200 for a user), so 0 means the bind account could not read it.
            disabled = UserStory.Side(.unknown, "The bind account could not read userAccountControl on the user object.")
        } else if user.userAccountControl & 0x2 != 0 {
            disabled = UserStory.Side(.yes, "The account is disabled in the directory (userAccountControl \(user.userAccountControl)).")
        } else {
            disabled = UserStory.Side(.no, "The account is enabled in the directory (userAccountControl \(user.userAccountControl)).")
        }
        return UserStory.Account(protected: protected, inheritanceDisabled: inheritance, disabled: disabled)
    }
}
