/// Every error that ends a command. `ExitStatus.for(_:)` is the one place that maps them to exit codes.
package enum PreflightError: Error, Sendable, CustomStringConvertible {
    /// The command line asks for something that cannot be done (an unknown check id, a bad flag value).
    case usage(String)
    /// A file given to `render` (or another reader of our own formats) is not what it claims to be.
    case malformedInput(file: String, reason: String)
    /// A file named on the command line or in the configuration cannot be read.
    case unreadableFile(path: String, role: String, reason: String)
    /// The configuration or the check catalog is invalid; each diagnostic names file:line:column.
    case invalidConfiguration([Diagnostic])
    /// The report could not be written.
    case cannotWrite(path: String, reason: String)
    /// A file named on the command line other than a report (`run --save-facts FILE`) could not be written.
    case cannotWriteFile(path: String, role: String, reason: String)
    /// The report set could not be written to the folder `path` because its file system (or the user's quota) is full.
    /// Nothing was published: the previous `latest.*` there are unchanged.
    case diskFull(path: String, quota: Bool)
    /// Another run holds the `--out` folder's lock (`holder` is what it wrote there: pid, host, start time).
    case locked(path: String, holder: String, waited: Double)
    /// `why USER`: neither the directory nor the tenant's exports know a user by that value; `advice` says where to look.
    case unknownUser(value: String, advice: String)

    package var description: String {
        switch self {
        case .usage(let message):
            return message
        case .malformedInput(let file, let reason):
            return "\(file): error: \(reason)"
        case .unreadableFile(let path, let role, let reason):
            return "Cannot read \(role) '\(path)': \(reason). Check the path and the file's permissions (a relative path in "
                + "the configuration file is relative to that file's folder; one on the command line, to the current folder)."
        case .invalidConfiguration(let diagnostics):
            return diagnostics.map(\.description).joined(separator: "\n")
        case .cannotWrite(let path, let reason):
            return "Cannot write '\(path)': \(reason). Choose a writable folder with --out."
        case .cannotWriteFile(let path, let role, let reason):
            return "Cannot write \(role) '\(path)': \(reason)."
        case .diskFull(let path, let quota):
            let full = quota ? "the disk quota of the user preflight runs as is used up" : "its file system is full (no space left on device)"
            return "Cannot write the reports to '\(path)': \(full). Nothing was published: the previous reports there (latest.*) are "
                + "unchanged. Free some space there, or choose another folder with --out."
        case .locked(let path, let holder, let waited):
            let who = holder.isEmpty ? "Another preflight run" : "Another preflight run (\(holder))"
            if waited > 0 {
                return "\(who) still holds the lock '\(path)' after \(String(format: "%g", waited)) s of waiting, so this run stopped before "
                    + "running any check. Raise --wait-lock, or find out why the other run takes so long."
            }
            return "\(who) holds the lock '\(path)', so this run stopped before running any check. Try again later, "
                + "or pass --wait-lock SECONDS to wait for it."
        case .unknownUser(let value, let advice):
            return "No user '\(value)' was found (as a DN, UPN or sAMAccountName). \(advice)"
        }
    }
}

/// The documented exit codes (README, "Exit codes"). Follows BSD sysexits for input and configuration errors.
package enum ExitStatus: Int32, Sendable, CaseIterable {
    case ready = 0
    case notReady = 1
    case incomplete = 2
    case usage = 64
    case malformedInput = 65
    case cannotReadInput = 66
    case software = 70
    case cannotWrite = 73
    /// Another run holds the lock of the `--out` folder (EX_TEMPFAIL: try again later).
    case busy = 75
    /// `why USER` names no user the facts know (EX_NOUSER).
    case unknownUser = 67
    case invalidConfiguration = 78
    /// Ended by SIGHUP, SIGINT (Ctrl-C) or SIGTERM: 128 + the signal's number, as a shell reports it. The plugins were
    /// stopped and the report set is the previous one or this run's, whole.
    case hangup = 129
    case interrupted = 130
    case terminated = 143

    /// The code a run ends with when `signal` interrupts it.
    package static func interrupted(by signal: Int32) -> ExitStatus {
        ExitStatus(rawValue: 128 + signal) ?? .interrupted
    }

    package static func `for`(_ error: any Error) -> ExitStatus {
        guard let error = error as? PreflightError else { return .software }
        switch error {
        case .usage: return .usage
        case .malformedInput: return .malformedInput
        case .unreadableFile: return .cannotReadInput
        case .invalidConfiguration: return .invalidConfiguration
        case .cannotWrite, .cannotWriteFile, .diskFull: return .cannotWrite
        case .locked: return .busy
        case .unknownUser: return .unknownUser
        }
    }
}
