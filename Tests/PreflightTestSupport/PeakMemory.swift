import Foundation

/// Runs the built `preflight` binary as `CLI.run` does, and measures its peak resident memory: a small Python parent
/// waits for it and reads `ru_maxrss` of its waited-for children (`getrusage(RUSAGE_CHILDREN)`, KiB on Linux), which
/// counts the binary alone, not the parent. Python is already needed by the schema validator.
package enum PeakMemory {
    package struct Outcome: Sendable, CustomStringConvertible {
        package var result: CLIResult
        /// The child's peak resident set, in MiB.
        package var peakMiB: Double
        package var seconds: Double

        package var description: String { "\(result)\npeak RSS \(String(format: "%.1f", peakMiB)) MiB, \(String(format: "%.2f", seconds)) s" }
    }

    static let parent = """
        import resource, subprocess, sys
        code = subprocess.call(sys.argv[2:])
        with open(sys.argv[1], "w") as out:
            out.write(str(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss))
        sys.exit(code if code >= 0 else 128 - code)
        """

    package static func run(_ arguments: [String], in directory: String, timeout: Double = 120) async throws -> Outcome {
        let report = (directory as NSString).appendingPathComponent("peak-rss-\(UUID().uuidString.prefix(8))")
        let started = Date()
        let result = try await Program.run(
            ["python3", "-c", parent, report, CLI.executable] + arguments, in: directory, timeout: timeout)
        let seconds = Date().timeIntervalSince(started)
        let kib = (try? String(contentsOfFile: report, encoding: .utf8)).flatMap { Double($0.trimmingCharacters(in: .whitespacesAndNewlines)) }
        try? FileManager.default.removeItem(atPath: report)
        return Outcome(result: result, peakMiB: (kib ?? .infinity) / 1024, seconds: seconds)
    }
}

/// Writes large test inputs straight to disk, a MiB at a time, so a test never holds them in memory.
package enum LargeFile {
    /// `head`, then `unit` repeated until at least `bytes` bytes of it are written, then `tail`.
    package static func write(_ path: String, head: String = "", repeating unit: String, bytes: Int, tail: String = "") throws {
        FileManager.default.createFile(atPath: path, contents: nil)
        guard let handle = FileHandle(forWritingAtPath: path) else {
            throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: path])
        }
        defer { try? handle.close() }
        try handle.write(contentsOf: Data(head.utf8))
        let unitBytes = Array(unit.utf8)
        let chunk = Data((0..<max(1, (1 << 20) / unitBytes.count)).flatMap { _ in unitBytes })
        var written = 0
        while written < bytes {
            try handle.write(contentsOf: chunk)
            written += chunk.count
        }
        try handle.write(contentsOf: Data(tail.utf8))
    }
}
