import Foundation
import PreflightCore

/// Tool internals kept out of the text the customer reads (the Markdown and HTML bodies; the JSON keeps every message
/// whole): the consultant's local paths become the file's name, and configuration keys become "the configuration" (a
/// key alone in parentheses goes). The technical appendix lists the paths and keys of each check (`appendixRows`).
enum CustomerText {
    /// Every key of `preflight.yml`, qualified (`connect.export`), as the probes' messages name them; the top-level
    /// ones and a few sub-keys the messages name bare (`maxEvidenceAgeDays`, `ssprRegistrationThreshold`).
    /// `CustomerTextTests` holds this list to the configuration's `SettingKey` lists.
    static let qualifiedKeys: [String: [String]] = [
        "ldap": [
            "url", "bindDN", "passwordEnv", "passwordFile", "caFile", "startTLS", "allowInsecure", "baseDN", "account", "scope", "exclude",
            "pageSize", "restrictRemoteSAM",
        ],
        "network": ["proxy", "caFile", "serviceBusNamespace", "tenantId", "endpoints", "connectTo"],
        "inventory": ["users", "licenses", "subscribedSkus", "registration", "scopeGroup", "skuCatalog", "ssprRegistrationThreshold"],
        "connect": ["export", "scheduler", "passwordResetConfig", "connectorCredential"],
        "monitoring": ["events", "audit", "windowHours", "minSuccessRate"],
        "cloudSync": ["jobs", "schema", "agents", "agentVersions"],
        "report": ["customer", "tenant", "assessor"],
    ]
    static let bareKeys = ["maxEvidenceAgeDays", "timeoutSeconds", "ssprRegistrationThreshold", "windowHours", "minSuccessRate"]

    private static let key: String = {
        let qualified = qualifiedKeys.sorted { $0.key < $1.key }.map { section, keys in
            NSRegularExpression.escapedPattern(for: section) + #"\.(?:"# + keys.sorted { $0.count > $1.count }.joined(separator: "|") + ")"
        }
        // `network.endpoints.NET-003`: a key of a check's own.
        // Not a file name that starts like a key (`inventory.users.csv`): no letter or digit after it, nor after a dot.
        return "(?:" + qualified.joined(separator: "|") + #")(?:\.[A-Z]+-[0-9]+)?(?!\.?[A-Za-z0-9])"#
    }()

    private static func compile(_ pattern: String) -> NSRegularExpression {
        do {
            return try NSRegularExpression(pattern: pattern)
        } catch {
            // Built from the constants above: CustomerTextTests renders text through every pattern.
            preconditionFailure("A customer-text pattern does not compile: \(error)")
        }
    }

    /// An absolute path of two components or more, not part of a URL or a UNC path (`\\dc\SYSVOL` is the customer's).
    private static let path = compile(#"(?<![A-Za-z0-9:/\\._~-])(/[A-Za-z0-9._~+@%-]+(?:/[A-Za-z0-9._~+@%{}-]+)+)"#)
    /// ` (maxEvidenceAgeDays)`, ` ('inventory.users')`: a key alone in parentheses.
    private static let parenthesised = compile(#" \('?(?:"# + key + "|" + bareKeys.joined(separator: "|") + #")'?\)"#)
    /// `'connect.export'`, `` `ldap.caFile` `` (the catalog's remediation writes keys as code), or the key bare.
    private static let named = compile(#"['`]?(?<![A-Za-z0-9.])"# + key + "['`]?")
    /// `MissingInput`'s "No 'inventory.users' is configured": the sentence, not only the key, reads as the customer's.
    private static let notConfigured = compile("No '" + key + "' is configured")

    /// The text as the customer reads it.
    static func clean(_ text: String) -> String {
        guard text.contains("/") || text.contains(".") || text.contains("(") else { return text }
        var result = replace(path, in: text) { match in
            let full = match.trimmingTrailing(".")
            return (full as NSString).lastPathComponent + String(match.dropFirst(full.count))
        }
        result = replace(notConfigured, in: result) { _ in "The input this check reads was not provided" }
        result = replace(parenthesised, in: result) { _ in "" }
        return replace(named, in: result) { _ in "the configuration" }
    }

    /// A remediation text as the customer reads it: `clean` outside its code blocks (a command is the customer's own).
    static func remediation(_ text: String) -> String {
        lines(of: text).map { $0.isCode ? $0.line : clean($0.line) }.joined(separator: "\n")
    }

    /// Each line of `text`, and whether it is a code block's (its fences included).
    static func lines(of text: String) -> [(line: String, isCode: Bool)] {
        var inCode = false
        return text.split(separator: "\n", omittingEmptySubsequences: false).map { line in
            let fence = line.hasPrefix("```")
            if fence { inCode.toggle() }
            return (String(line), fence || inCode)
        }
    }

    /// An evidence table as the customer reads it: a column of nothing but configuration keys (`Key`) goes, every other
    /// cell is `clean`ed.
    static func table(_ table: ReportTable) -> ReportTable {
        let keyOnly = Set(table.columns.indices.filter { column in
            let cells = table.rows.compactMap { column < $0.count ? $0[column] : nil }
            return !cells.isEmpty && cells.allSatisfy { clean($0) == "the configuration" }
        })
        let kept = table.columns.indices.filter { !keyOnly.contains($0) }
        return ReportTable(
            title: table.title, columns: kept.map { table.columns[$0] },
            rows: table.rows.map { row in kept.map { $0 < row.count ? clean(row[$0]) : "" } })
    }

    /// The local paths and the configuration keys `clean` takes out of `text`.
    static func internals(in text: String) -> (paths: [String], keys: [String]) {
        let paths = matches(path, in: text).map { $0.trimmingTrailing(".") }
        let keys = matches(parenthesised, in: text).map { $0.trimmingCharacters(in: CharacterSet(charactersIn: " ()'")) }
            + matches(named, in: text).map { $0.trimmingCharacters(in: CharacterSet(charactersIn: "'`")) }
        return (paths, keys)
    }

    /// Per check, what its message, the findings a body shows (`shown` of them) and its evidence tables named: for the
    /// technical appendix.
    static func appendixRows(_ report: Report, shown: Int) -> [(check: String, paths: [String], keys: [String])] {
        var rows: [(check: String, paths: [String], keys: [String])] = []
        let notices = (id: "Notes", texts: report.notices)
        let checks = report.checks.sorted { $0.id < $1.id }.map { check in
            (id: check.id, texts: [check.message] + lines(of: check.remediation).filter { !$0.isCode }.map(\.line) + check.findings.prefix(shown).flatMap { [$0.target, $0.message] }
                + ReportTable.tables(in: check.evidence).flatMap { $0.rows.flatMap { $0 } })
        }
        for (id, texts) in checks + [notices] {
            var paths: [String] = []
            var keys: [String] = []
            for text in texts {
                let found = internals(in: text)
                for path in found.paths where !paths.contains(path) { paths.append(path) }
                for key in found.keys where !keys.contains(key) { keys.append(key) }
            }
            if !paths.isEmpty || !keys.isEmpty { rows.append((id, paths, keys)) }
        }
        return rows
    }

    private static func matches(_ regex: NSRegularExpression, in text: String) -> [String] {
        let string = text as NSString
        return regex.matches(in: text, range: NSRange(location: 0, length: string.length)).map { string.substring(with: $0.range) }
    }

    private static func replace(_ regex: NSRegularExpression, in text: String, _ with: (String) -> String) -> String {
        let string = text as NSString
        var out = ""
        var position = 0
        for match in regex.matches(in: text, range: NSRange(location: 0, length: string.length)) {
            out += string.substring(with: NSRange(location: position, length: match.range.location - position))
            out += with(string.substring(with: match.range))
            position = match.range.location + match.range.length
        }
        return out + string.substring(from: position)
    }
}

extension String {
    fileprivate func trimmingTrailing(_ character: Character) -> String {
        var text = self
        while text.last == character { text.removeLast() }
        return text
    }
}
