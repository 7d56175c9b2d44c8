import Foundation
import PreflightCore
import PreflightEngine

/// Reads every configured inventory export once, streaming, and reduces them to `InventoryFacts`.
/// Blocking file work: call it through `runBlocking`, never on the cooperative pool.
enum InventoryGatherer {
    static func gather(_ settings: Configuration.InventorySettings) -> InventoryFacts {
        var facts = InventoryFacts()
        guard let usersPath = settings.users else { return facts }

        // The licensing table is needed only to judge licences and capacity.
        var catalog: SkuCatalog?
        if settings.licenses != nil || settings.subscribedSkus != nil {
            do throws(InputFileError) {
                let loaded: SkuCatalog
                if let path = settings.skuCatalog {
                    loaded = try SkuCatalog.read(path: path, date: modificationDate(path))
                } else {
                    loaded = try SkuCatalog.builtIn()
                }
                catalog = loaded
                facts.catalog = InventoryFacts.Catalog(
                    source: loaded.source, builtIn: settings.skuCatalog == nil, date: loaded.date, skus: loaded.skus.count,
                    premiumSkus: loaded.premiumSkuCount)
            } catch {
                facts.inputErrors[settings.skuCatalog == nil ? "built-in licensing table" : "inventory.skuCatalog"] = error.description
            }
        }

        let table: UserTable
        do throws(InputFileError) {
            let users = try UsersExport.read(usersPath)
            table = users.table
            facts.inputs.append(users.input)
            facts.syncColumn = users.syncColumn
            facts.enabledColumn = users.enabledColumn
            facts.duplicateUPNs = users.duplicates
            facts.duplicateUPNCount = users.duplicateCount
            facts.rowsWithoutUPN = users.rowsWithoutUPN
        } catch {
            facts.inputErrors[UsersExport.key] = error.description
            return facts
        }

        // The other exports only look users up, so they are read at the same time (two cores halve the wall time).
        let scope = settings.scopeGroup.map { path in
            Deferred { () throws(InputFileError) in try MemberExports.readScopeGroup(path, table: table) }
        }
        let licenses = settings.licenses.flatMap { path in
            catalog.map { catalog in Deferred { () throws(InputFileError) in try LicenseExport.read(path, table: table, catalog: catalog) } }
        }
        let skus = settings.subscribedSkus.flatMap { path in
            catalog.map { catalog in Deferred { () throws(InputFileError) in try SubscribedSkusExport.read(path, catalog: catalog) } }
        }
        let registration = settings.registration.map { path in
            Deferred { () throws(InputFileError) in try MemberExports.readRegistration(path, table: table) }
        }
        let jobs: [(any DeferredWork)?] = [licenses, registration, scope, skus]
        runConcurrently(jobs.compactMap { $0 })

        var scopeMarks: [UserTable.Marks]?
        switch scope?.result {
        case .success(let result)?:
            facts.inputs.append(result.input)
            facts.scopeFromGroup = true
            facts.scopeGroupRows = result.input.rows
            facts.scopeMembersNotInUsers = result.notInUsers
            facts.scopeNestedGroups = result.nestedGroups
            scopeMarks = result.marks
        case .failure(let error)?: facts.inputErrors[MemberExports.scopeKey] = error.description
        case nil: break
        }
        var licenseMarks: [UserTable.Marks]?
        var unknownLicenses: [Int: [String]] = [:]
        switch licenses?.result {
        case .success(let result)?:
            facts.inputs.append(result.input)
            facts.licensing = result.licensing
            licenseMarks = result.marks
            unknownLicenses = result.unknownByUser
        case .failure(let error)?: facts.inputErrors[LicenseExport.key] = error.description
        case nil: break
        }
        switch skus?.result {
        case .success(let (input, units))?:
            facts.inputs.append(input)
            facts.capacity = units
        case .failure(let error)?: facts.inputErrors[SubscribedSkusExport.key] = error.description
        case nil: break
        }
        var registrationMarks: [UserTable.Marks]?
        switch registration?.result {
        case .success(let result)?:
            facts.inputs.append(result.input)
            facts.registration = InventoryFacts.Registration(usersMatched: result.matched, rowsForOtherUsers: result.other)
            registrationMarks = result.marks
        case .failure(let error)?: facts.inputErrors[MemberExports.registrationKey] = error.description
        case nil: break
        }

        classify(
            table, scope: scopeMarks, licenses: licenseMarks, registration: registrationMarks, unknownLicenses: unknownLicenses,
            into: &facts)
        return facts
    }

    /// One pass over the table: the scope, then each target user's licence and registration.
    static func classify(
        _ table: UserTable, scope: [UserTable.Marks]?, licenses: [UserTable.Marks]?, registration: [UserTable.Marks]?,
        unknownLicenses: [Int: [String]], into facts: inout InventoryFacts
    ) {
        facts.users = table.count
        for index in 0..<table.count {
            let flags = table.flags[index]
            if flags.contains(.enabled) { facts.enabledUsers += 1 }
            if flags.contains(.synced) { facts.syncedUsers += 1 }
            // Without a scope group, SSPR applies to every enabled user.
            let inScope = scope.map { $0[index].contains(.seen) } ?? flags.contains(.enabled)
            guard inScope else { continue }
            facts.inScope += 1
            if flags.contains(.enabledUnknown) { facts.enabledUnknownInScope += 1 }
            if !flags.contains(.enabled) {
                facts.disabledInScope.append(table.upn(index))
                continue
            }
            guard flags.contains(.synced) else {
                facts.cloudOnlyInScope.append(table.upn(index))
                continue
            }
            facts.targets += 1
            // `facts.licensing` and `facts.registration` are set wherever their marks are (in `gather`).
            if let licenses {
                let marks = licenses[index]
                if marks.contains(.yes) {
                    facts.licensing?.licensedTargets += 1
                } else if marks.contains(.unknown) {
                    facts.licensing?.unknownTargets.append(
                        InventoryFacts.UnknownLicense(upn: table.upn(index), unknown: unknownLicenses[index] ?? []))
                } else {
                    let upn = table.upn(index)
                    facts.licensing?.unlicensedTargets.append(upn)
                    if marks.contains(.premiumDisabled) { facts.licensing?.premiumDisabledTargets.append(upn) }
                }
            }
            if let registration {
                let marks = registration[index]
                if marks.contains(.yes) {
                    facts.registration?.registeredTargets += 1
                } else {
                    facts.registration?.unregisteredTargets.append(table.upn(index))
                    if !marks.contains(.seen) { facts.registration?.missingTargets += 1 }
                }
            }
        }
    }

    static func modificationDate(_ path: String) -> String? {
        guard let date = (try? FileManager.default.attributesOfItem(atPath: path))?[.modificationDate] as? Date else { return nil }
        return UTC.formatter("yyyy-MM-dd").string(from: date) + " (file date)"
    }
}
