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

    /// What the DOM dump alone cannot show: typing into a table's filter hides the rows without every word, and the page
    /// turns dark when the system asks for dark (`prefers-color-scheme`). A probe script appended to a copy of the report
    /// types into the checks table's filter after the report's own script ran, and writes what it saw into the DOM.
    @Test func theFilterHidesRowsAndTheColoursFollowTheSystemScheme() async throws {
        let folder = try TemporaryFolder("html-behaviour")
        let report = ReadinessSample.report(ReadinessSample.checks(environment: .fail))
        let probe = """
            <script>window.addEventListener('load',function(){
              var rows=document.querySelectorAll('#check-table tbody tr');
              var box=document.querySelector('input.filter[data-table="check-table"]');
              box.value='con-007 fail'; box.dispatchEvent(new Event('input'));
              var shown=[].filter.call(rows,function(r){return !r.hidden;}).map(function(r){return r.textContent;});
              document.body.setAttribute('data-probe-rows', rows.length);
              document.body.setAttribute('data-probe-shown', shown.join('|'));
              document.body.setAttribute('data-probe-bg', getComputedStyle(document.body).backgroundColor);
            });</script>
            """
        let html = HTMLReporter.render(report).replacingOccurrences(of: "</body>", with: probe + "</body>")
        let file = try folder.write("probe.html", html)
        let light = try await HeadlessChromium.dom(file, in: folder.path)
        #expect(light.console.isEmpty, "\(light.console)")
        let rows = try #require(light.dom.firstMatch(of: /data-probe-rows="([0-9]+)"/)?.1).description
        #expect(Int(rows) ?? 0 > 3, "the checks table has rows: \(rows)")
        let shown = try #require(light.dom.firstMatch(of: /data-probe-shown="([^"]*)"/)?.1).description
        #expect(shown.contains("CON-007") && !shown.contains("AD-003") && !shown.contains("|"), "only CON-007 is left: \(shown)")
        #expect(light.dom.contains("data-probe-bg=\"rgb(255, 255, 255)\""), "light by default")
        let dark = try await HeadlessChromium.dom(file, in: folder.path, flags: ["--force-dark-mode"])
        let darkBackground = dark.dom.firstMatch(of: /data-probe-bg="[^"]*"/).map { String($0.0) } ?? "no probe"
        #expect(darkBackground == "data-probe-bg=\"rgb(13, 17, 23)\"", "dark when the system is: \(darkBackground)")
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
