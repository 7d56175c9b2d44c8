import Foundation
import PreflightTestSupport
import Testing

@testable import PreflightConnect
@testable import PreflightCore
@testable import PreflightDirectory
@testable import PreflightEngine
@testable import PreflightInventory
@testable import PreflightKit
@testable import PreflightMonitoring
@testable import PreflightNetwork
@testable import PreflightReporting

/// Against the project's Samba AD lab (Tests/PreflightTestSupport/SambaLab.swift, scripts/lab/SCENARIOS.md):
/// the strict scenario DC on 127.0.0.2, the plaintext-allowing DC on 127.0.0.3 and the wrong-certificate-name DC on
/// 127.0.0.4. All libldap work runs on a dedicated thread via `runBlocking`; results are asserted on the test's task.
@Suite("LDAPConnection against a Samba AD DC")
struct LDAPConnectionLabTests {
    typealias Lab = LDAPTestLab
    static let base = SambaDC.baseDN

    @Test func ldapsBindReportsTLSInfo() async throws {
        let dc = try await SambaLab.shared()
        let settings = Lab.settings(dc.ldapsURL, caFile: dc.caFile)
        let (channel, url, tlsInfo, entry) = try await Lab.withConnection(settings) { c in
            (c.channel, c.url, c.tls,
             try c.readEntry(dn: Self.base, attributes: ["distinguishedName"], sdFlags: nil))
        }
        #expect(channel == .ldaps)
        #expect(url == "ldaps://127.0.0.2:636")
        let tls = try #require(tlsInfo)
        #expect(tls.version.hasPrefix("TLS1."))
        #expect(!tls.cipher.isEmpty)
        let cert = try #require(tls.peerCertificate)
        #expect(cert.subject == "CN=dc1.corp.example.test")
        #expect(cert.issuer == "CN=Preflight Lab Test CA")
        #expect(cert.subjectAltNames.contains("IP:127.0.0.2"))
        #expect(cert.subjectAltNames.contains("DNS:dc1.corp.example.test"))
        let notAfter = try #require(cert.notAfter)
        #expect(notAfter > Date().addingTimeInterval(300 * 86400))
        #expect(entry?.string("distinguishedName") == Self.base)
    }

    @Test func startTLSBind() async throws {
        let dc = try await SambaLab.shared()
        let settings = Lab.settings(dc.ldapURL, startTLS: true, caFile: dc.caFile)
        let (channel, subject, entry) = try await Lab.withConnection(settings) { c in
            (c.channel, c.tls?.peerCertificate?.subject,
             try c.readEntry(dn: Self.base, attributes: ["distinguishedName"], sdFlags: nil))
        }
        #expect(channel == .startTLS)
        #expect(subject == "CN=dc1.corp.example.test")
        #expect(entry?.string("distinguishedName") == Self.base)
    }

    @Test func plaintextBindRefusedBeforeAnyTraffic() async throws {
        try await Lab.withSilentListener { listener in
            let settings = Lab.settings("ldap://127.0.0.1:\(listener.port)", caFile: nil)
            let err = await Lab.expectError { _ = try LDAPConnection.open(settings) }
            #expect(err == .insecureBindRefused(url: "ldap://127.0.0.1:\(listener.port)"))
            #expect(err?.description.contains("ldaps://") == true)
            #expect(err?.description.contains("startTLS: true") == true)
            try await Task.sleep(for: .milliseconds(300))  // the listener polls every 50 ms
            #expect(listener.acceptedCount == 0)  // not even a TCP connection
        }
    }

    @Test func allowInsecureAgainstStrictDCSaysTransportEncryptionRequired() async throws {
        let dc = try await SambaLab.shared()
        let settings = Lab.settings(dc.ldapURL, caFile: dc.caFile, allowInsecure: true)
        let err = await Lab.expectError { _ = try LDAPConnection.open(settings) }
        guard case .transportEncryptionRequired(let url, let diag)? = err else {
            Issue.record("got \(String(describing: err))")
            return
        }
        #expect(url == "ldap://127.0.0.2:389")
        #expect(diag.contains("Transport encryption required"))
        #expect(!(err?.description.contains(SambaDC.readerPassword) ?? true))
    }

    @Test func allowInsecureAgainstRelaxedDCBindsInPlaintext() async throws {
        let dc = try await SambaLab.allowingPlaintext()
        let settings = Lab.settings(dc.ldapURL, caFile: dc.caFile, allowInsecure: true)
        let (channel, tls, entry) = try await Lab.withConnection(settings) { c in
            (c.channel, c.tls, try c.readEntry(dn: Self.base, attributes: ["dn"], sdFlags: nil))
        }
        #expect(channel == .plaintext)
        #expect(tls == nil)
        #expect(entry != nil)
    }

    @Test func wrongPasswordNames52e() async throws {
        let dc = try await SambaLab.shared()
        let wrong = "Wr0ng!Secret-\(UUID().uuidString)"
        let settings = Lab.settings(dc.ldapsURL, caFile: dc.caFile, password: wrong)
        let err = await Lab.expectError { _ = try LDAPConnection.open(settings) }
        guard case .bindRejected(_, let dn, let reason, _)? = err else {
            Issue.record("got \(String(describing: err))")
            return
        }
        #expect(dn == SambaDC.readerUPN)
        #expect(reason == .wrongPassword)
        let text = try #require(err).description
        #expect(text.contains("52e"))
        #expect(text.contains("ldaps://127.0.0.2:636"))
        #expect(!text.contains(wrong))
    }

    /// The scenario domain has a disabled account (MSOL_disabled, data 533) but no must-change or expired one,
    /// and the shared DC is read-only for tests, so the source's 773 and 701 cases are not ported.
    @Test(arguments: [
        ("MSOL_disabled", ADBindFailure.accountDisabled, "533"),
        ("nosuchuser", .wrongPassword, "52e"),  // Samba says 52e where AD may say 525
    ])
    func accountStatesMapToADDataCodes(user: String, expected: ADBindFailure, code: String) async throws {
        let dc = try await SambaLab.shared()
        let settings = Lab.settings(
            dc.ldapsURL, caFile: dc.caFile, bindDN: "\(user)@corp.example.test", password: Lab.connectorPassword)
        let err = await Lab.expectError { _ = try LDAPConnection.open(settings) }
        guard case .bindRejected(_, let dn, let reason, _)? = err else {
            Issue.record("got \(String(describing: err))")
            return
        }
        #expect(dn == "\(user)@corp.example.test")
        #expect(reason == expected)
        #expect(err?.description.contains(code) == true)
    }

    @Test func unknownCAIsReportedAsUntrustedNamingTheCAFile() async throws {
        let dc = try await SambaLab.shared()
        let settings = Lab.settings(dc.ldapsURL, caFile: dc.otherCAFile)
        let err = await Lab.expectError { _ = try LDAPConnection.open(settings) }
        guard case .tlsUntrusted(let url, let source, let cert)? = err else {
            Issue.record("got \(String(describing: err))")
            return
        }
        #expect(url == "ldaps://127.0.0.2:636")
        #expect(source.contains(dc.otherCAFile))
        #expect(cert?.issuer == "CN=Preflight Lab Test CA")
        #expect(err?.description.contains(dc.otherCAFile) == true)
        #expect(err?.description.contains("CN=dc1.corp.example.test") == true)
    }

    @Test func unknownCAOverStartTLS() async throws {
        let dc = try await SambaLab.shared()
        let settings = Lab.settings(dc.ldapURL, startTLS: true, caFile: dc.otherCAFile)
        let err = await Lab.expectError { _ = try LDAPConnection.open(settings) }
        guard case .tlsUntrusted(_, let source, _)? = err else {
            Issue.record("got \(String(describing: err))")
            return
        }
        #expect(source.contains(dc.otherCAFile))
    }

    @Test func systemTrustStoreIsNamed() async throws {
        let dc = try await SambaLab.shared()
        let settings = Lab.settings(dc.ldapsURL, caFile: nil)
        let err = await Lab.expectError { _ = try LDAPConnection.open(settings) }
        guard case .tlsUntrusted(_, let source, _)? = err else {
            Issue.record("got \(String(describing: err))")
            return
        }
        #expect(source.contains("system trust store"))
    }

    @Test func hostnameMismatchIsDistinguished() async throws {
        let dc = try await SambaLab.withWrongCertificateName()
        let settings = Lab.settings(dc.ldapsURL, caFile: dc.caFile)
        let err = await Lab.expectError { _ = try LDAPConnection.open(settings) }
        guard case .tlsHostnameMismatch(let url, let host, let source, let cert)? = err else {
            Issue.record("got \(String(describing: err))")
            return
        }
        #expect(url == "ldaps://127.0.0.4:636")
        #expect(host == "127.0.0.4")
        #expect(source.contains(dc.caFile))
        #expect(cert?.subjectAltNames == ["DNS:wrong.example.test"])
        #expect(cert?.issuer == "CN=Preflight Lab Test CA")
    }

    @Test func hostnameMismatchOverStartTLS() async throws {
        let dc = try await SambaLab.withWrongCertificateName()
        let settings = Lab.settings(dc.ldapURL, startTLS: true, caFile: dc.caFile)
        let err = await Lab.expectError { _ = try LDAPConnection.open(settings) }
        guard case .tlsHostnameMismatch(let url, let host, _, _)? = err else {
            Issue.record("got \(String(describing: err))")
            return
        }
        #expect(url == "ldap://127.0.0.4:389")
        #expect(host == "127.0.0.4")
    }

    @Test func missingCAFile() async throws {
        let settings = Lab.settings("ldaps://127.0.0.2", caFile: "/nonexistent/ca.pem")
        let err = await Lab.expectError { _ = try LDAPConnection.open(settings) }
        #expect(err == .caFileUnusable(url: "ldaps://127.0.0.2:636", path: "/nonexistent/ca.pem",
                                       reason: "the file does not exist or cannot be read."))
    }

    @Test func rootDSEAnonymously() async throws {
        let dc = try await SambaLab.shared()
        let settings = Lab.settings(dc.ldapsURL, caFile: dc.caFile, bindDN: "", password: "")
        let root = try await Lab.withConnection(settings) { c in
            try c.readRootDSE(attributes: ["defaultNamingContext", "dnsHostName", "supportedControl"])
        }
        #expect(root.dn == "")
        #expect(root.string("defaultNamingContext") == Self.base)
        #expect(root.string("dnsHostName")?.lowercased() == "dc1.corp.example.test")
        #expect(root.strings("supportedControl").contains("1.2.840.113556.1.4.319"))
        #expect(root.strings("supportedControl").contains("1.2.840.113556.1.4.801"))
    }

    @Test func searchWithoutBindIsAnOperationsError() async throws {
        let dc = try await SambaLab.shared()
        let settings = Lab.settings(dc.ldapsURL, caFile: dc.caFile, bindDN: "", password: "")
        let err = await Lab.expectError {
            let c = try LDAPConnection.open(settings)
            defer { c.close() }
            _ = try c.readEntry(dn: Self.base, attributes: ["dn"], sdFlags: nil)
        }
        guard case .operationsError(_, _, let diag)? = err else {
            Issue.record("got \(String(describing: err))")
            return
        }
        #expect(diag.contains("00002020"))
        #expect(err?.description.contains("not authenticated") == true)
    }

    @Test func tokenGroupsBaseRead() async throws {
        let dc = try await SambaLab.shared()
        let settings = Lab.settings(dc.ldapsURL, caFile: dc.caFile)
        let (entry, nobody) = try await Lab.withConnection(settings) { c in
            (try c.readEntry(dn: "CN=MSOL_nested,CN=Users,\(Self.base)", attributes: ["tokenGroups", "objectSid"],
                             sdFlags: nil),
             try c.readEntry(dn: "CN=nobody,\(Self.base)", attributes: ["dn"], sdFlags: nil))
        }
        let e = try #require(entry)
        let groups = e.binary("tokenGroups")
        // SyncWriteback -1111, SyncOuter -1112 (nested), Domain Users -513, BUILTIN\Users (SCENARIOS.md)
        #expect(groups.count == 4)
        let builtinUsers: [UInt8] = [1, 2, 0, 0, 0, 0, 0, 5, 32, 0, 0, 0, 0x21, 0x02, 0, 0]
        #expect(groups.contains(builtinUsers))
        #expect(Set(groups) == [Lab.domainSID(rid: 1111), Lab.domainSID(rid: 1112), Lab.domainSID(rid: 513), builtinUsers])
        #expect(e.binary("objectSid") == [Lab.domainSID(rid: 1105)])
        #expect(e.binary("objectSid").first?.count == 28)
        #expect(nobody == nil)
    }

    @Test func sdFlagsReturnSecurityDescriptorToNonAdmin() async throws {
        let dc = try await SambaLab.shared()
        let settings = Lab.settings(dc.ldapsURL, caFile: dc.caFile)
        let dn = "OU=Staff,\(Self.base)"
        let (without, dacl, ogd) = try await Lab.withConnection(settings) { c in
            (try c.readEntry(dn: dn, attributes: ["nTSecurityDescriptor"], sdFlags: nil),
             try c.readEntry(dn: dn, attributes: ["nTSecurityDescriptor"], sdFlags: .dacl),
             try c.readEntry(dn: dn, attributes: ["nTSecurityDescriptor"], sdFlags: [.owner, .group, .dacl]))
        }
        let withoutEntry = try #require(without)
        #expect(!withoutEntry.has("nTSecurityDescriptor"))  // silently omitted without the control
        let daclEntry = try #require(dacl)
        let sd = try #require(daclEntry.binary("ntsecuritydescriptor").first)
        #expect(sd.count > 20)
        #expect(Array(sd.prefix(4)) == [0x01, 0x00, 0x04, 0x84])  // rev 1, SE_SELF_RELATIVE|DACL_AUTO_INHERITED|PRESENT
        #expect(sd[4..<8].allSatisfy { $0 == 0 })  // no owner with flags 4
        let ogdEntry = try #require(ogd)
        let sd7 = try #require(ogdEntry.binary("nTSecurityDescriptor").first)
        #expect(sd7[4..<8].contains { $0 != 0 })  // owner offset now set
    }

    /// The scenario domain has a few dozen users (the source lab had > 3000), so a small page size forces many pages.
    @Test func pagedSubtreeSearchReturnsEveryUser() async throws {
        let dc = try await SambaLab.shared()
        let settings = Lab.settings(dc.ldapsURL, caFile: dc.caFile)
        let filter = "(&(objectCategory=person)(objectClass=user))"
        let pageSize = 5
        let (summary, dns, withSD) = try await Lab.withConnection(settings) { c in
            var dns = Set<String>()
            var withSD = 0
            let summary = try c.search(
                base: Self.base, scope: .subtree, filter: filter,
                attributes: ["sAMAccountName", "nTSecurityDescriptor"], sdFlags: .dacl, pageSize: pageSize
            ) { entry in
                dns.insert(entry.dn)
                if entry.binary("nTSecurityDescriptor").first?.isEmpty == false { withSD += 1 }
            }
            return (summary, dns, withSD)
        }
        let expected = try await Lab.ldapsearchCount(dc: dc, base: Self.base, scope: "sub", filter: filter)
        #expect(expected >= 25)  // SCENARIOS.md lists 27 users, plus Guest and krbtgt
        #expect(summary.entries == expected)
        #expect(dns.count == expected)
        #expect(withSD == expected)
        let fullPages = (expected + pageSize - 1) / pageSize
        #expect(summary.pages >= fullPages && summary.pages <= fullPages + 1)
        #expect(summary.references > 0)  // domain NC continuation references, counted not chased
    }

    @Test func oneLevelSearchAndBodyErrorsLeaveConnectionUsable() async throws {
        struct Stop: Error {}
        let dc = try await SambaLab.shared()
        let settings = Lab.settings(dc.ldapsURL, caFile: dc.caFile)
        let usersBase = "CN=Users,\(Self.base)"
        let pageSize = 3
        let (stopError, seen, count, pages, staffUsers, nested) = try await Lab.withConnection(settings) { c in
            var seen = 0
            var stopError: (any Error)?
            do {
                try c.search(
                    base: usersBase, scope: .oneLevel, filter: "(objectClass=user)", attributes: ["cn"],
                    sdFlags: nil, pageSize: pageSize
                ) { _ in
                    seen += 1
                    if seen == 5 { throw Stop() }  // in the second page, while the third is requested
                }
            } catch {
                stopError = error
            }
            var count = 0
            let s = try c.search(
                base: usersBase, scope: .oneLevel, filter: "(objectClass=user)", attributes: ["cn"],
                sdFlags: nil, pageSize: pageSize
            ) { _ in count += 1 }
            // Nested use of the same connection from the body.
            var staffUsers: [String] = []
            var nested: [String] = []
            try c.search(
                base: "OU=Staff,\(Self.base)", scope: .subtree, filter: "(objectClass=user)", attributes: ["cn"],
                sdFlags: nil
            ) { e in
                staffUsers.append(e.dn)
                if try c.readEntry(dn: e.dn, attributes: ["tokenGroups"], sdFlags: nil)?.has("tokenGroups") == true {
                    nested.append(e.dn)
                }
            }
            return (stopError, seen, count, s.pages, staffUsers, nested)
        }
        #expect(stopError is Stop)
        #expect(seen == 5)
        let expected = try await Lab.ldapsearchCount(dc: dc, base: usersBase, scope: "one", filter: "(objectClass=user)")
        #expect(expected > 2 * pageSize)
        #expect(count == expected)
        let fullPages = (expected + pageSize - 1) / pageSize
        #expect(pages == fullPages || pages == fullPages + 1)  // Samba may end with an empty page
        let staff = ["alice", "bob", "erin", "frank"].map { "CN=\($0),OU=Staff,\(Self.base)" }
            + ["CN=carol,OU=Denied,OU=Staff,\(Self.base)", "CN=dave,OU=Legacy,OU=Staff,\(Self.base)"]
        #expect(Set(staffUsers) == Set(staff))
        #expect(staffUsers.count == 6)
        // The reader reads tokenGroups through the inherited RAS-Information ACE for RU (SCENARIOS.md); erin (protected
        // DACL) and dave (OU=Legacy, inheritance disabled) have no inherited ACEs, so theirs is silently omitted.
        #expect(Set(nested) == Set(staff.filter { !$0.hasPrefix("CN=erin,") && !$0.hasPrefix("CN=dave,") }))
        #expect(nested.count == 4)
    }

    @Test func badFilterAndMissingBase() async throws {
        let dc = try await SambaLab.shared()
        let settings = Lab.settings(dc.ldapsURL, caFile: dc.caFile)
        let (badFilter, missingBase, dnsHostName) = try await Lab.withConnection(settings) { c in
            var badFilter: (any Error)?
            do {
                try c.search(base: Self.base, scope: .subtree, filter: "(objectClass=user", attributes: [],
                             sdFlags: nil) { _ in }
            } catch { badFilter = error }
            var missingBase: (any Error)?
            do {
                try c.search(base: "OU=Missing,\(Self.base)", scope: .subtree, filter: "(objectClass=*)",
                             attributes: [], sdFlags: nil) { _ in }
            } catch { missingBase = error }
            // still usable
            return (badFilter, missingBase, try c.readRootDSE(attributes: ["dnsHostName"]).string("dnsHostName"))
        }
        #expect(badFilter is LDAPError)
        guard case .operationFailed(_, _, 32, _, _)? = missingBase as? LDAPError else {
            Issue.record("expected noSuchObject, got \(String(describing: missingBase))")
            return
        }
        #expect(dnsHostName != nil)
    }
}
