import PreflightCore

/// The report a consultant hands over as one file: the executive summary with charts, per-user readiness, the checks,
/// the findings (filterable) and a technical appendix. Self-contained: inline CSS, inline SVG, one inline script for
/// the filters, no request to any network, no external font; a Content-Security-Policy forbids anything else. Dark mode
/// follows `prefers-color-scheme`; a print stylesheet makes the browser's "Save as PDF" the PDF report.
/// Deterministic: the same report renders the same bytes.
package enum HTMLReporter: Reporter {
    package static let identifier = "html"
    package static let fileExtension: String? = "html"
    package static let description = "One self-contained HTML file for people: summary, charts, filterable findings; prints to PDF."
    /// Findings shown per check; the JSON report keeps them all.
    static let findingLimit = 200
    /// Users shown with their blockers; the JSON report and the users CSV list them all.
    static let userLimit = 500

    package static func render(_ report: Report) -> String {
        var body: [String] = []
        body.append(header(report))
        body.append(HTMLSections.summary(report))
        body.append(HTMLSections.users(report, limit: userLimit))
        body.append(HTMLSections.checks(report))
        body.append(HTMLSections.attention(report, limit: findingLimit))
        body.append(HTMLSections.appendix(report))
        let title = "Password writeback readiness: \(report.verdict.rawValue)" + (report.cover.customer.map { " — \($0)" } ?? "")
        return """
            <!DOCTYPE html>
            <html lang="en">
            <head>
            <meta charset="utf-8">
            <meta name="viewport" content="width=device-width, initial-scale=1">
            <meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:">
            <title>\(escape(title))</title>
            <style>\(HTMLStyle.css)</style>
            </head>
            <body>
            \(body.joined(separator: "\n"))
            <script>\(HTMLStyle.script)</script>
            </body>
            </html>

            """
    }

    static func header(_ report: Report) -> String {
        var rows: [(String, String)] = []
        if let customer = report.cover.customer { rows.append(("Customer", customer)) }
        if let tenant = report.cover.tenant { rows.append(("Tenant", tenant)) }
        if let assessor = report.cover.assessor { rows.append(("Assessor", assessor)) }
        rows.append(("Date", MarkdownReporter.humanDate(report.run.startedAt)))
        rows.append(("Scope", "\(report.run.phase.rawValue) phase · \(report.run.topology.rawValue) · \(report.run.cloud.rawValue) cloud"))
        if let selection = report.coverage?.selection { rows.append(("Selection", selection.flags)) }
        rows.append(("Tool", "\(report.tool.name) \(report.tool.version)"))
        let cover = rows.map { "<dt>\(escape($0.0))</dt><dd>\(escape($0.1))</dd>" }.joined()
        return """
            <header>
            <h1>Password writeback readiness: <span id="verdict" class="verdict \(verdictClass(report.verdict))">\(escape(report.verdict.rawValue))</span></h1>
            <dl class="cover">\(cover)</dl>
            </header>
            """
    }

    static func verdictClass(_ verdict: Verdict) -> String {
        switch verdict {
        case .ready: "pass"
        case .notReady: "fail"
        case .incomplete: "error"
        }
    }

    /// Text for HTML content and attribute values.
    static func escape(_ text: String) -> String {
        var out = ""
        out.reserveCapacity(text.utf8.count)
        for character in text {
            switch character {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            default: out.append(character)
            }
        }
        return out
    }

    static func badge(_ status: CheckStatus) -> String {
        "<span class=\"badge \(status.rawValue)\">\(escape(status.rawValue))</span>"
    }

    /// The little Markdown the remediation texts use: code fences, bullets, `code` and **bold**; everything else text.
    static func markdown(_ text: String) -> String {
        MarkdownReporter.paragraphs(text).map { paragraph in
            let lines = paragraph.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
            if lines.first?.hasPrefix("```") == true {
                let code = lines.dropFirst().filter { !$0.hasPrefix("```") }.joined(separator: "\n")
                return "<pre><code>\(escape(code))</code></pre>"
            }
            if lines.allSatisfy({ $0.hasPrefix("- ") }) {
                return "<ul>" + lines.map { "<li>\(inline(String($0.dropFirst(2))))</li>" }.joined() + "</ul>"
            }
            return "<p>\(inline(lines.joined(separator: " ")))</p>"
        }.joined(separator: "\n")
    }

    /// `code` and **bold** spans of one escaped line.
    static func inline(_ text: String) -> String {
        var out = ""
        var code = false
        for (index, part) in text.split(separator: "`", omittingEmptySubsequences: false).enumerated() {
            if index > 0 { code.toggle() }
            if code {
                out += "<code>\(escape(String(part)))</code>"
            } else {
                let bold = part.split(separator: "**", omittingEmptySubsequences: false)
                out += bold.enumerated().map { $0.offset % 2 == 1 ? "<strong>\(escape(String($0.element)))</strong>" : escape(String($0.element)) }
                    .joined()
            }
        }
        return out
    }
}
