import Foundation
import PreflightCloudSync
import PreflightConnect
import PreflightCore
import PreflightEngine

/// The directory probe kinds, in the registry's order.
package let directoryProbes: [RegisteredProbe] = [RegisteredProbe(DirectoryProbe.self)]

/// `directory` (AD-001 to AD-018): the domain over LDAP. AD-001 binds; every other judgement reads the run's one
/// directory snapshot (gathered once, whichever check asks first) and judges one thing of it.
package enum DirectoryProbe: ProbeKind {
    package static let name = "directory"
    package static let summary =
        "Binds to the DC over LDAPS or StartTLS as the configured read-only account, reads the connector account, the "
        + "in-scope users and OUs with their security descriptors once per run, and judges one thing of them."

    package enum Judgement: String, CaseIterable, Sendable {
        /// AD-001: connect, negotiate TLS and bind as the configured account.
        case bind
        /// AD-002: the connector account exists, can sign in, and is not privileged.
        case account
        /// AD-003 to AD-006: one right on every in-scope user, with the reason for each gap.
        case rights
        /// AD-007: Unexpire Password for the connector account on the domain root's DACL.
        case unexpire
        /// In-scope users with adminCount=1 or membership in a protected group.
        case protectedAccounts = "protected-accounts"
        /// In-scope users and OUs whose DACL is protected from inheritance.
        case inheritance
        /// The domain's minPwdAge and the fine-grained password policies that apply in scope.
        case passwordAge = "password-age"
        /// The LDAP controls the DC advertises in its rootDSE.
        case controls
        /// msDS-isRODC on the DC's NTDS Settings object.
        case writable
        /// In-scope OU names with characters that break writeback.
        case ouNames = "ou-names"
        /// AD-014, AD-015: read rights on an object writeback's own calls read (samServer, Builtin).
        case prerequisite
        /// AD-016: RestrictRemoteSAM, from the DCs' GPOs in SYSVOL, lets the account make remote SAM calls.
        case restrictRemoteSAM = "restrict-remote-sam"
        /// AD-017: who may retrieve the password of the account when it is a gMSA (the Cloud Sync agent's).
        case gmsaPasswordReaders = "gmsa-password-readers"
        /// AD-018: the gMSA's own object is hardened as Set-AADCloudSyncRestrictedPermissions leaves it.
        case gmsaHardening = "gmsa-hardening"
    }

    /// A judgement with its typed params.
    package enum Params: Sendable {
        case bind, account, unexpire, protectedAccounts, inheritance, passwordAge, writable, restrictRemoteSAM
        case rights(WritebackRight, missingStatus: CheckStatus)
        case controls(anyOf: [String])
        case ouNames(reserved: String)
        case prerequisite(PrerequisiteObjectKind)
        case gmsa(GMSAAspect)
    }

    /// What the bind (AD-001) found, or the snapshot the other judgements read.
    package enum Facts: Codable, Sendable {
        case bind(BindFacts)
        case snapshot(DirectorySnapshot)
        /// AD-002 when the configured account does not exist: the reason, judged as a failure rather than an error.
        case accountNotFound(String)
        /// AD-016: the snapshot (for the token) and the GPOs' RestrictRemoteSAM settings.
        case remoteSAM(DirectorySnapshot, RemoteSAMFacts)
        /// Several domains (`ldap:` a list): each domain's facts of the above kinds, or why they could not be gathered.
        case domains([DomainOutcome])
        /// AD-017, AD-018: the snapshot (for the account and names) and what was read of the gMSA.
        case gmsa(DirectorySnapshot, GMSAFacts)
    }

    package struct BindFacts: Codable, Sendable {
        var url: String
        var channel: String
        var tlsVersion: String?
        var cipher: String?
        var certificateSubject: String?
        var certificateIssuer: String?
        var certificateNotAfter: String?
        var bindDN: String
        var milliseconds: Int
        /// The DNS name of the DC's domain (its rootDSE's defaultNamingContext), for `details.domain`; nil when unread.
        var domain: String?
    }

    package static func parseParams(_ judgement: Judgement, _ reader: ParamsReader) -> Params? {
        switch judgement {
        case .bind: return .bind
        case .account: return .account
        case .unexpire: return .unexpire
        case .protectedAccounts: return .protectedAccounts
        case .inheritance: return .inheritance
        case .passwordAge: return .passwordAge
        case .writable: return .writable
        case .restrictRemoteSAM: return .restrictRemoteSAM
        case .rights:
            let ids = WritebackRight.userRights.map(\.id)
            guard let id = reader.oneOf("right", ids, required: true) else { return nil }
            let status = reader.oneOf("missing", ["fail", "warn"]) ?? "fail"
            // `oneOf` returns only the names offered: each names a right and a status.
            guard let right = WritebackRight.named(id), let missing = CheckStatus(rawValue: status) else { return nil }
            return .rights(right, missingStatus: missing)
        case .controls:
            guard let oids = reader.stringList("anyOf", required: true) else { return nil }
            for oid in oids where !oid.allSatisfy({ $0.isNumber || $0 == "." }) {
                reader.report("'params.anyOf' contains '\(oid)', which is not an OID like 1.2.840.113556.1.4.2239.", key: "anyOf")
            }
            return .controls(anyOf: oids)
        case .ouNames:
            return .ouNames(reserved: reader.string("reservedCharacters") ?? ",+\"\\<>;\n\r=/")
        case .prerequisite:
            return reader.oneOf("object", PrerequisiteObjectKind.self, required: true).map(Params.prerequisite)
        case .gmsaPasswordReaders: return .gmsa(.passwordReaders)
        case .gmsaHardening: return .gmsa(.hardening)
        }
    }

    static func missingLDAP(_ configuration: Configuration) -> String? {
        configuration.ldap.isConfigured ? nil : "No 'ldap.url' and 'ldap.bindDN' are configured, so the directory was not inspected."
    }

    package static func missingInput(_ params: Params, context: ProbeContext) -> String? { missingLDAP(context.configuration) }

    package static func gather(_ params: Params, context: ProbeContext) async throws -> Facts {
        guard context.configuration.isMultiDomain else { return try await gatherDomain(params, context: context, index: 0) }
        return .domains(await gatherDomains(params, context: context))
    }

    /// One domain's facts: `context.configuration.ldap` is that domain's settings, `index` its place in `ldap:`.
    static func gatherDomain(_ params: Params, context: ProbeContext, index: Int) async throws -> Facts {
        switch params {
        case .bind:
            return .bind(try await bind(context))
        case .account:
            do {
                return .snapshot(try await snapshot(context, domain: index))
            } catch let error as AccountNotFound {
                return .accountNotFound(error.description)
            }
        case .restrictRemoteSAM:
            let snapshot = try await snapshot(context, domain: index)
            let configuration = context.configuration, deadline = context.deadline, environment = context.environment
            return .remoteSAM(
                snapshot,
                try await runBlocking("preflight.smb.sysvol") {
                    RemoteSAMGatherer.gather(configuration, snapshot: snapshot, deadline: deadline, environment: environment)
                })
        case .gmsa: return try await gatherGMSA(context, domain: index)
        default:
            return .snapshot(try await snapshot(context, domain: index))
        }
    }

    package static func evaluate(_ facts: Facts, params: Params, context: EvaluationContext) -> Evaluation {
        if case .domains(let outcomes) = facts { return evaluateDomains(outcomes, params: params, context: context) }
        return PerDomain.tag(
            evaluateDomain(facts, params: params, context: context), domain: domainName(of: facts, context.configuration.ldap))
    }

    /// One domain's judgement (`context.configuration.ldap` is that domain's settings).
    static func evaluateDomain(_ facts: Facts, params: Params, context: EvaluationContext) -> Evaluation {
        let snapshot: DirectorySnapshot
        switch (facts, params) {
        case (.bind(let bind), .bind): return evaluateBind(bind)
        case (.accountNotFound(let reason), .account):
            let requested = context.configuration.ldap.account ?? context.configuration.ldap.bindDN ?? "?"
            return Evaluation(
                status: .fail, message: reason, findings: [Finding(status: .fail, target: requested, message: "Account not found.")])
        case (.remoteSAM(let gathered, let remoteSAM), .restrictRemoteSAM): return RemoteSAMJudgement.evaluate(remoteSAM, gathered)
        case (.gmsa(let gathered, let gmsa), .gmsa(let aspect)): return GMSAJudgement.evaluate(aspect, gmsa, gathered)
        case (.snapshot(let gathered), _): snapshot = gathered
        default: return .factsOfAnotherJudgement("directory")
        }
        switch params {
        case .bind: return .error("The saved directory facts hold no bind; collect them again.")
        case .restrictRemoteSAM: return .error("The saved directory facts hold no GPO templates; collect them again.")
        case .gmsa: return .error("The saved directory facts hold nothing read of the gMSA; collect them again.")
        case .account:
            // Judged at the context's time, not the clock's, so saved facts re-evaluate to the same verdict.
            return DirectoryJudgements.account(snapshot, now: context.now)
        case .rights(let right, let missingStatus): return DirectoryJudgements.rights(right, missingStatus: missingStatus, snapshot)
        case .unexpire: return DirectoryJudgements.unexpire(snapshot)
        case .protectedAccounts: return DirectoryJudgements.protectedAccounts(snapshot)
        case .inheritance: return DirectoryJudgements.inheritance(snapshot)
        case .passwordAge: return DirectoryJudgements.passwordAge(snapshot)
        case .controls(let anyOf): return DirectoryJudgements.controls(snapshot, required: anyOf)
        case .writable: return DirectoryJudgements.writable(snapshot)
        case .ouNames(let reserved): return DirectoryJudgements.ouNames(snapshot, reserved: reserved)
        case .prerequisite(let object): return PrerequisiteJudgement.evaluate(object, snapshot)
        }
    }

    /// AD-001: connects and binds, and records the channel, TLS and the DC's certificate.
    static func bind(_ context: ProbeContext) async throws -> BindFacts {
        let configuration = context.configuration, deadline = context.deadline, environment = context.environment
        return try await runBlocking("preflight.ldap.bind") {
            let started = Date()
            let connection = try DirectoryConnector.open(configuration, deadline: deadline, environment: environment)
            defer { connection.close() }
            let certificate = connection.tls?.peerCertificate
            return BindFacts(
                url: connection.url, channel: connection.channel.rawValue, tlsVersion: connection.tls?.version,
                cipher: connection.tls?.cipher, certificateSubject: certificate?.subject, certificateIssuer: certificate?.issuer,
                certificateNotAfter: certificate?.notAfter.map(RFC3339.string), bindDN: configuration.ldap.bindDN ?? "",
                milliseconds: Int(Date().timeIntervalSince(started) * 1000),
                domain: (try? connection.readRootDSE(attributes: ["defaultNamingContext"]))?.string("defaultNamingContext")
                    .map { DistinguishedName($0).dnsName })
        }
    }

    static func evaluateBind(_ facts: BindFacts) -> Evaluation {
        let evidence = Evidence.of(BindView(facts))
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

    /// The run's one directory snapshot of the domain at `index` of `ldap:` (the first, or the only one), shared by every
    /// snapshot check; `context.configuration.ldap` is that domain's settings.
    package static func snapshot(_ context: ProbeContext, domain index: Int = 0) async throws -> DirectorySnapshot {
        let configuration = context.configuration, deadline = context.deadline, environment = context.environment
        return try await context.shared.value(.directorySnapshot(index)) {
            // The export supplies the account and the scope only when the configuration does not.
            let needsExport = configuration.connect.export != nil
                && (configuration.ldap.account == nil || configuration.ldap.scope.isEmpty)
            let export = needsExport ? try await ConnectProbe.sharedExport(context) : nil
            // Under cloud-sync, the Cloud Sync jobs' scoping filters supply the scope when the configuration does not.
            let cloudSync = configuration.topology == .cloudSync && configuration.cloudSync.jobs != nil && configuration.ldap.scope.isEmpty
                ? try await CloudSyncProbe.sharedJobs(context) : nil
            return try await runBlocking("preflight.ldap.snapshot") {
                let connection = try DirectoryConnector.open(configuration, deadline: deadline, environment: environment)
                defer { connection.close() }
                do {
                    return try SnapshotGatherer(
                        connection: connection, configuration: configuration, export: export, cloudSync: cloudSync,
                        pageSize: configuration.ldap.pageSize
                    ).gather()
                } catch let error as LDAPError {
                    throw ProbeError(error.description)
                }
            }
        }
    }
}

extension SharedFactKey where Value == DirectorySnapshot {
    /// The run's one directory snapshot of the domain at `index` of `ldap:`, whichever check asks first.
    static func directorySnapshot(_ index: Int) -> Self { Self(index == 0 ? "directory.snapshot" : "directory.snapshot.\(index)") }
}
