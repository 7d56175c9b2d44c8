import PreflightCore

/// Whether one assigned SKU gives a user Entra ID P1 or P2: it must include AAD_PREMIUM or AAD_PREMIUM_P2, and
/// that plan must not be among the assignment's disabled plans. Pure, so tests can drive it with any SKU.
enum LicenseRules {
    enum Outcome: Equatable, Sendable {
        /// An enabled P1 or P2 plan.
        case premium
        /// The SKU includes P1/P2, but every such plan is disabled for this user.
        case premiumDisabled
        /// The SKU has no P1/P2 plan (Microsoft 365 Business Standard, Office 365 E3, …).
        case noPremium
    }

    static func outcome(premiumPlans: [GUID], disabledPlans: [GUID]) -> Outcome {
        guard !premiumPlans.isEmpty else { return .noPremium }
        return premiumPlans.contains { !disabledPlans.contains($0) } ? .premium : .premiumDisabled
    }

    /// Service-plan names some scripts write instead of GUIDs; only the two premium names matter to the rule.
    static func premiumPlan(named name: String) -> GUID? {
        switch name.trimmingCharacters(in: .whitespaces).uppercased() {
        case "AAD_PREMIUM": SkuCatalog.p1Plan
        case "AAD_PREMIUM_P2": SkuCatalog.p2Plan
        default: nil
        }
    }

    /// The admin center's `Licenses` value: product names joined with `+`, or `Unlicensed`. Names may themselves
    /// contain `+` ("Enterprise Mobility + Security E3"), so the longest run of pieces that names a product wins.
    static func splitProductNames(_ value: String, isKnown: (String) -> Bool) -> (known: [String], unknown: [String]) {
        let pieces = value.split(separator: "+", omittingEmptySubsequences: false).map(String.init)
        var known: [String] = []
        var unknown: [String] = []
        var start = 0
        while start < pieces.count {
            var matched = false
            for end in stride(from: pieces.count, to: start, by: -1) {
                let name = pieces[start..<end].joined(separator: "+").trimmingCharacters(in: .whitespaces)
                if isKnown(name) {
                    known.append(name)
                    start = end
                    matched = true
                    break
                }
            }
            if !matched {
                let piece = pieces[start].trimmingCharacters(in: .whitespaces)
                if !piece.isEmpty && piece.lowercased() != "unlicensed" { unknown.append(piece) }
                start += 1
            }
        }
        return (known, unknown)
    }
}
