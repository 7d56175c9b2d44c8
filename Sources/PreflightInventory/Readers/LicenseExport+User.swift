import Foundation
import PreflightCore

/// One user's SKUs as the licence export assigns them, for `preflight why USER`: each SKU with its Entra ID P1 and P2
/// service plans from Microsoft's licensing table (the plans that carry SSPR with on-premises writeback) and whether the
/// assignment leaves each on. The same layouts and the same table as INV-003 (`LicenseExport`, `SkuCatalog`), read for
/// one UPN: the run's facts keep counts and lists of users, not every user's SKUs.
extension LicenseExport {
    /// The SKUs of `upn` in file order; nil when the export names its users by id rather than by UPN.
    static func licences(of upn: String, path: String, catalog: SkuCatalog) throws(InputFileError) -> [UserStory.Licence]? {
        let reader = try CSVReader(path: path, key: key)
        let columns = CSVColumns(reader.header)
        let layout = try recognise(columns, path: path)
        guard let upnColumn = columns.index(UsersExport.upnAliases) else { return nil }
        var licences: [UserStory.Licence] = []
        while try reader.nextRow() {
            guard FieldValue.string(reader.field(upnColumn)).caseInsensitiveCompare(upn) == .orderedSame else { continue }
            switch layout {
            case .flattened(let skuColumn, let partColumn, let disabledColumn):
                let id = skuColumn.flatMap { GUID(FieldValue.string(reader.field($0))) }
                let part = partColumn.map { FieldValue.string(reader.field($0)) } ?? ""
                guard let sku = id.flatMap(catalog.sku) ?? (part.isEmpty ? nil : catalog.sku(partNumber: part)) else {
                    if let name = part.isEmpty ? id.map({ "SkuId \($0)" }) : part { licences.append(unknown(name)) }
                    continue
                }
                licences.append(licence(sku, disabled: disabledColumn.map { GUID.plans(in: reader.field($0)) }))
            case .productNames(let column):
                licences += productNames(reader.string(column), catalog: catalog)
            case .assignedJSON(let column):
                let value = reader.string(column)
                licences += looksLikeJSON(value) ? assigned(value, catalog: catalog) : productNames(value, catalog: catalog)
            }
        }
        return licences
    }

    /// `sku` with its premium plans; `disabled` nil when the export does not record disabled plans.
    private static func licence(_ sku: SkuCatalog.Sku, disabled: [GUID]?) -> UserStory.Licence {
        UserStory.Licence(
            sku: sku.partNumber, product: sku.displayName,
            plans: sku.premiumPlans.map { plan in
                let name = plan == SkuCatalog.p2Plan ? "AAD_PREMIUM_P2 (Microsoft Entra ID P2)" : "AAD_PREMIUM (Microsoft Entra ID P1)"
                return UserStory.Plan(name: name, id: plan.description, enabled: disabled.map { !$0.contains(plan) })
            })
    }

    private static func unknown(_ name: String) -> UserStory.Licence { UserStory.Licence(sku: name, product: nil, plans: []) }

    /// The admin center's product names; a name two SKUs share is listed as the first of them.
    private static func productNames(_ value: String, catalog: SkuCatalog) -> [UserStory.Licence] {
        let (known, unknown) = LicenseRules.splitProductNames(value) { !catalog.skus(displayName: $0).isEmpty }
        return known.compactMap { catalog.skus(displayName: $0).first.map { licence($0, disabled: nil) } } + unknown.map(Self.unknown)
    }

    /// Graph's `assignedLicenses` JSON: `[{"skuId": …, "disabledPlans": […]}]` (a malformed cell lists nothing: INV-003
    /// has already said where it is).
    private static func assigned(_ value: String, catalog: SkuCatalog) -> [UserStory.Licence] {
        guard let parsed = try? JSONSerialization.jsonObject(with: Data(value.utf8), options: [.fragmentsAllowed]) else { return [] }
        return ((parsed as? [Any]) ?? [parsed]).compactMap { item in
            guard let object = item as? [String: Any] else { return nil }
            let lowered = Dictionary(object.map { ($0.key.lowercased(), $0.value) }, uniquingKeysWith: { first, _ in first })
            guard let text = lowered["skuid"] as? String, let id = GUID(text) else { return nil }
            guard let sku = catalog.sku(id) else { return unknown("SkuId \(id)") }
            let disabled = (lowered["disabledplans"] as? [Any] ?? []).compactMap { $0 as? String }
            return licence(sku, disabled: disabled.compactMap { GUID($0) ?? LicenseRules.premiumPlan(named: $0) })
        }
    }
}
