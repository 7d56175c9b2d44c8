import Foundation
import PreflightTestSupport

/// A small tenant's exports, generated in the layouts Graph PowerShell's Export-Csv writes (every field quoted, the
/// `#TYPE` line of Windows PowerShell; see Fixtures/inventory/SOURCE.md), with every quirk that matters when a file is
/// cut into parts: quoted fields holding line breaks, delimiters and doubled quotes, a blank line, duplicate UPNs in
/// another case, rows without a UPN, rows for users of another tenant, unknown SKUs.
struct GeneratedTenant {
    enum LineEnd: String, CaseIterable, Sendable, CustomStringConvertible {
        case crlf, lf, cr
        var description: String { rawValue }
    }

    enum Damage { case none, notAFlag(row: Int) }

    struct Files {
        var users: String
        var licenses: String
        var registration: String
        var scope: String
    }

    var users = 48
    var lineEnd = LineEnd.crlf
    var bom = false
    var typeLine = true
    var damage = Damage.none

    /// Display names: what straddles a split point.
    static let names = [
        "Vance, Adele", "Pradeep \"PG\" O'Brien-Gupta", "Line one\r\nline two", "Zoë \"Z\", 🚀\nMüller", "Ends with a break\r\n",
        "\"\"", "Plain", "\",\r\n\"",
    ]
    static let p1Sku = "05e9a617-0261-4cee-bb44-138d3ef5d965"  // SPE_E3: carries AAD_PREMIUM
    static let noP1Sku = "6fd2c87f-b296-42f0-b197-1e91e994b900"  // ENTERPRISEPACK: does not
    static let p1Plan = "41781fb2-bc02-4b7c-bd55-b576c07bb09d"
    static let exchangePlan = "efb87545-963c-4e0d-99df-69c6916d9eb0"

    func write(in folder: TemporaryFolder, as prefix: String) throws -> Files {
        var users = typeLine ? ["#TYPE Selected.Microsoft.Graph.PowerShell.Models.MicrosoftGraphUser"] : []
        users.append(Self.row(["Id", "UserPrincipalName", "DisplayName", "AccountEnabled", "OnPremisesSyncEnabled"]))
        var licenses = [Self.row(["UserPrincipalName", "SkuId", "SkuPartNumber", "DisabledPlans"])]
        var registration = [Self.row(["Id", "UserPrincipalName", "UserDisplayName", "IsSsprRegistered"])]
        var scope = [Self.row(["Id", "UserPrincipalName", "@odata.type"])]
        for n in 1...self.users {
            let id = String(format: "%08x-0000-4000-8000-%012x", n, n)
            let upn = n % 13 == 12 ? "" : n % 11 == 10 ? "USER\(n - 5)@CONTOSO.COM" : "user\(n)@contoso.com"
            let name = Self.names[n % Self.names.count]
            var enabled = n % 7 == 3 ? "False" : "True"
            if case .notAFlag(let row) = damage, row == n { enabled = "Maybe" }
            users.append(Self.row([id, upn, name, enabled, n % 5 == 0 ? "False" : "True"]))
            if n == 20 { users.append("") }
            if n % 9 == 4 { licenses.append(Self.row(["ghost\(n)@fabrikam.com", Self.p1Sku, "SPE_E3", ""])) }
            switch n % 4 {
            case 0: licenses.append(Self.row([upn, Self.p1Sku, "SPE_E3", ""]))
            case 1: licenses.append(Self.row([upn, Self.noP1Sku, "ENTERPRISEPACK", Self.exchangePlan]))
            case 2: licenses.append(Self.row([upn, Self.p1Sku, "SPE_E3", "\(Self.p1Plan)\r\n\(Self.exchangePlan)"]))
            default: licenses.append(Self.row([upn, String(format: "00000000-1111-2222-3333-%012d", n), "MYSTERY_\(n)", ""]))
            }
            if n % 8 != 7 { registration.append(Self.row([id, upn, name, n % 3 == 0 ? "False" : "True"])) }
            if n % 6 == 5 { registration.append(Self.row([id, "ghost\(n)@fabrikam.com", name, "True"])) }
            if n % 3 != 1 { scope.append(Self.row([id, upn, "#microsoft.graph.user"])) }
        }
        scope.append(Self.row(["aaaaaaaa-0000-4000-8000-000000000001", "", "#microsoft.graph.group"]))
        scope.append(Self.row(["aaaaaaaa-0000-4000-8000-000000000002", "stranger@fabrikam.com", "#microsoft.graph.user"]))
        return Files(
            users: try write(users, in: folder, as: "\(prefix)-users.csv", bom: bom),
            licenses: try write(licenses, in: folder, as: "\(prefix)-licenses.csv"),
            registration: try write(registration, in: folder, as: "\(prefix)-registration.csv"),
            scope: try write(scope, in: folder, as: "\(prefix)-scope.csv"))
    }

    /// Export-Csv quoting: every field, a quote doubled.
    static func row(_ fields: [String]) -> String {
        fields.map { "\"" + $0.replacingOccurrences(of: "\"", with: "\"\"") + "\"" }.joined(separator: ",")
    }

    private func write(_ lines: [String], in folder: TemporaryFolder, as name: String, bom: Bool = false) throws -> String {
        var text = lines.joined(separator: "\r\n") + "\r\n"
        switch lineEnd {
        case .crlf: break
        case .lf: text = text.replacingOccurrences(of: "\r\n", with: "\n")
        case .cr: text = text.replacingOccurrences(of: "\r\n", with: "\r")
        }
        let path = folder.url(name)
        try Data((bom ? [0xEF, 0xBB, 0xBF] : []) + Array(text.utf8)).write(to: URL(fileURLWithPath: path))
        return path
    }
}
