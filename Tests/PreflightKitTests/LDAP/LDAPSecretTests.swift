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

/// The bind password is held in one buffer of its own and zeroed once the connection is open (issue #14). The seam:
/// `DirectoryConnector.open`'s `connect` parameter sees the settings at bind time; the buffer is inspected after.
@Suite("LDAP password buffer")
struct LDAPSecretTests {
    final class Seen: @unchecked Sendable {
        var secret: LDAPSecret?
        var atBind: [UInt8] = []
    }

    static func configuration(url: String = "ldaps://127.0.0.1:1", caFile: String? = nil) -> Configuration {
        var configuration = Configuration()
        configuration.ldap.url = url
        configuration.ldap.caFile = caFile
        configuration.ldap.bindDN = SambaDC.readerUPN
        return configuration
    }

    /// Opens with a `connect` that records the secret and what it held, then fails as a refused bind would.
    static func openAndFail(_ configuration: Configuration, environment: [String: String] = [:]) -> Seen {
        let seen = Seen()
        #expect(throws: ProbeError.self) {
            _ = try DirectoryConnector.open(configuration, deadline: Date().addingTimeInterval(30), environment: environment) {
                (settings: LDAPSettings) throws(LDAPError) -> LDAPConnection in
                seen.secret = settings.secret
                seen.atBind = settings.secret.withBytes { Array($0) }
                throw .invalidSettings(url: settings.url, reason: "the test stops here")
            }
        }
        return seen
    }

    @Test func aPasswordFromTheEnvironmentIsZeroedAfterTheBind() throws {
        var configuration = Self.configuration()
        configuration.ldap.passwordEnv = "PREFLIGHT_TEST_PASSWORD"
        let seen = Self.openAndFail(configuration, environment: ["PREFLIGHT_TEST_PASSWORD": "S3cret!Value"])
        #expect(seen.atBind == Array("S3cret!Value".utf8), "the bind got the password")
        let secret = try #require(seen.secret)
        #expect(secret.isWiped, "every byte of the buffer is zero once the bind is over")
        #expect(secret.withBytes { $0.count } == 0, "and nothing hands it out any more")
    }

    @Test func aPasswordFileIsReadIntoTheBufferWithoutItsLineBreaksAndZeroed() throws {
        let folder = try TemporaryFolder("secret-file")
        var configuration = Self.configuration()
        configuration.ldap.passwordFile = try folder.write("password", "S3cret!Value\r\n")
        let seen = Self.openAndFail(configuration)
        #expect(seen.atBind == Array("S3cret!Value".utf8))
        #expect(try #require(seen.secret).isWiped)
    }

    @Test func wipingIsExplicitAndTheCountStays() {
        let secret = LDAPSecret("abc")
        #expect(secret.withBytes { Array($0) } == [0x61, 0x62, 0x63] && !secret.isWiped)
        secret.wipe()
        #expect(secret.isWiped && secret.count == 3 && !secret.isEmpty)
    }

    /// Against the lab DC: the real bind works from the buffer, the buffer is zero right after it, and the
    /// connection stays usable (nothing needs the password again).
    @Test func aRealBindWorksAndLeavesTheBufferZeroed() async throws {
        let dc = try await SambaLab.shared()
        var configuration = Self.configuration(url: dc.ldapsURL, caFile: dc.caFile)
        configuration.ldap.passwordEnv = "PREFLIGHT_TEST_PASSWORD"
        let environment = ["PREFLIGHT_TEST_PASSWORD": SambaDC.readerPassword]
        let seen = Seen()
        let (wiped, dn) = try await runBlocking { [configuration] in
            let connection = try DirectoryConnector.open(configuration, deadline: Date().addingTimeInterval(30), environment: environment) {
                (settings: LDAPSettings) throws(LDAPError) -> LDAPConnection in
                seen.secret = settings.secret
                return try LDAPConnection.open(settings)
            }
            defer { connection.close() }
            let wiped = seen.secret?.isWiped ?? false
            return (wiped, try connection.readEntry(dn: SambaDC.baseDN, attributes: ["distinguishedName"], sdFlags: nil)?.string("distinguishedName"))
        }
        #expect(wiped, "zeroed as soon as open returned")
        #expect(dn == SambaDC.baseDN, "the bound connection still reads")
    }
}
