import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// For fuzzing only, not API: one entry per parser of untrusted input, for the libFuzzer harnesses in `Fuzz/Harnesses`
/// (`make fuzz`, scripts/fuzz.sh) and for the regression tests of what they found.
///
/// Each entry takes the raw bytes of one input and goes the way a run does: file readers get the bytes as a file (written
/// to a scratch folder, /dev/shm under `make fuzz`) and read it through the same function the probe or command calls,
/// with the same checks before the parser. Errors are the expected outcome for most inputs; only a crash, a leak or a
/// hang is a finding. The result is the error's message, or nil when the input was accepted (the tests use it).
package enum FuzzEntry {
    // MARK: Scratch files

    /// `PREFLIGHT_FUZZ_SCRATCH` (set by scripts/fuzz.sh to a folder in /dev/shm), else the temporary folder.
    package static let scratchFolder: String = {
        let folder = ProcessInfo.processInfo.environment["PREFLIGHT_FUZZ_SCRATCH"] ?? NSTemporaryDirectory()
        try? FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        return folder.hasSuffix("/") ? String(folder.dropLast()) : folder
    }()

    /// Writes `bytes` to a file of its own (the tests call the entries concurrently), runs `body` on it, removes it.
    package static func withFile<T>(_ bytes: [UInt8], named name: String, _ body: (String) -> T) -> T {
        // A folder per input keeps the file's name, which some readers look at (a date in a policy file's name).
        let folder = scratchFolder + "/" + UUID().uuidString
        let path = folder + "/" + name
        guard mkdir(folder, 0o700) == 0, FileManager.default.createFile(atPath: path, contents: Data(bytes)) else {
            fatalError("cannot write the fuzz input to \(path)")
        }
        defer {
            unlink(path)
            rmdir(folder)
        }
        return body(path)
    }
}
