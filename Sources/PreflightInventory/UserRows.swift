import PreflightCore

/// The users of one part of the users export, in file order, as `UsersExport` reads them on any thread: compact
/// (the UPN's bytes back to back, its hash, the object id, the flags) until they are added to the `UserTable` in file
/// order, which keeps the first of duplicate UPNs as a sequential reading would.
struct UserRows: Sendable {
    private(set) var upnBytes: [UInt8] = []
    private(set) var upnEnds: [Int] = []
    private(set) var hashes: [UInt64] = []
    /// The object id, or all zeros when the row has none (as in `UserTable`).
    private(set) var ids: [GUID] = []
    private(set) var flags: [UserTable.Flags] = []
    /// Rows with an empty UPN: not users.
    var withoutUPN = 0
    /// Rows whose enabled column was empty.
    var enabledEmpty = 0

    var count: Int { flags.count }

    mutating func append(upn: UnsafeBufferPointer<UInt8>, id: GUID?, flags userFlags: UserTable.Flags) {
        upnBytes.append(contentsOf: upn)
        upnEnds.append(upnBytes.count)
        hashes.append(UserTable.hash(upn))
        ids.append(id ?? GUID(high: 0, low: 0))
        flags.append(userFlags)
    }

    /// Calls `body` with each user in order: its UPN's bytes (valid during the call), hash, id and flags.
    func forEach<E: Error>(
        _ body: (UnsafeBufferPointer<UInt8>, UInt64, GUID?, UserTable.Flags) throws(E) -> Void
    ) throws(E) {
        try upnBytes.withUnsafeBufferPointer { bytes throws(E) in
            var start = 0
            for index in 0..<flags.count {
                let id = ids[index]
                try body(
                    UnsafeBufferPointer(rebasing: bytes[start..<upnEnds[index]]), hashes[index],
                    id == GUID(high: 0, low: 0) ? nil : id, flags[index])
                start = upnEnds[index]
            }
        }
    }
}
