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
}
