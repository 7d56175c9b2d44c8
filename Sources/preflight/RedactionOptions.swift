import ArgumentParser
import Foundation
import PreflightCore
import PreflightReporting

/// `--redact` and its companions, on `run`, `evaluate` and `render`: the reports that leave the customer name nobody.
struct RedactionOptions: ParsableArguments {
    @Flag(
        help: ArgumentHelp(
            "Replace UPNs, names, sAMAccountNames, DNs, SIDs and object GUIDs by stable pseudonyms in every report format (key: \(PseudonymKey.environmentVariable) or --redact-key-file, else ~/.config/preflight/redact.key, made when missing)."
        ))
    var redact = false
    @Flag(help: "With --redact: hash the customer's domain names, host names and name on the cover too.")
    var redactDomains = false
    @Option(help: .file("With --redact: the file that holds the key (never the key itself on the command line)."))
    var redactKeyFile: String?
    @Option(
        help: .file("With --redact: write each pseudonym and its original to this file (mode 0600); never inside the reports' folder."))
    var redactMapping: String?

    /// Usage errors (exit 64): a companion without --redact, or a mapping where the reports go (`outFolder` for `run`,
    /// `outFile` for `render`).
    func validate(outFolder: String? = nil, outFile: String? = nil) throws {
        if !redact {
            let given = [
                redactDomains ? "--redact-domains" : nil, redactKeyFile.map { _ in "--redact-key-file" },
                redactMapping.map { _ in "--redact-mapping" },
            ].compactMap { $0 }
            if !given.isEmpty {
                throw PreflightError.usage("\(given.joined(separator: ", ")) only apply with --redact: add --redact, or leave them out.")
            }
            return
        }
        guard let mapping = redactMapping.map(Self.absolute) else { return }
        if let outFile, Self.absolute(outFile) == mapping {
            throw PreflightError.usage("--redact-mapping names the same file as --out: the mapping would replace the redacted report.")
        }
        if let outFolder {
            let folder = Self.absolute(outFolder)
            if mapping.hasPrefix(folder.hasSuffix("/") ? folder : folder + "/") {
                throw PreflightError.usage(
                    "--redact-mapping '\(redactMapping ?? "")' is inside the reports' folder '\(outFolder)', which is what leaves the customer: "
                        + "write the mapping somewhere else.")
            }
        }
    }

    /// The redactor, with its key resolved (and made, the first time, saying where); nil without --redact.
    func redactor() throws -> ReportRedactor? {
        guard redact else { return nil }
        let key = try PseudonymKey.resolve(file: redactKeyFile, environment: ProcessInfo.processInfo.environment)
        if key.created {
            Console.info(
                "Made the redaction key \(key.source.replacingOccurrences(of: "the key file ", with: "")): keep it to get the same pseudonyms "
                    + "in later runs, and never send it with the reports.")
        }
        return ReportRedactor(key: key, hashDomains: redactDomains)
    }

    /// Writes `--redact-mapping` (before the reports are published: a mapping that cannot be written stops them).
    func writeMapping(_ redactor: ReportRedactor?) throws {
        guard let redactor, let redactMapping else { return }
        try AtomicFile.writePrivate(RedactionMapping(redactor).json, to: redactMapping)
    }

    private static func absolute(_ path: String) -> String {
        URL(fileURLWithPath: path).standardizedFileURL.resolvingSymlinksInPath().path
    }
}

extension Optional where Wrapped == ReportRedactor {
    /// The report redacted, or as it is without --redact; the redactor keeps every pseudonym it gave, for the mapping.
    mutating func apply(_ report: Report) throws -> Report {
        guard var redactor = self else { return report }
        defer { self = redactor }
        return try redactor.redact(report)
    }
}
