import PreflightCore

/// The HTML report's sections, each a `<section>` with a stable id (the browser test finds them by it).
enum HTMLSections {
    static func e(_ text: String) -> String { HTMLReporter.escape(text) }

    static func summary(_ report: Report) -> String {
        let areas = AreaStatus.areas(report)
        let areaRows = areas.map { area in
            "<tr><td>\(e(area.name))</td><td>\(HTMLReporter.badge(area.status))</td><td>\(e(area.countsText))</td></tr>"
        }.joined()
        let actions = ActionPlan.actions(report).prefix(MarkdownSummary.topActions).map { action in
            "<li><span class=\"sev \(action.severity.rawValue)\">\(action.severity.rawValue)</span> \(e(action.text)) "
                + "<span class=\"impact\">\(action.impact.isEmpty ? "" : "— " + e(action.impact)) (\(e(action.checks.joined(separator: ", "))))</span></li>"
        }.joined()
        let verdict = MarkdownReporter.verdictLine(report).replacingOccurrences(of: "**", with: "")
        return """
            <section id="summary">
            <h2>Executive summary</h2>
            <p class="verdict-line">\(e(verdict))</p>
            <p id="users-headline" class="headline">\(e(report.readiness.headline))</p>
            <div class="charts">
            <figure><figcaption>Checks by area and status</figcaption>\(HTMLCharts.areas(areas))</figure>
            <figure><figcaption>In-scope users</figcaption>\(HTMLCharts.users(report.readiness))</figure>
            </div>
            <table id="areas"><thead><tr><th>Area</th><th>Status</th><th>Checks</th></tr></thead><tbody>\(areaRows)</tbody></table>
            \(actions.isEmpty ? "" : "<h3>Top actions</h3><ol id=\"actions\">\(actions)</ol>")
            \(report.notices.isEmpty ? "" : "<aside class=\"notes\"><strong>Notes on this run</strong><ul>" + report.notices.map { "<li>\(e(CustomerText.clean($0)))</li>" }.joined() + "</ul></aside>")
            </section>
            """
    }

    static func users(_ report: Report, limit: Int) -> String {
        let r = report.readiness
        let counts = """
            <table id="readiness-counts"><thead><tr><th>Ready</th><th>Blocked by their own causes</th><th>Blocked by the environment only</th><th>Unknown</th><th>In scope</th></tr></thead>
            <tbody><tr><td data-key="ready">\(r.ready)</td><td data-key="blocked">\(r.blocked)</td><td data-key="blockedByEnvironment">\(r.blockedByEnvironment)</td><td data-key="unknown">\(r.unknown)</td><td data-key="inScope">\(r.inScope.map(String.init) ?? "unknown")</td></tr></tbody></table>
            """
        let gaps = r.notAssessed.isEmpty ? "" : "<p class=\"gaps\">Not assessed, so those users are <em>unknown</em>, not ready: "
            + e(r.notAssessed.map { "\($0.side) (\($0.check): \($0.status))" }.joined(separator: "; ")) + ".</p>"
        let causes = r.causes.map { "<tr><td>\(e($0.label))</td><td>\($0.users)</td><td>\(e($0.checks.joined(separator: ", ")))</td></tr>" }.joined()
        let listed = r.users
        let rows = listed.prefix(limit).map { user in
            "<tr><td>\(e(user.user))</td><td>\(e(MarkdownSummary.blockers(user)))</td></tr>"
        }.joined()
        let more = listed.count > limit
            ? "<p class=\"more\">The first \(limit) of \(listed.count) are shown: the JSON report (readiness.users) and the users CSV list all.</p>" : ""
        return """
            <section id="users">
            <h2>Per-user readiness</h2>
            \(counts)
            \(gaps)
            \(causes.isEmpty ? "" : "<table id=\"causes\"><thead><tr><th>Cause</th><th>Users</th><th>Checks</th></tr></thead><tbody>\(causes)</tbody></table>")
            \(listed.isEmpty ? "" : "<h3>Users and their blockers (\(listed.count))</h3>\(filter("user-table"))<table id=\"user-table\" class=\"filterable\"><thead><tr><th>User</th><th>Blockers</th></tr></thead><tbody>\(rows)</tbody></table>\(more)")
            </section>
            """
    }

    static func checks(_ report: Report) -> String {
        let rows = report.checksBySeverity.map { check in
            "<tr data-status=\"\(check.status.rawValue)\"><td>\(HTMLReporter.badge(check.status))</td><td><a href=\"#check-\(e(check.id))\">\(e(check.id))</a></td>"
                + "<td><span class=\"sev \(check.severity.rawValue)\">\(check.severity.rawValue)</span></td><td>\(e(check.title))</td></tr>"
        }.joined()
        return """
            <section id="checks">
            <h2>Checks</h2>
            <p>By severity, then status.</p>
            \(filter("check-table"))
            <table id="check-table" class="filterable"><thead><tr><th>Status</th><th>ID</th><th>Severity</th><th>Title</th></tr></thead><tbody>\(rows)</tbody></table>
            </section>
            """
    }

    /// AD-003, AD-004 and AD-005 together: each user without a right once, with every right and the cause.
    static func rightsArticle(_ rights: [CheckResult], report: Report, limit: Int) -> String {
        let table = RightsTable(rights)
        let head = table.header.map { "<th>\(e($0))</th>" }.joined()
        let rows = table.users.prefix(limit).map { user in
            "<tr>" + table.row(user).map { "<td>\(e(CustomerText.clean($0)))</td>" }.joined() + "</tr>"
        }.joined()
        let more = table.users.count > limit
            ? "<p class=\"more\">" + FullList.more(shown: limit, of: table.users.count, in: report) { "<code>\(e($0))</code>" } + "</p>" : ""
        return """
            <article id="directory-rights" class="check">
            <h3>Directory rights — \(e(rights.map(\.id).joined(separator: ", ")))</h3>
            <h4>Users without a right (\(table.users.count))</h4>\(filter("rights-table"))
            <table id="rights-table" class="filterable findings"><thead><tr>\(head)</tr></thead><tbody>\(rows)</tbody></table>\(more)
            </article>
            """
    }

    static func attention(_ report: Report, limit: Int) -> String {
        let checks = report.checksBySeverity.filter { $0.status == .fail || $0.status == .warn || $0.status == .error }
        // The rights checks' users in one table (users × rights with the cause), not once per check.
        let rights = MarkdownRights.merged(checks)
        let rightsIDs = Set(rights.map(\.id))
        let articles = (rights.isEmpty ? [] : [rightsArticle(rights, report: report, limit: limit)]) + checks.map { check -> String in
            var parts = [
                "<article id=\"check-\(e(check.id))\" class=\"check\">",
                "<h3>\(HTMLReporter.badge(check.status)) \(e(check.id)) — \(e(check.title))</h3>",
                "<p class=\"meta\">Severity: <span class=\"sev \(check.severity.rawValue)\">\(check.severity.rawValue)</span></p>",
                "<p>\(e(CustomerText.clean(check.message)))</p>",
            ]
            for table in ReportTable.tables(in: check.evidence).map(CustomerText.table) where !table.columns.isEmpty {
                let head = table.columns.map { "<th>\(e($0))</th>" }.joined()
                let body = table.rows.prefix(MarkdownReporter.tableRowLimit).map { row in
                    "<tr>" + row.prefix(table.columns.count).map { "<td>\(e($0))</td>" }.joined() + "</tr>"
                }.joined()
                parts.append("<table class=\"evidence\"><caption>\(e(table.title))</caption><thead><tr>\(head)</tr></thead><tbody>\(body)</tbody></table>")
            }
            if rightsIDs.contains(check.id), !check.findings.isEmpty {
                parts.append("<p>Its \(Plural.count(check.findings.count, "finding")) are in the <a href=\"#directory-rights\">directory rights table</a>.</p>")
            } else if !check.findings.isEmpty {
                let id = "findings-\(check.id)"
                // A check judged in several domains: a Domain column, each domain's findings together.
                let grouped = PerDomain.grouped(check.findings, by: PerDomain.domain(of:))
                let byDomain = grouped.domains.count > 1
                let ordered = byDomain ? grouped.items : check.findings
                let rows = ordered.prefix(limit).map { finding in
                    let domain = byDomain ? "<td>\(e(PerDomain.domain(of: finding) ?? ""))</td>" : ""
                    return "<tr data-status=\"\(finding.status.rawValue)\"><td>\(HTMLReporter.badge(finding.status))</td>\(domain)<td>\(e(CustomerText.clean(finding.target)))</td><td>\(e(CustomerText.clean(finding.message)))</td></tr>"
                }.joined()
                let domainHead = byDomain ? "<th>Domain</th>" : ""
                parts.append("<h4>Findings (\(check.findings.count))</h4>\(filter(id))")
                parts.append("<table id=\"\(e(id))\" class=\"filterable findings\"><thead><tr><th>Status</th>\(domainHead)<th>Target</th><th>Message</th></tr></thead><tbody>\(rows)</tbody></table>")
                if check.findings.count > limit {
                    parts.append("<p class=\"more\">" + FullList.more(shown: limit, of: check.findings.count, in: report) { "<code>\(e($0))</code>" } + "</p>")
                }
            }
            if !check.remediation.isEmpty { parts.append("<h4>Remediation</h4><div class=\"remediation\">\(HTMLReporter.markdown(CustomerText.remediation(check.remediation)))</div>") }
            if !check.references.isEmpty {
                parts.append("<h4>References</h4><ul class=\"refs\">" + check.references.map { "<li>\(e($0))</li>" }.joined() + "</ul>")
            }
            parts.append("</article>")
            return parts.joined(separator: "\n")
        }
        return "<section id=\"attention\">\n<h2>What needs attention</h2>\n" + (articles.isEmpty ? "<p>Nothing.</p>" : articles.joined(separator: "\n"))
            + "\n</section>"
    }

    static func appendix(_ report: Report) -> String {
        let rows = report.checks.sorted { $0.id < $1.id }.map { check in
            "<tr><td>\(e(check.id))</td><td><code>\(e(check.probe))</code></td><td>\(check.durationMs) ms</td></tr>"
        }.joined()
        let internals = CustomerText.appendixRows(report, shown: HTMLReporter.findingLimit).map { row in
            "<tr><td>\(e(row.check))</td><td>\(e(row.paths.joined(separator: ", ")))</td><td>\(e(row.keys.joined(separator: ", ")))</td></tr>"
        }.joined()
        return """
            <section id="appendix">
            <h2>Technical appendix</h2>
            <p>Run \(e(report.run.id)) · \(report.run.durationMs) ms · host \(e(report.run.host)) · catalog \(e(String(report.run.catalogDigest.prefix(19)))) · JSON report (schema v\(report.schemaVersion)) has every finding.</p>
            <table id="timings"><thead><tr><th>ID</th><th>Probe</th><th>Time</th></tr></thead><tbody>\(rows)</tbody></table>
            \(internals.isEmpty ? "" : "<p>Files and settings the text above names by file name or as “the configuration”:</p><table id=\"internals\"><thead><tr><th>Check</th><th>Files</th><th>Settings</th></tr></thead><tbody>\(internals)</tbody></table>")
            </section>
            """
    }

    /// The text box that filters a table's rows (the inline script; printing hides it).
    static func filter(_ table: String) -> String {
        "<input type=\"search\" class=\"filter\" data-table=\"\(e(table))\" placeholder=\"Filter\" aria-label=\"Filter the table\">"
    }
}
