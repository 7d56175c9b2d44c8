import Foundation
import PreflightCore
import PreflightDirectory
import PreflightEngine

/// The facts `preflight why` tells a user's story from: a report and what its probes gathered, either from a run made
/// now (the checks `run` would run, probing) or from saved facts judged offline (as `evaluate` does). Here, not in the
/// command line, because the story needs every area's fact types, which only this layer sees together.
package struct UserStorySources: Sendable {
    package var report: Report
    /// Every set of facts the probes gathered (`SavedFacts.gathered`).
    package var gathered: [any Sendable]
    /// The checks judged, as the catalog defines them (which check judges which right).
    package var checks: [CheckDefinition]
    package var selection: Selection
    /// A sentence naming the run or the file.
    package var source: String
    /// A live run only: looks up a user the run did not read (out of scope), in the directory, now.
    package var lookup: (@Sendable (String) async -> (found: [DirectoryUserLookup.Found], problems: [String]))?
    /// Whether an input file (configuration key, path) still holds the bytes the run read: always, for a run made now.
    package var unchanged: @Sendable (String, String) -> Bool = { _, _ in true }

    /// Runs `checks` (probing, facts recorded in memory, no report written) and applies `waivers` as `run` does.
    package static func live(
        configuration: Configuration, catalog: Catalog, checks: [CheckDefinition], selection: Selection, notices: [String],
        waivers: [Waiver], environment: [String: String] = ProcessInfo.processInfo.environment
    ) async -> UserStorySources {
        var runner = Runner(configuration: configuration, environment: environment)
        let recorder = FactsRecorder()
        runner.recorder = recorder
        var report = await Assessment.run(
            configuration: configuration, catalog: catalog, checks: checks, runner: runner, selection: selection, notices: notices)
        // A plugin past its deadline may still be in its grace between SIGTERM and SIGKILL: none outlives the run.
        ChildProcessGroups.shared.terminateAll(closing: true)
        report.apply(waivers, at: Date())
        return UserStorySources(
            report: report, gathered: recorder.gathered, checks: checks, selection: selection,
            source: "a run made now on \(report.run.host) at \(report.run.startedAt) (run \(report.run.id))",
            lookup: { query in await DirectoryUserLookup.lookup(query, configuration: configuration, environment: environment) })
    }

    /// Judges saved facts with the current catalog (`folders`: the `--checks` given), offline.
    package static func saved(_ saved: SavedFacts, catalog: Catalog, folders: [String]) async throws(PreflightError) -> UserStorySources {
        let configuration = saved.configuration
        let (waivers, notice) = try SavedFacts.waivers(file: nil, configuration: configuration)
        let problems = configuration.problems(with: catalog)
        guard problems.isEmpty else { throw PreflightError.invalidConfiguration(problems) }
        let checks = try saved.checks(in: catalog, folders: folders, command: "why")
        let notices = saved.notices + (notice.map { [$0] } ?? []) + saved.differences(catalog: catalog, configurationFile: nil)
        let report = await saved.judge(
            checks, registry: .builtIn, configuration: configuration, catalog: catalog, notices: notices, waivers: waivers)
        return UserStorySources(
            report: report, gathered: saved.gathered, checks: checks, selection: saved.selection,
            source: "the facts saved in \(saved.file ?? "a file") by preflight \(saved.tool.version) on \(saved.run.host) at "
                + "\(saved.run.startedAt) (run \(saved.run.id)), judged offline",
            lookup: nil, unchanged: { saved.isUnchanged(key: $0, file: $1) })
    }

    /// The in-scope users the directory facts hold, for `why --list`.
    package var users: [(upn: String?, samAccountName: String?, dn: String)] {
        DirectoryUserStory.users(in: DirectoryUserStory.snapshots(in: gathered)).sorted {
            ($0.upn ?? $0.dn).lowercased() < ($1.upn ?? $1.dn).lowercased()
        }
    }
}
