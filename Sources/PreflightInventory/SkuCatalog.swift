import Foundation
import PreflightCore

/// Microsoft's "Product names and service plan identifiers for licensing" table, reduced to what the checks need:
/// which SKUs carry an Entra ID P1 or P2 service plan. Matching is by GUID; names are only for reading exports that
/// carry no GUIDs (part numbers, admin-center product names), trimmed because the table has stray spaces.
struct SkuCatalog: Sendable {
    static let p1Plan = GUID(literal: "41781fb2-bc02-4b7c-bd55-b576c07bb09d")  // AAD_PREMIUM
    static let p2Plan = GUID(literal: "eec0eb4f-6444-4f95-aba0-50c24d67f998")  // AAD_PREMIUM_P2
    static let premiumPlans: Set<GUID> = [p1Plan, p2Plan]

    /// The built-in copy (a package resource) and its date, as recorded in its SOURCE.md.
    static let builtInFileName = "product-names-and-service-plan-identifiers.csv"
    static let builtInDate = "2025-12-30"

    struct Sku: Sendable {
        var id: GUID
        var partNumber: String
        var displayName: String
        /// The P1/P2 service plans this SKU includes (empty for Business Standard, Office 365 E3 and most others).
        var premiumPlans: [GUID]
    }

    var source: String
    var date: String?
    var rows = 0
    private(set) var skus: [GUID: Sku] = [:]
    private var byPartNumber: [String: GUID] = [:]
    private var byDisplayName: [String: [GUID]] = [:]

    func sku(_ id: GUID) -> Sku? { skus[id] }

    func sku(partNumber: String) -> Sku? {
        byPartNumber[partNumber.trimmingCharacters(in: .whitespaces).lowercased()].flatMap { skus[$0] }  // .whitespaces has U+00A0
    }

    /// SKUs whose product name is `name` (several SKUs may share one, e.g. two "Microsoft 365 F1").
    func skus(displayName: String) -> [Sku] {
        (byDisplayName[Self.nameKey(displayName)] ?? []).compactMap { skus[$0] }
    }

    static func nameKey(_ name: String) -> String {
        name.lowercased().split(whereSeparator: { $0 == " " || $0 == "_" || $0 == "\u{A0}" }).joined(separator: " ")
    }

    var premiumSkuCount: Int { skus.values.filter { !$0.premiumPlans.isEmpty }.count }

    // MARK: Reading

    /// Reads the table from `path` (a download named by `inventory.skuCatalog`).
    static func read(path: String, key: String = "inventory.skuCatalog", date: String? = nil) throws(InputFileError) -> SkuCatalog {
        let reader = try CSVReader(path: path, key: key)
        let columns = CSVColumns(reader.header)
        guard let skuColumn = columns.index(["GUID"]), let planColumn = columns.index(["Service_Plan_Id"]),
            let partColumn = columns.index(["String_Id"])
        else {
            throw InputFileError(
                "'\(path)' (named by '\(key)') is not Microsoft's \"Product names and service plan identifiers for licensing\" "
                    + "table: its columns are \(columns.listed), but the table has Product_Display_Name, String_Id, GUID, "
                    + "Service_Plan_Name, Service_Plan_Id and Service_Plans_Included_Friendly_Names. Download it again from "
                    + "https://learn.microsoft.com/entra/identity/users/licensing-service-plan-reference (the CSV link).")
        }
        let nameColumn = columns.index(["Product_Display_Name"])
        var catalog = SkuCatalog(source: path, date: date)
        while try reader.nextRow() {
            guard let sku = GUID(reader.field(skuColumn)) else {
                throw reader.error(
                    field: skuColumn,
                    "the GUID column holds '\(FieldValue.string(reader.field(skuColumn)))', which is not a GUID. The table is damaged; download it again.")
            }
            let plan = GUID(reader.field(planColumn))
            catalog.rows += 1
            if catalog.skus[sku] == nil {
                let part = FieldValue.string(reader.field(partColumn))
                let name = nameColumn.map { FieldValue.string(reader.field($0)) } ?? part
                catalog.skus[sku] = Sku(id: sku, partNumber: part, displayName: name, premiumPlans: [])
                catalog.byPartNumber[part.lowercased()] = sku
                catalog.byDisplayName[nameKey(name), default: []].append(sku)
            }
            if let plan, premiumPlans.contains(plan), catalog.skus[sku]?.premiumPlans.contains(plan) == false {
                catalog.skus[sku]?.premiumPlans.append(plan)
            }
        }
        guard !catalog.skus.isEmpty else {
            throw InputFileError("'\(path)' (named by '\(key)') has a header but no rows. Download the table again.")
        }
        return catalog
    }

    /// The copy built into preflight, or an error that says how to name a download instead.
    static func builtIn() throws(InputFileError) -> SkuCatalog {
        guard let path = builtInPath() else {
            throw InputFileError(
                "The licensing table built into preflight (\(builtInFileName)) is missing from this installation. Download "
                    + "\"Product names and service plan identifiers for licensing\" from "
                    + "https://learn.microsoft.com/entra/identity/users/licensing-service-plan-reference and name it in 'inventory.skuCatalog'.")
        }
        return try read(path: path, key: "the built-in licensing table", date: builtInDate)
    }

    /// Where SwiftPM put the resource bundle: beside the executable (`swift build`), or beside the test bundle; or, for
    /// an installed binary (`make install`, the .deb), `../share/preflight/licensing/` from it. Looked up by hand because
    /// `Bundle.module` crashes the process when the bundle is missing.
    static func builtInPath() -> String? {
        let bundleName = "preflight_PreflightInventory.resources"
        var folders: [URL] = [Bundle.main.bundleURL, Bundle.main.executableURL?.deletingLastPathComponent()].compactMap { $0 }
        if let executable = ProcessInfo.processInfo.arguments.first {
            let resolved = URL(fileURLWithPath: executable).resolvingSymlinksInPath()
            folders.append(resolved.deletingLastPathComponent())
        }
        for folder in folders {
            let installed = folder.deletingLastPathComponent().appendingPathComponent("share/preflight/licensing")
                .appendingPathComponent(builtInFileName).path
            if FileManager.default.fileExists(atPath: installed) { return installed }
            for candidate in [folder, folder.deletingLastPathComponent()] {
                let path = candidate.appendingPathComponent(bundleName).appendingPathComponent("licensing")
                    .appendingPathComponent(builtInFileName).path
                if FileManager.default.fileExists(atPath: path) { return path }
            }
        }
        return nil
    }
}
