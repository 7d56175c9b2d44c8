import Foundation
import PreflightCore

/// Reads the user export (`inventory.users`) into a `UserTable`, recognising the layout by its header.
enum UsersExport {
    static let key = "inventory.users"

    /// How the export says a user is synchronized from AD.
    enum SyncColumn {
        /// A True/False column: `directorySynced`, `OnPremisesSyncEnabled`, `DirSyncEnabled`.
        case flag(Int, String)
        /// A column that only synchronized users fill in: `LastDirSyncTime`, `OnPremisesLastSyncDateTime`, `ImmutableId`.
        case presence(Int, String)
    }

    static let upnAliases = ["userPrincipalName", "User principal name", "UPN"]
    static let idAliases = ["id", "objectId", "Object ID"]
    /// Entra's `onPremisesImmutableId`: Graph PowerShell's, the AzureAD and MSOnline modules', the admin center list's.
    static let immutableIDAliases = ["OnPremisesImmutableId", "ImmutableId", "On-premises immutable ID"]
    static let syncFlagAliases = ["directorySynced", "OnPremisesSyncEnabled", "DirSyncEnabled", "On-premises sync enabled"]
    static let syncPresenceAliases = [
        "LastDirSyncTime", "OnPremisesLastSyncDateTime", "On-premises last sync date time", "ImmutableId",
        "OnPremisesImmutableId", "On-premises immutable ID",
    ]

    struct Result {
        package var table: UserTable
        var input: InventoryFacts.Input
        var syncColumn: String
        var enabledColumn: String?
        /// The first `listedDuplicates` duplicate UPNs, and how many there are.
        var duplicates: [String]
        var duplicateCount = 0
        var rowsWithoutUPN: Int
    }

    /// The most duplicate rows whose UPN is kept for the report (INV-001 lists each duplicated UPN once); the rest are only
    /// counted, so a file of one user repeated cannot fill the memory.
    static let listedDuplicates = 1_000_000

    static func read(_ path: String, split: CSVSplit = .standard) throws(InputFileError) -> Result {
        try open(path, split: split).read()
    }

    struct Reading: ExportReading {
        let parts: CSVParts<UserRows>
        let builder: UserTableBuilder
        let columns: CSVColumns
        let sync: SyncColumn
        let enabledColumn: Int?
        let blockedColumn: Int?
    }

    static func open(_ path: String, split: CSVSplit = .standard) throws(InputFileError) -> Reading {
        let reader = try CSVReader(path: path, key: key)
        let columns = CSVColumns(reader.header)
        guard let upnColumn = columns.index(upnAliases), let sync = syncColumn(columns) else {
            throw .unrecognised(
                path, key: key, columns, as: "user export",
                "Expected 'userPrincipalName' and a column that says whether each user is synchronized from AD: "
                    + "'directorySynced' (Entra admin center > Users > All users > Download users), 'OnPremisesSyncEnabled' "
                    + "(Get-MgUser -All -Property Id,UserPrincipalName,AccountEnabled,OnPremisesSyncEnabled | Export-Csv "
                    + "users.csv -NoTypeInformation), or 'DirSyncEnabled', 'LastDirSyncTime' or 'ImmutableId' (the AzureAD and "
                    + "MSOnline modules). Export the users again with one of these.")
        }
        let idColumn = columns.index(idAliases)
        let immutableIDColumn = columns.index(immutableIDAliases)
        let enabledColumn = columns.index(["accountEnabled", "Account enabled"])
        let blockedColumn = enabledColumn == nil ? columns.index(["BlockCredential", "Block credential"]) : nil
        let names = columns.names
        let fileBytes = (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? nil
        let builder = UserTableBuilder(path: path, fileBytes: fileBytes ?? 0)
        let body: CSVParts<UserRows>.Body = { reader throws(InputFileError) -> UserRows in
            var rows = UserRows()
            let first = reader.bytesRead
            while try reader.nextRow() {
                let upn = FieldValue.trimmed(reader.field(upnColumn))
                guard !upn.isEmpty else {
                    rows.withoutUPN += 1
                    continue
                }
                var flags: UserTable.Flags = []
                switch sync {
                case .flag(let index, let name):
                    switch FieldValue.flag(reader.field(index)) {
                    case .yes: flags.insert(.synced)
                    case .no, .empty: break
                    case .unrecognised: throw notAFlag(reader, index, name)
                    }
                case .presence(let index, _):
                    if !FieldValue.trimmed(reader.field(index)).isEmpty { flags.insert(.synced) }
                }
                if let index = enabledColumn ?? blockedColumn {
                    switch FieldValue.flag(reader.field(index)) {
                    case .yes: if enabledColumn != nil { flags.insert(.enabled) }
                    case .no: if blockedColumn != nil { flags.insert(.enabled) }
                    case .empty:
                        flags.formUnion([.enabled, .enabledUnknown])
                        rows.enabledEmpty += 1
                    case .unrecognised: throw notAFlag(reader, index, names[index])
                    }
                } else {
                    flags.formUnion([.enabled, .enabledUnknown])
                }
                rows.append(
                    upn: upn, id: idColumn.flatMap { GUID(reader.field($0)) },
                    immutableID: immutableIDColumn.flatMap { ImmutableID(reader.field($0)) }, flags: flags)
            }
            rows.bytes = reader.bytesRead - first
            return rows
        }
        let parts = try CSVParts(reader, split: split, body: body) { rows throws(InputFileError) in try builder.add(rows) }
        return Reading(
            parts: parts, builder: builder, columns: columns, sync: sync, enabledColumn: enabledColumn,
            blockedColumn: blockedColumn)
    }
}

extension UsersExport.Reading {
    /// Adds the parts' users not added yet to the table.
    func finish() throws(InputFileError) -> UsersExport.Result {
        let key = UsersExport.key
        try parts.finish()
        let table = builder.table
        let reader = parts.header
        let rowCount = parts.rowCount
        var input = InventoryFacts.Input(key: key, format: UsersExport.format(sync, columns), rows: rowCount, reader: reader)
        if enabledColumn == nil && blockedColumn == nil {
            input.notes.append(
                "No 'accountEnabled' column: every user counts as enabled, and disabled accounts cannot be told apart.")
        }
        let syncName: String
        switch sync {
        case .flag(_, let name): syncName = name
        case .presence(_, let name):
            syncName = name
            input.notes.append("Synchronized users are those with a value in '\(name)' (the export has no True/False sync column).")
        }
        if builder.syncedCount == 0 && table.count > 0 {
            input.notes.append(
                "No user is marked as synchronized in '\(syncName)'. If the tenant does synchronize from AD, the column was not "
                    + "exported: Get-MgUser returns OnPremisesSyncEnabled only when it is named in -Property.")
        }
        if builder.enabledEmpty > 0 && builder.enabledEmpty == rowCount - builder.rowsWithoutUPN, let index = enabledColumn ?? blockedColumn {
            input.notes.append(
                "'\(columns.names[index])' is empty for every user, so every user counts as enabled. Get-MgUser returns AccountEnabled "
                    + "only when it is named in -Property.")
        }
        return UsersExport.Result(
            table: table, input: input, syncColumn: syncName,
            enabledColumn: (enabledColumn ?? blockedColumn).map { columns.names[$0] }, duplicates: builder.duplicates,
            duplicateCount: builder.duplicateCount, rowsWithoutUPN: builder.rowsWithoutUPN)
    }
}

extension UsersExport {
    static func syncColumn(_ columns: CSVColumns) -> SyncColumn? {
        for alias in syncFlagAliases {
            if let index = columns.index([alias]) { return .flag(index, columns.names[index]) }
        }
        for alias in syncPresenceAliases {
            if let index = columns.index([alias]) { return .presence(index, columns.names[index]) }
        }
        return nil
    }

    static func format(_ sync: SyncColumn, _ columns: CSVColumns) -> String {
        let name: String
        switch sync {
        case .flag(_, let column), .presence(_, let column): name = CSVColumns.key(column)
        }
        switch name {
        case "directorysynced": return "Entra admin center \"Download users\""
        case "onpremisessyncenabled":
            return columns.names.contains { $0.first?.isUppercase == true } && !columns.names.contains("On-premises sync enabled")
                ? "Microsoft Graph PowerShell (Get-MgUser)" : "Entra admin center user list"
        case "dirsyncenabled":
            return columns.has("Licenses") || columns.has("Block credential")
                ? "Microsoft 365 admin center \"Export users\"" : "AzureAD module (Get-AzureADUser)"
        case "lastdirsynctime": return "MSOnline module (Get-MsolUser)"
        default: return "user export (synchronization from '\(columns.names.first { CSVColumns.key($0) == name } ?? name)')"
        }
    }

    static func notAFlag(_ reader: CSVReader, _ index: Int, _ column: String) -> InputFileError {
        reader.error(
            field: index,
            "the '\(column)' column holds '\(reader.string(index))', which is not True or False (expected True, False, "
                + "1, 0 or empty). Export the users again without editing the file.")
    }
}
