import Foundation
import PreflightCore

/// A Graph response saved as JSON, or a folder of them: the pages of one `@odata.nextLink` series (`page-1.json`,
/// `page-2.json`, …, read in their numeric order), or the responses of several service principals (a Cloud Sync
/// configuration per domain), as `Invoke-MgGraphRequest … | ConvertTo-Json -Depth 20 | Set-Content`
/// writes them. A collection page is `{"@odata.context": …, "value": [ … ], "@odata.nextLink": …}`
/// (https://learn.microsoft.com/graph/paging); a single entity (a job's schema) is the object itself.
struct GraphPages {
    /// One file's JSON, with the line each item of its top-level `value` array starts on.
    struct Page {
        var file: String
        var root: [String: Any]
        var itemLines: [Int]
    }

    var pages: [Page]

    /// The files of `path`: the file itself, or the `.json` files of the folder in natural order (page-2 before page-10).
    static func files(_ path: String, key: String) throws -> [String] {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw ProbeError("'\(path)' (named by '\(key)') does not exist. Save the Graph response there (docs/cloud-sync.md).")
        }
        guard isDirectory.boolValue else { return [path] }
        let names = (try? FileManager.default.contentsOfDirectory(atPath: path)) ?? []
        let json = names.filter { $0.lowercased().hasSuffix(".json") }.sorted { $0.localizedStandardCompare($1) == .orderedAscending }
        guard !json.isEmpty else {
            throw ProbeError(
                "The folder '\(path)' (named by '\(key)') holds no .json file. Save each Graph page there as page-1.json, page-2.json, … "
                    + "(docs/cloud-sync.md), or name the one saved response instead of the folder.")
        }
        return json.map { URL(fileURLWithPath: path).appendingPathComponent($0).path }
    }

    /// Reads every page of `path`, each a JSON object; `what` names the response in messages, `remedy` says how to save it.
    static func read(_ path: String, key: String, what: String, remedy: String) throws -> GraphPages {
        var pages: [Page] = []
        for file in try files(path, key: key) {
            let text = try TextDecoding.read(file, key: key)
            let root = try JSONInput.object(text, path: file, what: what, remedy: remedy)
            guard let object = root as? [String: Any] else {
                throw ProbeError(
                    "\(file):1:1: \(what) is a JSON \(root is [Any] ? "array" : "value"), not the object Graph returns. \(remedy)",
                    at: InputLocation(file: file))
            }
            pages.append(Page(file: file, root: object, itemLines: Self.valueItemLines(text)))
        }
        return GraphPages(pages: pages)
    }

    /// The items of every page's `value` array, each with its file and line, after checking that the pages form one
    /// whole series: every page but the last names a next page, and the last names none.
    func collection(key: String, what: String, remedy: String) throws -> [(item: [String: Any], file: String, line: Int)] {
        var items: [(item: [String: Any], file: String, line: Int)] = []
        for (index, page) in pages.enumerated() {
            guard let value = page.root["value"] as? [Any] else {
                throw ProbeError(
                    "\(page.file):1:1: \(what) has no \"value\" array, so it is not a Graph collection response. \(remedy)",
                    at: InputLocation(file: page.file))
            }
            let next = page.root["@odata.nextLink"] as? String
            if index == pages.count - 1, let next {
                throw ProbeError(
                    "\(page.file):1:1: \(what) names a next page (@odata.nextLink \(InputLimits.quote(next))) that is not saved, so the "
                        + "list is incomplete. Follow @odata.nextLink until a page has none, saving each page (docs/cloud-sync.md), and "
                        + "name the folder in '\(key)'.",
                    at: InputLocation(file: page.file))
            }
            // Several configurations' responses may share a folder (one per domain): a page that names a next page of
            // its service principal must be followed by one of the same service principal, or that list is incomplete.
            if let next, index + 1 < pages.count, let owner = Self.servicePrincipal(in: next),
                let following = (pages[index + 1].root["@odata.context"] as? String).flatMap(Self.servicePrincipal(in:)),
                owner.caseInsensitiveCompare(following) != .orderedSame
            {
                let file = pages[index + 1].file
                throw ProbeError(
                    "\(page.file):1:1: \(what) names a next page of service principal \(owner) (@odata.nextLink), but the next file, "
                        + "'\(file)', is a page of service principal \(following): the rest of \(owner)'s list is not saved. Save every "
                        + "page of each service principal (docs/cloud-sync.md), named so that they sort together (e.g. \(owner)-page-1.json).",
                    at: InputLocation(file: page.file))
            }
            for (position, element) in value.enumerated() {
                let line = position < page.itemLines.count ? page.itemLines[position] : 1
                guard let object = element as? [String: Any] else {
                    throw ProbeError(
                        "\(page.file):\(line):1: item \(position + 1) of \"value\" in \(what) is not a JSON object. \(remedy)",
                        at: InputLocation(file: page.file, line: line))
                }
                items.append((object, page.file, line))
            }
        }
        return items
    }

    /// The service principal a Graph URL or `@odata.context` names: `servicePrincipals('<id>')` or `servicePrincipals/<id>/`.
    static func servicePrincipal(in url: String) -> String? {
        guard let range = url.range(of: "servicePrincipals", options: .caseInsensitive) else { return nil }
        let rest = url[range.upperBound...].drop { $0 == "(" || $0 == "'" || $0 == "/" }
        let id = rest.prefix { $0.isHexDigit || $0 == "-" }
        return id.isEmpty ? nil : String(id)
    }

    /// The line each element of the root object's `value` array starts on (JSONSerialization keeps no positions).
    static func valueItemLines(_ text: String) -> [Int] {
        var lines: [Int] = []
        var line = 1
        var depth = 0
        var inString = false
        var escaped = false
        var lastKey = ""
        var current: [UInt8] = []
        var valueDepth: Int?
        var expectingElement = false
        for byte in text.utf8 {
            if byte == 0x0A { line += 1 }
            if inString {
                if escaped {
                    escaped = false
                } else if byte == 0x5C {
                    escaped = true
                } else if byte == 0x22 {
                    inString = false
                    if depth == 1 { lastKey = String(decoding: current, as: UTF8.self) }
                } else if depth == 1 {
                    current.append(byte)
                }
                continue
            }
            let atElementStart = valueDepth != nil && depth == 2 && expectingElement
            switch byte {
            case 0x22:
                if atElementStart { lines.append(line); expectingElement = false }
                inString = true
                current = []
            case 0x7B, 0x5B:
                if atElementStart { lines.append(line); expectingElement = false }
                depth += 1
                if byte == 0x5B, depth == 2, lastKey == "value", valueDepth == nil { valueDepth = depth; expectingElement = true }
            case 0x7D, 0x5D:
                if depth == 2, valueDepth != nil, byte == 0x5D { valueDepth = nil }
                depth -= 1
            case 0x2C:
                if valueDepth != nil, depth == 2 { expectingElement = true }
            case 0x20, 0x09, 0x0A, 0x0D, 0x3A:
                break
            default:
                if atElementStart { lines.append(line); expectingElement = false }
            }
        }
        return lines
    }
}

/// Reading Graph's JSON members: Graph writes camelCase, Windows PowerShell's ConvertTo-Json keeps it; matched
/// case-insensitively all the same.
enum GraphJSON {
    static func member(_ object: [String: Any], _ key: String) -> Any? {
        if let value = object[key] { return value }
        return object.first { $0.key.caseInsensitiveCompare(key) == .orderedSame }?.value
    }

    static func string(_ object: [String: Any], _ key: String) -> String? {
        switch member(object, key) {
        case let text as String where !text.isEmpty: text
        case let number as NSNumber: number.stringValue
        default: nil
        }
    }

    static func object(_ object: [String: Any], _ key: String) -> [String: Any]? { member(object, key) as? [String: Any] }

    static func objects(_ object: [String: Any], _ key: String) -> [[String: Any]] {
        (member(object, key) as? [Any] ?? []).compactMap { $0 as? [String: Any] }
    }

    static func strings(_ object: [String: Any], _ key: String) -> [String] {
        (member(object, key) as? [Any] ?? []).compactMap { $0 as? String }
    }
}
