import Foundation
import PreflightCore

/// CSY-002: at least one active provisioning agent, every active one at 1.1.977.0 or later (Cloud Sync password writeback's
/// minimum). Graph reports which agents are active, not their versions: those come from `cloudSync.agentVersions`.
enum AgentJudgement {
    static func evaluate(_ facts: CloudSyncAgents) -> Evaluation {
        let minimum = AgentVersion.writebackMinimum
        let active = facts.agents.filter(\.isActive)
        let inactive = facts.agents.filter { !$0.isActive }
        let view = AgentsView(agents: facts.agents.count, activeAgents: active.count, minimumVersion: minimum.description, files: facts.files)
        var compared: AgentVersionsView?
        var evidence: [String: JSONValue] { Evidence.of(view, compared) }
        var findings: [Finding] = inactive.map { agent in
            Finding(
                status: .warn, target: name(agent),
                message: "This agent is \(agent.status ?? "of unknown status"), so it serves no writeback request (an uninstalled or stopped "
                    + "agent shows inactive after about an hour and disappears after about 10 days).",
                details: details(agent, version: nil))
        }
        /// The verdict with the findings so far and the evidence.
        func judged(_ status: CheckStatus, _ message: String) -> Evaluation {
            Evaluation(status: status, message: message, findings: findings, evidence: evidence)
        }
        guard !facts.agents.isEmpty else {
            return judged(
                .fail,
                "No provisioning agent is registered in the tenant (the saved list is empty), so nothing can write passwords back. "
                    + "Install the Microsoft Entra provisioning agent (1.1.977.0 or later) on a domain-joined server.")
        }
        guard !active.isEmpty else {
            return Evaluation(
                status: .fail,
                message: "None of the \(facts.agents.count) provisioning agents is active, so no agent can write passwords back.",
                findings: findings.map { var f = $0; f.status = .fail; return f }, evidence: evidence)
        }
        guard let versions = facts.versions else {
            findings += active.map { Finding(status: .error, target: name($0), message: "Graph does not report the agent's version.", details: details($0, version: nil)) }
            return judged(
                .error,
                "\(active.count) provisioning agent\(active.count == 1 ? " is" : "s are") active, but Graph does not report agent "
                    + "versions, so whether they reach \(minimum) is undecided. Save each agent host's AADConnectProvisioningAgent.exe "
                    + "version in 'cloudSync.agentVersions' (docs/cloud-sync.md).")
        }
        var current: [String] = []
        var old: [String] = []
        var unknown: [String] = []
        for agent in active {
            let entry = version(of: agent, in: versions)
            let parsed = entry.flatMap { AgentVersion($0.version) }
            switch parsed {
            case .some(let value) where value >= minimum:
                current.append("\(name(agent)) \(value)")
            case .some(let value):
                old.append("\(name(agent)) \(value)")
                findings.append(
                    Finding(
                        status: .fail, target: name(agent),
                        message: "Version \(value) is older than \(minimum), the minimum for Cloud Sync password writeback: writeback "
                            + "requests this agent takes fail.",
                        details: details(agent, version: entry)))
            case .none:
                unknown.append(name(agent))
                findings.append(
                    Finding(
                        status: .error, target: name(agent),
                        message: "'cloudSync.agentVersions' has no version for this machine, so it is undecided whether it reaches \(minimum).",
                        details: details(agent, version: nil)))
            }
        }
        compared = AgentVersionsView(current: current, tooOld: old, versionUnknown: unknown)
        if !old.isEmpty {
            return judged(
                .fail,
                "\(old.count) of \(active.count) active provisioning agents are older than \(minimum): \(old.joined(separator: ", ")). "
                    + "Upgrade them (run the latest AADConnectProvisioningAgentSetup.exe on each) or uninstall them.")
        }
        if !unknown.isEmpty {
            return judged(
                .error,
                "\(unknown.count) of \(active.count) active provisioning agents have no saved version (\(unknown.joined(separator: ", "))), "
                    + "so whether they reach \(minimum) is undecided. Add them to 'cloudSync.agentVersions'.")
        }
        let sentence = "\(active.count) active provisioning agent\(active.count == 1 ? "" : "s") at \(minimum) or later: \(current.joined(separator: ", "))."
        if !inactive.isEmpty {
            return judged(.warn, sentence + " \(inactive.count) more \(inactive.count == 1 ? "is" : "are") inactive: \(inactive.map(name).joined(separator: ", ")).")
        }
        return judged(.pass, sentence)
    }

    static func name(_ agent: ProvisioningAgent) -> String { agent.machineName ?? agent.id }

    /// The saved version of an agent: by its machine name, or by the first label when one side is a short name.
    static func version(of agent: ProvisioningAgent, in versions: [AgentVersionEntry]) -> AgentVersionEntry? {
        guard let machine = agent.machineName?.lowercased() else { return nil }
        if let exact = versions.first(where: { $0.machineName.lowercased() == machine }) { return exact }
        let short = machine.split(separator: ".").first.map(String.init) ?? machine
        return versions.first { ($0.machineName.lowercased().split(separator: ".").first.map(String.init) ?? "") == short }
    }

    static func details(_ agent: ProvisioningAgent, version: AgentVersionEntry?) -> JSONValue {
        var object: [String: JSONValue] = [
            "id": .string(agent.id), "status": agent.status.map(JSONValue.string) ?? .null,
            "externalIp": agent.externalIp.map(JSONValue.string) ?? .null, "agentGroups": .array(agent.agentGroups.map(JSONValue.string)),
            "file": .string(agent.file), "line": .int(agent.line),
        ]
        if let version { object["version"] = .string(version.version); object["versionFile"] = .string(version.file) }
        return .object(object)
    }
}

/// CSY-002's evidence: how many agents, how many active, the minimum, and (once compared) which active agents meet it.
struct AgentsView: Encodable {
    var agents, activeAgents: Int
    var minimumVersion: String
    var files: [String]
}

struct AgentVersionsView: Encodable {
    var current, tooOld, versionUnknown: [String]
}
