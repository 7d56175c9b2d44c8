import PreflightCore

/// Answers the token builder's questions over the run's LDAP connection.
struct LDAPMembershipReader: MembershipReader {
    let connection: LDAPConnection
    let domainDN: String
    let pageSize: Int

    static let attributes = ["objectSid", "groupType", "memberOf"]
    /// The in-chain matching rule (LDAP_MATCHING_RULE_IN_CHAIN, MS-ADTS 3.1.1.3.4.4.4).
    static let inChainRule = "1.2.840.113556.1.4.1941"

    func records(_ dns: [String]) throws -> [String: MembershipRecord] {
        var found: [String: MembershipRecord] = [:]
        for start in stride(from: 0, to: dns.count, by: 100) {
            let chunk = dns[start..<min(start + 100, dns.count)]
            let filter = "(|" + chunk.map { "(distinguishedName=\(ldapFilterEscape($0)))" }.joined() + ")"
            try search(filter) { found[DistinguishedName($0.dn).key] = $0 }
        }
        return found
    }

    func record(sid: SID) throws -> MembershipRecord? {
        var found: MembershipRecord?
        try search("(objectSid=\(ldapFilterEscape(bytes: sid.bytes)))") { found = found ?? $0 }
        return found
    }

    func foreignPrincipals(_ sids: [SID]) throws -> [MembershipRecord] {
        var found: [MembershipRecord] = []
        let any = sids.map { "(objectSid=\(ldapFilterEscape(bytes: $0.bytes)))" }.joined()
        try search("(&(objectClass=foreignSecurityPrincipal)(|\(any)))") { found.append($0) }
        return found
    }

    func groupsInChain(containing dn: String) throws -> [MembershipRecord] {
        var found: [MembershipRecord] = []
        try search("(&(objectClass=group)(member:\(Self.inChainRule):=\(ldapFilterEscape(dn))))") { found.append($0) }
        return found
    }

    private func search(_ filter: String, _ body: (MembershipRecord) -> Void) throws {
        try connection.search(
            base: domainDN, scope: .subtree, filter: filter, attributes: Self.attributes, sdFlags: nil, pageSize: pageSize
        ) { entry in
            body(
                MembershipRecord(
                    dn: entry.dn, sid: entry.binary("objectSid").first.flatMap { try? SID(bytes: $0) },
                    groupType: entry.string("groupType").flatMap { Int64($0) }, memberOf: entry.strings("memberOf")))
        }
    }
}
