import Foundation
import PreflightCore

#if canImport(Glibc)
    import Glibc
#endif

/// Publishes a run's reports as one set, so that an interruption or a full disk at any moment leaves the `latest.*` of
/// the previous run or those of the new one, never a mix, and never half a file.
///
/// The layout in `--out` (README, "How the report set is published"):
///
///     preflight-<stamp>.<ext>            the run's reports (regular files; hard links to the run folder's)
///     .preflight-run-<stamp>/latest.<ext>   the run folder: the whole set, written and fsynced before it is published
///     .preflight-latest -> .preflight-run-<stamp>   the one name whose atomic replacement publishes a set
///     latest.<ext> -> .preflight-latest/latest.<ext>   what people and jobs read; fixed symbolic links
///
/// A publish writes the set into `.preflight-staging-<stamp>/`, fsyncs it and renames it to the run folder, points
/// each `latest.<ext>` of its formats through `.preflight-latest` (unchanged after the first run), then replaces
/// `.preflight-latest` by rename(2): that one rename switches every `latest.<ext>` at once. Only then are the timestamped
/// names linked. Every later publish first removes what an interrupted one left (staging folders, temporary links,
/// run folders that were never or are no longer published) and links the timestamped names the published run lacks.
package enum ReportWriter {
    static let pointerName = ".preflight-latest"
    static let runPrefix = ".preflight-run-"
    static let stagingPrefix = ".preflight-staging-"
    static let temporaryPrefix = ".preflight-tmp-"
    /// The run folder an upgrade makes of the regular `latest.*` files older versions wrote.
    static let legacyRunName = runPrefix + "previous"

    /// Writes the report set (each file format; `summary` is no file) and publishes it as `latest.*`; returns the
    /// timestamped paths (`preflight-<stamp>.<ext>`, `-2`, … after a run of the same second).
    package static func write(_ report: Report, formats: [ReportFormat], to folder: String) throws(PreflightError) -> [String] {
        try publish(report, formats: formats, to: folder, keep: nil)
    }

    /// `write`, then `--keep`'s pruning, as one step that an interruption waits for (`ReportPublication.freeze`).
    package static func publish(_ report: Report, formats: [ReportFormat], to folder: String, keep: Int?) throws(PreflightError) -> [String] {
        try ReportPublication.shared.perform { () throws(PreflightError) -> [String] in
            let written: [String]
            do {
                written = try publish(report, formats: formats, to: folder, stopAt: { _ in false })
            } catch let error as PreflightError {
                throw error
            } catch {
                throw .cannotWrite(path: folder, reason: "\(error)")
            }
            if let keep { try ReportRetention.prune(folder, keep: keep, current: written.first) }
            return written
        }
    }

    /// The moments of a publish, for tests that stop it there as a SIGKILL would (`stopAt` returning true).
    enum Step: Hashable, Sendable {
        case recovered, migrated, staged(ReportFormat), stagedAll, runFolder, pointed(ReportFormat), switched
        case timestamped(ReportFormat), done
    }

    /// Thrown when `stopAt` says so: the publish ends where it is, with nothing cleaned up.
    struct Stopped: Error {}

    static func publish(
        _ report: Report, formats: [ReportFormat], to folder: String, stopAt: (Step) -> Bool
    ) throws -> [String] {
        do {
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        } catch {
            throw PreflightError.cannotWrite(path: folder, reason: "the folder cannot be created (\(error.localizedDescription))")
        }
        // Only formats with a file extension: the `fileExtension!`s below cannot fail.
        let files = formats.filter { $0.fileExtension != nil }.reduce(into: [ReportFormat]()) { if !$0.contains($1) { $0.append($1) } }
        // `--format summary` alone writes no file: the folder and its latest.* stay as they are.
        guard !files.isEmpty else { return [] }
        let set = ReportSet(folder: folder)
        func checkpoint(_ step: Step) throws { if stopAt(step) { throw Stopped() } }

        set.recover()
        try checkpoint(.recovered)
        try set.migrateRegularLatestFiles()
        try checkpoint(.migrated)

        let stem = ReportRetention.freshStem(for: report.run.startedAt, in: folder, alsoTaken: set.runFolderStems())
        let staging = set.path(stagingPrefix + stamp(of: stem))
        let runFolder = set.path(runPrefix + stamp(of: stem))
        do {
            try set.makeFolder(staging)
            // The formats are written side by side (a million-user JSON report and the Markdown summary's action plan
            // each take a core for a second or more); the first failure, in the formats' order, is the one thrown.
            let failures = ErrorSlots(count: files.count)
            DispatchQueue.concurrentPerform(iterations: files.count) { index in
                let format = files[index]
                do {
                    try set.writeNew(to: (staging as NSString).appendingPathComponent("latest.\(format.fileExtension!)")) { stream in
                        try format.write(report, to: stream)
                    }
                } catch {
                    failures.set(index, error)
                }
            }
            if let failure = failures.first { throw failure }
            for format in files { try checkpoint(.staged(format)) }
            try set.sync(staging)
            try checkpoint(.stagedAll)
            try set.rename(staging, to: runFolder)
            try set.sync(folder)
            try checkpoint(.runFolder)
            for format in files {
                try set.pointLatest(format.fileExtension!)
                try checkpoint(.pointed(format))
            }
            try set.switchPointer(to: runPrefix + stamp(of: stem))
        } catch let error as PreflightError {
            // Not published: the previous set stays what latest.* show; what this run wrote goes.
            try? FileManager.default.removeItem(atPath: staging)
            try? FileManager.default.removeItem(atPath: runFolder)
            throw error
        }
        try checkpoint(.switched)
        ReportPublication.shared.published()

        // Published. The timestamped names and the tidying follow; an interruption here is repaired by the next run.
        var written: [String] = []
        var failure: PreflightError?
        for format in files {
            let name = "\(stem).\(format.fileExtension!)"
            do {
                try set.linkOrCopy((runFolder as NSString).appendingPathComponent("latest.\(format.fileExtension!)"), to: set.path(name))
            } catch let error as PreflightError {
                failure = failure ?? error
            }
            // Paths keep the folder as the user wrote it, so printed paths match what they typed.
            written.append(set.path(name))
            try checkpoint(.timestamped(format))
        }
        set.removeLatestLinks(except: Set(files.compactMap(\.fileExtension)))
        try? set.sync(folder)
        try checkpoint(.done)
        if let failure {
            let why: String
            switch failure {
            case .diskFull(_, let quota): why = quota ? "the disk quota is used up" : "the file system is full"
            case .cannotWrite(let path, let reason): why = "'\(path)': \(reason)"
            default: why = failure.description
            }
            throw PreflightError.cannotWrite(
                path: folder,
                reason: "this run's reports were published as latest.*, but their timestamped copies could not all be written (\(why)); "
                    + "the next run adds the missing ones")
        }
        return written
    }

    /// `preflight-20261126T101500Z-2` → `20261126T101500Z-2`: what names the run's staging and run folders.
    static func stamp(of stem: String) -> String { String(stem.dropFirst("preflight-".count)) }

    /// `2026-11-26T10:15:00Z` → `20261126T101500Z`.
    static func compactTimestamp(_ rfc3339: String) -> String {
        rfc3339.replacingOccurrences(of: "-", with: "").replacingOccurrences(of: ":", with: "")
            .replacingOccurrences(of: ".000", with: "")
    }
}

/// One publish at a time in this process, and none after an interruption began: a signal waits for the publish under
/// way (so the set is either switched or not), then keeps any later one from starting while the process ends.
package final class ReportPublication: @unchecked Sendable {
    package static let shared = ReportPublication()
    private let lock = NSLock()
    private var count = 0

    func perform<T, E: Error>(_ body: () throws(E) -> T) throws(E) -> T {
        lock.lock()
        defer { lock.unlock() }
        return try body()
    }

    /// Called with the lock held, when `latest` switched to this process's set.
    fileprivate func published() { count += 1 }

    /// Waits up to `timeout` seconds for a publish under way and never lets another start (the process is ending).
    /// True when this process published a report set.
    package func freeze(timeout: Double) -> Bool {
        _ = lock.lock(before: Date().addingTimeInterval(timeout))
        return count > 0
    }
}

/// The file operations of a publish, on one `--out` folder, each one checked: errno becomes a sentence.
struct ReportSet {
    let folder: String

    func path(_ name: String) -> String { (folder as NSString).appendingPathComponent(name) }

    static var extensions: [String] { ReportFormat.allCases.compactMap(\.fileExtension) }

    /// `.latest.md.1234.tmp` and `.preflight-<stamp>.md.1234.tmp`: what older versions left when killed mid-write.
    static func isOldTemporary(_ name: String) -> Bool {
        guard let match = name.wholeMatch(of: /\.(?:latest|preflight-\d{8}T\d{6}Z(?:-\d+)?)\.([a-z.]+)\.\d+\.tmp/) else { return false }
        return extensions.contains(String(match.1))
    }

    /// The run folder `.preflight-latest` points at, when it is one of ours.
    var publishedRunFolder: String? {
        guard let target = Self.readLink(path(ReportWriter.pointerName)), target.hasPrefix(ReportWriter.runPrefix), !target.contains("/")
        else { return nil }
        return target
    }

    func runFolderStems() -> Set<String> {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []
        return Set(names.filter { $0.hasPrefix(ReportWriter.runPrefix) }.map { "preflight-" + $0.dropFirst(ReportWriter.runPrefix.count) })
    }

    /// Removes what an interrupted publish left: staging folders, temporary links and files, and run folders that are
    /// not the published one (never published, or replaced since). Links the timestamped names the published run lacks
    /// (a publish stopped right after the switch; `--keep` never deletes the published run's set, so nothing else
    /// makes them go). Best effort: what cannot be removed now is tried again next time.
    func recover() {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []
        let published = publishedRunFolder
        for name in names {
            let leftover =
                name.hasPrefix(ReportWriter.stagingPrefix) || name.hasPrefix(ReportWriter.temporaryPrefix) || Self.isOldTemporary(name)
                || (name.hasPrefix(ReportWriter.runPrefix) && name != published)
            if leftover { try? FileManager.default.removeItem(atPath: path(name)) }
        }
        guard let published, published.dropFirst(ReportWriter.runPrefix.count).wholeMatch(of: /\d{8}T\d{6}Z(?:-\d+)?/) != nil else { return }
        let stem = "preflight-" + published.dropFirst(ReportWriter.runPrefix.count)
        let runFolder = path(published)
        let inside = ((try? FileManager.default.contentsOfDirectory(atPath: runFolder)) ?? []).compactMap { name -> String? in
            guard name.hasPrefix("latest.") else { return nil }
            return String(name.dropFirst("latest.".count))
        }
        for ext in inside where !FileManager.default.fileExists(atPath: path("\(stem).\(ext)")) {
            try? linkOrCopy((runFolder as NSString).appendingPathComponent("latest.\(ext)"), to: path("\(stem).\(ext)"))
        }
    }

    /// Older versions wrote `latest.*` as regular files. Before the first switch they become links into a run folder
    /// made of the same files (hard links), so that each of them reads the same bytes at every moment of the upgrade.
    func migrateRegularLatestFiles() throws {
        var info = stat()
        guard lstat(path(ReportWriter.pointerName), &info) != 0, errno == ENOENT else { return }
        let regular = Self.extensions.filter { Self.isRegularFile(path("latest.\($0)")) }
        guard !regular.isEmpty else { return }
        let staging = path(ReportWriter.stagingPrefix + "previous")
        let runFolder = path(ReportWriter.legacyRunName)
        try? FileManager.default.removeItem(atPath: staging)
        try? FileManager.default.removeItem(atPath: runFolder)
        do {
            try makeFolder(staging)
            for ext in regular {
                try linkOrCopy(path("latest.\(ext)"), to: (staging as NSString).appendingPathComponent("latest.\(ext)"))
            }
            try sync(staging)
            try rename(staging, to: runFolder)
            try switchPointer(to: ReportWriter.legacyRunName)
        } catch {
            try? FileManager.default.removeItem(atPath: staging)
            throw error
        }
        for ext in regular { try pointLatest(ext) }
    }

    /// Makes `latest.<ext>` the link `.preflight-latest/latest.<ext>` (it stays so from then on).
    func pointLatest(_ ext: String) throws {
        let name = path("latest.\(ext)")
        let target = "\(ReportWriter.pointerName)/latest.\(ext)"
        if Self.readLink(name) == target { return }
        try replace(name, withLinkTo: target)
    }

    /// The switch: `.preflight-latest` now points at `runFolder`, in one rename(2), made durable.
    func switchPointer(to runFolder: String) throws {
        try replace(path(ReportWriter.pointerName), withLinkTo: runFolder)
        try sync(folder)
    }

    /// `latest.<ext>` links of formats the published run did not write would dangle: they go.
    func removeLatestLinks(except kept: Set<String>) {
        for ext in Self.extensions where !kept.contains(ext) {
            let name = path("latest.\(ext)")
            if Self.readLink(name) == "\(ReportWriter.pointerName)/latest.\(ext)" { unlink(name) }
        }
    }

    private func replace(_ name: String, withLinkTo target: String) throws {
        let temporary = path("\(ReportWriter.temporaryPrefix)\((name as NSString).lastPathComponent)-\(getpid())")
        unlink(temporary)
        guard symlink(target, temporary) == 0 else {
            let code = errno
            if code == EPERM || code == ENOTSUP || code == EOPNOTSUPP {
                throw PreflightError.cannotWrite(
                    path: folder,
                    reason: "its file system does not support symbolic links (\(String(cString: strerror(code)))), which publish the report set "
                        + "(latest.* are links into the published run's folder, so that all of them switch at once)")
            }
            throw failure(code, temporary, "a link cannot be created")
        }
        do {
            try rename(temporary, to: name)
        } catch {
            unlink(temporary)
            throw error
        }
    }

    func makeFolder(_ name: String) throws {
        guard mkdir(name, 0o777) == 0 else { throw failure(errno, name, "the folder cannot be created") }
    }

    /// A new file, written, fsynced and closed, each step checked (a full disk may only show at fsync or close).
    func writeNew(_ data: Data, to name: String) throws {
        try writeNew(to: name) { stream in try data.withUnsafeBytes { try stream.write(bytes: $0.bindMemory(to: UInt8.self)) } }
    }

    /// A new file whose bytes `produce` writes to a stream, a chunk at a time (a report of a million findings is never one
    /// string in memory); then fsynced and closed, each step checked.
    func writeNew(to name: String, _ produce: (ReportStream) throws -> Void) throws {
        let fd = open(name, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o666)
        guard fd >= 0 else { throw failure(errno, name, "it cannot be created") }
        struct WriteFailed: Error { var code: Int32 }
        let stream = ReportStream { chunk in
            let code = chunk.withUnsafeBytes { buffer -> Int32 in
                var offset = 0
                while offset < buffer.count {
                    // `offset < buffer.count`: the buffer is not empty, so it has a base address.
                    let count = Glibc.write(fd, buffer.baseAddress! + offset, buffer.count - offset)
                    if count < 0 {
                        if errno == EINTR { continue }
                        return errno
                    }
                    offset += count
                }
                return 0
            }
            if code != 0 { throw WriteFailed(code: code) }
        }
        var code: Int32 = 0
        do {
            try produce(stream)
            try stream.finish()
        } catch let failed as WriteFailed {
            code = failed.code
        } catch {
            close(fd)
            throw PreflightError.cannotWrite(path: name, reason: "it cannot be written (\(error))")
        }
        if code == 0, fsync(fd) != 0 { code = errno }
        if close(fd) != 0, code == 0 { code = errno }
        if code != 0 { throw failure(code, name, "it cannot be written") }
    }

    func sync(_ name: String) throws {
        let fd = open(name, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard fd >= 0 else { throw failure(errno, name, "it cannot be opened") }
        defer { close(fd) }
        // Some file systems cannot sync a folder (EINVAL); the renames are still atomic there.
        if fsync(fd) != 0, errno != EINVAL, errno != EROFS { throw failure(errno, name, "it cannot be synced") }
    }

    func rename(_ from: String, to: String) throws {
        guard Glibc.rename(from, to) == 0 else { throw failure(errno, to, "it cannot be replaced") }
    }

    /// A hard link (no second copy on disk); a copy where the file system has none.
    func linkOrCopy(_ source: String, to destination: String) throws {
        if link(source, destination) == 0 { return }
        let code = errno
        guard code == EPERM || code == ENOTSUP || code == EOPNOTSUPP || code == EMLINK || code == EXDEV else {
            throw failure(code, destination, "it cannot be linked")
        }
        guard let data = FileManager.default.contents(atPath: source) else { throw failure(EIO, source, "it cannot be read") }
        let temporary = path("\(ReportWriter.temporaryPrefix)\((destination as NSString).lastPathComponent)-\(getpid())")
        unlink(temporary)
        do {
            try writeNew(data, to: temporary)
            try rename(temporary, to: destination)
        } catch {
            unlink(temporary)
            throw error
        }
    }

    private func failure(_ code: Int32, _ name: String, _ what: String) -> PreflightError {
        if code == ENOSPC || code == EDQUOT { return .diskFull(path: folder, quota: code == EDQUOT) }
        return .cannotWrite(path: name, reason: "\(what) (\(String(cString: strerror(code))))")
    }

    static func readLink(_ name: String) -> String? {
        var buffer = [CChar](repeating: 0, count: 4096)
        let count = readlink(name, &buffer, buffer.count - 1)
        guard count >= 0 else { return nil }
        return String(decoding: buffer[0..<count].map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    static func isRegularFile(_ name: String) -> Bool {
        var info = stat()
        return lstat(name, &info) == 0 && (info.st_mode & S_IFMT) == S_IFREG
    }
}

/// One error slot per concurrent job, read once they are all done.
private final class ErrorSlots: @unchecked Sendable {
    private let lock = NSLock()
    private var errors: [(any Error)?]

    init(count: Int) { errors = Array(repeating: nil, count: count) }

    func set(_ index: Int, _ error: any Error) {
        lock.lock()
        defer { lock.unlock() }
        errors[index] = error
    }

    var first: (any Error)? {
        lock.lock()
        defer { lock.unlock() }
        return errors.compactMap { $0 }.first
    }
}
