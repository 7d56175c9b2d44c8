import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// The process groups of the plugins running now (each `Subprocess` runs in a group of its own), so that the run can
/// end them all when it ends or is interrupted: a plugin and its children never outlive the run.
package final class ChildProcessGroups: @unchecked Sendable {
    package static let shared = ChildProcessGroups()

    /// Between SIGTERM and SIGKILL, at a plugin's deadline and when the run is interrupted.
    package static let defaultGrace = 2.0

    private let lock = NSLock()
    private var groups: Set<pid_t> = []
    private var closed = false

    /// Records a group right after its leader was spawned. False once the run is shutting down: the caller must kill
    /// the group at once (a check that started while the run was being interrupted).
    func register(_ group: pid_t) -> Bool {
        lock.withLock {
            guard !closed else { return false }
            groups.insert(group)
            return true
        }
    }

    func unregister(_ group: pid_t) {
        lock.withLock { _ = groups.remove(group) }
    }

    /// The groups registered now.
    package var running: Set<pid_t> { lock.withLock { groups } }

    /// Ends every registered group: SIGTERM, up to `grace` seconds for them to exit, then SIGKILL; returns once no
    /// member of any of them is alive (zombies waiting for their reaper count as ended), or after another second.
    /// With `closing`, groups registered later are killed at once: for the end of the process.
    /// `cutShort` is polled during the grace: true (a second Ctrl-C) skips the rest of it.
    package func terminateAll(grace: Double = defaultGrace, closing: Bool, cutShort: () -> Bool = { false }) {
        let targets: Set<pid_t> = lock.withLock {
            if closing { closed = true }
            return groups
        }
        guard !targets.isEmpty else { return }
        for group in targets { kill(-group, SIGTERM) }
        let killAt = Date().addingTimeInterval(grace)
        while Date() < killAt, !Self.alive(targets).isEmpty, !cutShort() { usleep(20_000) }
        for group in targets { kill(-group, SIGKILL) }
        let giveUp = Date().addingTimeInterval(1)
        while Date() < giveUp, !Self.alive(targets).isEmpty { usleep(10_000) }
    }

    /// The groups among `groups` that still have a member that is not a zombie.
    static func alive(_ groups: Set<pid_t>) -> Set<pid_t> {
        #if os(Linux)
            var found: Set<pid_t> = []
            guard let names = try? FileManager.default.contentsOfDirectory(atPath: "/proc") else { return groups }
            for name in names where name.first?.isNumber == true {
                // /proc/<pid>/stat: "pid (comm) state ppid pgrp …"; comm may itself contain spaces and parentheses.
                guard let stat = try? String(contentsOfFile: "/proc/\(name)/stat", encoding: .utf8),
                    let close = stat.lastIndex(of: ")")
                else { continue }
                let fields = stat[stat.index(after: close)...].split(separator: " ")
                guard fields.count > 2, let group = pid_t(fields[2]), groups.contains(group) else { continue }
                if fields[0] != "Z" && fields[0] != "X" { found.insert(group) }
            }
            return found
        #else
            return groups.filter { kill(-$0, 0) == 0 }
        #endif
    }

    /// Waits until no member of `group` is alive, or until `deadline`.
    static func waitUntilEnded(_ group: pid_t, until deadline: Date) {
        while Date() < deadline, !alive([group]).isEmpty { usleep(20_000) }
    }
}
