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

/// INV-001 to INV-006 through the runner with the real catalog files: each check's pass, fail (or warn) and error.
@Suite("Inventory checks (INV-001 to INV-006)")
struct InventoryCheckTests {
    let folder = try! TemporaryFolder("inventory-checks")
    static let all = ["INV-001", "INV-002", "INV-003", "INV-004", "INV-005", "INV-006"]

    @Test func everyCheckSkipsWithNoInputWithoutConfiguration() async throws {
        let results = try await runInventoryChecks(Self.all, InventoryFixture.settings(users: nil))
        for id in Self.all {
            #expect(results[id]?.status == .skip && results[id]?.reason == .noInput, "\(id): \(results[id]?.message ?? "")")
        }
        #expect(results["INV-001"]?.message == "No 'inventory.users' is configured, so this was not checked. The inventory section of docs/collecting-exports.md says how to export each file.")
        #expect(results["INV-004"]?.message.contains("'inventory.users' or 'inventory.licenses' or 'inventory.subscribedSkus'") == true)
    }

    @Test func theFixtureTenantThroughTheRunner() async throws {
        let results = try await runInventoryChecks(Self.all, InventoryFixture.everything)

        let exports = try #require(results["INV-001"])
        #expect(exports.status == .pass, "\(exports.message)")
        #expect(exports.message.hasPrefix("Read entra-download-users.csv (Entra admin center \"Download users\", 14 rows); scope-group-members.csv (group members, 11 rows); licenses-flattened.csv"), "\(exports.message)")
        #expect(exports.message.contains("11 users in scope (members of the scope group), 9 of them enabled and synchronized from AD."))
        #expect(exports.table("Exports read")?.count == 5)
        let totals = try #require(exports.table("Users"))
        #expect(totals.contains(["In scope, enabled and synchronized (judged below)", "9"]))
        #expect(totals.contains(["… without", "4"]) && totals.contains(["… not registered", "3"]))

        let cloudOnly = try #require(results["INV-002"])
        #expect(cloudOnly.status == .warn)
        #expect(cloudOnly.message.hasPrefix("1 of 11 in-scope users (9.1%) are cloud-only (not synchronized from AD per 'directorySynced')."), "\(cloudOnly.message)")
        #expect(cloudOnly.findings.map(\.target) == ["DiegoS@contoso.com"])

        let licences = try #require(results["INV-003"])
        #expect(licences.status == .fail)
        #expect(licences.message.hasPrefix("4 of 9 in-scope synchronized users (44.4%) have no enabled Entra ID P1 or P2 service plan (1 of them have the plan but disabled)"), "\(licences.message)")
        #expect(Set(licences.findings.map(\.target)) == InventoryExportTests.unlicensed)
        #expect(licences.findings.allSatisfy { $0.status == .fail })
        #expect(licences.findings.first { $0.target == "LidiaH@contoso.com" }?.message.contains("disabled") == true)
        #expect(licences.remediation.contains("Set-MgUserLicense"))

        let capacity = try #require(results["INV-004"])
        #expect(capacity.status == .pass, "\(capacity.message)")
        #expect(capacity.message.hasPrefix("The 4 in-scope synchronized users without P1/P2 fit in the 4 free units of the SKUs that carry it."), "\(capacity.message)")
        #expect(capacity.count("freePremiumUnits") == 4 && capacity.count("needed") == 4)

        let registration = try #require(results["INV-005"])
        #expect(registration.status == .warn)
        #expect(registration.message.hasPrefix("6 of 9 in-scope synchronized users (66.7%) are registered for SSPR, below the 80% threshold"), "\(registration.message)")
        #expect(Set(registration.findings.map(\.target)) == ["LeeG@contoso.com", "GradyA@contoso.com", "NestorW@contoso.com"])

        let disabled = try #require(results["INV-006"])
        #expect(disabled.status == .warn)
        #expect(disabled.findings.map(\.target) == ["IsaiahL@contoso.com"])
        #expect(disabled.message.hasPrefix("1 of the 11 members of the scope group are disabled (per 'accountEnabled')."))
    }

    @Test func passingTenant() async throws {
        // The same tenant with licences fixed for everyone in scope, everyone registered and a clean scope group.
        var licenses = try InventoryFixture.text("licenses-flattened.csv")
        licenses = licenses.replacingOccurrences(of: "41781fb2-bc02-4b7c-bd55-b576c07bb09d;eec0eb4f-6444-4f95-aba0-50c24d67f998;", with: "")
        for user in ["MeganB", "LeeG", "NestorW"] {
            licenses += "\"\(user)@contoso.com\",\"078d2b04-f1bd-4111-bbd4-b4b1b354cef4\",\"AAD_PREMIUM\",\"\"\r\n"
        }
        let licensePath = try folder.write("licenses.csv", licenses)
        let registration = try InventoryFixture.text("registration-graph.csv").replacingOccurrences(
            of: "\"False\",\"True\",\"False\",\"\",\"3/4", with: "\"True\",\"True\",\"True\",\"x\",\"3/4")
        let registrationPath = try folder.write("registration.csv", registration)
        let scope = try InventoryFixture.text("scope-group-members.csv").split(separator: "\r\n")
            .filter { !$0.contains("IsaiahL") && !$0.contains("DiegoS") }.joined(separator: "\r\n") + "\r\n"
        let scopePath = try folder.write("scope.csv", scope)
        let results = try await runInventoryChecks(
            Self.all,
            InventoryFixture.settings(licenses: licensePath, skus: InventoryFixture.skus, registration: registrationPath, scope: scopePath))
        for id in Self.all {
            #expect(results[id]?.status == .pass, "\(id): \(results[id]?.message ?? "")")
            #expect(results[id]?.findings.isEmpty == true, "\(id)")
        }
        #expect(results["INV-003"]?.message == "All 9 in-scope synchronized users have an enabled Entra ID P1 or P2 service plan (disabled plans honoured).")
        #expect(results["INV-004"]?.message.hasPrefix("No in-scope synchronized user lacks a P1/P2 licence, so no units are needed.") == true)
        #expect(results["INV-005"]?.message.hasPrefix("9 of 9 in-scope synchronized users (100.0%) are registered for SSPR, at or above the 80% threshold.") == true)
        #expect(results["INV-006"]?.message == "No disabled account is among the 9 members of the scope group (per 'accountEnabled').")
        #expect(results["INV-002"]?.message.hasPrefix("Every one of the 9 enabled in-scope users is synchronized from AD") == true)
    }

    @Test func capacityFailsWithTheNumbers() async throws {
        let skus = try InventoryFixture.variant("subscribed-skus.csv", in: folder, replacing: "\"SPE_E3\",\"05e9a617-0261-4cee-bb44-138d3ef5d965\",\"24\"", with: "\"SPE_E3\",\"05e9a617-0261-4cee-bb44-138d3ef5d965\",\"26\"")
        let results = try await runInventoryChecks(
            ["INV-004"], InventoryFixture.settings(licenses: InventoryFixture.licenses, skus: skus, scope: InventoryFixture.scope))
        let check = try #require(results["INV-004"])
        #expect(check.status == .fail)
        #expect(check.message.hasPrefix("4 in-scope synchronized users need a P1/P2 licence, but only 3 units are free on the SKUs that carry P1 or P2: 1 short. SKUs with P1/P2: SPE_E3 0 free (25 enabled, 26 consumed)"), "\(check.message)")
        #expect(check.findings.map(\.target) == ["tenant"])
        #expect(check.table("Licence units")?.last == ["Needed for unlicensed users", "", "", "", "4"])
    }

    @Test func capacityCannotDecideOnUnknownSkus() async throws {
        var text = try InventoryFixture.text("subscribed-skus.csv").replacingOccurrences(of: "\"SPE_E3\",\"05e9a617-0261-4cee-bb44-138d3ef5d965\",\"24\"", with: "\"SPE_E3\",\"05e9a617-0261-4cee-bb44-138d3ef5d965\",\"26\"")
        text += "\"CONTOSO_NEW_SKU\",\"99999999-aaaa-bbbb-cccc-000000000001\",\"0\",\"10\"\r\n"
        let skus = try folder.write("skus.csv", text)
        let results = try await runInventoryChecks(
            ["INV-004"], InventoryFixture.settings(licenses: InventoryFixture.licenses, skus: skus, scope: InventoryFixture.scope))
        #expect(results["INV-004"]?.status == .error, "\(results["INV-004"]?.message ?? "")")
        #expect(results["INV-004"]?.message.contains("Not counted: CONTOSO_NEW_SKU (10 free units; not in the licensing table).") == true)
    }

    @Test func unknownSkusMakeINV003AnErrorNotAPass() async throws {
        // Everyone in scope is licensed except Nestor, whose only SKU the table does not know.
        var licenses = try InventoryFixture.text("licenses-flattened.csv")
        licenses = licenses.replacingOccurrences(of: "41781fb2-bc02-4b7c-bd55-b576c07bb09d;eec0eb4f-6444-4f95-aba0-50c24d67f998;", with: "")
        for user in ["MeganB", "LeeG"] { licenses += "\"\(user)@contoso.com\",\"078d2b04-f1bd-4111-bbd4-b4b1b354cef4\",\"AAD_PREMIUM\",\"\"\r\n" }
        licenses += "\"NestorW@contoso.com\",\"99999999-aaaa-bbbb-cccc-000000000001\",\"\",\"\"\r\n"
        let path = try folder.write("licenses.csv", licenses)
        let results = try await runInventoryChecks(["INV-003"], InventoryFixture.settings(licenses: path, scope: InventoryFixture.scope))
        let check = try #require(results["INV-003"])
        #expect(check.status == .error, "\(check.message)")
        #expect(check.message.contains("1 more could not be judged: their SKUs (SkuId 99999999-aaaa-bbbb-cccc-000000000001) are not in the licensing table; name a newer download in 'inventory.skuCatalog'."), "\(check.message)")
        #expect(check.findings.map(\.target) == ["NestorW@contoso.com"] && check.findings.first?.status == .error)
    }

    @Test func adminCenterLicencesWarnInsteadOfPass() async throws {
        // Give the three unlicensed users a P1 product in the admin center export: all assigned, but plans unseen.
        var text = try InventoryFixture.text("m365-active-users.csv")
        text = text.replacingOccurrences(of: ",Office 365 E3,", with: ",Microsoft 365 E3,")
            .replacingOccurrences(of: "Microsoft 365 Business Standard+Microsoft Teams Exploratory", with: "Microsoft 365 Business Premium")
            .replacingOccurrences(of: ",,Unlicensed,", with: ",,Microsoft Entra ID P1,")
        let path = try folder.write("m365.csv", text)
        let results = try await runInventoryChecks(["INV-003"], InventoryFixture.settings(licenses: path, scope: InventoryFixture.scope))
        let check = try #require(results["INV-003"])
        #expect(check.status == .warn, "\(check.message)")
        #expect(check.message.contains("does not record disabled service plans"))
    }

    @Test func registrationPassesAtALowerThreshold() async throws {
        let results = try await runInventoryChecks(
            ["INV-005"], InventoryFixture.settings(registration: InventoryFixture.registration, scope: InventoryFixture.scope), threshold: 0.6)
        #expect(results["INV-005"]?.status == .pass, "\(results["INV-005"]?.message ?? "")")
        #expect(results["INV-005"]?.message.contains("3 are not registered yet") == true)
    }

    @Test func aScopeThatMatchesNobodyIsAnErrorNeverAPass() async throws {
        let scope = try folder.write("scope.csv", "\"Id\",\"UserPrincipalName\"\r\n\"00000000-0000-4000-8000-000000000001\",\"someone@fabrikam.com\"\r\n")
        let results = try await runInventoryChecks(
            Self.all,
            InventoryFixture.settings(licenses: InventoryFixture.licenses, skus: InventoryFixture.skus, registration: InventoryFixture.registration, scope: scope))
        for id in Self.all {
            #expect(results[id]?.status == .error, "\(id): \(results[id]?.status.rawValue ?? "") \(results[id]?.message ?? "")")
        }
        #expect(results["INV-001"]?.message.hasPrefix("No user is in scope (members of the scope group), so readiness cannot be judged. None of the 1 rows of the scope group export matches a user of the users export") == true, "\(results["INV-001"]?.message ?? "")")
    }

    @Test func noSynchronizedUserIsAnErrorForTheLicenceChecks() async throws {
        let users = try InventoryFixture.text("entra-download-users.csv").replacingOccurrences(of: ",True,,contoso.onmicrosoft.com,", with: ",,,contoso.onmicrosoft.com,")
        let path = try folder.write("users.csv", users)
        let results = try await runInventoryChecks(
            ["INV-001", "INV-003", "INV-005"], InventoryFixture.settings(users: path, licenses: InventoryFixture.licenses, registration: InventoryFixture.registration))
        #expect(results["INV-001"]?.status == .warn)
        #expect(results["INV-001"]?.message.contains("no in-scope user is enabled and synchronized from AD") == true)
        for id in ["INV-003", "INV-005"] {
            #expect(results[id]?.status == .error, "\(id)")
            #expect(results[id]?.message.hasPrefix("None of the 12 in-scope users is an enabled user synchronized from AD (per 'directorySynced')") == true, "\(results[id]?.message ?? "")")
        }
    }

    @Test func malformedInputMakesTheChecksThatNeedItErrorWithItsLocation() async throws {
        let broken = try folder.write("broken.csv", "\"UserPrincipalName\",\"SkuId\"\r\n\"AdeleV@contoso.com\",\"05e9a617-0261-4cee-bb44-138d3ef5d965\r\n")
        let results = try await runInventoryChecks(
            ["INV-001", "INV-002", "INV-003", "INV-005"],
            InventoryFixture.settings(licenses: broken, registration: InventoryFixture.registration))
        let expected = "\(broken):2:22: in the file named by 'inventory.licenses', a quoted field opened here (line 2) is never closed"
        #expect(results["INV-001"]?.status == .error)
        #expect(results["INV-001"]?.message.contains(expected) == true, "\(results["INV-001"]?.message ?? "")")
        #expect(results["INV-001"]?.findings.first?.target == "inventory.licenses")
        #expect(results["INV-003"]?.status == .error && results["INV-003"]?.message.hasPrefix(expected) == true)
        // Checks that do not need the broken file still judge.
        #expect(results["INV-002"]?.status == .warn)
        #expect(results["INV-005"]?.status == .warn)
    }

    @Test func checksThatCannotTellSayErrorNotPass() async throws {
        // A scope group holding only a disabled account: nobody in scope could use SSPR.
        let disabledOnly = try folder.write(
            "disabled.csv", "\"Id\",\"UserPrincipalName\"\r\n\"40079818-3808-4585-903b-02605f061225\",\"IsaiahL@contoso.com\"\r\n")
        let first = try await runInventoryChecks(["INV-002", "INV-006"], InventoryFixture.settings(scope: disabledOnly))
        #expect(first["INV-002"]?.status == .error)
        #expect(first["INV-002"]?.message.hasPrefix("All 1 members of the scope group are disabled accounts") == true, "\(first["INV-002"]?.message ?? "")")
        #expect(first["INV-006"]?.status == .warn)

        // Get-MgUser without -Property AccountEnabled: the column is there but empty, so "no disabled account" is unknown.
        let users = try folder.write(
            "users.csv",
            "\"Id\",\"UserPrincipalName\",\"AccountEnabled\",\"OnPremisesSyncEnabled\"\r\n"
                + "\"87d349ed-44d7-43e1-9a83-5f2406dee5bd\",\"AdeleV@contoso.com\",\"\",\"True\"\r\n"
                + "\"40079818-3808-4585-903b-02605f061225\",\"IsaiahL@contoso.com\",\"\",\"True\"\r\n")
        let second = try await runInventoryChecks(["INV-006"], InventoryFixture.settings(users: users, scope: InventoryFixture.scope))
        #expect(second["INV-006"]?.status == .error)
        #expect(second["INV-006"]?.message.hasPrefix("'AccountEnabled' is empty for every member of the scope group") == true, "\(second["INV-006"]?.message ?? "")")
    }

    @Test func duplicatesAndStrayMembersWarnInINV001() async throws {
        var users = try InventoryFixture.text("entra-download-users.csv")
        users += "adelev@contoso.com,Adele Vance,Vance,,Adele,,Member,,,True,US,,,,,,,,,,,,,,,True,,,\r\n"
        let usersPath = try folder.write("users.csv", users)
        var scope = try InventoryFixture.text("scope-group-members.csv")
        scope += "\"3f1c9a7e-0000-4000-8000-000000000001\",\"\",\"#microsoft.graph.group\"\r\n"
        let scopePath = try folder.write("scope.csv", scope)
        let results = try await runInventoryChecks(["INV-001"], InventoryFixture.settings(users: usersPath, scope: scopePath))
        let check = try #require(results["INV-001"])
        #expect(check.status == .warn)
        #expect(check.message.hasSuffix("Warnings: 1 duplicate UPN in the users export; 1 nested group in the scope group, not expanded."), "\(check.message)")
        #expect(check.findings.map(\.target) == ["adelev@contoso.com", scopePath])
    }

    @Test func everyUserIsAFindingAndTheCountsAgree() async throws {
        var configuration = Configuration()
        configuration.inventory = InventoryFixture.settings(registration: InventoryFixture.registration, scope: InventoryFixture.scope)
        let facts = try await InventoryFixture.gather(configuration.inventory)
        let evaluation = InventoryJudgements.registration(facts, threshold: 0.8)
        #expect(evaluation.findings.count == 3)
        #expect(evaluation.evidence["unregistered"]?.numberValue == 3)
        #expect(!evaluation.message.contains("are listed"), "\(evaluation.message)")
    }

    @Test func factsRoundTripThroughCodable() async throws {
        let facts = try await InventoryFixture.gather(InventoryFixture.everything)
        let decoded = try JSONDecoder().decode(InventoryFacts.self, from: JSONEncoder().encode(facts))
        #expect(decoded == facts)
    }
}
