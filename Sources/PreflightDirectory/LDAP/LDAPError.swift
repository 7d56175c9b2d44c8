import CLDAP
import Foundation
import PreflightCore

/// Why an LDAP connection or operation failed, in words an operator can act on.
///
/// Every ``description`` is one or more whole sentences that name the server URL, say what went wrong and what to
/// do next. No case carries the password.
package enum LDAPError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The settings cannot work (bad URL, StartTLS on ldaps://, empty password...). Nothing was sent.
    case invalidSettings(url: String, reason: String)
    /// The CA file does not exist, cannot be read or holds no usable certificate. Nothing was sent.
    case caFileUnusable(url: String, path: String, reason: String)
    /// A simple bind over plaintext was refused before the password left this machine.
    case insecureBindRefused(url: String)
    /// The host actively refused the TCP connection (nothing listens on that port).
    case connectionRefused(url: String)
    /// The host name does not resolve.
    case hostNotFound(url: String, host: String, detail: String)
    /// The network reported the host or network unreachable, or the connection failed in some other way.
    case unreachable(url: String, detail: String)
    /// The connection's deadline or a per-operation timeout passed during `stage`.
    case timedOut(stage: LDAPStage, url: String, after: Duration)
    /// The server certificate does not chain to a trusted CA (or is expired / not yet valid).
    case tlsUntrusted(url: String, trustSource: String, certificate: CertificateSummary?)
    /// The server certificate is trusted but not issued for the host name in the URL.
    case tlsHostnameMismatch(url: String, host: String, trustSource: String, certificate: CertificateSummary?)
    /// The TLS handshake failed for another reason (not TLS on that port, no common protocol...).
    case tlsHandshakeFailed(url: String, stage: LDAPStage, detail: String)
    /// The server rejected the StartTLS extended operation.
    case startTLSRejected(url: String, resultCode: Int32, diagnostic: String)
    /// The server requires TLS (or signing) before it accepts a simple bind (result 8, strongerAuthRequired).
    case transportEncryptionRequired(url: String, diagnostic: String)
    /// The bind was rejected (result 49, invalidCredentials), with the Active Directory reason when present.
    case bindRejected(url: String, bindDN: String, reason: ADBindFailure, diagnostic: String)
    /// The server closed the connection or the connection broke during `stage`.
    case serverDown(url: String, stage: LDAPStage)
    /// Result 1 (operationsError), e.g. a search on a connection that is not authenticated.
    case operationsError(url: String, operation: String, diagnostic: String)
    /// Any other result code.
    case operationFailed(url: String, operation: String, resultCode: Int32, message: String, diagnostic: String)
    /// The connection was closed (or broke earlier) and cannot be used any more.
    case connectionClosed(url: String)

    package var description: String {
        switch self {
        case .invalidSettings(let url, let reason):
            return "The LDAP settings for '\(url)' cannot be used: \(reason) Correct the settings and try again."
        case .caFileUnusable(let url, let path, let reason):
            return "Cannot use the CA file '\(path)' to verify '\(url)': \(reason) "
                + "Point caFile at a readable PEM file holding the CA certificate that issued the domain controller's "
                + "certificate."
        case .insecureBindRefused(let url):
            return "Refused to send the password for a simple bind to '\(url)' over an unencrypted connection. "
                + "Use an ldaps:// URL (port 636) or set startTLS: true; set allowInsecure: true only for a lab "
                + "server that you accept to receive the password in clear text."
        case .connectionRefused(let url):
            return "The connection to '\(url)' was refused: nothing accepts connections on that port. "
                + "Check the host name and port (636 for LDAPS, 389 for LDAP/StartTLS) and that the directory "
                + "service is running on the domain controller."
        case .hostNotFound(let url, let host, let detail):
            return "Cannot resolve the host name '\(host)' of '\(url)' (\(detail)). "
                + "Check the spelling and that this machine's DNS resolver knows the domain controller."
        case .unreachable(let url, let detail):
            return "Cannot reach '\(url)' (\(Self.trimmed(detail))). Check the host name and port, routing and firewalls between "
                + "this machine and the domain controller."
        case .timedOut(let stage, let url, let after):
            if after == .zero {
                return "The time allowed for '\(url)' had run out before the connection was attempted. "
                    + "Raise the run's timeout or give the directory checks a larger share of it."
            }
            return "Timed out during the \(stage) with '\(url)' after \(Self.seconds(after)). "
                + Self.timeoutAdvice(stage)
        case .tlsUntrusted(let url, let trustSource, let certificate):
            var s = "The TLS certificate presented by '\(url)' is not trusted by \(trustSource)"
            if let certificate {
                s += " (\(certificate))"
                let now = Date()
                if let notAfter = certificate.notAfter, notAfter < now {
                    s += ". The certificate expired on \(CertificateSummary.format(notAfter))"
                } else if let notBefore = certificate.notBefore, notBefore > now {
                    s += ". The certificate is not valid before \(CertificateSummary.format(notBefore))"
                }
            }
            return s + ". Point caFile at the PEM file of the CA that issued the domain controller's certificate "
                + "(the issuer named above), or renew the certificate if it has expired; verification cannot be "
                + "turned off."
        case .tlsHostnameMismatch(let url, let host, let trustSource, let certificate):
            var s = "The TLS certificate presented by '\(url)' is signed by a CA trusted by \(trustSource) but is not "
                + "issued for '\(host)'"
            if let certificate {
                s += " (\(certificate))"
            }
            return s + ". Connect using a host name the certificate lists (usually the domain controller's fully "
                + "qualified DNS name), or reissue the certificate with '\(host)' in its subject alternative names."
        case .tlsHandshakeFailed(let url, let stage, let detail):
            let what = stage == .startTLS ? "after StartTLS" : "on connect"
            return "The TLS handshake with '\(url)' failed \(what) (\(Self.trimmed(detail))). "
                + "Check that the port speaks TLS (636 for ldaps://, 389 with startTLS: true), that nothing between "
                + "here and the server intercepts the connection, and that the server supports TLS 1.2 or newer."
        case .startTLSRejected(let url, let code, let diagnostic):
            return "The server at '\(url)' rejected the StartTLS request (\(Self.result(code, diagnostic))). "
                + "Use an ldaps:// URL instead, or enable a certificate for LDAP on the domain controller."
        case .transportEncryptionRequired(let url, let diagnostic):
            return "The server at '\(url)' requires transport encryption before it accepts a simple bind "
                + "(\(Self.result(8, diagnostic))). Use an ldaps:// URL (port 636) or set startTLS: true."
        case .bindRejected(let url, let bindDN, let reason, let diagnostic):
            return "The server at '\(url)' rejected the bind as '\(bindDN)': \(reason.explanation) "
                + "(\(Self.result(49, diagnostic))). \(reason.advice)"
        case .serverDown(let url, let stage):
            return "The connection to '\(url)' was closed or broke during the \(stage). "
                + "Check that the domain controller is up and that no firewall, proxy or idle timeout cuts the "
                + "connection, then try again."
        case .operationsError(let url, let operation, let diagnostic):
            var s = "The server at '\(url)' could not perform the \(operation) (\(Self.result(1, diagnostic)))."
            if diagnostic.contains("00002020") || diagnostic.localizedCaseInsensitiveContains("without authentication")
            {
                s += " The connection is not authenticated: configure a bind DN and password for the connector account."
            } else {
                s += " Check the base DN and the request, then try again."
            }
            return s
        case .operationFailed(let url, let operation, let code, _, let diagnostic):
            return "The server at '\(url)' could not perform the \(operation) (\(Self.result(code, diagnostic))). "
                + Self.advice(forResultCode: code)
        case .connectionClosed(let url):
            return "The connection to '\(url)' is already closed or broken. Open a new connection."
        }
    }


    // MARK: - Private

    static func seconds(_ d: Duration) -> String {
        String(format: "%.1f s", d.fractionalSeconds)
    }

    /// Trailing periods and whitespace removed, so the text can sit inside a sentence.
    static func trimmed(_ s: String) -> String {
        var t = s.trimmingCharacters(in: .whitespacesAndNewlines.union(.controlCharacters))
        while t.hasSuffix(".") { t.removeLast() }
        return t
    }

    static func result(_ code: Int32, _ diagnostic: String) -> String {
        let name = resultCodeNames[code].map { "\($0), " } ?? ""
        var s = "LDAP result \(code), \(name)\(LDAPResultCode.message(code))"
        let d = trimmed(diagnostic)
        if !d.isEmpty { s += ": '\(d)'" }
        return s
    }

    private static func timeoutAdvice(_ stage: LDAPStage) -> String {
        switch stage {
        case .connect:
            return "The TCP connection was never accepted: check the host name, port and firewalls; a "
                + "silently dropping firewall looks exactly like this."
        case .tlsHandshake:
            return "The server accepted the TCP connection but did not complete the TLS handshake: check that the "
                + "port speaks LDAPS (636) or use startTLS: true on port 389, and that no proxy intercepts the "
                + "connection."
        case .startTLS:
            return "The server did not answer the StartTLS request: check that the port speaks LDAP (389)."
        case .bind:
            return "The server did not answer the bind: check the domain controller's load and health, or raise "
                + "the timeout."
        case .search:
            return "The server did not finish the search in time: narrow the search base, or raise the timeout "
                + "for large directories."
        }
    }

    private static func advice(forResultCode code: Int32) -> String {
        switch code {
        case 32: return "Check that the base DN exists (noSuchObject)."
        case 50: return "Grant the connector account read access, or use an account that has it."
        case 3, 4, 11: return "Narrow the search or raise the server's limits."
        case 51, 52, 53: return "The server is busy, unavailable or unwilling; try another domain controller or retry later."
        case -7: return "Correct the search filter syntax."
        default: return "Check the request and the server's logs, then try again."
        }
    }

    private static let resultCodeNames: [Int32: String] = [
        1: "operationsError", 2: "protocolError", 3: "timeLimitExceeded", 4: "sizeLimitExceeded",
        7: "authMethodNotSupported", 8: "strongerAuthRequired", 10: "referral", 11: "adminLimitExceeded",
        12: "unavailableCriticalExtension", 13: "confidentialityRequired", 32: "noSuchObject",
        34: "invalidDNSyntax", 48: "inappropriateAuthentication", 49: "invalidCredentials",
        50: "insufficientAccessRights", 51: "busy", 52: "unavailable", 53: "unwillingToPerform",
        80: "other", -1: "serverDown", -5: "timeout", -7: "filterError", -11: "connectError",
    ]
}

/// Text for a libldap result code without touching a handle.
enum LDAPResultCode {
    static func message(_ code: Int32) -> String {
        String(cString: ldap_err2string(code))
    }
}

/// Active Directory's reason for an invalidCredentials (49) bind failure, taken from the `data XXX` part of
/// the diagnostic message (`80090308: LdapErr: DSID-0C0903A9, comment: AcceptSecurityContext error, data 52e, v1db1`).
package enum ADBindFailure: Sendable, Equatable {
    case wrongPassword  // 52e
    case userNotFound  // 525
    case logonTimeRestriction  // 530
    case workstationRestriction  // 531
    case passwordExpired  // 532
    case accountDisabled  // 533
    case accountExpired  // 701
    case mustChangePassword  // 773
    case accountLocked  // 775
    /// No AD data code, or one not listed above.
    case other(code: String?)

    /// Parses `data XXX` from an AD bind diagnostic.
    package init(diagnostic: String) {
        guard let code = Self.dataCode(in: diagnostic) else {
            self = .other(code: nil)
            return
        }
        switch code {
        case "52e": self = .wrongPassword
        case "525": self = .userNotFound
        case "530": self = .logonTimeRestriction
        case "531": self = .workstationRestriction
        case "532": self = .passwordExpired
        case "533": self = .accountDisabled
        case "701": self = .accountExpired
        case "773": self = .mustChangePassword
        case "775": self = .accountLocked
        default: self = .other(code: code)
        }
    }

    /// The AD data code, e.g. `52e`.
    package var code: String? {
        switch self {
        case .wrongPassword: "52e"
        case .userNotFound: "525"
        case .logonTimeRestriction: "530"
        case .workstationRestriction: "531"
        case .passwordExpired: "532"
        case .accountDisabled: "533"
        case .accountExpired: "701"
        case .mustChangePassword: "773"
        case .accountLocked: "775"
        case .other(let code): code
        }
    }

    var explanation: String {
        switch self {
        case .wrongPassword: "the password is wrong (Active Directory data code 52e)"
        case .userNotFound: "no such user exists (Active Directory data code 525)"
        case .logonTimeRestriction: "the account may not log on at this time of day (Active Directory data code 530)"
        case .workstationRestriction:
            "the account may not log on from this computer (Active Directory data code 531)"
        case .passwordExpired: "the account's password has expired (Active Directory data code 532)"
        case .accountDisabled: "the account is disabled (Active Directory data code 533)"
        case .accountExpired: "the account has expired (Active Directory data code 701)"
        case .mustChangePassword:
            "the account must change its password before it can log on (Active Directory data code 773)"
        case .accountLocked: "the account is locked out (Active Directory data code 775)"
        case .other(let code?): "the credentials were not accepted (Active Directory data code \(code))"
        case .other(nil): "the credentials were not accepted"
        }
    }

    var advice: String {
        switch self {
        case .wrongPassword, .other:
            "Check the bind DN and the password stored for the connector account, then try again."
        case .userNotFound:
            "Check the bind DN or user principal name of the connector account."
        case .logonTimeRestriction:
            "Remove the logon-hours restriction from the connector account, or run the check in an allowed time window."
        case .workstationRestriction:
            "Add this computer to the connector account's 'Log On To' list, or remove the restriction."
        case .passwordExpired:
            "Set a new password for the connector account (and consider 'Password never expires' for service accounts)."
        case .accountDisabled:
            "Enable the connector account in Active Directory."
        case .accountExpired:
            "Extend or clear the account expiry date of the connector account."
        case .mustChangePassword:
            "Set a new password for the connector account and clear 'User must change password at next logon'."
        case .accountLocked:
            "Wait for the lockout to end or unlock the account; find the source of the failed logons first."
        }
    }

    static func dataCode(in diagnostic: String) -> String? {
        guard let r = diagnostic.range(of: "data ") else { return nil }
        let hex = diagnostic[r.upperBound...].prefix { $0.isHexDigit }
        return hex.isEmpty ? nil : hex.lowercased()
    }
}
