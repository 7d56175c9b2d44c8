import Foundation
import PreflightTestSupport
import Testing

@testable import PreflightCore
@testable import PreflightEngine
@testable import PreflightInventory

/// Large exports are read in parts on every core (`CSVParts`): whatever the parts' size, the rows, the facts and the
/// first error (its line and column) must be the sequential reader's. Small parts force the parallel path.
@Suite("Inventory parallel reading")
struct InventoryParallelTests {
    let folder = try! TemporaryFolder("inventory-parallel")

    /// Part sizes from one byte (a part starts at every byte of the file) to larger than a row.
    static let partSizes = [1, 2, 3, 7, 31, 64, 257, 1024]

    func gather(_ settings: Configuration.InventorySettings, _ split: CSVSplit = .standard) async throws -> InventoryFacts {
        try await runBlocking { InventoryGatherer.gather(settings, split: split) }
    }

    /// Every export of a generated tenant, then the facts with parts of every size against the sequential read.
    func expectSameFacts(_ tenant: GeneratedTenant.Files, sizes: [Int] = partSizes) async throws {
        let settings = InventoryFixture.settings(
            users: tenant.users, licenses: tenant.licenses, skus: InventoryFixture.skus, registration: tenant.registration,
            scope: tenant.scope)
        let sequential = try await gather(settings)
        #expect(sequential.inputErrors.isEmpty, "\(sequential.inputErrors)")
        #expect(sequential.users > 20 && sequential.duplicateUPNCount > 0 && sequential.rowsWithoutUPN > 0)
        #expect(sequential.licensing?.unknownTargets.isEmpty == false && sequential.licensing?.rowsForOtherUsers ?? 0 > 0)
        #expect(sequential.registration?.unregisteredTargets.isEmpty == false)
        for size in sizes {
            #expect(try parts(tenant.users, .parts(of: size)).count > 1, "the parallel path is taken")
            let parallel = try await gather(settings, .parts(of: size))
            #expect(parallel == sequential, "parts of \(size) bytes")
        }
    }

    @Test(arguments: GeneratedTenant.LineEnd.allCases)
    func quotedLineBreaksDelimitersAndQuotesAcrossEverySplitPoint(lineEnd: GeneratedTenant.LineEnd) async throws {
        try await expectSameFacts(GeneratedTenant(lineEnd: lineEnd).write(in: folder, as: "\(lineEnd)"))
    }

    @Test func aByteOrderMarkAndNoTypeLine() async throws {
        try await expectSameFacts(GeneratedTenant(bom: true, typeLine: false).write(in: folder, as: "bom"), sizes: [1, 5, 100])
    }

    @Test func rowsAreTheSequentialReadersOnTheFixtures() throws {
        for name in ["entra-download-users.csv", "graph-users.csv", "msol-users-semicolon.csv", "m365-active-users.csv",
            "licenses-flattened.csv", "registration-graph.csv", "registration-portal.csv", "assigned-licenses-json.csv"]
        {
            let path = InventoryFixture.path(name)
            for size in [1, 10, 100] {
                let read = try parts(path, .parts(of: size))
                #expect(read.count > 1)
                #expect(read.rows == (try readCSV(path)), "\(name), parts of \(size) bytes")
            }
        }
    }

    @Test func theFixturesGiveTheSameFacts() async throws {
        for settings in [
            InventoryFixture.everything, InventoryFixture.settings(users: InventoryFixture.path("m365-active-users.csv"),
            licenses: InventoryFixture.path("m365-active-users.csv"), registration: InventoryFixture.path("registration-portal.csv"),
            scope: InventoryFixture.path("scope-group-portal.csv")),
            InventoryFixture.settings(licenses: InventoryFixture.path("assigned-licenses-json.csv")),
        ] {
            let sequential = try await gather(settings)
            #expect(sequential.users == 14)
            for size in [1, 13, 200] { #expect(try await gather(settings, .parts(of: size)) == sequential) }
        }
    }

    @Test func utf16FilesAreReadInOnePart() async throws {
        let path = InventoryFixture.path("graph-users-utf16.csv")
        #expect(try parts(path, .parts(of: 10)).count == 1, "UTF-16 is transcoded as it is read: one part")
        let settings = InventoryFixture.settings(users: path)
        #expect(try await gather(settings, .parts(of: 10)) == (try await gather(settings)))
    }

    // MARK: Errors

    /// The error of the parallel read equals the sequential one's, for parts of every size.
    func expectSameError(_ path: String, sizes: [Int] = partSizes, _ expected: (String) -> Bool) throws {
        let sequential = try #require(csvError(path))
        #expect(expected(sequential), "\(sequential)")
        for size in sizes {
            #expect(throws: InputFileError.self) { try parts(path, .parts(of: size)) }
            do {
                _ = try parts(path, .parts(of: size))
            } catch {
                #expect(error.description == sequential, "parts of \(size) bytes")
            }
        }
    }

    @Test func csvErrorsInALaterPartKeepTheirLineAndColumn() throws {
        let rows = (1...40).map { "u\($0)@contoso.com,\"Name \($0),\r\nsecond line\",True" }
        let header = "UPN,Name,Enabled\r\n"
        func file(_ name: String, _ damage: (inout [String]) -> Void) throws -> String {
            var damaged = rows
            damage(&damaged)
            return try folder.write(name, header + damaged.joined(separator: "\r\n") + "\r\n")
        }
        let unterminated = try file("open.csv") { $0[39] = "u40@contoso.com,\"Never closed,True" }
        try expectSameError(unterminated) { $0.contains(":80:17: ") && $0.contains("opened here (line 80) is never closed") }
        let afterQuote = try file("after.csv") { $0[30] = "u31@contoso.com,\"Name\"x,True" }
        try expectSameError(afterQuote) { $0.contains(":62:23: ") && $0.contains("the character 'x' follows a closing quote") }
        let extra = try file("extra.csv") { $0[33] += ",extra" }
        try expectSameError(extra) { $0.contains(":69:19: ") && $0.contains("this row has 4 fields but the header has 3") }
        // Two errors: the first in the file is the one reported, whichever part finishes first.
        let both = try file("both.csv") {
            $0[2] += ",early"
            $0[38] = "u39@contoso.com,\"late"
        }
        try expectSameError(both) { $0.contains(":7:19: ") && $0.contains("this row has 4 fields") }
    }

    @Test func anExportErrorInALaterPartIsTheSequentialOne() async throws {
        let tenant = try GeneratedTenant(damage: .notAFlag(row: 37)).write(in: folder, as: "damaged")
        let settings = InventoryFixture.settings(users: tenant.users)
        let sequential = try #require(try await gather(settings).inputErrors["inventory.users"])
        #expect(sequential.contains("the 'AccountEnabled' column holds 'Maybe', which is not True or False"), "\(sequential)")
        #expect(sequential.hasPrefix("\(tenant.users):"))
        for size in Self.partSizes {
            #expect(try await gather(settings, .parts(of: size)).inputErrors["inventory.users"] == sequential, "parts of \(size) bytes")
        }
    }

    // MARK: Support

    /// Every row of `path` read in parts, and how many parts there were.
    func parts(_ path: String, _ split: CSVSplit) throws(InputFileError) -> (count: Int, rows: [[String]]) {
        let reader = try CSVReader(path: path, key: "test")
        let parts = try CSVParts(reader, split: split) { reader throws(InputFileError) -> [[String]] in
            var rows: [[String]] = []
            while try reader.nextRow() { rows.append((0..<reader.fieldCount).map(reader.string)) }
            return rows
        }
        runOnCores(parts.tasks)
        let rows = try parts.merged().flatMap { $0 }
        #expect(parts.rowCount == rows.count)
        return (parts.count, [reader.header] + rows)
    }
}
