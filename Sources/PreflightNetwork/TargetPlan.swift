import PreflightCore
import PreflightEngine

/// Which URLs a network check probes: the check's per-cloud defaults with `{serviceBusNamespace}` and
/// `{tenantId}` filled from `network:`, or the user's `network.endpoints.<ID>` list, which replaces them.
struct TargetPlan: Sendable, Hashable {
    var urls: [String]
    /// Said in the report: e.g. that the documented relay hosts stood in for an unset namespace.
    var notes: [String]
    /// Why there is nothing to probe (the check then skips with `no-input`).
    var missing: String?

    static let placeholders = ["serviceBusNamespace": "network.serviceBusNamespace", "tenantId": "network.tenantId"]

    static func make(checkID: String, targets: [Cloud: [String]], fallback: [Cloud: [String]], configuration: Configuration) -> TargetPlan {
        if let replaced = configuration.network.endpoints[checkID] {
            return TargetPlan(urls: replaced, notes: ["Targets replaced by 'network.endpoints.\(checkID)'."], missing: nil)
        }
        let cloud = configuration.cloud
        let values = ["serviceBusNamespace": configuration.network.serviceBusNamespace, "tenantId": configuration.network.tenantId]
        var unset: Set<String> = []
        var urls: [String] = []
        for template in targets[cloud] ?? [] {
            var url = template
            for (name, value) in values where url.contains("{\(name)}") {
                if let value, !value.isEmpty { url = url.replacingOccurrences(of: "{\(name)}", with: value) } else { unset.insert(name) }
            }
            urls.append(url)
        }
        guard !unset.isEmpty else {
            return TargetPlan(urls: urls, notes: [], missing: urls.isEmpty ? "This check has no targets for the '\(cloud.rawValue)' cloud." : nil)
        }
        let keys = unset.sorted().map { "'\(placeholders[$0] ?? $0)'" }.joined(separator: " and ")
        if let stand = fallback[cloud], !stand.isEmpty {
            return TargetPlan(
                urls: stand,
                notes: ["\(keys) is not set, so the documented hosts were probed instead. The tenant's own relay namespace "
                    + "is in event 31019 on the Connect server; set it for a faithful answer."],
                missing: nil)
        }
        return TargetPlan(urls: [], notes: [], missing: "\(keys) is not set, so this check has no target. Set it in the configuration.")
    }
}
