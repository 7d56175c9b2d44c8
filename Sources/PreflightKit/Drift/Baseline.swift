import Foundation

/// The earlier report `run --baseline` compares with: a file, or `latest` (the previous `latest.json` in `--out`).
public enum Baseline {
    public static let latestKeyword = "latest"

    public struct Loaded: Sendable {
        public var report: Report?
        public var file: String
        /// Why there is no comparison, for the report's notices (only for `latest`).
        public var notice: String?
    }

    /// A named file must exist and be a report (66, 65). `latest` may be missing or from another schema version:
    /// the first run, or the first after an upgrade, compares with nothing and says so; the next run compares with it.
    public static func load(_ argument: String, out folder: String) throws(PreflightError) -> Loaded {
        guard argument == latestKeyword else {
            return Loaded(report: try JSONReporter.load(argument, role: "baseline report"), file: argument, notice: nil)
        }
        let path = (folder as NSString).appendingPathComponent("latest.json")
        guard FileManager.default.fileExists(atPath: path) else {
            return Loaded(
                report: nil, file: path,
                notice: "--baseline latest: there is no earlier report '\(path)' yet, so this report has no changes section; the next run compares with this one.")
        }
        do {
            let report = try JSONReporter.load(path, role: "baseline report")
            return Loaded(report: report, file: timestampedCopy(of: report, in: folder) ?? path, notice: nil)
        } catch {
            return Loaded(
                report: nil, file: path,
                notice: "--baseline latest: the earlier report could not be compared with (\(error.description)), so this report has no changes section; the next run compares with this one.")
        }
    }

    /// The timestamped file of the same run, which (unlike latest.json) this run does not overwrite; nil when
    /// `--keep` deleted it or it was never written.
    static func timestampedCopy(of report: Report, in folder: String) -> String? {
        let stamp = "preflight-" + ReportWriter.compactTimestamp(report.run.startedAt)
        let candidates = ReportRetention.sets(in: folder).filter { $0.name.hasSuffix(".json") && $0.stem.hasPrefix(stamp) }
        return candidates.map { (folder as NSString).appendingPathComponent($0.name) }
            .first { (try? JSONReporter.load($0))?.run.id == report.run.id }
    }
}
