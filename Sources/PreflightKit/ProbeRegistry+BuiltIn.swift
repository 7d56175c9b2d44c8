import Foundation
import PreflightCloudSync
import PreflightConnect
import PreflightCore
import PreflightDirectory
import PreflightEngine
import PreflightInventory
import PreflightMonitoring
import PreflightNetwork

extension ProbeRegistry {
    /// Every probe kind this build knows: the engine's `exec` and each probe area's list. Adding a probe kind is one
    /// Swift file in its area plus one line in that area's list.
    package static let builtIn = ProbeRegistry(
        [RegisteredProbe(ExecProbe.self)] + directoryProbes + connectProbes + networkProbes + inventoryProbes + monitoringProbes
            + cloudSyncProbes)
}

extension Catalog {
    /// Loads the catalog for the probe kinds this build knows.
    package static func load(from folders: [String]) throws(PreflightError) -> Catalog {
        try load(from: folders, registry: .builtIn)
    }
}

extension Runner {
    /// A runner for the probe kinds this build knows.
    package init(
        configuration: Configuration, environment: [String: String] = ProcessInfo.processInfo.environment,
        jobs: Int = Runner.defaultJobs
    ) {
        self.init(registry: .builtIn, configuration: configuration, environment: environment, jobs: jobs)
    }
}
