import Foundation
import PreflightCore

/// The timestamped report sets in `--out` (`preflight-<stamp>[-n].<ext>`): naming a new one, and pruning old ones.
package enum ReportRetention {
    /// A set's name: `preflight-20261126T101500Z`, with `-2`, `-3`, … when a run of the same second already wrote one.
    /// `alsoTaken`: the stems of run folders (`.preflight-run-<stamp>`), which no new set may reuse either.
    static func freshStem(for startedAt: String, in folder: String, alsoTaken: Set<String> = []) -> String {
        let base = "preflight-" + ReportWriter.compactTimestamp(startedAt)
        let taken = Set(sets(in: folder).map(\.stem)).union(alsoTaken)
        var stem = base
        var counter = 2
        while taken.contains(stem) {
            stem = "\(base)-\(counter)"
            counter += 1
        }
        return stem
    }

    /// Deletes the timestamped report files outside the newest `keep` sets. The set of `current` (a path this run
    /// wrote) always stays, even when a copied or future-dated set sorts after it. Only regular files with a report
    /// extension are ever deleted; `latest.*`, folders and other files are the user's.
    @discardableResult
    static func prune(_ folder: String, keep: Int, current: String? = nil) throws(PreflightError) -> [String] {
        let all = sets(in: folder)
        let currentStem = current.flatMap { path in all.first { $0.name == (path as NSString).lastPathComponent }?.stem }
        let others = Set(all.map(\.order)).filter { $0.stem != currentStem }.sorted(by: >)
        let kept = Set(others.prefix(keep - (currentStem == nil ? 0 : 1)).map(\.stem) + [currentStem].compactMap { $0 })
        var deleted: [String] = []
        for file in all where !kept.contains(file.stem) {
            let path = (folder as NSString).appendingPathComponent(file.name)
            do {
                try FileManager.default.removeItem(atPath: path)
            } catch {
                throw .cannotWrite(path: path, reason: "an old report cannot be deleted for --keep (\(error.localizedDescription))")
            }
            deleted.append(path)
        }
        return deleted
    }

    struct Entry {
        var name: String
        var stem: String
        /// Sorts sets oldest to newest: the stamp, then the same-second counter.
        var order: Order
    }

    struct Order: Comparable, Hashable {
        var stamp: String
        var counter: Int
        var stem: String
        static func < (a: Order, b: Order) -> Bool { (a.stamp, a.counter) < (b.stamp, b.counter) }
    }

    /// Regular files named exactly like ours, with one of our extensions; anything else in the folder is the user's.
    static func sets(in folder: String) -> [Entry] {
        let extensions = Set(ReportFormat.allCases.compactMap(\.fileExtension))
        let names = (try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []
        return names.compactMap { name -> Entry? in
            guard let match = name.wholeMatch(of: /preflight-(\d{8}T\d{6}Z)(?:-(\d+))?\.([a-z.]+)/),
                extensions.contains(String(match.3)), isRegularFile((folder as NSString).appendingPathComponent(name))
            else { return nil }
            let stem = "preflight-\(match.1)" + (match.2.map { "-\($0)" } ?? "")
            return Entry(name: name, stem: stem, order: Order(stamp: String(match.1), counter: match.2.flatMap { Int($0) } ?? 1, stem: stem))
        }
    }

    private static func isRegularFile(_ path: String) -> Bool {
        var info = stat()
        return lstat(path, &info) == 0 && (info.st_mode & S_IFMT) == S_IFREG
    }
}
