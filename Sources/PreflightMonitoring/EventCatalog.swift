import Foundation
import PreflightCore

/// The events password writeback writes to the Connect server's Application log, with Microsoft's names
/// and what each means for the checks (learn.microsoft.com/entra/identity/authentication/troubleshoot-sspr-writeback,
/// "Password writeback event log error codes").
enum EventCatalog {
    static let passwordResetService = "PasswordResetService"
    static let adSync = "ADSync"
    static let heartbeat = 31019

    static let names: [Int: String] = [
        31001: "PasswordResetStart", 31002: "PasswordResetSuccess", 31003: "PasswordResetFail", 31004: "OnboardingEventStart",
        31005: "OnboardingEventSuccess", 31006: "ChangePasswordStart", 31007: "ChangePasswordSuccess", 31008: "ChangePasswordFail",
        31009: "ResetUserPasswordByAdminStart", 31010: "ResetUserPasswordByAdminSuccess", 31011: "ResetUserPasswordByAdminFail",
        31012: "OffboardingEventStart", 31013: "OffboardingEventSuccess", 31014: "OffboardingEventFail",
        31015: "WriteBackServiceStarted", 31016: "WriteBackServiceStopped", 31017: "AuthTokenSuccess",
        31018: "KeyPairCreationSuccess", 31019: "ServiceBusHeartBeat", 31034: "ServiceBusListenerError", 31044: "PasswordResetService",
        32000: "UnknownError", 32001: "ServiceError", 32002: "ServiceBusError", 32003: "InPutValidationError",
        32004: "DecryptionError", 32005: "ConfigurationError", 32007: "OnBoardingConfigUpdateError", 32008: "ValidationError",
        32009: "AuthTokenError", 32010: "CryptoError", 32011: "OnBoardingServiceError", 32013: "OffBoardingError",
        32014: "ServiceBusWarning", 32015: "ReportServiceHealthError",
        33001: "ADUnKnownError", 33002: "ADUserNotFoundError", 33003: "ADMutliMatchError", 33004: "ADPermissionsError",
        33005: "ADUserAccountDisabled", 33006: "ADUserAccountLockedOut", 33007: "ADUserIncorrectPassword",
        33008: "ADPasswordPolicyError", 33009: "ADConfigurationError",
    ]

    static func name(_ event: EventRecord) -> String {
        if let name = ApplicationCertificateEvents.name(event) { return name }
        if event.provider.caseInsensitiveCompare(adSync) == .orderedSame {
            switch event.id {
            case 6329: return "password set error (ADSync)"
            case 6800: return "writeback endpoint failed to start (ADSync)"
            default: return "ADSync"
            }
        }
        return names[event.id] ?? (event.id / 1000 == 32 ? "service error" : event.id / 1000 == 33 ? "Active Directory error" : "event")
    }

    /// "PasswordResetService 33004" or "ADSync 6329": the key MON-002/MON-003 group by and name as target.
    static func key(_ event: EventRecord) -> String { "\(event.provider) \(event.id)" }

    static func isPasswordResetService(_ event: EventRecord) -> Bool {
        event.provider.caseInsensitiveCompare(passwordResetService) == .orderedSame
    }

    static func isADSync(_ event: EventRecord) -> Bool { event.provider.caseInsensitiveCompare(adSync) == .orderedSame }

    // MARK: MON-002: the service side

    /// 32xxx, the listener errors 31034/31044, a failed offboarding, ADSync 6800 (the endpoint did not start), and the
    /// application certificate's 1011 (70 % of its lifetime used) and 1012 (expired).
    static func isServiceError(_ event: EventRecord) -> Bool {
        if ApplicationCertificateEvents.isAging(event) || ApplicationCertificateEvents.isExpired(event) { return true }
        if isADSync(event) { return event.id == 6800 }
        guard isPasswordResetService(event) else { return false }
        return event.id / 1000 == 32 || [31014, 31034, 31044].contains(event.id)
    }

    /// 32014 says the service had to retry Service Bus, 1011 that the certificate is due for rotation: worth a look, not an outage.
    static func serviceErrorStatus(_ event: EventRecord) -> CheckStatus {
        event.id == 32014 || ApplicationCertificateEvents.isAging(event) ? .warn : .fail
    }

    static func serviceAdvice(_ id: Int) -> String {
        switch id {
        case 32002, 32011, 32013, 32014, 31034, 31044:
            return "Allow outbound HTTPS (443) from the Connect server to *.servicebus.windows.net and *.passwordreset.microsoftonline.com "
                + "(the network checks probe them), install the current root CAs, then restart the ADSync service."
        case 32009: return "Re-run the Connect wizard with a correct, non-federated Hybrid Administrator account."
        case 32004, 32005, 32007, 32008, 32010:
            return "Disable and re-enable password writeback in the Connect wizard (Optional features)."
        case 6800: return "Restart the ADSync service; if 6800 returns, disable and re-enable password writeback."
        case ApplicationCertificateEvents.aging: return ApplicationCertificateEvents.agingAdvice
        case ApplicationCertificateEvents.expired: return ApplicationCertificateEvents.expiredAdvice
        default: return "Read the event text; disable and re-enable password writeback, and include the tracking id in a support case."
        }
    }

    // MARK: MON-003: the Active Directory side

    static func isADError(_ event: EventRecord) -> Bool {
        if isADSync(event) { return event.id == 6329 }
        return isPasswordResetService(event) && event.id / 1000 == 33
    }

    /// User-side outcomes (a disabled or locked account, a wrong current password, a password the domain's
    /// policy refuses) warn; configuration errors (permissions, unknown user, multiple matches, AD configuration) fail.
    static func adErrorStatus(_ event: EventRecord) -> CheckStatus {
        if isADSync(event) {
            let text = event.message.lowercased()
            return text.contains("0x80230619") || text.contains("restriction prevents the password") ? .warn : .fail
        }
        return [33005, 33006, 33007, 33008].contains(event.id) ? .warn : .fail
    }

    static func adAdvice(_ event: EventRecord) -> String {
        if isADSync(event) {
            let text = event.message.lowercased()
            if text.contains("policy control") {
                return "The DC lacks the LDAP password-policy-hints control (AD-011): run writeback against Windows Server 2016 or later DCs."
            }
            if text.contains("0x8023061f") {
                return "A forest was added after writeback was enabled: disable and re-enable password writeback."
            }
            if text.contains("0x80230619") || text.contains("restriction prevents") {
                return "The password broke the domain's age, history or complexity rules (AD-010 checks the minimum age)."
            }
            if ["access_denied", "access denied", "access is denied", "denied access"].contains(where: text.contains) {
                return "The DC refused the connector account (ERROR_ACCESS_DENIED): the paired 33xxx event and AD-003 to AD-005 show the "
                    + "permissions; when they are fine, RestrictRemoteSAM on the DCs shuts it out of NetUserGetInfo (SSPR_0029, AD-016 checks it)."
            }
            return "The connector account was refused or the set failed; see the paired 33xxx event, AD-003 to AD-005, "
                + "and AD-016 (RestrictRemoteSAM on the DCs, SSPR_0029)."
        }
        switch event.id {
        case 33004:
            return "Grant the connector account Reset Password on the user (AD-003 shows how); 33004 also occurs for adminCount=1 users."
        case 33002: return "The user is not in Active Directory (deleted on-premises?) or not synced by this server."
        case 33003: return "Two enabled accounts share the cloud anchor: one person enabled in two forests is not supported."
        case 33005: return "The account is disabled on-premises."
        case 33006: return "The account is locked out on-premises."
        case 33007: return "The user typed a wrong current password."
        case 33008: return "The password broke the domain's age, history or complexity rules (AD-010 checks the minimum age)."
        case 33009: return "Read the ADSync events beside it for the configuration problem."
        default: return "Read the ADSync events beside it for the cause."
        }
    }

    // MARK: Reading the message text

    /// `TrackingId: 7344da2c-…,` at the start of PasswordResetService messages.
    static func trackingID(_ message: String) -> String? {
        guard let range = message.range(of: #"TrackingId:\s*[0-9A-Fa-f-]{8,}"#, options: .regularExpression) else { return nil }
        return String(message[range].drop { $0 != ":" }.dropFirst()).trimmingCharacters(in: .whitespaces).lowercased()
    }

    /// The user a message names: `UserPrincipalName: x@y` (33xxx), `Details: x@y` (31001/31006/31009), a DN,
    /// or any address-like token; nil when it names none.
    static func user(in message: String) -> String? {
        for pattern in [#"UserPrincipalName:\s*[^\s,]+"#, #"Details:\s*[^\s,]+@[^\s,]+"#] {
            if let range = message.range(of: pattern, options: .regularExpression) {
                let value = message[range].drop { $0 != ":" }.dropFirst().trimmingCharacters(in: .whitespaces)
                if !value.isEmpty { return value }
            }
        }
        if let range = message.range(of: #"CN=[^,\r\n]+(,(OU|CN|DC)=[^,\r\n]+)*,DC=[A-Za-z0-9-]+"#, options: .regularExpression) {
            return String(message[range])
        }
        if let range = message.range(of: #"[A-Za-z0-9._%+'-]+@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+"#, options: .regularExpression) {
            return String(message[range])
        }
        return nil
    }

    /// The Service Bus relay a heartbeat or listener event names: a `*.servicebus.*` host, else an
    /// `ssprdedicatedsb…` listener name (the doc's example: ssprdedicatedsbprodfra-1). The event's exact text is
    /// not published (the doc shows a screenshot), so only these tokens are relied on.
    static func namespace(in message: String) -> String? {
        let host = #"[A-Za-z0-9][A-Za-z0-9-]*\.servicebus\.(windows\.net|usgovcloudapi\.net|chinacloudapi\.cn)"#
        if let range = message.range(of: host, options: .regularExpression) {
            return String(message[range].prefix { $0 != "." }).lowercased()
        }
        if let range = message.range(of: #"ssprdedicatedsb[A-Za-z0-9-]+"#, options: [.regularExpression, .caseInsensitive]) {
            return String(message[range]).lowercased()
        }
        return nil
    }

    /// A message on one line (ADSync puts the hr code on its second line), shortened, for tables and findings.
    static func excerpt(_ message: String, limit: Int = 220) -> String {
        let flat = message.split(whereSeparator: { $0.isNewline || $0 == " " || $0 == "\t" }).joined(separator: " ")
        return flat.count <= limit ? flat : String(flat.prefix(limit)) + "…"
    }
}
