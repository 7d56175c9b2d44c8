import ArgumentParser
import Foundation
import PreflightCore
import PreflightEngine

extension Topology: ExpressibleByArgument {}

/// `preflight init`: a commented `preflight.yml` that `validate` accepts as written, and the collection kit beside it
/// (`collect/sync-server.ps1`, `collect/graph-exports.ps1`, `collect/domain-controller.ps1`). Never overwrites a file without `--force`.
struct InitCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "init",
        abstract: "Write a commented preflight.yml and the PowerShell collection kit (collect/) for a first run.",
        discussion: """
            Every value only you know is commented out as <what to fill in>; 'preflight validate' accepts the file as \
            written and names each <…> left in an uncommented line (exit 78). Existing files are never overwritten \
            without --force (exit 73).
            """)

    @Option(help: ArgumentHelp("The sync engine: connect-sync (Entra Connect Sync) or cloud-sync (Entra Cloud Sync)."))
    var topology: Topology = .connectSync

    @Option(
        help: .file("Where to write the configuration; the kit goes into collect/ beside it."),
        completion: .file(extensions: ["yml", "yaml"]))
    var out = Configuration.defaultFileName

    @Flag(help: "Replace files that exist.")
    var force = false

    @Flag(help: "Print the collection kit's scripts on stdout instead of writing anything.")
    var collect = false

    func run() throws {
        let scripts = CollectionKit.scripts(for: topology)
        if collect {
            for script in scripts {
                print("# ---- collect/\(script.name) ----")
                print(script.text)
            }
            return
        }
        let folder = URL(fileURLWithPath: out).deletingLastPathComponent()
        let files =
            [(out, ConfigTemplate.text(for: topology), "the configuration template")]
            + scripts.map { (folder.appendingPathComponent("collect").appendingPathComponent($0.name).path, $0.text, "the collection kit's script") }
        if !force, let existing = files.first(where: { FileManager.default.fileExists(atPath: $0.0) }) {
            throw PreflightError.cannotWriteFile(
                path: existing.0, role: existing.2,
                reason: "it already exists, and preflight init never overwrites a file. Pass --force to replace it (and the rest of "
                    + "the kit), or --out FILE to write the configuration (and collect/ beside it) elsewhere")
        }
        for (path, text, role) in files {
            do {
                try FileManager.default.createDirectory(
                    at: URL(fileURLWithPath: path).deletingLastPathComponent(), withIntermediateDirectories: true)
                try Data(text.utf8).write(to: URL(fileURLWithPath: path), options: .atomic)
            } catch {
                throw PreflightError.cannotWriteFile(path: path, role: role, reason: error.localizedDescription)
            }
        }
        let kit = files.dropFirst().map(\.0).joined(separator: ", ")
        print(
            """
            Wrote \(out) (topology \(topology.rawValue)) and the collection kit: \(kit).
            Next: run the kit's scripts (sync-server.ps1 on the sync server, graph-exports.ps1 where you sign in to Graph, and
            domain-controller.ps1 on a DC only if preflight cannot reach SYSVOL over SMB), copy their output folder next to
            \(out), uncomment the sections you have and fill in each <…>, then run 'preflight validate' and 'preflight run'.
            """)
    }
}
