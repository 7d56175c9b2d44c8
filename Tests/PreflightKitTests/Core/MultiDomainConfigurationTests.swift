import Foundation
import PreflightTestSupport
import Testing

@testable import PreflightCore
@testable import PreflightEngine

/// `ldap:` as a list of domains (issue #16 §3): each item has the keys of the one mapping, and a problem in an item is
/// reported at that item's place in the file.
@Suite("Configuration: several domains in ldap")
struct MultiDomainConfigurationTests {
    let folder = try! TemporaryFolder("config-domains")

    private func load(_ yaml: String) throws -> Configuration {
        try Configuration.load(from: folder.write("preflight.yml", yaml))
    }

    private func diagnostics(_ yaml: String, environment: [String: String]? = nil) -> [String] {
        do {
            let config = try load(yaml)
            return environment.map { config.inputProblems(environment: $0).map(\.description) } ?? []
        } catch {
            guard case .invalidConfiguration(let diagnostics) = error as? PreflightError else { return ["\(error)"] }
            return diagnostics.map(\.description)
        }
    }

    @Test func aListHoldsOneDomainPerItemWithItsOwnSettings() throws {
        try folder.write("ca.pem", "x")
        let config = try load(
            """
            ldap:
              - {url: "ldaps://dc1.corp.test", bindDN: reader@corp.test, passwordEnv: CORP_PW, caFile: ca.pem, scope: "OU=A,DC=corp,DC=test"}
              - url: ldaps://dc1.fabrikam.test
                bindDN: reader@fabrikam.test
                passwordEnv: FAB_PW
                account: MSOL_fab
            """)
        #expect(config.isMultiDomain)
        #expect(config.ldapDomains.map(\.url) == ["ldaps://dc1.corp.test", "ldaps://dc1.fabrikam.test"])
        #expect(config.ldap.url == "ldaps://dc1.corp.test", "the first domain is `ldap`")
        #expect(config.ldapDomains[0].caFile == folder.url("ca.pem"))
        #expect(config.ldapDomains[1].account == "MSOL_fab" && config.ldapDomains[1].scope.isEmpty)
        let fabrikam = config.domain(1)
        #expect(fabrikam.ldap.passwordEnv == "FAB_PW" && !fabrikam.isMultiDomain)
        // Saved facts keep the whole configuration: the list survives encoding.
        let decoded = try JSONDecoder().decode(Configuration.self, from: JSONEncoder().encode(config))
        #expect(decoded.ldapDomains == config.ldapDomains)
        #expect(config.redactedJSON["ldap"]?.arrayValue?.count == 2)
        #expect(config.redactedJSON["ldap"]?.arrayValue?[1]["passwordEnv"] == nil, "password sources are never shown")
    }

    @Test func oneMappingAndAListOfOneAreTheSameOneDomain() throws {
        let mapping = try load("ldap: {url: ldaps://dc1, bindDN: r@corp.test, passwordEnv: PW}\n")
        let list = try load("ldap:\n  - {url: ldaps://dc1, bindDN: r@corp.test, passwordEnv: PW}\n")
        #expect(!mapping.isMultiDomain && !list.isMultiDomain)
        #expect(mapping.ldapDomains == list.ldapDomains && mapping.ldap == list.ldap)
        // A single domain's saved configuration is encoded as it always was.
        let encoded = String(decoding: try JSONEncoder().encode(mapping), as: UTF8.self)
        #expect(!encoded.contains("ldapDomains"))
    }

    @Test func aProblemInAnItemNamesTheItemAndItsLineAndColumn() {
        let file = folder.url("preflight.yml")
        let found = diagnostics(
            """
            ldap:
              - {url: ldaps://dc1.corp.test, bindDN: r@corp.test, passwordEnv: PW}
              - bindDN: r@fabrikam.test
                passwordEnv: PW2
                password: hunter2
              - {url: "http://dc1.contoso.test", bindDN: r@contoso.test, passwordEnv: PW3, acount: x}
            """)
        #expect(found.contains { $0.hasPrefix("\(file):3:5: error: 'ldap[1].url' is required") }, "\(found)")
        #expect(found.contains { $0.hasPrefix("\(file):5:5: error: 'ldap[1].password' is not allowed") }, "\(found)")
        #expect(!found.joined().contains("hunter2"))
        #expect(found.contains { $0.hasPrefix("\(file):6:6: error: 'ldap[2].url' is 'http://dc1.contoso.test', but it must start with ldaps://") }, "\(found)")
        #expect(found.contains { $0.hasPrefix("\(file):6:80: error: Unknown key 'ldap[2].acount'. Did you mean 'account'?") }, "\(found)")
    }

    @Test func duplicateDomainsAndAnEmptyListAreRefused() {
        let file = folder.url("preflight.yml")
        let duplicate = diagnostics(
            """
            ldap:
              - {url: ldaps://dc1, bindDN: a@corp.test, passwordEnv: PW}
              - {url: LDAPS://DC1, bindDN: b@corp.test, passwordEnv: PW}
            """)
        #expect(duplicate.contains { $0.hasPrefix("\(file):3:6: error: 'ldap[1].url' is 'LDAPS://DC1', the same as 'ldap[0].url'") }, "\(duplicate)")
        let empty = diagnostics("ldap: []\n")
        #expect(empty.contains { $0.hasPrefix("\(file):1:7: error: 'ldap' is an empty list.") }, "\(empty)")
    }

    @Test func eachDomainsPasswordSourceIsCheckedBeforeTheRun() {
        let problems = diagnostics(
            """
            ldap:
              - {url: ldaps://dc1.corp.test, bindDN: r@corp.test, passwordEnv: CORP_PW}
              - {url: ldaps://dc1.fabrikam.test, bindDN: r@fabrikam.test, passwordEnv: FAB_PW}
            """, environment: ["CORP_PW": "set"])
        #expect(problems.count == 1, "\(problems)")
        #expect(problems.first?.contains(":3:") == true && problems.first?.contains("'ldap[1].passwordEnv' names the environment variable 'FAB_PW'") == true,
            "\(problems)")
    }
}
