import PreflightCore

/// The AD checks' evidence: encoded views of the directory snapshot (see `Evidence`), one per thing a check shows.
extension DirectoryJudgements {
    /// What every snapshot check shows: whose rights, from which token, over which scope.
    struct ScopeView: Encodable {
        var account, accountDN, accountSource, groupSource: String
        var tokenSIDs: Int
        var token: TokenView
        var scopeSource: String
        var scope, excluded: [String]
        @NullEncoded var scopeOrigin: String?
        var usersInScope: Int
        var server: String

        init(_ s: DirectorySnapshot) {
            account = s.accountDisplayName
            accountDN = s.account.dn
            accountSource = s.account.source.rawValue
            groupSource = s.account.logonToken.source.rawValue
            tokenSIDs = s.account.token.count
            token = TokenView(s)
            scopeSource = s.scope.source.rawValue
            scope = s.scope.bases
            excluded = s.scope.excluded
            scopeOrigin = s.scope.origin
            usersInScope = s.users.count
            server = s.server.url
        }
    }

    /// Each SID of the logon token with where it came from, and what the reader could not decide.
    struct TokenView: Encodable {
        struct Entry: Encodable {
            var sid, name, origin: String
            /// The group it came through, when it is not the account's own.
            var via: String?
        }
        struct Undecided: Encodable {
            var scope: String
            @NullEncoded var sid: String?
            var reason: String
        }
        var source: String
        var sids: [Entry]
        var undecided: [Undecided]

        init(_ s: DirectorySnapshot) {
            let token = s.account.logonToken
            source = token.source.rawValue
            sids = token.entries.map { Entry(sid: $0.sid.description, name: s.trusteeName($0.sid), origin: $0.origin.rawValue, via: $0.via) }
            undecided = token.unknowns.map { Undecided(scope: $0.scope.rawValue, sid: $0.sid?.description, reason: $0.reason) }
        }
    }

    /// AD-003 to AD-006: how many in-scope users hold the right, the causes of the gaps, and the DC's cross-check.
    struct RightView: Encodable {
        struct CrossCheck: Encodable {
            var attribute = "allowedAttributesEffective"
            var confirmed, disagreed: Int
        }
        var right: String
        var usersWithRight, usersWithoutRight, usersNotJudged: Int
        var causes: [String: Int]
        /// Only when the bind account is the connector account and the right writes an attribute.
        var dcCrossCheck: CrossCheck?
    }

    /// AD-002: the account's flags and groups.
    struct AccountView: Encodable {
        var userAccountControl: Int
        var groups: [String]
    }

    /// AD-007: the protected accounts in scope.
    struct ProtectedView: Encodable {
        var protectedAccounts: Int
        var protectedGroupsQueried: [String]
    }

    /// AD-010: the minimum password ages that apply in scope.
    struct PasswordAgeView: Encodable {
        struct Policy: Encodable {
            var name: String
            /// "unreadable" when the bind account may not read it.
            var minimumPasswordAge: String
            var inScopeUsers: Int
        }
        @NullEncoded var domainMinPwdAge: String?
        /// Absent until the domain's own age was read.
        var fineGrainedPolicies: [Policy]?
    }

    /// AD-011 and AD-012: the DC that answered.
    struct ServerView: Encodable {
        var server: String
        @NullEncoded var dnsHostName: String?

        init(_ s: DirectorySnapshot) {
            server = s.server.url
            dnsHostName = s.server.dnsHostName
        }
    }

    /// AD-011: the controls the DC advertises and the ones looked for.
    struct ControlsView: Encodable {
        var supportedControl, lookedFor: [String]
    }
}

/// AD-001: the channel, TLS and certificate of the bind (`DirectoryProbe.BindFacts` under the report's names).
struct BindView: Encodable {
    var url, channel, bindDN: String
    var bindMilliseconds: Int
    @NullEncoded var tlsVersion: String?
    @NullEncoded var tlsCipher: String?
    @NullEncoded var certificateSubject: String?
    @NullEncoded var certificateIssuer: String?
    @NullEncoded var certificateNotAfter: String?

    init(_ facts: DirectoryProbe.BindFacts) {
        url = facts.url
        channel = facts.channel
        bindDN = facts.bindDN
        bindMilliseconds = facts.milliseconds
        tlsVersion = facts.tlsVersion
        tlsCipher = facts.cipher
        certificateSubject = facts.certificateSubject
        certificateIssuer = facts.certificateIssuer
        certificateNotAfter = facts.certificateNotAfter
    }
}
