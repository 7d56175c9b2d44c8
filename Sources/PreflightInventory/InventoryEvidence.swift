import PreflightCore

/// The INV checks' evidence: encoded views of `InventoryFacts` (see `Evidence`), one per thing a check shows.
extension InventoryJudgements {
    /// What every INV check shows: each export read (`InventoryFacts.Input` as it is), the inputs that could not be
    /// read, and the licensing table used.
    struct InputsView: Encodable {
        struct SkuCatalogView: Encodable {
            var source: String
            @NullEncoded var date: String?
            var skus, skusWithP1OrP2: Int
        }
        var inputs: [InventoryFacts.Input]
        /// Left out when every input was read.
        var inputErrors: [String: String]?
        var skuCatalog: SkuCatalogView?

        init(_ facts: InventoryFacts) {
            inputs = facts.inputs
            inputErrors = facts.inputErrors.isEmpty ? nil : facts.inputErrors
            skuCatalog = facts.catalog.map { catalog in
                SkuCatalogView(
                    source: catalog.builtIn ? "built-in" : catalog.source, date: catalog.date, skus: catalog.skus,
                    skusWithP1OrP2: catalog.premiumSkus)
            }
        }
    }

    /// INV-001: the users export's counts.
    struct UsersView: Encodable {
        var users, inScope, inScopeHybrid: Int
        var syncColumn, scope: String

        init(_ facts: InventoryFacts) {
            users = facts.users
            inScope = facts.inScope
            inScopeHybrid = facts.targets
            syncColumn = facts.syncColumn
            scope = facts.scopeFromGroup ? "scopeGroup" : "enabled users"
        }
    }

    /// INV-002 and INV-006: how many in-scope users a check counts against the scope.
    struct InScopeView: Encodable {
        var inScope: Int
        var cloudOnlyInScope, disabledInScope: Int?
    }

    /// INV-003: the licence counts of the in-scope synchronized users.
    struct LicensingView: Encodable {
        var inScopeHybrid, licensed, unlicensed, premiumDisabled, unknown: Int
        var disabledPlansVisible: Bool
        /// Left out when the licensing table knew every name.
        var unresolved: [String: Int]?

        init(_ facts: InventoryFacts, _ licensing: InventoryFacts.Licensing) {
            inScopeHybrid = facts.targets
            licensed = licensing.licensedTargets
            unlicensed = licensing.unlicensedTargets.count
            premiumDisabled = licensing.premiumDisabledTargets.count
            unknown = licensing.unknownTargets.count
            disabledPlansVisible = licensing.disabledPlansVisible
            unresolved = licensing.unresolved.isEmpty ? nil : licensing.unresolved
        }
    }

    /// INV-004: the units needed and free, and each SKU's.
    struct CapacityView: Encodable {
        struct Sku: Encodable {
            var sku: String
            @NullEncoded var skuId: String?
            var enabled, consumed, free: Int
            var carriesP1OrP2: RecordedFlag

            init(_ units: InventoryFacts.SkuUnits) {
                sku = units.sku
                skuId = units.skuId
                enabled = units.enabled
                consumed = units.consumed
                free = units.free
                carriesP1OrP2 = RecordedFlag(units.carriesPremium)
            }
        }
        var needed, freePremiumUnits, unknownSkuFreeUnits: Int
        var skus: [Sku]
    }

    /// INV-005: registration coverage against the threshold.
    struct RegistrationView: Encodable {
        var inScopeHybrid, registered, unregistered, missingFromExport: Int
        var coverage, threshold: Double
    }
}
