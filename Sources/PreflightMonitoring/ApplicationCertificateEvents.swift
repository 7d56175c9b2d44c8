import Foundation

/// The events about the certificate of Connect Sync's application identity (app-based authentication): "Microsoft Entra
/// Connect warns if the certificate has consumed 70% or more of its lifetime … It emits an error if the certificate is
/// already expired. You can find these warnings (Event ID 1011) and errors (Event ID 1012) in the Application event log";
/// "A warning event 1014 is emitted if TPM isn't used" (learn.microsoft.com/entra/identity/hybrid/connect/authenticate-application-id;
/// MicrosoftDocs/entra-docs docs/identity/hybrid/connect/authenticate-application-id.md).
///
/// The page names the ids and the log, not the event source. UNCONFIRMED: they are matched on the Connect service's own
/// sources, ADSync and Directory Synchronization, as the catalog matches its other ADSync events.
enum ApplicationCertificateEvents {
    static let aging = 1011
    static let expired = 1012
    static let noTPM = 1014
    static let sources = [EventCatalog.adSync, "Directory Synchronization"]

    static func isConnectSource(_ event: EventRecord) -> Bool {
        sources.contains { $0.caseInsensitiveCompare(event.provider) == .orderedSame }
    }

    /// Any of the three, from a Connect source: the event-log reader keeps them beside the writeback events.
    static func isCertificateEvent(_ event: EventRecord) -> Bool {
        isConnectSource(event) && [aging, expired, noTPM].contains(event.id)
    }

    static func isAging(_ event: EventRecord) -> Bool { isConnectSource(event) && event.id == aging }
    static func isExpired(_ event: EventRecord) -> Bool { isConnectSource(event) && event.id == expired }
    static func isNoTPM(_ event: EventRecord) -> Bool { isConnectSource(event) && event.id == noTPM }

    static func name(_ event: EventRecord) -> String? {
        guard isConnectSource(event) else { return nil }
        switch event.id {
        case aging: return "application certificate at 70 % of its lifetime"
        case expired: return "application certificate expired"
        case noTPM: return "application certificate key not in a TPM"
        default: return nil
        }
    }

    static let rotation =
        "Rotate it: Connect wizard > Additional tasks > Rotate application certificate, or Invoke-ADSyncApplicationCredentialRotation "
        + "for your own certificate (BYOC/BYOA). Automatic rotation runs only while the scheduler is not suspended (Get-ADSyncScheduler)."
    static let agingAdvice = "The Entra connector's application certificate is due for rotation (event 1011). " + rotation
    static let expiredAdvice =
        "The Entra connector's application certificate expired (event 1012): Connect cannot authenticate to Microsoft Entra ID, "
        + "so sync and password writeback stop. " + rotation
}
