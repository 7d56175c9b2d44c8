import PreflightCore

/// AD-018: the gMSA object's own DACL, against what `Set-AADCloudSyncRestrictedPermissions` leaves: inheritance disabled,
/// every ACE removed but SELF's, Full Control for SYSTEM, Administrators, Domain Admins and Enterprise Admins, and Read
/// (List contents, Read all properties, Read permissions) for Authenticated Users and Enterprise Domain Controllers
/// (https://learn.microsoft.com/entra/identity/hybrid/cloud-sync/how-to-gmsa-cmdlets; the ACE table of its Connect twin,
/// Set-ADSyncRestrictedPermissions: https://learn.microsoft.com/entra/identity/hybrid/connect/how-to-connect-configure-ad-ds-connector-account).
enum GMSAHardeningJudgement {
    /// SYSTEM and Administrators; Domain Admins (512) and Enterprise Admins (519) by RID, in any domain of the forest.
    static let fullControl: Set<SID> = [.localSystem, .builtinAdministrators]
    static let fullControlRIDs: Set<UInt32> = [512, 519]
    /// Authenticated Users and Enterprise Domain Controllers get Read only.
    static let readers: Set<SID> = [.authenticatedUsers, GMSAClassification.enterpriseDomainControllers]
    static let read: AccessMask = [.listChildren, .readProperty, .readControl, .listObject]

    static func isFullControlTrustee(_ sid: SID) -> Bool {
        fullControl.contains(sid) || (sid.parent?.isNTDomainSID == true && sid.rid.map(fullControlRIDs.contains) == true)
    }

    /// What the ACE lets its trustee do to the gMSA that the hardened DACL does not; nil when the hardened DACL allows it.
    static func extra(_ ace: ACE) -> AccessMask? {
        guard let sid = ace.sid, sid != .principalSelf, !isFullControlTrustee(sid) else { return nil }
        let mask = ace.mask.mappingGenericRights
        if readers.contains(sid) && mask.subtracting(read).isEmpty { return nil }
        return readers.contains(sid) ? mask.subtracting(read) : mask
    }

    /// Rights that let the trustee make itself a password reader: write the DACL, the owner, or msDS-GroupMSAMembership.
    static func takesOver(_ ace: ACE, _ mask: AccessMask) -> Bool {
        if !mask.intersection([.writeDAC, .writeOwner]).isEmpty { return true }
        guard mask.contains(.writeProperty) else { return false }
        return ace.objectType == nil || ace.objectType == GMSAGatherer.membershipGUID
    }

    static func evaluate(_ g: GMSAFacts, _ s: DirectorySnapshot) -> Evaluation {
        let account = s.accountDisplayName
        var view = GMSAHardeningView(account: account, accountDN: g.dn, isGMSA: g.isGMSA, daclProtected: g.daclProtected)
        guard g.isGMSA else { return GMSAJudgement.notAGMSA(account, s) }
        guard let state = g.objectDACL else {
            return .error(
                "Whether \(account) is hardened cannot be judged: \(g.objectDACLUnreadable ?? "its DACL was not read.") Grant the bind "
                    + "account Read permissions on '\(g.dn)', and run again.",
                evidence: Evidence.of(view))
        }
        guard case .acl(let acl) = state else {
            return withRemediation(
                Evaluation(
                    status: .fail, message: "\(account) has no DACL (a NULL DACL): anyone may change it, its password readers included.",
                    findings: [Finding(status: .fail, target: g.dn, message: "NULL DACL: everyone has full control.")], evidence: Evidence.of(view)))
        }
        var findings: [Finding] = []
        if !g.daclProtected {
            findings.append(
                Finding(
                    status: .warn, target: g.dn,
                    message: "Inheritance is enabled: the object takes ACEs from its container, and a grant there reaches the gMSA."))
        }
        // Inherit-only ACEs grant nothing on the gMSA itself (it has no children); deny ACEs take rights away.
        let applying = acl.aces.filter { !$0.isInheritOnly && ($0.type == .accessAllowed || $0.type == .accessAllowedObject) }
        view.inheritOnlyACEs = acl.aces.filter(\.isInheritOnly).count
        view.denyACEs = acl.aces.filter { $0.type == .accessDenied || $0.type == .accessDeniedObject }.map(\.sddl)
        for ace in applying {
            guard let mask = extra(ace) else { continue }
            let trustee = GMSAClassification.label(ace.sid, g, s)
            let takeover = takesOver(ace, mask)
            let broad = ace.sid.map(GMSAClassification.isBroad) ?? false
            let origin = ace.isInherited ? "inherited" : "set on the object"
            let what = takeover
                ? "it can make itself a password reader (write the DACL, the owner or msDS-GroupMSAMembership) and so act as the agent"
                : "not in the hardened DACL"
            let extraACE = GMSAHardeningView.ExtraACE(ace: ace.sddl, trustee: trustee, rights: mask.sddl, inherited: ace.isInherited, takeover: takeover)
            view.extraACEs.append(extraACE)
            findings.append(
                Finding(
                    status: takeover && broad ? .fail : .warn, target: trustee,
                    message: "\(ace.sddl) (\(origin)) grants \(trustee) \(mask.sddl): \(what).", details: JSONValue.encoding(extraACE)))
        }
        guard !findings.isEmpty else {
            return Evaluation(
                status: .pass,
                message: "\(account) is hardened as Set-AADCloudSyncRestrictedPermissions leaves it: inheritance disabled, full control "
                    + "for SYSTEM, Administrators, Domain Admins and Enterprise Admins only, SELF's and read-only ACEs besides.",
                evidence: Evidence.of(view))
        }
        let failed = findings.contains { $0.status == .fail }
        let takeovers = view.extraACEs.filter(\.takeover).map(\.trustee)
        let takeoverSentence = takeovers.isEmpty
            ? "" : " \(takeovers.joined(separator: ", ")) can make themselves password readers and act as the agent, which can reset the password of every user in writeback's scope."
        let inheritance = g.daclProtected ? "" : "inheritance is enabled; "
        return withRemediation(
            Evaluation(
                status: failed ? .fail : .warn,
                message: "\(account) is not hardened as Set-AADCloudSyncRestrictedPermissions leaves it: \(inheritance)"
                    + "\(Plural.count(view.extraACEs.count, "ACE")) beyond its set.\(takeoverSentence)",
                findings: findings, evidence: Evidence.of(view)))
    }

    static func withRemediation(_ evaluation: Evaluation) -> Evaluation {
        var evaluation = evaluation
        evaluation.generatedRemediation =
            "On the provisioning agent's host, as a domain (or enterprise) administrator:\n\n```powershell\n"
            + "Import-Module \"C:\\Program Files\\Microsoft Azure AD Connect Provisioning Agent\\Microsoft.CloudSync.PowerShell.dll\"\n"
            + "Set-AADCloudSyncRestrictedPermissions -Credential (Get-Credential)\n```\n"
            + "It disables inheritance on the gMSA, removes every ACE but SELF's, and grants Full Control to SYSTEM, Administrators, "
            + "Domain Admins and Enterprise Admins and Read to Authenticated Users and Enterprise Domain Controllers. Then check who "
            + "may retrieve the password (AD-017): a trustee removed here may have changed that list."
        return evaluation
    }
}
