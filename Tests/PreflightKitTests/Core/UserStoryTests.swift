import Foundation
import PreflightTestSupport
import Testing

@testable import PreflightCore
@testable import PreflightInventory
@testable import PreflightMonitoring
@testable import PreflightReporting

/// The parts of `preflight why` that are pure functions of facts: the tenant's side of one user from the inventory
/// fixtures (real export layouts), the user keys the inventory facts keep, the monitoring name match, and the verdict's
/// agreement with the per-user readiness. The whole story against the lab's DC: WhyCommandTests.
@Suite("why: the story's parts")
struct UserStoryTests {
    static func tenant(_ upn: String?) async throws -> InventoryUserStory.Story {
        let facts = try await InventoryFixture.gather(InventoryFixture.everything)
        return try #require(InventoryUserStory.story(upn: upn, noUPN: "no UPN", in: ["something else", facts]))
    }

    /// Each SKU of a user with its P1/P2 plans and whether the assignment leaves them on, in the three licence export
    /// layouts INV-003 reads (Fixtures/inventory): Lidia's E5 has both plans switched off, Megan's Office 365 E3 has none.
    @Test func theLicenceListsEachSKUsWritebackPlansInEveryLayout() async throws {
        let catalog = try SkuCatalog.builtIn()
        let p1 = "AAD_PREMIUM (Microsoft Entra ID P1)", p2 = "AAD_PREMIUM_P2 (Microsoft Entra ID P2)"
        for layout in ["licenses-flattened.csv", "assigned-licenses-json.csv"] {
            let path = InventoryFixture.path(layout)
            let lidia = try #require(try LicenseExport.licences(of: "lidiah@CONTOSO.com", path: path, catalog: catalog))
            #expect(lidia.map(\.sku) == ["SPE_E5"], "\(layout): \(lidia)")
            #expect(lidia.first?.plans.map(\.name) == [p1, p2] && lidia.first?.plans.allSatisfy { $0.enabled == false } == true, "\(layout): \(lidia)")
            let adele = try #require(try LicenseExport.licences(of: "AdeleV@contoso.com", path: path, catalog: catalog))
            #expect(adele.first?.sku == "SPE_E3" && adele.first?.plans.map(\.name) == [p1] && adele.first?.plans.first?.enabled == true, "\(adele)")
            let megan = try #require(try LicenseExport.licences(of: "MeganB@contoso.com", path: path, catalog: catalog))
            #expect(megan.map(\.sku) == ["ENTERPRISEPACK"] && megan.first?.plans == [], "\(layout): \(megan)")
        }
        // The admin center's product names do not record disabled plans: the plans are listed as included, not enabled.
        let names = try #require(try LicenseExport.licences(of: "LidiaH@contoso.com", path: InventoryFixture.path("m365-active-users.csv"), catalog: catalog))
        #expect(names.first?.product == "Microsoft 365 E5" && names.first?.plans.allSatisfy { $0.enabled == nil } == true, "\(names)")
        #expect(try LicenseExport.licences(of: "nobody@contoso.com", path: InventoryFixture.licenses, catalog: catalog) == [])

        // Through the story: from the run's facts, and refused where the file is no longer the one the run read.
        let facts = try await InventoryFixture.gather(InventoryFixture.everything)
        let told = try #require(InventoryUserStory.licences(of: "LidiaH@contoso.com", in: [facts], unchanged: { _, _ in true }))
        #expect(told.source.hasPrefix(InventoryFixture.licenses) && told.skus.map(\.sku) == ["SPE_E5"], "\(told)")
        let changed = try #require(InventoryUserStory.licences(of: "LidiaH@contoso.com", in: [facts], unchanged: { _, _ in false }))
        #expect(changed.skus.isEmpty && changed.source.contains("no longer the file the run read"), "\(changed)")
        let text = UserStoryRenderer.text(
            UserStory(
                query: "lidia", source: "test", user: UserStory.Identity(upn: "LidiaH@contoso.com"),
                scope: UserStory.Scope(synchronization: Self.yes, sspr: Self.yes),
                tenant: { var tenant = Self.tenant; tenant.licences = told; return tenant }(), monitoring: UserStory.Monitoring(),
                verdict: Self.verdict([])))
        #expect(text.contains("      SPE_E5 (Microsoft 365 E5): \(p1) disabled in this assignment: grants nothing\n"), "\(text)")
    }

    /// The fixture tenant's table (Fixtures/inventory/SOURCE.md), user by user.
    @Test func theTenantsSideOfEachKindOfUserIsWhatTheFixtureTenantSays() async throws {
        let adele = try await Self.tenant("adelev@CONTOSO.com")
        #expect(adele.sspr.answer == .yes)
        #expect([adele.tenant.inUsersExport, adele.tenant.synchronized, adele.tenant.enabled, adele.tenant.licence, adele.tenant.registration]
            .allSatisfy { $0.answer == .yes }, "matched ignoring case: \(adele.tenant)")
        let megan = try await Self.tenant("MeganB@contoso.com")
        #expect(megan.tenant.licence.answer == .no && megan.tenant.licence.detail.hasPrefix("No assigned SKU includes"))
        let lidia = try await Self.tenant("LidiaH@contoso.com")
        #expect(lidia.tenant.licence.answer == .no && lidia.tenant.licence.detail.contains("those service plans are disabled"))
        let lee = try await Self.tenant("LeeG@contoso.com")
        #expect(lee.tenant.registration.answer == .no)
        let isaiah = try await Self.tenant("IsaiahL@contoso.com")
        #expect(isaiah.tenant.enabled.answer == .no && isaiah.tenant.licence.answer == .unknown, "a disabled user is not judged further")
        let diego = try await Self.tenant("DiegoS@contoso.com")
        #expect(diego.tenant.synchronized.answer == .no && diego.tenant.licence.answer == .unknown)
        let patti = try await Self.tenant("PattiF@contoso.com")
        #expect(patti.sspr.answer == .no && patti.sspr.detail.contains("not a member of the SSPR scope group"))
        #expect(patti.tenant.inUsersExport.answer == .yes && patti.tenant.licence.answer == .unknown)
        let stranger = try await Self.tenant("nobody@contoso.com")
        #expect(stranger.tenant.inUsersExport.answer == .no && stranger.sspr.answer == .no)
        let unnamed = try await Self.tenant(nil)
        #expect(unnamed.sspr == UserStory.Side(.unknown, "no UPN"))
        #expect(InventoryUserStory.story(upn: "AdeleV@contoso.com", noUPN: "", in: ["no inventory facts"]) == nil)
    }

    /// Saved facts carry the keys: they survive the JSON round trip, and facts saved before them say so rather than guess.
    @Test func theUserKeysSurviveSavingAndOlderFactsAreUnknown() async throws {
        var facts = try await InventoryFixture.gather(InventoryFixture.everything)
        let keys = try #require(facts.userKeys)
        #expect(keys.words.count == 14, "every user of the users export, in scope or not")
        let decoded = try JSONDecoder().decode(InventoryFacts.self, from: try JSONEncoder().encode(facts))
        #expect(decoded == facts)
        #expect(decoded.userKeys?.membership(of: "PattiF@contoso.com") == .outOfScope)
        #expect(decoded.userKeys?.membership(of: "pattif@contoso.com ") == .notInExport, "no trimming inside the keys")
        facts.userKeys = nil
        let older = try #require(InventoryUserStory.story(upn: "AdeleV@contoso.com", noUPN: "", in: [facts]))
        #expect(older.sspr.answer == .unknown && older.tenant.licence.answer == .unknown)
    }

    @Test func anEventNamesAUserOnlyByTheWholeName() {
        #expect(MonitoringUserStory.mentions("Details: carol@corp.example.test, Reason: x", "carol@corp.example.test"))
        #expect(MonitoringUserStory.mentions("Reset of CAROL@corp.example.test.", "carol@corp.example.test"))
        #expect(!MonitoringUserStory.mentions("Details: xcarol@corp.example.test", "carol@corp.example.test"))
        #expect(!MonitoringUserStory.mentions("Details: carol@corp.example.test.uk", "carol@corp.example.test"))
        #expect(!MonitoringUserStory.mentions("Details: carol@corp.example.tester", "carol@corp.example.test"))
    }

    // MARK: The verdict and the per-user readiness

    static let yes = UserStory.Side(.yes, "yes")
    static let user = UserStory.Identity(dn: "CN=dave,OU=Legacy,DC=corp,DC=test", upn: "dave@contoso.com")
    static let scope = UserStory.Scope(synchronization: yes, sspr: yes)
    static let tenant = UserStory.Tenant(inUsersExport: yes, synchronized: yes, enabled: yes, licence: yes, registration: yes)
    static let granted = UserStory.Right(
        id: "reset-password", name: "Reset Password", object: user.dn ?? "", checks: ["AD-003"], verdict: .granted, explanation: "", aces: [])

    static func verdict(_ checks: [CheckResult], user: UserStory.Identity = user, tenant: UserStory.Tenant = tenant) -> UserStory.Verdict {
        UserStory.verdict(
            readiness: Readiness(checks: checks), user: user, scope: scope, tenant: tenant, rights: [granted], account: nil, selection: nil)
    }

    @Test func theVerdictIsThePerUserReadinessOfTheSameReport() {
        // dave is blocked in the readiness (AD-003, AD-004 and INV-003 name him): the same causes, the same checks.
        let blocked = Self.verdict(ReadinessSample.checks())
        let readiness = Readiness(checks: ReadinessSample.checks())
        let entry = readiness.users.first { $0.user == "dave@contoso.com" }
        #expect(blocked.state == .blocked)
        #expect(blocked.blockers.map(\.cause) == entry?.blockers.map(\.cause))
        #expect(blocked.blockers.map(\.checks) == entry?.blockers.map(\.checks))

        // Someone no check names: ready when every side is assessed, blocked only by a check that blocks everyone.
        let amy = UserStory.Identity(dn: "CN=amy,OU=Staff,DC=corp,DC=test", upn: "zoe@contoso.com")
        #expect(Self.verdict(ReadinessSample.checks(directory: .pass, licence: .pass), user: amy).state == .ready)
        let everyone = Self.verdict(ReadinessSample.checks(directory: .pass, licence: .pass, environment: .fail), user: amy)
        #expect(everyone.state == .blocked && everyone.blockers.isEmpty && everyone.environment == ["CON-007"])
    }

    @Test func aSideNotAssessedMakesTheVerdictUnknownNeverReady() {
        let amy = UserStory.Identity(upn: "zoe@contoso.com")
        // The licence check skipped: the readiness has a gap.
        let skipped = Self.verdict(ReadinessSample.checks(directory: .pass, licence: .skip), user: amy)
        #expect(skipped.state == .unknown && skipped.unknown.contains("licence: INV-003 was skipped"), "\(skipped)")
        // Every check judged, but this user's licence is not known (an unknown SKU): unknown too.
        var tenant = Self.tenant
        tenant.licence = UserStory.Side(.unknown, "Its SKUs (X) are not in the licensing table.")
        let unknownSKU = Self.verdict(ReadinessSample.checks(directory: .pass, licence: .pass), user: amy, tenant: tenant)
        #expect(unknownSKU.state == .unknown && unknownSKU.unknown == ["licence: Its SKUs (X) are not in the licensing table."])
        // A user no side of the tenant knows is blocked by that, not "ready".
        tenant.inUsersExport = UserStory.Side(.no, "not in the export")
        let absent = Self.verdict(ReadinessSample.checks(directory: .pass, licence: .pass), user: amy, tenant: tenant)
        #expect(absent.state == .blocked && absent.blockers.map(\.cause) == ["not-in-tenant"])
    }
}
