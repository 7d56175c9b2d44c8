import PreflightCore

/// The tenant's part of `preflight why USER`, from the inventory facts of a run (the same facts INV-001 to INV-006
/// judged): is the UPN in the users export, does the SSPR scope hold it, is it synchronized and enabled, does it have
/// an enabled P1/P2 plan, is it registered for SSPR. A side the facts cannot tell is `unknown`, never `yes`.
package enum InventoryUserStory {
    package struct Story: Sendable {
        package var sspr: UserStory.Side
        package var tenant: UserStory.Tenant
    }

    /// The story of `upn`, or nil when the run read no tenant export. `noUPN` says why there is no UPN to match.
    package static func story(upn: String?, noUPN: String, in facts: [any Sendable]) -> Story? {
        guard let facts = facts.lazy.compactMap({ $0 as? InventoryFacts }).first else { return nil }
        let users = facts.inputs.first { $0.key == UsersExport.key }?.path ?? "the users export"
        if let error = facts.inputErrors[UsersExport.key] {
            return unknown("The users export could not be read: \(error)")
        }
        guard let upn = upn?.trimmingCharacters(in: .whitespaces), !upn.isEmpty else {
            return unknown(noUPN)
        }
        guard let keys = facts.userKeys else {
            return unknown("These facts were saved by a release that did not keep the tenant's users, so they cannot say whether \(upn) is one.")
        }
        switch keys.membership(of: upn) {
        case .notInExport:
            let absent = UserStory.Side(
                .no,
                "The tenant's users export (\(users)) has no user \(upn): Entra ID knows this user by another UPN (a UPN suffix that "
                    + "is not a verified domain of the tenant becomes …onmicrosoft.com), or the user was never synchronized.")
            let rest = UserStory.Side(.unknown, "Not judged: \(upn) is not in the tenant's users export.")
            return Story(
                sspr: UserStory.Side(.no, absent.detail),
                tenant: UserStory.Tenant(inUsersExport: absent, synchronized: rest, enabled: rest, licence: rest, registration: rest))
        case .outOfScope:
            let why = facts.scopeFromGroup
                ? "\(upn) is not a member of the SSPR scope group (inventory.scopeGroup), so SSPR is not enabled for the user."
                : "\(upn) is disabled in the tenant, and without a scope group SSPR's scope is every enabled user."
            let rest = UserStory.Side(.unknown, "Not judged: the inventory checks judge in-scope users only.")
            return Story(
                sspr: UserStory.Side(.no, why),
                tenant: UserStory.Tenant(
                    inUsersExport: UserStory.Side(.yes, "In the tenant's users export (\(users))."), synchronized: rest,
                    enabled: facts.scopeFromGroup ? rest : UserStory.Side(.no, "Disabled in the tenant's users export."), licence: rest,
                    registration: rest))
        case .inScope:
            return Story(sspr: scopeSide(facts), tenant: inScope(upn, facts, users: users))
        }
    }

    private static func unknown(_ reason: String) -> Story {
        Story(sspr: UserStory.Side(.unknown, reason), tenant: .unknown(reason))
    }

    private static func scopeSide(_ facts: InventoryFacts) -> UserStory.Side {
        facts.scopeFromGroup
            ? UserStory.Side(.yes, "A member of the SSPR scope group (inventory.scopeGroup).")
            : UserStory.Side(.yes, "Enabled in the tenant: without a scope group, SSPR's scope is every enabled user.")
    }

    private static func inScope(_ upn: String, _ facts: InventoryFacts, users: String) -> UserStory.Tenant {
        func listed(_ list: [String]) -> Bool { list.contains { $0.caseInsensitiveCompare(upn) == .orderedSame } }
        let inExport = UserStory.Side(.yes, "In the tenant's users export (\(users)).")
        let enabled =
            listed(facts.disabledInScope)
            ? UserStory.Side(.no, "Disabled in the tenant (\(facts.enabledColumn ?? "accountEnabled") is False), so the user cannot sign in to reset.")
            : UserStory.Side(.yes, "Enabled in the tenant (\(facts.enabledColumn ?? "no enabled column: counted as enabled")).")
        guard enabled.answer == .yes else {
            let rest = UserStory.Side(.unknown, "Not judged: the account is disabled in the tenant.")
            return UserStory.Tenant(inUsersExport: inExport, synchronized: rest, enabled: enabled, licence: rest, registration: rest)
        }
        guard !listed(facts.cloudOnlyInScope) else {
            let rest = UserStory.Side(.unknown, "Not judged: writeback does not apply to a cloud-only user.")
            return UserStory.Tenant(
                inUsersExport: inExport,
                synchronized: UserStory.Side(.no, "Cloud-only: the users export's \(facts.syncColumn) says it is not synchronized from AD."),
                enabled: enabled, licence: rest, registration: rest)
        }
        let synchronized = UserStory.Side(.yes, "Synchronized from AD (the users export's \(facts.syncColumn)).")
        return UserStory.Tenant(
            inUsersExport: inExport, synchronized: synchronized, enabled: enabled, licence: licence(upn, facts, listed),
            registration: registration(upn, facts, listed))
    }

    private static func licence(_ upn: String, _ facts: InventoryFacts, _ listed: ([String]) -> Bool) -> UserStory.Side {
        if let error = facts.inputErrors[LicenseExport.key] { return UserStory.Side(.unknown, "The licence export could not be read: \(error)") }
        guard let licensing = facts.licensing else {
            return UserStory.Side(.unknown, "Not judged: no licence export was read (inventory.licenses).")
        }
        if listed(licensing.premiumDisabledTargets) {
            return UserStory.Side(
                .no, "A SKU that carries Entra ID P1 or P2 is assigned, but those service plans are disabled in every such SKU.")
        }
        if listed(licensing.unlicensedTargets) {
            return UserStory.Side(.no, "No assigned SKU includes an Entra ID P1 or P2 service plan (\(licensing.format)).")
        }
        if let unknown = licensing.unknownTargets.first(where: { $0.upn.caseInsensitiveCompare(upn) == .orderedSame }) {
            return UserStory.Side(
                .unknown, "Its SKUs (\(unknown.unknown.joined(separator: ", "))) are not in the licensing table, so P1/P2 is unknown.")
        }
        let plans = licensing.disabledPlansVisible
            ? "disabled plans honoured" : "this export does not record disabled plans, so a plan switched off per user would go unseen"
        return UserStory.Side(.yes, "An enabled Entra ID P1 or P2 service plan (\(licensing.format); \(plans)).")
    }

    private static func registration(_ upn: String, _ facts: InventoryFacts, _ listed: ([String]) -> Bool) -> UserStory.Side {
        if let error = facts.inputErrors[MemberExports.registrationKey] {
            return UserStory.Side(.unknown, "The registration export could not be read: \(error)")
        }
        guard facts.registration != nil else {
            return UserStory.Side(.unknown, "Not judged: no registration export was read (inventory.registration).")
        }
        return listed(facts.registration?.unregisteredTargets ?? [])
            ? UserStory.Side(.no, "Not registered for SSPR (IsSsprRegistered is not True, or the registration export has no row for the user).")
            : UserStory.Side(.yes, "Registered for SSPR (IsSsprRegistered).")
    }
}

extension InventoryUserStory {
    /// The SKUs the run's licence export assigns `upn`, read from that export with the licensing table the run used; nil
    /// when the run read no licence export. `unchanged(key, file)` says whether a file still holds the bytes the run
    /// read (saved facts are told where the files may have changed or be missing).
    package static func licences(
        of upn: String?, in facts: [any Sendable], unchanged: (String, String) -> Bool
    ) -> UserStory.Licences? {
        guard let facts = facts.lazy.compactMap({ $0 as? InventoryFacts }).first,
            let input = facts.inputs.first(where: { $0.key == LicenseExport.key }), let catalogFacts = facts.catalog
        else { return nil }
        guard let upn, !upn.isEmpty else { return UserStory.Licences(source: "Not listed: the user's UPN is not known.") }
        let catalogKey = "inventory.skuCatalog"
        for (key, file) in [(LicenseExport.key, input.path)] + (catalogFacts.builtIn ? [] : [(catalogKey, catalogFacts.source)])
        where !unchanged(key, file) {
            return UserStory.Licences(
                source: "Not listed: '\(file)' (\(key)) is missing or no longer the file the run read; tell the story where it is.")
        }
        do throws(InputFileError) {
            let catalog = catalogFacts.builtIn ? try SkuCatalog.builtIn() : try SkuCatalog.read(path: catalogFacts.source)
            guard let licences = try LicenseExport.licences(of: upn, path: input.path, catalog: catalog) else {
                return UserStory.Licences(source: "Not listed: \(input.path) names its users by id, not by UPN.")
            }
            let table = catalogFacts.builtIn ? "the built-in licensing table (\(catalogFacts.date ?? "undated"))" : catalogFacts.source
            return UserStory.Licences(source: "\(input.path) (\(input.format)), plans from \(table)", skus: licences)
        } catch {
            return UserStory.Licences(source: "Not listed: \(error.description)")
        }
    }
}
