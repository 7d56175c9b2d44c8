import PreflightCore

/// Reads tenant licence capacity (`inventory.subscribedSkus`): one row per SKU, as
/// `Get-MgSubscribedSku | Select-Object SkuPartNumber, SkuId, ConsumedUnits, @{n='PrepaidUnits.Enabled'; …}` writes it.
enum SubscribedSkusExport {
    static let key = "inventory.subscribedSkus"
    static let enabledAliases = ["PrepaidUnits.Enabled", "PrepaidUnitsEnabled", "PrepaidEnabled", "Enabled"]
    static let howToExport =
        "Get-MgSubscribedSku -All | Select-Object SkuPartNumber, SkuId, ConsumedUnits, "
        + "@{n='PrepaidUnits.Enabled'; e={$_.PrepaidUnits.Enabled}} | Export-Csv subscribedSkus.csv -NoTypeInformation -Encoding UTF8"

    static func read(_ path: String, catalog: SkuCatalog) throws(InputFileError) -> (InventoryFacts.Input, [InventoryFacts.SkuUnits]) {
        let reader = try CSVReader(path: path, key: key)
        let columns = CSVColumns(reader.header)
        let part = columns.index(["SkuPartNumber"])
        let id = columns.index(["SkuId"])
        let consumed = columns.index(["ConsumedUnits"])
        let enabled = columns.index(enabledAliases)
        guard part != nil || id != nil, let consumed, let enabled else {
            let nested = columns.index(["PrepaidUnits"])
            throw .unrecognised(
                path, key: key, columns, as: "subscribed-SKU export",
                "Expected 'SkuPartNumber' and/or 'SkuId', 'ConsumedUnits' and the enabled prepaid units as 'PrepaidUnits.Enabled' "
                    + "(or 'PrepaidUnitsEnabled', 'PrepaidEnabled', 'Enabled')"
                    + (nested != nil ? "; 'PrepaidUnits' is a nested object that Export-Csv cannot write" : "")
                    + ". Export it with: \(howToExport)")
        }
        var skus: [InventoryFacts.SkuUnits] = []
        while try reader.nextRow() {
            for column in [consumed, enabled] where FieldValue.isTypeName(reader.field(column)) {
                throw reader.error(
                    field: column,
                    "'\(reader.columnName(column))' holds the PowerShell type name '\(reader.string(column))' instead of a number. "
                        + "Export it flattened: \(howToExport)")
            }
            guard let consumedUnits = FieldValue.count(reader.field(consumed)) else {
                throw notACount(reader, consumed)
            }
            guard let enabledUnits = FieldValue.count(reader.field(enabled)) else {
                throw notACount(reader, enabled)
            }
            let skuID = id.flatMap { GUID(reader.field($0)) }
            let partNumber = part.map { FieldValue.string(reader.field($0)) } ?? ""
            let found = skuID.flatMap(catalog.sku) ?? (partNumber.isEmpty ? nil : catalog.sku(partNumber: partNumber))
            skus.append(
                InventoryFacts.SkuUnits(
                    sku: partNumber.isEmpty ? (found?.partNumber ?? skuID?.description ?? "?") : partNumber,
                    skuId: (skuID ?? found?.id)?.description, enabled: enabledUnits, consumed: consumedUnits,
                    carriesPremium: found.map { !$0.premiumPlans.isEmpty }))
        }
        return (InventoryFacts.Input(key: key, format: "subscribed SKUs (Get-MgSubscribedSku)", rows: reader.rowCount, reader: reader), skus)
    }

    static func notACount(_ reader: CSVReader, _ column: Int) -> InputFileError {
        reader.error(
            field: column,
            "'\(reader.columnName(column))' holds '\(reader.string(column))', which is not a whole number of licence units. "
                + "Export the SKUs again: \(howToExport)")
    }
}
