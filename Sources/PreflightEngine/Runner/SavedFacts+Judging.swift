import Foundation
import PreflightCore

/// Judging saved facts offline, as `evaluate` and `why --facts` do: the saved selection in the current catalog, the
/// waivers that apply, and the report at the run's own times (nothing is probed).
extension SavedFacts {
    /// `file` (`--waivers`), else the waiver file the configuration names when it is on this machine; the notice says when
    /// it is not (it names the file of the machine that collected the facts).
    package static func waivers(file: String?, configuration: Configuration) throws(PreflightError) -> (waivers: [Waiver], notice: String?) {
        if let file { return (try WaiverFile.load(from: file), nil) }
        guard let named = configuration.waivers else { return ([], nil) }
        guard FileManager.default.fileExists(atPath: named) else {
            return (
                [],
                "The waiver file \(named) that the configuration names is not on this machine, so no waiver was applied. "
                    + "Pass it with --waivers FILE."
            )
        }
        return (try WaiverFile.load(from: named), nil)
    }

    /// The checks the run selected, in `catalog`; a selection of custom checks needs their folders (`given`: `--checks`
    /// of `command`).
    package func checks(in catalog: Catalog, folders given: [String], command: String) throws(PreflightError) -> [CheckDefinition] {
        do {
            return try selection.apply(to: catalog)
        } catch {
            guard case .usage(let message) = error, !catalogFolders.isEmpty, given.isEmpty else { throw error }
            let folders = catalogFolders.map { "--checks \($0)" }.joined(separator: " ")
            throw PreflightError.usage("\(message) The run that saved the facts added \(folders): pass the same to '\(command)'.")
        }
    }

    /// The report of `checks` judged from these facts with `configuration`, at the run's own times.
    package func judge(
        _ checks: [CheckDefinition], registry: ProbeRegistry, configuration: Configuration, catalog: Catalog, notices: [String],
        gate: Gate? = nil, waivers: [Waiver]
    ) async -> Report {
        var runner = Runner(registry: registry, configuration: configuration, jobs: 1)
        runner.savedFacts = self
        let results = await runner.run(checks)
        var report = Assessment.report(
            run: runInfo(configuration: configuration, catalog: catalog), results: results, configuration: configuration,
            catalog: catalog, selection: selection, notices: notices)
        if let gate { report.apply(gate) }
        report.apply(waivers, at: judgedAt)
        return report
    }
}
