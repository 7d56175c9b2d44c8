import PreflightCore

/// The directory's rights checks (AD-003, AD-004, AD-005) in one section: one table of users × rights with the cause,
/// their messages, and their remediation with each paragraph once (the catalog text the three share is printed once).
enum MarkdownRights {
    static let ids = ["AD-003", "AD-004", "AD-005"]

    /// The rights checks that need attention, when more than one does (one alone keeps its own section).
    static func merged(_ checks: [CheckResult]) -> [CheckResult] {
        let rights = ids.compactMap { id in checks.first { $0.id == id } }
        return rights.count > 1 ? rights : []
    }

    static func section(_ rights: [CheckResult], in report: Report) -> [String] {
        guard let worst = rights.min(by: { $0.status.urgency < $1.status.urgency }) else { return [] }
        var out = [
            "### \(MarkdownReporter.badge(worst.status)) Directory rights — \(rights.map(\.id).joined(separator: ", "))", "",
            "*Severity:* \(rights.map(\.severity).max()?.rawValue ?? "")", "",
        ]
        // The three messages share their scope and token sentences: each sentence is printed once.
        var said = Set<String>()
        for check in rights {
            let sentences = MarkdownReporter.inline(CustomerText.clean(check.message)).components(separatedBy: ". ").filter { said.insert($0).inserted }
            out.append("- **\(check.id)** \(MarkdownReporter.inline(check.title)): \(sentences.joined(separator: ". "))")
        }
        let table = RightsTable(rights)
        if !table.users.isEmpty {
            out += ["", "**Users without a right** (\(table.users.count))", ""]
            out.append("| " + table.header.joined(separator: " | ") + " |")
            out.append("|" + String(repeating: "---|", count: table.header.count))
            for user in table.users.prefix(MarkdownReporter.findingLimit) {
                out.append("| " + table.row(user).map(MarkdownReporter.cell).joined(separator: " | ") + " |")
            }
            if table.users.count > MarkdownReporter.findingLimit {
                out += ["", FullList.more(shown: MarkdownReporter.findingLimit, of: table.users.count, in: report) { "`\($0)`" }]
            }
        }
        var seen = Set<String>()
        var paragraphs: [String] = []
        for check in rights {
            for paragraph in MarkdownReporter.paragraphs(CustomerText.remediation(check.remediation)) where seen.insert(paragraph).inserted {
                paragraphs.append(paragraph)
            }
        }
        if !paragraphs.isEmpty { out += ["", "**Remediation**", "", paragraphs.joined(separator: "\n\n")] }
        let references = rights.flatMap(\.references).reduce(into: [String]()) { if !$0.contains($1) { $0.append($1) } }
        if !references.isEmpty { out += ["", "**References**", ""] + references.map { "- <\($0)>" } }
        return out
    }

}

/// The users × rights table of the directory's rights checks (AD-003, AD-004, AD-005), for Markdown and HTML: each user
/// without a right once, what each check found ("missing", "not judged", "ok"), and the causes with where they sit; with
/// several domains, a Domain column and each domain's users together.
struct RightsTable {
    let rights: [CheckResult]
    private(set) var users: [String] = []
    private(set) var byDomain = false
    private var domainOf: [String: String] = [:]
    private var cells: [String: [String: String]] = [:]
    private var causes: [String: [String]] = [:]

    init(_ rights: [CheckResult]) {
        self.rights = rights
        for check in rights {
            for finding in check.findings where finding.status != .pass {
                if cells[finding.target] == nil { users.append(finding.target) }
                if let domain = PerDomain.domain(of: finding) { domainOf[finding.target] = domain }
                cells[finding.target, default: [:]][check.id] = finding.status == .error ? "not judged" : "missing"
                let cause = finding.details?["cause"]?.stringValue ?? finding.status.rawValue
                let text = Readiness.label(cause) + (Self.location(finding).map { ": \($0)" } ?? "")
                if !(causes[finding.target]?.contains(text) ?? false) { causes[finding.target, default: []].append(text) }
            }
        }
        let grouped = PerDomain.grouped(users) { domainOf[$0] }
        byDomain = grouped.domains.count > 1
        if byDomain { users = grouped.items }
    }

    var header: [String] { ["User"] + (byDomain ? ["Domain"] : []) + rights.map(Self.rightName) + ["Cause"] }

    /// The user's cells, in the header's order (text, not yet escaped for a format).
    func row(_ user: String) -> [String] {
        [user] + (byDomain ? [domainOf[user] ?? ""] : []) + rights.map { cells[user]?[$0.id] ?? "ok" }
            + [(causes[user] ?? []).joined(separator: "; ")]
    }

    static func rightName(_ check: CheckResult) -> String {
        check.evidence["right"]?.stringValue ?? check.id
    }

    /// Where the cause sits: the container a deny is inherited from, the OU whose inheritance is off, the grant's place.
    static func location(_ finding: Finding) -> String? {
        for key in ["inheritedFrom", "inheritanceDisabledOn", "grantedAt"] {
            if let value = finding.details?[key]?.stringValue { return value }
        }
        return nil
    }
}
