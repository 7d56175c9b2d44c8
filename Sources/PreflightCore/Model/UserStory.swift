/// One user's whole story, for `preflight why USER` ("why can't Alice reset her password?"): where the user is, whether
/// writeback's scope holds them and why, the token the connector account acts with, every right writeback needs with the
/// ACEs that decided it, protection and inheritance, the tenant's view (synchronized, licence, registration), the
/// monitoring events naming them, and the verdict.
///
/// Plain data: the probe areas fill in their parts from their own facts (`PreflightKit` joins them), the reporting layer
/// renders it, and the verdict is the per-user readiness of the same report (`Readiness`), so `why` and `--format
/// users-csv` never disagree.
package struct UserStory: Sendable, Codable, Hashable {
    /// Yes, no, or not known from the facts (a side not assessed is never "yes").
    package enum Answer: String, Sendable, Codable, Hashable {
        case yes, no, unknown
    }

    /// The value asked about, as typed.
    package var query: String
    /// The facts the story is told from: a live run, or a file of saved facts.
    package var source: String
    /// When the run judged only some checks (`--only`, `--skip`, `--tag`): what it selected.
    package var selection: String?
    package var user: Identity
    package var scope: Scope
    /// The connector account's token; nil when the directory was not read.
    package var token: Token?
    package var rights: [Right]
    package var account: Account?
    package var tenant: Tenant
    package var monitoring: Monitoring
    package var verdict: Verdict

    package init(
        query: String, source: String, selection: String? = nil, user: Identity, scope: Scope, token: Token? = nil,
        rights: [Right] = [], account: Account? = nil, tenant: Tenant, monitoring: Monitoring, verdict: Verdict
    ) {
        self.query = query
        self.source = source
        self.selection = selection
        self.user = user
        self.scope = scope
        self.token = token
        self.rights = rights
        self.account = account
        self.tenant = tenant
        self.monitoring = monitoring
        self.verdict = verdict
    }

    package struct Identity: Sendable, Codable, Hashable {
        package var dn: String?
        package var upn: String?
        package var samAccountName: String?
        /// The DNS name of the user's domain.
        package var domain: String?
        /// `user` or `inetOrgPerson`.
        package var objectClass: String?
        /// Where the user was found: the run's in-scope users, a directory lookup, the tenant's users export.
        package var foundIn: [String]

        package init(
            dn: String? = nil, upn: String? = nil, samAccountName: String? = nil, domain: String? = nil, objectClass: String? = nil,
            foundIn: [String] = []
        ) {
            self.dn = dn
            self.upn = upn
            self.samAccountName = samAccountName
            self.domain = domain
            self.objectClass = objectClass
            self.foundIn = foundIn
        }
    }

    /// A yes/no/unknown with the sentence that says why, and the checks that judged it.
    package struct Side: Sendable, Codable, Hashable {
        package var answer: Answer
        package var detail: String
        package var checks: [String]

        package init(_ answer: Answer, _ detail: String, checks: [String] = []) {
            self.answer = answer
            self.detail = detail
            self.checks = checks
        }
    }

    package struct Scope: Sendable, Codable, Hashable {
        /// The synchronization scope (the Connect export's OU filter, Cloud Sync's scoping filters or `ldap.scope`).
        package var synchronization: Side
        /// Where that scope comes from, as the directory checks' messages say it.
        package var definedBy: String?
        /// The SSPR scope of the tenant exports (the scope group, else every enabled user).
        package var sspr: Side

        package init(synchronization: Side, definedBy: String? = nil, sspr: Side) {
            self.synchronization = synchronization
            self.definedBy = definedBy
            self.sspr = sspr
        }
    }

    package struct Token: Sendable, Codable, Hashable {
        /// `CORP\MSOL_x` (or `name@domain`).
        package var account: String
        package var dn: String
        package var sid: String
        /// Where the account came from (the configuration, the Connect export, Cloud Sync's default gMSA, the bind account).
        package var accountSource: String
        /// tokenGroups read from the DC, or reconstructed from memberships.
        package var tokenSource: String
        package var sids: [TokenSID]
        /// Memberships the reader could not decide (a verdict such a trustee could turn is no verdict).
        package var undecided: [String]

        package init(
            account: String, dn: String, sid: String, accountSource: String, tokenSource: String, sids: [TokenSID], undecided: [String]
        ) {
            self.account = account
            self.dn = dn
            self.sid = sid
            self.accountSource = accountSource
            self.tokenSource = tokenSource
            self.sids = sids
            self.undecided = undecided
        }
    }

    package struct TokenSID: Sendable, Codable, Hashable {
        package var sid: String
        package var name: String
        /// account, primaryGroup, tokenGroups, membership, logon, logonAlias.
        package var origin: String
        package var via: String?

        package init(sid: String, name: String, origin: String, via: String? = nil) {
            self.sid = sid
            self.name = name
            self.origin = origin
            self.via = via
        }
    }

    /// One right writeback needs, on the user object (or, for Unexpire Password, on the domain root).
    package struct Right: Sendable, Codable, Hashable {
        package enum Verdict: String, Sendable, Codable, Hashable {
            case granted, missing, undecided
        }

        package var id: String
        package var name: String
        /// The object the right is judged on: the user's DN, or the domain root's.
        package var object: String
        /// The checks of the run that judge this right (empty: no check of this topology asks for it).
        package var checks: [String]
        package var verdict: Verdict
        /// The cause code when missing (`denied-inherited`, `inheritance-disabled-above`, …) or undecided.
        package var cause: String?
        package var explanation: String
        /// Every ACE of the object that applies to this right for the token, in DACL order; the first decided it.
        package var aces: [ACEStep]

        package init(
            id: String, name: String, object: String, checks: [String], verdict: Verdict, cause: String? = nil, explanation: String,
            aces: [ACEStep]
        ) {
            self.id = id
            self.name = name
            self.object = object
            self.checks = checks
            self.verdict = verdict
            self.cause = cause
            self.explanation = explanation
            self.aces = aces
        }
    }

    package struct ACEStep: Sendable, Codable, Hashable {
        /// allow or deny.
        package var effect: String
        package var sddl: String
        package var trustee: String
        /// Set on the object itself (false), or inherited (true) from `inheritedFrom`.
        package var inherited: Bool
        /// The container that holds the ACE explicitly; nil when explicit, or when its source is not among the containers read.
        package var inheritedFrom: String?
        /// The first applicable ACE decides (MS-DTYP 2.5.3.2); the others are never reached.
        package var decided: Bool

        package init(effect: String, sddl: String, trustee: String, inherited: Bool, inheritedFrom: String?, decided: Bool) {
            self.effect = effect
            self.sddl = sddl
            self.trustee = trustee
            self.inherited = inherited
            self.inheritedFrom = inheritedFrom
            self.decided = decided
        }
    }

    /// The user object's own state in the directory; each `yes` stands in writeback's way.
    package struct Account: Sendable, Codable, Hashable {
        /// adminCount=1 or a member of a protected group (AdminSDHolder).
        package var protected: Side
        /// On the user object or on a container between it and the domain root.
        package var inheritanceDisabled: Side
        package var disabled: Side

        package init(protected: Side, inheritanceDisabled: Side, disabled: Side) {
            self.protected = protected
            self.inheritanceDisabled = inheritanceDisabled
            self.disabled = disabled
        }
    }

    /// What the tenant's exports say (INV-001 to INV-006).
    package struct Tenant: Sendable, Codable, Hashable {
        package var inUsersExport: Side
        package var synchronized: Side
        package var enabled: Side
        package var licence: Side
        package var registration: Side
        /// The SKUs the licence export assigns the user; nil when no licence export was read.
        package var licences: Licences?

        package init(inUsersExport: Side, synchronized: Side, enabled: Side, licence: Side, registration: Side) {
            self.inUsersExport = inUsersExport
            self.synchronized = synchronized
            self.enabled = enabled
            self.licence = licence
            self.registration = registration
        }

        /// Every side unknown for one reason (no tenant exports read).
        package static func unknown(_ reason: String) -> Tenant {
            let side = Side(.unknown, reason)
            return Tenant(inUsersExport: side, synchronized: side, enabled: side, licence: side, registration: side)
        }
    }

    /// The user's SKUs, each with the service plans that carry SSPR with on-premises writeback (Entra ID P1 and P2).
    package struct Licences: Sendable, Codable, Hashable {
        /// The export they were read from, or why they could not be listed.
        package var source: String
        package var skus: [Licence]

        package init(source: String, skus: [Licence] = []) {
            self.source = source
            self.skus = skus
        }
    }

    package struct Licence: Sendable, Codable, Hashable {
        /// The SKU's part number (`SPE_E3`), or the name or id the export gave when the licensing table does not know it.
        package var sku: String
        /// The product name from the licensing table; nil when the table does not know the SKU.
        package var product: String?
        /// The SKU's Entra ID P1 and P2 plans (empty: none, so this SKU gives no writeback).
        package var plans: [Plan]

        package init(sku: String, product: String?, plans: [Plan]) {
            (self.sku, self.product, self.plans) = (sku, product, plans)
        }
    }

    /// A service plan that grants SSPR with on-premises writeback (AAD_PREMIUM, AAD_PREMIUM_P2).
    package struct Plan: Sendable, Codable, Hashable {
        /// `AAD_PREMIUM (Microsoft Entra ID P1)`.
        package var name: String
        package var id: String
        /// Whether the assignment leaves it on; nil when the export does not record disabled plans.
        package var enabled: Bool?

        package init(name: String, id: String, enabled: Bool?) {
            (self.name, self.id, self.enabled) = (name, id, enabled)
        }
    }

    package struct Monitoring: Sendable, Codable, Hashable {
        /// Why no log was searched (not configured, or not read in this phase); nil when one was.
        package var notRead: String?
        package var events: [Event]

        package init(notRead: String? = nil, events: [Event] = []) {
            self.notRead = notRead
            self.events = events
        }
    }

    /// One Connect-server event or Entra audit entry that names the user.
    package struct Event: Sendable, Codable, Hashable {
        /// `event log` or `audit log`.
        package var log: String
        /// RFC 3339 (the audit log's UTC; the event log's local server time as written).
        package var time: String
        /// The event id and source, or the audit activity.
        package var what: String
        /// The level, or the audit result and its reason.
        package var result: String
        /// The first line of the message (audit: the actor), shortened.
        package var text: String
        /// file:line.
        package var location: String

        package init(log: String, time: String, what: String, result: String, text: String, location: String) {
            self.log = log
            self.time = time
            self.what = what
            self.result = result
            self.text = text
            self.location = location
        }
    }

    /// Built only in this module (`UserStory.verdict`), so the memberwise initializer serves.
    package struct Verdict: Sendable, Codable, Hashable {
        package enum State: String, Sendable, Codable, Hashable {
            case ready, blocked, unknown
        }

        package var state: State
        /// The user's own blockers (the per-user readiness's, and the scope when the user is outside it).
        package var blockers: [Blocker]
        /// Failing critical or high checks that stop writeback for everyone.
        package var environment: [String]
        /// Why the answer is not known: each side or check not assessed for this user.
        package var unknown: [String]
        /// One sentence.
        package var summary: String
    }

    /// One cause that stops writeback for this user, as the per-user readiness names it (`Readiness.label`).
    package struct Blocker: Sendable, Codable, Hashable {
        package var cause: String
        package var label: String
        package var checks: [String]
        /// What the findings add (the rights missing, the container a cause sits on).
        package var detail: String?
    }
}
