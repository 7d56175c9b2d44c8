import Foundation
import PreflightTestSupport
import Testing

/// The README's check table is generated from the catalog (`make docs`); it must not drift from it again.
@Suite("Documentation generated from the catalog")
struct DocsDriftTests {
    @Test func theReadmesCheckTableIsTheCatalogs() async throws {
        let listed = try await CLI.run(["list", "--format", "md"])
        #expect(listed.exitCode == 0, "\(listed)")
        let readme = try String(contentsOf: Repository.root.appendingPathComponent("README.md"), encoding: .utf8)
        let begin = try #require(readme.range(of: "<!-- checks:begin"), "README.md lost its '<!-- checks:begin' marker")
        let afterMarker = try #require(readme[begin.upperBound...].firstIndex(of: "\n"))
        let end = try #require(readme.range(of: "\n<!-- checks:end -->", range: afterMarker..<readme.endIndex))
        let documented = readme[readme.index(after: afterMarker)..<end.lowerBound].split(separator: "\n").map(String.init)
        let generated = listed.stdout.split(separator: "\n").map(String.init)
        let missing = generated.filter { !documented.contains($0) }
        let stale = documented.filter { !generated.contains($0) }
        #expect(
            documented == generated,
            "README.md's check table drifted from the catalog; run 'make docs'.\n+ \(missing.joined(separator: "\n+ "))\n- \(stale.joined(separator: "\n- "))")
    }
}
