import Foundation
import PreflightTestSupport
import Testing

@testable import PreflightCore
@testable import PreflightDirectory
@testable import PreflightEngine

/// The users' resultant password policies (`msDS-ResultantPSO`, AD-010) are read on a second connection beside the
/// main user search (`ResultantPolicySearch`), against the scenario DC (scripts/lab/SCENARIOS.md: bob, directly under
/// OU=Staff, has the resultant policy pso-min-age; the reader sees its DN but none of its settings). The main search
/// no longer asks for the attribute, so a policy found here came through the second connection.
@Suite("Resultant password policies on a second connection (Samba AD DC)", .serialized)
struct ResultantPolicyLabTests {
    typealias Lab = LDAPTestLab
    static let staff = "OU=Staff,\(Lab.base)"
    static let bob = "CN=bob,\(staff)"

    /// The connections the gatherer asked for, kept to check they were closed.
    final class Opened: @unchecked Sendable {
        private let lock = NSLock()
        private var connections: [LDAPConnection] = []

        func record(_ connection: LDAPConnection) -> LDAPConnection {
            lock.lock()
            defer { lock.unlock() }
            connections.append(connection)
            return connection
        }

        var all: [LDAPConnection] {
            lock.lock()
            defer { lock.unlock() }
            return connections
        }
    }

    static func gather(
        _ dc: SambaDC, scope: [String], second: @escaping @Sendable () throws -> LDAPConnection
    ) async throws -> DirectorySnapshot {
        var configuration = Configuration()
        configuration.ldap.bindDN = SambaDC.readerUPN
        configuration.ldap.account = "MSOL_root"
        configuration.ldap.scope = scope
        return try await Lab.withConnection(Lab.settings(dc.ldapsURL, caFile: dc.caFile)) { [configuration] c in
            try SnapshotGatherer(connection: c, openSecondConnection: second, configuration: configuration, export: nil, pageSize: 2).gather()
        }
    }

    @Test func bobsPolicyIsReadOnTheSecondConnectionWhichIsClosedAfter() async throws {
        let dc = try await SambaLab.shared()
        let settings = Lab.settings(dc.ldapsURL, caFile: dc.caFile)
        let opened = Opened()
        let snapshot = try await Self.gather(dc, scope: [Self.staff]) { opened.record(try LDAPConnection.open(settings)) }
        #expect(opened.all.count == 1)
        let second = try #require(opened.all.first)
        let afterwards = await Lab.expectError { _ = try second.readRootDSE(attributes: ["dnsHostName"]) }
        guard case .connectionClosed? = afterwards else {
            Issue.record("the second connection is still usable: \(String(describing: afterwards))")
            return
        }
        #expect(snapshot.resultantPoliciesUnread == nil)
        #expect(snapshot.passwordPolicies.map(\.name) == ["pso-min-age"])
        #expect(snapshot.passwordPolicies.first?.appliesToUsers.map { $0.lowercased() } == [Self.bob.lowercased()])
        #expect(snapshot.users.contains { $0.dn.lowercased() == Self.bob.lowercased() })
        let age = DirectoryJudgements.passwordAge(snapshot)
        #expect(age.status == .warn)
        #expect(age.findings.contains { $0.target.hasPrefix("CN=pso-min-age,") && $0.message.contains("1 in-scope user") }, "\(age.findings)")
    }

    /// OU=Denied lies under OU=Staff: with both as bases each user is judged once, and bob's policy names him once.
    @Test func overlappingBasesNameEachUserOnce() async throws {
        let dc = try await SambaLab.shared()
        let settings = Lab.settings(dc.ldapsURL, caFile: dc.caFile)
        let snapshot = try await Self.gather(dc, scope: ["OU=Denied,\(Self.staff)", Self.staff]) { try LDAPConnection.open(settings) }
        #expect(Set(snapshot.users.map { $0.dn.lowercased() }).count == snapshot.users.count)
        #expect(snapshot.passwordPolicies.first?.appliesToUsers.map { $0.lowercased() } == [Self.bob.lowercased()])
    }

    /// The second connection fails (its bind is refused, it is closed before the search, or its DC never answers and its
    /// deadline passes): the other facts are whole, and AD-010 is an error with the reason, never a pass.
    @Test(arguments: ["bind refused", "closed", "silent DC"])
    func aFailedSecondSearchMakesAD010AnError(_ failure: String) async throws {
        let dc = try await SambaLab.shared()
        let settings = Lab.settings(dc.ldapsURL, caFile: dc.caFile)
        let whole = try await Self.gather(dc, scope: [Self.staff]) { try LDAPConnection.open(settings) }
        try await LDAPTestLab.withSilentListener { silent in
            let wrongPassword = Lab.settings(dc.ldapsURL, caFile: dc.caFile, password: "not-the-password")
            let silentDC = Lab.settings("ldaps://127.0.0.1:\(silent.port)", caFile: dc.caFile, timeout: .seconds(2))
            let started = ContinuousClock.now
            let snapshot = try await Self.gather(dc, scope: [Self.staff]) {
                switch failure {
                case "bind refused": return try LDAPConnection.open(wrongPassword)
                case "closed":
                    let connection = try LDAPConnection.open(settings)
                    connection.close()
                    return connection
                default: return try LDAPConnection.open(silentDC)
                }
            }
            #expect(ContinuousClock.now - started < .seconds(20))
            let reason = try #require(snapshot.resultantPoliciesUnread)
            let expected = ["bind refused": "rejected the bind", "closed": "already closed", "silent DC": "timed out"][failure] ?? "?"
            #expect(reason.lowercased().contains(expected), "\(reason)")
            #expect(snapshot.passwordPolicies.isEmpty)
            #expect(snapshot.users.map(\.dn) == whole.users.map(\.dn))
            let age = DirectoryJudgements.passwordAge(snapshot)
            #expect(age.status == .error)
            #expect(age.message.contains("msDS-ResultantPSO") && age.message.contains(reason), "\(age.message)")
        }
    }
}
