import Foundation
import PreflightCore

/// Reads per-user licence assignments (`inventory.licenses`) and marks each user of the table licensed (an enabled
/// P1/P2 plan), or unknown (a SKU the licensing table does not know). Three layouts:
/// - flattened Graph export: one row per user and SKU, `SkuId` and/or `SkuPartNumber`, optional `DisabledPlans`;
/// - Microsoft 365 admin center "Export users": `Licenses` with product names joined by `+`;
/// - `AssignedLicenses` holding Graph JSON (`[{"skuId": …, "disabledPlans": […]}]`).
enum LicenseExport {
    /// Distinct cells whose reading is remembered.
    static let cachedCells = 10_000

    static let key = "inventory.licenses"

    enum Layout {
        case flattened(sku: Int?, part: Int?, disabled: Int?)
        case productNames(Int)
        case assignedJSON(Int)
    }

    /// What one row (or one distinct cell value) contributes to its user.
    struct RowOutcome {
        var premium = false
        var premiumDisabled = false
        var unknown: [String] = []
    }

    struct Result: Sendable {
        var input: InventoryFacts.Input
        var licensing: InventoryFacts.Licensing
        /// Per user of the table: `.yes` = an enabled P1/P2 plan, `.premiumDisabled`, `.unknown`.
        var marks: [UserTable.Marks]
        /// Users (table rows) with an unresolved SKU or product name, and what it was.
        var unknownByUser: [Int: [String]]
    }

    /// What one part of the export recorded, merged in file order by `Reading.finish()`.
    struct Rows: Sendable {
        var marked = MarkedRows()
        /// Rows with unresolved SKUs or product names: the table user and what was unresolved, in file order.
        var unknown: [(user: Int, names: [String])] = []
        var rowsForOtherUsers = 0
    }

    static func read(
        _ path: String, table: UserTable, catalog: SkuCatalog, split: CSVSplit = .standard
    ) throws(InputFileError) -> Result {
        try open(path, table: table, catalog: catalog, split: split).read()
    }

    struct Reading: ExportReading {
        let path: String
        let parts: CSVParts<Rows>
        let table: UserTable
        let format: String
        let disabledVisible: Bool
        let matchedBy: String
    }

    static func open(
        _ path: String, table: UserTable, catalog: SkuCatalog, split: CSVSplit = .standard
    ) throws(InputFileError) -> Reading {
        let reader = try CSVReader(path: path, key: key)
        let columns = CSVColumns(reader.header)
        let layout = try recognise(columns, path: path)
        let upnColumn = columns.index(UsersExport.upnAliases)
        let idColumn = upnColumn == nil ? columns.index(["UserId", "Id", "ObjectId", "Object ID"]) : nil
        guard upnColumn != nil || idColumn != nil else {
            throw InputFileError(
                "'\(path)' (named by '\(key)') does not say which user each row belongs to: its columns are \(columns.listed), "
                    + "but a 'UserPrincipalName' (or 'UserId') column is needed. Export the licences again with the user's UPN "
                    + "in each row (see the inventory section of docs/collecting-exports.md).")
        }

        var format: String
        var disabledVisible = true
        switch layout {
        case .flattened(_, _, let disabled):
            format = "flattened Graph licence export (one row per user and SKU)"
            disabledVisible = disabled != nil
        case .productNames:
            format = "Microsoft 365 admin center \"Export users\" (Licenses column)"
            disabledVisible = false
        case .assignedJSON:
            format = "AssignedLicenses as Graph JSON"
        }
        let parts = try CSVParts(reader, split: split) { reader throws(InputFileError) -> Rows in
            var rows = Rows()
            // Real exports repeat a few dozen distinct cells; a file of distinct ones must not be kept whole.
            var cellCache: [String: RowOutcome] = [:]
            var rowCache: [RowKey: RowOutcome] = [:]
            var hint = 0
            while try reader.nextRow() {
                let user: Int?
                if let upnColumn {
                    user = table.find(upn: FieldValue.trimmed(reader.field(upnColumn)), hint: &hint)
                } else {
                    // The layout check above requires a UPN or an id column.
                    user = idColumn.flatMap { GUID(reader.field($0)) }.flatMap { table.find(id: $0) }
                }
                guard let user else {
                    rows.rowsForOtherUsers += 1
                    continue
                }
                let outcome = try self.outcome(reader, layout, catalog: catalog, cache: &cellCache, rowCache: &rowCache)
                var marks: UserTable.Marks = .seen
                if outcome.premium { marks.insert(.yes) }
                if outcome.premiumDisabled { marks.insert(.premiumDisabled) }
                if !outcome.unknown.isEmpty {
                    marks.insert(.unknown)
                    rows.unknown.append((user, outcome.unknown))
                }
                rows.marked.mark(user, marks)
            }
            return rows
        }
        return Reading(
            path: path, parts: parts, table: table, format: format, disabledVisible: disabledVisible,
            matchedBy: upnColumn != nil ? "UPN" : "user id")
    }

    /// The cells of a flattened row that decide its outcome, hashed a word at a time (`Hasher` takes an array's
    /// bytes one by one: a tenth of the benchmark's time, measured with perf).
    struct RowKey: Hashable {
        var bytes: [UInt8]
        func hash(into hasher: inout Hasher) { hasher.combine(bytes.withUnsafeBufferPointer { UPNKey.hash($0) }) }
    }

    /// What the row contributes to its user, reading a distinct cell (or, flattened, a distinct SkuId, SkuPartNumber
    /// and DisabledPlans) once: parsing the GUIDs of every row was a tenth of the 1,000,000-user benchmark.
    private static func outcome(
        _ reader: CSVReader, _ layout: Layout, catalog: SkuCatalog, cache: inout [String: RowOutcome],
        rowCache: inout [RowKey: RowOutcome]
    ) throws(InputFileError) -> RowOutcome {
        let outcome: RowOutcome
        switch layout {
        case .flattened(let skuColumn, let partColumn, let disabledColumn):
            // Each cell with its length first, so that no two different rows make the same key.
            var key: [UInt8] = []
            for column in [skuColumn, partColumn, disabledColumn] {
                let field = column.map { reader.field($0) } ?? UnsafeBufferPointer(start: nil, count: 0)
                withUnsafeBytes(of: UInt32(truncatingIfNeeded: field.count)) { key.append(contentsOf: $0) }
                key.append(contentsOf: field)
            }
            if let cached = rowCache[RowKey(bytes: key)] { return cached }
            outcome = try flattenedRow(reader, skuColumn, partColumn, disabledColumn, catalog: catalog)
            if rowCache.count < Self.cachedCells { rowCache[RowKey(bytes: key)] = outcome }
        case .productNames(let column):
            let value = reader.string(column)
            if let cached = cache[value] { return cached }
            outcome = productNames(value, catalog: catalog)
            if cache.count < Self.cachedCells { cache[value] = outcome }
        case .assignedJSON(let column):
            if FieldValue.isTypeName(reader.field(column)) { throw typeNameError(reader, column) }
            let value = reader.string(column)
            if let cached = cache[value] { return cached }
            if !looksLikeJSON(value) {
                // The portal's "Assigned licenses" column holds product names, not JSON.
                outcome = productNames(value, catalog: catalog)
            } else {
                outcome = try assignedJSON(value, reader: reader, column: column, catalog: catalog)
            }
            if cache.count < Self.cachedCells { cache[value] = outcome }
        }
        return outcome
    }

    static func recognise(_ columns: CSVColumns, path: String) throws(InputFileError) -> Layout {
        if let column = columns.index(["Licenses"]) { return .productNames(column) }
        if let column = columns.index(["AssignedLicenses"]) { return .assignedJSON(column) }
        let sku = columns.index(["SkuId"])
        let part = columns.index(["SkuPartNumber"])
        if sku != nil || part != nil {
            return .flattened(sku: sku, part: part, disabled: columns.index(["DisabledPlans"]))
        }
        throw .unrecognised(
            path, key: key, columns, as: "licence export",
            "Expected one of: 'SkuId' and/or 'SkuPartNumber' with 'UserPrincipalName' (one row per user and SKU, optionally "
                + "'DisabledPlans'); 'Licenses' (Microsoft 365 admin center > Users > Active users > Export users); or "
                + "'AssignedLicenses' holding Graph JSON. The inventory section of docs/collecting-exports.md has the exact PowerShell.")
    }

    private static func flattenedRow(
        _ reader: CSVReader, _ skuColumn: Int?, _ partColumn: Int?, _ disabledColumn: Int?,
        catalog: SkuCatalog
    ) throws(InputFileError) -> RowOutcome {
        var outcome = RowOutcome()
        var found: SkuCatalog.Sku?
        var unknownID: GUID?
        var unknownPart: String?
        if let skuColumn {
            let field = FieldValue.trimmed(reader.field(skuColumn))
            if FieldValue.isTypeName(field) { throw typeNameError(reader, skuColumn) }
            if !field.isEmpty {
                guard let id = GUID(field) else {
                    throw reader.error(
                        field: skuColumn,
                        "'\(reader.columnName(skuColumn))' holds '\(FieldValue.string(field))', which is not a SKU GUID. Export "
                            + "the licences again (SkuId is a GUID such as 05e9a617-0261-4cee-bb44-138d3ef5d965).")
                }
                found = catalog.sku(id)
                unknownID = id
            }
        }
        if found == nil, let partColumn {
            let part = FieldValue.string(reader.field(partColumn))
            if !part.isEmpty {
                found = catalog.sku(partNumber: part)
                unknownPart = part
            }
        }
        guard let found else {
            if let name = unknownPart ?? unknownID.map({ "SkuId \($0)" }) { outcome.unknown.append(name) }
            return outcome  // an empty row: a user without licences in a left-joined export
        }
        guard !found.premiumPlans.isEmpty else { return outcome }
        var disabled: [GUID] = []
        if let disabledColumn {
            let field = reader.field(disabledColumn)
            if FieldValue.isTypeName(field) { throw typeNameError(reader, disabledColumn) }
            disabled = GUID.plans(in: field)
        }
        switch LicenseRules.outcome(premiumPlans: found.premiumPlans, disabledPlans: disabled) {
        case .premium: outcome.premium = true
        case .premiumDisabled: outcome.premiumDisabled = true
        case .noPremium: break
        }
        return outcome
    }

    private static func productNames(_ value: String, catalog: SkuCatalog) -> RowOutcome {
        var outcome = RowOutcome()
        let (known, unknown) = LicenseRules.splitProductNames(value) { !catalog.skus(displayName: $0).isEmpty }
        outcome.unknown = unknown
        for name in known {
            let skus = catalog.skus(displayName: name)
            let premium = skus.filter { !$0.premiumPlans.isEmpty }.count
            if premium == skus.count {
                outcome.premium = true
            } else if premium > 0 {
                // Two products share this name and only one carries P1/P2: the name alone cannot tell.
                outcome.unknown.append(name)
            }
        }
        return outcome
    }

    private static func assignedJSON(
        _ value: String, reader: CSVReader, column: Int, catalog: SkuCatalog
    ) throws(InputFileError) -> RowOutcome {
        var outcome = RowOutcome()
        let text = value.trimmingCharacters(in: .whitespaces)
        guard !text.isEmpty, text != "[]", text != "null" else { return outcome }
        let parsed: Any
        do {
            parsed = try JSONSerialization.jsonObject(with: Data(text.utf8), options: [.fragmentsAllowed])
        } catch {
            throw reader.error(
                field: column,
                "'\(reader.columnName(column))' holds '\(text.prefix(80))', which is not JSON. Export it with ConvertTo-Json "
                    + "-Compress (see the inventory section of docs/collecting-exports.md).")
        }
        let items: [Any] = (parsed as? [Any]) ?? [parsed]
        for item in items {
            guard let object = item as? [String: Any] else { continue }
            let lowered = Dictionary(object.map { ($0.key.lowercased(), $0.value) }, uniquingKeysWith: { first, _ in first })
            guard let skuText = lowered["skuid"] as? String, let id = GUID(skuText) else { continue }
            guard let found = catalog.sku(id) else {
                outcome.unknown.append("SkuId \(id)")
                continue
            }
            let disabledTexts = (lowered["disabledplans"] as? [Any] ?? []).compactMap { $0 as? String }
            let disabled = disabledTexts.compactMap { GUID($0) ?? LicenseRules.premiumPlan(named: $0) }
            switch LicenseRules.outcome(premiumPlans: found.premiumPlans, disabledPlans: disabled) {
            case .premium: outcome.premium = true
            case .premiumDisabled: outcome.premiumDisabled = true
            case .noPremium: break
            }
        }
        return outcome
    }

    static func looksLikeJSON(_ value: String) -> Bool {
        let text = value.trimmingCharacters(in: .whitespaces)
        return text.isEmpty || text.hasPrefix("[") || text.hasPrefix("{") || text == "null"
    }

    static func typeNameError(_ reader: CSVReader, _ column: Int) -> InputFileError {
        reader.error(
            field: column,
            "'\(reader.columnName(column))' holds the PowerShell type name '\(FieldValue.string(reader.field(column)))' instead "
                + "of values: Export-Csv writes that for nested objects. Export the licences flattened, one row per user and SKU: "
                + "Get-MgUser -All -Property Id,UserPrincipalName,AssignedLicenses | ForEach-Object { $u = $_; $_.AssignedLicenses | "
                + "ForEach-Object { [pscustomobject]@{ UserPrincipalName = $u.UserPrincipalName; SkuId = $_.SkuId; "
                + "DisabledPlans = $_.DisabledPlans -join ';' } } } | Export-Csv licenses.csv -NoTypeInformation -Encoding UTF8")
    }
}
