import PreflightCore

/// A report format: a pure function of a `Report`, the same report rendering the same text.
///
/// Every format is one type conforming to this and one entry in `allReporters`. `ReportFormat`, the `--format`
/// values of `run` and `render` (their parsing, `--help` and completions) and the files `ReportWriter` publishes all
/// come from that list, so adding a format is: a reporter here, a line in `allReporters`, a snapshot test
/// (README, "Architecture").
package protocol Reporter: Sendable {
    /// The `--format` name, e.g. `md`.
    static var identifier: String { get }
    /// The file name's ending after the stem (`latest.<fileExtension>`), or nil for a format that is no file
    /// (`summary` is a line on stdout).
    static var fileExtension: String? { get }
    /// One line for `--help` and the docs.
    static var description: String { get }
    /// The report in this format. Files are these characters in UTF-8.
    static func render(_ report: Report) -> String
    /// The same characters as `render`, written to `stream` as they are made. Files are written this way. The formats
    /// whose size grows with the findings (the JSON report, the subjects CSV, the users CSV) implement it and make
    /// `render` collect it; the others get the default, which writes `render`.
    static func write(_ report: Report, to stream: ReportStream) throws
}

extension Reporter {
    package static func write(_ report: Report, to stream: ReportStream) throws { try stream.write(render(report)) }
}

/// Every report format, in the order `--help` lists them and a run writes them.
let allReporters: [any Reporter.Type] = [
    MarkdownReporter.self, JSONReporter.self, HTMLReporter.self, JUnitReporter.self, PrometheusReporter.self, CSVReporter.self,
    UsersCSVReporter.self, SubjectsCSVReporter.self, SummaryReporter.self,
]
