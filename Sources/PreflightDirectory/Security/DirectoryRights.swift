import Foundation
import PreflightCore
import PreflightEngine

// Well-known GUIDs and SIDs for the writeback permission check.
// Sources: Microsoft's Active Directory schema documentation (MS-ADA1, MS-ADA2, MS-ADA3) and MS-DTYP 2.4.2.4.

/// Extended rights (rightsGuid of controlAccessRight objects), checked with RIGHT_DS_CONTROL_ACCESS.
package enum ExtendedRightGUID {
    /// User-Force-Change-Password ("Reset Password").
    package static let resetPassword = GUID(literal: "00299570-246d-11d0-a768-00aa006e0529")
    /// User-Change-Password ("Change Password"); needs the old password.
    static let changePassword = GUID(literal: "ab721a53-1e2f-11d0-9819-00aa0040529b")
    /// Unexpire-Password; applies to the domainDNS (domain root) object.
    static let unexpirePassword = GUID(literal: "ccc2dc7d-a6ad-4a7a-8846-c04e3cc53501")
}

/// Attribute schemaIDGUIDs, checked with RIGHT_DS_WRITE_PROPERTY.
package enum AttributeGUID {
    /// Lockout-Time; not a member of any property set.
    static let lockoutTime = GUID(literal: "28630ebf-41d5-11d1-a9c1-0000f80367c1")
    /// Pwd-Last-Set; member of User-Account-Restrictions.
    static let pwdLastSet = GUID(literal: "bf967a0a-0de6-11d0-a285-00aa003049e2")
}

/// Property sets (attributeSecurityGUID values): a grant on the set covers its member attributes.
package enum PropertySetGUID {
    static let userAccountRestrictions = GUID(literal: "4c164200-20c0-11d0-a768-00aa006e0529")
}

/// Class schemaIDGUIDs: the root of the object-type path, and the InheritedObjectType of "Descendant X objects".
package enum ClassGUID {
    package static let user = GUID(literal: "bf967aba-0de6-11d0-a285-00aa003049e2")
    /// A subclass of user with its own GUID: ACEs scoped to `user` do not reach these objects.
    static let inetOrgPerson = GUID(literal: "4828cc14-1437-45bc-9b07-ad6f015e5f28")
    static let computer = GUID(literal: "bf967a86-0de6-11d0-a285-00aa003049e2")
    static let organizationalUnit = GUID(literal: "bf967aa5-0de6-11d0-a285-00aa003049e2")
    static let domainDNS = GUID(literal: "19195a5b-6da0-11d0-afd3-00c04fd930c9")
}

extension SID {
    static let everyone = SID(authority: 1, [0])
    static let creatorOwner = SID(authority: 3, [0])
    package static let network = SID(authority: 5, [2])
    /// PRINCIPAL_SELF: in an ACE it stands for the object's own SID.
    static let principalSelf = SID(authority: 5, [10])
    static let authenticatedUsers = SID(authority: 5, [11])
    static let thisOrganization = SID(authority: 5, [15])
    static let localSystem = SID(authority: 5, [18])
    static let builtinAdministrators = SID(authority: 5, [32, 544])
}

/// Display names for `SID.wellKnownName(domain:)`, in the form Windows shows them.
enum WellKnownSIDNames {
    static let fixed: [SID: String] = {
        var names: [SID: String] = [
            SID(authority: 0, [0]): "NULL SID",
            .everyone: "Everyone",
            SID(authority: 2, [0]): "LOCAL",
            .creatorOwner: "CREATOR OWNER",
            SID(authority: 3, [1]): "CREATOR GROUP",
        ]
        let ntAuthority: [UInt32: String] = [
            1: "DIALUP", 2: "NETWORK", 3: "BATCH", 4: "INTERACTIVE", 6: "SERVICE", 7: "ANONYMOUS LOGON",
            9: "ENTERPRISE DOMAIN CONTROLLERS", 10: "SELF", 11: "Authenticated Users", 12: "RESTRICTED",
            13: "TERMINAL SERVER USER", 14: "REMOTE INTERACTIVE LOGON", 15: "This Organization",
            18: "SYSTEM", 19: "LOCAL SERVICE", 20: "NETWORK SERVICE",
        ]
        for (rid, name) in ntAuthority { names[SID(authority: 5, [rid])] = "NT AUTHORITY\\" + name }
        let builtin: [UInt32: String] = [
            544: "Administrators", 545: "Users", 546: "Guests", 547: "Power Users", 548: "Account Operators",
            549: "Server Operators", 550: "Print Operators", 551: "Backup Operators", 552: "Replicator",
            554: "Pre-Windows 2000 Compatible Access", 555: "Remote Desktop Users",
            556: "Network Configuration Operators", 557: "Incoming Forest Trust Builders",
            560: "Windows Authorization Access Group", 561: "Terminal Server License Servers",
            562: "Distributed COM Users", 569: "Cryptographic Operators", 573: "Event Log Readers",
            574: "Certificate Service DCOM Access", 580: "Remote Management Users",
        ]
        for (rid, name) in builtin { names[SID(authority: 5, [32, rid])] = "BUILTIN\\" + name }
        return names
    }()

    static let domainRIDs: [UInt32: String] = [
        498: "Enterprise Read-only Domain Controllers", 500: "Administrator", 501: "Guest", 502: "krbtgt",
        512: "Domain Admins", 513: "Domain Users", 514: "Domain Guests", 515: "Domain Computers",
        516: "Domain Controllers", 517: "Cert Publishers", 518: "Schema Admins", 519: "Enterprise Admins",
        520: "Group Policy Creator Owners", 521: "Read-only Domain Controllers",
        522: "Cloneable Domain Controllers", 525: "Protected Users", 526: "Key Admins",
        527: "Enterprise Key Admins", 553: "RAS and IAS Servers",
        571: "Allowed RODC Password Replication Group", 572: "Denied RODC Password Replication Group",
    ]
}
