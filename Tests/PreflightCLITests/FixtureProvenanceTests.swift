import Foundation
import PreflightTestSupport
import Testing

/// Fixtures and demo data that a script made must be that script's output, byte for byte, so anyone can see where
/// every value comes from and rebuild it: `scripts/fixtures/generate.sh --check` regenerates them into a temporary
/// folder (Python 3 standard library, no network) and compares with the committed files.
@Suite("Fixture provenance")
struct FixtureProvenanceTests {
    @Test func generatedFixturesAreTheirGeneratorsOutput() async throws {
        let script = Repository.root.appendingPathComponent("scripts/fixtures/generate.sh").path
        let check = try await Program.run(["bash", script, "--check"], in: Repository.root.path, timeout: 300)
        #expect(
            check.exitCode == 0,
            """
            The committed fixtures are not what scripts/fixtures writes. Change the generator (not the file) and run \
            scripts/fixtures/generate.sh; the differences:
            \(check.stdout)\(check.stderr)
            """)
    }

    /// Each SOURCE.md of a generated folder names its generator, and none still says the script is missing.
    @Test func generatedFoldersNameTheirGenerator() throws {
        let named = [
            "Tests/PreflightKitTests/Fixtures/inventory/SOURCE.md": "scripts/fixtures/inventory_fixtures.py",
            "Tests/PreflightKitTests/Fixtures/monitoring/SOURCE.md": "scripts/fixtures/monitoring.py",
            "examples/demo/inventory/SOURCE.md": "scripts/fixtures/inventory_demo.py",
            "examples/demo/monitoring/SOURCE.md": "scripts/fixtures/monitoring.py",
            "examples/demo/connect-export/SOURCE.md": "scripts/fixtures/connect_demo.py",
            "Tests/PreflightKitTests/Fixtures/gpresult/SOURCE.md": "scripts/fixtures/gpresult.py",
        ]
        for (file, generator) in named.sorted(by: { $0.key < $1.key }) {
            let text = try String(contentsOf: Repository.root.appendingPathComponent(file), encoding: .utf8)
            #expect(text.contains("`\(generator)`"), "\(file) does not name its generator \(generator)")
            #expect(!text.contains("not in this repository"), "\(file) still says its generator is not in the repository")
            #expect(
                FileManager.default.fileExists(atPath: Repository.root.appendingPathComponent(generator).path),
                "\(file) names \(generator), which does not exist")
        }
    }

    /// The project's research notes and shared fixtures live beside the repository, not in a user's clone: source
    /// comments, SOURCE.md files and docs cite the public page a note cites, or a path inside this repository.
    /// CHANGELOG.md (history) and this file (which has to name them) are exempt.
    @Test func trackedFilesCiteNoNotesOutsideTheRepository() async throws {
        let outside = [
            "writeback-facts", "monitoring-formats", "samba-ad-test-lab", "samba-ad-scale", "facts-2026-12",
            "peers-and-style", "../shared", "shared/notes", "shared/fixtures",
        ]
        let exempt: Set<String> = ["CHANGELOG.md", "Tests/PreflightCLITests/FixtureProvenanceTests.swift"]
        let listing = try await Program.run(["git", "ls-files", "-z"], in: Repository.root.path, timeout: 60)
        try #require(listing.exitCode == 0, "git ls-files failed: \(listing)")
        let files = listing.stdout.split(separator: "\0").map(String.init).filter { !exempt.contains($0) }
        #expect(files.count > 100, "git ls-files listed only \(files.count) files")
        var mentions: [String] = []
        for file in files {
            // A file deleted in the work tree but still in the index has nothing left to cite.
            guard let data = FileManager.default.contents(atPath: Repository.root.appendingPathComponent(file).path)
            else { continue }
            // The UTF-16 exports among the fixtures are read as text too; anything else as (lossy) UTF-8.
            let text = (
                data.starts(with: [0xFF, 0xFE])
                    ? String(data: data, encoding: .utf16) ?? "" : String(decoding: data, as: UTF8.self)
            ).lowercased()
            guard outside.contains(where: { text.contains($0) }) else { continue }
            let lines = text.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline)
            for (number, line) in lines.enumerated() {
                if let name = outside.first(where: { line.contains($0) }) {
                    mentions.append("\(file):\(number + 1): \(name)")
                }
            }
        }
        #expect(
            mentions.isEmpty,
            """
            These lines cite notes or fixtures outside the repository, which a user's clone does not have. Cite the \
            public page the note cites (or a path in this repository) instead:
            \(mentions.joined(separator: "\n"))
            """)
    }
}
