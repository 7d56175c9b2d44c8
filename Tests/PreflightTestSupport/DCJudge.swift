import Foundation
import PreflightKit

/// The domain controller as the judge of a verdict: it really performs writeback's three writes on a user as the
/// connector account (over LDAPS with ldapmodify, the same libldap the tool uses), and says which it allowed.
/// Destructive for the target user (its password is reset to a random one): use users no other test signs in as.
package struct DCJudge {
    package enum Write: String, CaseIterable, Sendable {
        /// Reset Password: replace unicodePwd (AD-003).
        case resetPassword
        /// Write lockoutTime = 0, as writeback unlocks (AD-004).
        case lockoutTime
        /// Write pwdLastSet = -1 (AD-005).
        case pwdLastSet

        /// The check that judges this write.
        package var checkID: String {
            switch self {
            case .resetPassword: "AD-003"
            case .lockoutTime: "AD-004"
            case .pwdLastSet: "AD-005"
            }
        }
    }

    let dc: SambaDC

    package init(_ dc: SambaDC) { self.dc = dc }

    /// Whether the DC lets `account` make `write` on `dn`: true on success, false on insufficientAccessRights (50).
    /// A minimum-password-age refusal (19, 0000052D) means the access check passed. Anything else throws.
    package func allows(_ write: Write, as account: String, password: String, on dn: String) throws -> Bool {
        let record: String
        switch write {
        case .resetPassword:
            let value = Data("\"Rst!\(UUID().uuidString.prefix(8))9a\"".utf16.flatMap { [UInt8($0 & 0xFF), UInt8($0 >> 8)] })
            record = "replace: unicodePwd\nunicodePwd:: \(value.base64EncodedString())"
        case .lockoutTime: record = "replace: lockoutTime\nlockoutTime: 0"
        case .pwdLastSet: record = "replace: pwdLastSet\npwdLastSet: -1"
        }
        var environment = ProcessInfo.processInfo.environment
        environment["LDAPTLS_CACERT"] = dc.caFile
        let outcome = try Subprocess(
            arguments: ["ldapmodify", "-x", "-H", dc.ldapsURL, "-D", "\(account)@\(dc.domain)", "-w", password],
            environment: environment
        ).run(input: Array("dn: \(dn)\nchangetype: modify\n\(record)\n-\n".utf8), deadline: Date().addingTimeInterval(30))
        let stderr = String(decoding: outcome.stderr, as: UTF8.self)
        switch outcome.termination {
        case .exited(0): return true
        case .exited(50): return false
        case .exited(19) where stderr.contains("0000052D"): return true
        default:
            throw SambaDC.LabError(description: "ldapmodify as \(account) on '\(dn)' (\(write.rawValue)) was inconclusive: \(outcome.termination) \(stderr)")
        }
    }

    /// The DC's answer for each of writeback's three writes.
    package func answers(as account: String, password: String, on dn: String) throws -> [Write: Bool] {
        var answers: [Write: Bool] = [:]
        for write in Write.allCases { answers[write] = try allows(write, as: account, password: password, on: dn) }
        return answers
    }

    /// What the DC lets `account` see of `dn`: whether a base read returns its objectClass (Read all properties) and how
    /// many children a one-level listing returns (List contents).
    package func view(of dn: String, as account: String, password: String) throws -> (readsProperties: Bool, children: Int) {
        func search(_ scope: String, _ attribute: String) throws -> String {
            var environment = ProcessInfo.processInfo.environment
            environment["LDAPTLS_CACERT"] = dc.caFile
            let outcome = try Subprocess(
                arguments: [
                    "ldapsearch", "-x", "-LLL", "-o", "ldif-wrap=no", "-H", dc.ldapsURL, "-D", "\(account)@corp.example.test", "-w", password,
                    "-b", dn, "-s", scope, "(objectClass=*)", attribute,
                ],
                environment: environment
            ).run(input: [], deadline: Date().addingTimeInterval(30))
            // 32 (no such object) is how a DC answers a base read of an object the account may not see.
            guard outcome.termination == .exited(0) || outcome.termination == .exited(32) else {
                throw SambaDC.LabError(description: "ldapsearch as \(account) on '\(dn)': \(outcome.termination) \(String(decoding: outcome.stderr, as: UTF8.self))")
            }
            return String(decoding: outcome.stdout, as: UTF8.self)
        }
        let base = try search("base", "objectClass")
        let children = try search("one", "1.1").split(separator: "\n").filter { $0.hasPrefix("dn: ") }.count
        return (base.contains("objectClass: "), children)
    }
}
