import Foundation

/// `work`'s value, or `late()`'s once `deadline` has passed, whichever comes first. Work stuck in a C call (a DC that
/// accepts and never answers) cannot be interrupted: it is cancelled and abandoned, and the caller goes on.
package func firstOf<Value: Sendable>(
    _ work: @escaping @Sendable () async -> Value, orAt deadline: Date, _ late: @escaping @Sendable () -> Value
) async -> Value {
    let task = Task { await work() }
    let race = FirstResult<Value>()
    return await withCheckedContinuation { continuation in
        race.install(continuation)
        let timer = Task {
            try? await Task.sleep(for: .seconds(max(0, deadline.timeIntervalSinceNow)))
            guard !Task.isCancelled else { return }
            task.cancel()
            race.offer(late())
        }
        Task {
            race.offer(await task.value)
            timer.cancel()
        }
    }
}

/// Resumes a continuation with whichever value arrives first; later ones are dropped.
final class FirstResult<Value: Sendable>: @unchecked Sendable {
    private let lock = NSLock()
    private var continuation: CheckedContinuation<Value, Never>?
    private var early: Value?
    private var done = false

    func install(_ continuation: CheckedContinuation<Value, Never>) {
        lock.lock()
        defer { lock.unlock() }
        if let early {
            done = true
            continuation.resume(returning: early)
        } else {
            self.continuation = continuation
        }
    }

    func offer(_ value: Value) {
        lock.lock()
        defer { lock.unlock() }
        guard !done else { return }
        if let continuation {
            done = true
            self.continuation = nil
            continuation.resume(returning: value)
        } else if early == nil {
            early = value
        }
    }
}
