import Foundation
import Logging
import PreflightCloudSync
import PreflightConnect
import PreflightCore
import PreflightEngine

/// The connector account named in the configuration does not exist (AD-002 reports it; the others skip).
package struct AccountNotFound: Error, CustomStringConvertible, Sendable {
    let requested: String
    let searchedUnder: String
    package var description: String {
        "The connector account '\(requested)' was not found under '\(searchedUnder)'. Check 'ldap.account' (a sAMAccountName, UPN or DN)."
    }
}

/// Builds a `DirectorySnapshot` over one LDAP connection. Blocking: run it through `runBlocking`.
struct SnapshotGatherer {
    let connection: LDAPConnection
    let configuration: Configuration
    /// The parsed Entra Connect export, when it must supply the account or the scope.
    let export: ConnectFacts?
    /// The saved Cloud Sync jobs, when their scoping filters must supply the scope (topology cloud-sync).
    var cloudSync: CloudSyncJobs? = nil
    let pageSize: Int
    /// Each distinct security descriptor parsed once (the users of an OU share theirs).
    let descriptors = DescriptorCache()

    static let userFilter = "(&(objectCategory=person)(objectClass=user))"
    /// https://learn.microsoft.com/entra/identity/hybrid/cloud-sync/gmsa-cloud-sync
    static let cloudSyncDefaultAccount = "provAgentgMSA$"
    static let userAttributes = [
        "objectClass", "objectSid", "adminCount", "userAccountControl", "primaryGroupID", "memberOf", "msDS-ResultantPSO",
        "nTSecurityDescriptor", "userPrincipalName", "sAMAccountName", "objectGUID", "mS-DS-ConsistencyGuid",
    ]
    static let containerFilter =
        "(|(objectClass=organizationalUnit)(objectClass=container)(objectClass=domainDNS)(objectClass=builtinDomain))"
    /// MS-ADTS 3.1.1.6.1.2: groups whose members SDProp protects (domain-relative RIDs, and BUILTIN aliases).
    static let protectedGroupRIDs: [UInt32] = [512, 518, 519, 521, 516]
    static let protectedBuiltinRIDs: [UInt32] = [544, 548, 549, 550, 551, 552]

    func gather() throws -> DirectorySnapshot {
        let started = Date()
        let root = try connection.readRootDSE(attributes: [
            "defaultNamingContext", "configurationNamingContext", "dnsHostName", "supportedControl", "dsServiceName",
            "domainControllerFunctionality",
        ])
        guard let domainDN = configuration.ldap.baseDN ?? root.string("defaultNamingContext") else {
            throw ProbeError("The DC's rootDSE has no defaultNamingContext; set 'ldap.baseDN' to the domain's DN.")
        }
        let server = ServerFacts(
            url: connection.url, dnsHostName: root.string("dnsHostName"), supportedControls: root.strings("supportedControl"),
            isReadOnly: try readOnly(root.string("dsServiceName")),
            domainControllerFunctionality: root.string("domainControllerFunctionality").flatMap { Int($0) })

        guard let domainEntry = try connection.readEntry(
            dn: domainDN, attributes: ["objectSid", "minPwdAge", "nTSecurityDescriptor"], sdFlags: [.dacl])
        else { throw ProbeError("The domain root '\(domainDN)' was not found. Check 'ldap.baseDN'.") }
        guard let domainSIDBytes = domainEntry.binary("objectSid").first, let domainSID = try? SID(bytes: domainSIDBytes) else {
            throw ProbeError("The domain root '\(domainDN)' has no readable objectSid; is this the DN of a domain?")
        }
        let connect = try connectorFor(domainDN: domainDN)
        let account = try resolveAccount(
            domainDN: domainDN, domainSID: domainSID, configurationDN: root.string("configurationNamingContext"), connector: connect)
        let token = TrusteeFilter(account: account, domainSID: domainSID)
        let domainDACL = try filteredDACL(domainEntry, token: token, principal: nil)
        let domain = DomainFacts(
            dn: domainDN, sid: domainSID, dnsName: dnsName(of: domainDN),
            netbiosName: try netbiosName(domainDN: domainDN, configurationDN: root.string("configurationNamingContext")),
            minPwdAge: domainEntry.string("minPwdAge").flatMap { Int64($0) },
            rootDACL: domainDACL.dacl ?? .acl(ACL(aces: [])))

        let scope = try cloudSyncScope(domainDN: domainDN) ?? scopeFacts(domainDN: domainDN, connector: connect)
        // Cloud Sync's group scoping: the groups' direct members, wherever they are (https://learn.microsoft.com/entra/identity/hybrid/cloud-sync/how-to-configure).
        let members = try groupMembers(scope.groups ?? [], domainDN: domainDN)

        let containers = try gatherContainers(scope: scope, domainDN: domainDN, token: token, memberDNs: members)
        let protected = try protectedGroups(domainSID: domainSID, domainDN: domainDN)
        var protectedMembers: [String: [String]] = [:]
        var users: [UserFacts] = []
        var resultantPSOs: [String: [String]] = [:]
        var seen = Set<String>()
        // The DC's own view of what the account may write, when the account is the one bound (AD-004/AD-005 cross-check).
        let userAttributes = Self.userAttributes + (account.isBindAccount ? ["allowedAttributesEffective"] : [])
        let inScope = ScopeMatcher(scope)
        // One subtree search returns each entry once: DNs are remembered only when bases may overlap or members follow.
        let mayRepeat = scope.bases.count > 1 || !members.isEmpty
        for base in scope.bases {
            try search(base, filter: Self.userFilter, attributes: userAttributes, sdFlags: [.dacl]) { entry in
                let name = DistinguishedName(entry.dn)
                guard inScope.contains(name), !mayRepeat || seen.insert(name.key).inserted else { return }
                users.append(userFacts(entry, token: token, readsDCAnswer: account.isBindAccount))
                for group in protected.groups(of: entry) { protectedMembers[group, default: []].append(entry.dn) }
                if let pso = entry.string("msDS-ResultantPSO") { resultantPSOs[pso, default: []].append(entry.dn) }
            }
        }
        for dn in members where seen.insert(DistinguishedName(dn).key).inserted && !scope.excludes(dn) {
            guard let entry = try connection.readEntry(dn: dn, attributes: userAttributes, sdFlags: [.dacl]) else { continue }
            users.append(userFacts(entry, token: token, readsDCAnswer: account.isBindAccount))
            for group in protected.groups(of: entry) { protectedMembers[group, default: []].append(entry.dn) }
            if let pso = entry.string("msDS-ResultantPSO") { resultantPSOs[pso, default: []].append(entry.dn) }
        }
        var snapshot = DirectorySnapshot(
            server: server, domain: domain, account: account, scope: scope, containers: containers, users: users,
            passwordPolicies: [], protectedGroupMembers: protectedMembers)
        snapshot.passwordPolicies = passwordPolicies(resultant: resultantPSOs)
        snapshot.topology = configuration.topology
        snapshot.prerequisites = try PrerequisiteObjectKind.allCases.map { try prerequisite($0, domainDN: domainDN, token: token) }
        snapshot.gatherMilliseconds = Int(Date().timeIntervalSince(started) * 1000)
        Logger(label: "preflight.directory").debug(
            "snapshot of \(connection.url): \(users.count) users, \(containers.count) containers in \(snapshot.gatherMilliseconds) ms")
        return snapshot
    }

    // MARK: - Account and token

    // MARK: - Entra Connect export

    struct ConnectorChoice {
        var connector: ADConnectorFacts
        var partition: PartitionFacts?
        var export: String
    }

    /// The AD connector of the export whose partition is this domain (or whose forest is its DNS name).
    private func connectorFor(domainDN: String) throws -> ConnectorChoice? {
        guard let facts = export else { return nil }
        let domain = DistinguishedName(domainDN)
        let dns = dnsName(of: domainDN).lowercased()
        for connector in facts.adConnectors {
            if let partition = connector.partitions.first(where: { $0.selected && DistinguishedName($0.dn) == domain }) {
                return ConnectorChoice(connector: connector, partition: partition, export: facts.source)
            }
        }
        if let connector = facts.adConnectors.first(where: { $0.forest?.lowercased() == dns || $0.loginDomain?.lowercased() == dns }) {
            return ConnectorChoice(connector: connector, partition: nil, export: facts.source)
        }
        throw ProbeError(
            "The Entra Connect export '\(facts.source)' has no AD connector for the domain '\(domainDN)' "
                + "(its connectors: \(facts.adConnectors.map { "'\($0.name)'" }.joined(separator: ", "))). "
                + "Point 'ldap.url' at a DC of a synchronized domain, or set 'ldap.account' and 'ldap.scope'.")
    }

    private func scopeFacts(domainDN: String, connector: ConnectorChoice?) -> ScopeFacts {
        if !configuration.ldap.scope.isEmpty {
            return ScopeFacts(source: .configured, bases: configuration.ldap.scope, excluded: configuration.ldap.exclude)
        }
        if let choice = connector, let partition = choice.partition {
            let inclusions = partition.inclusions.filter { !$0.isEmpty }
            return ScopeFacts(
                source: .connectExport, bases: inclusions.isEmpty ? [partition.dn] : inclusions,
                excluded: partition.exclusions.filter { !$0.isEmpty } + configuration.ldap.exclude,
                origin: "connector '\(choice.connector.name)', partition '\(partition.dn)', \(choice.export)")
        }
        return ScopeFacts(source: .wholeDomain, bases: [domainDN], excluded: configuration.ldap.exclude)
    }

    private func resolveAccount(domainDN: String, domainSID: SID, configurationDN: String?, connector: ConnectorChoice?) throws -> AccountFacts {
        var requested = configuration.ldap.account ?? configuration.ldap.bindDN ?? ""
        var source: AccountFacts.Source = configuration.ldap.account == nil ? .bindAccount : .configured
        if configuration.ldap.account == nil, let user = connector?.connector.loginUser, !user.isEmpty {
            requested = user
            source = .connectExport
        } else if configuration.ldap.account == nil, configuration.topology == .cloudSync {
            requested = Self.cloudSyncDefaultAccount
            source = .cloudSyncDefault
        }
        let attributes = [
            "objectSid", "sAMAccountName", "userPrincipalName", "userAccountControl", "lockoutTime", "accountExpires", "primaryGroupID",
            "memberOf", "tokenGroups",
        ]
        var entry: LDAPEntry?
        if requested.contains("=") {
            entry = try connection.readEntry(dn: requested, attributes: attributes, sdFlags: nil)
        } else {
            let name = requested.split(separator: "\\").last.map(String.init) ?? requested
            let escaped = ldapFilterEscape(name)
            // A gMSA (Cloud Sync's agent account) is a computer-derived class, not a person; its name ends in '$',
            // which people often leave out.
            let gmsaName = name.hasSuffix("$") ? "" : "(sAMAccountName=\(escaped)$)"
            try search(
                domainDN,
                filter: "(&(|(&(objectCategory=person)(objectClass=user))(objectClass=msDS-GroupManagedServiceAccount))"
                    + "(|(sAMAccountName=\(escaped))(userPrincipalName=\(escaped))\(gmsaName)))",
                attributes: attributes.filter { $0 != "tokenGroups" }, sdFlags: nil
            ) { found in if entry == nil { entry = found } }
        }
        guard let entry, let sidBytes = entry.binary("objectSid").first, let sid = try? SID(bytes: sidBytes) else {
            throw AccountNotFound(requested: requested, searchedUnder: domainDN)
        }
        // tokenGroups is constructed and needs a base-scope read; empty means the bind account may not read it
        // (every account has at least its primary group there).
        let tokenEntry = entry.has("tokenGroups") ? entry : try connection.readEntry(dn: entry.dn, attributes: ["tokenGroups"], sdFlags: nil)
        let builder = TokenBuilder(
            reader: LDAPMembershipReader(connection: connection, domainDN: domainDN, pageSize: pageSize), domainDN: domainDN,
            domainSID: domainSID, otherDomainsInForest: try otherDomainCount(configurationDN: configurationDN))
        let token = try builder.build(
            TokenBuilder.Account(
                dn: entry.dn, sid: sid, primaryGroupID: entry.string("primaryGroupID").flatMap(UInt32.init), memberOf: entry.strings("memberOf"),
                tokenGroups: (tokenEntry?.binary("tokenGroups") ?? []).compactMap { try? SID(bytes: $0) }))
        let groups = token.entries.filter { $0.origin != .account && $0.origin != .logon }.map(\.sid)
        let names = try groupNames(groups + token.unknowns.compactMap(\.sid), domainDN: domainDN)
        let privileged = groups.compactMap { sid -> String? in
            guard let rid = sid.rid else { return nil }
            let isDomainGroup = sid.isDomainRelative(to: domainSID) && [512, 518, 519].contains(rid)
            let isBuiltinAdmins = sid == SID(string: "S-1-5-32-544")
            guard isDomainGroup || isBuiltinAdmins else { return nil }
            return sid.wellKnownName(domain: domainSID) ?? names[sid.description] ?? sid.description
        }
        let samAccountName = entry.string("sAMAccountName") ?? requested
        return AccountFacts(
            source: source, requested: requested, dn: entry.dn, samAccountName: samAccountName, sid: sid, logonToken: token,
            groupNames: names, userAccountControl: entry.string("userAccountControl").flatMap(Int.init) ?? 0,
            lockoutTime: entry.string("lockoutTime").flatMap(Int64.init),
            accountExpires: entry.string("accountExpires").flatMap(Int64.init), privilegedGroups: privileged.sorted(),
            isBindAccount: Self.names(
                bindDN: configuration.ldap.bindDN, dn: entry.dn, samAccountName: samAccountName, upn: entry.string("userPrincipalName"),
                domainDNS: dnsName(of: domainDN)))
    }

    /// Whether `bindDN` (a DN, a UPN, DOMAIN\\name, or name@domain, the implicit UPN every account has) names this account.
    static func names(bindDN: String?, dn: String, samAccountName: String, upn: String?, domainDNS: String) -> Bool {
        guard let bindDN, !bindDN.isEmpty else { return false }
        if bindDN.contains("=") { return DistinguishedName(bindDN) == DistinguishedName(dn) }
        if let upn, bindDN.caseInsensitiveCompare(upn) == .orderedSame { return true }
        if bindDN.caseInsensitiveCompare("\(samAccountName)@\(domainDNS)") == .orderedSame { return true }
        let name = bindDN.split(separator: "\\").last.map(String.init) ?? bindDN
        return name.caseInsensitiveCompare(samAccountName) == .orderedSame
    }

    /// The forest's other domains (crossRefs with a NetBIOS name), whose universal groups a reconstructed token misses.
    private func otherDomainCount(configurationDN: String?) throws -> Int {
        guard let configurationDN else { return 0 }
        var domains = 0
        try? search(
            "CN=Partitions,\(configurationDN)", filter: "(&(objectClass=crossRef)(nETBIOSName=*))", attributes: ["nCName"], sdFlags: nil
        ) { _ in domains += 1 }
        return max(domains - 1, 0)
    }

    private func groupNames(_ sids: [SID], domainDN: String) throws -> [String: String] {
        guard !sids.isEmpty else { return [:] }
        var names: [String: String] = [:]
        for chunk in stride(from: 0, to: sids.count, by: 100).map({ Array(sids[$0..<min($0 + 100, sids.count)]) }) {
            let filter = "(|" + chunk.map { "(objectSid=\(ldapFilterEscape(bytes: $0.bytes)))" }.joined() + ")"
            try search(domainDN, filter: filter, attributes: ["objectSid", "sAMAccountName", "cn"], sdFlags: nil) { entry in
                if let bytes = entry.binary("objectSid").first, let sid = try? SID(bytes: bytes) {
                    names[sid.description] = entry.string("sAMAccountName") ?? entry.string("cn")
                }
            }
        }
        return names
    }

    // MARK: - Containers and users

    private func gatherContainers(scope: ScopeFacts, domainDN: String, token: TrusteeFilter, memberDNs: [String] = []) throws -> [ContainerFacts] {
        var containers: [String: ContainerFacts] = [:]
        let attributes = ["ou", "cn", "objectClass", "nTSecurityDescriptor"]
        func add(_ entry: LDAPEntry) {
            let key = DistinguishedName(entry.dn).key
            guard containers[key] == nil else { return }
            let parsed = try? filteredDACL(entry, token: token, principal: nil)
            var aces: [ACE] = []
            if case .acl(let acl) = parsed?.dacl { aces = acl.aces }
            let classes = entry.strings("objectClass").map { $0.lowercased() }
            containers[key] = ContainerFacts(
                dn: entry.dn, name: entry.string("ou") ?? entry.string("cn") ?? DistinguishedName(entry.dn).leafValue,
                isOrganizationalUnit: classes.contains("organizationalunit"), daclProtected: parsed?.protected ?? false, aces: aces)
        }
        for base in scope.bases {
            try search(base, filter: Self.containerFilter, attributes: attributes, sdFlags: [.dacl], add)
            // The ancestors of the scope up to the domain root: grants and blocks there shape what users inherit.
            for ancestor in DistinguishedName(base).lineage.dropFirst() where DistinguishedName(base).isWithin(DistinguishedName(domainDN)) {
                guard ancestor.isWithin(DistinguishedName(domainDN)) else { break }
                if let entry = try connection.readEntry(dn: ancestor.description, attributes: attributes, sdFlags: [.dacl]) { add(entry) }
            }
        }
        // A group-scoped member's OUs up to the domain root, read once each.
        for member in memberDNs {
            for ancestor in DistinguishedName(member).lineage.dropFirst() where ancestor.isWithin(DistinguishedName(domainDN)) {
                guard containers[ancestor.key] == nil else { continue }
                if let entry = try connection.readEntry(dn: ancestor.description, attributes: attributes, sdFlags: [.dacl]) { add(entry) }
            }
        }
        return containers.values.sorted { $0.dn < $1.dn }
    }

    private func userFacts(_ entry: LDAPEntry, token: TrusteeFilter, readsDCAnswer: Bool) -> UserFacts {
        var user = judgedUserFacts(entry, token: token, readsDCAnswer: readsDCAnswer)
        // `preflight why` finds users by it; no judgement reads it.
        user.samAccountName = entry.string("sAMAccountName")
        return user
    }

    private func judgedUserFacts(_ entry: LDAPEntry, token: TrusteeFilter, readsDCAnswer: Bool) -> UserFacts {
        let classes = entry.strings("objectClass").map { $0.lowercased() }
        let objectClass = classes.contains("inetorgperson") ? ClassGUID.inetOrgPerson : ClassGUID.user
        let sid = entry.binary("objectSid").first.flatMap { try? SID(bytes: $0) }
        let adminCount = entry.string("adminCount").flatMap(Int.init) ?? 0
        let uac = entry.string("userAccountControl").flatMap(Int.init) ?? 0
        // The DC leaves allowedAttributesEffective out when the account may write nothing at all: that is an empty answer.
        let writable = readsDCAnswer
            ? Self.shared(Set(entry.strings("allowedAttributesEffective").map { $0.lowercased() }.filter { Self.crossCheckedAttributes.contains($0) }))
            : nil
        do {
            let parsed = try filteredDACL(entry, token: token, principal: sid)
            guard let dacl = parsed.dacl else {
                return UserFacts(
                    dn: entry.dn, sid: sid, objectClass: objectClass, adminCount: adminCount, userAccountControl: uac,
                    daclProtected: parsed.protected, dacl: .acl(ACL(aces: [])),
                    unreadable: "its security descriptor has no DACL (a NULL DACL); Active Directory does not normally allow that, so check the object by hand.")
            }
            var user = UserFacts(
                dn: entry.dn, sid: sid, objectClass: objectClass, adminCount: adminCount, userAccountControl: uac,
                daclProtected: parsed.protected, dacl: dacl)
            user.dcWritableAttributes = writable
            user.upn = entry.string("userPrincipalName")
            user.sourceAnchor = Self.sourceAnchor(entry)
            return user
        } catch {
            return UserFacts(
                dn: entry.dn, sid: sid, objectClass: objectClass, adminCount: adminCount, userAccountControl: uac,
                daclProtected: false, dacl: .acl(ACL(aces: [])), unreadable: "\(error)")
        }
    }

    /// The GUID Entra's `onPremisesImmutableId` is made of: `mS-DS-ConsistencyGuid` when set (Entra Connect's default
    /// source anchor since 1.1.524.0), else `objectGUID`:
    /// https://learn.microsoft.com/entra/identity/hybrid/connect/plan-connect-design-concepts#sourceanchor
    static func sourceAnchor(_ entry: LDAPEntry) -> GUID? {
        entry.binary("mS-DS-ConsistencyGuid").first.flatMap { GUID(windowsBytes: $0) }
            ?? entry.binary("objectGUID").first.flatMap { GUID(windowsBytes: $0) }
    }

    struct ParsedDACL {
        var dacl: DACLState?
        var protected: Bool
    }

    struct MissingDescriptor: Error, CustomStringConvertible {
        var description: String {
            "the DC returned no nTSecurityDescriptor for it; the bind account may lack 'Read permissions' on the object."
        }
    }

    /// The attributes of `allowedAttributesEffective` the cross-check compares (lower case).
    static let crossCheckedAttributes: Set<String> = ["lockouttime", "pwdlastset"]
    /// Every subset of them, so that the users' answers share four sets rather than holding one each.
    private static let crossCheckedSubsets: [Set<String>] = [[], ["lockouttime"], ["pwdlastset"], crossCheckedAttributes]

    private static func shared(_ answer: Set<String>) -> Set<String> { crossCheckedSubsets.first { $0 == answer } ?? answer }

    /// Which trustees can matter: the token's SIDs and those the token leaves in doubt.
    struct TrusteeFilter {
        let token: Set<SID>
        let account: AccountFacts
        let domainSID: SID

        init(account: AccountFacts, domainSID: SID) {
            self.account = account
            self.domainSID = domainSID
            token = account.token
        }

        func contains(_ sid: SID) -> Bool { token.contains(sid) || account.doubt(about: sid, domain: domainSID) != nil }
    }

    /// The entry's DACL with only the ACEs that can matter for `token` (order kept); nil DACL for a NULL DACL.
    private func filteredDACL(_ entry: LDAPEntry, token: TrusteeFilter, principal: SID?) throws -> ParsedDACL {
        guard let bytes = entry.binary("nTSecurityDescriptor").first else { throw MissingDescriptor() }
        let selfMatches = principal.map { token.token.contains($0) } ?? false
        return try descriptors.dacl(bytes, selfMatches: selfMatches) {
            let descriptor = try SecurityDescriptor(bytes: bytes)
            switch descriptor.daclState {
            case .null: return ParsedDACL(dacl: nil, protected: descriptor.isDaclProtected)
            case .acl(let acl):
                let relevant = acl.aces.filter { ace in
                    guard let sid = ace.sid else { return false }
                    return token.contains(sid) || (selfMatches && sid == SID.principalSelf)
                }
                return ParsedDACL(dacl: .acl(ACL(revision: acl.revision, aces: relevant)), protected: descriptor.isDaclProtected)
            }
        }
    }

    // MARK: - Protected groups, password policies, domain facts

    /// The protected groups (MS-ADTS 3.1.1.6.1.2) and every group nested in them, found with one in-chain query
    /// over groups only; users are then matched by `memberOf` and `primaryGroupID` as they stream past.
    /// (An in-chain query per protected group over all users costs ~0.6 s each on a 10k-user domain.)
    struct ProtectedGroups {
        /// Group DN key → the protected group's name it belongs to.
        var closure: [String: String] = [:]
        /// Primary group RIDs that are protected groups, with their names.
        var primaryRIDs: [UInt32: String] = [:]

        func groups(of entry: LDAPEntry) -> [String] {
            var names = Set(entry.strings("memberOf").compactMap { closure[DistinguishedName($0).key] })
            if let rid = entry.string("primaryGroupID").flatMap(UInt32.init), let name = primaryRIDs[rid] { names.insert(name) }
            return names.sorted()
        }
    }

    private func protectedGroups(domainSID: SID, domainDN: String) throws -> ProtectedGroups {
        let sids = Self.protectedGroupRIDs.compactMap { domainSID.appending(rid: $0) }
            + Self.protectedBuiltinRIDs.compactMap { SID(string: "S-1-5-32-\($0)") }
        var result = ProtectedGroups()
        var roots: [(key: String, dn: String, name: String)] = []
        let filter = "(|" + sids.map { "(objectSid=\(ldapFilterEscape(bytes: $0.bytes)))" }.joined() + ")"
        try search(domainDN, filter: filter, attributes: ["objectSid", "cn"], sdFlags: nil) { entry in
            let sid = entry.binary("objectSid").first.flatMap { try? SID(bytes: $0) }
            let name = sid?.wellKnownName(domain: domainSID) ?? entry.string("cn") ?? entry.dn
            roots.append((DistinguishedName(entry.dn).key, entry.dn, name))
            if let sid, sid.isDomainRelative(to: domainSID), let rid = sid.rid { result.primaryRIDs[rid] = name }
        }
        for root in roots { result.closure[root.key] = root.name }
        guard !roots.isEmpty else { return result }
        let nested = "(&(objectCategory=group)(|"
            + roots.map { "(memberOf:1.2.840.113556.1.4.1941:=\(ldapFilterEscape($0.dn)))" }.joined() + "))"
        var found: [(key: String, memberOf: [String])] = []
        try search(domainDN, filter: nested, attributes: ["memberOf"], sdFlags: nil) { entry in
            found.append((DistinguishedName(entry.dn).key, entry.strings("memberOf").map { DistinguishedName($0).key }))
        }
        for group in found where result.closure[group.key] == nil {
            let direct = group.memberOf.compactMap { parent in roots.first(where: { $0.key == parent })?.name }.first
            result.closure[group.key] = direct.map { "\($0) (nested)" } ?? "a protected group (nested)"
        }
        return result
    }

    private func prerequisite(_ kind: PrerequisiteObjectKind, domainDN: String, token: TrusteeFilter) throws -> PrerequisiteObject {
        let dn = "\(kind.relativeDN),\(domainDN)"
        guard let entry = try connection.readEntry(dn: dn, attributes: ["nTSecurityDescriptor"], sdFlags: [.dacl]) else {
            return PrerequisiteObject(
                kind: kind, dn: dn, dacl: nil, unreadable: "the bind account cannot see the object (no such object, or no List right on it).")
        }
        do {
            let parsed = try filteredDACL(entry, token: token, principal: nil)
            return PrerequisiteObject(kind: kind, dn: dn, dacl: parsed.dacl ?? .null)
        } catch {
            return PrerequisiteObject(kind: kind, dn: dn, dacl: nil, unreadable: "\(error)")
        }
    }

    /// The DC computes each user's resultant policy (`msDS-ResultantPSO`); read each such policy by DN.
    private func passwordPolicies(resultant: [String: [String]]) -> [PasswordPolicyFacts] {
        resultant.keys.sorted().map { dn in
            let entry = try? connection.readEntry(
                dn: dn, attributes: ["cn", "msDS-PasswordSettingsPrecedence", "msDS-MinimumPasswordAge"], sdFlags: nil)
            return PasswordPolicyFacts(
                dn: dn, name: entry?.string("cn") ?? DistinguishedName(dn).leafValue,
                precedence: entry?.string("msDS-PasswordSettingsPrecedence").flatMap(Int.init),
                minimumPasswordAge: entry?.string("msDS-MinimumPasswordAge").flatMap(Int64.init),
                appliesToUsers: resultant[dn] ?? [])
        }
    }

    private func readOnly(_ dsServiceName: String?) throws -> Bool? {
        guard let dsServiceName, let entry = try connection.readEntry(dn: dsServiceName, attributes: ["msDS-isRODC", "objectCategory"], sdFlags: nil) else {
            return nil
        }
        if let flag = entry.string("msDS-isRODC") { return flag.uppercased() == "TRUE" }
        if let category = entry.string("objectCategory")?.uppercased() {
            if category.hasPrefix("CN=NTDS-DSA-RO,") { return true }
            if category.hasPrefix("CN=NTDS-DSA,") { return false }
        }
        return nil
    }

    private func netbiosName(domainDN: String, configurationDN: String?) throws -> String? {
        guard let configurationDN else { return nil }
        var name: String?
        try? search(
            "CN=Partitions,\(configurationDN)", filter: "(&(objectClass=crossRef)(nCName=\(ldapFilterEscape(domainDN))))",
            attributes: ["nETBIOSName"], sdFlags: nil
        ) { entry in name = name ?? entry.string("nETBIOSName") }
        return name
    }

    private func dnsName(of domainDN: String) -> String { DistinguishedName(domainDN).dnsName }

    func search(
        _ base: String, filter: String, attributes: [String], sdFlags: SDFlags?, _ body: (LDAPEntry) throws -> Void
    ) throws {
        try connection.search(base: base, scope: .subtree, filter: filter, attributes: attributes, sdFlags: sdFlags, pageSize: pageSize, body)
    }
}
