import Foundation
import PreflightCore
import PreflightEngine

/// Opens the LDAP connection the configuration describes, reading the password only now, from its source, into an
/// ``LDAPSecret`` that is wiped as soon as the connection is open (bound) or has failed to open.
package enum DirectoryConnector {
    static func settings(_ ldap: Configuration.LDAPConfiguration, deadline: Date, environment: [String: String]) throws -> LDAPSettings {
        guard let url = ldap.url, let bindDN = ldap.bindDN else {
            throw ProbeError("The directory checks need 'ldap.url' and 'ldap.bindDN' in the configuration.")
        }
        let secret = try secret(ldap, environment: environment)
        let remaining = max(0.1, deadline.timeIntervalSinceNow)
        return LDAPSettings(
            url: url, startTLS: ldap.startTLS, caFile: ldap.caFile, allowInsecure: ldap.allowInsecure, bindDN: bindDN,
            secret: secret, deadline: .now + .milliseconds(Int(remaining * 1000)),
            networkTimeout: .seconds(min(10, remaining)), operationTimeout: .seconds(min(120, remaining)))
    }

    /// The bind password, read from its source now into a buffer of its own (AD-016 reads it again for SMB).
    static func secret(_ ldap: Configuration.LDAPConfiguration, environment: [String: String]) throws -> LDAPSecret {
        if let name = ldap.passwordEnv {
            guard let value = environment[name], !value.isEmpty else {
                throw ProbeError(
                    "The environment variable '\(name)' named by 'ldap.passwordEnv' is not set (or empty). "
                        + "Export it before running preflight, e.g. from your CI's secret store.")
            }
            // The environment's own copy cannot be wiped; the bytes are taken from it without another String.
            return LDAPSecret(bytes: value.utf8)
        } else if let file = ldap.passwordFile {
            guard let read = LDAPSecret.read(file: file) else {
                throw ProbeError("Cannot read the password file '\(file)' named by 'ldap.passwordFile'. Check its permissions.")
            }
            return read
        } else {
            throw ProbeError("No password source: set 'ldap.passwordEnv' or 'ldap.passwordFile'.")
        }
    }

    /// `connect` is `LDAPConnection.open`; tests pass their own to see the secret at bind time and after.
    package static func open(
        _ configuration: Configuration, deadline: Date, environment: [String: String],
        connect: (LDAPSettings) throws(LDAPError) -> LDAPConnection = LDAPConnection.open
    ) throws -> LDAPConnection {
        let settings = try settings(configuration.ldap, deadline: deadline, environment: environment)
        // Bound or failed: either way the password is not needed again.
        defer { settings.secret.wipe() }
        do {
            return try connect(settings)
        } catch {
            throw ProbeError(error.description)
        }
    }
}

/// RFC 4515 escaping for values placed in search filters (DNs contain `\`, `(`, `)` and `*` more often than one thinks).
package func ldapFilterEscape(_ value: String) -> String {
    var bytes: [UInt8] = []
    for byte in value.utf8 {
        switch byte {
        case 0x2A, 0x28, 0x29, 0x5C, 0x00: bytes += Array(String(format: "\\%02x", byte).utf8)
        default: bytes.append(byte)
        }
    }
    return String(decoding: bytes, as: UTF8.self)
}

/// A binary value (a SID) as a filter assertion: every byte escaped.
package func ldapFilterEscape(bytes: [UInt8]) -> String {
    bytes.map { String(format: "\\%02x", $0) }.joined()
}
