import Foundation

/// The directory probe kinds, in the registry's order.
let directoryProbes: [RegisteredProbe] = [
    RegisteredProbe(DirectoryBindProbe.self),
    RegisteredProbe(DirectoryAccountProbe.self),
    RegisteredProbe(DirectoryRightsProbe.self),
    RegisteredProbe(DirectoryUnexpireProbe.self),
    RegisteredProbe(DirectoryProtectedProbe.self),
    RegisteredProbe(DirectoryInheritanceProbe.self),
    RegisteredProbe(DirectoryPasswordAgeProbe.self),
    RegisteredProbe(DirectoryControlsProbe.self),
    RegisteredProbe(DirectoryWritableProbe.self),
    RegisteredProbe(DirectoryOUNamesProbe.self),
    RegisteredProbe(DirectoryPrerequisiteProbe.self),
]

/// Checks that judge the shared directory snapshot: gathered once per run, whichever check asks first.
protocol DirectorySnapshotProbe: ProbeKind where Facts == DirectorySnapshot {}

extension DirectorySnapshotProbe {
    static func missingInput(_ params: Params, context: ProbeContext) -> String? {
        DirectoryBindProbe.missingLDAP(context.configuration)
    }

    static func gather(_ params: Params, context: ProbeContext) async throws -> DirectorySnapshot {
        try await DirectoryBindProbe.snapshot(context)
    }
}

/// `directory.bind` (AD-001): connect, negotiate TLS and bind as the configured account.
enum DirectoryBindProbe: ProbeKind {
    static let name = "directory.bind"
    static let summary = "Connects to the DC over LDAPS or StartTLS and binds as the configured read-only account."

    struct Params: Sendable {}

    struct Facts: Codable, Sendable {
        var url: String
        var channel: String
        var tlsVersion: String?
        var cipher: String?
        var certificateSubject: String?
        var certificateIssuer: String?
        var certificateNotAfter: String?
        var bindDN: String
        var milliseconds: Int
    }

    static func parseParams(_ reader: ParamsReader) -> Params? { Params() }

    static func missingLDAP(_ configuration: Configuration) -> String? {
        configuration.ldap.isConfigured ? nil : "No 'ldap.url' and 'ldap.bindDN' are configured, so the directory was not inspected."
    }

    static func missingInput(_ params: Params, context: ProbeContext) -> String? { missingLDAP(context.configuration) }

    static func gather(_ params: Params, context: ProbeContext) async throws -> Facts {
        let configuration = context.configuration, deadline = context.deadline, environment = context.environment
        return try await runBlocking("preflight.ldap.bind") {
            let started = Date()
            let connection = try DirectoryConnector.open(configuration, deadline: deadline, environment: environment)
            defer { connection.close() }
            let certificate = connection.tls?.peerCertificate
            return Facts(
                url: connection.url, channel: connection.channel.rawValue, tlsVersion: connection.tls?.version,
                cipher: connection.tls?.cipher, certificateSubject: certificate?.subject, certificateIssuer: certificate?.issuer,
                certificateNotAfter: certificate?.notAfter.map(Assessment.rfc3339), bindDN: configuration.ldap.bindDN ?? "",
                milliseconds: Int(Date().timeIntervalSince(started) * 1000))
        }
    }

    static func evaluate(_ facts: Facts, params: Params, context: EvaluationContext) -> Evaluation {
        var evidence: [String: JSONValue] = [
            "url": .string(facts.url), "channel": .string(facts.channel), "bindDN": .string(facts.bindDN),
            "bindMilliseconds": .int(facts.milliseconds),
        ]
        evidence["tlsVersion"] = facts.tlsVersion.map(JSONValue.string) ?? .null
        evidence["tlsCipher"] = facts.cipher.map(JSONValue.string) ?? .null
        evidence["certificateSubject"] = facts.certificateSubject.map(JSONValue.string) ?? .null
        evidence["certificateIssuer"] = facts.certificateIssuer.map(JSONValue.string) ?? .null
        evidence["certificateNotAfter"] = facts.certificateNotAfter.map(JSONValue.string) ?? .null
        guard let tls = facts.tlsVersion else {
            return Evaluation(
                status: .warn,
                message: "Bound to \(facts.url) as '\(facts.bindDN)' over a plaintext channel because 'ldap.allowInsecure' is true: "
                    + "the password crossed the network unencrypted. Use ldaps:// or 'startTLS: true'.",
                findings: [Finding(status: .warn, target: facts.url, message: "Simple bind over plaintext LDAP (allowInsecure).")],
                evidence: evidence)
        }
        let subject = facts.certificateSubject.map { ", certificate '\($0)'" } ?? ""
        return Evaluation(
            status: .pass, message: "Bound to \(facts.url) as '\(facts.bindDN)' over \(facts.channel) (\(tls)\(subject)).",
            evidence: evidence)
    }

    /// The run's one directory snapshot, shared by every snapshot check.
    static func snapshot(_ context: ProbeContext) async throws -> DirectorySnapshot {
        let configuration = context.configuration, deadline = context.deadline, environment = context.environment
        return try await context.shared.value("directory.snapshot") {
            // The export supplies the account and the scope only when the configuration does not.
            let needsExport = configuration.connect.export != nil
                && (configuration.ldap.account == nil || configuration.ldap.scope.isEmpty)
            let export = needsExport ? try await ConnectExportProbe.sharedExport(context) : nil
            return try await runBlocking("preflight.ldap.snapshot") {
                let connection = try DirectoryConnector.open(configuration, deadline: deadline, environment: environment)
                defer { connection.close() }
                do {
                    return try SnapshotGatherer(
                        connection: connection, configuration: configuration, export: export, pageSize: configuration.ldap.pageSize
                    ).gather()
                } catch let error as LDAPError {
                    throw ProbeError(error.description)
                }
            }
        }
    }
}

/// `directory.account` (AD-002): the connector account exists, can sign in, and is not privileged.
enum DirectoryAccountProbe: ProbeKind {
    static let name = "directory.account"
    static let summary = "Finds the connector account and checks it is enabled, not locked, not expired and not privileged."

    struct Params: Sendable {}

    struct Facts: Codable, Sendable {
        var snapshot: DirectorySnapshot?
        var notFound: String?
    }

    static func parseParams(_ reader: ParamsReader) -> Params? { Params() }
    static func missingInput(_ params: Params, context: ProbeContext) -> String? { DirectoryBindProbe.missingLDAP(context.configuration) }

    static func gather(_ params: Params, context: ProbeContext) async throws -> Facts {
        do {
            return Facts(snapshot: try await DirectoryBindProbe.snapshot(context), notFound: nil)
        } catch let error as AccountNotFound {
            return Facts(snapshot: nil, notFound: error.description)
        }
    }

    static func evaluate(_ facts: Facts, params: Params, context: EvaluationContext) -> Evaluation {
        guard let snapshot = facts.snapshot else {
            let requested = context.configuration.ldap.account ?? context.configuration.ldap.bindDN ?? "?"
            return Evaluation(
                status: .fail, message: facts.notFound ?? "The connector account was not found.",
                findings: [Finding(status: .fail, target: requested, message: "Account not found.")])
        }
        // Judged at the context's time, not the clock's, so saved facts re-evaluate to the same verdict.
        return DirectoryJudgements.account(snapshot, now: context.now)
    }
}

/// `directory.rights` (AD-003 to AD-006): one right on every in-scope user, with the reason for each gap.
enum DirectoryRightsProbe: DirectorySnapshotProbe {
    static let name = "directory.rights"
    static let summary = "Evaluates the connector account's effective right on every in-scope user's own DACL (MS-DTYP access check)."

    struct Params: Sendable {
        var right: WritebackRight
        var missingStatus: CheckStatus
    }

    static func parseParams(_ reader: ParamsReader) -> Params? {
        let ids = WritebackRight.userRights.map(\.id)
        guard let id = reader.oneOf("right", ids, required: true) else { return nil }
        let status = reader.oneOf("missing", ["fail", "warn"]) ?? "fail"
        // `oneOf` returns only the names offered: each names a right and a status.
        guard let right = WritebackRight.named(id), let missing = CheckStatus(rawValue: status) else { return nil }
        return Params(right: right, missingStatus: missing)
    }

    static func evaluate(_ facts: DirectorySnapshot, params: Params, context: EvaluationContext) -> Evaluation {
        DirectoryJudgements.rights(params.right, missingStatus: params.missingStatus, facts)
    }
}

enum DirectoryUnexpireProbe: DirectorySnapshotProbe {
    static let name = "directory.unexpire"
    static let summary = "Evaluates Unexpire Password for the connector account on the domain root's DACL."
    struct Params: Sendable {}
    static func parseParams(_ reader: ParamsReader) -> Params? { Params() }
    static func evaluate(_ facts: DirectorySnapshot, params: Params, context: EvaluationContext) -> Evaluation {
        DirectoryJudgements.unexpire(facts)
    }
}

enum DirectoryProtectedProbe: DirectorySnapshotProbe {
    static let name = "directory.protected-accounts"
    static let summary = "Lists in-scope users with adminCount=1 or membership in a protected group."
    struct Params: Sendable {}
    static func parseParams(_ reader: ParamsReader) -> Params? { Params() }
    static func evaluate(_ facts: DirectorySnapshot, params: Params, context: EvaluationContext) -> Evaluation {
        DirectoryJudgements.protectedAccounts(facts)
    }
}

enum DirectoryInheritanceProbe: DirectorySnapshotProbe {
    static let name = "directory.inheritance"
    static let summary = "Lists in-scope users and OUs whose DACL is protected from inheritance."
    struct Params: Sendable {}
    static func parseParams(_ reader: ParamsReader) -> Params? { Params() }
    static func evaluate(_ facts: DirectorySnapshot, params: Params, context: EvaluationContext) -> Evaluation {
        DirectoryJudgements.inheritance(facts)
    }
}

enum DirectoryPasswordAgeProbe: DirectorySnapshotProbe {
    static let name = "directory.password-age"
    static let summary = "Reads the domain's minPwdAge and the fine-grained password policies that apply in scope."
    struct Params: Sendable {}
    static func parseParams(_ reader: ParamsReader) -> Params? { Params() }
    static func evaluate(_ facts: DirectorySnapshot, params: Params, context: EvaluationContext) -> Evaluation {
        DirectoryJudgements.passwordAge(facts)
    }
}

enum DirectoryControlsProbe: DirectorySnapshotProbe {
    static let name = "directory.controls"
    static let summary = "Reads the LDAP controls the DC advertises in its rootDSE."
    struct Params: Sendable {
        var anyOf: [String]
    }
    static func parseParams(_ reader: ParamsReader) -> Params? {
        guard let oids = reader.stringList("anyOf", required: true) else { return nil }
        for oid in oids where !oid.allSatisfy({ $0.isNumber || $0 == "." }) {
            reader.report("'params.anyOf' contains '\(oid)', which is not an OID like 1.2.840.113556.1.4.2239.", key: "anyOf")
        }
        return Params(anyOf: oids)
    }
    static func evaluate(_ facts: DirectorySnapshot, params: Params, context: EvaluationContext) -> Evaluation {
        DirectoryJudgements.controls(facts, required: params.anyOf)
    }
}

enum DirectoryWritableProbe: DirectorySnapshotProbe {
    static let name = "directory.writable"
    static let summary = "Reads msDS-isRODC on the DC's NTDS Settings object."
    struct Params: Sendable {}
    static func parseParams(_ reader: ParamsReader) -> Params? { Params() }
    static func evaluate(_ facts: DirectorySnapshot, params: Params, context: EvaluationContext) -> Evaluation {
        DirectoryJudgements.writable(facts)
    }
}

enum DirectoryOUNamesProbe: DirectorySnapshotProbe {
    static let name = "directory.ou-names"
    static let summary = "Checks in-scope OU names for characters that break writeback."
    struct Params: Sendable {
        var reserved: String
    }
    static func parseParams(_ reader: ParamsReader) -> Params? {
        Params(reserved: reader.string("reservedCharacters") ?? ",+\"\\<>;\n\r=/")
    }
    static func evaluate(_ facts: DirectorySnapshot, params: Params, context: EvaluationContext) -> Evaluation {
        DirectoryJudgements.ouNames(facts, reserved: params.reserved)
    }
}

/// `directory.prerequisite` (AD-014, AD-015): the account may read the samServer object or the Builtin container.
enum DirectoryPrerequisiteProbe: DirectorySnapshotProbe {
    static let name = "directory.prerequisite"
    static let summary = "Evaluates the connector account's read rights on an object writeback's own calls read (samServer, Builtin)."
    struct Params: Sendable {
        var object: PrerequisiteObjectKind
    }
    static func parseParams(_ reader: ParamsReader) -> Params? {
        reader.oneOf("object", PrerequisiteObjectKind.self, required: true).map(Params.init)
    }
    static func evaluate(_ facts: DirectorySnapshot, params: Params, context: EvaluationContext) -> Evaluation {
        PrerequisiteJudgement.evaluate(params.object, facts)
    }
}
