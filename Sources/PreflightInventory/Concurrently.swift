import Foundation
import PreflightCore

/// Work to run on a thread of its own, keeping its outcome.
protocol DeferredWork: AnyObject, Sendable {
    func run()
}

/// A reader of one export, run by `runConcurrently`; `result` is read only after that returns.
final class Deferred<Value: Sendable>: DeferredWork, @unchecked Sendable {
    private let body: @Sendable () throws(InputFileError) -> Value
    /// Set once by `run()`, read after `runConcurrently` has waited for it.
    private(set) var result: Result<Value, InputFileError>?

    init(_ body: @escaping @Sendable () throws(InputFileError) -> Value) { self.body = body }

    func run() {
        do throws(InputFileError) {
            result = .success(try body())
        } catch {
            result = .failure(error)
        }
    }
}

/// Runs the jobs on threads of their own (never the cooperative pool: this is blocking file work) and waits for all.
func runConcurrently(_ jobs: [any DeferredWork]) {
    guard jobs.count > 1 else {
        jobs.first?.run()
        return
    }
    let group = DispatchGroup()
    for job in jobs.dropFirst() {
        group.enter()
        let thread = Thread {
            job.run()
            group.leave()
        }
        thread.name = "preflight.inventory.reader"
        thread.stackSize = 1 << 20
        thread.start()
    }
    jobs[0].run()
    group.wait()
}

/// Runs the tasks on as many threads as the machine has cores (the calling one included), each thread taking the next
/// task not yet taken, and waits for all: the parts of large exports (`CSVParts`) and the small exports' readers.
func runOnCores(_ tasks: [@Sendable () -> Void], cores: Int = ProcessInfo.processInfo.activeProcessorCount) {
    let threads = min(tasks.count, max(1, cores))
    guard threads > 1 else {
        for task in tasks { task() }
        return
    }
    let queue = TaskQueue(tasks)
    runConcurrently((0..<threads).map { _ in queue })
}

/// The tasks of `runOnCores`, handed out one at a time; as `DeferredWork`, `run()` takes tasks until none is left.
private final class TaskQueue: DeferredWork, @unchecked Sendable {
    private let tasks: [@Sendable () -> Void]
    private let lock = NSLock()
    /// The next task to hand out, guarded by `lock`.
    private var next = 0

    init(_ tasks: [@Sendable () -> Void]) { self.tasks = tasks }

    func run() {
        while let task = take() { task() }
    }

    private func take() -> (@Sendable () -> Void)? {
        lock.lock()
        defer { lock.unlock() }
        guard next < tasks.count else { return nil }
        next += 1
        return tasks[next - 1]
    }
}

/// An export whose header is read and understood: its parts (`CSVParts`) are read by `tasks` on any threads, then
/// merged by `finish()`. The gatherer runs the tasks of several exports together; `read()` runs one export's alone.
protocol ExportReading {
    associatedtype Part: Sendable
    associatedtype Output
    var parts: CSVParts<Part> { get }
    /// Merges the parts in file order, once every task has run (else reads the parts here).
    func finish() throws(InputFileError) -> Output
}

extension ExportReading {
    /// One task per part of the export.
    var tasks: [@Sendable () -> Void] { parts.tasks }

    func read() throws(InputFileError) -> Output {
        runOnCores(tasks)
        return try finish()
    }
}
