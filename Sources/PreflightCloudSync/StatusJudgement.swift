import Foundation
import PreflightCore

/// CSY-003: every AD2AADProvisioning job runs: `status.code` `Active`, not `Paused`, `Quarantine`, `NotRun` or
/// `NotConfigured` (https://learn.microsoft.com/graph/api/resources/synchronization-synchronizationstatus). A job in
/// quarantine shows its reason and error.
enum StatusJudgement {
    static func evaluate(_ facts: CloudSyncJobs) -> Evaluation {
        let jobs = facts.provisioningJobs
        var view = StatusView(files: facts.files)
        var evidence: [String: JSONValue] { Evidence.of(view) }
        guard !jobs.isEmpty else {
            return Evaluation(
                status: .fail, message: "The saved jobs hold no AD2AADProvisioning job, so Cloud Sync synchronizes nothing from Active Directory.",
                evidence: evidence)
        }
        var findings: [Finding] = []
        var states: [String: String] = [:]
        for job in jobs {
            let code = job.statusCode ?? "unknown"
            states[job.id] = code
            var details: [String: JSONValue] = ["file": .string(job.file), "line": .int(job.line), "code": .string(code)]
            if let state = job.scheduleState { details["scheduleState"] = .string(state) }
            if let last = job.lastExecutionState { details["lastExecution"] = .string(last) }
            switch code.lowercased() {
            case "active":
                continue
            case "quarantine":
                let q = job.quarantine
                let reason = q?.reason ?? "no reason given"
                let error = [q?.errorCode, q?.errorMessage].compactMap { $0 }.joined(separator: ": ")
                if let q {
                    details["quarantine"] = [
                        "reason": q.reason.map(JSONValue.string) ?? .null, "currentBegan": q.currentBegan.map(JSONValue.string) ?? .null,
                        "seriesBegan": q.seriesBegan.map(JSONValue.string) ?? .null, "nextAttempt": q.nextAttempt.map(JSONValue.string) ?? .null,
                        "errorCode": q.errorCode.map(JSONValue.string) ?? .null, "errorMessage": q.errorMessage.map(JSONValue.string) ?? .null,
                    ]
                }
                findings.append(
                    Finding(
                        status: .fail, target: job.id,
                        message: "The job is in quarantine (reason \(reason)\(error.isEmpty ? "" : "; \(error)")"
                            + "\(q?.seriesBegan.map { ", since \($0)" } ?? ""))): it runs only rarely and users' changes stop reaching Entra ID.",
                        details: .object(details)))
            case "paused":
                findings.append(
                    Finding(
                        status: .fail, target: job.id,
                        message: "The job is paused: nothing is synchronized until it is started again.", details: .object(details)))
            case "notrun":
                findings.append(
                    Finding(
                        status: .warn, target: job.id,
                        message: "The job was configured but has not completed its first run yet.", details: .object(details)))
            default:
                findings.append(
                    Finding(
                        status: .fail, target: job.id,
                        message: job.statusCode == nil
                            ? "The saved job has no status.code, so whether it runs is unknown; save the jobs again unchanged."
                            : "The job's status is \(code): it is not running.",
                        details: .object(details)))
            }
        }
        view.status = states
        if findings.isEmpty {
            return Evaluation(
                status: .pass, message: "\(jobs.count == 1 ? "The AD2AADProvisioning job is" : "All \(jobs.count) AD2AADProvisioning jobs are") Active.",
                evidence: evidence)
        }
        let worst: CheckStatus = findings.contains { $0.status == .fail } ? .fail : .warn
        return Evaluation(
            status: worst,
            message: "\(findings.count) of \(jobs.count) AD2AADProvisioning jobs are not Active: "
                + findings.map { "\($0.target) (\(states[$0.target] ?? "?"))" }.joined(separator: ", ") + ".",
            findings: findings, evidence: evidence)
    }
}

/// CSY-003's evidence: the files read and each provisioning job's status code.
struct StatusView: Encodable {
    var files: [String]
    /// Absent when there is no provisioning job.
    var status: [String: String]?
}
