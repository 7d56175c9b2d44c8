import Foundation
import PreflightCore

/// A report shaped like the demo's (`make demo`): the identifiers in every place the probes put them (finding targets,
/// `details.upn`, DNs with escapes, ACEs with domain SIDs, token groups, GPO GUIDs, object GUIDs, display names in
/// sentences, a waiver approver, host names), each listed in `identifiers` so that a test can search every output for
/// every original.
package enum DemoLikeReport {
    /// Every identifier the report holds that redaction must hide (domains aside), as written in it.
    package static let identifiers = [
        "carol@corp.example.test", "frank@corp.example.test", "dave.obrien@corp.example.test", "t0admin@corp.example.test",
        "adele.vance0@contoso.com", "alex.berg1@contoso.com", "megan.bowen7@contoso.com", "preflight-reader@corp.example.test",
        "CN=carol,OU=Denied,OU=Staff,DC=corp,DC=example,DC=test", "CN=frank,OU=Staff,DC=corp,DC=example,DC=test",
        "CN=Dave O'Brien,OU=Legacy,OU=Staff,DC=corp,DC=example,DC=test", "CN=t0admin,OU=Admins,DC=corp,DC=example,DC=test",
        "OU=Sales\\, EMEA,DC=corp,DC=example,DC=test", "CN=pso-min-age", "CN=MSOL_root",
        "S-1-5-21-1111111111-2222222222-3333333333-1103", "S-1-5-21-1111111111-2222222222-3333333333",
        "MSOL_root", "Dave O'Brien", "Carol Baker", "Adele Vance", "Grace Hopper", "pso-min-age", "Sales, EMEA", "Contoso DC Hardening",
        "8d1f0a2e-4b6c-4e1f-9a3b-5c7d9e1f2a3b", "0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0",
        "Denied", "Legacy", "Staff", "Admins",
    ]
    /// The customer's DNS names and host names: kept by default, hidden by `--redact-domains`.
    package static let domainIdentifiers = ["corp.example.test", "contoso.com", "contoso", "CONTOSO-SYNC01", "sync01", "CORP\\", "DC=corp", "Contoso Ltd"]
    /// Names every domain has and Microsoft's hosts: never redacted.
    package static let kept = [
        "Domain Users", "BUILTIN\\Users", "NT AUTHORITY\\Authenticated Users", "CN=Users", "CN=Password Settings Container",
        "passwordreset.microsoftonline.com", "{31B2F340-016D-11D2-945F-00C04FB984F9}", "S-1-5-32-554", "00299570-246d-11d0-a768-00aa006e0529",
    ]

    static let domain = "DC=corp,DC=example,DC=test"
    static let domainSID = "S-1-5-21-1111111111-2222222222-3333333333"

    package static var value: Report {
        let token: JSONValue = [
            "sids": [
                ["name": "CORP\\MSOL_root", "origin": "account", "sid": .string(domainSID + "-1103")],
                ["name": "CORP\\Domain Users", "origin": "tokenGroups", "sid": .string(domainSID + "-513")],
                ["name": "BUILTIN\\Users", "origin": "tokenGroups", "sid": "S-1-5-32-545"],
                ["name": "NT AUTHORITY\\Authenticated Users", "origin": "logon", "sid": "S-1-5-11"],
            ]
        ]
        let account: [String: JSONValue] = [
            "account": "CORP\\MSOL_root", "accountDN": .string("CN=MSOL_root,CN=Users," + domain), "accountSID": .string(domainSID + "-1103"),
            "token": token, "server": "ldaps://dc1.corp.example.test:636", "dnsHostName": "DC1.corp.example.test",
        ]
        let ace = "(OD;CIID;CR;00299570-246d-11d0-a768-00aa006e0529;bf967aba-0de6-11d0-a285-00aa003049e2;\(domainSID)-1103)"
        let rights = [
            Finding(
                status: .fail, target: "CN=carol,OU=Denied,OU=Staff," + domain,
                message: "Reset Password is denied to CORP\\MSOL_root by an ACE inherited from 'OU=Denied,OU=Staff,\(domain)': deny for CORP\\MSOL_root \(ace).",
                details: [
                    "cause": "denied-inherited", "upn": "carol@corp.example.test", "inheritedFrom": .string("OU=Denied,OU=Staff," + domain),
                    "ace": .string(ace), "trustee": "CORP\\MSOL_root", "right": "Reset Password", "domain": "corp.example.test",
                    "group": .string("OU=Denied,OU=Staff," + domain),
                ]),
            Finding(
                status: .fail, target: "CN=frank,OU=Staff," + domain,
                message: "The grant at '\(domain)' applies only to user objects, and this is an inetOrgPerson object: CORP\\MSOL_root lacks Reset Password.",
                details: ["cause": "grant-for-other-class", "upn": "frank@corp.example.test", "grantedAt": .string(domain), "right": "Reset Password"]),
            Finding(
                status: .fail, target: "CN=Dave O'Brien,OU=Legacy,OU=Staff," + domain,
                message: "Inheritance is disabled on 'OU=Legacy,OU=Staff,\(domain)', above Dave O'Brien.",
                details: [
                    "cause": "inheritance-disabled-above", "upn": "dave.obrien@corp.example.test", "displayName": "Dave O'Brien",
                    "inheritanceDisabledOn": .string("OU=Legacy,OU=Staff," + domain), "right": "Reset Password",
                ]),
            Finding(
                status: .fail, target: "CN=t0admin,OU=Admins," + domain, message: "The account is protected (adminCount=1).",
                details: ["cause": "protected-account", "upn": "t0admin@corp.example.test", "grantedAt": .string(domain), "right": "Reset Password"]),
        ]
        let unlicensed = ["adele.vance0@contoso.com", "alex.berg1@contoso.com", "megan.bowen7@contoso.com"].map { upn in
            Finding(
                status: .fail, target: upn, message: "Synchronized user without a SKU that includes Entra ID P1 or P2.",
                details: upn.hasPrefix("adele")
                    ? ["displayName": "Adele Vance", "objectId": "0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0"] : nil)
        }
        let gpoPath = "\\\\DC1\\SYSVOL\\corp.example.test\\Policies\\{8D1F0A2E-4B6C-4E1F-9A3B-5C7D9E1F2A3B}\\MACHINE\\Microsoft\\Windows NT\\SecEdit\\GptTmpl.inf"
        func check(
            _ id: String, _ title: String, _ area: String, _ severity: Severity, _ status: CheckStatus, _ message: String,
            findings: [Finding] = [], evidence: [String: JSONValue] = [:], remediation: String = ""
        ) -> CheckResult {
            CheckResult(
                id: id, title: title, area: area, probe: "demo.\(area)", severity: severity, status: status, reason: nil, message: message,
                durationMs: 5, tags: [], findings: findings, evidence: evidence, remediation: remediation, references: [])
        }
        let checks = [
            check(
                "AD-001", "LDAP connection and secure bind succeed", "directory", .critical, .pass,
                "Bound to ldaps://dc1.corp.example.test:636 as 'preflight-reader@corp.example.test' over ldaps (TLS1.3, certificate 'CN=dc1.corp.example.test').",
                evidence: ["bindDN": "preflight-reader@corp.example.test", "certificateSubject": "CN=dc1.corp.example.test"]),
            check(
                "AD-002", "Connector account found", "directory", .critical, .pass,
                "The connector account CORP\\MSOL_root (CN=MSOL_root,CN=Users,\(domain)) is enabled, not locked and not expired.",
                evidence: account.merging(["groups": ["CORP\\Domain Users", "BUILTIN\\Users", "BUILTIN\\Pre-Windows 2000 Compatible Access"]]) { $1 }),
            check(
                "AD-003", "Reset Password effective on every in-scope user", "directory", .critical, .fail,
                "4 of 23 in-scope users: CORP\\MSOL_root lacks Reset Password. Scope: \(domain), excluding CN=Users,\(domain).",
                findings: rights, evidence: account.merging(["usersInScope": 23, "right": "Reset Password"]) { $1 },
                remediation: "```\ndsacls \"\(domain)\" /I:S /G \"CORP\\MSOL_root:CA;Reset Password;inetOrgPerson\"\n```"),
            check(
                "AD-010", "Minimum password age is 0", "directory", .medium, .warn, "A minimum password age above 0 applies to in-scope users.",
                findings: [
                    Finding(
                        status: .warn, target: "CN=pso-min-age,CN=Password Settings Container,CN=System," + domain,
                        message: "The fine-grained password policy 'pso-min-age' is the resultant policy of 1 in-scope user.",
                        details: ["users": [.string("CN=carol,OU=Denied,OU=Staff," + domain)]])
                ],
                remediation: "```powershell\nSet-ADFineGrainedPasswordPolicy -Identity 'pso-min-age' -MinPasswordAge 0\n```"),
            check(
                "AD-013", "OU names contain no characters that break writeback", "directory", .high, .fail,
                "1 in-scope OU name contains characters that break writeback.",
                findings: [
                    Finding(
                        status: .fail, target: "OU=Sales\\, EMEA," + domain,
                        message: "The OU name 'Sales, EMEA' contains the reserved character ','; writeback fails for users below it (event 33001).")
                ]),
            check(
                "AD-016", "RestrictRemoteSAM lets the connector account in", "directory", .high, .pass,
                "None of the 2 GPOs that apply to the DCs sets RestrictRemoteSAM (read from SYSVOL on \\\\DC1).",
                evidence: [
                    "accountSID": .string(domainSID + "-1103"),
                    "gpos": [
                        ["guid": "{31B2F340-016D-11D2-945F-00C04FB984F9}", "name": "Default Domain Policy", "link": .string("linked to '\(domain)'")],
                        [
                            "guid": "{8D1F0A2E-4B6C-4E1F-9A3B-5C7D9E1F2A3B}", "name": "Contoso DC Hardening", "path": .string(gpoPath),
                            "link": .string("linked to 'OU=Domain Controllers,\(domain)' (link order 1)"),
                        ],
                    ],
                ]),
            check(
                "INV-003", "Every in-scope synchronized user has an enabled Entra ID P1 or P2 plan", "inventory", .high, .fail,
                "3 of 87 in-scope synchronized users have no enabled Entra ID P1 or P2 service plan.", findings: unlicensed,
                remediation: "```powershell\nSet-MgUserLicense -UserId adele.vance0@contoso.com -AddLicenses @(@{SkuId = '05e9a617-0261-4cee-bb44-138d3ef5d965'})\n```"),
            check(
                "CON-004", "The AD DS connector account of each forest is identified", "connect", .high, .warn,
                "AD DS connector accounts: corp.example.test: corp.example.test\\MSOL_root. Server CONTOSO-SYNC01.",
                evidence: [
                    "accounts": [["connector": "contoso.com", "forest": "corp.example.test", "loginDomain": "corp.example.test", "loginUser": "MSOL_root"]],
                    "server": "CONTOSO-SYNC01", "lastDC": "CONTOSO-DC01.contoso.com",
                ]),
            check(
                "MON-003", "No Active Directory errors of writeback", "monitoring", .critical, .fail,
                "1 user failed in production and lacks Reset Password in AD-003 too.",
                findings: [
                    Finding(
                        status: .fail, target: "carol@corp.example.test",
                        message: "PasswordResetService 33004 ADPermissionsError for Carol Baker. AD-003 also flags CN=carol,OU=Denied,OU=Staff,\(domain) (denied-inherited).",
                        details: ["dn": .string("CN=carol,OU=Denied,OU=Staff," + domain), "displayName": "Carol Baker", "pairedWith": ["carol@corp.example.test"]])
                ],
                evidence: [
                    "tables": [
                        [
                            "title": "Active Directory errors in the window", "columns": ["Event", "Users"],
                            "rows": [["PasswordResetService 33004", "carol@corp.example.test"]],
                        ]
                    ]
                ]),
            check(
                "NET-001", "Password reset service reachable over HTTPS", "network", .critical, .warn,
                "The certificate of passwordreset.microsoftonline.com was issued by 'CN=Contoso Firewall CA', which looks like TLS inspection.",
                findings: [Finding(status: .warn, target: "https://passwordreset.microsoftonline.com/", message: "TLS inspection.")]),
        ]
        var report = Report(
            run: Report.RunInfo(
                id: "0f5a4d52-8c1e-4b3a-9d55-1a2b3c4d5e6f", startedAt: "2026-11-26T10:15:00Z", finishedAt: "2026-11-26T10:15:02Z",
                durationMs: 2100, host: "sync01", phase: .preflight, topology: .connectSync, cloud: .public,
                catalogDigest: "sha256:" + String(repeating: "ab", count: 32)),
            cover: Report.Cover(customer: "Contoso Ltd", tenant: "contoso.onmicrosoft.com", assessor: "J. Doe"),
            notices: ["The network checks ran from sync01, not from the sync server CONTOSO-SYNC01."], checks: checks)
        report.apply(
            [
                Waiver(
                    check: "AD-003", target: "CN=t0admin,OU=Admins," + domain, justification: "t0admin is a tier-0 account, kept out of SSPR.",
                    expires: "2099-12-31", approvedBy: "Grace Hopper", source: "waivers.yml:3")
            ], at: Date(timeIntervalSince1970: 1_795_688_102))
        return report
    }
}
