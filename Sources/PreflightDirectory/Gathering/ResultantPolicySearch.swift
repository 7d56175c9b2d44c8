import Foundation
import PreflightCore

/// Each user's resultant fine-grained password policy (`msDS-ResultantPSO`, AD-010), read by a paged search of its own
/// on a second connection while the main user search reads the security descriptors on the first.
///
/// The DC constructs the attribute for every user it returns (Samba: a one-level search of the Password Settings
/// Container per user, `get_pso_count` in source4/dsdb/samdb/ldb_modules/operational.c), about 12 % of what the
/// descriptors cost it. A DC answers each connection in a worker of its own, so on a second connection that work runs
/// on another core beside the descriptors instead of after them. Only users that have a policy are kept.
final class ResultantPolicySearch: @unchecked Sendable {
    static let attribute = "msDS-ResultantPSO"

    /// The search ended because the gatherer stopped waiting for it (the main search failed).
    struct Cancelled: Error {}

    private let finished = DispatchSemaphore(value: 0)
    private let lock = NSLock()
    /// Set by `cancel()`, read by the search between entries; guarded by `lock`.
    private var cancelled = false
    /// Written once by the search's thread before it signals `finished`, read after the wait.
    private var outcome: Result<[String: String], any Error> = .failure(Cancelled())

    /// Starts the search on a thread of its own. `open` opens the second connection (the configuration's, with the
    /// same TLS, bind and deadline as the first); it is closed when the search ends, however it ends.
    init(bases: [String], filter: String, pageSize: Int, open: @escaping @Sendable () throws -> LDAPConnection) {
        let thread = Thread { [self] in
            outcome = Result { try read(bases: bases, filter: filter, pageSize: pageSize, open: open) }
            finished.signal()
        }
        thread.name = "preflight.ldap.resultant-pso"
        thread.stackSize = 1 << 20
        thread.start()
    }

    /// The users' policies, by the key of the user's DN (`DistinguishedName.key`), or why they could not be read.
    /// Waits for the search; safe to call more than once.
    func wait() -> Result<[String: String], any Error> {
        finished.wait()
        // Signalled again for the next caller: the search has ended for good.
        finished.signal()
        return outcome
    }

    /// Ends the search at the next entry; `wait()` then returns soon after (the connection closed).
    func cancel() {
        lock.lock()
        cancelled = true
        lock.unlock()
    }

    private var isCancelled: Bool {
        lock.lock()
        defer { lock.unlock() }
        return cancelled
    }

    private func read(
        bases: [String], filter: String, pageSize: Int, open: @Sendable () throws -> LDAPConnection
    ) throws -> [String: String] {
        let connection = try open()
        defer { connection.close() }
        var policies: [String: String] = [:]
        // The few distinct policy DNs, each held once however many users it applies to.
        var names: [String: String] = [:]
        for base in bases {
            try connection.search(
                base: base, scope: .subtree, filter: filter, attributes: [Self.attribute], sdFlags: nil, pageSize: pageSize
            ) { entry in
                if isCancelled { throw Cancelled() }
                guard let policy = entry.string(Self.attribute) else { return }
                let shared = names[policy] ?? policy
                names[policy] = shared
                policies[DistinguishedName(entry.dn).key] = shared
            }
        }
        return policies
    }
}
