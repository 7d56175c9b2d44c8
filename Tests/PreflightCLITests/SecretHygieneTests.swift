import Foundation
import PreflightTestSupport
import Testing

import PreflightKit

/// Secrets stay ours (issue #14): a configuration or check file that does not parse is reported by position and
/// problem, never by quoting the line, which may hold a password typed where it does not belong.
@Suite("CLI: errors never echo a secret")
struct SecretHygieneTests {
    let folder = try! TemporaryFolder("cli-secrets")
    static let secret = "Hunter2-S3cr3t"

    /// YAML that does not parse, each on a line holding the secret; and the position the error must name.
    static let broken: [(yaml: String, position: String)] = [
        // A control character (a pasted password often carries one): Yams' own message quotes the whole line.
        ("ldap:\n  url: ldaps://dc1\n  password: \(secret)\u{1}x\n", "3:27"),
        // An unknown escape in a quoted value.
        ("ldap:\n  password: \"\(secret)\\q\"\n", "2:28"),
        // A colon inside an unquoted value.
        ("ldap:\n  bindDN: reader\n  password: \(secret): x\n", "3:27"),
        // An unterminated quote.
        ("ldap:\n  password: \"\(secret)\n", "3:1"),
        // A character that cannot start a value.
        ("ldap:\n  password: `\(secret)\n", "2:13"),
    ]

    @Test(arguments: 0..<broken.count)
    func aYAMLErrorNamesThePositionNotTheLine(_ index: Int) async throws {
        let (yaml, position) = Self.broken[index]
        try folder.write("preflight.yml", yaml)
        for command in [["run", "--config", "preflight.yml", "--out", "out"], ["validate", "--config", "preflight.yml"]] {
            let result = try await CLI.run(command, in: folder.path)
            #expect(result.exitCode == 78, "\(result)")
            #expect(result.stderr.hasPrefix("preflight.yml:\(position): error: The file is not valid YAML"), "\(result)")
            #expect(!result.stderr.contains("Hunter2") && !result.stdout.contains("Hunter2"), "the secret reached the output: \(result)")
            #expect(!FileManager.default.fileExists(atPath: folder.url("out/latest.json")))
        }
    }

    /// Check definitions and waiver files go through the same reader.
    @Test func aBrokenCheckOrWaiverFileDoesNotEchoItEither() async throws {
        try folder.write("custom/PLG-830.yml", "id: PLG-830\nparams: {token: \(Self.secret)\u{1}}\n")
        let check = try await CLI.run(["validate", "--checks", folder.url("custom")], in: folder.path)
        #expect(check.exitCode == 78 && !check.stderr.contains("Hunter2"), "\(check)")
        #expect(check.stderr.contains("PLG-830.yml:2:"), "\(check)")

        try folder.write("waivers.yml", "waivers:\n  - check: AD-001\n    reason: \"\(Self.secret)\u{1}\"\n")
        let waiver = try await CLI.run(["run", "--only", "AD-001", "--waivers", "waivers.yml", "--out", "out"], in: folder.path)
        #expect(waiver.exitCode == 78 && !waiver.stderr.contains("Hunter2"), "\(waiver)")
    }
}
