import ArgumentParser
import PreflightCore
import PreflightReporting

/// What `run` and `evaluate` share: where the report set goes, its formats, the gate and the waivers, the lock and the
/// retention, redaction, and how much is printed.
struct ReportOutputOptions: ParsableArguments {
    @Option(help: ArgumentHelp("Folder for the reports.", valueName: "dir"))
    var out: String = "reports"
    @Option(help: ArgumentHelp("Report formats, comma-separated or repeated.", valueName: "formats"))
    var format: [ReportFormatList] = [ReportFormatList([.md, .json])]
    @Option(
        help: ArgumentHelp(
            "Only failures at or above this severity make the exit code 1 (default: any failure).", valueName: "severity"))
    var failOn: Severity?
    @Flag(help: "Warnings fail the run too (exit code 1), at the --fail-on severities.")
    var strict = false
    @Option(help: .file("A waiver file (overrides the configuration's 'waivers')."))
    var waivers: String?
    @Option(help: ArgumentHelp("Keep only the newest N timestamped report sets in --out; delete older ones.", valueName: "n"))
    var keep: Int?
    @Option(
        help: ArgumentHelp(
            "When another run holds the --out folder's lock, wait up to this many seconds (default: exit at once with 75).",
            valueName: "seconds"))
    var waitLock: Double = 0
    @Flag(help: "Print nothing but errors.")
    var quiet = false
    @OptionGroup var redaction: RedactionOptions

    var formats: [ReportFormat] { ReportFormatList.merged(format) }
    var gate: Gate { Gate(failOn: failOn, strict: strict) }

    /// Usage errors (exit 64) for values the option types cannot refuse themselves.
    func validateValues() throws {
        if let keep, keep < 1 { throw PreflightError.usage("--keep must be at least 1 (the run's own reports), but it is \(keep).") }
        guard waitLock >= 0 else { throw PreflightError.usage("--wait-lock must be 0 or more seconds, but it is \(waitLock).") }
        try redaction.validate(outFolder: out)
    }
}
