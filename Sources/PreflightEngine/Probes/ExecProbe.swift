import Foundation
import PreflightCore

/// The `exec` probe kind: runs an external program, so the catalog grows without recompiling.
///
/// Protocol (documented in `Checks/README.md`): the program gets one JSON object on stdin
/// (`protocol`, `check`, `params`, `config` with secrets removed) and prints one JSON object on stdout:
/// `{"status": "pass|warn|fail|error|skip", "message": "...", "findings": [...], "evidence": {...}}`.
package enum ExecProbe: ProbeKind {
    package static let name = "exec"
    package static let summary = "Runs an external program that speaks the plugin protocol (Checks/README.md)."
    static let protocolVersion = 1

    package struct Params: Sendable {
        package var command: [String]
        package var params: JSONValue
    }

    /// What the plugin printed, decoded; plus how it ended, for diagnosing a broken plugin.
    package struct Facts: Codable, Sendable {
        package var exitStatus: Int32?
        package var signal: Int32?
        package var timedOut: Bool
        package var stdout: String
        package var stderr: String
    }

    package static func parseParams(_ judgement: SoleJudgement, _ reader: ParamsReader) -> Params? {
        guard let command = reader.stringList("command", required: true) else { return nil }
        guard !command.isEmpty else {
            reader.report("'params.command' must name a program: an argv list such as [\"python3\", \"./check.py\"].", key: "command")
            return nil
        }
        let resolved = command.map { argument in
            argument.hasPrefix("./") || argument.hasPrefix("../")
                ? URL(fileURLWithPath: reader.checkFolder).appendingPathComponent(argument).standardizedFileURL.path
                : argument
        }
        if resolved[0].hasPrefix("/"), !FileManager.default.isExecutableFile(atPath: resolved[0]) {
            reader.report(
                "'params.command' names '\(command[0])', but '\(resolved[0])' is not an executable file. "
                    + "Paths starting with ./ are relative to the check file's folder; make the file executable (chmod +x).",
                key: "command")
        }
        for (original, path) in zip(command.dropFirst(), resolved.dropFirst())
        where original.hasPrefix("./") || original.hasPrefix("../") {
            if !FileManager.default.fileExists(atPath: path) {
                reader.report("'params.command' names '\(original)', but '\(path)' does not exist.", key: "command")
            }
        }
        reader.acceptAnyKeys()
        var params = reader.json
        if case .object(var members) = params {
            members["command"] = nil
            params = .object(members)
        }
        return Params(command: resolved, params: params)
    }

    package static func gather(_ params: Params, context: ProbeContext) async throws -> Facts {
        let payload: JSONValue = [
            "protocol": .int(protocolVersion),
            "check": [
                "id": .string(context.check.id), "title": .string(context.check.title),
                "severity": .string(context.check.severity.rawValue), "file": .string(context.check.file),
            ],
            "params": params.params,
            "config": context.configuration.redactedJSON,
        ]
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let input = Array(try encoder.encode(payload)) + [0x0A]
        var environment = pluginEnvironment(context.environment, configuration: context.configuration)
        environment["PREFLIGHT_CHECK_ID"] = context.check.id
        let process = Subprocess(arguments: params.command, environment: environment, workingDirectory: context.check.folder)
        let deadline = context.deadline
        let outcome: Subprocess.Outcome
        do {
            outcome = try await runBlocking("preflight.exec") { try process.run(input: input, deadline: deadline) }
        } catch let error as Subprocess.LaunchError {
            throw ProbeError(error.description + " Check 'params.command' in \(context.check.file).")
        }
        var facts = Facts(
            exitStatus: nil, signal: nil, timedOut: false, stdout: String(decoding: outcome.stdout, as: UTF8.self),
            stderr: String(decoding: outcome.stderr, as: UTF8.self))
        switch outcome.termination {
        case .exited(let code): facts.exitStatus = code
        case .signalled(let signal): facts.signal = signal
        case .timedOut: facts.timedOut = true
        }
        return facts
    }

    /// The plugin's reply, as the protocol defines it.
    struct Reply: Decodable {
        var status: String
        var message: String?
        var reason: String?
        var findings: [Finding]?
        var evidence: [String: JSONValue]?
    }

    package static func evaluate(_ facts: Facts, params: Params, context: EvaluationContext) -> Evaluation {
        let program = params.command.map { $0.contains(" ") ? "'\($0)'" : $0 }.joined(separator: " ")
        let stderrNote = facts.stderr.isEmpty ? "" : " Its stderr ends with: \(excerpt(facts.stderr))"
        if facts.timedOut {
            return .error("The plugin '\(program)' did not finish before the check's deadline and was killed with its process group.\(stderrNote)")
        }
        if let signal = facts.signal {
            return .error("The plugin '\(program)' crashed (signal \(signal)).\(stderrNote)")
        }
        let reply: Reply
        do {
            reply = try JSONDecoder().decode(Reply.self, from: Data(facts.stdout.utf8))
        } catch {
            let shown = facts.stdout.isEmpty ? "nothing" : "'\(excerpt(facts.stdout))'"
            let exit = facts.exitStatus.map { $0 == 0 ? "" : " and exited with status \($0)" } ?? ""
            return .error("The plugin '\(program)' printed \(shown) instead of one JSON object\(exit).\(stderrNote) "
                + "See the plugin protocol in Checks/README.md.")
        }
        // `waived` is the waiver file's to give, never a plugin's.
        guard let status = CheckStatus(rawValue: reply.status), status != .waived else {
            return .error("The plugin '\(program)' answered status '\(reply.status)'; the protocol allows pass, warn, fail, error and skip.")
        }
        if let finding = reply.findings?.first(where: { $0.status == .waived || $0.waiver != nil }) {
            return .error(
                "The plugin '\(program)' reported a finding for '\(finding.target)' as waived; only the waiver file waives findings. "
                    + "Report the finding's real status.")
        }
        var message = reply.message ?? ""
        if status != .pass, message.isEmpty {
            message = "The plugin reported '\(status.rawValue)' without a message."
        }
        var reason: SkipReason?
        if status == .skip {
            reason = reply.reason.flatMap(SkipReason.init(rawValue:)) ?? .notApplicable
        }
        var evidence = reply.evidence ?? [:]
        if let code = facts.exitStatus, code != 0 { evidence["pluginExitStatus"] = .int(Int(code)) }
        return Evaluation(status: status, message: message, reason: reason, findings: reply.findings ?? [], evidence: evidence)
    }

    static func excerpt(_ text: String, limit: Int = 400) -> String {
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        return trimmed.count <= limit ? trimmed : "…" + trimmed.suffix(limit)
    }
}

/// What a plugin may see of our environment: everything but the secrets. The variables `ldap.passwordEnv` names (of every domain) and
/// the redaction key's are left out, and proxy variables lose their user name and password (the proxy itself stays, so a plugin can
/// use it).
/// A plugin that needs a secret gets it through its own configuration, never through ours (Checks/README.md).
func pluginEnvironment(_ environment: [String: String], configuration: Configuration) -> [String: String] {
    var scrubbed = environment
    for ldap in configuration.ldapDomains { if let name = ldap.passwordEnv { scrubbed[name] = nil } }
    scrubbed[PseudonymKey.environmentVariable] = nil
    for name in ["HTTPS_PROXY", "https_proxy", "HTTP_PROXY", "http_proxy", "ALL_PROXY", "all_proxy"] {
        if let value = scrubbed[name], Redaction.urlCredentials(value) != value {
            scrubbed[name] = Redaction.urlCredentials(value).replacingOccurrences(of: "***@", with: "")
        }
    }
    return scrubbed
}
