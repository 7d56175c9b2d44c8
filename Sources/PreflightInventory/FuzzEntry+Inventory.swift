import Foundation
import PreflightCore

/// The inventory readers' fuzzing entries (see `FuzzEntry`).
extension FuzzEntry {
    // MARK: Inventory

    /// The CSV reader alone, every field of every row (the result is its verdict), and Microsoft's licensing table
    /// (`inventory.skuCatalog`).
    @discardableResult
    package static func inventoryCSV(_ bytes: [UInt8]) -> String? {
        withFile(bytes, named: "export.csv") { path -> String? in
            do {
                let reader = try CSVReader(path: path, key: "inventory.users")
                _ = (reader.encoding, reader.delimiterName, reader.hadTypeLine, reader.header)
                var rows = 0
                while try reader.nextRow() {
                    for index in 0..<reader.fieldCount {
                        _ = FieldValue.string(reader.field(index))
                        _ = GUID(reader.field(index))
                    }
                    // Locating an error reads the file again up to the field: once per input, not per row.
                    if rows == 0 { _ = reader.error(field: reader.fieldCount - 1, "fuzz") }
                    rows += 1
                }
                _ = try? SkuCatalog.read(path: path)
                return nil
            } catch {
                return "\(error)"
            }
        }
    }

    /// The five inventory exports' readers, each given the input (the others against a small user table).
    @discardableResult
    package static func inventoryExports(_ bytes: [UInt8]) -> String? {
        withFile(bytes, named: "export.csv") { path -> String? in
            var problems: [String] = []
            func attempt(_ read: () throws -> Void) {
                do { try read() } catch { problems.append("\(error)") }
            }
            attempt { _ = try UsersExport.read(path) }
            let (table, catalog) = inventoryContext
            attempt { _ = try MemberExports.readRegistration(path, table: table) }
            attempt { _ = try MemberExports.readScopeGroup(path, table: table) }
            attempt { _ = try LicenseExport.read(path, table: table, catalog: catalog) }
            attempt { _ = try SubscribedSkusExport.read(path, catalog: catalog) }
            return problems.count == 5 ? problems.joined(separator: "\n") : nil
        }
    }

    /// Three users of the fixtures, and the built-in licensing table.
    private static let inventoryContext: (UserTable, SkuCatalog) = {
        let users = """
            "Id","UserPrincipalName","AccountEnabled","OnPremisesSyncEnabled"
            "87d349ed-44d7-43e1-9a83-5f2406dee5bd","AdeleV@contoso.com","True","True"
            "6e7b768e-07e2-4810-8459-485f84f8f204","AlexW@contoso.com","True","True"
            "c03e6eaa-b6ab-46d7-905b-73ec7ea1f755","LidiaH@contoso.com","False","False"

            """
        return withFile(Array(users.utf8), named: "users.csv") { path -> (UserTable, SkuCatalog) in
            do {
                return (try UsersExport.read(path).table, try SkuCatalog.builtIn())
            } catch {
                fatalError("The inventory harness cannot start: \(error)")
            }
        }
    }()
}
