import Foundation
import PreflightTestSupport
import Testing

import PreflightKit

/// Deadline enforcement against listeners that never answer (fault listeners on 127.0.0.1, ephemeral ports).
///
/// Every open runs on a dedicated thread (`runBlocking`); the settings, and so the deadline, and the clock start
/// are taken on that thread, so a late thread start under load cannot shorten the measured time. Upper bounds
/// allow 2.5 s of scheduling slack on a loaded 2-core machine.
@Suite("LDAPConnection deadlines")
struct LDAPFaultTests {
    /// Any readable PEM certificate will do for these tests: the lab CA of the shared DC.
    static func caFile() async throws -> String { try await SambaLab.shared().caFile }

    func open(
        _ url: String, startTLS: Bool = false, allowInsecure: Bool = false, bindDN: String = "svc@corp.example.test",
        deadline: Duration, networkTimeout: Duration = .seconds(10), operationTimeout: Duration = .seconds(30)
    ) async throws -> (LDAPError?, Duration) {
        let caFile = try await Self.caFile()
        let (err, took) = try await runBlocking { () -> (LDAPError?, Duration) in
            let settings = LDAPSettings(
                url: url, startTLS: startTLS, caFile: caFile, allowInsecure: allowInsecure, bindDN: bindDN,
                password: bindDN.isEmpty ? "" : "x", timeout: deadline, networkTimeout: networkTimeout,
                operationTimeout: operationTimeout)
            let t0 = ContinuousClock.now
            do throws(LDAPError) {
                let c = try LDAPConnection.open(settings)
                if bindDN.isEmpty { _ = try c.readRootDSE(attributes: ["dnsHostName"]) }
                c.close()
                return (nil, ContinuousClock.now - t0)
            } catch {
                return (error, ContinuousClock.now - t0)
            }
        }
        return (err, took)
    }

    @Test func silentLDAPSServerTimesOutInTLSHandshake() async throws {
        try await LDAPTestLab.withSilentListener { l in
            let (err, took) = try await open("ldaps://127.0.0.1:\(l.port)", deadline: .seconds(2))
            guard case .timedOut(.tlsHandshake, let url, _)? = err else {
                Issue.record("got \(String(describing: err))")
                return
            }
            #expect(url == "ldaps://127.0.0.1:\(l.port)")
            #expect(took >= .milliseconds(1800))
            #expect(took < .milliseconds(4500))
        }
    }

    @Test func fullBacklogTimesOutInConnect() async throws {
        try await LDAPTestLab.withBacklogFullListener { l in
            let (err, took) = try await open("ldaps://127.0.0.1:\(l.port)", deadline: .seconds(2))
            guard case .timedOut(.connect, _, _)? = err else {
                Issue.record("got \(String(describing: err))")
                return
            }
            #expect(took < .milliseconds(4500))
            #expect(took >= .milliseconds(1500))
        }
    }

    @Test func fullBacklogUsesNetworkTimeoutWhenShorter() async throws {
        try await LDAPTestLab.withBacklogFullListener { l in
            let (err, took) = try await open(
                "ldap://127.0.0.1:\(l.port)", startTLS: true, deadline: .seconds(10), networkTimeout: .seconds(1))
            guard case .timedOut(.connect, _, _)? = err else {
                Issue.record("got \(String(describing: err))")
                return
            }
            #expect(took >= .milliseconds(800))
            #expect(took < .milliseconds(3500))  // 1 s network timeout + slack, far below the 10 s deadline
        }
    }

    @Test func silentServerTimesOutInStartTLS() async throws {
        try await LDAPTestLab.withSilentListener { l in
            let (err, took) = try await open("ldap://127.0.0.1:\(l.port)", startTLS: true, deadline: .seconds(2))
            guard case .timedOut(.startTLS, _, _)? = err else {
                Issue.record("got \(String(describing: err))")
                return
            }
            #expect(took >= .milliseconds(1800))
            #expect(took < .milliseconds(4500))
        }
    }

    @Test func silentServerTimesOutInBind() async throws {
        try await LDAPTestLab.withSilentListener { l in
            let (err, took) = try await open("ldap://127.0.0.1:\(l.port)", allowInsecure: true, deadline: .seconds(2))
            guard case .timedOut(.bind, _, _)? = err else {
                Issue.record("got \(String(describing: err))")
                return
            }
            #expect(took >= .milliseconds(1800))
            #expect(took < .milliseconds(4500))
        }
    }

    @Test func silentServerTimesOutInSearchByOperationTimeout() async throws {
        try await LDAPTestLab.withSilentListener { l in
            let (err, took) = try await open(
                "ldap://127.0.0.1:\(l.port)", bindDN: "", deadline: .seconds(10), operationTimeout: .seconds(1))
            guard case .timedOut(.search, _, _)? = err else {
                Issue.record("got \(String(describing: err))")
                return
            }
            #expect(took >= .milliseconds(800))
            #expect(took < .milliseconds(3500))  // 1 s operation timeout + slack, far below the 10 s deadline
        }
    }

    @Test func refusedConnection() async throws {
        // Bound but not listening: refused, and no parallel test can take the port meanwhile.
        let refusing = try RefusingPort()
        let port = refusing.port
        let (err, took) = try await open("ldaps://127.0.0.1:\(port)", deadline: .seconds(5))
        withExtendedLifetime(refusing) {}
        #expect(err == .connectionRefused(url: "ldaps://127.0.0.1:\(port)"))
        #expect(took < .milliseconds(2500))
    }

    @Test func ldapsToAPlainPortIsAHandshakeFailure() async throws {
        let dc = try await SambaLab.shared()
        let (err, _) = try await open("ldaps://\(dc.ip):389", deadline: .seconds(10))
        guard case .tlsHandshakeFailed(let url, .tlsHandshake, _)? = err else {
            Issue.record("got \(String(describing: err))")
            return
        }
        #expect(url == "ldaps://127.0.0.2:389")
    }

    @Test func expiredDeadlineFailsAtOnce() async throws {
        let (err, took) = try await open("ldaps://127.0.0.2", deadline: .zero)
        guard case .timedOut(.connect, _, let after)? = err else {
            Issue.record("got \(String(describing: err))")
            return
        }
        #expect(after == .zero)
        #expect(took < .milliseconds(1000))
    }

    @Test func serverHangingUpIsServerDown() async throws {
        try await LDAPTestLab.withHangUpListener { l in
            let (err, _) = try await open("ldap://127.0.0.1:\(l.port)", bindDN: "", deadline: .seconds(10))
            guard case .serverDown(_, .search)? = err else {
                Issue.record("got \(String(describing: err))")
                return
            }
            let (tlsErr, _) = try await open("ldaps://127.0.0.1:\(l.port)", deadline: .seconds(10))
            guard case .tlsHandshakeFailed(_, .tlsHandshake, _)? = tlsErr else {
                Issue.record("got \(String(describing: tlsErr))")
                return
            }
        }
    }
}
