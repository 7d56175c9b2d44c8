import ArgumentParser
import Foundation
import PreflightCore

/// `--out FILE` of the commands that print one document (`render`, `diff`): stdout, or the file written atomically.
struct StdoutOrFileOption: ParsableArguments {
    @Option(help: .file("Write to this file (atomically) instead of stdout."))
    var out: String?

    func write(_ body: Data) throws {
        if let out {
            try AtomicFile.write(body, to: out)
        } else {
            FileHandle.standardOutput.write(body)
        }
    }
}
