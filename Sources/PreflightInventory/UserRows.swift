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
    private(set) var immutableIDs = ImmutableIDColumn()
    /// Rows with an empty UPN: not users.
    var withoutUPN = 0
    /// Rows whose enabled column was empty.
    var enabledEmpty = 0
    /// UTF-8 bytes the part's rows took.
    var bytes = 0

    var count: Int { flags.count }

    mutating func append(upn: UnsafeBufferPointer<UInt8>, id: GUID?, immutableID: ImmutableID? = nil, flags userFlags: UserTable.Flags) {
        immutableIDs.set(immutableID, row: flags.count)
        upnBytes.append(contentsOf: upn)
        upnEnds.append(upnBytes.count)
        hashes.append(UserTable.hash(upn))
        ids.append(id ?? GUID(high: 0, low: 0))
        flags.append(userFlags)
    }

    /// Calls `body` with each user in order: its UPN's bytes (valid during the call), hash, id, immutable id and flags.
    func forEach<E: Error>(
        _ body: (UnsafeBufferPointer<UInt8>, UInt64, GUID?, ImmutableID?, UserTable.Flags) throws(E) -> Void
    ) throws(E) {
        try upnBytes.withUnsafeBufferPointer { bytes throws(E) in
            var start = 0
            for index in 0..<flags.count {
                let id = ids[index]
                try body(
                    UnsafeBufferPointer(rebasing: bytes[start..<upnEnds[index]]), hashes[index],
                    id == GUID(high: 0, low: 0) ? nil : id, immutableIDs[index], flags[index])
                start = upnEnds[index]
            }
        }
    }
}

/// Adds the parts' users to the table in file order: `CSVParts`' merge, called one part at a time.
final class UserTableBuilder: @unchecked Sendable {
    let path: String
    /// The file's size, to size the table from the first part's bytes per user.
    let fileBytes: Int
    private(set) var table = UserTable()
    /// The first `UsersExport.listedDuplicates` duplicate UPNs, and how many there are.
    private(set) var duplicates: [String] = []
    private(set) var duplicateCount = 0
    private(set) var rowsWithoutUPN = 0
    private(set) var syncedCount = 0
    private(set) var enabledEmpty = 0

    init(path: String, fileBytes: Int) {
        self.path = path
        self.fileBytes = fileBytes
    }

    func add(_ rows: UserRows) throws(InputFileError) {
        if table.count == 0 && rows.count > 0 {
            // At most 4 million users ahead (about 100 MB of indexes): a file whose first rows are short and whose rest
            // is one huge line must not reserve gigabytes before its line is refused. Larger tenants grow.
            table.reserve(users: min(4_000_000, fileBytes / max(1, rows.bytes / rows.count) + 1000))
        }
        rowsWithoutUPN += rows.withoutUPN
        enabledEmpty += rows.enabledEmpty
        try rows.forEach { (upn, hash, id, immutableID, flags) throws(InputFileError) in
            guard table.hasRoom(forUPN: upn.count) else {
                throw InputFileError(
                    "'\(path)' (named by '\(UsersExport.key)') holds more users than preflight can index (4 GiB of user "
                        + "principal names or 2,147,483,646 users, a hundred times the largest tenant). Name the users export "
                        + "itself, not several joined.")
            }
            if table.add(upn: upn, hash: hash, id: id, immutableID: immutableID, flags: flags) == nil {
                // The first ones are listed; a file of one user repeated must not keep every copy.
                if duplicates.count < UsersExport.listedDuplicates { duplicates.append(String(decoding: upn, as: UTF8.self)) }
                duplicateCount += 1
            } else if flags.contains(.synced) {
                syncedCount += 1
            }
        }
    }
}
