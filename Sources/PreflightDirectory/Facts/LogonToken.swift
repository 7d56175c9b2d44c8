/// The SIDs a DC puts in the connector account's token at a network logon (the LDAP bind writeback makes),
/// each with where it came from, and what the reader could not decide.
///
/// A DC builds it from the account's SID, its primary group, its transitive *security* groups and the BUILTIN
/// aliases they reach (what `tokenGroups` returns), then adds the SIDs of every network logon (Everyone,
/// Authenticated Users, Network, This Organization) and every alias or domain-local group whose members include
/// one of those, transitively (MS-ADTS 3.1.1.4.2 "tokenGroups"; MS-PAC 4.1.2 and MS-LSAT "LsarGetAliasMembership";
/// https://learn.microsoft.com/troubleshoot/entra/entra-id/user-prov-sync/password-writeback-access-rights-permissions
/// relies on Authenticated Users reaching BUILTIN\Pre-Windows 2000 Compatible Access this way).
package struct LogonToken: Codable, Sendable, Hashable {
    package enum Source: String, Codable, Sendable {
        case tokenGroups = "tokenGroups (read from the DC)"
        case reconstructed = "reconstructed from group memberships (tokenGroups was not readable)"
    }

    package enum Origin: String, Codable, Sendable {
        /// The account's own objectSid.
        case account
        /// primaryGroupID: not a `member` link, so a membership walk must add it and the groups that contain it.
        case primaryGroup
        /// The DC's constructed `tokenGroups` attribute.
        case tokenGroups
        /// A security group reached by following memberships.
        case membership
        /// Added by the DC to every network logon.
        case logon
        /// An alias or domain-local group whose members include a logon SID, directly or through nesting.
        case logonAlias
    }

    package struct Entry: Codable, Sendable, Hashable {
        package var sid: SID
        package var origin: Origin
        /// What it was reached through (a group's DN or a logon SID), for memberships.
        var via: String?

        package init(sid: SID, origin: Origin, via: String? = nil) {
            self.sid = sid
            self.origin = origin
            self.via = via
        }
    }

    /// A membership the reader could not decide. Any verdict an ACE for such a trustee could turn is an error.
    package struct Unknown: Codable, Sendable, Hashable {
        package enum Scope: String, Codable, Sendable {
            /// This one SID may or may not be in the token.
            case sid
            /// Some group of this domain (or a BUILTIN alias) whose SID the reader could not read.
            case anyGroupOfThisDomain
            /// A group of another domain of the forest (invisible to a membership walk on this DC).
            case anyOtherDomain
        }

        package var scope: Scope
        package var sid: SID?
        package var reason: String

        package init(scope: Scope, sid: SID? = nil, reason: String) {
            self.scope = scope
            self.sid = sid
            self.reason = reason
        }
    }

    package var source: Source
    package var entries: [Entry]
    var unknowns: [Unknown]

    package init(source: Source, entries: [Entry], unknowns: [Unknown] = []) {
        self.source = source
        self.entries = entries
        self.unknowns = unknowns
    }

    var sids: Set<SID> { Set(entries.map(\.sid)) }

    /// The network-logon SIDs (MS-DTYP 2.4.2.4). Samba 4.17 omits This Organization; Windows adds it to
    /// logons from inside the forest, so it is kept here.
    static let logonSIDs: [SID] = [.everyone, .authenticatedUsers, .network, .thisOrganization]

    /// For a SID not in `sids`: why it might be in the real token all the same; nil when it surely is not.
    func doubt(about sid: SID, domain: SID) -> String? {
        guard !unknowns.isEmpty else { return nil }
        for unknown in unknowns {
            switch unknown.scope {
            case .sid where unknown.sid == sid: return unknown.reason
            case .anyGroupOfThisDomain where sid.isDomainRelative(to: domain) || sid.isBuiltinAlias: return unknown.reason
            case .anyOtherDomain where sid.parent?.isNTDomainSID == true && !sid.isDomainRelative(to: domain):
                return unknown.reason
            default: continue
            }
        }
        return nil
    }
}

extension SID {
    /// `S-1-5-32-<rid>`: an alias of the BUILTIN domain.
    var isBuiltinAlias: Bool { identifierAuthority == 5 && subAuthorities.count == 2 && subAuthorities[0] == 32 }
}
