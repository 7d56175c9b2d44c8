import Foundation
import PreflightCloudSync
import PreflightCore
import PreflightEngine

/// Reads, for AD-017 and AD-018, the connector account's gMSA object: `msDS-GroupMSAMembership` (a security descriptor
/// whose DACL names who may retrieve the password), the object's own DACL, and every trustee of either by `objectSid`,
/// groups with their nested members. What cannot be read is recorded in the facts (the verdict is then `error`).
/// Blocking: run it through `runBlocking`.
struct GMSAGatherer {
    let connection: LDAPConnection
    let domainDN: String
    let pageSize: Int

    static let gmsaClass = "msds-groupmanagedserviceaccount"
    static let membershipAttribute = "msDS-GroupMSAMembership"
    /// Its schemaIDGUID (object ACEs name the attribute by it).
    static let membershipGUID = GUID(literal: "888eedd6-ce04-df40-b462-b8a50e41ba38")

    static func gather(_ configuration: Configuration, snapshot: DirectorySnapshot, deadline: Date, environment: [String: String]) throws -> GMSAFacts {
        let connection = try DirectoryConnector.open(configuration, deadline: deadline, environment: environment)
        defer { connection.close() }
        do {
            return try GMSAGatherer(connection: connection, domainDN: snapshot.domain.dn, pageSize: configuration.ldap.pageSize)
                .read(snapshot.account.dn)
        } catch let error as LDAPError {
            throw ProbeError(error.description)
        }
    }

    func read(_ dn: String) throws -> GMSAFacts {
        let attributes = ["objectClass", Self.membershipAttribute, "nTSecurityDescriptor"]
        guard let entry = try connection.readEntry(dn: dn, attributes: attributes, sdFlags: [.dacl]) else {
            throw ProbeError("The connector account '\(dn)' is no longer visible to the bind account; run again.")
        }
        var facts = GMSAFacts(dn: dn, isGMSA: entry.strings("objectClass").contains { $0.lowercased() == Self.gmsaClass })
        guard facts.isGMSA else { return facts }
        if let bytes = entry.binary(Self.membershipAttribute).first {
            do {
                facts.passwordReaders = try SecurityDescriptor(bytes: bytes).daclState
            } catch {
                facts.passwordReadersUnreadable = "its \(Self.membershipAttribute) is not a security descriptor this tool can read (\(error))."
            }
        } else {
            facts.passwordReadersUnreadable =
                "the DC returned no \(Self.membershipAttribute) for it: either the attribute is not set (then no host may retrieve "
                + "the password) or the bind account may not read it."
        }
        if let bytes = entry.binary("nTSecurityDescriptor").first {
            do {
                let descriptor = try SecurityDescriptor(bytes: bytes)
                facts.objectDACL = descriptor.daclState
                facts.daclProtected = descriptor.isDaclProtected
            } catch {
                facts.objectDACLUnreadable = "its security descriptor could not be parsed (\(error))."
            }
        } else {
            facts.objectDACLUnreadable = SnapshotGatherer.MissingDescriptor().description
        }
        var sids: [SID] = []
        for state in [facts.passwordReaders, facts.objectDACL] {
            guard case .acl(let acl) = state else { continue }
            for sid in acl.aces.compactMap(\.sid) where !sids.contains(sid) { sids.append(sid) }
        }
        facts.principals = try resolve(sids)
        return facts
    }

    /// Each SID as the domain knows it: an object found by `objectSid` (BUILTIN aliases included), else a well-known name.
    func resolve(_ sids: [SID]) throws -> [GMSAPrincipal] {
        var found: [SID: LDAPEntry] = [:]
        let wanted = sids.filter { $0 != .principalSelf && $0 != .creatorOwner }
        for chunk in stride(from: 0, to: wanted.count, by: 100).map({ Array(wanted[$0..<min($0 + 100, wanted.count)]) }) where !chunk.isEmpty {
            let filter = "(|" + chunk.map { "(objectSid=\(ldapFilterEscape(bytes: $0.bytes)))" }.joined() + ")"
            try connection.search(
                base: domainDN, scope: .subtree, filter: filter, attributes: ["objectSid", "objectClass", "sAMAccountName", "cn", "dNSHostName", "primaryGroupID"],
                sdFlags: nil, pageSize: pageSize
            ) { entry in
                if let bytes = entry.binary("objectSid").first, let sid = try? SID(bytes: bytes) { found[sid] = entry }
            }
        }
        return try sids.map { sid in
            guard let entry = found[sid] else {
                let known = sid.wellKnownName(domain: nil)
                return GMSAPrincipal(sid: sid, name: known ?? sid.description, kind: known == nil ? .unresolved : .wellKnown)
            }
            let kind = Self.kind(entry)
            let name = sid.wellKnownName(domain: nil) ?? entry.string("sAMAccountName") ?? entry.string("cn") ?? entry.dn
            return GMSAPrincipal(
                sid: sid, name: name, dn: entry.dn, kind: kind, members: kind == .group ? try members(of: entry.dn) : nil, host: Self.host(entry, kind))
        }
    }

    /// A group's members, nested ones included, by the DC's in-chain match (LDAP_MATCHING_RULE_IN_CHAIN). Members through
    /// `primaryGroupID` are not `member` links and are not listed.
    func members(of group: String) throws -> [GMSAMember] {
        var members: [GMSAMember] = []
        try connection.search(
            base: domainDN, scope: .subtree, filter: "(memberOf:1.2.840.113556.1.4.1941:=\(ldapFilterEscape(group)))",
            attributes: ["objectClass", "sAMAccountName", "cn", "dNSHostName", "primaryGroupID"], sdFlags: nil, pageSize: pageSize
        ) { entry in
            let kind = Self.kind(entry)
            guard kind != .group else { return }
            let cn = entry.string("cn")
            members.append(
                GMSAMember(
                    dn: entry.dn, name: entry.string("sAMAccountName") ?? cn ?? entry.dn, kind: kind,
                    sid: kind == .foreign ? cn.flatMap { SID(string: $0) } : nil, host: Self.host(entry, kind)))
        }
        return members.sorted { $0.dn < $1.dn }
    }

    /// A computer's `dNSHostName`, and whether its primary group is Domain Controllers (516) or Read-only Domain
    /// Controllers (521), as for every DC account.
    static func host(_ entry: LDAPEntry, _ kind: GMSAPrincipal.Kind) -> GMSAHost? {
        guard kind == .computer else { return nil }
        let primaryGroup = entry.string("primaryGroupID").flatMap { UInt32($0) }
        return GMSAHost(
            dnsHostName: entry.string("dNSHostName"), isDomainController: primaryGroup.map(GMSAClassification.domainControllerRIDs.contains) ?? false)
    }

    static func kind(_ entry: LDAPEntry) -> GMSAPrincipal.Kind {
        let classes = Set(entry.strings("objectClass").map { $0.lowercased() })
        if classes.contains(gmsaClass) || classes.contains("msds-managedserviceaccount") { return .serviceAccount }
        if classes.contains("computer") { return .computer }
        if classes.contains("group") { return .group }
        if classes.contains("foreignsecurityprincipal") { return .foreign }
        if classes.contains("user") { return .user }
        return .unresolved
    }
}

extension DirectoryProbe {
    /// AD-017, AD-018: the run's snapshot (the account) and the gMSA read over a connection of its own. Both checks read the
    /// same facts; they are gathered once per run.
    static func gatherGMSA(_ context: ProbeContext, domain index: Int) async throws -> Facts {
        let snapshot = try await snapshot(context, domain: index)
        let configuration = context.configuration, deadline = context.deadline, environment = context.environment
        var gmsa = try await context.shared.blockingValue(.gmsa(index)) {
            try GMSAGatherer.gather(configuration, snapshot: snapshot, deadline: deadline, environment: environment)
        }
        // The registered agents, when Cloud Sync's are saved: AD-017 then tells their hosts from other computers.
        if configuration.topology == .cloudSync, configuration.cloudSync.agents != nil {
            do {
                gmsa.agentMachines = try await CloudSyncProbe.sharedAgents(context).agents.compactMap(\.machineName)
            } catch {
                gmsa.agentMachinesUnreadable = "\(error)"
            }
        }
        return .gmsa(snapshot, gmsa)
    }
}

extension SharedFactKey where Value == GMSAFacts {
    /// What AD-017 and AD-018 read of the gMSA of the domain at `index` of `ldap:`, whichever asks first.
    static func gmsa(_ index: Int) -> Self { Self(index == 0 ? "directory.gmsa" : "directory.gmsa.\(index)") }
}
