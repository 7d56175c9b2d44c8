import Foundation
import PreflightTestSupport
import Testing

@testable import PreflightCore
@testable import PreflightEngine
@testable import PreflightReporting

/// Issue #18 point 3: the consultant's local paths and preflight's configuration keys stay out of the text the customer
/// reads (Markdown, HTML), in the technical appendix instead; the JSON keeps every message whole.
@Suite("Customer text")
struct CustomerTextTests {
    static let export = "/home/consultant/contoso/connect-export"
    /// EvidenceAge's message on the demo, the missing-input wording, a network note and a notice.
    static var report: Report {
        var report = SampleReport.value
        report.checks[2].message =
            "The Entra Connect export (\(export); date: export-date in GlobalSettings/MV.xml) is from 2016-05-03, 3,870 days old; "
            + "the limit is 30 days (maxEvidenceAgeDays). Export the configuration again and name the new folder in 'connect.export'."
        report.checks[2].findings[0] = Finding(status: .warn, target: export, message: "Read \(export).")
        report.checks[5].message = "No 'inventory.users' is configured, so nothing is judged. Download the users and name the file in 'inventory.users'."
        report.checks[3].message = "Probed at the address 'network.connectTo' gives it; targets replaced by 'network.endpoints.NET-001'."
        report.notices = ["Run preflight on the sync server, with that proxy in 'network.proxy', for a faithful answer."]
        // The catalog's remediation writes keys as code; a command in a code block is left as it is.
        report.checks[1].remediation = "Point `ldap.caFile` at the CA that issued the DC's certificate.\n\n```\ncertutil -dump /etc/ssl/ca.pem\n```"
        return Report(run: report.run, cover: report.cover, notices: report.notices, checks: report.checks)
    }

    @Test func pathsBecomeFileNamesAndKeysTheConfiguration() {
        #expect(
            CustomerText.clean("The Entra Connect export (\(Self.export); date: x) is old (maxEvidenceAgeDays). Name it in 'connect.export'.")
                == "The Entra Connect export (connect-export; date: x) is old. Name it in the configuration.")
        #expect(CustomerText.clean("Read \(Self.export).") == "Read connect-export.")
        #expect(
            CustomerText.clean("No 'inventory.users' is configured, so X. Save it and name the file in 'inventory.users'.")
                == "The input this check reads was not provided, so X. Save it and name the file in the configuration.")
        #expect(CustomerText.clean("below the 80% threshold ('ssprRegistrationThreshold'): 27") == "below the 80% threshold: 27")
        // What is not a local path or a key stays: URLs, UNC paths, host names, dsacls switches, a relative path, columns.
        for text in [
            "https://login.microsoftonline.com/x/y", "\\\\DC1\\SYSVOL\\corp.example.test\\Policies", "ldaps://ldap.corp.example.test:636",
            "dsacls \"OU=x\" /I:S /G \"CORP\\a:CA\"", "reg query HKLM\\System /v RestrictRemoteSAM", "GlobalSettings/MV.xml",
            "per 'directorySynced'", "connect.contoso.com", "inventory.users.csv",
        ] {
            #expect(CustomerText.clean(text) == text)
        }
        let found = CustomerText.internals(in: "A (\(Self.export); x) (maxEvidenceAgeDays), 'network.endpoints.NET-003' and connect.export.")
        #expect(found.paths == [Self.export] && found.keys == ["maxEvidenceAgeDays", "network.endpoints.NET-003", "connect.export"])
    }

    @Test func theBodiesNameNoPathOrKeyAndTheAppendixNamesThem() throws {
        let report = Self.report
        let markdown = MarkdownReporter.render(report)
        let html = HTMLReporter.render(report)
        for (format, text) in [("md", markdown), ("html", html)] {
            let body = try #require(text.components(separatedBy: format == "md" ? "## Technical appendix" : "<section id=\"appendix\">").first)
            for item in [Self.export, "connect.export", "maxEvidenceAgeDays", "inventory.users", "network.connectTo", "network.proxy", "ldap.caFile"] {
                #expect(!body.contains(item), "\(item) in the \(format) body")
            }
            #expect(body.contains("Point the configuration at the CA") && body.contains("certutil -dump /etc/ssl/ca.pem"), "\(format)")
            #expect(body.contains("connect-export; date: export-date in GlobalSettings/MV.xml"), "\(format)")
            let appendix = text.dropFirst(body.count)
            for item in [Self.export, "connect.export", "maxEvidenceAgeDays", "inventory.users", "network.connectTo", "network.endpoints.NET-001", "network.proxy"] {
                #expect(appendix.contains(item), "\(item) not in the \(format) appendix")
            }
        }
        #expect(markdown.contains("| AD-006 | \(Self.export) | maxEvidenceAgeDays, connect.export |"))
        #expect(markdown.contains("| Notes |  | network.proxy |"))
        #expect(markdown.contains("| AD-003 |  | ldap.caFile |"), "the remediation's key is in the appendix")
        #expect(html.contains("<table id=\"internals\">"))
        // The JSON keeps every message as the check wrote it.
        let json = JSONReporter.render(report)
        #expect(json.contains("(\(Self.export); date:") && json.contains("'connect.export'"))
    }

    @Test func aColumnOfKeysLeavesTheTable() {
        let table = ReportTable(
            title: "Exports read", columns: ["Key", "File", "Rows"],
            rows: [["inventory.users", "/home/c/users.csv", "120"], ["inventory.licenses", "licenses.csv", "147"]])
        let shown = CustomerText.table(table)
        #expect(shown.columns == ["File", "Rows"] && shown.rows == [["users.csv", "120"], ["licenses.csv", "147"]])
    }

    /// The keys the messages may name are the configuration's: a key added to a section is added here too.
    @Test func theKeyListIsTheConfigurations() {
        func names<Section: SettingsSection>(_ type: Section.Type) -> (String, Set<String>) { (Section.name, Set(Section.keys.map(\.name))) }
        let sections = Dictionary(uniqueKeysWithValues: [
            names(Configuration.LDAPConfiguration.self), names(Configuration.NetworkSettings.self), names(Configuration.InventorySettings.self),
            names(Configuration.ConnectSettings.self), names(Configuration.MonitoringSettings.self), names(Configuration.CloudSyncSettings.self),
        ])
        var expected = sections
        expected["report"] = ["customer", "tenant", "assessor"]
        #expect(CustomerText.qualifiedKeys.mapValues { Set($0) } == expected)
        let all = Set(sections.values.flatMap { $0 }).union(["maxEvidenceAgeDays", "timeoutSeconds"])
        #expect(Set(CustomerText.bareKeys).isSubset(of: all))
    }
}
