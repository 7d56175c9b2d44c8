import Foundation
import PreflightCore

/// The saved report's fuzzing entry (see `FuzzEntry`).
extension FuzzEntry {
    // MARK: Reports

    /// A saved JSON report (`render`, `diff`, `--baseline`), and when it parses, what those commands make of it.
    @discardableResult
    package static func savedReport(_ bytes: [UInt8]) -> String? {
        let report: Report
        do { report = try JSONReporter.parse(Data(bytes), file: "latest.json") } catch { return "\(error)" }
        for format in ReportFormat.allCases { _ = format.render(report) }
        let changes = ReportComparison.compare(baseline: report, baselineFile: "a.json", current: report, currentFile: "b.json")
        _ = (ChangesReporter.markdown(changes), ChangesReporter.json(changes), ChangesReporter.exitStatus(changes))
        return nil
    }
}
