import Foundation

/// Values left for the process's end to free. A run ends right after its reports are written, and a million-user
/// tenant's report is a million findings and half a million users, freed one allocation at a time (a tenth of a second
/// on the 1,000,000-user benchmark, docs/benchmarks.md) when the kernel would take the whole heap back at exit anyway.
enum UntilExit {
    private static let held = Held()

    static func keep(_ values: any Sendable...) { held.append(values) }

    private final class Held: @unchecked Sendable {
        // Guarded by `lock`.
        private var values: [any Sendable] = []
        private let lock = NSLock()

        func append(_ more: [any Sendable]) {
            lock.lock()
            defer { lock.unlock() }
            values += more
        }
    }
}
