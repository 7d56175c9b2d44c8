import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// One file written so that a reader sees the old file or the whole new one, never half.
package enum AtomicFile {
    /// Temp file in the same folder, then rename(2): atomic on POSIX file systems. For single files (`render --out`,
    /// `diff --out`, `run --save-facts`); a run's report set is published by `ReportWriter.write`.
    package static func write(_ data: Data, to path: String) throws(PreflightError) {
        let url = URL(fileURLWithPath: path)
        let temporary = url.deletingLastPathComponent()
            .appendingPathComponent(".\(url.lastPathComponent).\(ProcessInfo.processInfo.processIdentifier).tmp")
        do {
            try data.write(to: temporary)
            if rename(temporary.path, path) != 0 {
                let reason = String(cString: strerror(errno))
                try? FileManager.default.removeItem(at: temporary)
                throw PreflightError.cannotWrite(path: path, reason: reason)
            }
        } catch let error as PreflightError {
            throw error
        } catch {
            try? FileManager.default.removeItem(at: temporary)
            throw .cannotWrite(path: path, reason: error.localizedDescription)
        }
    }
}

extension AtomicFile {
    /// `write`, but the file is readable by its owner only (mode 0600) from its first byte: the temporary file is created
    /// so, then renamed over `path` (`--redact-mapping`, which holds what redaction hid).
    package static func writePrivate(_ data: Data, to path: String) throws(PreflightError) {
        let url = URL(fileURLWithPath: path)
        let temporary = url.deletingLastPathComponent()
            .appendingPathComponent(".\(url.lastPathComponent).\(ProcessInfo.processInfo.processIdentifier).tmp").path
        unlink(temporary)
        let fd = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw .cannotWrite(path: path, reason: String(cString: strerror(errno))) }
        var failure: Int32 = 0
        data.withUnsafeBytes { buffer in
            var offset = 0
            while offset < buffer.count, let base = buffer.baseAddress {
                let count = Glibc.write(fd, base + offset, buffer.count - offset)
                if count < 0, errno == EINTR { continue }
                if count < 0 {
                    failure = errno
                    return
                }
                offset += count
            }
        }
        if failure == 0, fsync(fd) != 0 { failure = errno }
        if close(fd) != 0, failure == 0 { failure = errno }
        if failure == 0, rename(temporary, path) != 0 { failure = errno }
        if failure != 0 {
            unlink(temporary)
            throw .cannotWrite(path: path, reason: String(cString: strerror(failure)))
        }
    }
}
