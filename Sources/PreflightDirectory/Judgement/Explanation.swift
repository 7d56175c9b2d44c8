import PreflightCore

/// Turns a missing right into a sentence and a remediation command an AD admin can run.
package enum Explanation {
    package static func message(_ right: WritebackRight, _ cause: RightsJudge.Cause, snapshot: DirectorySnapshot, user: UserFacts) -> String {
        let account = snapshot.accountDisplayName
        switch cause {
        case .denied(let ace, let origin):
            let place = origin.map { "an ACE inherited from '\($0)'" } ?? "an ACE set on the user object itself"
            return "\(right.name) is denied to \(account) by \(place): deny for \(snapshot.trusteeName(ace.sid)) \(ace.sddl)."
        case .protectedAccount(let grantedAt):
            let grant = grantedAt.map { " so the grant at '\($0)' does not reach it;" } ?? ""
            return "The account is protected (adminCount=1) and its DACL does not inherit,\(grant) SDProp restores its permissions "
                + "from AdminSDHolder every hour. Writeback cannot reset protected accounts."
        case .userInheritanceDisabled(let grantedAt):
            let grant = grantedAt.map { "the grant at '\($0)'" } ?? "no grant"
            return "Inheritance is disabled on this user object, so \(grant) does not reach it: \(account) lacks \(right.name)."
        case .inheritanceBlocked(let at, let grantedAt):
            return "Inheritance is disabled on '\(at)', so the grant at '\(grantedAt)' does not reach users below it: "
                + "\(account) lacks \(right.name)."
        case .classMismatch(let grantedAt, let appliesTo):
            let kind = user.isInetOrgPerson ? "an inetOrgPerson object" : "a user object"
            return "The grant at '\(grantedAt)' applies only to \(className(appliesTo)) objects, and this is \(kind): "
                + "\(account) lacks \(right.name)."
        case .emptyDACL:
            return "The user's DACL is empty, so no one, \(account) included, holds \(right.name)."
        case .noGrant:
            let groups = snapshot.account.groups.count
            return "No ACE grants \(right.name) to \(account) or any of its \(groups) groups."
        }
    }

    /// Cloud Sync's own repair: it grants the whole writeback set (Unexpire Password on the domain root included)
    /// to the agent's gMSA (https://learn.microsoft.com/entra/identity/hybrid/cloud-sync/how-to-gmsa-cmdlets).
    static func cloudSyncRepair(_ snapshot: DirectorySnapshot) -> [String] {
        [
            "", "Or, on the provisioning agent's host, with Microsoft's Cloud Sync module (grants Reset Password, lockoutTime, "
                + "pwdLastSet and Unexpire Password to the agent's gMSA for the whole domain):",
            "", "```powershell",
            "Import-Module \"C:\\Program Files\\Microsoft Azure AD Connect Provisioning Agent\\Microsoft.CloudSync.PowerShell.dll\"",
            "Set-AADCloudSyncPermissions -PermissionType PasswordWriteBack -EACredential (Get-Credential)",
            "# for a domain other than the agent's own:",
            "Set-AADCloudSyncPermissions -PermissionType PasswordWriteBack -TargetDomain '\(snapshot.domain.dnsName)' "
                + "-TargetDomainCredential (Get-Credential) -EACredential (Get-Credential)",
            "```",
        ]
    }

    static func className(_ guid: GUID) -> String {
        switch guid {
        case ClassGUID.user: "user"
        case ClassGUID.inetOrgPerson: "inetOrgPerson"
        case ClassGUID.computer: "computer"
        default: guid.description
        }
    }

    /// Commands that would fix the gaps, grouped so an admin runs as few as possible.
    static func remediation(
        _ right: WritebackRight, gaps: [(UserFacts, RightsJudge.Cause)], snapshot: DirectorySnapshot
    ) -> String {
        guard !gaps.isEmpty else { return "" }
        let account = snapshot.accountDisplayName
        var lines = ["**Generated for these findings** (review before running; dsacls runs on a domain-joined Windows host):", ""]
        var grantOUs: [String: Set<String>] = [:]
        var enableInheritance = Set<String>()
        var denies: [String: String] = [:]
        var protected = 0
        for (user, cause) in gaps {
            let parent = DistinguishedName(user.dn).parent?.description ?? snapshot.domain.dn
            let klass = user.isInetOrgPerson ? "inetOrgPerson" : "user"
            switch cause {
            case .noGrant, .emptyDACL: grantOUs[parent, default: []].insert(klass)
            case .classMismatch(let grantedAt, _): grantOUs[grantedAt, default: []].insert(klass)
            case .inheritanceBlocked(let at, _): enableInheritance.insert(at)
            case .userInheritanceDisabled: enableInheritance.insert(user.dn)
            case .denied(let ace, let origin): denies[origin ?? user.dn] = ace.sddl
            case .protectedAccount: protected += 1
            }
        }
        if !grantOUs.isEmpty {
            lines.append("Grant \(right.name) to \(account) for the users below each container:")
            lines.append("")
            lines.append("```")
            for (dn, classes) in grantOUs.sorted(by: { $0.key < $1.key }) {
                for klass in classes.sorted() {
                    lines.append("dsacls \"\(dn)\" /I:S /G \"\(account):\(right.dsacls);\(klass)\"")
                }
            }
            lines.append("```")
            // Microsoft's cmdlet grants for the user class only, so it cannot fix an inetOrgPerson gap.
            let userOUs = grantOUs.filter { $0.value.contains("user") }.keys.sorted()
            if snapshot.topology == .cloudSync, right != .changePassword, !userOUs.isEmpty {
                lines += cloudSyncRepair(snapshot)
            } else if right != .changePassword, right != .unexpirePassword, !userOUs.isEmpty {
                lines.append("")
                lines.append("Or, on the Entra Connect server, with Microsoft's module (grants Reset Password, lockoutTime and pwdLastSet together):")
                lines.append("")
                lines.append("```powershell")
                lines.append("Import-Module \"C:\\Program Files\\Microsoft Azure Active Directory Connect\\AdSyncConfig\\AdSyncConfig.psm1\"")
                for dn in userOUs {
                    lines.append(
                        "Set-ADSyncPasswordWritebackPermissions -ADConnectorAccountName '\(snapshot.account.samAccountName)' "
                            + "-ADConnectorAccountDomain '\(snapshot.domain.dnsName)' -ADobjectDN '\(dn)'")
                }
                lines.append("```")
                if userOUs.contains(where: { DistinguishedName($0) != DistinguishedName(snapshot.domain.dn) }) {
                    lines.append("")
                    lines.append("Without `-ADobjectDN` the cmdlet grants at the root of every domain in the forest.")
                }
            }
        }
        if !enableInheritance.isEmpty {
            lines.append("")
            lines.append("Inheritance is disabled on these objects. Re-enable it (this also brings in every other inherited permission, so review first), or grant the right on the object directly:")
            lines.append("")
            lines.append("```")
            for dn in enableInheritance.sorted() { lines.append("dsacls \"\(dn)\" /P:N") }
            lines.append("```")
        }
        if !denies.isEmpty {
            lines.append("")
            lines.append("A deny ACE blocks the right. Remove it in Active Directory Users and Computers (Security > Advanced) on:")
            lines.append("")
            for (dn, sddl) in denies.sorted(by: { $0.key < $1.key }) { lines.append("- `\(dn)`: `\(sddl)`") }
            lines.append("")
            lines.append("(`dsacls /R` would remove *every* ACE of the trustee, its grants included.)")
        }
        if protected > 0 {
            lines.append("")
            lines.append(
                "\(protected) protected \(protected == 1 ? "account" : "accounts") (adminCount=1) cannot be reset by writeback. Keep \(protected == 1 ? "it" : "them") out of SSPR scope; "
                    + "do not grant the connector account rights on AdminSDHolder.")
        }
        return lines.joined(separator: "\n")
    }
}
