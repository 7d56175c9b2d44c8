import PreflightEngine

/// What the inventory exports say, after one streaming pass over each file (Codable, so a run's facts can be saved
/// and judged again). "Target users" are the users writeback is for: in scope, enabled, and synchronized from AD.
struct InventoryFacts: Codable, Sendable, Hashable {
    /// One export that was read.
    struct Input: Codable, Sendable, Hashable {
        var key: String
        var path: String
        var format: String
        var encoding: String
        var delimiter: String
        var rows: Int
        var notes: [String] = []
    }

    struct Catalog: Codable, Sendable, Hashable {
        var source: String
        var builtIn: Bool
        var date: String?
        var skus: Int
        var premiumSkus: Int
    }

    /// A target user whose licence could not be judged: a SKU or product name the licensing table does not know.
    struct UnknownLicense: Codable, Sendable, Hashable {
        var upn: String
        var unknown: [String]
    }

    struct Licensing: Codable, Sendable, Hashable {
        var format: String
        /// False for exports that do not record disabled service plans (admin-center product names, no DisabledPlans column).
        var disabledPlansVisible: Bool
        var licensedTargets = 0
        var unlicensedTargets: [String] = []
        /// Of `unlicensedTargets`: those whose only P1/P2 plans are switched off by disabled plans.
        var premiumDisabledTargets: [String] = []
        var unknownTargets: [UnknownLicense] = []
        var usersMatched = 0
        var rowsForOtherUsers = 0
        /// Names or ids the licensing table does not know, with how many rows carried each.
        var unresolved: [String: Int] = [:]
    }

    struct SkuUnits: Codable, Sendable, Hashable {
        var sku: String
        var skuId: String?
        var enabled: Int
        var consumed: Int
        /// Nil when the SKU is not in the licensing table.
        var carriesPremium: Bool?
        var free: Int { max(0, enabled - consumed) }
    }

    struct Registration: Codable, Sendable, Hashable {
        var registeredTargets = 0
        var unregisteredTargets: [String] = []
        /// Of `unregisteredTargets`: those with no row in the registration export (counted as not registered).
        var missingTargets = 0
        var usersMatched = 0
        var rowsForOtherUsers = 0
    }

    var inputs: [Input] = []
    /// Inputs that could not be read, by configuration key; each message names the file, the line and column, and the fix.
    var inputErrors: [String: String] = [:]
    var catalog: Catalog?

    // The users export.
    var users = 0
    var enabledUsers = 0
    var syncedUsers = 0
    /// The column that told synchronized from cloud-only users, and the one that told enabled from disabled (nil: none).
    var syncColumn = ""
    var enabledColumn: String?
    /// The first of the duplicate UPNs (`UsersExport.listedDuplicates` at most), and how many there are.
    var duplicateUPNs: [String] = []
    var duplicateUPNCount = 0
    var rowsWithoutUPN = 0

    // The scope.
    /// True when `inventory.scopeGroup` defined the scope; otherwise it is every enabled user.
    var scopeFromGroup = false
    var scopeGroupRows = 0
    var scopeMembersNotInUsers: [String] = []
    var scopeNestedGroups = 0
    var inScope = 0
    var targets = 0
    var cloudOnlyInScope: [String] = []
    var disabledInScope: [String] = []
    /// In-scope users whose enabled column was empty: counted as enabled, but INV-006 cannot vouch for them.
    var enabledUnknownInScope = 0

    var licensing: Licensing?
    var capacity: [SkuUnits]?
    var registration: Registration?
    /// Every user of the users export and whether the SSPR scope holds them, for `preflight why` (nil in facts saved
    /// before it was kept).
    var userKeys: UserKeys? = nil
    /// UPN → `onPremisesImmutableId` of the users the per-user checks list, where the users export has the column (nil
    /// otherwise, and in facts saved before it was read): their findings carry it so readiness joins them to the
    /// directory's users by it when the UPNs differ.
    var immutableIDs: [String: String]? = nil
}
