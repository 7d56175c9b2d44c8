import Foundation
import PreflightCore
import PreflightEngine

/// The Cloud Sync probe kinds (issue #16): the configuration's Graph responses, saved as JSON.
package let cloudSyncProbes: [RegisteredProbe] = [RegisteredProbe(CloudSyncProbe.self)]

/// `cloudsync` (CSY-001 to CSY-003): what Microsoft Graph says of the Cloud Sync configuration, read once per run from the
/// saved responses `cloudSync:` names, and judged one thing at a time.
package enum CloudSyncProbe: ProbeKind {
    package static let name = "cloudsync"
    package static let summary =
        "Reads the Cloud Sync configuration saved from Microsoft Graph (the synchronization jobs and their schemas, the "
        + "provisioning agents, once per run) and judges one thing of it."

    package enum Judgement: String, Sendable, CaseIterable {
        /// CSY-001: the AD2AADProvisioning jobs, their domains and scoping filters.
        case scope
        /// CSY-002: an active provisioning agent at 1.1.977.0 or later.
        case agents
        /// CSY-003: the jobs' status (not paused, not in quarantine).
        case status
    }

    package enum Facts: Codable, Sendable {
        case jobs(CloudSyncJobs)
        case agents(CloudSyncAgents)
    }

    package static func missingInput(_ params: Params, context: ProbeContext) -> String? {
        let settings = context.configuration.cloudSync
        switch params {
        case .scope, .status:
            return settings.jobs == nil
                ? "No 'cloudSync.jobs' is configured, so the Cloud Sync configuration was not inspected. Save GET "
                    + "https://graph.microsoft.com/v1.0/servicePrincipals/<id>/synchronization/jobs (and each job's /schema, in "
                    + "cloudSync.schema) as JSON and name the file in 'cloudSync.jobs' (docs/cloud-sync.md)."
                : nil
        case .agents:
            return settings.agents == nil
                ? "No 'cloudSync.agents' is configured, so the provisioning agents were not inspected. Save GET "
                    + "https://graph.microsoft.com/beta/onPremisesPublishingProfiles/provisioning/agents?$expand=agentGroups as JSON "
                    + "and name the file in 'cloudSync.agents' (docs/cloud-sync.md)."
                : nil
        }
    }

    package static func gather(_ params: Params, context: ProbeContext) async throws -> Facts {
        switch params {
        case .scope, .status: return .jobs(try await sharedJobs(context))
        case .agents: return .agents(try await sharedAgents(context))
        }
    }

    /// One read of the agents per run, shared by CSY-002 and AD-017 (which compares the gMSA's password readers with them).
    package static func sharedAgents(_ context: ProbeContext) async throws -> CloudSyncAgents {
        try await context.readOnce(.cloudSyncAgents) { try CloudSyncReader.readAgents($0.cloudSync) }
    }

    /// One read of the jobs and schemas per run, shared by CSY-001, CSY-003 and the directory checks (which take the scope
    /// from it under `topology: cloud-sync`).
    package static func sharedJobs(_ context: ProbeContext) async throws -> CloudSyncJobs {
        try await context.readOnce(.cloudSyncJobs) { try CloudSyncReader.readJobs($0.cloudSync) }
    }

    package static func evaluate(_ facts: Facts, params: Params, context: EvaluationContext) -> Evaluation {
        switch (facts, params) {
        case (.jobs(let jobs), .scope): return ScopeJudgement.evaluate(jobs)
        case (.jobs(let jobs), .status): return StatusJudgement.evaluate(jobs)
        case (.agents(let agents), .agents): return AgentJudgement.evaluate(agents)
        case (.jobs, .agents), (.agents, .scope), (.agents, .status):
            return .factsOfAnotherJudgement("Cloud Sync")
        }
    }

    /// Each check is dated by the modification time of the files it judged.
    package static func inputs(_ gathered: Facts, params: Params, context: EvaluationContext) -> [EvidenceInput] {
        let settings = context.configuration.cloudSync
        switch gathered {
        case .jobs(let jobs):
            var inputs: [EvidenceInput] = []
            if let path = settings.jobs { inputs.append(.modified(key: "cloudSync.jobs", file: path)) }
            if let path = settings.schema, jobs.jobs.contains(where: { $0.scope != nil }) {
                inputs.append(.modified(key: "cloudSync.schema", file: path))
            }
            return inputs
        case .agents:
            var inputs: [EvidenceInput] = []
            if let path = settings.agents { inputs.append(.modified(key: "cloudSync.agents", file: path)) }
            if let path = settings.agentVersions { inputs.append(.modified(key: "cloudSync.agentVersions", file: path)) }
            return inputs
        }
    }
}

/// Facts of one judgement do not depend on other params (the kind has none).
extension CloudSyncProbe: FactsIndependentOfParams {}

extension SharedFactKey where Value == CloudSyncJobs {
    /// The run's one reading of the Cloud Sync jobs and schemas.
    static var cloudSyncJobs: Self { Self("cloudsync.jobs") }
}

extension SharedFactKey where Value == CloudSyncAgents {
    static var cloudSyncAgents: Self { Self("cloudsync.agents") }
}
