import PreflightCore

/// Objects outside the users that writeback's own calls read as the connector account: the samServer object
/// (`NetUserGetInfo` goes through it) and the Builtin container. Microsoft documents both only in a support article:
/// https://learn.microsoft.com/troubleshoot/entra/entra-id/user-prov-sync/password-writeback-access-rights-permissions
package enum PrerequisiteObjectKind: String, Codable, Sendable, CaseIterable {
    case samServer = "sam-server"
    case builtin

    /// The object's DN below the domain root.
    var relativeDN: String {
        switch self {
        case .samServer: "CN=Server,CN=System"
        case .builtin: "CN=Builtin"
        }
    }

    /// The object's class (schemaIDGUID), which object ACEs for the whole object name.
    package var objectClass: GUID {
        switch self {
        case .samServer: GUID(literal: "bf967aad-0de6-11d0-a285-00aa003049e2")  // samServer
        case .builtin: GUID(literal: "bf967a81-0de6-11d0-a285-00aa003049e2")  // builtinDomain
        }
    }

    /// What the account needs on it, by the names the Security tab shows.
    var rights: [(name: String, mask: AccessMask)] {
        switch self {
        case .samServer: [("List contents", .listChildren), ("Read all properties", .readProperty), ("Read permissions", .readControl)]
        case .builtin: [("List contents", .listChildren), ("Read all properties", .readProperty)]
        }
    }
}

/// One prerequisite object as read: its DACL filtered to the account's token, or why it could not be read.
package struct PrerequisiteObject: Codable, Sendable, Hashable {
    package var kind: PrerequisiteObjectKind
    package var dn: String
    var dacl: DACLState?
    package var unreadable: String?

    package init(kind: PrerequisiteObjectKind, dn: String, dacl: DACLState?, unreadable: String? = nil) {
        self.kind = kind
        self.dn = dn
        self.dacl = dacl
        self.unreadable = unreadable
    }
}
