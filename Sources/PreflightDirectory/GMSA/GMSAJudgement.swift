import PreflightCore

/// AD-017 and AD-018: the agent's gMSA itself (https://learn.microsoft.com/entra/identity/hybrid/cloud-sync/gmsa-cloud-sync).
enum GMSAJudgement {
    static func evaluate(_ aspect: GMSAAspect, _ g: GMSAFacts, _ s: DirectorySnapshot) -> Evaluation {
        switch aspect {
        case .passwordReaders: GMSAReadersJudgement.evaluate(g, s)
        case .hardening: GMSAHardeningJudgement.evaluate(g, s)
        }
    }

    /// Connect Sync's account, or any account that is not a gMSA: nothing retrieves its password, nothing to harden here.
    static func notAGMSA(_ account: String, _ s: DirectorySnapshot) -> Evaluation {
        .skip(
            .notApplicable,
            "The connector account \(account) is not a group managed service account (\(s.account.source.rawValue)): this check "
                + "judges the Cloud Sync provisioning agent's gMSA.")
    }
}

/// AD-017's evidence: every principal `msDS-GroupMSAMembership` grants, resolved, with what the check made of it.
struct GMSAReadersView: Encodable {
    struct Reader: Encodable {
        var sid, name, kind: String
        @NullEncoded var dn: String?
        /// host, broad, exposure or undecided; absent in a finding's details (the finding's status says it).
        var verdict: String?
        /// A group's members (nested included) that are not computer accounts, and how many are.
        var nonComputerMembers: [String]?
        var computerMembers: Int?

        init(_ principal: GMSAPrincipal, verdict: GMSAClassification.Verdict?) {
            sid = principal.sid.description
            name = principal.name
            kind = principal.kind.rawValue
            dn = principal.dn
            self.verdict = verdict.map {
                switch $0 {
                case .host: "host"
                case .broad: "broad"
                case .exposure: "exposure"
                case .undecided: "undecided"
                }
            }
            if let members = principal.members {
                nonComputerMembers = members.filter { $0.kind != .computer }.map { "\($0.name) (\($0.kind.rawValue))" }
                computerMembers = members.filter { $0.kind == .computer }.count
            }
        }
    }

    var account, accountDN: String
    var isGMSA: Bool
    /// Absent until msDS-GroupMSAMembership was read.
    var readers: [Reader]?
    var denyACEs: [String] = []
}

/// AD-018's evidence: the DACL's protection and each ACE beyond the hardened set.
struct GMSAHardeningView: Encodable {
    struct ExtraACE: Encodable {
        var ace, trustee, rights: String
        var inherited, takeover: Bool
    }

    var account, accountDN: String
    var isGMSA, daclProtected: Bool
    var extraACEs: [ExtraACE] = []
    var inheritOnlyACEs = 0
    var denyACEs: [String] = []
}
