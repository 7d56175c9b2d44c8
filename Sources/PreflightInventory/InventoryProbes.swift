import PreflightCore
import PreflightEngine

/// The inventory probe kinds, registered in `ProbeRegistry.builtIn`.
package let inventoryProbes: [RegisteredProbe] = [RegisteredProbe(InventoryProbe.self)]

/// `inventory` (INV-001 to INV-006): reads the CSV exports named under `inventory:` once per run (streaming) and
/// judges one thing of them.
enum InventoryProbe: ProbeKind {
    static let name = "inventory"
    static let summary =
        "Reads the tenant's CSV exports (users, licences, subscribed SKUs, SSPR registration, scope group) once per run, "
        + "streaming, and judges one thing: scope, cloud-only users, P1/P2 licences, capacity, registration or disabled accounts."

    enum Judgement: String, Sendable, CaseIterable {
        case exports
        case cloudOnly = "cloud-only"
        case licenses, capacity, registration, disabled
    }

    struct Params: Sendable {
        var judgement: Judgement
    }

    static func parseParams(_ judgement: Judgement, _ reader: ParamsReader) -> Params? {
        // Earlier versions listed the first `listLimit` users; the report now lists every one (its contract).
        if reader.string("listLimit") != nil {
            reader.report(
                "'params.listLimit' is no longer read: every check lists all the users it names (the JSON report and the "
                    + "subjects CSV have every one; the Markdown and HTML reports show the first ones and the count). "
                    + "Remove 'listLimit' from the check file.", key: "listLimit")
            return nil
        }
        return Params(judgement: judgement)
    }

    static func missingInput(_ params: Params, context: ProbeContext) -> String? {
        let settings = context.configuration.inventory
        var needed: [(String, String?)] = [("users", settings.users)]
        switch params.judgement {
        case .exports, .cloudOnly: break
        case .licenses: needed.append(("licenses", settings.licenses))
        case .capacity: needed += [("licenses", settings.licenses), ("subscribedSkus", settings.subscribedSkus)]
        case .registration: needed.append(("registration", settings.registration))
        case .disabled: needed.append(("scopeGroup", settings.scopeGroup))
        }
        let missing = needed.filter { $0.1 == nil }.map { "'inventory.\($0.0)'" }
        guard !missing.isEmpty else { return nil }
        var message = "No \(missing.joined(separator: " or ")) is configured, so this was not checked."
        if params.judgement == .disabled && settings.users != nil {
            message += " Without a scope group the scope is the enabled users, so no disabled account can be in it."
        }
        return message + " The inventory section of docs/collecting-exports.md says how to export each file."
    }

    static func gather(_ params: Params, context: ProbeContext) async throws -> InventoryFacts {
        // One pass over the exports per run, shared by INV-001 to INV-006, on its own thread.
        try await context.readOnce(.inventoryExports) { InventoryGatherer.gather($0.inventory) }
    }

    static func evaluate(_ facts: InventoryFacts, params: Params, context: EvaluationContext) -> Evaluation {
        switch params.judgement {
        case .exports: InventoryJudgements.exports(facts)
        case .cloudOnly: InventoryJudgements.cloudOnly(facts)
        case .licenses: InventoryJudgements.licenses(facts)
        case .capacity: InventoryJudgements.capacity(facts)
        case .registration:
            InventoryJudgements.registration(
                facts, threshold: context.configuration.inventory.ssprRegistrationThreshold)
        case .disabled: InventoryJudgements.disabled(facts)
        }
    }

    /// The tenant exports this judgement reads, dated by their modification time (the CSV files carry no date of their
    /// own). The licensing table (`inventory.skuCatalog`) is Microsoft's reference, not evidence about the tenant, so it
    /// is not aged here.
    static func inputs(_ facts: InventoryFacts, params: Params, context: EvaluationContext) -> [EvidenceInput] {
        let settings = context.configuration.inventory
        var keys: [(String, String?)] = [("inventory.users", settings.users), ("inventory.scopeGroup", settings.scopeGroup)]
        switch params.judgement {
        case .exports, .cloudOnly, .disabled: break
        case .licenses: keys.append(("inventory.licenses", settings.licenses))
        case .capacity: keys += [("inventory.licenses", settings.licenses), ("inventory.subscribedSkus", settings.subscribedSkus)]
        case .registration: keys.append(("inventory.registration", settings.registration))
        }
        return keys.compactMap { key, path in path.map { EvidenceInput.modified(key: key, file: $0) } }
    }
}

extension SharedFactKey where Value == InventoryFacts {
    /// One pass over the tenant's exports per run.
    static var inventoryExports: Self { Self("inventory.exports") }
}
