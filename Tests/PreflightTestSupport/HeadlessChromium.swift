import Foundation
import PreflightCore
import PreflightEngine

/// A real browser for the HTML report: Debian's `chromium`, headless (https://developer.chrome.com/docs/chromium/headless).
/// `load` opens a file offline and returns what the browser made of it: the DOM after scripts ran (`--dump-dom`), every
/// console message (`--enable-logging=stderr`), every URL it requested (`--log-net-log`, Chromium's NetLog), a
/// screenshot, and the PDF its print path makes (`--print-to-pdf`) with the page count `pdftoppm` rendered.
package enum HeadlessChromium {
    package struct Missing: Error, CustomStringConvertible {
        package var description: String
    }

    package struct Page: Sendable {
        package var dom: String
        package var consoleMessages: [String]
        /// URLs other than the file itself (and `data:`/`about:`): the report must request none.
        package var requests: [String]
        package var screenshot: String
        package var pdfPages: Int
    }

    package static let setupHint = "run 'make setup' (scripts/setup.sh installs Debian's chromium and poppler-utils)"

    static func tool(_ name: String) throws -> String {
        for folder in ["/usr/bin", "/usr/local/bin", "/bin"] where FileManager.default.isExecutableFile(atPath: folder + "/" + name) {
            return folder + "/" + name
        }
        throw Missing(description: "'\(name)' is not installed: \(setupHint).")
    }

    /// Loads `file` and keeps the screenshot in `folder` (as `screenshot.png`).
    package static func load(_ file: String, in folder: String) async throws -> Page {
        let chromium = try tool("chromium")
        let pdftoppm = try tool("pdftoppm")
        let url = URL(fileURLWithPath: file).absoluteString
        let profile = folder + "/profile"
        let netLog = folder + "/netlog.json"
        let screenshot = folder + "/screenshot.png"
        let pdf = folder + "/report.pdf"
        let common = [
            chromium, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-extensions",
            "--disable-background-networking", "--disable-component-update", "--disable-sync", "--user-data-dir=" + profile,
            "--enable-logging=stderr", "--v=0", "--window-size=1280,1800",
        ]
        let dom = try await run(common + ["--log-net-log=" + netLog, "--dump-dom", url])
        _ = try await run(common + ["--screenshot=" + screenshot, url])
        _ = try await run(common + ["--no-pdf-header-footer", "--print-to-pdf=" + pdf, url])
        let pages = folder + "/pages"
        try FileManager.default.createDirectory(atPath: pages, withIntermediateDirectories: true)
        _ = try await run([pdftoppm, "-r", "20", "-png", pdf, pages + "/page"])
        let pageCount = try FileManager.default.contentsOfDirectory(atPath: pages).filter { $0.hasSuffix(".png") }.count
        let console = String(decoding: dom.stderr, as: UTF8.self).split(separator: "\n").map(String.init).filter { $0.contains(":CONSOLE") }
        let log = (try? String(contentsOfFile: netLog, encoding: .utf8)) ?? ""
        return Page(
            dom: String(decoding: dom.stdout, as: UTF8.self), consoleMessages: console, requests: requestedURLs(log, except: url),
            screenshot: screenshot, pdfPages: pageCount)
    }

    /// The DOM of `file` after its scripts ran, in a browser started with `flags` (e.g. `--force-dark-mode`, which makes
    /// `prefers-color-scheme: dark` match), and the console's messages.
    package static func dom(_ file: String, in folder: String, flags: [String] = []) async throws -> (dom: String, console: [String]) {
        let chromium = try tool("chromium")
        let result = try await run(
            [chromium, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-extensions",
             "--disable-background-networking", "--disable-component-update", "--disable-sync", "--user-data-dir=" + folder + "/profile",
             "--enable-logging=stderr", "--v=0"] + flags + ["--dump-dom", URL(fileURLWithPath: file).absoluteString])
        let console = String(decoding: result.stderr, as: UTF8.self).split(separator: "\n").map(String.init).filter { $0.contains(":CONSOLE") }
        return (String(decoding: result.stdout, as: UTF8.self), console)
    }

    /// The browser's own background traffic (its network-time and component services), which no page makes: a report
    /// never names these hosts, and the page's CSP would refuse them with a console error anyway.
    static let browserHosts = [".google.com/", ".googleapis.com/", ".gstatic.com/"]

    /// The URLs a NetLog names, but the page's own file, `data:`/`about:`/`chrome:` ones and the browser's own traffic.
    static func requestedURLs(_ log: String, except page: String) -> [String] {
        let matches = log.matches(of: /"url":"([^"]+)"/).map { String($0.1) }
        return Array(Set(matches.filter { url in
            url != page && !url.hasPrefix("data:") && !url.hasPrefix("about:") && !url.hasPrefix("chrome")
                && !browserHosts.contains { url.contains($0) }
        })).sorted()
    }

    static func run(_ arguments: [String]) async throws -> Subprocess.Outcome {
        let outcome = try await runBlocking("preflight.test.chromium") {
            try Subprocess(arguments: arguments, environment: ProcessInfo.processInfo.environment)
                .run(input: [], deadline: Date().addingTimeInterval(90))
        }
        guard outcome.termination == .exited(0) else {
            throw Missing(
                description: "\(URL(fileURLWithPath: arguments[0]).lastPathComponent) ended with \(outcome.termination): "
                    + String(decoding: outcome.stderr.suffix(2000), as: UTF8.self))
        }
        return outcome
    }
}
