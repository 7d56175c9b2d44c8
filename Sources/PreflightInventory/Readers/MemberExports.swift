import PreflightCore

/// The two exports that mark users of the table: SSPR registration details and the scope group's members.
enum MemberExports {
    /// Finds the user a row is about: by UPN when the export has one, else by object id.
    struct UserKey {
        var upn: Int?
        var id: Int?

        init?(_ columns: CSVColumns, idAliases: [String]) {
            upn = columns.index(UsersExport.upnAliases)
            id = columns.index(idAliases)
            if upn == nil && id == nil { return nil }
        }

        /// `hint`: the last user found (`UserTable.find(upn:hint:)`).
        func user(in reader: CSVReader, _ table: UserTable, hint: inout Int) -> Int? {
            if let upn {
                let field = FieldValue.trimmed(reader.field(upn))
                if !field.isEmpty { return table.find(upn: field, hint: &hint) }
            }
            if let id, let guid = GUID(reader.field(id)) { return table.find(id: guid) }
            return nil
        }

        func label(in reader: CSVReader) -> String {
            if let upn, !FieldValue.trimmed(reader.field(upn)).isEmpty { return FieldValue.string(reader.field(upn)) }
            return id.map { FieldValue.string(reader.field($0)) } ?? ""
        }
    }

    /// Opens a member export: its reader, its columns and the columns that find each row's user (nil when it has none).
    private static func header(_ path: String, key: String, idAliases: [String]) throws(InputFileError) -> (CSVReader, CSVColumns, UserKey?) {
        let reader = try CSVReader(path: path, key: key)
        let columns = CSVColumns(reader.header)
        return (reader, columns, UserKey(columns, idAliases: idAliases))
    }

    // MARK: Registration

    static let registrationKey = "inventory.registration"

    struct RegistrationResult: Sendable {
        var input: InventoryFacts.Input
        /// Per user of the table: `.seen`, and `.yes` when registered for SSPR.
        var marks: [UserTable.Marks]
        var matched: Int
        var other: Int
    }

    /// What one part of the registration export recorded.
    struct RegistrationRows: Sendable {
        var marked = MarkedRows()
        var other = 0
    }

    /// Reads isSsprRegistered / "SSPR Registered" for the users of the table.
    static func readRegistration(
        _ path: String, table: UserTable, split: CSVSplit = .standard
    ) throws(InputFileError) -> RegistrationResult {
        try openRegistration(path, table: table, split: split).read()
    }

    /// A member export's parts and the table its rows mark, merged by `merge` (`finishRegistration`, `finishScopeGroup`).
    struct Reading<Part: Sendable, Output>: ExportReading {
        let parts: CSVParts<Part>
        let table: UserTable
        let merge: (CSVParts<Part>, UserTable) throws(InputFileError) -> Output
        func finish() throws(InputFileError) -> Output { try merge(parts, table) }
    }

    typealias RegistrationReading = Reading<RegistrationRows, RegistrationResult>

    static func openRegistration(
        _ path: String, table: UserTable, split: CSVSplit = .standard
    ) throws(InputFileError) -> RegistrationReading {
        let (reader, columns, key) = try header(path, key: registrationKey, idAliases: ["id", "Object ID"])
        guard let key, let registered = columns.index(["isSsprRegistered", "SSPR Registered"]) else {
            throw .unrecognised(
                path, key: registrationKey, columns, as: "user registration details export",
                "Expected 'userPrincipalName' (or 'id') and 'isSsprRegistered' (Graph "
                    + "userRegistrationDetails) or 'User principal name' and 'SSPR Registered' (Entra admin center > Protection > "
                    + "Authentication methods > User registration details > Download).")
        }
        let parts = try CSVParts(reader, split: split) { reader throws(InputFileError) -> RegistrationRows in
            var rows = RegistrationRows()
            var hint = 0
            while try reader.nextRow() {
                guard let user = key.user(in: reader, table, hint: &hint) else {
                    rows.other += 1
                    continue
                }
                switch FieldValue.flag(reader.field(registered)) {
                case .yes: rows.marked.mark(user, [.seen, .yes])
                case .no, .empty: rows.marked.mark(user, .seen)
                case .unrecognised:
                    throw reader.error(
                        field: registered,
                        "'\(reader.columnName(registered))' holds '\(reader.string(registered))', which is neither registered "
                            + "nor not registered (expected True/False or Registered/Not Registered). Download the report again.")
                }
            }
            return rows
        }
        return RegistrationReading(parts: parts, table: table, merge: finishRegistration)
    }

    /// Merges the parts in file order, once every task has run (else reads them here).
    static func finishRegistration(
        _ parts: CSVParts<RegistrationRows>, table: UserTable
    ) throws(InputFileError) -> RegistrationResult {
        let reader = parts.header
        let path = reader.path
        var matched = 0
        var other = 0
        var marks = table.emptyMarks()
        for part in try parts.merged() {
            matched += marks.apply(part.marked)
            other += part.other
        }
        guard parts.rowCount == 0 || matched > 0 else {
            throw InputFileError(
                "None of the \(parts.rowCount) rows of '\(path)' (named by '\(registrationKey)') names a user of the users export. "
                    + "Are both exports from the same tenant? Export them again together.")
        }
        let columns = CSVColumns(reader.header)
        var input = InventoryFacts.Input(
            key: registrationKey,
            format: columns.has("isSsprRegistered") ? "Graph userRegistrationDetails" : "Entra admin center \"User registration details\"",
            rows: parts.rowCount, reader: reader)
        if other > 0 { input.notes.append("\(Plural.count(other, "row")) \(Plural.verb(other, "names a user that is", "name users that are")) not in the users export; ignored.") }
        return RegistrationResult(input: input, marks: marks, matched: matched, other: other)
    }

    // MARK: Scope group

    static let scopeKey = "inventory.scopeGroup"

    struct ScopeResult: Sendable {
        var input: InventoryFacts.Input
        /// Per user of the table: `.seen` when a member.
        var marks: [UserTable.Marks]
        var notInUsers: [String]
        var nestedGroups: Int
    }

    /// What one part of the group export recorded.
    struct ScopeRows: Sendable {
        var marked = MarkedRows()
        var notInUsers: [String] = []
        var nestedGroups = 0
    }

    /// Reads which users of the table the group export lists.
    static func readScopeGroup(_ path: String, table: UserTable, split: CSVSplit = .standard) throws(InputFileError) -> ScopeResult {
        try openScopeGroup(path, table: table, split: split).read()
    }

    typealias ScopeReading = Reading<ScopeRows, ScopeResult>

    static func openScopeGroup(
        _ path: String, table: UserTable, split: CSVSplit = .standard
    ) throws(InputFileError) -> ScopeReading {
        let (reader, columns, key) = try header(path, key: scopeKey, idAliases: ["id", "objectId", "Object ID"])
        guard let key else {
            throw .unrecognised(
                path, key: scopeKey, columns, as: "group member export",
                "Expected 'userPrincipalName' and/or 'id' (Entra admin center > Groups > the group > "
                    + "Members > Download, or Get-MgGroupMember -GroupId <id> -All | Select-Object Id, "
                    + "@{n='UserPrincipalName'; e={$_.AdditionalProperties.userPrincipalName}} | Export-Csv scope.csv -NoTypeInformation).")
        }
        let typeColumn = columns.index(["@odata.type", "odataType", "objectType", "Object type"])
        let parts = try CSVParts(reader, split: split) { reader throws(InputFileError) -> ScopeRows in
            var rows = ScopeRows()
            var hint = 0
            while try reader.nextRow() {
                if let typeColumn, FieldValue.string(reader.field(typeColumn)).lowercased().hasSuffix("group") {
                    rows.nestedGroups += 1
                    continue
                }
                if let user = key.user(in: reader, table, hint: &hint) {
                    rows.marked.mark(user, .seen)
                } else {
                    let label = key.label(in: reader)
                    if !label.isEmpty { rows.notInUsers.append(label) }
                }
            }
            return rows
        }
        return ScopeReading(parts: parts, table: table, merge: finishScopeGroup)
    }

    /// Merges the parts in file order, once every task has run (else reads them here).
    static func finishScopeGroup(_ parts: CSVParts<ScopeRows>, table: UserTable) throws(InputFileError) -> ScopeResult {
        var notInUsers: [String] = []
        var nestedGroups = 0
        var marks = table.emptyMarks()
        for part in try parts.merged() {
            _ = marks.apply(part.marked)
            notInUsers += part.notInUsers
            nestedGroups += part.nestedGroups
        }
        let reader = parts.header
        var input = InventoryFacts.Input(key: scopeKey, format: "group members", rows: parts.rowCount, reader: reader)
        if nestedGroups > 0 {
            input.notes.append(
                "\(Plural.count(nestedGroups, "member")) \(Plural.verb(nestedGroups, "is a group; its", "are groups; their")) members are not expanded (export the nested groups' members into the same file).")
        }
        return ScopeResult(input: input, marks: marks, notInUsers: notInUsers, nestedGroups: nestedGroups)
    }
}
