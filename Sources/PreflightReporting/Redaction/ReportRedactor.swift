import Foundation
import PreflightCore

/// `--redact`: the report with every UPN, display name, sAMAccountName, DN, domain SID and object GUID replaced by a
/// stable pseudonym (`Pseudonyms`), before any reporter sees it, so that every format is covered at once: messages,
/// findings' targets and details, evidence, waivers, changes, and the per-user readiness (derived from the redacted
/// checks). Domain names stay unless `hashDomains` (`--redact-domains`), which also hashes host names and the customer's
/// name on the cover. Check ids, statuses, catalog text, Microsoft's host names and well-known AD names stay.
///
/// Two passes over the report's strings, each in the role its JSON key gives it: the first gathers what they name
/// (`RedactionVocabulary`), so that a display name is also found where a sentence repeats it; the second replaces
/// (`TextRedactor`). What is derived from the checks is derived again from the redacted ones, as reading the report
/// back does. Redacting a redacted report changes nothing.
package struct ReportRedactor: Sendable {
    package private(set) var pseudonyms: Pseudonyms
    package let hashDomains: Bool

    package init(key: PseudonymKey, hashDomains: Bool) {
        pseudonyms = Pseudonyms(key: key)
        self.hashDomains = hashDomains
    }

    /// Pseudonym → original, for every pseudonym this redactor has given (`--redact-mapping`).
    package var mapping: [String: String] { pseudonyms.originals }

    package mutating func redact(_ report: Report) throws(RedactionFailure) -> Report {
        // The checks, which hold the findings (a million for a large tenant), are walked as values; the rest of the report
        // (a few kilobytes) through its JSON form. The findings' JSON round trip cost more than the redaction itself.
        var shell = report
        shell.replaceChecks([])
        let json = JSONValue.encoding(shell)
        var vocabulary = RedactionVocabulary(hashDomains: hashDomains)
        _ = Self.transform(json) { role, text in
            vocabulary.note(text, as: role)
            return text
        }
        _ = try Self.transform(report.checks) { role, text in
            vocabulary.note(text, as: role)
            return text
        }
        var redactor = TextRedactor(pseudonyms: pseudonyms, vocabulary: vocabulary)
        let redacted = Self.transform(json) { role, text in redactor.rewrite(text, as: role) }
        let checks = try Self.transform(report.checks) { role, text in redactor.rewrite(text, as: role) }
        pseudonyms = redactor.pseudonyms
        var result = try Self.decoded(Report.self, from: redacted)
        result.replaceChecks(checks)
        return result
    }

    /// What a string of the report holds, which decides how it is read and replaced.
    enum Role {
        case text, name, guid, host, domain, tenant, customer, keep
    }

    /// Values the reporters and the readiness join read as codes (a cause, a right, a status), or that hold no
    /// identifier: never touched.
    static let kept: Set<String> = [
        "cause", "right", "rights", "key", "status", "severity", "check", "checks", "side", "origin", "kind", "state", "trend",
        "from", "to", "verdict", "phase", "dateSource", "expires", "date", "sku", "skuId", "title", "columns",
    ]
    static let names: Set<String> = [
        "displayName", "name", "samAccountName", "sAMAccountName", "loginUser", "account", "accountName", "trustee", "groups",
        "via", "approvedBy", "owner", "manager", "userName", "members",
    ]
    static let guids: Set<String> = [
        "guid", "objectGUID", "objectGuid", "objectId", "immutableId", "onPremisesImmutableId", "consistencyGuid",
        "mS-DS-ConsistencyGuid", "userId",
    ]
    static let hosts: Set<String> = ["server", "dnsHostName", "lastDC", "computer", "computerName", "hostname", "hostName"]
    static let domains: Set<String> = ["domain", "forest", "loginDomain", "tenant", "domainDNS", "dnsName", "connector"]

    static func role(ofKey key: String) -> Role {
        if kept.contains(key) { return .keep }
        if names.contains(key) { return .name }
        if guids.contains(key) { return .guid }
        if hosts.contains(key) { return .host }
        if domains.contains(key) { return .domain }
        return .text
    }

    /// Every string of the report that may name someone, with its role; the rest (ids, counts, the catalog's titles and
    /// references, the run's id and times, what is derived from the checks) as it is.
    static func transform(_ report: JSONValue, _ body: (Role, String) -> String) -> JSONValue {
        guard case .object(var top) = report else { return report }
        for (key, value) in top {
            switch key {
            case "run": top[key] = members(value, ["host": .host], body)
            case "cover": top[key] = members(value, ["tenant": .tenant, "customer": .customer], body)
            case "notices", "waivers", "changes": top[key] = walk(value, .text, body)
            case "checks":
                top[key] = .array((value.arrayValue ?? []).map { check in
                    members(check, ["message": .text, "remediation": .text, "findings": .text, "evidence": .text], body)
                })
            default: break
            }
        }
        return .object(top)
    }

    /// The checks' strings as `transform` reads them in the report's JSON form (`message`, `remediation`, `evidence`, and
    /// the findings' `target`, `message`, `details` and `waiver`, each in the role of its key), walked as values: a
    /// finding's JSON members are fixed (`Finding.encode`, which `ReportSizeTests` guards).
    static func transform(_ checks: [CheckResult], _ body: (Role, String) -> String) throws(RedactionFailure) -> [CheckResult] {
        var result = checks
        for index in result.indices {
            result[index].message = body(role(ofKey: "message"), checks[index].message)
            result[index].remediation = body(role(ofKey: "remediation"), checks[index].remediation)
            var evidence: [String: JSONValue] = [:]
            for (key, value) in checks[index].evidence { evidence[key] = walk(value, role(ofKey: key), body) }
            result[index].evidence = evidence
            for (position, finding) in checks[index].findings.enumerated() {
                var redacted = finding
                redacted.target = body(role(ofKey: "target"), finding.target)
                redacted.message = body(role(ofKey: "message"), finding.message)
                if let details = finding.details { redacted.details = walk(details, role(ofKey: "details"), body) }
                if let waiver = finding.waiver {
                    redacted.waiver = try decoded(WaiverReference.self, from: walk(JSONValue.encoding(waiver), role(ofKey: "waiver"), body))
                }
                result[index].findings[position] = redacted
            }
        }
        return result
    }

    private static func decoded<Value: Decodable>(_ type: Value.Type, from json: JSONValue) throws(RedactionFailure) -> Value {
        do {
            return try JSONDecoder().decode(type, from: JSONEncoder().encode(json))
        } catch {
            throw RedactionFailure(reason: "\(error)")
        }
    }

    /// The named members of an object, each walked in its role; the others as they are.
    private static func members(_ value: JSONValue, _ roles: [String: Role], _ body: (Role, String) -> String) -> JSONValue {
        guard case .object(var members) = value else { return value }
        for (key, role) in roles {
            if let member = members[key] { members[key] = walk(member, role, body) }
        }
        return .object(members)
    }

    private static func walk(_ value: JSONValue, _ role: Role, _ body: (Role, String) -> String) -> JSONValue {
        switch value {
        case .string(let text): return .string(body(role, text))
        case .array(let items): return .array(items.map { walk($0, role, body) })
        case .object(let members):
            var result: [String: JSONValue] = [:]
            for (key, member) in members { result[key] = walk(member, role == .text ? Self.role(ofKey: key) : role, body) }
            return .object(result)
        case .null, .bool, .number: return value
        }
    }
}

/// The redacted report could not be read back: a fault of preflight's, never of the input.
package struct RedactionFailure: Error, CustomStringConvertible {
    package var reason: String
    package var description: String { "The redacted report could not be assembled (\(reason)); no report was written. Please report this." }
}

extension RedactionVocabulary {
    mutating func note(_ text: String, as role: ReportRedactor.Role) {
        switch role {
        case .text: noteText(text)
        case .name:
            noteText(text)
            noteName(text)
        case .guid: noteGUID(text)
        case .host: noteHost(text)
        case .domain: IdentifierPatterns.isDNSName(text) ? noteDomain(text) : noteText(text)
        case .tenant: noteDomain(text)
        case .customer: noteCustomer(text)
        case .keep: break
        }
    }
}

extension TextRedactor {
    mutating func rewrite(_ value: String, as role: ReportRedactor.Role) -> String {
        switch role {
        case .text: return text(value)
        case .name: return name(value)
        case .guid: return guid(value)
        case .host: return host(value)
        case .domain: return IdentifierPatterns.isDNSName(value) ? domainName(value) : text(value)
        case .tenant:
            guard vocabulary.hashDomains else { return value }
            return GUID(string: value) != nil ? pseudonyms.pseudonym(.guid, value) : domainName(value)
        case .customer: return vocabulary.hashDomains ? pseudonyms.pseudonym(.dom, value) : value
        case .keep: return value
        }
    }
}

/// What `--redact-mapping FILE` holds: each pseudonym of the run and its original. It undoes the redaction, so it stays
/// with whoever may see the originals (the file is mode 0600).
package struct RedactionMapping: Codable, Sendable, Equatable {
    package var domainsHashed: Bool
    package var pseudonyms: [String: String]

    package init(_ redactor: ReportRedactor) {
        domainsHashed = redactor.hashDomains
        pseudonyms = redactor.mapping
    }

    package var json: Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return ((try? encoder.encode(self)) ?? Data("{}".utf8)) + Data("\n".utf8)
    }
}
