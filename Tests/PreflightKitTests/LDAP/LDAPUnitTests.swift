import Foundation
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
import PreflightTestSupport

@Suite("LDAP building blocks")
struct LDAPUnitTests {
    @Test func sdFlagsControlValue() {
        #expect(LDAPControls.sdFlagsValue(.dacl) == [0x30, 0x03, 0x02, 0x01, 0x04])
        #expect(LDAPControls.sdFlagsValue([.owner, .group, .dacl]) == [0x30, 0x03, 0x02, 0x01, 0x07])
        #expect(Data(LDAPControls.sdFlagsValue(.dacl)).base64EncodedString() == "MAMCAQQ=")
        #expect(LDAPControls.sdFlagsValue([.owner, .group, .dacl, .sacl]) == [0x30, 0x03, 0x02, 0x01, 0x0F])
    }

    @Test func berIntegers() {
        #expect(LDAPControls.berInteger(0) == [0x02, 0x01, 0x00])
        #expect(LDAPControls.berInteger(127) == [0x02, 0x01, 0x7F])
        #expect(LDAPControls.berInteger(128) == [0x02, 0x02, 0x00, 0x80])
        #expect(LDAPControls.berInteger(1000) == [0x02, 0x02, 0x03, 0xE8])
        #expect(LDAPControls.berInteger(-1) == [0x02, 0x01, 0xFF])
        #expect(LDAPControls.berLength(300) == [0x82, 0x01, 0x2C])
    }

    @Test func pagedResultsRoundTrip() {
        let v = LDAPControls.pagedResultsValue(pageSize: 1000, cookie: [0x31, 0x00])
        #expect(v == [0x30, 0x08, 0x02, 0x02, 0x03, 0xE8, 0x04, 0x02, 0x31, 0x00])
        #expect(LDAPControls.pagedResultsCookie(v[...]) == [0x31, 0x00])
        #expect(LDAPControls.pagedResultsValue(pageSize: 5, cookie: []) == [0x30, 0x05, 0x02, 0x01, 0x05, 0x04, 0x00])
        #expect(LDAPControls.pagedResultsCookie([0x30, 0x01][...]) == nil)
    }

    @Test(arguments: [
        ("52e", ADBindFailure.wrongPassword), ("525", .userNotFound), ("530", .logonTimeRestriction),
        ("531", .workstationRestriction), ("532", .passwordExpired), ("533", .accountDisabled),
        ("701", .accountExpired), ("773", .mustChangePassword), ("775", .accountLocked), ("52f", .other(code: "52f")),
    ])
    func adDataCodes(code: String, expected: ADBindFailure) {
        let diag = "80090308: LdapErr: DSID-0C0903A9, comment: AcceptSecurityContext error, data \(code), v1db1"
        #expect(ADBindFailure(diagnostic: diag) == expected)
        #expect(ADBindFailure(diagnostic: diag).code == code)
        let err = LDAPError.bindRejected(url: "ldaps://dc1:636", bindDN: "svc@corp", reason: expected, diagnostic: diag)
        #expect(err.description.contains("data code \(code)"))
        #expect(err.description.contains("'ldaps://dc1:636'"))
        #expect(ADBindFailure(diagnostic: "invalid credentials") == .other(code: nil))
    }

    @Test func settingsNeverShowThePassword() {
        let s = LDAPSettings(url: "ldaps://dc1", bindDN: "svc", password: "S3cret!Value", timeout: .seconds(5))
        #expect(!"\(s)".contains("S3cret"))
        #expect(!String(reflecting: s).contains("S3cret"))
        var dumped = ""
        dump(s, to: &dumped)
        #expect(!dumped.contains("S3cret"))
    }

    @Test func everyMessageIsASentenceNamingTheURL() {
        let url = "ldaps://dc1.corp.example.com:636"
        let cert = CertificateSummary(subject: "CN=dc1", issuer: "CN=CA", notBefore: nil, notAfter: nil,
                                      subjectAltNames: ["DNS:dc1"], serialNumber: "01")
        let errors: [LDAPError] = [
            .invalidSettings(url: url, reason: "bad."), .caFileUnusable(url: url, path: "/x.pem", reason: "missing."),
            .insecureBindRefused(url: url), .connectionRefused(url: url),
            .hostNotFound(url: url, host: "dc1", detail: "Name or service not known"),
            .unreachable(url: url, detail: "No route to host"),
            .timedOut(stage: .tlsHandshake, url: url, after: .milliseconds(2004)),
            .tlsUntrusted(url: url, trustSource: "the CA file '/x.pem'", certificate: cert),
            .tlsHostnameMismatch(url: url, host: "10.0.0.1", trustSource: "the CA file '/x.pem'", certificate: cert),
            .tlsHandshakeFailed(url: url, stage: .tlsHandshake, detail: "Error in the pull function."),
            .startTLSRejected(url: url, resultCode: 52, diagnostic: ""),
            .transportEncryptionRequired(url: url, diagnostic: "BindSimple: Transport encryption required."),
            .bindRejected(url: url, bindDN: "svc", reason: .accountLocked, diagnostic: "data 775"),
            .serverDown(url: url, stage: .search),
            .operationsError(url: url, operation: "search", diagnostic: "00002020: Operation unavailable without authentication"),
            .operationFailed(url: url, operation: "search", resultCode: 50, message: "Insufficient access", diagnostic: ""),
            .connectionClosed(url: url),
        ]
        for e in errors {
            let d = e.description
            #expect(d.contains(url), "\(d)")
            #expect(d.hasSuffix("."), "\(d)")
            #expect(d.first?.isUppercase == true, "\(d)")
        }
        #expect(LDAPError.timedOut(stage: .tlsHandshake, url: url, after: .milliseconds(2004)).description
            .contains("TLS handshake"))
    }

    @Test func certificateParsing() async throws {
        // The project lab's DC certificate (scripts/lab/pki.sh), as served by the shared DC on 127.0.0.2.
        let dc = try await SambaLab.shared()
        let pem = try String(contentsOfFile: dc.directory + "/pki/dc.pem", encoding: .utf8)
        let b64 = pem.split(separator: "\n").filter { !$0.hasPrefix("-----") }.joined()
        let der = [UInt8](try #require(Data(base64Encoded: b64)))
        let c = try #require(CertificateSummary.parse(der: der))
        #expect(c.subject == "CN=dc1.corp.example.test")
        #expect(c.issuer == "CN=Preflight Lab Test CA")
        #expect(c.subjectAltNames == ["DNS:dc1.corp.example.test", "DNS:localhost"] + (1...9).map { "IP:127.0.0.\($0)" })
        #expect(c.notAfter != nil && c.notBefore != nil)
        #expect(c.notAfter! > c.notBefore!)
        #expect(!c.serialNumber.isEmpty)
        #expect(CertificateSummary.parse(der: Array(der.prefix(100))) == nil)
        #expect(CertificateSummary.parse(der: []) == nil)
    }

    @Test func rfc4514EscapingAndMultiValuedRDNs() async throws {
        // openssl-made certificate with awkward names (openssl runs on a dedicated thread, not the cooperative pool)
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("rfc4514-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let arguments = [
            "openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-days", "1",
            "-multivalue-rdn", "-subj", "/DC=com/DC=example/O=Acme, Inc.+OU=R&D/CN=#weird \"name\" ",
            "-keyout", "\(dir)/k.pem", "-outform", "DER", "-out", "\(dir)/c.der",
        ]
        let outcome = try await runBlocking {
            try Subprocess(arguments: arguments, environment: ProcessInfo.processInfo.environment)
                .run(input: [], deadline: Date().addingTimeInterval(60))
        }
        try #require(outcome.termination == .exited(0), "\(String(decoding: outcome.stderr, as: UTF8.self))")
        let der = [UInt8](try Data(contentsOf: URL(fileURLWithPath: "\(dir)/c.der")))
        let c = try #require(CertificateSummary.parse(der: der))
        // Multi-valued RDN values keep their DER (sorted SET OF) order: OU before O here.
        #expect(c.subject == ##"CN=\#weird \"name\"\ ,OU=R&D+O=Acme\, Inc.,DC=example,DC=com"##)
        #expect(c.subject == c.issuer)
    }

    @Test func urlNormalization() throws {
        #expect(try LDAPTarget("ldaps://DC1.corp.example.com").url == "ldaps://DC1.corp.example.com:636")
        #expect(try LDAPTarget("ldap://10.0.0.5").url == "ldap://10.0.0.5:389")
        #expect(try LDAPTarget("ldaps://[::1]:3269").url == "ldaps://[::1]:3269")
        #expect(throws: LDAPError.self) { try LDAPTarget("ldapi:///var/run/ldapi") }
        #expect(throws: LDAPError.self) { try LDAPTarget("ldaps://a ldaps://b") }
        #expect(throws: LDAPError.self) { try LDAPTarget("ldaps://") }
        #expect(throws: LDAPError.self) { try LDAPTarget("https://dc1") }
    }

    @Test func expiredCertificateIsCalledExpired() {
        let cert = CertificateSummary(
            subject: "CN=dc1", issuer: "CN=CA", notBefore: Date(timeIntervalSince1970: 0),
            notAfter: Date(timeIntervalSince1970: 86400), subjectAltNames: [], serialNumber: "01")
        let d = LDAPError.tlsUntrusted(url: "ldaps://dc1:636", trustSource: "the CA file '/ca.pem'", certificate: cert)
            .description
        #expect(d.contains("expired on 1970-01-02T00:00:00Z"))
    }
}
