import Foundation
import PreflightCore
import PreflightEngine

/// The Cloud Sync readers' fuzzing entry (see `FuzzEntry`).
extension FuzzEntry {
    /// A saved Graph response `cloudSync:` names: read as the jobs (with itself as the schema), as the agents and as the
    /// agents' versions, as a run reads each. Accepted when one of them accepts it; else the jobs reader's message.
    @discardableResult
    package static func cloudSyncGraphJSON(_ bytes: [UInt8]) -> String? {
        withFile(bytes, named: "response.json") { path -> String? in
            var settings = Configuration.CloudSyncSettings()
            settings.jobs = path
            settings.schema = path
            settings.agents = path
            var problems: [String] = []
            do { _ = try CloudSyncReader.readJobs(settings) } catch { problems.append("\(error)") }
            do { _ = try CloudSyncReader.readAgents(settings) } catch { problems.append("\(error)") }
            do { _ = try CloudSyncReader.readVersions(path) } catch { problems.append("\(error)") }
            return problems.count == 3 ? problems[0] : nil
        }
    }
}
