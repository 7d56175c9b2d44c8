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

/// The inventory fixtures (a 14-user tenant in every export layout, see Fixtures/inventory/SOURCE.md) and the
/// variants the tests derive from them at run time (never by editing a fixture).
enum InventoryFixture {
    static func path(_ name: String) -> String { Repository.fixture("inventory/\(name)") }

    static let users = path("entra-download-users.csv")
    static let licenses = path("licenses-flattened.csv")
    static let skus = path("subscribed-skus.csv")
    static let registration = path("registration-graph.csv")
    static let scope = path("scope-group-members.csv")

    static func text(_ name: String) throws -> String {
        try String(contentsOfFile: path(name), encoding: .utf8)
    }

    /// A copy of fixture `name` with `old` (which must occur) replaced by `new`, written into `folder`.
    static func variant(
        _ name: String, in folder: TemporaryFolder, as target: String? = nil, replacing old: String, with new: String
    ) throws -> String {
        let text = try self.text(name)
        #expect(text.contains(old), "'\(old)' not found in \(name)")
        return try folder.write(target ?? name, text.replacingOccurrences(of: old, with: new))
    }

    /// Writes raw bytes (for encodings and byte-exact quirks).
    static func write(_ bytes: [UInt8], in folder: TemporaryFolder, as name: String) throws -> String {
        let path = folder.url(name)
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        return path
    }

    static func utf16(_ text: String, bigEndian: Bool = false, bom: Bool = true) -> [UInt8] {
        var bytes: [UInt8] = bom ? (bigEndian ? [0xFE, 0xFF] : [0xFF, 0xFE]) : []
        for unit in text.utf16 {
            bytes += bigEndian ? [UInt8(unit >> 8), UInt8(unit & 0xFF)] : [UInt8(unit & 0xFF), UInt8(unit >> 8)]
        }
        return bytes
    }

    static func settings(
        users: String? = users, licenses: String? = nil, skus: String? = nil, registration: String? = nil, scope: String? = nil,
        catalog: String? = nil
    ) -> Configuration.InventorySettings {
        var settings = Configuration.InventorySettings()
        settings.users = users
        settings.licenses = licenses
        settings.subscribedSkus = skus
        settings.registration = registration
        settings.scopeGroup = scope
        settings.skuCatalog = catalog
        return settings
    }

    static let everything = settings(licenses: licenses, skus: skus, registration: registration, scope: scope)

    /// Gathers facts off the cooperative pool (file work; tests run in parallel with timing-sensitive ones).
    static func gather(_ settings: Configuration.InventorySettings) async throws -> InventoryFacts {
        try await runBlocking { InventoryGatherer.gather(settings) }
    }
}

/// Reads a whole CSV file with the project's reader: the header, then every row as strings.
func readCSV(_ path: String) throws -> [[String]] {
    let reader = try CSVReader(path: path, key: "test")
    var rows = [reader.header]
    while try reader.nextRow() { rows.append((0..<reader.fieldCount).map(reader.string)) }
    return rows
}

/// The message of the error reading `path` throws, or nil when it reads fine.
func csvError(_ path: String) -> String? {
    do {
        _ = try readCSV(path)
        return nil
    } catch {
        return "\(error)"
    }
}

/// Runs catalog checks (the real `Checks/` folder) through the runner.
func runInventoryChecks(_ ids: [String], _ settings: Configuration.InventorySettings, threshold: Double = 0.8) async throws
    -> [String: CheckResult]
{
    var configuration = Configuration()
    configuration.timeoutSeconds = 120
    configuration.inventory = settings
    configuration.inventory.ssprRegistrationThreshold = threshold
    // The fixtures are dated by their modification time, which is the checkout's: these tests judge their content, and
    // EvidenceAgeTests and EvidenceAgeCLITests test the age rule.
    configuration.maxEvidenceAgeDays = 36_500
    let catalog = try await runBlocking { try TestCatalog.shipped() }
    let checks = catalog.checks.filter { ids.contains($0.id) }
    #expect(checks.count == ids.count, "missing checks: \(Set(ids).subtracting(checks.map(\.id)))")
    let results = await Runner(configuration: configuration).run(checks)
    return Dictionary(uniqueKeysWithValues: results.map { ($0.id, $0) })
}

extension CheckResult {
    /// The rows of the evidence table titled `title`, or nil.
    func table(_ title: String) -> [[String]]? {
        ReportTable.tables(in: evidence).first { $0.title == title }?.rows
    }

    func count(_ key: String) -> Int? { evidence[key]?.numberValue.map { Int($0) } }
}
