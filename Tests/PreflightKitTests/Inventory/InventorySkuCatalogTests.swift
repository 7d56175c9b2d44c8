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

/// Microsoft's licensing table exactly as shipped (the built-in resource) and the variants older downloads have.
@Suite("Inventory licensing table")
struct InventorySkuCatalogTests {
    let folder = try! TemporaryFolder("inventory-catalog")

    static func builtInText() throws -> String {
        let path = try #require(SkuCatalog.builtInPath())
        return try String(contentsOfFile: path, encoding: .utf8)
    }

    @Test func theBuiltInCopyIsMicrosoftsFileUnmodified() throws {
        let path = try #require(SkuCatalog.builtInPath(), "the resource bundle is next to the test binary")
        let data = try Data(contentsOf: URL(fileURLWithPath: path))
        #expect(Array(data.prefix(3)) == [0xEF, 0xBB, 0xBF], "UTF-8 with BOM, as shipped")
        #expect(data.contains(Data("\r\n".utf8)))
        let source = try String(
            contentsOfFile: (path as NSString).deletingLastPathComponent + "/SOURCE.md", encoding: .utf8)
        #expect(source.contains("SHA-256: \(SHA256.hex([UInt8](data)))"), "SOURCE.md records the checksum of the shipped file")
        #expect(source.contains(SkuCatalog.builtInDate))
    }

    @Test func premiumSkusFromTheRealTable() throws {
        let catalog = try SkuCatalog.builtIn()
        #expect(catalog.rows == 5457)
        #expect(catalog.date == SkuCatalog.builtInDate)
        func premium(_ part: String) throws -> [GUID] { try #require(catalog.sku(partNumber: part), "\(part)").premiumPlans }
        // Business Premium, Microsoft 365 E3/E5, EMS E3 and Entra ID P1/P2 carry P1 (P2 includes it too).
        #expect(try premium("SPB") == [SkuCatalog.p1Plan])
        #expect(try premium("SPE_E3") == [SkuCatalog.p1Plan])
        #expect(Set(try premium("SPE_E5")) == SkuCatalog.premiumPlans)
        #expect(try premium("EMS") == [SkuCatalog.p1Plan])
        #expect(try premium("AAD_PREMIUM") == [SkuCatalog.p1Plan])
        #expect(try premium("IDENTITY_THREAT_PROTECTION") == [SkuCatalog.p2Plan], "Microsoft 365 E5 Security carries only P2")
        // Business Standard and Basic, Office 365 E3 and E5 do not.
        for part in ["O365_BUSINESS_PREMIUM", "O365_BUSINESS_ESSENTIALS", "ENTERPRISEPACK", "ENTERPRISEPREMIUM"] {
            #expect(try premium(part).isEmpty, "\(part)")
        }
        #expect(catalog.premiumSkuCount >= 60)
    }

    @Test func strayNoBreakSpacesAreTrimmed() throws {
        let catalog = try SkuCatalog.builtIn()
        // The table writes this SKU's part number and GUID with a trailing U+00A0.
        let sku = try #require(catalog.sku(GUID("420c7602-7f70-4895-9394-d3d679ea36fb")!))
        #expect(sku.partNumber == "MCOCAP_FACULTY")
        #expect(catalog.sku(partNumber: "MCOCAP_FACULTY")?.id == sku.id)
        #expect(catalog.sku(partNumber: "AAD_PREMIUM_USGOV_GCCHIGH")?.premiumPlans == [SkuCatalog.p1Plan])
    }

    @Test func olderDownloadsSpellTheHeaderStringSpaceId() throws {
        let text = try Self.builtInText()
        let old = try folder.write("old.csv", text.replacingOccurrences(of: "Product_Display_Name,String_Id,", with: "Product_Display_Name,String_ Id,"))
        let catalog = try SkuCatalog.read(path: old)
        #expect(catalog.sku(partNumber: "SPB")?.premiumPlans == [SkuCatalog.p1Plan])
        #expect(catalog.skus.count == (try SkuCatalog.builtIn()).skus.count)
    }

    @Test func aFileThatIsNotTheTableIsAnErrorListingTheColumns() throws {
        let message = try #require(
            throwsMessage { try SkuCatalog.read(path: InventoryFixture.licenses) })
        #expect(message.hasPrefix("'\(InventoryFixture.licenses)' (named by 'inventory.skuCatalog') is not Microsoft's \"Product names and service plan identifiers for licensing\" table: its columns are 'UserPrincipalName', 'SkuId', 'SkuPartNumber', 'DisabledPlans'"), "\(message)")
        #expect(message.contains("https://learn.microsoft.com/entra/identity/users/licensing-service-plan-reference"))
    }

    @Test func aDamagedGUIDIsLocated() throws {
        let text = try Self.builtInText()
        let damaged = try folder.write("damaged.csv", text.replacingOccurrences(of: ",SPB,cbdc14ab-d96c-4c30-b9f4-6ada7cdc1d46,", with: ",SPB,cbdc14ab-d96c,"))
        let message = try #require(throwsMessage { try SkuCatalog.read(path: damaged) })
        #expect(message.contains("in the file named by 'inventory.skuCatalog', the GUID column holds 'cbdc14ab-d96c', which is not a GUID."), "\(message)")
        #expect(message.hasPrefix("\(damaged):"))
    }
}

func throwsMessage(_ body: () throws -> Void) -> String? {
    do {
        try body()
        return nil
    } catch {
        return "\(error)"
    }
}

/// The licence rule itself, on synthetic SKUs.
@Suite("Inventory licence rules")
struct InventoryLicenseRulesTests {
    let exchange = GUID("efb87545-963c-4e0d-99df-69c6916d9eb0")!

    @Test func anEnabledPremiumPlanLicenses() {
        #expect(LicenseRules.outcome(premiumPlans: [SkuCatalog.p1Plan], disabledPlans: []) == .premium)
        #expect(LicenseRules.outcome(premiumPlans: [SkuCatalog.p1Plan], disabledPlans: [exchange]) == .premium)
        #expect(LicenseRules.outcome(premiumPlans: [SkuCatalog.p1Plan, SkuCatalog.p2Plan], disabledPlans: [SkuCatalog.p1Plan]) == .premium)
    }

    @Test func disabledPremiumPlansAndSkusWithoutOneDoNot() {
        #expect(LicenseRules.outcome(premiumPlans: [SkuCatalog.p1Plan], disabledPlans: [SkuCatalog.p1Plan]) == .premiumDisabled)
        #expect(
            LicenseRules.outcome(premiumPlans: [SkuCatalog.p1Plan, SkuCatalog.p2Plan], disabledPlans: [SkuCatalog.p2Plan, SkuCatalog.p1Plan])
                == .premiumDisabled)
        #expect(LicenseRules.outcome(premiumPlans: [], disabledPlans: []) == .noPremium)
    }

    @Test func productNamesMayContainThePlusSign() {
        let known: Set<String> = ["Enterprise Mobility + Security E3", "Office 365 E3", "Microsoft 365 E3"]
        let (names, unknown) = LicenseRules.splitProductNames("Enterprise Mobility + Security E3+Office 365 E3+Contoso Add-on") {
            known.contains($0)
        }
        #expect(names == ["Enterprise Mobility + Security E3", "Office 365 E3"])
        #expect(unknown == ["Contoso Add-on"])
        #expect(LicenseRules.splitProductNames("Unlicensed") { known.contains($0) } == ([], []))
        #expect(LicenseRules.splitProductNames("") { known.contains($0) } == ([], []))
    }
}
