import PreflightCore

/// One object of a membership walk as the reader sees it: a group, an alias or a foreign security principal.
struct MembershipRecord: Sendable, Hashable {
    var dn: String
    /// nil when the reader may not read it.
    var sid: SID?
    /// nil when the reader may not read it (then security or distribution cannot be told), or for an FSP.
    var groupType: Int64?
    var memberOf: [String]

    /// groupType bit 0x80000000: only security groups are ever in a token (MS-ADTS 2.2.12 GROUP_TYPE_SECURITY_ENABLED).
    var isSecurityGroup: Bool? { groupType.map { $0 & 0x8000_0000 != 0 } }
}

/// What the token builder needs to read from the directory; `LDAPConnection` answers it live, the unit tests
/// from recorded answers.
protocol MembershipReader {
    /// The objects with these DNs; a DN missing from the answer was not found or is not readable.
    func records(_ dns: [String]) throws -> [String: MembershipRecord]
    /// The object whose objectSid is `sid` (the primary group), if readable.
    func record(sid: SID) throws -> MembershipRecord?
    /// The foreign-security-principal objects for these SIDs (absent when no group holds them).
    func foreignPrincipals(_ sids: [SID]) throws -> [MembershipRecord]
    /// Groups that hold `dn` through any chain of `member` links (the in-chain matching rule), security or not.
    func groupsInChain(containing dn: String) throws -> [MembershipRecord]
}

/// Builds `LogonToken` as a DC does (see `LogonToken`), from `tokenGroups` when the reader may read it, else by
/// walking `memberOf` from the account, its primary group and the logon SIDs, through security groups only.
struct TokenBuilder {
    let reader: any MembershipReader
    let domainDN: String
    let domainSID: SID
    /// Other domains of the forest: their universal groups are invisible to a membership walk on this DC.
    let otherDomainsInForest: Int

    struct Account {
        var dn: String
        var sid: SID
        var primaryGroupID: UInt32?
        var memberOf: [String]
        /// The DC's `tokenGroups` values; empty when the reader may not read them.
        var tokenGroups: [SID]
    }

    func build(_ account: Account) throws -> LogonToken {
        var walk = Walk(builder: self)
        walk.add(LogonToken.Entry(sid: account.sid, origin: .account))
        let source: LogonToken.Source
        if !account.tokenGroups.isEmpty {
            source = .tokenGroups
            for sid in account.tokenGroups { walk.add(LogonToken.Entry(sid: sid, origin: .tokenGroups)) }
        } else {
            source = .reconstructed
            try reconstructGroups(account, &walk)
        }
        for sid in LogonToken.logonSIDs { walk.add(LogonToken.Entry(sid: sid, origin: .logon)) }
        // Aliases and domain-local groups holding a logon SID (Pre-Windows 2000 Compatible Access ∋ Authenticated Users).
        for principal in try reader.foreignPrincipals(LogonToken.logonSIDs) {
            let via = principal.sid.map { $0.wellKnownName(domain: domainSID) ?? $0.description } ?? principal.dn
            try walk.follow(principal.memberOf, origin: .logonAlias, via: via)
        }
        return LogonToken(source: source, entries: walk.entries, unknowns: walk.unknowns)
    }

    private func reconstructGroups(_ account: Account, _ walk: inout Walk) throws {
        try walk.follow(account.memberOf, origin: .membership, via: account.dn)
        if let rid = account.primaryGroupID, let sid = domainSID.appending(rid: rid) {
            walk.add(LogonToken.Entry(sid: sid, origin: .primaryGroup))
            if let primary = try reader.record(sid: sid) {
                walk.visited.insert(DistinguishedName(primary.dn).key)
                walk.reached.insert(DistinguishedName(primary.dn).key)
                try walk.follow(primary.memberOf, origin: .membership, via: primary.dn)
            } else {
                walk.unknowns.append(
                    LogonToken.Unknown(
                        scope: .anyGroupOfThisDomain,
                        reason: "the primary group \(sid) could not be read, so the groups that contain it are unknown"))
            }
        }
        // What the in-chain rule finds but the walk did not reach: memberships the reader cannot see hop by hop.
        for group in try reader.groupsInChain(containing: account.dn) where !walk.reached.contains(DistinguishedName(group.dn).key) {
            guard group.isSecurityGroup != false else { continue }
            let name = "'\(group.dn)'"
            walk.unknowns.append(
                group.sid.map {
                    LogonToken.Unknown(
                        scope: .sid, sid: $0,
                        reason: "\(name) contains the account through memberships the bind account cannot read")
                } ?? LogonToken.Unknown(scope: .anyGroupOfThisDomain, reason: "\(name) contains the account but its SID is not readable"))
        }
        if otherDomainsInForest > 0 {
            walk.unknowns.append(
                LogonToken.Unknown(
                    scope: .anyOtherDomain,
                    reason: "the forest has \(Plural.count(otherDomainsInForest, "other domain")), whose universal groups a membership walk on this DC cannot see"))
        }
    }

    /// Breadth-first over `memberOf`, keeping security groups only and noting what cannot be read.
    private struct Walk {
        let builder: TokenBuilder
        var entries: [LogonToken.Entry] = []
        var unknowns: [LogonToken.Unknown] = []
        var seen = Set<SID>()
        /// DN keys walked on a path of security groups from the account.
        var visited = Set<String>()
        /// Every DN key the walk read, on any path: the in-chain cross-check compares with it.
        var reached = Set<String>()

        init(builder: TokenBuilder) { self.builder = builder }

        mutating func add(_ entry: LogonToken.Entry) {
            if seen.insert(entry.sid).inserted { entries.append(entry) }
        }

        mutating func follow(_ start: [String], origin: LogonToken.Origin, via: String) throws {
            // `inToken` turns false past a distribution group: what lies beyond is only noted as reached.
            var frontier = start.map { (dn: $0, via: via, inToken: true) }
            let domain = DistinguishedName(builder.domainDN)
            while !frontier.isEmpty {
                let fresh = frontier.filter { item in
                    let key = DistinguishedName(item.dn).key
                    return item.inToken ? visited.insert(key).inserted : !visited.contains(key) && reached.insert(key).inserted
                }
                var next: [(dn: String, via: String, inToken: Bool)] = []
                for item in fresh where item.inToken && !DistinguishedName(item.dn).isWithin(domain) {
                    unknowns.append(
                        LogonToken.Unknown(
                            scope: .anyOtherDomain,
                            reason: "the account is in '\(item.dn)', a group outside '\(builder.domainDN)' that this DC cannot read"))
                }
                let inDomain = fresh.filter { DistinguishedName($0.dn).isWithin(domain) }
                let records = try builder.reader.records(inDomain.map(\.dn))
                for item in inDomain {
                    let key = DistinguishedName(item.dn).key
                    reached.insert(key)
                    let record = records[key]
                    guard item.inToken else {
                        next += (record?.memberOf ?? []).map { ($0, item.dn, false) }
                        continue
                    }
                    guard let record, let sid = record.sid else {
                        unknowns.append(
                            LogonToken.Unknown(scope: .anyGroupOfThisDomain, reason: "the group '\(item.dn)' is not readable by the bind account"))
                        continue
                    }
                    guard let security = record.isSecurityGroup else {
                        unknowns.append(
                            LogonToken.Unknown(
                                scope: .sid, sid: sid, reason: "the groupType of '\(item.dn)' is not readable, so it may be a security group"))
                        continue
                    }
                    // A distribution group is never in a token, nor is what it is a member of through it (MS-ADTS 3.1.1.4.2).
                    if security { add(LogonToken.Entry(sid: sid, origin: origin, via: item.via)) }
                    next += record.memberOf.map { ($0, record.dn, security) }
                }
                frontier = next
            }
        }
    }
}
