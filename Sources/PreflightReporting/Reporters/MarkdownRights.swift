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
        var users: [String] = []
        var cells: [String: [String: String]] = [:]
        var causes: [String: [String]] = [:]
        var domainOf: [String: String] = [:]
        for check in rights {
            for finding in check.findings where finding.status != .pass {
                if cells[finding.target] == nil { users.append(finding.target) }
                if let domain = PerDomain.domain(of: finding) { domainOf[finding.target] = domain }
                cells[finding.target, default: [:]][check.id] = finding.status == .error ? "not judged" : "missing"
                let cause = finding.details?["cause"]?.stringValue ?? finding.status.rawValue
                let text = Readiness.label(cause) + (location(finding).map { ": \($0)" } ?? "")
                if !(causes[finding.target]?.contains(text) ?? false) { causes[finding.target, default: []].append(text) }
            }
        }
        if !users.isEmpty {
            // Several domains: a Domain column, and each domain's users together (in the order the domains first appear).
            let grouped = PerDomain.grouped(users) { domainOf[$0] }
            let byDomain = grouped.domains.count > 1
            if byDomain { users = grouped.items }
            out += ["", "**Users without a right** (\(users.count))", ""]
            out.append("| User | " + (byDomain ? "Domain | " : "") + rights.map { rightName($0) }.joined(separator: " | ") + " | Cause |")
            out.append("|---|" + String(repeating: "---|", count: rights.count + (byDomain ? 1 : 0)) + "---|")
            for user in users.prefix(MarkdownReporter.findingLimit) {
                let row = (byDomain ? [MarkdownReporter.cell(domainOf[user] ?? "")] : []) + rights.map { cells[user]?[$0.id] ?? "ok" }
                out.append("| \(MarkdownReporter.cell(user)) | " + row.joined(separator: " | ") + " | \(MarkdownReporter.cell((causes[user] ?? []).joined(separator: "; "))) |")
            }
            if users.count > MarkdownReporter.findingLimit {
                out += ["", FullList.more(shown: MarkdownReporter.findingLimit, of: users.count, in: report) { "`\($0)`" }]
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
