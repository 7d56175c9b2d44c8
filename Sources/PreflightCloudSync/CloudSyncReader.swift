import Foundation
import PreflightCore
import PreflightEngine

/// Reads the Graph responses `cloudSync:` names into facts. Every fault names the file, the line and what to do.
enum CloudSyncReader {
    static let jobsRemedy =
        "Save it again: Invoke-MgGraphRequest -Uri 'https://graph.microsoft.com/v1.0/servicePrincipals/<id>/synchronization/jobs' "
        + "-OutputType PSObject | ConvertTo-Json -Depth 20 | Set-Content jobs.json (docs/cloud-sync.md)."
    static let schemaRemedy =
        "Save it again: Invoke-MgGraphRequest -Uri 'https://graph.microsoft.com/beta/servicePrincipals/<id>/synchronization/jobs/<jobId>/schema' "
        + "-OutputType PSObject | ConvertTo-Json -Depth 20 | Set-Content schema.json (docs/cloud-sync.md)."
    static let agentsRemedy =
        "Save it again: Invoke-MgGraphRequest -Uri 'https://graph.microsoft.com/beta/onPremisesPublishingProfiles/provisioning/agents?$expand=agentGroups' "
        + "-OutputType PSObject | ConvertTo-Json -Depth 20 | Set-Content agents.json (docs/cloud-sync.md)."
    static let versionsRemedy =
        "Save it again on each agent host as docs/cloud-sync.md shows: a JSON object (or array of them) with machineName and fileVersion."

    /// The items of the saved Graph collection named by `key` (one response, or a folder of its pages), each with its
    /// file and line, and the files read; an error naming `key` when it is not set.
    static func savedCollection(_ path: String?, key: String, noun: String, remedy: String) throws
        -> (files: [String], items: [(item: [String: Any], file: String, line: Int)])
    {
        guard let path else { throw ProbeError("'\(key)' is not set, so there are no \(noun) to read. " + remedy) }
        let what = "The saved \(noun) (named by '\(key)')"
        let pages = try GraphPages.read(path, key: key, what: what, remedy: remedy)
        return (pages.pages.map(\.file), try pages.collection(key: key, what: what, remedy: remedy))
    }

    // MARK: Jobs and schema

    static func readJobs(_ settings: Configuration.CloudSyncSettings) throws -> CloudSyncJobs {
        let saved = try savedCollection(settings.jobs, key: "cloudSync.jobs", noun: "synchronization jobs", remedy: jobsRemedy)
        var files = saved.files
        var jobs: [SyncJob] = []
        for (item, file, line) in saved.items {
            var job = try job(item, file: file, line: line)
            if let inline = GraphJSON.object(item, "schema") { job.scope = try scope(of: inline, file: file) }
            jobs.append(job)
        }
        if let schemaPath = settings.schema {
            for file in try GraphPages.files(schemaPath, key: "cloudSync.schema") {
                files.append(file)
                let page = try GraphPages.read(
                    file, key: "cloudSync.schema", what: "The saved synchronization schema (named by 'cloudSync.schema')", remedy: schemaRemedy
                ).pages[0]
                let index = try jobIndex(forSchema: page, in: jobs)
                jobs[index].scope = try scope(of: page.root, file: file)
            }
        }
        return CloudSyncJobs(jobs: jobs, files: files)
    }

    static func job(_ item: [String: Any], file: String, line: Int) throws -> SyncJob {
        guard let id = GraphJSON.string(item, "id") else {
            throw ProbeError(
                "\(file):\(line):1: a synchronization job has no \"id\", so it is not a synchronizationJob as Graph returns it. " + jobsRemedy,
                at: InputLocation(file: file, line: line))
        }
        let status = GraphJSON.object(item, "status") ?? [:]
        let schedule = GraphJSON.object(item, "schedule") ?? [:]
        let last = GraphJSON.object(status, "lastExecution")
        var job = SyncJob(
            id: id, templateId: GraphJSON.string(item, "templateId"), statusCode: GraphJSON.string(status, "code"),
            scheduleState: GraphJSON.string(schedule, "state"), scheduleInterval: GraphJSON.string(schedule, "interval"),
            lastExecutionState: last.flatMap { GraphJSON.string($0, "state") },
            lastExecutionEnded: last.flatMap { GraphJSON.string($0, "timeEnded") },
            steadyStateLastAchieved: GraphJSON.string(status, "steadyStateLastAchievedTime"),
            countSuccessiveCompleteFailures: (GraphJSON.member(status, "countSuccessiveCompleteFailures") as? NSNumber)?.intValue,
            file: file, line: line)
        if let quarantine = GraphJSON.object(status, "quarantine") {
            let error = GraphJSON.object(quarantine, "error")
            job.quarantine = SyncJob.Quarantine(
                reason: GraphJSON.string(quarantine, "reason"), currentBegan: GraphJSON.string(quarantine, "currentBegan"),
                seriesBegan: GraphJSON.string(quarantine, "seriesBegan"), nextAttempt: GraphJSON.string(quarantine, "nextAttempt"),
                seriesCount: (GraphJSON.member(quarantine, "seriesCount") as? NSNumber)?.intValue,
                errorCode: error.flatMap { GraphJSON.string($0, "code") }, errorMessage: error.flatMap { GraphJSON.string($0, "message") })
        }
        return job
    }

    /// Which job a saved schema belongs to: the job id in its `@odata.context`
    /// (`…#servicePrincipals('<id>')/synchronization/jobs('<jobId>')/schema/$entity`), or the one provisioning job.
    static func jobIndex(forSchema page: GraphPages.Page, in jobs: [SyncJob]) throws -> Int {
        if let context = page.root["@odata.context"] as? String, let range = context.range(of: "jobs('") {
            let rest = context[range.upperBound...]
            if let end = rest.range(of: "')") {
                let id = String(rest[..<end.lowerBound])
                if let index = jobs.firstIndex(where: { $0.id == id }) { return index }
                throw ProbeError(
                    "\(page.file):1:1: the schema is job '\(InputLimits.quote(id))''s (its @odata.context says so), but 'cloudSync.jobs' "
                        + "holds no such job (it holds \(jobs.map { "'\($0.id)'" }.joined(separator: ", "))). Save the jobs and the "
                        + "schemas of the same service principal.",
                    at: InputLocation(file: page.file))
            }
        }
        let provisioning = jobs.indices.filter { jobs[$0].isProvisioning }
        if provisioning.count == 1 { return provisioning[0] }
        throw ProbeError(
            "\(page.file):1:1: the schema does not say which job it belongs to (no jobs('…') in its @odata.context), and "
                + "'cloudSync.jobs' holds \(provisioning.count) AD2AADProvisioning jobs. Save each schema with its @odata.context "
                + "unchanged (Invoke-MgGraphRequest keeps it). " + schemaRemedy,
            at: InputLocation(file: page.file))
    }

    /// The scoping filters of every synchronization rule of a schema.
    static func scope(of schema: [String: Any], file: String) throws -> JobScope {
        guard GraphJSON.member(schema, "synchronizationRules") is [Any] else {
            throw ProbeError(
                "\(file):1:1: the saved schema has no \"synchronizationRules\" array, so it is not a synchronizationSchema as Graph "
                    + "returns it. " + schemaRemedy,
                at: InputLocation(file: file))
        }
        var containers: [String] = []
        var groups: [String] = []
        for rule in GraphJSON.objects(schema, "synchronizationRules") {
            for dn in GraphJSON.object(rule, "containerFilter").map({ GraphJSON.strings($0, "includedContainers") }) ?? []
            where !containers.contains(dn) { containers.append(dn) }
            for dn in GraphJSON.object(rule, "groupFilter").map({ GraphJSON.strings($0, "includedGroups") }) ?? []
            where !groups.contains(dn) { groups.append(dn) }
        }
        return JobScope(containers: containers, groups: groups, file: file, schemaVersion: GraphJSON.string(schema, "version"))
    }

    // MARK: Agents

    static func readAgents(_ settings: Configuration.CloudSyncSettings) throws -> CloudSyncAgents {
        let saved = try savedCollection(settings.agents, key: "cloudSync.agents", noun: "provisioning agents", remedy: agentsRemedy)
        var files = saved.files
        var agents: [ProvisioningAgent] = []
        for (item, file, line) in saved.items {
            guard let id = GraphJSON.string(item, "id") else {
                throw ProbeError(
                    "\(file):\(line):1: a provisioning agent has no \"id\", so it is not an onPremisesAgent as Graph returns it. " + agentsRemedy,
                    at: InputLocation(file: file, line: line))
            }
            agents.append(
                ProvisioningAgent(
                    id: id, machineName: GraphJSON.string(item, "machineName"), externalIp: GraphJSON.string(item, "externalIp"),
                    status: GraphJSON.string(item, "status"), supportedPublishingTypes: GraphJSON.strings(item, "supportedPublishingTypes"),
                    agentGroups: GraphJSON.objects(item, "agentGroups").compactMap { GraphJSON.string($0, "displayName") ?? GraphJSON.string($0, "id") },
                    file: file, line: line))
        }
        var versions: [AgentVersionEntry]?
        if let versionsPath = settings.agentVersions {
            versions = try readVersions(versionsPath)
            files.append(versionsPath)
        }
        return CloudSyncAgents(agents: agents, versions: versions, files: files)
    }

    /// `cloudSync.agentVersions`: `{"machineName": …, "fileVersion": …}` or an array of them.
    static func readVersions(_ path: String) throws -> [AgentVersionEntry] {
        let key = "cloudSync.agentVersions"
        let text = try TextDecoding.read(path, key: key)
        let root = try JSONInput.object(
            text, path: path, what: "The saved agent versions (named by '\(key)')", remedy: versionsRemedy)
        let items: [Any] = (root as? [Any]) ?? [root]
        let lines = items.count == 1 ? [1] : GraphPages.valueItemLines("{\"value\":" + text.drop { $0 != "[" } + "}")
        return try items.enumerated().map { index, element in
            let line = index < lines.count ? lines[index] : 1
            guard let object = element as? [String: Any], let machine = GraphJSON.string(object, "machineName"),
                let version = GraphJSON.string(object, "fileVersion")
            else {
                throw ProbeError(
                    "\(path):\(line):1: entry \(index + 1) has no machineName and fileVersion. " + versionsRemedy,
                    at: InputLocation(file: path, line: line))
            }
            guard AgentVersion(version) != nil else {
                throw ProbeError(
                    "\(path):\(line):1: the fileVersion '\(InputLimits.quote(version))' of '\(InputLimits.quote(machine))' is not a "
                        + "version like 1.1.977.0. " + versionsRemedy,
                    at: InputLocation(file: path, line: line))
            }
            return AgentVersionEntry(machineName: machine, version: version, file: path, line: line)
        }
    }
}
