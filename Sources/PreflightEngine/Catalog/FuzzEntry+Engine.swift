import Foundation
import PreflightCore

/// The configuration, check and waiver readers' fuzzing entries (see `FuzzEntry`).
extension FuzzEntry {
    // MARK: Configuration, checks, waivers, reports

    /// `preflight.yml`.
    @discardableResult
    package static func configuration(_ bytes: [UInt8]) -> String? {
        withFile(bytes, named: "preflight.yml") { path -> String? in
            do { _ = try Configuration.load(from: path) } catch { return "\(error)" }
            return nil
        }
    }

    /// `--waivers` / `waivers:` file.
    @discardableResult
    package static func waiverFile(_ bytes: [UInt8]) -> String? {
        withFile(bytes, named: "waivers.yml") { path -> String? in
            do { _ = try WaiverFile.load(from: path) } catch { return "\(error)" }
            return nil
        }
    }

    /// One check file of a `--checks` folder, against the built-in probe kinds.
    @discardableResult
    package static func checkFile(_ bytes: [UInt8], registry: ProbeRegistry) -> String? {
        guard let text = TextDecoding.decode(Data(bytes)) else { return "not text" }
        let sink = DiagnosticSink()
        do {
            _ = try CheckFileParser(file: scratchFolder + "/CHK-001.yml", area: "fuzz", registry: registry, sink: sink).parse(text)
        } catch {
            return "\(error)"
        }
        return sink.isEmpty ? nil : sink.diagnostics.map(\.description).joined(separator: "\n")
    }
}
