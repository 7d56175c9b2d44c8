import Foundation
import PreflightTestSupport
import Testing

@testable import PreflightCore
@testable import PreflightReporting

/// The HTML report, byte for byte and in a real browser (headless Chromium): offline, no console message, no request,
/// every section rendered, a screenshot, and a PDF from the browser's print path whose pages pdftoppm renders.
@Suite("HTML report")
struct HTMLReportTests {
    @Test func htmlMatchesTheGoldenFile() {
        assertSnapshot(HTMLReporter.render(SampleReport.value), named: "report.html")
    }

    @Test func theBrowserRendersEverySectionOfflineWithoutErrors() async throws {
        let folder = try TemporaryFolder("html-report")
        let report = ReadinessSample.report(ReadinessSample.checks(environment: .fail))
        let file = try folder.write("latest.html", HTMLReporter.render(report))
        let page = try await HeadlessChromium.load(file, in: folder.path)
        #expect(page.consoleMessages.isEmpty, "\(page.consoleMessages)")
        #expect(page.requests.isEmpty, "\(page.requests)")
        #expect(page.dom.contains("<span id=\"verdict\" class=\"verdict fail\">NOT READY</span>"))
        for section in ["summary", "users", "checks", "attention", "appendix"] {
            #expect(page.dom.contains("<section id=\"\(section)\">"), "section \(section)")
        }
        #expect(page.dom.contains("<td data-key=\"ready\">0</td><td data-key=\"blocked\">3</td><td data-key=\"blockedByEnvironment\">5</td>"))
        #expect(page.dom.contains("<svg id=\"chart-areas\"") && page.dom.contains("<svg id=\"chart-users\""))
        #expect(page.dom.contains("<article id=\"check-CON-007\" class=\"check\">"))
        let png = try #require(FileManager.default.contents(atPath: page.screenshot))
        #expect(png.count > 10_000 && png.starts(with: [0x89, 0x50, 0x4E, 0x47]))
        #expect(page.pdfPages >= 1)
        // Kept for a person to look at: .build/html-report/screenshot.png.
        let kept = Repository.root.appendingPathComponent(".build/html-report").path
        try? FileManager.default.createDirectory(atPath: kept, withIntermediateDirectories: true)
        try? FileManager.default.removeItem(atPath: kept + "/screenshot.png")
        try? FileManager.default.copyItem(atPath: page.screenshot, toPath: kept + "/screenshot.png")
    }

    /// The browser check can fail: a page that logs an error and fetches an image is caught on both counts.
    @Test func theBrowserCatchesConsoleErrorsAndRequests() async throws {
        let folder = try TemporaryFolder("html-negative")
        let file = try folder.write(
            "bad.html", "<!DOCTYPE html><html><body><img src=\"http://127.0.0.1:9/x.png\"><script>console.error('broken')</script></body></html>")
        let page = try await HeadlessChromium.load(file, in: folder.path)
        #expect(page.consoleMessages.contains { $0.contains("broken") }, "\(page.consoleMessages)")
        #expect(page.requests.contains("http://127.0.0.1:9/x.png"), "\(page.requests)")
    }

    @Test func textFromTheDirectoryIsEscaped() {
        var report = SampleReport.value
        report.checks[2].findings = [Finding(status: .warn, target: "CN=<script>alert(1)</script>", message: "a & b \"c\"")]
        let html = HTMLReporter.render(report)
        #expect(!html.contains("<script>alert(1)"))
        #expect(html.contains("CN=&lt;script&gt;alert(1)&lt;/script&gt;") && html.contains("a &amp; b &quot;c&quot;"))
    }
}
