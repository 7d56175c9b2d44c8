import Foundation
import PreflightCore
import PreflightEngine

/// The directory checks' judgements: pure functions from a snapshot to an evaluation.
package enum DirectoryJudgements {
    static func scopeEvidence(_ s: DirectorySnapshot) -> [String: JSONValue] { Evidence.of(ScopeView(s)) }

    /// Which token the verdict rests on, for every rights message.
    static func tokenSentence(_ s: DirectorySnapshot) -> String {
        let token = s.account.logonToken
        let aliases = token.entries.filter { $0.origin == .logonAlias }.count
        let logon = aliases > 0 ? " plus the logon SIDs and \(aliases) alias\(aliases == 1 ? "" : "es") holding them" : " plus the logon SIDs"
        let undecided = token.unknowns.isEmpty ? "" : " (\(token.unknowns.count) membership\(token.unknowns.count == 1 ? "" : "s") undecided)"
        switch token.source {
        case .tokenGroups: return " Token: tokenGroups read from the DC\(logon), \(token.entries.count) SIDs."
        case .reconstructed:
            return " Token: reconstructed from group memberships (tokenGroups was not readable by the bind account)\(logon), "
                + "\(token.entries.count) SIDs\(undecided)."
        }
    }

    /// Where the users came from, for the message a reader sees first.
    static func scopeSentence(_ s: DirectorySnapshot) -> String {
        let bases = s.scope.bases.joined(separator: "; ")
        let excluded = s.scope.excluded.isEmpty ? "" : ", excluding \(s.scope.excluded.joined(separator: "; "))"
        switch s.scope.source {
        case .configured: return " Scope (from ldap.scope): \(bases)\(excluded)."
        case .connectExport: return " Scope (from the Entra Connect export, \(s.scope.origin ?? "")): \(bases)\(excluded)."
        case .cloudSync: return CloudSyncScopeSentence.sentence(s.scope, bases: bases, excluded: excluded)
        case .wholeDomain: return " Scope: the whole domain \(bases)\(excluded), as no ldap.scope is set."
        }
    }

    /// The DC's own answer for one user, when it was read: does `allowedAttributesEffective` list the attribute?
    static func dcAnswer(_ right: WritebackRight, _ user: UserFacts) -> Bool? {
        guard let attribute = right.attributeName, let writable = user.dcWritableAttributes else { return nil }
        return writable.contains(attribute)
    }

    /// AD-003 to AD-006: one right on every in-scope user.
    static func rights(_ right: WritebackRight, missingStatus: CheckStatus, _ s: DirectorySnapshot) -> Evaluation {
        let judge = RightsJudge(s)
        var decisions = AccessDecisions()
        var findings: [Finding] = []
        var gaps: [(UserFacts, RightsJudge.Cause)] = []
        var causes: [String: Int] = [:]
        var notJudged = 0
        var crossCheck = (confirmed: 0, disagreed: 0)
        func group(_ user: UserFacts) -> JSONValue { .string(DistinguishedName(user.dn).parent?.description ?? s.domain.dn) }
        for user in s.users {
            if let problem = user.unreadable {
                notJudged += 1
                findings.append(
                    Finding(
                        status: .error, target: user.dn, message: "\(right.name) cannot be judged: \(problem)",
                        details: ["group": group(user), "cause": "unreadable"]))
                continue
            }
            let verdict = judge.judge(right.right, for: user, decisions: &decisions)
            if let doubt = verdict.doubt {
                notJudged += 1
                findings.append(
                    Finding(
                        status: .error, target: user.dn,
                        message: "\(right.name) cannot be judged: \(doubt.reason), and an ACE for \(s.trusteeName(doubt.ace.sid)) "
                            + "(\(doubt.ace.sddl)) would decide it the other way.",
                        details: ["group": group(user), "cause": "token-undecided", "ace": .string(doubt.ace.sddl)]))
                continue
            }
            if let dcSays = dcAnswer(right, user) {
                guard dcSays == verdict.granted else {
                    crossCheck.disagreed += 1
                    notJudged += 1
                    let ours = verdict.granted ? "granted" : "missing (\(verdict.cause?.code ?? "no-grant"))"
                    findings.append(
                        Finding(
                            status: .error, target: user.dn,
                            message: "The DC and preflight disagree on \(right.name): the DC's allowedAttributesEffective "
                                + "\(dcSays ? "lists" : "does not list") \(right.attributeName ?? "the attribute") for \(s.accountDisplayName), "
                                + "while preflight's access check finds it \(ours). Test the write by hand before trusting either.",
                            details: ["group": group(user), "cause": "dc-disagrees", "dcAllows": .bool(dcSays), "preflightAllows": .bool(verdict.granted)]))
                    continue
                }
                crossCheck.confirmed += 1
            }
            guard !verdict.granted, let cause = verdict.cause else { continue }
            gaps.append((user, cause))
            causes[cause.code, default: 0] += 1
            var details: [String: JSONValue] = ["group": group(user), "right": .string(right.name), "cause": .string(cause.code)]
            if let upn = user.upn { details["upn"] = .string(upn) }
            if let anchor = user.sourceAnchor { details["immutableId"] = .string(anchor.immutableID) }
            switch cause {
            case .denied(let ace, let origin):
                details["ace"] = .string(ace.sddl)
                details["trustee"] = .string(s.trusteeName(ace.sid))
                details["inheritedFrom"] = origin.map(JSONValue.string) ?? .null
            case .inheritanceBlocked(let at, let grantedAt):
                details["inheritanceDisabledOn"] = .string(at)
                details["grantedAt"] = .string(grantedAt)
            case .classMismatch(let grantedAt, _), .userInheritanceDisabled(.some(let grantedAt)), .protectedAccount(.some(let grantedAt)):
                details["grantedAt"] = .string(grantedAt)
            default: break
            }
            findings.append(
                Finding(
                    status: missingStatus, target: user.dn,
                    message: Explanation.message(right, cause, snapshot: s, user: user), details: .object(details)))
        }
        var view = RightView(
            right: right.name, usersWithRight: s.users.count - findings.count, usersWithoutRight: findings.count - notJudged,
            usersNotJudged: notJudged, causes: causes)
        var crossCheckSentence = ""
        if right.attributeName != nil {
            if s.account.isBindAccount {
                view.dcCrossCheck = RightView.CrossCheck(confirmed: crossCheck.confirmed, disagreed: crossCheck.disagreed)
                crossCheckSentence = " Cross-checked with the DC's allowedAttributesEffective: \(crossCheck.confirmed) confirmed, \(crossCheck.disagreed) disagreed."
            } else {
                crossCheckSentence = " Not cross-checked with the DC (the bind account is not the connector account)."
            }
        }
        let evidence = Evidence.of(ScopeView(s), view)
        let context = scopeSentence(s) + tokenSentence(s) + crossCheckSentence
        if s.users.isEmpty {
            return .error(
                "No user objects were found in scope (\(s.scope.bases.joined(separator: "; "))), so nothing was proven. "
                    + "Check 'ldap.scope' and that the bind account may read those OUs.", evidence: evidence)
        }
        guard !findings.isEmpty else {
            return Evaluation(
                status: .pass,
                message: "\(s.accountDisplayName) holds \(right.name) on \(s.users.count == 1 ? "the 1 in-scope user" : "all \(s.users.count) in-scope users")." + context,
                evidence: evidence)
        }
        if gaps.isEmpty {
            return Evaluation(
                status: .error,
                message: "\(notJudged) of \(Plural.count(s.users.count, "in-scope user")) could not be judged (see each finding for why), so readiness is unproven."
                    + context,
                findings: findings, evidence: evidence)
        }
        let undecided = notJudged > 0 ? " \(notJudged) more could not be judged (see the findings)." : ""
        var evaluation = Evaluation(
            status: missingStatus,
            message: "\(gaps.count) of \(Plural.count(s.users.count, "in-scope user")): \(s.accountDisplayName) lacks \(right.name) "
                + "(\(causes.sorted { $0.key < $1.key }.map { "\($0.value) \($0.key)" }.joined(separator: ", ")))." + undecided + context,
            findings: findings, evidence: evidence)
        evaluation.generatedRemediation = Explanation.remediation(right, gaps: gaps, snapshot: s)
        return evaluation
    }

    /// AD-002: the account exists, can log on, and is not privileged.
    package static func account(_ s: DirectorySnapshot, now: Date = Date()) -> Evaluation {
        let a = s.account
        let evidence = Evidence.of(ScopeView(s), AccountView(userAccountControl: a.userAccountControl, groups: a.groups.map(s.trusteeName)))
        var problems: [String] = []
        if a.userAccountControl & 0x2 != 0 { problems.append("the account is disabled") }
        if let lockout = a.lockoutTime, lockout > 0 { problems.append("the account is locked out") }
        if let expires = a.accountExpires, expires > 0, expires != Int64.max, fileTime(expires) < now {
            problems.append("the account expired on \(RFC3339.string(fileTime(expires)))")
        }
        if a.userAccountControl & 0x800000 != 0 { problems.append("its password has expired") }
        let name = s.accountDisplayName
        if !problems.isEmpty {
            return Evaluation(
                status: .fail, message: "The connector account \(name) cannot sign in: \(problems.joined(separator: ", ")).",
                findings: [Finding(status: .fail, target: a.dn, message: problems.joined(separator: "; ").capitalizedFirst + ".")],
                evidence: evidence)
        }
        if !a.privilegedGroups.isEmpty {
            return Evaluation(
                status: .warn,
                message: "The connector account \(name) is a member of \(a.privilegedGroups.joined(separator: ", ")); "
                    + "Entra Connect refuses Domain Admins and Enterprise Admins as the AD DS connector account.",
                findings: [Finding(status: .warn, target: a.dn, message: "Member of \(a.privilegedGroups.joined(separator: ", ")).")],
                evidence: evidence)
        }
        return Evaluation(status: .pass, message: "The connector account \(name) (\(a.dn)) is enabled, not locked and not expired.", evidence: evidence)
    }

    /// AD-007: Unexpire Password on the domain root.
    static func unexpire(_ s: DirectorySnapshot) -> Evaluation {
        let right = WritebackRight.unexpirePassword
        let judge = RightsJudge(s)
        let decision = checkAccess(right.right, dacl: s.domain.rootDACL, token: s.account.token, objectClass: ClassGUID.domainDNS, principalSelf: nil)
        let evidence = Evidence.of(ScopeView(s), ["domainRoot": s.domain.dn])
        if let doubt = doubtAbout(
            decision, right.right, dacl: s.domain.rootDACL, objectClass: ClassGUID.domainDNS, principalSelf: nil, doubt: judge.doubt(about:))
        {
            return .error(
                "Unexpire Password on '\(s.domain.dn)' cannot be judged: \(doubt.reason), and an ACE for \(s.trusteeName(doubt.ace.sid)) "
                    + "(\(doubt.ace.sddl)) would decide it the other way." + tokenSentence(s), evidence: evidence)
        }
        if decision.granted {
            return Evaluation(status: .pass, message: "\(s.accountDisplayName) holds Unexpire Password on '\(s.domain.dn)'.", evidence: evidence)
        }
        var reason = "no ACE grants it"
        if case .deniedBy(let ace) = decision.reason { reason = "an ACE denies it: \(ace.sddl)" }
        var evaluation = Evaluation(
            status: .warn,
            message: "\(s.accountDisplayName) lacks Unexpire Password on the domain root '\(s.domain.dn)' (\(reason)). "
                + (s.topology == .cloudSync
                    ? "It is part of Cloud Sync's writeback permission set (Set-AADCloudSyncPermissions -PermissionType PasswordWriteBack grants it)."
                    : "Microsoft's documentation asks for it, though its permission cmdlet does not grant it."),
            findings: [Finding(status: .warn, target: s.domain.dn, message: "Unexpire Password missing: \(reason).")], evidence: evidence)
        evaluation.generatedRemediation =
            "```\ndsacls \"\(s.domain.dn)\" /G \"\(s.accountDisplayName):\(right.dsacls)\"\n```\nRepeat on the root of every other domain of the forest."
        return evaluation
    }

    /// AD-008: protected accounts in scope.
    static func protectedAccounts(_ s: DirectorySnapshot) -> Evaluation {
        var memberships: [String: [String]] = [:]
        for (group, members) in s.protectedGroupMembers {
            for member in members { memberships[DistinguishedName(member).key, default: []].append(group) }
        }
        var findings: [Finding] = []
        for user in s.users {
            let groups = memberships.isEmpty ? [] : memberships[DistinguishedName(user.dn).key] ?? []
            let builtIn = user.sid.flatMap { sid in
                sid.isDomainRelative(to: s.domain.sid) && [500, 502].contains(sid.rid ?? 0) ? sid.wellKnownName(domain: s.domain.sid) : nil
            }
            guard user.adminCount > 0 || !groups.isEmpty || builtIn != nil else { continue }
            var why: [String] = []
            if let builtIn { why.append("the built-in \(builtIn) account") }
            if user.adminCount > 0 { why.append("adminCount=1") }
            if !groups.isEmpty { why.append("member of \(groups.sorted().joined(separator: ", "))") }
            if user.adminCount > 0, groups.isEmpty, builtIn == nil {
                why.append("no protected group membership found: adminCount may be stale")
            }
            var details: [String: JSONValue] = [
                "group": .string(DistinguishedName(user.dn).parent?.description ?? ""), "adminCount": .int(user.adminCount),
                "daclProtected": .bool(user.daclProtected),
            ]
            if let upn = user.upn { details["upn"] = .string(upn) }
            if let anchor = user.sourceAnchor { details["immutableId"] = .string(anchor.immutableID) }
            findings.append(
                Finding(
                    status: .warn, target: user.dn,
                    message: "Protected account (\(why.joined(separator: "; "))): writeback cannot reset its password.",
                    details: .object(details)))
        }
        let evidence = Evidence.of(
            ScopeView(s), ProtectedView(protectedAccounts: findings.count, protectedGroupsQueried: s.protectedGroupMembers.keys.sorted()))
        guard !findings.isEmpty else {
            return Evaluation(status: .pass, message: "No protected accounts among the \(Plural.count(s.users.count, "in-scope user")).", evidence: evidence)
        }
        return Evaluation(
            status: .warn,
            message: "\(Plural.count(findings.count, "in-scope user")) \(Plural.verb(findings.count, "is a protected account; password writeback cannot reset it", "are protected accounts; password writeback cannot reset them")).",
            findings: findings, evidence: evidence)
    }

    /// AD-009: users and OUs in scope whose DACL does not inherit.
    static func inheritance(_ s: DirectorySnapshot) -> Evaluation {
        var findings: [Finding] = []
        // Users below each container: counted per parent, then added up each distinct parent's ancestry.
        var usersPerParent: [[String]: Int] = [:]
        for user in s.users { usersPerParent[Array(DistinguishedName(user.dn).rdns.dropFirst()), default: 0] += 1 }
        var usersBelow: [String: Int] = [:]
        for (parent, users) in usersPerParent where !parent.isEmpty {
            for ancestor in DistinguishedName(rdns: parent).lineage { usersBelow[ancestor.key, default: 0] += users }
        }
        for container in s.containers where container.daclProtected && s.isInScope(container.dn) {
            // A protected container with no in-scope user below it (a GPO's, say) does not matter here.
            let below = usersBelow[DistinguishedName(container.dn).key] ?? 0
            guard below > 0 else { continue }
            findings.append(
                Finding(
                    status: .warn, target: container.dn,
                    message: "Inheritance is disabled on this \(container.isOrganizationalUnit ? "OU" : "container"): permissions granted above it do not reach the \(below) in-scope users below.",
                    details: ["kind": "container", "usersBelow": .int(below)]))
        }
        for user in s.users where user.daclProtected {
            findings.append(
                Finding(
                    status: .warn, target: user.dn,
                    message: "Inheritance is disabled on this user object\(user.adminCount > 0 ? " (a protected account, adminCount=1)" : "").",
                    details: ["kind": "user", "group": .string(DistinguishedName(user.dn).parent?.description ?? "")]))
        }
        let evidence = Evidence.of(ScopeView(s), ["objectsWithInheritanceDisabled": findings.count])
        guard !findings.isEmpty else {
            return Evaluation(status: .pass, message: "Every in-scope user and OU inherits permissions.", evidence: evidence)
        }
        return Evaluation(
            status: .warn, message: "\(findings.count) in-scope objects have inheritance disabled.", findings: findings, evidence: evidence)
    }

    /// AD-010: minimum password age 0, domain-wide and in fine-grained policies that apply to in-scope users.
    static func passwordAge(_ s: DirectorySnapshot) -> Evaluation {
        var findings: [Finding] = []
        var view = PasswordAgeView(domainMinPwdAge: s.domain.minPwdAge.map(describeInterval))
        var evidence: [String: JSONValue] { Evidence.of(ScopeView(s), view) }
        guard let domainAge = s.domain.minPwdAge else {
            return .error("The domain root did not return minPwdAge, so the policy cannot be judged. Check that the bind account may read '\(s.domain.dn)'.", evidence: evidence)
        }
        if domainAge != 0 {
            findings.append(
                Finding(
                    status: .warn, target: s.domain.dn,
                    message: "The domain's minimum password age is \(describeInterval(domainAge)); a second reset or change within that time fails to write back."))
        }
        for policy in s.passwordPolicies where !policy.appliesToUsers.isEmpty {
            guard let age = policy.minimumPasswordAge else {
                findings.append(
                    Finding(
                        status: .warn, target: policy.dn,
                        message: "The fine-grained password policy '\(policy.name)' is the resultant policy of \(Plural.count(policy.appliesToUsers.count, "in-scope user")), "
                            + "but the bind account cannot read its settings, so its minimum password age is unknown. Check it by hand, or bind as an account allowed to read it.",
                        details: ["users": .array(policy.appliesToUsers.map(JSONValue.string))]))
                continue
            }
            guard age != 0 else { continue }
            findings.append(
                Finding(
                    status: .warn, target: policy.dn,
                    message: "The fine-grained password policy '\(policy.name)'\(policy.precedence.map { " (precedence \($0))" } ?? "") sets a minimum password age of "
                        + "\(describeInterval(age)) for \(Plural.count(policy.appliesToUsers.count, "in-scope user")).",
                    details: ["users": .array(policy.appliesToUsers.map(JSONValue.string))]))
        }
        view.fineGrainedPolicies = s.passwordPolicies.map {
            PasswordAgeView.Policy(
                name: $0.name, minimumPasswordAge: $0.minimumPasswordAge.map(describeInterval) ?? "unreadable", inScopeUsers: $0.appliesToUsers.count)
        }
        guard !findings.isEmpty else {
            let caveat = s.passwordPolicies.isEmpty
                ? " No fine-grained policy is the resultant policy of an in-scope user, as far as the bind account can see (msDS-ResultantPSO)." : ""
            return Evaluation(status: .pass, message: "The minimum password age is 0 for the domain and every policy that applies in scope.\(caveat)", evidence: evidence)
        }
        var evaluation = Evaluation(
            status: .warn, message: "A minimum password age above 0 (or an unreadable one) applies to in-scope users: a second password reset within it fails (event 33008).",
            findings: findings, evidence: evidence)
        let psoCommands = s.passwordPolicies.filter { ($0.minimumPasswordAge ?? 1) != 0 && !$0.appliesToUsers.isEmpty }
            .map { "Set-ADFineGrainedPasswordPolicy -Identity '\($0.name)' -MinPasswordAge 0" }
        evaluation.generatedRemediation = "Set *Minimum password age* to 0 in the domain's password policy GPO (Computer Configuration > Policies > "
            + "Windows Settings > Security Settings > Account Policies)."
            + (psoCommands.isEmpty ? "" : " For the fine-grained policies listed:\n\n```powershell\n" + psoCommands.joined(separator: "\n") + "\n```")
        return evaluation
    }

    /// AD-011: the DC advertises the password-policy-hints control.
    static func controls(_ s: DirectorySnapshot, required oids: [String]) -> Evaluation {
        let advertised = Set(s.server.supportedControls)
        let found = oids.filter { advertised.contains($0) }
        let evidence = Evidence.of(ServerView(s), ControlsView(supportedControl: s.server.supportedControls.sorted(), lookedFor: oids))
        if !found.isEmpty {
            return Evaluation(status: .pass, message: "The DC advertises \(found.joined(separator: " and ")) (LDAP password policy hints).", evidence: evidence)
        }
        return Evaluation(
            status: .fail,
            message: "The DC \(s.server.dnsHostName ?? s.server.url) does not advertise the LDAP password-policy-hints control "
                + "(\(oids.joined(separator: " or "))) among its \(advertised.count) supported controls; writeback fails with event 6329. "
                + "Domain controllers must run Windows Server 2016 or later.",
            findings: [Finding(status: .fail, target: s.server.url, message: "supportedControl lacks \(oids.joined(separator: " and ")).")],
            evidence: evidence)
    }

    /// AD-012: the DC is writable.
    package static func writable(_ s: DirectorySnapshot) -> Evaluation {
        let evidence = Evidence.of(ServerView(s))
        switch s.server.isReadOnly {
        case .some(false):
            return Evaluation(status: .pass, message: "\(s.server.dnsHostName ?? s.server.url) is a writable domain controller.", evidence: evidence)
        case .some(true):
            return Evaluation(
                status: .fail, message: "\(s.server.dnsHostName ?? s.server.url) is a read-only domain controller; writeback needs a writable DC.",
                findings: [Finding(status: .fail, target: s.server.url, message: "Read-only domain controller (msDS-isRODC is TRUE).")],
                evidence: evidence)
        case .none:
            return .error("The DC did not say whether it is read-only (msDS-isRODC was not readable on its NTDS Settings object).", evidence: evidence)
        }
    }

    /// AD-013: OU names free of the characters that break writeback.
    static func ouNames(_ s: DirectorySnapshot, reserved: String) -> Evaluation {
        var findings: [Finding] = []
        let ous = s.containers.filter { $0.isOrganizationalUnit && s.isInScope($0.dn) }
        for ou in ous {
            var problems: [String] = []
            let name = ou.name
            if name.hasPrefix(" ") { problems.append("a leading space") }
            if name.hasSuffix(" ") { problems.append("a trailing space") }
            if name.hasPrefix("#") { problems.append("a leading '#'") }
            let bad = Set(name.filter { reserved.contains($0) }).sorted()
            if !bad.isEmpty { problems.append("the reserved character\(bad.count > 1 ? "s" : "") \(bad.map { describe($0) }.joined(separator: " "))") }
            guard !problems.isEmpty else { continue }
            findings.append(
                Finding(
                    status: .fail, target: ou.dn,
                    message: "The OU name '\(name)' contains \(problems.joined(separator: ", ")); writeback fails for users below it (event 33001)."))
        }
        let evidence = Evidence.of(ScopeView(s), ["ousChecked": ous.count])
        guard !findings.isEmpty else {
            return Evaluation(status: .pass, message: "None of the \(ous.count) in-scope OU names contains a character that breaks writeback.", evidence: evidence)
        }
        return Evaluation(
            status: .fail, message: "\(findings.count) in-scope OU names contain characters that break writeback.", findings: findings,
            evidence: evidence)
    }

    private static func describe(_ character: Character) -> String {
        switch character {
        case "\n": "LF"
        case "\r": "CR"
        default: "'\(character)'"
        }
    }

    static func fileTime(_ value: Int64) -> Date {
        Date(timeIntervalSince1970: Double(value) / 10_000_000 - 11_644_473_600)
    }

    /// `-864000000000` → `1 day`.
    static func describeInterval(_ value: Int64) -> String {
        let seconds = Double(abs(value)) / 10_000_000
        if seconds == 0 { return "0" }
        if seconds.truncatingRemainder(dividingBy: 86_400) == 0 {
            let days = Int(seconds / 86_400)
            return "\(days) day\(days == 1 ? "" : "s")"
        }
        return "\(Int(seconds / 3600)) hours"
    }
}

extension DirectorySnapshot {
    func isInScope(_ dn: String) -> Bool { scope.contains(dn) }
}

extension String {
    fileprivate var capitalizedFirst: String { prefix(1).uppercased() + dropFirst() }
}
