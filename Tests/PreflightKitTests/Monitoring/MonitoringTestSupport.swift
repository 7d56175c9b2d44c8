import Foundation
import PreflightTestSupport
import Testing

@testable import PreflightConnect
@testable import PreflightCore
@testable import PreflightDirectory
@testable import PreflightEngine
@testable import PreflightInventory
@testable import PreflightKit
@testable import PreflightMonitoring
@testable import PreflightNetwork
@testable import PreflightReporting

/// The committed fixtures (Fixtures/monitoring, made by scripts/fixtures/monitoring.py; layouts and sources in SOURCE.md).
enum MonitoringFixture {
    /// A fixture by name, or an absolute path unchanged (a file a test wrote).
    static func events(_ name: String) -> String { name.hasPrefix("/") ? name : Repository.fixture("monitoring/events/\(name)") }
    static func audit(_ name: String) -> String { name.hasPrefix("/") ? name : Repository.fixture("monitoring/audit/\(name)") }

    /// Reads event exports off the cooperative pool, as the probe does.
    static func readEvents(_ names: [String]) async throws -> EventLogFacts {
        let paths = names.map(events)
        return try await runBlocking { try EventLogReader.read(paths) }
    }

    static func readAudit(_ names: [String]) async throws -> AuditLogFacts {
        let paths = names.map(audit)
        return try await runBlocking { try AuditLogReader.read(paths) }
    }

    /// The ProbeError a reader throws for `names`, or nil when it reads them.
    static func readError(events names: [String] = [], audit auditNames: [String] = []) async -> ProbeError? {
        do {
            if !names.isEmpty { _ = try await readEvents(names) }
            if !auditNames.isEmpty { _ = try await readAudit(auditNames) }
            return nil
        } catch let error as ProbeError {
            return error
        } catch {
            return ProbeError("unexpected \(error)")
        }
    }

    static func utf16LE(_ text: String) -> Data {
        var data = Data([0xFF, 0xFE])
        for unit in text.utf16 { data.append(contentsOf: [UInt8(unit & 0xFF), UInt8(unit >> 8)]) }
        return data
    }
}

/// Runs the MON checks of the real catalog through the runner in the health phase.
func runMonitoringChecks(_ ids: [String], _ configuration: Configuration) async throws -> [String: CheckResult] {
    let catalog = try await runBlocking { try TestCatalog.shipped() }
    let checks = catalog.checks.filter { ids.contains($0.id) }
    #expect(checks.count == ids.count, "missing checks: \(Set(ids).subtracting(checks.map(\.id)))")
    let results = await Runner(configuration: configuration).run(checks)
    return Dictionary(uniqueKeysWithValues: results.map { ($0.id, $0) })
}

func monitoringConfiguration(
    events: [String] = [], audit: [String] = [], windowHours: Double = 24, minSuccessRate: Double = 0.9, phase: Phase = .health
) -> Configuration {
    var configuration = Configuration()
    configuration.phase = phase
    configuration.timeoutSeconds = 60
    configuration.monitoring.events = events.map(MonitoringFixture.events)
    configuration.monitoring.audit = audit.map(MonitoringFixture.audit)
    configuration.monitoring.windowHours = windowHours
    configuration.monitoring.minSuccessRate = minSuccessRate
    // The fixtures are a snapshot of 2026-11-26, judged on their content here; their age (against this run's clock)
    // would make every check warn once they are 30 days old. EvidenceAgeTests and EvidenceAgeCLITests test that rule.
    configuration.maxEvidenceAgeDays = 36_500
    return configuration
}

extension CheckResult {
    var tableRows: [[String]] { ReportTable.tables(in: evidence).flatMap(\.rows) }
}
