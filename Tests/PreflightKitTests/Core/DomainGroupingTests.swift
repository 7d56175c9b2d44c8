import Foundation
import PreflightTestSupport
import Testing

import PreflightKit

/// Reports of a run over several domains (issue #16 §3, "the reports group by domain"): the directory rights table and
/// the HTML findings tables gain a Domain column with each domain's rows together, and the users CSV names each user's
/// domain. A report of one domain keeps its columns.
@Suite("Reports group by domain")
struct DomainGroupingTests {
    static let corp = "DC=corp,DC=example,DC=test", fabrikam = "DC=fabrikam,DC=example,DC=test"

    static func finding(_ user: String, _ base: String, domain: String?, cause: String = "denied-inherited") -> Finding {
        var details: [String: JSONValue] = ["cause": .string(cause), "inheritedFrom": .string("OU=Denied,\(base)")]
        if let domain { details["domain"] = .string(domain) }
        return Finding(status: .fail, target: "CN=\(user),OU=Denied,\(base)", message: "Denied by an inherited ACE.", details: .object(details))
    }

    static func check(_ id: String, right: String, _ findings: [Finding]) -> CheckResult {
        CheckResult(
            id: id, title: "\(right) effective on every in-scope user", area: "directory", probe: "directory.rights", severity: .critical,
            status: .fail, reason: nil, message: "\(findings.count) users lack \(right).", durationMs: 5, tags: [], findings: findings,
            evidence: ["right": .string(right)], remediation: "Remove the deny ACE.", references: [])
    }

    /// AD-003 and AD-004 fail in both domains; the findings arrive interleaved, as the merge of two domains may list them.
    static func report(twoDomains: Bool = true) -> Report {
        let fabrikamDomain = twoDomains ? "fabrikam.example.test" : nil
        let corpDomain = twoDomains ? "corp.example.test" : nil
        let reset = [
            finding("carol", corp, domain: corpDomain), finding("cy", fabrikam, domain: fabrikamDomain),
            finding("dave", corp, domain: corpDomain),
        ]
        let unlock = [finding("cy", fabrikam, domain: fabrikamDomain), finding("carol", corp, domain: corpDomain)]
        let sample = SampleReport.value
        let checks = sample.checks.filter { $0.id != "AD-003" } + [check("AD-003", right: "Reset Password", reset), check("AD-004", right: "Write lockoutTime", unlock)]
        return Report(run: sample.run, cover: sample.cover, notices: sample.notices, checks: checks)
    }

    @Test func theRightsTableHasADomainColumnAndEachDomainsUsersTogether() throws {
        let text = MarkdownReporter.render(Self.report())
        #expect(text.contains("| User | Domain | Reset Password | Write lockoutTime | Cause |"), "\(text)")
        let carol = try #require(text.range(of: "| CN=carol,OU=Denied,\(Self.corp) | corp.example.test | missing | missing |"))
        let dave = try #require(text.range(of: "| CN=dave,OU=Denied,\(Self.corp) | corp.example.test | missing | ok |"))
        let cy = try #require(text.range(of: "| CN=cy,OU=Denied,\(Self.fabrikam) | fabrikam.example.test | missing | missing |"))
        #expect(carol.lowerBound < dave.lowerBound && dave.lowerBound < cy.lowerBound, "corp's users together, then fabrikam's")
        let single = MarkdownReporter.render(Self.report(twoDomains: false))
        #expect(single.contains("| User | Reset Password | Write lockoutTime | Cause |") && !single.contains("| Domain |"))
    }

    /// AD-003 and AD-004 in one HTML table, as in Markdown: each user once, with every right and the cause.
    @Test func theHTMLRightsTableHasEachUserOnceWithADomainColumn() throws {
        let html = HTMLReporter.render(Self.report())
        let table = try #require(html.range(of: "<table id=\"rights-table\""))
        let rights = String(html[table.lowerBound...].prefix { $0 != "\n" })
        #expect(rights.contains("<th>User</th><th>Domain</th><th>Reset Password</th><th>Write lockoutTime</th><th>Cause</th>"), "\(rights)")
        #expect(rights.components(separatedBy: "CN=carol,").count == 2, "carol once: \(rights)")
        let dave = try #require(rights.range(of: "<td>CN=dave,OU=Denied,\(Self.corp)</td><td>corp.example.test</td><td>missing</td><td>ok</td>"))
        let cy = try #require(rights.range(of: "<td>CN=cy,OU=Denied,\(Self.fabrikam)</td><td>fabrikam.example.test</td><td>missing</td><td>missing</td>"))
        #expect(dave.lowerBound < cy.lowerBound)
        #expect(!html.contains("<table id=\"findings-AD-003\"") && html.contains("are in the <a href=\"#directory-rights\">"))
    }

    @Test func theHTMLFindingsTablesHaveADomainColumn() throws {
        // AD-003 alone keeps its own findings table.
        let sample = Self.report()
        let html = HTMLReporter.render(Report(run: sample.run, cover: sample.cover, notices: [], checks: sample.checks.filter { $0.id != "AD-004" }))
        let table = try #require(html.range(of: "<table id=\"findings-AD-003\""))
        let head = html[table.lowerBound...].prefix(200)
        #expect(head.contains("<th>Status</th><th>Domain</th><th>Target</th>"), "\(head)")
        let dave = try #require(html.range(of: "<td>corp.example.test</td><td>CN=dave,OU=Denied,\(Self.corp)</td>"))
        let cy = try #require(html.range(of: "<td>fabrikam.example.test</td><td>CN=cy,OU=Denied,\(Self.fabrikam)</td>"))
        #expect(dave.lowerBound < cy.lowerBound, "dave (corp) is grouped with carol before cy (fabrikam)")
        #expect(!HTMLReporter.render(Self.report(twoDomains: false)).contains("<th>Domain</th>"))
    }

    @Test func theUsersCSVNamesEachUsersDomain() {
        let csv = UsersCSVReporter.render(Self.report())
        let lines = csv.split(separator: "\r\n").map(String.init)
        #expect(lines.first?.hasSuffix("checks,domain") == true, "\(lines.first ?? "")")
        #expect(lines.contains { $0.hasPrefix("CN=cy,OU=Denied,\(Self.fabrikam)") || $0.contains("\"CN=cy,OU=Denied,DC=fabrikam") }, "\(lines)")
        #expect(lines.contains { $0.contains("cy") && $0.hasSuffix(",fabrikam.example.test") }, "\(lines)")
        #expect(lines.contains { $0.contains("carol") && $0.hasSuffix(",corp.example.test") }, "\(lines)")
    }
}
