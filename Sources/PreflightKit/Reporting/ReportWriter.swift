import Foundation

/// Writes reports atomically: a reader (or a cron job's mailer) never sees half a file.
public enum ReportWriter {
    /// Writes `preflight-<timestamp>.<ext>` (`-2`, … after a run of the same second) and refreshes `latest.<ext>` for each file format (`summary` is no file);
    /// returns the timestamped paths.
    public static func write(_ report: Report, formats: [ReportFormat], to folder: String) throws(PreflightError) -> [String] {
        do {
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        } catch {
            throw .cannotWrite(path: folder, reason: "the folder cannot be created (\(error.localizedDescription))")
        }
        let stem = ReportRetention.freshStem(for: report.run.startedAt, in: folder)
        var written: [String] = []
        for format in formats {
            guard let fileExtension = format.fileExtension else { continue }
            let body = format.render(report)
            // Paths keep the folder as the user wrote it, so printed paths match what they typed.
            let path = (folder as NSString).appendingPathComponent("\(stem).\(fileExtension)")
            try writeAtomically(body, to: path)
            try writeAtomically(body, to: (folder as NSString).appendingPathComponent("latest.\(fileExtension)"))
            written.append(path)
        }
        return written
    }

    /// Temp file in the same folder, then rename(2): atomic on POSIX file systems.
    public static func writeAtomically(_ data: Data, to path: String) throws(PreflightError) {
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

    /// `2026-11-26T10:15:00Z` → `20261126T101500Z`.
    static func compactTimestamp(_ rfc3339: String) -> String {
        rfc3339.replacingOccurrences(of: "-", with: "").replacingOccurrences(of: ":", with: "")
            .replacingOccurrences(of: ".000", with: "")
    }
}
