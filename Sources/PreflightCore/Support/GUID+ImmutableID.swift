import Foundation

/// Entra's `onPremisesImmutableId` for objects synchronized with the default source anchor: base64 of the 16 bytes of
/// the AD object's `mS-DS-ConsistencyGuid`, else its `objectGUID`, in the order AD stores them (Data1–Data3 little-endian,
/// `windowsBytes`): https://learn.microsoft.com/entra/identity/hybrid/connect/plan-connect-design-concepts#sourceanchor
extension GUID {
    /// `GUID(windowsBytes:)` of the base64 text (`Dagiba0VU0aNn6W/1B9Sug==`); nil when it is not 16 bytes in base64 (a
    /// source anchor other than a GUID, a value typed by hand).
    package init?(immutableID text: String) {
        guard text.utf8.count == 24, let data = Data(base64Encoded: text), let guid = GUID(windowsBytes: data) else { return nil }
        self = guid
    }

    /// The immutable id Entra holds for the AD object whose source anchor is this GUID.
    package var immutableID: String { Data(windowsBytes).base64EncodedString() }
}
