import PreflightCore

/// AD-017: who may retrieve the password of the agent's gMSA. `msDS-GroupMSAMembership` is a security descriptor whose
/// allow ACEs name the principals the DC gives the password to (PrincipalsAllowedToRetrieveManagedPassword,
/// https://learn.microsoft.com/windows-server/security/group-managed-service-accounts/group-managed-service-accounts-overview):
/// they should be the provisioning agent hosts and nothing else.
enum GMSAReadersJudgement {
    static func evaluate(_ g: GMSAFacts, _ s: DirectorySnapshot) -> Evaluation {
        let account = s.accountDisplayName
        var view = GMSAReadersView(account: account, accountDN: g.dn, isGMSA: g.isGMSA)
        guard g.isGMSA else { return GMSAJudgement.notAGMSA(account, s) }
        guard let state = g.passwordReaders else {
            return .error(
                "Who may retrieve the password of \(account) cannot be judged: \(g.passwordReadersUnreadable ?? "it was not read.") "
                    + "Let the bind account read it (dsacls \"\(g.dn)\" /G \"<bind account>:RP;msDS-GroupMSAMembership\") or bind as "
                    + "an account that may, and run again; Get-ADServiceAccount \(s.account.samAccountName) -Properties "
                    + "PrincipalsAllowedToRetrieveManagedPassword shows it too.",
                evidence: Evidence.of(view))
        }
        guard case .acl(let acl) = state else {
            return failure(
                "\(account)'s msDS-GroupMSAMembership has no DACL (a NULL DACL): anyone may retrieve its password and act as the "
                    + "agent, which can reset the password of every user in writeback's scope.",
                findings: [Finding(status: .fail, target: g.dn, message: "msDS-GroupMSAMembership has a NULL DACL: anyone may retrieve the password.")],
                view: view, g, s)
        }
        let applying = acl.aces.filter { !$0.isInheritOnly }
        let allows = applying.filter { $0.type == .accessAllowed || $0.type == .accessAllowedObject }
        view.denyACEs = applying.filter { $0.type == .accessDenied || $0.type == .accessDeniedObject }.map(\.sddl)
        var trustees: [SID] = []
        for sid in allows.compactMap(\.sid) where !trustees.contains(sid) { trustees.append(sid) }
        var findings: [Finding] = []
        var hosts: [String] = []
        view.readers = trustees.map { sid in
            let principal = g.principal(sid) ?? GMSAPrincipal(sid: sid, name: sid.description, kind: .unresolved)
            let verdict = GMSAClassification.reader(principal, agents: g.agentMachines)
            let label = GMSAClassification.label(sid, g, s)
            switch verdict {
            case .host: hosts.append(label)
            case .broad(let why): findings.append(finding(.fail, label, principal, "\(why): every one of them may retrieve the password."))
            case .exposure(let why): findings.append(finding(.warn, label, principal, "\(why)."))
            case .undecided(let why): findings.append(finding(.error, label, principal, "\(why)."))
            }
            return GMSAReadersView.Reader(principal, verdict: verdict)
        }
        guard !trustees.isEmpty else {
            return failure(
                "No one may retrieve the password of \(account) (msDS-GroupMSAMembership grants no one): no provisioning agent can "
                    + "run as it, so writeback cannot work.",
                findings: [Finding(status: .fail, target: g.dn, message: "msDS-GroupMSAMembership grants no one.")], view: view, g, s)
        }
        let hostSentence = hosts.isEmpty ? "" : " Agent hosts: \(hosts.joined(separator: ", "))."
        let unreadAgents = g.agentMachinesUnreadable.map {
            " cloudSync.agents could not be read, so every computer account counts as an agent host here: \($0)"
        }
        let deny = (view.denyACEs.isEmpty ? "" : " \(Plural.count(view.denyACEs.count, "deny ACE")) \(Plural.verb(view.denyACEs.count, "is", "are")) not subtracted (see the evidence).") + (unreadAgents ?? "")
        if findings.contains(where: { $0.status == .fail }) {
            let broad = findings.filter { $0.status == .fail }.map(\.target).joined(separator: ", ")
            return failure(
                "The password of \(account) may be retrieved by \(broad): whoever is in it can act as the provisioning agent and reset "
                    + "the password of every user in writeback's scope, a tier 0 exposure.\(hostSentence)\(deny)",
                findings: findings, view: view, g, s)
        }
        if findings.contains(where: { $0.status == .error }) {
            let unknown = findings.filter { $0.status == .error }.map(\.target).joined(separator: ", ")
            var evaluation = Evaluation(
                status: .error,
                message: "Who may retrieve the password of \(account) cannot be fully judged: \(unknown) could not be classified."
                    + "\(hostSentence)\(deny)",
                findings: findings, evidence: Evidence.of(view))
            evaluation.generatedRemediation = remediation(g, s)
            return evaluation
        }
        if !findings.isEmpty {
            var evaluation = Evaluation(
                status: .warn,
                message: "The password of \(account) may be retrieved by more than the agent hosts: \(findings.map(\.target).joined(separator: ", ")). "
                    + "Each can act as the provisioning agent and reset the password of every user in writeback's scope."
                    + "\(hostSentence)\(deny)",
                findings: findings, evidence: Evidence.of(view))
            evaluation.generatedRemediation = remediation(g, s)
            return evaluation
        }
        return Evaluation(
            status: .pass, message: "Only agent hosts may retrieve the password of \(account): \(hosts.joined(separator: ", ")).\(deny)",
            evidence: Evidence.of(view))
    }

    static func finding(_ status: CheckStatus, _ label: String, _ principal: GMSAPrincipal, _ message: String) -> Finding {
        Finding(
            status: status, target: label, message: message,
            details: JSONValue.encoding(GMSAReadersView.Reader(principal, verdict: nil)))
    }

    static func failure(_ message: String, findings: [Finding], view: GMSAReadersView, _ g: GMSAFacts, _ s: DirectorySnapshot) -> Evaluation {
        var evaluation = Evaluation(status: .fail, message: message, findings: findings, evidence: Evidence.of(view))
        evaluation.generatedRemediation = remediation(g, s)
        return evaluation
    }

    /// Set-ADServiceAccount replaces the list: https://learn.microsoft.com/powershell/module/activedirectory/set-adserviceaccount
    static func remediation(_ g: GMSAFacts, _ s: DirectorySnapshot) -> String {
        let name = s.account.samAccountName.hasSuffix("$") ? String(s.account.samAccountName.dropLast()) : s.account.samAccountName
        return "Let only the provisioning agent hosts (their computer accounts, or a security group holding only them) retrieve "
            + "the password, on a DC or a host with the AD PowerShell module:\n\n```powershell\n"
            + "Set-ADServiceAccount -Identity '\(name)' -PrincipalsAllowedToRetrieveManagedPassword 'AGENT1$', 'AGENT2$'\n"
            + "Get-ADServiceAccount -Identity '\(name)' -Properties PrincipalsAllowedToRetrieveManagedPassword\n```\n"
            + "(replace AGENT1$, AGENT2$ with the agent hosts' computer accounts; the list replaces the current one). A principal "
            + "removed from the list may already hold the current password, which stays valid until the gMSA's next scheduled "
            + "change (every msDS-ManagedPasswordInterval days)."
    }
}
