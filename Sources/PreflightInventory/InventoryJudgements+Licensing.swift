import Foundation
import PreflightCore

/// The licence and registration judgements (INV-003 to INV-005), pure like the rest of `InventoryJudgements`.
extension InventoryJudgements {
    // MARK: INV-003

    static func licenses(_ facts: InventoryFacts) -> Evaluation {
        if let error = inputError(facts, [MemberExports.scopeKey, LicenseExport.key] + catalogKeys) { return error }
        if let empty = noTargets(facts, what: "licensing") { return empty }
        guard let licensing = facts.licensing else {
            return .error("The licence export was not read, so licensing is unknown.", evidence: inputEvidence(facts))
        }
        let evidence = Evidence.of(InputsView(facts), LicensingView(facts, licensing))

        let unlicensed = licensing.unlicensedTargets
        let unknown = licensing.unknownTargets
        let disabledSet = Set(licensing.premiumDisabledTargets)
        var findings = listed(unlicensed, in: facts, status: .fail) { upn in
            disabledSet.contains(upn)
                ? "Synchronized user whose P1/P2 service plan is disabled in every SKU that carries it."
                : "Synchronized user without a SKU that includes Entra ID P1 or P2."
        }
        findings += unknown.map {
            Finding(
                status: .error, target: $0.upn,
                message: "Licence unknown: \($0.unknown.joined(separator: ", ")) not in the licensing table.",
                details: userDetails($0.upn, facts))
        }
        let unknownNames = Set(unknown.flatMap(\.unknown)).sorted().prefix(5).joined(separator: ", ")
        let unknownText =
            unknown.isEmpty
            ? ""
            : " \(number(unknown.count)) more could not be judged: their SKUs (\(unknownNames)) are not in the licensing table; "
                + "name a newer download in 'inventory.skuCatalog'."
        // The findings are the unlicensed and unknown users: none in the last two cases.
        let (status, message): (CheckStatus, String)
        if !unlicensed.isEmpty {
            let disabledText = disabledSet.isEmpty ? "" : " (\(number(disabledSet.count)) of them have the plan but disabled)"
            status = .fail
            message = "\(number(unlicensed.count)) of \(number(facts.targets)) in-scope synchronized users "
                + "(\(percent(unlicensed.count, of: facts.targets))) have no enabled Entra ID P1 or P2 service plan\(disabledText): "
                + "password writeback requires one per user (Microsoft 365 Business Premium counts; Business Standard/Basic and "
                + "Office 365 E3/E5 do not).\(unknownText)"
        } else if !unknown.isEmpty {
            status = .error
            message = "\(number(licensing.licensedTargets)) of \(number(facts.targets)) in-scope synchronized users have an enabled P1/P2 plan, "
                + "but readiness is unproven:\(unknownText)"
        } else if !licensing.disabledPlansVisible {
            status = .warn
            message = "All \(number(facts.targets)) in-scope synchronized users are assigned a SKU that includes Entra ID P1 or P2, but this "
                + "export (\(licensing.format)) does not record disabled service plans, so a plan switched off per user would go unseen. "
                + "Export the licences with DisabledPlans (see docs/collecting-exports.md) to prove it."
        } else {
            status = .pass
            message = "All \(number(facts.targets)) in-scope synchronized users have an enabled Entra ID P1 or P2 service plan (disabled plans honoured)."
        }
        var evaluation = Evaluation(status: status, message: message, findings: findings, evidence: evidence)
        evaluation.addTable(
            userCounts(
                "Licensing of in-scope synchronized users",
                [("In scope, enabled, synchronized", facts.targets), ("With an enabled P1/P2 plan", licensing.licensedTargets),
                 ("Without (fail)", unlicensed.count), ("… of which P1/P2 assigned but disabled", disabledSet.count),
                 ("Unknown SKU", unknown.count)]))
        if evaluation.status == .fail {
            evaluation.generatedRemediation =
                "Assign a licence that includes Entra ID P1 or P2 (e.g. Microsoft 365 E3/E5, Business Premium, Entra ID P1) to the listed users, "
                + "or re-enable the plan: Set-MgUserLicense -UserId <upn> -AddLicenses @(@{SkuId = '<skuId>'; DisabledPlans = @()}) -RemoveLicenses @()."
        }
        return evaluation
    }

    // MARK: INV-004

    static func capacity(_ facts: InventoryFacts) -> Evaluation {
        if let error = inputError(facts, [MemberExports.scopeKey, LicenseExport.key, SubscribedSkusExport.key] + catalogKeys) { return error }
        if let empty = noTargets(facts, what: "licence capacity") { return empty }
        guard let licensing = facts.licensing, let skus = facts.capacity else {
            return .error("The licence or subscribed-SKU export was not read, so capacity is unknown.", evidence: inputEvidence(facts))
        }
        let premium = skus.filter { $0.carriesPremium == true }
        let unknownSkus = skus.filter { $0.carriesPremium == nil }
        let free = premium.reduce(0) { $0 + $1.free }
        let unknownFree = unknownSkus.reduce(0) { $0 + $1.free }
        let needed = licensing.unlicensedTargets.count
        let maybeNeeded = needed + licensing.unknownTargets.count
        let evidence = Evidence.of(
            InputsView(facts),
            CapacityView(needed: needed, freePremiumUnits: free, unknownSkuFreeUnits: unknownFree, skus: skus.map(CapacityView.Sku.init)))
        let perSku = premium.map { "\($0.sku) \(number($0.free)) free (\(number($0.enabled)) enabled, \(number($0.consumed)) consumed)" }
            .joined(separator: "; ")
        let skuText = premium.isEmpty ? "The tenant has no SKU that carries P1 or P2." : "SKUs with P1/P2: \(perSku)."
        let unknownText = unknownSkus.isEmpty ? "" : " Not counted: \(unknownSkus.map(\.sku).joined(separator: ", ")) (\(number(unknownFree)) free units; not in the licensing table)."
        var evaluation: Evaluation
        if needed > free + unknownFree {
            evaluation = Evaluation(
                status: .fail,
                message: "\(number(needed)) in-scope synchronized users need a P1/P2 licence, but only \(number(free)) units are free on the SKUs "
                    + "that carry P1 or P2: \(number(needed - free)) short. \(skuText)\(unknownText)",
                findings: [Finding(status: .fail, target: "tenant", message: "\(number(needed)) needed, \(number(free)) free: \(number(needed - free)) short.")],
                evidence: evidence)
            evaluation.generatedRemediation = "Buy at least \(number(needed - free)) more units of a SKU that includes Entra ID P1 or P2, or narrow the SSPR scope group."
        } else if needed > free || maybeNeeded > free {
            let upTo = maybeNeeded > needed ? " (up to \(number(maybeNeeded)) with the users whose SKUs are unknown)" : ""
            evaluation = Evaluation.error(
                "\(number(needed)) in-scope synchronized users need a P1/P2 licence\(upTo), "
                    + "and \(number(free)) units are free on SKUs known to carry P1 or P2. Whether they fit depends on SKUs this tool cannot "
                    + "judge: name a newer licensing table in 'inventory.skuCatalog'. \(skuText)\(unknownText)",
                evidence: evidence)
        } else {
            evaluation = Evaluation(
                status: .pass,
                message: needed == 0
                    ? "No in-scope synchronized user lacks a P1/P2 licence, so no units are needed. \(skuText)"
                    : "The \(number(needed)) in-scope synchronized users without P1/P2 fit in the \(number(free)) free units of the SKUs that carry it. \(skuText)",
                evidence: evidence)
        }
        evaluation.addTable(
            ReportTable(
                title: "Licence units", columns: ["SKU", "P1/P2", "Enabled", "Consumed", "Free"],
                rows: skus.map { [$0.sku, $0.carriesPremium.map { $0 ? "yes" : "no" } ?? "unknown", number($0.enabled), number($0.consumed), number($0.free)] }
                    + [["Needed for unlicensed users", "", "", "", number(needed)]]))
        return evaluation
    }

    // MARK: INV-005

    static func registration(_ facts: InventoryFacts, threshold: Double) -> Evaluation {
        if let error = inputError(facts, [MemberExports.scopeKey, MemberExports.registrationKey]) { return error }
        if let empty = noTargets(facts, what: "SSPR registration coverage") { return empty }
        guard let registration = facts.registration else {
            return .error("The registration export was not read, so SSPR registration is unknown.", evidence: inputEvidence(facts))
        }
        let registered = registration.registeredTargets
        let unregistered = registration.unregisteredTargets
        let coverage = Double(registered) / Double(facts.targets)
        let evidence = Evidence.of(
            InputsView(facts),
            RegistrationView(
                inScopeHybrid: facts.targets, registered: registered, unregistered: unregistered.count,
                missingFromExport: registration.missingTargets, coverage: coverage, threshold: threshold))
        let missing = registration.missingTargets == 0 ? "" : " \(number(registration.missingTargets)) of the unregistered are not in the registration export at all and count as not registered."
        let summary = "\(number(registered)) of \(number(facts.targets)) in-scope synchronized users (\(percent(registered, of: facts.targets))) are registered for SSPR"
        let thresholdText = String(format: "%.0f%%", threshold * 100)
        var evaluation: Evaluation
        if coverage < threshold {
            evaluation = warning(
                "\(summary), below the \(thresholdText) threshold ('ssprRegistrationThreshold'): \(number(unregistered.count)) cannot reset "
                    + "their password themselves yet.\(missing)",
                listing: unregistered, in: facts, finding: "Not registered for SSPR.", evidence: evidence)
            evaluation.generatedRemediation =
                "Run a registration campaign (Entra admin center > Protection > Authentication methods > Registration campaign), or require "
                + "registration at sign-in (Password reset > Registration > Require users to register when signing in: Yes)."
        } else {
            evaluation = Evaluation(
                status: .pass, message: "\(summary), at or above the \(thresholdText) threshold. \(number(unregistered.count)) are not registered yet.\(missing)",
                evidence: evidence)
        }
        var table = userCounts(
            "SSPR registration of in-scope synchronized users",
            [("In scope, enabled, synchronized", facts.targets), ("Registered", registered), ("Not registered", unregistered.count),
             ("… not in the registration export", registration.missingTargets)])
        table.rows += [["Coverage", percent(registered, of: facts.targets)], ["Threshold", thresholdText]]
        evaluation.addTable(table)
        return evaluation
    }
}
