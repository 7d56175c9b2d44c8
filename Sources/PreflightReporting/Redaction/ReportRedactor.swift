import Foundation
import PreflightCore

/// `--redact`: the report with every UPN, display name, sAMAccountName, DN, domain SID and object GUID replaced by a
/// stable pseudonym (`Pseudonyms`), before any reporter sees it, so that every format is covered at once: messages,
/// findings' targets and details, evidence, waivers, changes, and the per-user readiness (derived from the redacted
/// checks). Domain names stay unless `hashDomains` (`--redact-domains`), which also hashes host names and the customer's
/// name on the cover. Check ids, statuses, catalog text, Microsoft's host names and well-known AD names stay.
///
/// Two passes over the report's JSON form: the first gathers what it names (`RedactionVocabulary`), so that a display
/// name is also found where a sentence repeats it; the second replaces (`TextRedactor`). Reading the result back as a
/// `Report` recomputes what is derived from the checks. Redacting a redacted report changes nothing.
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
        let json = JSONValue.encoding(report)
        var vocabulary = RedactionVocabulary(hashDomains: hashDomains)
        _ = Self.transform(json) { role, text in
            vocabulary.note(text, as: role)
            return text
        }
        var redactor = TextRedactor(pseudonyms: pseudonyms, vocabulary: vocabulary)
        let redacted = Self.transform(json) { role, text in redactor.rewrite(text, as: role) }
        pseudonyms = redactor.pseudonyms
        do {
            return try JSONDecoder().decode(Report.self, from: JSONEncoder().encode(redacted))
        } catch {
            throw RedactionFailure(reason: "\(error)")
        }
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
