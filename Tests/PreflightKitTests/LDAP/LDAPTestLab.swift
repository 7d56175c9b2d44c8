import Foundation
import PreflightTestSupport
import Testing

import PreflightKit

/// Helpers shared by the LDAP tests. Every blocking call (libldap, subprocesses) runs on a dedicated thread
/// through `runBlocking`, never on the cooperative pool; assertions are made back on the test's task, because
/// `#expect` needs the test's task-local context.
enum LDAPTestLab {
    static let base = SambaDC.baseDN
    /// Password of every MSOL_* account in the scenario domain (scripts/lab/SCENARIOS.md).
    static let connectorPassword = "Svc!Passw0rd123"

    static func settings(
        _ url: String, startTLS: Bool = false, caFile: String?, allowInsecure: Bool = false,
        bindDN: String = SambaDC.readerUPN, password: String = SambaDC.readerPassword,
        timeout: Duration = .seconds(30)
    ) -> LDAPSettings {
        LDAPSettings(
            url: url, startTLS: startTLS, caFile: caFile, allowInsecure: allowInsecure, bindDN: bindDN,
            password: password, timeout: timeout, networkTimeout: .seconds(10), operationTimeout: .seconds(25))
    }

    /// Opens a connection on a dedicated thread, runs `body` there, closes the connection and returns the result.
    static func withConnection<T: Sendable>(
        _ settings: LDAPSettings, _ body: @escaping @Sendable (LDAPConnection) throws -> T
    ) async throws -> T {
        try await runBlocking {
            let c = try LDAPConnection.open(settings)
            defer { c.close() }
            return try body(c)
        }
    }

    /// Runs `body` on a dedicated thread, expecting an LDAPError, and returns it.
    static func expectError(
        sourceLocation: Testing.SourceLocation = #_sourceLocation, _ body: @escaping @Sendable () throws -> Void
    ) async -> LDAPError? {
        let outcome: Result<Void, any Error>
        do {
            try await runBlocking { try body() }
            outcome = .success(())
        } catch {
            outcome = .failure(error)
        }
        switch outcome {
        case .success:
            Issue.record("expected an LDAPError", sourceLocation: sourceLocation)
            return nil
        case .failure(let error as LDAPError):
            return error
        case .failure(let error):
            Issue.record("expected an LDAPError, got \(error)", sourceLocation: sourceLocation)
            return nil
        }
    }

    /// Number of entries `ldapsearch` (bound as preflight-reader over LDAPS, paged) returns: the reference count.
    static func ldapsearchCount(dc: SambaDC, base: String, scope: String, filter: String) async throws -> Int {
        var env = ProcessInfo.processInfo.environment
        env["LDAPTLS_CACERT"] = dc.caFile
        let environment = env
        let arguments = [
            "ldapsearch", "-x", "-LLL", "-o", "ldif-wrap=no", "-H", dc.ldapsURL, "-D", SambaDC.readerUPN,
            "-w", SambaDC.readerPassword, "-E", "pr=1000/noprompt", "-s", scope, "-b", base, filter, "dn",
        ]
        let outcome = try await runBlocking {
            try Subprocess(arguments: arguments, environment: environment)
                .run(input: [], deadline: Date().addingTimeInterval(60))
        }
        guard outcome.termination == .exited(0) else {
            throw SambaDC.LabError(
                description: "ldapsearch failed (\(outcome.termination)): \(String(decoding: outcome.stderr, as: UTF8.self))")
        }
        return String(decoding: outcome.stdout, as: UTF8.self).split(separator: "\n").filter { $0.hasPrefix("dn: ") }.count
    }

    /// Binary SID of `S-1-5-21-<domain>-rid` in the scenario domain (S-1-5-21-1111111111-2222222222-3333333333).
    static func domainSID(rid: UInt32) -> [UInt8] {
        var bytes: [UInt8] = [1, 5, 0, 0, 0, 0, 0, 5]
        for sub: UInt32 in [21, 1_111_111_111, 2_222_222_222, 3_333_333_333, rid] {
            bytes += withUnsafeBytes(of: sub.littleEndian) { Array($0) }
        }
        return bytes
    }

    /// Creates a fault listener on a dedicated thread (BacklogFullListener's set-up waits up to 200 ms, and closing
    /// a listener waits for its accept thread), runs `body`, then closes it there too.
    static func withListener<L: Sendable>(
        _ make: @escaping @Sendable () throws -> L, close: @escaping @Sendable (L) -> Void,
        _ body: (L) async throws -> Void
    ) async throws {
        let listener = try await runBlocking { try make() }
        do {
            try await body(listener)
        } catch {
            _ = try? await runBlocking { close(listener) }
            throw error
        }
        _ = try await runBlocking { close(listener) }
    }

    static func withSilentListener(_ body: (SilentListener) async throws -> Void) async throws {
        try await withListener({ try SilentListener() }, close: { $0.close() }, body)
    }

    static func withBacklogFullListener(_ body: (BacklogFullListener) async throws -> Void) async throws {
        try await withListener({ try BacklogFullListener() }, close: { $0.close() }, body)
    }

    static func withHangUpListener(_ body: (HangUpListener) async throws -> Void) async throws {
        try await withListener({ try HangUpListener() }, close: { $0.close() }, body)
    }
}

extension LDAPSettings {
    /// The tests' settings: the password as a string (copied into an `LDAPSecret`) and the deadline as a budget from now.
    init(
        url: String, startTLS: Bool = false, caFile: String? = nil, allowInsecure: Bool = false, bindDN: String, password: String,
        timeout: Duration, networkTimeout: Duration = .seconds(10), operationTimeout: Duration = .seconds(120)
    ) {
        self.init(
            url: url, startTLS: startTLS, caFile: caFile, allowInsecure: allowInsecure, bindDN: bindDN, secret: LDAPSecret(password),
            deadline: .now + timeout, networkTimeout: networkTimeout, operationTimeout: operationTimeout)
    }
}
