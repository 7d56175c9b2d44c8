import Foundation
import PreflightCore

#if canImport(Glibc)
    import Glibc
#endif

/// Everything ``LDAPConnection/open(_:)`` needs to reach, secure and authenticate to a directory server.
///
/// The password is never printed: ``description`` and the reflection mirror (`dump`, `print`, string
/// interpolation) redact it, and no ``LDAPError`` ever contains it.
package struct LDAPSettings: Sendable {
    /// `ldaps://host[:port]` (TLS from the first byte, default port 636) or `ldap://host[:port]` (default 389).
    package var url: String
    /// Upgrade an `ldap://` connection with the StartTLS extended operation before binding.
    package var startTLS: Bool
    /// PEM file holding the CA certificate(s) that may sign the server certificate; `nil` uses the system trust store.
    package var caFile: String?
    /// Allow a simple bind over a plaintext channel (`ldap://` without StartTLS). Off by default: the password
    /// would cross the network in clear text, so the bind is refused before anything is sent.
    package var allowInsecure: Bool
    /// Bind name as Active Directory accepts it: a DN, a UPN (`user@corp.example.com`) or `DOMAIN\user`.
    /// An empty string means an anonymous connection (enough for the rootDSE only).
    package var bindDN: String
    /// The bind password. Never logged and never part of an error message; wiped by its owner after the bind.
    package var secret: LDAPSecret
    /// Hard deadline for everything on this connection: connect, TLS, bind and every later operation.
    /// When it passes, a watchdog shuts the socket down so that no call can hang beyond it.
    package var deadline: ContinuousClock.Instant
    /// Upper bound for the TCP connect (capped by the time left until ``deadline``).
    var networkTimeout: Duration
    /// Upper bound for each single operation wait: bind, StartTLS, each search page (capped by ``deadline``).
    var operationTimeout: Duration

    package init(
        url: String,
        startTLS: Bool = false,
        caFile: String? = nil,
        allowInsecure: Bool = false,
        bindDN: String,
        secret: LDAPSecret,
        deadline: ContinuousClock.Instant,
        networkTimeout: Duration = .seconds(10),
        operationTimeout: Duration = .seconds(120)
    ) {
        self.url = url
        self.startTLS = startTLS
        self.caFile = caFile
        self.allowInsecure = allowInsecure
        self.bindDN = bindDN
        self.secret = secret
        self.deadline = deadline
        self.networkTimeout = networkTimeout
        self.operationTimeout = operationTimeout
    }
}

extension LDAPSettings: CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    package var description: String {
        "LDAPSettings(url: \(url), startTLS: \(startTLS), caFile: \(caFile ?? "system trust store"), "
            + "allowInsecure: \(allowInsecure), bindDN: \(bindDN), password: <redacted>, "
            + "networkTimeout: \(networkTimeout), operationTimeout: \(operationTimeout))"
    }

    package var debugDescription: String { description }

    package var customMirror: Mirror {
        Mirror(
            self,
            children: [
                "url": url, "startTLS": startTLS, "caFile": caFile as Any, "allowInsecure": allowInsecure,
                "bindDN": bindDN, "password": "<redacted>", "deadline": deadline,
                "networkTimeout": networkTimeout, "operationTimeout": operationTimeout,
            ], displayStyle: .struct)
    }
}

/// How the bytes of an open connection are protected.
package enum ChannelSecurity: String, Sendable, Equatable, CustomStringConvertible {
    /// TLS from the first byte (`ldaps://`).
    case ldaps
    /// `ldap://` upgraded with the StartTLS extended operation.
    case startTLS
    /// No encryption at all.
    case plaintext

    package var description: String {
        switch self {
        case .ldaps: "LDAPS"
        case .startTLS: "StartTLS"
        case .plaintext: "plaintext LDAP"
        }
    }
}

/// Search scope. (Named `LDAPScope`, not `Scope`, to stay clear of other "scope" notions in PreflightKit.)
package enum LDAPScope: Sendable, Equatable {
    case base
    case oneLevel
    case subtree

    var rawLDAPValue: Int32 {
        switch self {
        case .base: 0  // LDAP_SCOPE_BASE
        case .oneLevel: 1  // LDAP_SCOPE_ONELEVEL
        case .subtree: 2  // LDAP_SCOPE_SUBTREE
        }
    }
}

/// The parts of `nTSecurityDescriptor` to return, sent as the LDAP_SERVER_SD_FLAGS control (1.2.840.113556.1.4.801).
///
/// Without this control, Active Directory (and Samba) silently omit `nTSecurityDescriptor` for a non-admin account,
/// because the default asks for the SACL as well. Ask for `[.owner, .group, .dacl]` or just `.dacl`.
package struct SDFlags: OptionSet, Sendable, Hashable {
    package let rawValue: UInt32
    package init(rawValue: UInt32) { self.rawValue = rawValue }

    package static let owner = SDFlags(rawValue: 0x1)
    package static let group = SDFlags(rawValue: 0x2)
    static let dacl = SDFlags(rawValue: 0x4)
    /// Needs SeSecurityPrivilege; a normal account gets no SD at all when this is set.
    static let sacl = SDFlags(rawValue: 0x8)
}

/// The step of a connection's life an error or timeout happened in.
package enum LDAPStage: String, Sendable, Equatable, CustomStringConvertible {
    case connect
    case tlsHandshake
    case startTLS
    case bind
    case search

    package var description: String {
        switch self {
        case .connect: "connect"
        case .tlsHandshake: "TLS handshake"
        case .startTLS: "StartTLS request"
        case .bind: "bind"
        case .search: "search"
        }
    }
}
