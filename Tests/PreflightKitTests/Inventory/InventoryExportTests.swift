import Foundation
import PreflightTestSupport
import Testing

@testable import PreflightConnect
@testable import PreflightCore
@testable import PreflightDirectory
@testable import PreflightEngine
@testable import PreflightInventory
@testable import PreflightKit
@testable import PreflightMonitoring
@testable import PreflightNetwork
@testable import PreflightReporting

/// Every export layout, read into facts: the same tenant must give the same answer whichever tool exported it.
@Suite("Inventory exports")
struct InventoryExportTests {
    let folder = try! TemporaryFolder("inventory-exports")

    func facts(_ settings: Configuration.InventorySettings) async throws -> InventoryFacts {
        try await InventoryFixture.gather(settings)
    }

    // MARK: Users

    @Test(arguments: [
        ("entra-download-users.csv", "Entra admin center \"Download users\"", "directorySynced", "UTF-8 with BOM"),
        ("graph-users.csv", "Microsoft Graph PowerShell (Get-MgUser)", "OnPremisesSyncEnabled", "UTF-8"),
        ("graph-users-utf16.csv", "Microsoft Graph PowerShell (Get-MgUser)", "OnPremisesSyncEnabled", "UTF-16LE"),
        ("azuread-users.csv", "AzureAD module (Get-AzureADUser)", "DirSyncEnabled", "UTF-8"),
        ("msol-users-semicolon.csv", "MSOnline module (Get-MsolUser)", "LastDirSyncTime", "UTF-8"),
        ("m365-active-users.csv", "Microsoft 365 admin center \"Export users\"", "DirSyncEnabled", "UTF-8 with BOM"),
    ])
    func everyUserExportGivesTheSameScope(file: String, format: String, syncColumn: String, encoding: String) async throws {
        let facts = try await facts(InventoryFixture.settings(users: InventoryFixture.path(file)))
        #expect(facts.inputErrors.isEmpty, "\(facts.inputErrors)")
        let input = try #require(facts.inputs.first)
        #expect(input.format == format)
        #expect(input.encoding == encoding)
        #expect(input.rows == 14)
        #expect(facts.syncColumn == syncColumn)
        #expect(facts.users == 14 && facts.enabledUsers == 12 && facts.syncedUsers == 11)
        #expect(facts.inScope == 12 && facts.targets == 10)
        #expect(Set(facts.cloudOnlyInScope) == ["DiegoS@contoso.com", "MiriamG@contoso.com"])
        #expect(facts.disabledInScope.isEmpty, "without a scope group, only enabled users are in scope")
    }

    @Test func msolExportsSayHowSyncWasInferred() async throws {
        let facts = try await facts(InventoryFixture.settings(users: InventoryFixture.path("msol-users-semicolon.csv")))
        let input = try #require(facts.inputs.first)
        #expect(input.delimiter == "semicolon")
        #expect(input.notes.contains { $0.contains("'#TYPE' line") })
        #expect(input.notes.contains("Synchronized users are those with a value in 'LastDirSyncTime' (the export has no True/False sync column)."))
        #expect(facts.enabledColumn == "BlockCredential")
    }

    @Test func anUnrecognisedUserHeaderListsFoundAndExpectedColumns() async throws {
        let facts = try await facts(InventoryFixture.settings(users: InventoryFixture.licenses))
        let message = try #require(facts.inputErrors["inventory.users"])
        #expect(message.hasPrefix("'\(InventoryFixture.licenses)' (named by 'inventory.users') is not a user export this tool recognises. Its columns are 'UserPrincipalName', 'SkuId', 'SkuPartNumber', 'DisabledPlans'. Expected 'userPrincipalName' and a column that says whether each user is synchronized from AD: 'directorySynced'"), "\(message)")
        #expect(message.contains("Get-MgUser -All -Property Id,UserPrincipalName,AccountEnabled,OnPremisesSyncEnabled"))
    }

    @Test func aValueThatIsNotABooleanIsLocated() async throws {
        let path = try InventoryFixture.variant(
            "graph-users.csv", in: folder, replacing: "\"LeeG@contoso.com\",\"Lee Gu\",\"True\",\"True\"",
            with: "\"LeeG@contoso.com\",\"Lee Gu\",\"True\",\"Yes please\"")
        let facts = try await facts(InventoryFixture.settings(users: path))
        #expect(facts.inputErrors["inventory.users"] == "\(path):6:75: in the file named by 'inventory.users', the 'OnPremisesSyncEnabled' column holds 'Yes please', which is not True or False (expected True, False, 1, 0 or empty). Export the users again without editing the file.")
    }

    @Test func duplicateUPNsAndEmptyUPNsAreCounted() async throws {
        var text = try InventoryFixture.text("graph-users.csv")
        text += "\"11111111-2222-3333-4444-555555555555\",\"adelev@CONTOSO.com\",\"Adele again\",\"True\",\"True\",\"\",\"\"\r\n"
        text += "\"11111111-2222-3333-4444-555555555556\",\"\",\"No UPN\",\"True\",\"True\",\"\",\"\"\r\n"
        let path = try folder.write("dupes.csv", text)
        let facts = try await facts(InventoryFixture.settings(users: path))
        #expect(facts.duplicateUPNs == ["adelev@CONTOSO.com"])
        #expect(facts.rowsWithoutUPN == 1)
        #expect(facts.users == 14)
    }

    @Test func graphExportsWithoutTheSyncPropertySaySo() async throws {
        // Get-MgUser without -Property OnPremisesSyncEnabled exports the column empty for everyone.
        let path = try folder.write(
            "nosync.csv", "\"Id\",\"UserPrincipalName\",\"AccountEnabled\",\"OnPremisesSyncEnabled\"\r\n\"87d349ed-44d7-43e1-9a83-5f2406dee5bd\",\"AdeleV@contoso.com\",\"\",\"\"\r\n")
        let facts = try await facts(InventoryFixture.settings(users: path))
        let notes = try #require(facts.inputs.first?.notes)
        #expect(notes.contains { $0.hasPrefix("No user is marked as synchronized in 'OnPremisesSyncEnabled'.") && $0.contains("-Property") })
        #expect(notes.contains { $0.hasPrefix("'AccountEnabled' is empty for every user") })
        #expect(facts.targets == 0)
    }

    @Test(arguments: ["graph-users.csv", "azuread-users.csv", "msol-users-semicolon.csv"])
    func theImmutableIDReachesTheFindingsOfTheUsersTheChecksList(file: String) async throws {
        let facts = try await facts(
            InventoryFixture.settings(users: InventoryFixture.path(file), licenses: InventoryFixture.licenses, scope: InventoryFixture.scope))
        let ids = try #require(facts.immutableIDs)
        #expect(ids["MeganB@contoso.com"] == "48d31887ABCDEFGH==")
        #expect(ids["DiegoS@contoso.com"] == nil, "cloud-only: the export leaves the immutable id empty")
        let findings = InventoryJudgements.licenses(facts).findings
        let megan = try #require(findings.first { $0.target == "MeganB@contoso.com" })
        #expect(megan.details?["immutableId"]?.stringValue == "48d31887ABCDEFGH==")
        #expect(Set(findings.compactMap { $0.details?["immutableId"]?.stringValue }).count == Self.unlicensed.count)
        // Only the users a check lists are kept: the licensed ones are not.
        #expect(ids["AdeleV@contoso.com"] == nil)
    }

    @Test func aGUIDImmutableIDIsKeptAsEntraWroteIt() async throws {
        // Entra's immutable id for the AD object whose objectGUID is 01234567-89ab-cdef-0123-456789abcdef: base64 of the
        // GUID's bytes in the order AD stores them (Data1-Data3 little-endian).
        #expect(GUID(immutableID: "Z0UjAauJ780BI0VniavN7w==") == GUID(literal: "01234567-89ab-cdef-0123-456789abcdef"))
        #expect(GUID(literal: "01234567-89ab-cdef-0123-456789abcdef").immutableID == "Z0UjAauJ780BI0VniavN7w==")
        let path = try InventoryFixture.variant(
            "graph-users.csv", in: folder, as: "guid-ids.csv", replacing: "\"48d31887ABCDEFGH==\"", with: "\" Z0UjAauJ780BI0VniavN7w== \"")
        let facts = try await facts(InventoryFixture.settings(users: path, licenses: InventoryFixture.licenses))
        #expect(facts.immutableIDs?["MeganB@contoso.com"] == "Z0UjAauJ780BI0VniavN7w==")
        #expect(facts.immutableIDs?["LeeG@contoso.com"] == "074e56eaABCDEFGH==")
    }

    @Test func anExportWithoutTheColumnKeepsNoImmutableIDs() async throws {
        let facts = try await facts(InventoryFixture.settings(users: InventoryFixture.users, licenses: InventoryFixture.licenses))
        #expect(facts.immutableIDs == nil)
        #expect(InventoryJudgements.licenses(facts).findings.allSatisfy { $0.details == nil })
    }

    // MARK: Licences

    static let unlicensed: Set<String> = ["MeganB@contoso.com", "LeeG@contoso.com", "LidiaH@contoso.com", "NestorW@contoso.com"]

    @Test func flattenedGraphLicencesHonourDisabledPlans() async throws {
        let facts = try await facts(InventoryFixture.settings(licenses: InventoryFixture.licenses, scope: InventoryFixture.scope))
        let licensing = try #require(facts.licensing)
        #expect(licensing.format == "flattened Graph licence export (one row per user and SKU)")
        #expect(licensing.disabledPlansVisible)
        #expect(facts.targets == 9 && licensing.licensedTargets == 5)
        #expect(Set(licensing.unlicensedTargets) == Self.unlicensed)
        #expect(licensing.premiumDisabledTargets == ["LidiaH@contoso.com"], "GradyA keeps P2, so only Lidia's plans are all off")
        #expect(licensing.unknownTargets.isEmpty)
    }

    @Test(arguments: [",", " ", "json"])
    func disabledPlansInOtherSeparators(separator: String) async throws {
        let p1p2 = "41781fb2-bc02-4b7c-bd55-b576c07bb09d;eec0eb4f-6444-4f95-aba0-50c24d67f998;efb87545-963c-4e0d-99df-69c6916d9eb0"
        let replacement =
            separator == "json"
            ? "[\"\"41781fb2-bc02-4b7c-bd55-b576c07bb09d\"\",\"\"eec0eb4f-6444-4f95-aba0-50c24d67f998\"\",\"\"efb87545-963c-4e0d-99df-69c6916d9eb0\"\"]"
            : p1p2.replacingOccurrences(of: ";", with: separator)
        let path = try InventoryFixture.variant("licenses-flattened.csv", in: folder, replacing: p1p2, with: replacement)
        let facts = try await facts(InventoryFixture.settings(licenses: path, scope: InventoryFixture.scope))
        #expect(facts.licensing?.premiumDisabledTargets == ["LidiaH@contoso.com"])
        #expect(Set(facts.licensing?.unlicensedTargets ?? []) == Self.unlicensed)
    }

    @Test func partNumbersAloneAreEnough() async throws {
        // An export with SkuPartNumber but no SkuId (Get-MgUserLicenseDetail | Select-Object …, SkuPartNumber).
        var text = try InventoryFixture.text("licenses-flattened.csv")
        for guid in ["05e9a617-0261-4cee-bb44-138d3ef5d965", "cbdc14ab-d96c-4c30-b9f4-6ada7cdc1d46", "6fd2c87f-b296-42f0-b197-1e91e994b900",
                     "f245ecc8-75af-4f8e-b61f-27d8114de5f3", "06ebc4ee-1bb5-47dd-8120-11324bc54e06", "efccb6f7-5641-4e0e-bd10-b4976e1bf68e",
                     "078d2b04-f1bd-4111-bbd4-b4b1b354cef4", "710779e8-3d4a-4c88-adb9-386c958d1fdf"] {
            text = text.replacingOccurrences(of: "\"\(guid)\"", with: "\"\"")
        }
        let path = try folder.write("parts.csv", text)
        let facts = try await facts(InventoryFixture.settings(licenses: path, scope: InventoryFixture.scope))
        #expect(Set(facts.licensing?.unlicensedTargets ?? []) == Self.unlicensed)
    }

    @Test func adminCenterProductNamesCannotSeeDisabledPlans() async throws {
        let facts = try await facts(
            InventoryFixture.settings(licenses: InventoryFixture.path("m365-active-users.csv"), scope: InventoryFixture.scope))
        let licensing = try #require(facts.licensing)
        #expect(licensing.format == "Microsoft 365 admin center \"Export users\" (Licenses column)")
        #expect(!licensing.disabledPlansVisible)
        // Lidia's E5 counts as licensed here: this export cannot show that its P1/P2 plans are off.
        #expect(Set(licensing.unlicensedTargets) == ["MeganB@contoso.com", "LeeG@contoso.com", "NestorW@contoso.com"])
        #expect(facts.inputs.first { $0.key == "inventory.licenses" }?.notes.contains { $0.contains("does not record disabled service plans") } == true)
    }

    @Test func assignedLicensesAsGraphJSON() async throws {
        let facts = try await facts(
            InventoryFixture.settings(licenses: InventoryFixture.path("assigned-licenses-json.csv"), scope: InventoryFixture.scope))
        #expect(facts.licensing?.format == "AssignedLicenses as Graph JSON")
        #expect(Set(facts.licensing?.unlicensedTargets ?? []) == Self.unlicensed)
        #expect(facts.licensing?.premiumDisabledTargets == ["LidiaH@contoso.com"])
    }

    @Test func aPowerShellTypeNameIsAClearError() async throws {
        let path = InventoryFixture.path("assigned-licenses-typename.csv")
        let facts = try await facts(InventoryFixture.settings(licenses: path))
        let message = try #require(facts.inputErrors["inventory.licenses"])
        #expect(message.hasPrefix("\(path):3:29: in the file named by 'inventory.licenses', 'AssignedLicenses' holds the PowerShell type name 'Microsoft.Graph.PowerShell.Models.MicrosoftGraphAssignedLicense[]' instead of values"), "\(message)")
        #expect(message.contains("Export the licences flattened, one row per user and SKU: Get-MgUser -All -Property Id,UserPrincipalName,AssignedLicenses"))
        #expect(facts.licensing == nil)
    }

    @Test func unknownSkusAreUnknownNotUnlicensed() async throws {
        var text = try InventoryFixture.text("licenses-flattened.csv")
        text += "\"NestorW@contoso.com\",\"99999999-aaaa-bbbb-cccc-000000000001\",\"CONTOSO_NEW_SKU\",\"\"\r\n"
        let unknown = try folder.write("unknown.csv", text)
        let facts = try await facts(InventoryFixture.settings(licenses: unknown, scope: InventoryFixture.scope))
        let licensing = try #require(facts.licensing)
        #expect(licensing.unknownTargets == [InventoryFacts.UnknownLicense(upn: "NestorW@contoso.com", unknown: ["CONTOSO_NEW_SKU"])])
        #expect(!licensing.unlicensedTargets.contains("NestorW@contoso.com"))
        #expect(licensing.unresolved == ["CONTOSO_NEW_SKU": 1])
    }

    @Test func anUnrecognisedLicenceHeaderListsTheColumns() async throws {
        let facts = try await facts(InventoryFixture.settings(licenses: InventoryFixture.registration))
        let message = try #require(facts.inputErrors["inventory.licenses"])
        #expect(message.hasPrefix("'\(InventoryFixture.registration)' (named by 'inventory.licenses') is not a licence export this tool recognises. Its columns are 'Id', 'UserPrincipalName',"), "\(message)")
        #expect(message.contains("Expected one of: 'SkuId' and/or 'SkuPartNumber' with 'UserPrincipalName'"))
    }

    @Test func licencesFromAnotherTenantMatchNobody() async throws {
        let path = try folder.write("other.csv", "\"UserPrincipalName\",\"SkuId\"\r\n\"someone@fabrikam.com\",\"05e9a617-0261-4cee-bb44-138d3ef5d965\"\r\n")
        let facts = try await facts(InventoryFixture.settings(licenses: path))
        #expect(facts.inputErrors["inventory.licenses"] == "None of the 1 rows of '\(path)' (named by 'inventory.licenses') names a user of the users export (matched by UPN). Are both exports from the same tenant? Export them again together.")
    }

    // MARK: Subscribed SKUs

    @Test(arguments: ["PrepaidUnits.Enabled", "PrepaidUnitsEnabled", "PrepaidEnabled", "Enabled"])
    func subscribedSkusUnderEveryEnabledHeader(header: String) async throws {
        let path = try InventoryFixture.variant("subscribed-skus.csv", in: folder, replacing: "\"PrepaidUnits.Enabled\"", with: "\"\(header)\"")
        let facts = try await facts(InventoryFixture.settings(licenses: InventoryFixture.licenses, skus: path))
        let skus = try #require(facts.capacity)
        #expect(skus.count == 8)
        #expect(skus.filter { $0.carriesPremium == true }.map(\.free).reduce(0, +) == 4)
        #expect(skus.first { $0.sku == "ENTERPRISEPACK" }?.carriesPremium == false)
    }

    @Test func subscribedSkusByPartNumberOnly() async throws {
        let rows = try readCSV(InventoryFixture.skus).dropFirst().map { "\"\($0[0])\",\"\($0[2])\",\"\($0[3])\"" }
        let path = try folder.write("parts.csv", (["\"SkuPartNumber\",\"ConsumedUnits\",\"PrepaidUnits.Enabled\""] + rows).joined(separator: "\r\n") + "\r\n")
        let facts = try await facts(InventoryFixture.settings(licenses: InventoryFixture.licenses, skus: path))
        let skus = try #require(facts.capacity)
        #expect(skus.filter { $0.carriesPremium == true }.map(\.sku) == ["SPE_E3", "SPE_E5", "SPB", "EMS", "AAD_PREMIUM"])
        #expect(skus.first?.skuId == "05e9a617-0261-4cee-bb44-138d3ef5d965", "the GUID comes from the licensing table")
    }

    @Test func subscribedSkusWithANestedPrepaidUnitsColumn() async throws {
        let path = InventoryFixture.path("subscribed-skus-typename.csv")
        let facts = try await facts(InventoryFixture.settings(licenses: InventoryFixture.licenses, skus: path))
        let message = try #require(facts.inputErrors["inventory.subscribedSkus"])
        #expect(message.hasPrefix("'\(path)' (named by 'inventory.subscribedSkus') is not a subscribed-SKU export this tool recognises. Its columns are 'SkuPartNumber', 'SkuId', 'ConsumedUnits', 'PrepaidUnits'."), "\(message)")
        #expect(message.contains("'PrepaidUnits' is a nested object that Export-Csv cannot write"))
        #expect(message.contains("@{n='PrepaidUnits.Enabled'; e={$_.PrepaidUnits.Enabled}}"))
    }

    @Test func aUnitCountThatIsNotANumberIsLocated() async throws {
        let path = try InventoryFixture.variant("subscribed-skus.csv", in: folder, replacing: "\"24\",\"25\"", with: "\"24\",\"lots\"")
        let facts = try await facts(InventoryFixture.settings(licenses: InventoryFixture.licenses, skus: path))
        #expect(facts.inputErrors["inventory.subscribedSkus"]?.hasPrefix("\(path):2:54: in the file named by 'inventory.subscribedSkus', 'PrepaidUnits.Enabled' holds 'lots', which is not a whole number of licence units.") == true, "\(facts.inputErrors)")
    }

    // MARK: Registration and scope

    @Test(arguments: ["registration-graph.csv", "registration-portal.csv"])
    func registrationFromGraphOrThePortal(file: String) async throws {
        let facts = try await facts(InventoryFixture.settings(registration: InventoryFixture.path(file), scope: InventoryFixture.scope))
        let registration = try #require(facts.registration)
        #expect(registration.registeredTargets == 6)
        #expect(Set(registration.unregisteredTargets) == ["LeeG@contoso.com", "GradyA@contoso.com", "NestorW@contoso.com"])
        #expect(registration.missingTargets == 0)
    }

    @Test func usersMissingFromTheRegistrationExportCountAsUnregistered() async throws {
        let path = try InventoryFixture.variant(
            "registration-graph.csv", in: folder,
            replacing: "\"87d349ed-44d7-43e1-9a83-5f2406dee5bd\",\"AdeleV@contoso.com\",\"Adele Vance\",\"member\",\"False\",\"True\",\"True\",\"False\",\"True\",\"True\",\"True\",\"microsoftAuthenticatorPush,softwareOneTimePasscode\",\"3/4/2025 10:15:00 AM\"\r\n",
            with: "")
        let facts = try await facts(InventoryFixture.settings(registration: path, scope: InventoryFixture.scope))
        #expect(facts.registration?.registeredTargets == 5)
        #expect(facts.registration?.missingTargets == 1)
        #expect(facts.registration?.unregisteredTargets.contains("AdeleV@contoso.com") == true)
    }

    @Test(arguments: ["scope-group-members.csv", "scope-group-portal.csv"])
    func scopeGroupByUPNOrPortalDownload(file: String) async throws {
        let facts = try await facts(InventoryFixture.settings(scope: InventoryFixture.path(file)))
        #expect(facts.scopeFromGroup && facts.inScope == 11 && facts.targets == 9)
        #expect(facts.disabledInScope == ["IsaiahL@contoso.com"])
        #expect(facts.cloudOnlyInScope == ["DiegoS@contoso.com"])
    }

    @Test func scopeGroupByObjectIdOnly() async throws {
        let ids = try readCSV(InventoryFixture.scope).dropFirst().map { "\"\($0[0])\"" }
        let path = try folder.write("ids.csv", (["\"Id\""] + ids).joined(separator: "\r\n") + "\r\n")
        let facts = try await facts(InventoryFixture.settings(scope: path))
        #expect(facts.inScope == 11 && facts.targets == 9)
    }

    @Test func nestedGroupsAndUnknownMembersAreReported() async throws {
        var text = try InventoryFixture.text("scope-group-members.csv")
        text += "\"3f1c9a7e-0000-4000-8000-000000000001\",\"\",\"#microsoft.graph.group\"\r\n"
        text += "\"3f1c9a7e-0000-4000-8000-000000000002\",\"ghost@contoso.com\",\"#microsoft.graph.user\"\r\n"
        let path = try folder.write("nested.csv", text)
        let facts = try await facts(InventoryFixture.settings(scope: path))
        #expect(facts.scopeNestedGroups == 1)
        #expect(facts.scopeMembersNotInUsers == ["ghost@contoso.com"])
        #expect(facts.inScope == 11)
    }

    @Test func anUnrecognisedRegistrationHeaderListsTheColumns() async throws {
        let facts = try await facts(InventoryFixture.settings(registration: InventoryFixture.licenses))
        let message = try #require(facts.inputErrors["inventory.registration"])
        #expect(message.hasPrefix("'\(InventoryFixture.licenses)' (named by 'inventory.registration') is not a user registration details export this tool recognises. Its columns are 'UserPrincipalName', 'SkuId', 'SkuPartNumber', 'DisabledPlans'. Expected 'userPrincipalName' (or 'id') and 'isSsprRegistered'"), "\(message)")
    }

    @Test func everyOtherInputErrorSaysWhatAndWhere() async throws {
        // Registration: a value that is neither registered nor not.
        let registration = try InventoryFixture.variant(
            "registration-portal.csv", in: folder, replacing: "Not Capable,Not Registered,Enabled", with: "Not Capable,Pending,Enabled")
        var facts = try await facts(InventoryFixture.settings(registration: registration))
        #expect(facts.inputErrors["inventory.registration"]?.hasPrefix("\(registration):5:") == true, "\(facts.inputErrors)")
        #expect(facts.inputErrors["inventory.registration"]?.contains("'SSPR Registered' holds 'Pending', which is neither registered nor not registered (expected True/False or Registered/Not Registered).") == true)

        // Registration from another tenant.
        let other = try folder.write("other-registration.csv", "\"UserPrincipalName\",\"IsSsprRegistered\"\r\n\"x@fabrikam.com\",\"True\"\r\n")
        facts = try await self.facts(InventoryFixture.settings(registration: other))
        #expect(facts.inputErrors["inventory.registration"] == "None of the 1 rows of '\(other)' (named by 'inventory.registration') names a user of the users export. Are both exports from the same tenant? Export them again together.")

        // Scope group without a user column.
        facts = try await self.facts(InventoryFixture.settings(scope: InventoryFixture.skus))
        let scopeMessage = try #require(facts.inputErrors["inventory.scopeGroup"])
        #expect(scopeMessage.hasPrefix("'\(InventoryFixture.skus)' (named by 'inventory.scopeGroup') is not a group member export this tool recognises. Its columns are 'SkuPartNumber', 'SkuId', 'ConsumedUnits', 'PrepaidUnits.Enabled'. Expected 'userPrincipalName' and/or 'id'"), "\(scopeMessage)")

        // Licences: a SkuId that is not a GUID, and AssignedLicenses that is not JSON.
        let badSku = try InventoryFixture.variant(
            "licenses-flattened.csv", in: folder, replacing: "\"AdeleV@contoso.com\",\"05e9a617-0261-4cee-bb44-138d3ef5d965\"",
            with: "\"AdeleV@contoso.com\",\"05e9a617-0261\"")
        facts = try await self.facts(InventoryFixture.settings(licenses: badSku))
        #expect(facts.inputErrors["inventory.licenses"]?.hasPrefix("\(badSku):2:22: in the file named by 'inventory.licenses', 'SkuId' holds '05e9a617-0261', which is not a SKU GUID.") == true, "\(facts.inputErrors)")
        let badJSON = try InventoryFixture.variant(
            "assigned-licenses-json.csv", in: folder, replacing: "\"{\"\"DisabledPlans\"\":[],\"\"SkuId\"\":\"\"05e9a617", with: "\"[{\"\"DisabledPlans\"\":[],\"\"SkuId\"\":\"\"05e9a617")
        facts = try await self.facts(InventoryFixture.settings(licenses: badJSON))
        #expect(facts.inputErrors["inventory.licenses"]?.contains("'AssignedLicenses' holds '[{\"DisabledPlans\":[],\"SkuId\":\"05e9a617") == true, "\(facts.inputErrors)")
        #expect(facts.inputErrors["inventory.licenses"]?.contains("which is not JSON. Export it with ConvertTo-Json -Compress") == true)
    }

    @Test func aNewerCatalogDownloadIsUsedAndDated() async throws {
        let builtIn = try #require(SkuCatalog.builtInPath())
        let copy = folder.url("catalog.csv")
        try FileManager.default.copyItem(atPath: builtIn, toPath: copy)
        let facts = try await facts(InventoryFixture.settings(licenses: InventoryFixture.licenses, catalog: copy))
        #expect(facts.catalog?.builtIn == false && facts.catalog?.source == copy)
        #expect(facts.catalog?.date?.hasSuffix("(file date)") == true)
        #expect(facts.licensing?.licensedTargets == 6)
    }
}
