import PreflightCore

/// AD-014 and AD-015: the connector account may read the objects writeback's own calls read.
enum PrerequisiteJudgement {
    static func evaluate(_ kind: PrerequisiteObjectKind, _ s: DirectorySnapshot) -> Evaluation {
        let account = s.accountDisplayName
        let rightNames = kind.rights.map(\.name)
        var view = PrerequisiteView(
            account: account, accountDN: s.account.dn, groupSource: s.account.logonToken.source.rawValue,
            token: DirectoryJudgements.TokenView(s), rights: rightNames)
        var evidence: [String: JSONValue] { Evidence.of(view) }
        guard let object = s.prerequisites.first(where: { $0.kind == kind }) else {
            return .error("The directory snapshot holds no '\(kind.relativeDN)' object, so it was not judged.", evidence: evidence)
        }
        view.object = object.dn
        guard let dacl = object.dacl else {
            // Bound as the connector account, the DC's refusal to show the object's permissions is the answer itself.
            if s.account.isBindAccount {
                let why = "the DC refuses to show its permissions to the account itself (\(object.unreadable ?? "nothing was returned"))"
                var evaluation = Evaluation(
                    status: .fail,
                    message: "\(account) lacks Read permissions on '\(object.dn)': \(why). \(consequence(kind))",
                    findings: [Finding(status: .fail, target: object.dn, message: "Read permissions: \(why).", details: ["right": "Read permissions"])],
                    evidence: evidence)
                evaluation.generatedRemediation = remediation(kind, object: object.dn, account: account, denied: true)
                return evaluation
            }
            return .error(
                "Whether \(account) may \(sentence(rightNames)) on '\(object.dn)' cannot be judged: \(object.unreadable ?? "its DACL was not read") "
                    + "Let the bind account read the object's permissions, or bind as the connector account.",
                evidence: evidence)
        }
        let judge = RightsJudge(s)
        var granted: [String] = []
        var missing: [(name: String, why: String)] = []
        for (name, mask) in kind.rights {
            let right = DirectoryRight.wholeObject(mask)
            let decision = checkAccess(right, dacl: dacl, token: s.account.token, objectClass: kind.objectClass, principalSelf: nil)
            if let doubt = doubtAbout(decision, right, dacl: dacl, objectClass: kind.objectClass, principalSelf: nil, doubt: judge.doubt(about:)) {
                return .error(
                    "\(name) for \(account) on '\(object.dn)' cannot be judged: \(doubt.reason), and an ACE for "
                        + "\(s.trusteeName(doubt.ace.sid)) (\(doubt.ace.sddl)) would decide it the other way."
                        + DirectoryJudgements.tokenSentence(s),
                    evidence: evidence)
            }
            switch decision.reason {
            case .allowedBy(let ace): granted.append("\(name) to \(s.trusteeName(ace.sid)) by \(ace.sddl)")
            case .nullDACL: granted.append("\(name) (the object has no DACL)")
            case .deniedBy(let ace): missing.append((name, "denied to \(s.trusteeName(ace.sid)) by \(ace.sddl)"))
            case .emptyDACL, .noMatchingAllowACE: missing.append((name, "no ACE grants it to the account or its groups"))
            }
        }
        view.grantedBy = granted
        guard !missing.isEmpty else {
            return Evaluation(
                status: .pass,
                message: "\(account) may \(sentence(rightNames)) on '\(object.dn)' (granted: \(granted.joined(separator: "; ")))."
                    + DirectoryJudgements.tokenSentence(s),
                evidence: evidence)
        }
        var evaluation = Evaluation(
            status: .fail,
            message: "\(account) lacks \(missing.map { "\($0.name) (\($0.why))" }.joined(separator: ", ")) on '\(object.dn)'. \(consequence(kind))"
                + DirectoryJudgements.tokenSentence(s),
            findings: missing.map { Finding(status: .fail, target: object.dn, message: "\($0.name): \($0.why).", details: ["right": .string($0.name)]) },
            evidence: evidence)
        evaluation.generatedRemediation = remediation(kind, object: object.dn, account: account, denied: missing.contains { $0.why.hasPrefix("denied") })
        return evaluation
    }

    static func consequence(_ kind: PrerequisiteObjectKind) -> String {
        switch kind {
        case .samServer:
            "Writeback looks the user up with NetUserGetInfo, which reads this object: resets fail with access denied."
        case .builtin:
            "Writeback reads the alias memberships in the Builtin container: without it resets fail with access denied."
        }
    }

    static func remediation(_ kind: PrerequisiteObjectKind, object: String, account: String, denied: Bool) -> String {
        let deny = denied ? "First remove the deny ACE named above (Security tab of the object, Advanced). Then:\n\n" : ""
        switch kind {
        case .samServer:
            return deny + "```\ndsacls \"\(object)\" /G \"NT AUTHORITY\\Authenticated Users:LCRPRC\"\n```\n"
                + "(Microsoft's requirement: List contents, Read all properties and Read permissions for Authenticated Users.)"
        case .builtin:
            return deny + "```\ndsacls \"\(object)\" /G \"\(account):LCRP\"\n```"
        }
    }

    /// "list contents, read all properties and read permissions".
    static func sentence(_ names: [String]) -> String {
        let lower = names.map { $0.prefix(1).lowercased() + $0.dropFirst() }
        guard lower.count > 1 else { return lower.first ?? "" }
        return lower.dropLast().joined(separator: ", ") + " and " + (lower.last ?? "")
    }
}

/// AD-014 and AD-015's evidence: whose token, which rights, on which object, granted by what.
struct PrerequisiteView: Encodable {
    var account, accountDN, groupSource: String
    var token: DirectoryJudgements.TokenView
    var rights: [String]
    /// Absent when the snapshot holds no such object.
    var object: String?
    /// Absent until the object's DACL was read.
    var grantedBy: [String]?
}
