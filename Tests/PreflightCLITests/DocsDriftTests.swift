import Foundation
import PreflightTestSupport
import Testing

/// docs/checks.md's check table is generated from the catalog (`make docs`); it must not drift from it again.
@Suite("Documentation generated from the catalog")
struct DocsDriftTests {
    @Test func theChecksPagesTableIsTheCatalogs() async throws {
        let listed = try await CLI.run(["list", "--format", "md"])
        #expect(listed.exitCode == 0, "\(listed)")
        let page = try String(contentsOf: Repository.root.appendingPathComponent("docs/checks.md"), encoding: .utf8)
        let begin = try #require(page.range(of: "<!-- checks:begin"), "docs/checks.md lost its '<!-- checks:begin' marker")
        let afterMarker = try #require(page[begin.upperBound...].firstIndex(of: "\n"))
        let end = try #require(page.range(of: "\n<!-- checks:end -->", range: afterMarker..<page.endIndex))
        let documented = page[page.index(after: afterMarker)..<end.lowerBound].split(separator: "\n").map(String.init)
        let generated = listed.stdout.split(separator: "\n").map(String.init)
        let missing = generated.filter { !documented.contains($0) }
        let stale = documented.filter { !generated.contains($0) }
        #expect(
            documented == generated,
            "docs/checks.md's check table drifted from the catalog; run 'make docs'.\n+ \(missing.joined(separator: "\n+ "))\n- \(stale.joined(separator: "\n- "))")
    }
}
