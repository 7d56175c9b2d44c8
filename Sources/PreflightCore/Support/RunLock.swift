import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// The lock that keeps overlapping runs (a slow cron job and the next one) from writing to one `--out` folder.
/// flock(2) on `.preflight.lock`: the kernel drops it when the holder exits, even on a crash or `kill -9`, so a
/// lock is never stale. The file stays; its content only says who holds it, for the message of the run that waits.
package final class RunLock: Sendable {
    package static let fileName = ".preflight.lock"

    private let descriptor: Int32
    package let path: String

    private init(descriptor: Int32, path: String) {
        self.descriptor = descriptor
        self.path = path
    }

    deinit { close(descriptor) }

    /// Takes the lock in `folder` (created when missing); waits up to `wait` seconds for another run to finish.
    /// Throws `.locked` when another run still holds it.
    package static func acquire(in folder: String, wait: Double = 0, startedAt: Date = Date()) throws(PreflightError) -> RunLock {
        do {
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        } catch {
            throw .cannotWrite(path: folder, reason: "the folder cannot be created (\(error.localizedDescription))")
        }
        let path = (folder as NSString).appendingPathComponent(fileName)
        let descriptor = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else { throw .cannotWrite(path: path, reason: String(cString: strerror(errno))) }
        let deadline = Date().addingTimeInterval(max(0, wait))
        while flock(descriptor, LOCK_EX | LOCK_NB) != 0 {
            guard errno == EWOULDBLOCK || errno == EINTR else {
                let reason = String(cString: strerror(errno))
                close(descriptor)
                throw .cannotWrite(path: path, reason: "it cannot be locked (\(reason))")
            }
            guard Date() < deadline else {
                let holder = String(decoding: FileManager.default.contents(atPath: path) ?? Data(), as: UTF8.self)
                close(descriptor)
                throw .locked(path: path, holder: holder.trimmingCharacters(in: .whitespacesAndNewlines), waited: wait)
            }
            usleep(100_000)
        }
        let holder = "pid \(getpid()) on \(ProcessInfo.processInfo.hostName), started \(RFC3339.string(startedAt))\n"
        _ = ftruncate(descriptor, 0)
        _ = holder.withCString { pwrite(descriptor, $0, strlen($0), 0) }
        return RunLock(descriptor: descriptor, path: path)
    }
}
