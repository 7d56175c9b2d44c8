import Foundation
import PreflightKit

/// What the gMSA tests (AD-017, AD-018) change on a DC of their own, as an admin would over LDAP.
extension SambaDC {
    /// The lab domain's SID (scripts/lab/lib.sh provisions it with this SID).
    package static let domainSID = "S-1-5-21-1111111111-2222222222-3333333333"

    /// A security descriptor in SDDL as its binary, base64 (Samba's own NDR encoder, /usr/bin/python3's samba module).
    package func securityDescriptor(_ sddl: String) throws -> String {
        let script = """
            import base64, sys
            from samba.dcerpc import security
            from samba.ndr import ndr_pack
            print(base64.b64encode(ndr_pack(security.descriptor.from_sddl(sys.argv[1], security.dom_sid(sys.argv[2])))).decode())
            """
        let outcome = try Subprocess(arguments: ["/usr/bin/python3", "-c", script, sddl, Self.domainSID], environment: [:])
            .run(input: [], deadline: Date().addingTimeInterval(30))
        guard outcome.termination == .exited(0) else {
            throw LabError(description: "SDDL '\(sddl)' was not encoded: \(String(decoding: outcome.stderr, as: UTF8.self))")
        }
        return String(decoding: outcome.stdout, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// Replaces a binary security-descriptor attribute (`msDS-GroupMSAMembership`, `nTSecurityDescriptor`) as Administrator.
    package func replace(_ attribute: String, sddl: String, on dn: String) throws {
        try modify("dn: \(dn)\nchangetype: modify\nreplace: \(attribute)\n\(attribute):: \(try securityDescriptor(sddl))\n-\n")
    }

    /// Whether the DC lets `account` replace `attribute` with `sddl`'s descriptor: true on success, false on
    /// insufficientAccessRights (50); anything else throws.
    package func allowsReplace(_ attribute: String, sddl: String, on dn: String, as account: String, password: String) throws -> Bool {
        var environment = ProcessInfo.processInfo.environment
        environment["LDAPTLS_CACERT"] = caFile
        let ldif = "dn: \(dn)\nchangetype: modify\nreplace: \(attribute)\n\(attribute):: \(try securityDescriptor(sddl))\n-\n"
        let outcome = try Subprocess(
            arguments: ["ldapmodify", "-x", "-H", ldapsURL, "-D", "\(account)@corp.example.test", "-w", password], environment: environment
        ).run(input: Array(ldif.utf8), deadline: Date().addingTimeInterval(30))
        switch outcome.termination {
        case .exited(0): return true
        case .exited(50): return false
        default: throw LabError(description: "ldapmodify as \(account) on '\(dn)': \(outcome.termination) \(String(decoding: outcome.stderr, as: UTF8.self))")
        }
    }
}

extension SambaDC {
    /// An object's SID, read as Administrator.
    package func sid(of dn: String) throws -> String {
        var environment = ProcessInfo.processInfo.environment
        environment["LDAPTLS_CACERT"] = caFile
        let outcome = try Subprocess(
            arguments: [
                "ldapsearch", "-x", "-LLL", "-o", "ldif-wrap=no", "-H", ldapsURL, "-D", Self.administratorUPN, "-w", Self.administratorPassword,
                "-b", dn, "-s", "base", "(objectClass=*)", "objectSid",
            ],
            environment: environment
        ).run(input: [], deadline: Date().addingTimeInterval(30))
        let text = String(decoding: outcome.stdout, as: UTF8.self)
        guard let line = text.split(separator: "\n").first(where: { $0.hasPrefix("objectSid:: ") }),
            let bytes = Data(base64Encoded: String(line.dropFirst("objectSid:: ".count))), let sid = try? SID(bytes: bytes)
        else { throw LabError(description: "No objectSid for '\(dn)': \(text) \(String(decoding: outcome.stderr, as: UTF8.self))") }
        return sid.description
    }
}
