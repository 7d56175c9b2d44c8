/// How much a failing check matters; `critical` blocks writeback outright.
package enum Severity: String, Sendable, Codable, CaseIterable, Comparable {
    case critical, high, medium, low, info

    private var rank: Int {
        switch self {
        case .critical: 4
        case .high: 3
        case .medium: 2
        case .low: 1
        case .info: 0
        }
    }

    package static func < (lhs: Severity, rhs: Severity) -> Bool { lhs.rank < rhs.rank }
}

/// The outcome of one check.
package enum CheckStatus: String, Sendable, Codable, CaseIterable {
    case pass, warn, fail, error, skip
    /// Set only by waivers (never by a probe or plugin): every problem of the check is an accepted, unexpired risk.
    case waived
}

/// Why a check was skipped: typed, so CI can tell "not applicable" from "input missing".
package enum SkipReason: String, Sendable, Codable, CaseIterable {
    case notApplicable = "not-applicable"
    case noInput = "no-input"
    case requirementFailed = "requirement-failed"
}

/// Before go-live (`preflight`) or after it (`health`).
package enum Phase: String, Sendable, Codable, CaseIterable {
    case preflight, health
}

/// How identities reach Entra ID: the Connect Sync server or the Cloud Sync agent.
package enum Topology: String, Sendable, Codable, CaseIterable {
    case connectSync = "connect-sync"
    case cloudSync = "cloud-sync"
}

/// Which Microsoft cloud the tenant lives in; it decides the endpoints.
package enum Cloud: String, Sendable, Codable, CaseIterable {
    case `public`, usgov, china
}

/// The catalog's folders under `Checks/`.
package enum CheckArea: String, Sendable, Codable, CaseIterable {
    case network, directory, inventory, connect, monitoring, plugins
}
