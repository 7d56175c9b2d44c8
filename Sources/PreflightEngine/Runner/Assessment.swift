import Foundation
import PreflightCore

/// One whole assessment: run the selected checks and wrap the results in a report.
package enum Assessment {
    package static func run(
        configuration: Configuration, catalog: Catalog, checks: [CheckDefinition], runner: Runner,
        selection: Selection = Selection(), notices: [String] = [], progress: (@Sendable (CheckResult) -> Void)? = nil
    ) async -> Report {
        let started = Date()
        let clock = ContinuousClock.now
        let results = await runner.run(checks, progress: progress)
        let elapsed = ContinuousClock.now - clock
        let run = Report.RunInfo(
            id: UUID().uuidString.lowercased(), startedAt: RFC3339.string(started),
            finishedAt: RFC3339.string(started.addingTimeInterval(elapsed.fractionalSeconds)),
            durationMs: Int(elapsed.milliseconds),
            host: ProcessInfo.processInfo.hostName, phase: configuration.phase, topology: configuration.topology,
            cloud: configuration.cloud, catalogDigest: catalog.digest)
        return report(run: run, results: results, configuration: configuration, catalog: catalog, selection: selection, notices: notices)
    }

    /// The report of finished checks: `run`'s, and `evaluate`'s of saved facts (with the saved run's times and host).
    package static func report(
        run: Report.RunInfo, results: [CheckResult], configuration: Configuration, catalog: Catalog, selection: Selection,
        notices: [String]
    ) -> Report {
        var notices = notices
        notices += InputAgreement.notes(results, configuration: configuration)
        if results.contains(where: { $0.area == CheckArea.network.rawValue && $0.status != .skip }) {
            notices.append(
                "The network checks ran from \(run.host), through the proxy each target's evidence names. Entra Connect does not "
                    + "read HTTPS_PROXY: it follows the <defaultProxy> in machine.config on the sync server. Run preflight on the sync "
                    + "server, with that proxy in 'network.proxy', for a faithful answer.")
        }
        return Report(
            run: run, cover: configuration.cover, notices: notices, checks: results, selection: selection.canonical(in: catalog))
    }
}
