import Foundation

/// The timestamped report sets in `--out` (`preflight-<stamp>[-n].<ext>`): naming a new one, and pruning old ones.
public enum ReportRetention {
    /// A set's name: `preflight-20261126T101500Z`, with `-2`, `-3`, … when a run of the same second already wrote one.
    static func freshStem(for startedAt: String, in folder: String) -> String {
        let base = "preflight-" + ReportWriter.compactTimestamp(startedAt)
        let taken = Set(sets(in: folder).map(\.stem))
        var stem = base
        var counter = 2
        while taken.contains(stem) {
            stem = "\(base)-\(counter)"
            counter += 1
        }
        return stem
    }

    /// Deletes every timestamped file outside the newest `keep` sets; `latest.*` and other files are never touched.
    /// Returns the deleted paths.
    @discardableResult
    public static func prune(_ folder: String, keep: Int) throws(PreflightError) -> [String] {
        let all = sets(in: folder)
        let newest = Set(Set(all.map(\.order)).sorted(by: >).prefix(keep).map(\.stem))
        var deleted: [String] = []
        for file in all where !newest.contains(file.stem) {
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

    /// Files named exactly like ours; anything else in the folder is the user's.
    static func sets(in folder: String) -> [Entry] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []
        return names.compactMap { name -> Entry? in
            guard let match = name.wholeMatch(of: /preflight-(\d{8}T\d{6}Z)(?:-(\d+))?\.([a-z.]+)/) else { return nil }
            let stem = "preflight-\(match.1)" + (match.2.map { "-\($0)" } ?? "")
            return Entry(name: name, stem: stem, order: Order(stamp: String(match.1), counter: match.2.flatMap { Int($0) } ?? 1, stem: stem))
        }
    }
}
