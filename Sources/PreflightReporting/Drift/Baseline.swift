import Foundation
import PreflightCore

/// The earlier report `run --baseline` compares with: a file, or `latest` (the previous `latest.json` in `--out`).
package enum Baseline {
    package static let latestKeyword = "latest"

    package struct Loaded: Sendable {
        package var report: Report?
        package var file: String
        /// Why there is no comparison, for the report's notices (only for `latest`).
        package var notice: String?
    }

    /// A named baseline must exist and be a report (66, 65).
    package static func load(file path: String) throws(PreflightError) -> Loaded {
        Loaded(report: try JSONReporter.load(path, role: "baseline report", forComparison: true), file: path, notice: nil)
    }

    /// The previous `latest.json` in `folder`. It may be missing or from another schema version: the first run, or
    /// the first after an upgrade, compares with nothing and says so; the next run compares with it.
    package static func latest(in folder: String) -> Loaded {
        let path = (folder as NSString).appendingPathComponent("latest.json")
        guard FileManager.default.fileExists(atPath: path) else {
            return Loaded(
                report: nil, file: path,
                notice: "--baseline latest: there is no earlier report '\(path)' yet, so this report has no changes section; the next run compares with this one.")
        }
        do {
            let report = try JSONReporter.load(path, role: "baseline report", forComparison: true)
            return Loaded(report: report, file: timestampedCopy(of: path, startedAt: report.run.startedAt, in: folder) ?? path, notice: nil)
        } catch {
            return Loaded(
                report: nil, file: path,
                notice: "--baseline latest: the earlier report could not be compared with (\(error.description)), so this report has no changes section; the next run compares with this one.")
        }
    }

    /// The timestamped file with the same bytes as `latest` (the writer writes both from one body), which this run
    /// does not overwrite; nil when `--keep` deleted it.
    static func timestampedCopy(of latest: String, startedAt: String, in folder: String) -> String? {
        let stamp = "preflight-" + ReportWriter.compactTimestamp(startedAt)
        // latest.json is a link into the published run's folder; contentsEqual would compare the link, not the file.
        let file = URL(fileURLWithPath: latest).resolvingSymlinksInPath().path
        return ReportRetention.sets(in: folder)
            .filter { $0.name.hasSuffix(".json") && $0.stem.hasPrefix(stamp) }
            .map { (folder as NSString).appendingPathComponent($0.name) }
            .first { FileManager.default.contentsEqual(atPath: $0, andPath: file) }
    }
}
