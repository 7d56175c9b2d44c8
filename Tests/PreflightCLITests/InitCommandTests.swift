import Foundation
import PreflightTestSupport
import Testing

/// `preflight init`: the template `validate` accepts as written, its placeholders once uncommented, the kit that writes
/// the files it names, and the files it never overwrites.
@Suite("preflight init")
struct InitCommandTests {
    static let topologies = ["connect-sync", "cloud-sync"]

    /// Removes the "# " of a commented section and of its key lines, as a user uncommenting it in an editor would.
    static func uncomment(_ section: String, in text: String) -> String {
        var inside = false
        return text.split(separator: "\n", omittingEmptySubsequences: false).map { line -> String in
            if line == "# \(section):" {
                inside = true
                return "\(section):"
            }
            if inside, line.hasPrefix("#   "), !line.hasPrefix("#   #") { return String(line.dropFirst(2)) }
            if !line.hasPrefix("#   ") { inside = false }
            return String(line)
        }.joined(separator: "\n")
    }

    @Test(arguments: topologies) func theTemplateValidatesAsWritten(_ topology: String) async throws {
        let folder = try TemporaryFolder("init")
        let written = try await CLI.run(["init", "--topology", topology, "--out", folder.url("preflight.yml")])
        #expect(written.exitCode == 0, "\(written)")
        #expect(written.stdout.contains("Wrote \(folder.url("preflight.yml")) (topology \(topology))"), "\(written)")
        let template = try folder.read("preflight.yml")
        assertSnapshot(template, named: "init-\(topology).yml")
        for script in ["sync-server.ps1", "graph-exports.ps1", "domain-controller.ps1"] {
            #expect(FileManager.default.fileExists(atPath: folder.url("collect/\(script)")), "init writes collect/\(script)")
        }
        let validated = try await CLI.run(["validate", "--config", folder.url("preflight.yml")])
        #expect(validated.exitCode == 0, "validate accepts the template as written: \(validated)")
        #expect(template.contains("topology: \(topology)"))
    }

    @Test(arguments: topologies) func eachUncommentedPlaceholderSaysWhatToFillIn(_ topology: String) async throws {
        let folder = try TemporaryFolder("init")
        _ = try await CLI.run(["init", "--topology", topology, "--out", folder.url("preflight.yml")])
        var text = try folder.read("preflight.yml")
        for section in ["ldap", "network", "report"] { text = Self.uncomment(section, in: text) }
        let file = try folder.write("preflight.yml", text)
        let result = try await CLI.run(["validate", "--config", file])
        #expect(result.exitCode == 78, "\(result)")
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        let urlLine = try #require(lines.firstIndex { $0.hasPrefix("  url: <") }) + 1
        #expect(
            result.stderr.contains(
                "\(file):\(urlLine):8: error: 'ldap.url' is still a placeholder: fill in the LDAPS URL of a domain controller, e.g. "
                    + "ldaps://dc01.corp.example.com. Replace the whole '<…>' with the value"), "\(result)")
        for key in ["ldap.bindDN", "network.proxy", "report.customer", "report.tenant", "report.assessor"] {
            #expect(result.stderr.contains("'\(key)' is still a placeholder: fill in "), "\(key): \(result)")
        }
        #expect(!result.stderr.contains("does not exist"), "a placeholder is never read as a missing file: \(result)")
        if topology == "cloud-sync" { #expect(result.stderr.contains("'network.tenantId' is still a placeholder: fill in the tenant id")) }
    }

    /// The inputs sections name only files, and the kit writes each of them (under -Out, with Windows separators).
    @Test(arguments: topologies) func theKitWritesEveryFileTheTemplateNames(_ topology: String) async throws {
        let folder = try TemporaryFolder("init")
        _ = try await CLI.run(["init", "--topology", topology, "--out", folder.url("preflight.yml")])
        let kit = try ["sync-server.ps1", "graph-exports.ps1", "domain-controller.ps1"].map { try folder.read("collect/\($0)") }.joined()
        var text = try folder.read("preflight.yml")
        let sections = ["connect", "cloudSync", "inventory", "monitoring"]
        for section in sections { text = Self.uncomment(section, in: text) }
        var named: [String] = []
        for line in text.split(separator: "\n") where line.hasPrefix("  ") && !line.hasPrefix("   ") {
            let parts = line.dropFirst(2).split(separator: ":", maxSplits: 1)
            guard parts.count == 2 else { continue }
            let value = parts[1].split(separator: "#")[0].trimmingCharacters(in: .whitespaces)
            if value.contains("/") { named.append(value) }
        }
        #expect(named.count >= (topology == "connect-sync" ? 11 : 10), "\(named)")
        // ldap.restrictRemoteSAM (AD-016 without SMB to the DCs) is a commented key of the ldap section; the kit's
        // domain-controller.ps1 writes it with gpresult.
        let gpresult = try #require(
            text.split(separator: "\n").first { $0.hasPrefix("#   # restrictRemoteSAM: ") }?.split(separator: " ")[3], "the template names ldap.restrictRemoteSAM")
        named.append(String(gpresult))
        let dcScript = try folder.read("collect/domain-controller.ps1")
        #expect(dcScript.contains("gpresult /scope computer /x \"$Out\\directory\\dc-gpresult.xml\" /f"), "\(dcScript)")
        for path in named {
            let windows = "$Out\\" + path.replacingOccurrences(of: "/", with: "\\")
            #expect(kit.contains(windows), "the kit writes \(windows) (named as \(path))")
        }
        let empty = try TemporaryFolder("init-collect")
        let collected = try await CLI.run(["init", "--topology", topology, "--collect"], in: empty.path)
        #expect(collected.exitCode == 0 && collected.stdout.contains("# ---- collect/sync-server.ps1 ----"))
        #expect(collected.stdout.contains("# ---- collect/graph-exports.ps1 ----") && collected.stdout.contains(kit.prefix(200)))
        #expect(collected.stdout.contains("# ---- collect/domain-controller.ps1 ----") && collected.stdout.contains("gpresult /scope computer /x"))
        #expect(try FileManager.default.contentsOfDirectory(atPath: empty.path).isEmpty, "--collect prints and writes nothing")
        assertSnapshot(collected.stdout, named: "init-collect-\(topology).txt")
    }

    @Test func itNeverOverwritesWithoutForce() async throws {
        let folder = try TemporaryFolder("init")
        let first = try await CLI.run(["init"], in: folder.path)
        #expect(first.exitCode == 0, "\(first)")
        try folder.write("preflight.yml", "phase: health\n")
        let again = try await CLI.run(["init"], in: folder.path)
        #expect(again.exitCode == 73, "\(again)")
        #expect(
            again.stderr.contains(
                "Cannot write the configuration template 'preflight.yml': it already exists, and preflight init never overwrites a file. "
                    + "Pass --force to replace it"), "\(again)")
        #expect(try folder.read("preflight.yml") == "phase: health\n", "the file is untouched")
        try FileManager.default.removeItem(atPath: folder.url("preflight.yml"))
        let kitOnly = try await CLI.run(["init"], in: folder.path)
        #expect(kitOnly.exitCode == 73 && kitOnly.stderr.contains("collect/sync-server.ps1"), "the kit is not overwritten either: \(kitOnly)")
        #expect(!FileManager.default.fileExists(atPath: folder.url("preflight.yml")), "nothing is written when one file exists")
        let forced = try await CLI.run(["init", "--force", "--topology", "cloud-sync"], in: folder.path)
        #expect(forced.exitCode == 0, "\(forced)")
        #expect(try folder.read("preflight.yml").contains("topology: cloud-sync"))
        let bad = try await CLI.run(["init", "--topology", "azure-ad-sync"], in: folder.path)
        #expect(bad.exitCode == 64 && bad.stderr.contains("connect-sync") && bad.stderr.contains("cloud-sync"), "\(bad)")
    }
}
