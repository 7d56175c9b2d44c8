import Foundation
import PreflightCore

/// The directory parsers' fuzzing entries (see `FuzzEntry`).
extension FuzzEntry {
    // MARK: Directory

    /// `nTSecurityDescriptor` as LDAP returns it: parsed, rendered as SDDL, and judged for every writeback right.
    @discardableResult
    package static func securityDescriptor(_ bytes: [UInt8]) -> String? {
        let descriptor: SecurityDescriptor
        do { descriptor = try SecurityDescriptor(bytes: bytes) } catch { return "\(error)" }
        var token = Set([descriptor.owner, descriptor.group].compactMap { $0 })
        for ace in descriptor.dacl?.aces ?? [] {
            _ = ace.sddl
            if let sid = ace.sid { token.insert(sid) }
        }
        for right in WritebackRight.userRights {
            _ = checkAccess(right.right, dacl: descriptor.daclState, token: token, objectClass: ClassGUID.user, principalSelf: nil)
            _ = checkAccess(right.right, dacl: descriptor.daclState, token: [.everyone], objectClass: ClassGUID.user, principalSelf: .everyone)
        }
        return nil
    }

    /// A binary SID (`objectSid`, `tokenGroups`) and the same bytes as the string form (configuration, reports).
    @discardableResult
    package static func sid(_ bytes: [UInt8]) -> String? {
        _ = SID(string: String(decoding: bytes, as: UTF8.self)).map { ($0.description, $0.bytes, $0.rid, $0.parent) }
        do {
            let sid = try SID(bytes: bytes)
            guard SID(string: sid.description) == sid, sid.bytes == bytes else { fatalError("SID round trip failed: \(sid)") }
            return nil
        } catch {
            return "\(error)"
        }
    }

    /// What `ldap.restrictRemoteSAM` may name: a GPO's security template (`GptTmpl.inf`, UTF-16LE or UTF-8) or a DC's
    /// `gpresult /x` export (RSoP XML); every RestrictRemoteSAM SDDL it sets is then parsed and judged for READ_CONTROL,
    /// as AD-016 does.
    @discardableResult
    package static func savedRestrictRemoteSAM(_ bytes: [UInt8]) -> String? {
        withFile(bytes, named: "dc-gpresult.xml") { path -> String? in
            let facts = RemoteSAMGatherer.savedTemplate(path, domain: "corp.example.test")
            let domain = SID(string: "S-1-5-21-1111111111-2222222222-3333333333")
            for template in facts.templates {
                guard case .sets(let setting) = template.state else { continue }
                do {
                    let descriptor = try SDDLDescriptor(setting.sddl, domain: domain)
                    _ = checkAccess(.wholeObject(.readControl), dacl: descriptor.daclState, token: [.everyone], objectClass: nil, principalSelf: nil)
                } catch {
                    return "\(error)"
                }
            }
            return facts.unreadable
        }
    }
}
