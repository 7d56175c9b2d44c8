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
}
