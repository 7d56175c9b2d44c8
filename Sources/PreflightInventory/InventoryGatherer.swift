import Foundation
import PreflightCore
import PreflightEngine

/// Reads every configured inventory export once, streaming, and reduces them to `InventoryFacts`.
/// Blocking file work: call it through `runBlocking`, never on the cooperative pool.
enum InventoryGatherer {
    /// `split`: how large exports are cut into parts read in parallel (the tests force small parts).
    static func gather(_ settings: Configuration.InventorySettings, split: CSVSplit = .standard) -> InventoryFacts {
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

        // The subscribed SKUs need no user table: read beside the parts of the users export, on every core.
        let skus = settings.subscribedSkus.flatMap { path in
            catalog.map { catalog in Deferred { () throws(InputFileError) in try SubscribedSkusExport.read(path, catalog: catalog) } }
        }
        let table: UserTable
        do throws(InputFileError) {
            let reading = try UsersExport.open(usersPath, split: split)
            let beside: [@Sendable () -> Void] = skus.map { job in [{ job.run() }] } ?? []
            runOnCores(beside + reading.tasks)
            let users = try reading.finish()
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

        // The other exports only look users up: the parts of all of them are read at the same time, on every core.
        var tasks: [@Sendable () -> Void] = []
        func opened<Reading: ExportReading>(_ key: String, _ open: () throws(InputFileError) -> Reading) -> Reading? {
            do throws(InputFileError) {
                let reading = try open()
                tasks += reading.tasks
                return reading
            } catch {
                facts.inputErrors[key] = error.description
                return nil
            }
        }
        let scope = settings.scopeGroup.flatMap { path in
            opened(MemberExports.scopeKey) { () throws(InputFileError) in try MemberExports.openScopeGroup(path, table: table, split: split) }
        }
        let licenses = settings.licenses.flatMap { path in
            catalog.flatMap { catalog in
                opened(LicenseExport.key) { () throws(InputFileError) in
                    try LicenseExport.open(path, table: table, catalog: catalog, split: split)
                }
            }
        }
        let registration = settings.registration.flatMap { path in
            opened(MemberExports.registrationKey) { () throws(InputFileError) in
                try MemberExports.openRegistration(path, table: table, split: split)
            }
        }
        runOnCores(tasks)

        var scopeMarks: [UserTable.Marks]?
        switch scope.map({ reading in Result { () throws(InputFileError) in try reading.finish() } }) {
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
        switch licenses.map({ reading in Result { () throws(InputFileError) in try reading.finish() } }) {
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
        switch registration.map({ reading in Result { () throws(InputFileError) in try reading.finish() } }) {
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
        var keys = UserKeys.Builder(capacity: table.count)
        for index in 0..<table.count {
            let flags = table.flags[index]
            if flags.contains(.enabled) { facts.enabledUsers += 1 }
            if flags.contains(.synced) { facts.syncedUsers += 1 }
            // Without a scope group, SSPR applies to every enabled user.
            let inScope = scope.map { $0[index].contains(.seen) } ?? flags.contains(.enabled)
            keys.add(hash: table.hash(ofUser: index), inScope: inScope)
            guard inScope else { continue }
            facts.inScope += 1
            if flags.contains(.enabledUnknown) { facts.enabledUnknownInScope += 1 }
            // The UPN a per-user check lists the user by, with its immutable id noted once.
            func listedUPN() -> String {
                let upn = table.upn(index)
                if let id = table.immutableID(index) {
                    if facts.immutableIDs == nil { facts.immutableIDs = [:] }
                    facts.immutableIDs?[upn] = id.text
                }
                return upn
            }
            if !flags.contains(.enabled) {
                facts.disabledInScope.append(listedUPN())
                continue
            }
            guard flags.contains(.synced) else {
                facts.cloudOnlyInScope.append(listedUPN())
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
                        InventoryFacts.UnknownLicense(upn: listedUPN(), unknown: unknownLicenses[index] ?? []))
                } else {
                    let upn = listedUPN()
                    facts.licensing?.unlicensedTargets.append(upn)
                    if marks.contains(.premiumDisabled) { facts.licensing?.premiumDisabledTargets.append(upn) }
                }
            }
            if let registration {
                let marks = registration[index]
                if marks.contains(.yes) {
                    facts.registration?.registeredTargets += 1
                } else {
                    facts.registration?.unregisteredTargets.append(listedUPN())
                    if !marks.contains(.seen) { facts.registration?.missingTargets += 1 }
                }
            }
        }
        facts.userKeys = keys.keys
    }

    static func modificationDate(_ path: String) -> String? {
        guard let date = (try? FileManager.default.attributesOfItem(atPath: path))?[.modificationDate] as? Date else { return nil }
        return UTC.formatter("yyyy-MM-dd").string(from: date) + " (file date)"
    }
}
