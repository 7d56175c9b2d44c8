import PreflightCore

/// Where the complete lists are, for the formats that show only the first findings of a check (Markdown, HTML): the
/// JSON report (`checks[].findings` has every one) and the subjects CSV, named as the run that wrote the report names
/// them (`preflight-<stamp>.json`; `latest.json` is the same file until the next run).
enum FullList {
    static func jsonFile(_ report: Report) -> String { "\(stem(report)).json" }
    static func subjectsFile(_ report: Report) -> String { "\(stem(report)).\(SubjectsCSVReporter.fileExtension ?? "subjects.csv")" }

    private static func stem(_ report: Report) -> String { "preflight-" + ReportWriter.compactTimestamp(report.run.startedAt) }

    /// `…and 52,761 more: all 52,786 are in …`, with each file name passed through `code` (backticks, `<code>`).
    static func more(shown: Int, of count: Int, in report: Report, code: (String) -> String) -> String {
        "…and \(InputLimits.grouped(count - shown)) more: all \(InputLimits.grouped(count)) are in the JSON report "
            + "(\(code(jsonFile(report))), \(code("checks[].findings"))) and the subjects CSV (\(code(subjectsFile(report))), "
            + "\(code("--format subjects-csv")))."
    }
}
