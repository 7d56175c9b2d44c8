/// The rights password writeback needs, with the names admins know and the dsacls grant for each: the one table of them.
/// Microsoft's list: "Configure account permissions for Microsoft Entra Connect" in
/// learn.microsoft.com/entra/identity/authentication/tutorial-enable-sspr-writeback; ADSyncConfig's
/// `Set-ADSyncPasswordWritebackPermissions` sets Reset Password, WP lockoutTime and WP pwdLastSet only ("Permissions for
/// Password Writeback" in learn.microsoft.com/entra/identity/hybrid/connect/how-to-connect-configure-ad-ds-connector-account).
package struct WritebackRight: Sendable, Hashable {
    package let id: String
    package let name: String
    package let right: DirectoryRight
    /// The permission part of a dsacls `/G` grant, e.g. `CA;Reset Password`.
    let dsacls: String

    package static let resetPassword = WritebackRight(
        id: "reset-password", name: "Reset Password", right: .controlAccess(ExtendedRightGUID.resetPassword),
        dsacls: "CA;Reset Password")
    static let changePassword = WritebackRight(
        id: "change-password", name: "Change Password", right: .controlAccess(ExtendedRightGUID.changePassword),
        dsacls: "CA;Change Password")
    static let writeLockoutTime = WritebackRight(
        id: "write-lockoutTime", name: "Write lockoutTime", right: .writeProperty(AttributeGUID.lockoutTime, propertySet: nil),
        dsacls: "WP;lockoutTime")
    static let writePwdLastSet = WritebackRight(
        id: "write-pwdLastSet", name: "Write pwdLastSet",
        right: .writeProperty(AttributeGUID.pwdLastSet, propertySet: PropertySetGUID.userAccountRestrictions),
        dsacls: "WP;pwdLastSet")
    static let unexpirePassword = WritebackRight(
        id: "unexpire-password", name: "Unexpire Password", right: .controlAccess(ExtendedRightGUID.unexpirePassword),
        dsacls: "CA;Unexpire Password")

    /// The rights on every in-scope user object. Microsoft's own ADSyncConfig module sets only the first three.
    static let userRights = [resetPassword, writeLockoutTime, writePwdLastSet, changePassword]
    /// Everything the docs list: the user rights, then Unexpire Password on the domain root (domainDNS) object.
    package static let all = userRights + [unexpirePassword]

    /// The attribute's lDAPDisplayName (lower case) for an attribute write, as `allowedAttributesEffective` lists it.
    var attributeName: String? {
        switch id {
        case Self.writeLockoutTime.id: "lockouttime"
        case Self.writePwdLastSet.id: "pwdlastset"
        default: nil
        }
    }
    package static func named(_ id: String) -> WritebackRight? { all.first { $0.id == id } }
}

extension DirectorySnapshot {
    /// `CORP\MSOL_x` when the NetBIOS name is known, else `MSOL_x@corp.example.com`.
    package var accountDisplayName: String {
        if let netbios = domain.netbiosName { return "\(netbios)\\\(account.samAccountName)" }
        return "\(account.samAccountName)@\(domain.dnsName)"
    }

    /// A trustee SID as a person reads it: the account, one of its groups, a well-known name, or the SID.
    func trusteeName(_ sid: SID?) -> String {
        guard let sid else { return "an unknown trustee" }
        if sid == account.sid { return accountDisplayName }
        if let name = account.groupNames[sid.description] {
            if sid.isBuiltinAlias { return "BUILTIN\\\(name)" }
            return domain.netbiosName.map { "\($0)\\\(name)" } ?? name
        }
        if let name = sid.wellKnownName(domain: domain.sid) { return name }
        return sid.description
    }
}
