import Foundation
import PreflightTestSupport
import Testing

@testable import PreflightCore
@testable import PreflightDirectory
@testable import PreflightEngine

/// The gatherer against the scenario DC (scripts/lab/SCENARIOS.md): the users of one OU hold one shared DACL, and it
/// is exactly what each user's own security descriptor gives when parsed and filtered to the token by hand.
@Suite("Snapshot sharing (Samba AD DC)", .serialized)
struct SnapshotSharingLabTests {
    typealias Lab = LDAPTestLab

    @Test func theUsersOfAnOUShareOneDACLEqualToWhatTheirOwnDescriptorsGive() async throws {
        let dc = try await SambaLab.shared()
        let settings = Lab.settings(dc.ldapsURL, caFile: dc.caFile)
        let scope = "OU=Staff,\(Lab.base)"
        var configuration = Configuration()
        configuration.ldap.bindDN = SambaDC.readerUPN
        configuration.ldap.account = "MSOL_root"
        configuration.ldap.scope = [scope]
        let (snapshot, descriptors) = try await Lab.withConnection(settings) { [configuration] c in
            let snapshot = try SnapshotGatherer(connection: c, configuration: configuration, export: nil, pageSize: 2).gather()
            var descriptors: [String: [UInt8]] = [:]
            try c.search(
                base: scope, scope: .subtree, filter: SnapshotGatherer.userFilter, attributes: ["nTSecurityDescriptor"], sdFlags: [.dacl]
            ) { entry in descriptors[entry.dn] = entry.binary("nTSecurityDescriptor").first }
            return (snapshot, descriptors)
        }
        #expect(snapshot.users.count == descriptors.count && snapshot.users.count >= 5, "\(snapshot.users.map(\.dn))")
        let token = snapshot.account.token
        var storages: [UInt: [String]] = [:]
        for user in snapshot.users {
            let bytes = try #require(descriptors[user.dn])
            let descriptor = try SecurityDescriptor(bytes: bytes)
            guard case .acl(let all) = descriptor.daclState, case .acl(let kept) = user.dacl else {
                Issue.record("\(user.dn): no DACL")
                continue
            }
            let isSelf = user.sid.map(token.contains) ?? false
            let byHand = all.aces.filter { ace in ace.sid.map { token.contains($0) || (isSelf && $0 == .principalSelf) } ?? false }
            #expect(kept == ACL(revision: all.revision, aces: byHand), "\(user.dn)")
            #expect(user.daclProtected == descriptor.isDaclProtected, "\(user.dn)")
            storages[kept.aces.withUnsafeBufferPointer { UInt(bitPattern: $0.baseAddress) }, default: []].append(user.dn)
        }
        // alice and bob, plain users of OU=Staff (SCENARIOS.md), inherit the same ACEs: one array between them.
        let direct = ["alice", "bob"].map { "CN=\($0),\(scope)" }
        #expect(storages.values.contains { Set($0).isSuperset(of: direct) }, "\(storages)")
        #expect(storages.count < snapshot.users.count)
    }
}
