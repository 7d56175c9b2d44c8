import Foundation

/// What a reader finds in a `--out` folder: the `latest.*` files, the timestamped sets, and anything an interrupted
/// publish may have left. Reads through the folder's links as any reader would; knows nothing of how they are made.
package enum ReportSets {
    package static let extensions = ["md", "json", "junit.xml", "prom", "csv"]

    /// The bytes of each `latest.<ext>` a reader can open; a missing (or dangling) one is absent.
    package static func latest(in folder: String) -> [String: Data] {
        var found: [String: Data] = [:]
        for ext in extensions {
            if let data = FileManager.default.contents(atPath: (folder as NSString).appendingPathComponent("latest.\(ext)")) {
                found[ext] = data
            }
        }
        return found
    }

    /// Names an interrupted publish may leave: temporary files and links, staging folders.
    package static func leftovers(in folder: String) -> [String] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []
        return names.filter { $0.hasSuffix(".tmp") || $0.hasPrefix(".preflight-staging-") || $0.hasPrefix(".preflight-tmp-") }.sorted()
    }

    /// The timestamped sets (`preflight-<stamp>[-n]`) and the extensions each one has.
    package static func timestamped(in folder: String) -> [String: Set<String>] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []
        var sets: [String: Set<String>] = [:]
        for name in names {
            guard let match = name.wholeMatch(of: /(preflight-\d{8}T\d{6}Z(?:-\d+)?)\.([a-z.]+)/), extensions.contains(String(match.2)) else {
                continue
            }
            sets[String(match.1), default: []].insert(String(match.2))
        }
        return sets
    }

    /// The run a `latest.*` file of the CLI tests' token plugin comes from (`RunToken.plugin`): every format names it.
    package static func token(_ ext: String, _ data: Data) -> Int? {
        let text = String(decoding: data, as: UTF8.self)
        if ext == "prom" {
            return text.firstMatch(of: /preflight_findings\{id="PLG-811"\} (\d+)/).flatMap { Int($0.1) }
        }
        let tokens = Set(text.matches(of: /run-(\d+)-item/).compactMap { Int($0.1) })
        return tokens.count == 1 ? tokens.first : nil
    }

    /// The tokens of every `latest.*` in `folder` (nil for a file that names no single run: half a file, or a mix).
    package static func tokens(in folder: String) -> [String: Int?] {
        latest(in: folder).reduce(into: [:]) { $0[$1.key] = token($1.key, $1.value) }
    }
}

/// A check whose plugin names the run it belongs to in every report format: it fails with `RUN_TOKEN` findings
/// targeted `run-<token>-item-<i>` (Markdown, JSON, JUnit and CSV list the targets; Prometheus counts them). With
/// `RUN_MARK` set, it creates that file as it answers: the run is then about to write its reports.
package enum RunToken {
    package static let checkID = "PLG-811"

    package static let plugin = """
        #!/bin/sh
        cat >/dev/null
        n=${RUN_TOKEN:-1}
        findings=""
        i=0
        while [ $i -lt $n ]; do
          findings="$findings{\\"status\\":\\"fail\\",\\"target\\":\\"run-$n-item-$i\\",\\"message\\":\\"Found in run $n.\\"},"
          i=$((i + 1))
        done
        if [ -n "${RUN_MARK:-}" ]; then : > "$RUN_MARK"; fi
        echo "{\\"status\\":\\"fail\\",\\"message\\":\\"The run's token.\\",\\"findings\\":[${findings%,}]}"

        """

    /// Writes the check into `folder` (relative to `temporary`) and returns the folder's path.
    @discardableResult
    package static func write(into temporary: TemporaryFolder, folder: String = "custom") throws -> String {
        try TestCatalog(in: temporary, folder).plugin(checkID, title: "Run token", description: "Names its run in every format.", script: plugin)
    }
}
