import Foundation
import PreflightCore

/// CSY-001: the Cloud Sync configuration was read and its scope identified: the AD2AADProvisioning jobs, the domain each
/// serves, and its scoping filters (the OUs and groups whose users writeback serves, and the directory checks judge).
enum ScopeJudgement {
    static func evaluate(_ facts: CloudSyncJobs) -> Evaluation {
        var view = ScopeView(jobs: facts.jobs.map(\.id), files: facts.files)
        var evidence: [String: JSONValue] { Evidence.of(view) }
        let provisioning = facts.provisioningJobs
        guard !provisioning.isEmpty else {
            let templates = Set(facts.jobs.compactMap(\.templateId)).sorted()
            return Evaluation(
                status: .fail,
                message: "The saved jobs hold no AD2AADProvisioning job (\(facts.jobs.isEmpty ? "no job at all" : "templates: \(templates.joined(separator: ", "))")), "
                    + "so this is not a Cloud Sync configuration that provisions Active Directory users to Entra ID, and writeback has no "
                    + "scope. Save the jobs of the service principal of the configuration (the one created from application template "
                    + "1a4721b3-e57f-4451-ae87-ef078703ec94).",
                evidence: evidence)
        }
        var findings: [Finding] = []
        var described: [String] = []
        var configurations: [ScopeView.Configuration] = []
        for job in provisioning {
            guard let scope = job.scope else {
                findings.append(
                    Finding(
                        status: .error, target: job.id,
                        message: "No schema was saved for this job, so its scoping filters are unknown. Save GET "
                            + "https://graph.microsoft.com/beta/servicePrincipals/<id>/synchronization/jobs/\(job.id)/schema and name it "
                            + "(or a folder of schemas) in 'cloudSync.schema'.",
                        details: ["file": .string(job.file), "line": .int(job.line)]))
                continue
            }
            let domains = scope.domains
            let domainText = domains.isEmpty ? "a domain the saved JSON does not name" : domains.joined(separator: ", ")
            var parts: [String] = []
            if !scope.containers.isEmpty { parts.append("OUs \(scope.containers.joined(separator: "; "))") }
            if !scope.groups.isEmpty { parts.append("the direct members of the groups \(scope.groups.joined(separator: "; "))") }
            let scopeText = scope.isAllUsers ? "all users (no scoping filter)" : parts.joined(separator: " and ")
            described.append("job \(job.id) (\(domainText)): \(scopeText)")
            configurations.append(
                ScopeView.Configuration(
                    job: job.id, domains: domains, includedContainers: scope.containers, includedGroups: scope.groups, schemaFile: scope.file,
                    schemaVersion: scope.schemaVersion))
            if domains.count > 1 {
                findings.append(
                    Finding(
                        status: .warn, target: job.id,
                        message: "The scoping filters name objects of \(domains.count) domains (\(domains.joined(separator: ", "))), but one "
                            + "Cloud Sync configuration serves one domain: the filters outside its domain match nothing.",
                        details: ["schemaFile": .string(scope.file)]))
            }
        }
        view.configurations = configurations
        if findings.contains(where: { $0.status == .error }) {
            return Evaluation(
                status: .error,
                message: "\(findings.filter { $0.status == .error }.count) of \(provisioning.count) AD2AADProvisioning jobs have no saved "
                    + "schema, so the scope writeback serves is unknown." + (described.isEmpty ? "" : " Identified: \(described.joined(separator: "; ")).")
                    + " Save each job's schema in 'cloudSync.schema'.",
                findings: findings, evidence: evidence)
        }
        let sentence = "Cloud Sync provisions \(provisioning.count == 1 ? "one configuration" : "\(provisioning.count) configurations"): "
            + described.joined(separator: "; ") + "."
        if !findings.isEmpty {
            return Evaluation(status: .warn, message: sentence, findings: findings, evidence: evidence)
        }
        return Evaluation(status: .pass, message: sentence, evidence: evidence)
    }
}

/// CSY-001's evidence: the jobs read and, per provisioning job, the scope its schema's filters name.
struct ScopeView: Encodable {
    struct Configuration: Encodable {
        var job: String
        var domains, includedContainers, includedGroups: [String]
        var schemaFile: String
        @NullEncoded var schemaVersion: String?
    }
    var jobs, files: [String]
    /// Absent when there is no provisioning job.
    var configurations: [Configuration]?
}
