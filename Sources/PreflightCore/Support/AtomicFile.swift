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
