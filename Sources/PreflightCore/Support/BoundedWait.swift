import Foundation

/// Runs blocking `body` on a thread of its own and waits for it at most until `deadline`. nil when it did not finish
/// in time: the thread is abandoned (a read stuck on a hung file system cannot be interrupted), as the runner abandons
/// a probe stuck in a system call, so no file can hold the run.
package func finishing<T: Sendable>(by deadline: Date, _ body: @escaping @Sendable () -> T) -> T? {
    let box = ResultBox<T>()
    let done = DispatchSemaphore(value: 0)
    let thread = Thread {
        box.value = body()
        done.signal()
    }
    thread.name = "preflight.bounded"
    thread.start()
    guard done.wait(timeout: .now() + max(0, deadline.timeIntervalSinceNow)) == .success else { return nil }
    return box.value
}

/// Written once by the worker before it signals, read once after the wait: the semaphore orders the two.
private final class ResultBox<T>: @unchecked Sendable {
    var value: T?
}
