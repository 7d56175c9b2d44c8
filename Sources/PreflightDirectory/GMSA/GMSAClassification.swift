import PreflightCore

/// How AD-017 and AD-018 see a trustee of the gMSA: an agent host, a principal everyone (or every computer) is in, or
/// something in between. Whoever may retrieve the password can run as the agent's gMSA, which holds Reset Password on
/// every user in writeback's scope; Microsoft asks for the agent's server to be a tier 0 server
/// (https://learn.microsoft.com/entra/identity/hybrid/cloud-sync/how-to-prerequisites).
enum GMSAClassification {
    enum Verdict: Equatable {
        /// A computer account (the agent hosts), a group of computers only, or the domain controllers.
        case host
        /// A principal that holds every user or every computer: the password is as good as public.
        case broad(String)
        /// More than the agent hosts: users, service accounts, groups with such members.
        case exposure(String)
        /// The tool cannot tell what the trustee is.
        case undecided(String)
    }

    /// Trustees every account of the domain (or every computer) is in.
    static let broadSIDs: Set<SID> = [
        .everyone, .authenticatedUsers, .thisOrganization, .network, SID(authority: 5, [7]) /* ANONYMOUS LOGON */,
        SID(authority: 5, [4]) /* INTERACTIVE */, SID(authority: 5, [32, 545]) /* Users */, SID(authority: 5, [32, 546]) /* Guests */,
        SID(authority: 5, [32, 554]) /* Pre-Windows 2000 Compatible Access */,
    ]
    /// Domain Users, Domain Guests, Domain Computers, Guest.
    static let broadDomainRIDs: Set<UInt32> = [513, 514, 515, 501]
    /// Enterprise Domain Controllers; in a domain, Domain Controllers and Read-only Domain Controllers.
    static let enterpriseDomainControllers = SID(authority: 5, [9])
    static let domainControllerRIDs: Set<UInt32> = [516, 521]

    static func isBroad(_ sid: SID) -> Bool {
        broadSIDs.contains(sid) || (sid.parent?.isNTDomainSID == true && sid.rid.map(broadDomainRIDs.contains) == true)
    }

    static func isDomainControllers(_ sid: SID) -> Bool {
        sid == enterpriseDomainControllers || (sid.parent?.isNTDomainSID == true && sid.rid.map(domainControllerRIDs.contains) == true)
    }

    /// What a trustee of `msDS-GroupMSAMembership` is, as a reader of the password. With `agents` (the registered
    /// provisioning agents' machine names, `cloudSync.agents`), a computer that is none of them is more than the agent
    /// hosts; without, every computer account counts as a host.
    static func reader(_ principal: GMSAPrincipal, agents: [String]? = nil) -> Verdict {
        if isBroad(principal.sid) { return .broad("\(principal.name) holds every \(broadWhat(principal.sid))") }
        if isDomainControllers(principal.sid) { return .host }
        switch principal.kind {
        case .computer:
            guard let agents, !isAgentHost(principal.name, principal.host, agents: agents) else { return .host }
            return .exposure(
                "a computer account that is none of the provisioning agents cloudSync.agents lists (\(agentList(agents))): whatever "
                    + "runs on it can retrieve the password")
        case .group: return group(principal, agents: agents)
        case .user: return .exposure("a user account: whoever signs in as it can retrieve the password")
        case .serviceAccount: return .exposure("a service account, not a host: whatever runs as it can retrieve the password")
        case .wellKnown: return .exposure("a well-known principal, not a computer account")
        case .foreign:
            return .undecided("a principal of another forest or a well-known SID this tool does not classify; check it by hand")
        case .unresolved:
            return .undecided(
                "no object with this SID was found in the domain (another domain's principal, or a deleted one); check it by hand")
        }
    }

    private static func group(_ principal: GMSAPrincipal, agents: [String]?) -> Verdict {
        let members = principal.members ?? []
        if let broad = members.first(where: { $0.sid.map(isBroad) == true }) {
            return .broad("\(principal.name) has \(broad.sid?.wellKnownName(domain: nil) ?? broad.name) as a member")
        }
        if let agents {
            let strangers = members.filter { $0.kind == .computer && !isAgentHost($0.name, $0.host, agents: agents) }
            if !strangers.isEmpty {
                return .exposure(
                    "a group holding \(Plural.count(strangers.count, "computer account")) that \(Plural.verb(strangers.count, "is", "are")) "
                        + "none of the provisioning agents cloudSync.agents lists (\(agentList(agents))): \(names(strangers))")
            }
        }
        let others = members.filter { $0.kind != .computer }
        guard members.isEmpty || !others.isEmpty else { return .host }
        guard !members.isEmpty else {
            return .exposure(
                "a group with no member the bind account can see (members through primaryGroupID are not listed): check that it "
                    + "holds the agent hosts only")
        }
        return .exposure(
            "a group holding \(Plural.count(others.count, "member")) that \(Plural.verb(others.count, "is not a computer account", "are not computer accounts")): "
                + names(others))
    }

    /// Up to five members by name and kind, then how many more.
    private static func names(_ members: [GMSAMember]) -> String {
        let names = members.prefix(5).map { "\($0.name) (\($0.kind.rawValue))" }.joined(separator: ", ")
        return names + (members.count > 5 ? " and \(members.count - 5) more" : "")
    }

    private static func agentList(_ agents: [String]) -> String { agents.isEmpty ? "none" : agents.joined(separator: ", ") }

    /// Whether the computer `samAccountName` (`NAME$`) is the host of one of the agents, by Graph's `machineName`: the
    /// computer's `dNSHostName` when both are DNS names, else the host part, which is the computer's NetBIOS name cut to
    /// 15 characters (https://learn.microsoft.com/troubleshoot/windows-server/active-directory/naming-conventions-for-computer-domain-site-ou).
    /// A domain controller (primary group 516 or 521) holds every secret of the domain already: it counts as a host.
    static func isAgentHost(_ samAccountName: String, _ host: GMSAHost?, agents: [String]) -> Bool {
        if host?.isDomainController == true { return true }
        let netbios = (samAccountName.hasSuffix("$") ? String(samAccountName.dropLast()) : samAccountName).lowercased()
        return agents.contains { machine in
            let machine = machine.lowercased()
            if let dns = host?.dnsHostName?.lowercased(), machine.contains(".") { return dns == machine }
            return String(machine.split(separator: ".").first ?? "").prefix(15) == netbios
        }
    }

    private static func broadWhat(_ sid: SID) -> String {
        if sid.rid == 515 && sid.parent?.isNTDomainSID == true { return "computer of the domain" }
        return "user (or guest) of the domain"
    }

    /// The trustee's name for a finding: `name (SID)`.
    static func label(_ sid: SID?, _ facts: GMSAFacts, _ s: DirectorySnapshot) -> String {
        guard let sid else { return "an unknown trustee" }
        if sid == .principalSelf { return "SELF" }
        let name = facts.principal(sid)?.name ?? s.trusteeName(sid)
        return name == sid.description ? name : "\(name) (\(sid))"
    }
}
