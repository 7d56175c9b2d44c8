import Foundation
import PreflightTestSupport
import Testing

/// The README is what a consultant reads first: short, and every link in it and in docs/ leads somewhere.
@Suite("README and docs/: length and links")
struct DocsLinksTests {
    static let readmeLimit = 250

    static func pages() throws -> [String] {
        let docs = try FileManager.default.contentsOfDirectory(atPath: Repository.root.appendingPathComponent("docs").path)
            .filter { $0.hasSuffix(".md") }.map { "docs/" + $0 }
        return ["README.md"] + docs.sorted()
    }

    @Test func theReadmeStaysShort() throws {
        let readme = try String(contentsOf: Repository.root.appendingPathComponent("README.md"), encoding: .utf8)
        let lines = readme.split(separator: "\n", omittingEmptySubsequences: false).count - (readme.hasSuffix("\n") ? 1 : 0)
        #expect(lines <= Self.readmeLimit, "README.md has \(lines) lines; keep it at \(Self.readmeLimit) or fewer and move the rest to docs/")
    }

    /// Every relative link names a file of the repository, and every `#anchor` a heading (GitHub's slugs) or an
    /// `<a id>` of the page it points to.
    @Test(arguments: try DocsLinksTests.pages()) func everyRelativeLinkResolves(_ page: String) throws {
        let url = Repository.root.appendingPathComponent(page)
        let text = try String(contentsOf: url, encoding: .utf8)
        var broken: [String] = []
        for link in MarkdownLinks.targets(in: text) where !link.contains("://") && !link.hasPrefix("mailto:") {
            let parts = link.split(separator: "#", maxSplits: 1, omittingEmptySubsequences: false).map(String.init)
            let target = parts[0].isEmpty ? url : url.deletingLastPathComponent().appendingPathComponent(parts[0]).standardizedFileURL
            guard FileManager.default.fileExists(atPath: target.path) else {
                broken.append("\(link): no such file '\(target.path.replacingOccurrences(of: Repository.root.path + "/", with: ""))'")
                continue
            }
            if parts.count == 2, target.pathExtension == "md" {
                let anchors = MarkdownLinks.anchors(in: try String(contentsOf: target, encoding: .utf8))
                if !anchors.contains(parts[1]) { broken.append("\(link): no heading or <a id> '\(parts[1])' in \(target.lastPathComponent)") }
            }
        }
        #expect(broken.isEmpty, "\(page) has broken links:\n\(broken.joined(separator: "\n"))")
    }
}

/// Just enough Markdown for links: inline links outside code blocks, and GitHub's heading slugs.
enum MarkdownLinks {
    static func prose(_ text: String) -> [Substring] {
        var inFence = false
        return text.split(separator: "\n", omittingEmptySubsequences: false).filter { line in
            if line.trimmingCharacters(in: .whitespaces).hasPrefix("```") {
                inFence.toggle()
                return false
            }
            return !inFence
        }
    }

    static func targets(in text: String) -> [String] {
        var found: [String] = []
        for line in prose(text) {
            var rest = line[...]
            while let open = rest.range(of: "](") {
                let after = rest[open.upperBound...]
                guard let close = after.firstIndex(of: ")") else { break }
                found.append(String(after[..<close]).split(separator: " ").first.map(String.init) ?? "")
                rest = after[close...]
            }
        }
        return found
    }

    /// GitHub: lower-cased, punctuation but `-` and `_` dropped, spaces to `-`; a repeated slug gets `-1`, `-2`, …
    static func anchors(in text: String) -> Set<String> {
        var seen: [String: Int] = [:]
        var anchors: Set<String> = []
        for line in prose(text) where line.hasPrefix("#") {
            let title = line.drop { $0 == "#" }.trimmingCharacters(in: .whitespaces)
            let slug = String(
                title.lowercased().compactMap { character -> Character? in
                    if character == " " { return "-" }
                    return character.isLetter || character.isNumber || character == "-" || character == "_" ? character : nil
                })
            let count = seen[slug, default: 0]
            anchors.insert(count == 0 ? slug : "\(slug)-\(count)")
            seen[slug] = count + 1
        }
        var rest = text[...]
        while let open = rest.range(of: "<a id=\"") {
            let after = rest[open.upperBound...]
            guard let close = after.firstIndex(of: "\"") else { break }
            anchors.insert(String(after[..<close]))
            rest = after[close...]
        }
        return anchors
    }
}
