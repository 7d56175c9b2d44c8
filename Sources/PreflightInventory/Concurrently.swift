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
