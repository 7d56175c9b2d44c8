import Foundation
import PreflightCore

/// The report formats `run --format` and `render --format` accept: one per entry of `allReporters`, named by its
/// identifier. The constants (`.md`, `.json`, …) are shorthands; the list is `allReporters`.
package struct ReportFormat: Sendable, Hashable, CaseIterable, RawRepresentable, CustomStringConvertible {
    package let reporter: any Reporter.Type

    package init(_ reporter: any Reporter.Type) { self.reporter = reporter }

    package init?(rawValue: String) {
        guard let reporter = allReporters.first(where: { $0.identifier == rawValue }) else { return nil }
        self.reporter = reporter
    }

    package static var allCases: [ReportFormat] { allReporters.map(ReportFormat.init) }

    package static let md = ReportFormat(MarkdownReporter.self)
    package static let json = ReportFormat(JSONReporter.self)
    static let junit = ReportFormat(JUnitReporter.self)
    static let prom = ReportFormat(PrometheusReporter.self)
    package static let csv = ReportFormat(CSVReporter.self)
    package static let summary = ReportFormat(SummaryReporter.self)

    package var rawValue: String { reporter.identifier }
    package var description: String { rawValue }

    package static func == (a: ReportFormat, b: ReportFormat) -> Bool { a.rawValue == b.rawValue }
    package func hash(into hasher: inout Hasher) { hasher.combine(rawValue) }

    /// The file name's ending (after the stem), or nil for `summary`, which is a line on stdout, not a file.
    var fileExtension: String? { reporter.fileExtension }

    /// The file's bytes: the reporter's text in UTF-8 (the CSV files start with a BOM for spreadsheet programs).
    package func render(_ report: Report) -> Data { Data(reporter.render(report).utf8) }

    /// The same bytes as `render`, written to `stream` in chunks: how the report files are written.
    package func write(_ report: Report, to stream: ReportStream) throws { try reporter.write(report, to: stream) }

    /// Parses `md,json` (also repeated flags, any case); unknown names are a usage error.
    package static func parseList(_ values: [String]) throws(PreflightError) -> [ReportFormat] {
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
