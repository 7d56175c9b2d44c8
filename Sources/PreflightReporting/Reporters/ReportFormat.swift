import Foundation
import PreflightCore

/// The report formats `run --format` and `render --format` accept.
public enum ReportFormat: String, Sendable, CaseIterable {
    case md, json, junit, prom, csv, summary

    /// The file name's ending (after the stem), or nil for `summary`, which is a line on stdout, not a file.
    public var fileExtension: String? {
        switch self {
        case .md: MarkdownReporter.fileExtension
        case .json: JSONReporter.fileExtension
        case .junit: JUnitReporter.fileExtension
        case .prom: PrometheusReporter.fileExtension
        case .csv: CSVReporter.fileExtension
        case .summary: nil
        }
    }

    /// The file's bytes (text formats are UTF-8; the CSV action plan starts with a BOM for spreadsheet programs).
    public func render(_ report: Report) -> Data {
        switch self {
        case .md: Data(MarkdownReporter.render(report).utf8)
        case .json: Data(JSONReporter.render(report).utf8)
        case .junit: Data(JUnitReporter.render(report).utf8)
        case .prom: Data(PrometheusReporter.render(report).utf8)
        case .csv: CSVReporter.render(report)
        case .summary: Data((SummaryReporter.line(report, reportPath: nil) + "\n").utf8)
        }
    }

    /// Parses `md,json` (also repeated flags); unknown names are a usage error.
    public static func parseList(_ values: [String]) throws(PreflightError) -> [ReportFormat] {
        var formats: [ReportFormat] = []
        for name in values.flatMap({ $0.split(separator: ",") }).map({ $0.trimmingCharacters(in: .whitespaces) }) {
            guard let format = ReportFormat(rawValue: name.lowercased()) else {
                throw .usage("Unknown report format '\(name)'. Use one or more of: \(allCases.map(\.rawValue).joined(separator: ", ")).")
            }
            if !formats.contains(format) { formats.append(format) }
        }
        guard !formats.isEmpty else {
            throw .usage("--format is empty. Use one or more of: \(allCases.map(\.rawValue).joined(separator: ", ")).")
        }
        return formats
    }
}
