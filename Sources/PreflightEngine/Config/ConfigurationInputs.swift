import Foundation
import PreflightCore

/// What only the environment and the named files can tell about a configuration: problems that would otherwise surface
/// only when a check runs (an unset password variable, an empty password file, a CA file without a certificate, a
/// tab-separated export). `run` and `validate` both report them before anything runs (exit 78), so `validate` never
/// says "OK" about a configuration that `run` cannot use. Messages name the key's place in the configuration file,
/// quote the value, and never echo a secret.
extension Configuration {
    /// Every such problem, in configuration order. `environment` is the one the run's probes will see.
    package func inputProblems(environment: [String: String]) -> [Diagnostic] {
        // Each file is read on a thread of its own within one shared budget: a file on a hung file system must not
        // hold the run before it starts. What is not read in time is left to its probe, which has a deadline.
        let deadline = Date().addingTimeInterval(Self.inputCheckSeconds)
        var problems: [Diagnostic] = []
        for entry in ldapEntries {
            problems += finishing(by: deadline) { [self] in passwordProblems(entry.settings, key: entry.key, environment: environment) } ?? []
        }
        let caFiles = ldapEntries.map { ("\($0.key).caFile", $0.settings.caFile) } + [("network.caFile", network.caFile)]
        for (key, path) in caFiles {
            if let path, let problem = finishing(by: deadline, { Self.certificateProblem(path) }) ?? nil {
                problems.append(Diagnostic(location(of: key), "'\(key)' names '\(path)', which \(problem)"))
            }
        }
        let exports: [(String, String?)] = [
            ("inventory.users", inventory.users), ("inventory.licenses", inventory.licenses),
            ("inventory.subscribedSkus", inventory.subscribedSkus), ("inventory.registration", inventory.registration),
            ("inventory.scopeGroup", inventory.scopeGroup), ("inventory.skuCatalog", inventory.skuCatalog),
        ]
        for case let (key, path?) in exports {
            if let problem = finishing(by: deadline, { Self.delimiterProblem(path) }) ?? nil {
                problems.append(Diagnostic(location(of: key), "'\(key)' names '\(path)', \(problem)"))
            }
        }
        return problems
    }

    /// How long the checks of the named files may take together (they read a few KiB each).
    static let inputCheckSeconds: TimeInterval = 5

    /// Where `key`'s value is in the configuration file, or the file itself.
    func location(of key: String) -> SourceLocation {
        locations[key] ?? SourceLocation(file: file ?? Self.defaultFileName)
    }

    /// The password source of one domain's settings (`key` is `ldap`, or `ldap[1]` in a list of domains).
    private func passwordProblems(_ ldap: LDAPConfiguration, key: String, environment: [String: String]) -> [Diagnostic] {
        if let name = ldap.passwordEnv {
            let location = location(of: "\(key).passwordEnv")
            guard let value = environment[name] else {
                return [
                    Diagnostic(
                        location,
                        "'\(key).passwordEnv' names the environment variable '\(name)', which is not set in preflight's environment, so the "
                            + "directory checks could not bind. Set it before preflight starts (map the CI secret into the step's env, or "
                            + "use the systemd unit's EnvironmentFile=), or name a file holding the password with '\(key).passwordFile' instead.")
                ]
            }
            guard !value.isEmpty else {
                return [
                    Diagnostic(
                        location,
                        "'\(key).passwordEnv' names the environment variable '\(name)', which is set but empty, so there is no password to "
                            + "bind with. Put the bind account's password in it (a CI secret that does not exist, or is not mapped into "
                            + "the step, expands to an empty string), or name a file holding it with '\(key).passwordFile' instead.")
                ]
            }
        }
        if let path = ldap.passwordFile {
            let location = location(of: "\(key).passwordFile")
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
                return [
                    Diagnostic(
                        location,
                        "'\(key).passwordFile' names '\(path)', which does not exist, so there is no password to bind with. Create it "
                            + "holding the bind account's password, readable only by the user preflight runs as (under systemd, "
                            + "LoadCredential= provides it), or correct the path.")
                ]
            }
            guard !isDirectory.boolValue else {
                return [
                    Diagnostic(
                        location, "'\(key).passwordFile' names '\(path)', which is a folder, not a file. Name the file that holds the bind account's password.")
                ]
            }
            if let problem = InputFile.whichIsNotRegular(path) {
                return [Diagnostic(location, "'\(key).passwordFile' names '\(path)', \(problem)")]
            }
            if let size = InputLimits.fileSize(path), size > InputLimits.passwordFileBytes {
                return [
                    Diagnostic(
                        location,
                        "'\(key).passwordFile' names '\(path)', which "
                            + InputLimits.tooLarge(
                                size, limit: InputLimits.passwordFileBytes, what: "a password file",
                                advice: "a password file holds one password. Name the file that holds the bind account's password."))
                ]
            }
            // Read into a buffer that is wiped when released, like the bind's: no Data or String copy of the password.
            guard let secret = LDAPSecret.read(file: path) else {
                return [
                    Diagnostic(
                        location,
                        "'\(key).passwordFile' names '\(path)', which this user cannot read (permission denied). Let the user preflight "
                            + "runs as read it, and nobody else.")
                ]
            }
            // The same rule as the bind: a trailing line break is an editor's, not the password's. Nothing of it is shown.
            if secret.isEmpty {
                return [
                    Diagnostic(
                        location,
                        "'\(key).passwordFile' names '\(path)', which is empty (line breaks aside), so there is no password to bind with. "
                            + "Write the bind account's password into it.")
                ]
            }
        }
        return []
    }

    /// Why the file at `path` is no CA certificate a TLS library can load, completing "which …"; nil when it holds one.
    static func certificateProblem(_ path: String) -> String? {
        // The caller writes "which" itself.
        if let problem = InputFile.whichIsNotRegular(path) { return String(problem.dropFirst("which ".count)) }
        if let size = InputLimits.fileSize(path), size > InputLimits.certificateFileBytes {
            return InputLimits.tooLarge(
                size, limit: InputLimits.certificateFileBytes, what: "a CA file",
                advice: "a CA bundle takes a few hundred kB. Name a PEM file holding the certificate of the CA that issued the "
                    + "server's certificate.")
        }
        guard let data = FileManager.default.contents(atPath: path) else { return nil }  // existence and access: exit 66, checked on load
        let text = String(decoding: data, as: UTF8.self)
        if text.contains("-----BEGIN CERTIFICATE-----") && text.contains("-----END CERTIFICATE-----") { return nil }
        // A DER certificate is an ASN.1 SEQUENCE with a long-form length: 0x30 0x82 … for any real certificate.
        let bytes = [UInt8](data.prefix(2))
        let der = bytes.count == 2 && bytes[0] == 0x30 && bytes[1] & 0x80 != 0
        let what: String
        if data.isEmpty {
            what = "is empty"
        } else if der {
            what = "looks like a DER (binary) certificate, not PEM text"
        } else if text.contains("PRIVATE KEY-----") {
            what = "holds a private key but no certificate"
        } else {
            what = "holds no PEM certificate (no '-----BEGIN CERTIFICATE-----' … '-----END CERTIFICATE-----' block)"
        }
        let fix = der
            ? "Convert it with 'openssl x509 -inform der -in \(path) -out ca.pem' and name the .pem file."
            : "Name a PEM file holding the certificate of the CA that issued the server's certificate."
        return "\(what), so TLS certificates could not be verified against it. \(fix)"
    }

    /// Why the export's header line is not comma- or semicolon-separated, completing "'inventory.users' names '…', …";
    /// nil when it is, when an Excel `sep=` line names the delimiter (the reader follows it), or when there is no
    /// header to judge (the reader reports that with line and column).
    static func delimiterProblem(_ path: String) -> String? {
        if let problem = InputFile.whichIsNotRegular(path) { return problem }
        guard let handle = FileHandle(forReadingAtPath: path) else { return nil }
        defer { try? handle.close() }
        // The header line only: the first 64 KiB hold it in every export the readers accept.
        guard let data = try? handle.read(upToCount: 65_536), let text = TextDecoding.decode(data) else { return nil }
        let lines = text.replacingOccurrences(of: "\r\n", with: "\n").replacingOccurrences(of: "\r", with: "\n")
            .split(separator: "\n", omittingEmptySubsequences: false)
        for (index, raw) in lines.enumerated() {
            let line = raw.trimmingCharacters(in: .whitespaces)
            let number = index + 1
            if line.isEmpty || (number == 1 && line.hasPrefix("#TYPE")) { continue }
            // Excel's explicit separator line decides outright, and the reader honours whatever it names.
            if line.lowercased().hasPrefix("sep=") { return nil }
            var counts: [Character: Int] = [:]
            var quoted = false
            for character in line {
                if character == "\"" { quoted.toggle() } else if !quoted { counts[character, default: 0] += 1 }
            }
            let readable = max(counts[",", default: 0], counts[";", default: 0])
            let tabs = counts["\t", default: 0], pipes = counts["|", default: 0]
            let (found, count): (Character, Int) = pipes > tabs ? ("|", pipes) : ("\t", tabs)
            guard count > readable, let name = Self.unreadDelimiters[found] else { return nil }
            let others = readable == 0 ? "no commas or semicolons" : "only \(readable) commas or semicolons"
            return "whose header (line \(number)) is separated by \(name) (\(count) of them, \(others)), but preflight reads exports "
                + "separated by commas (or semicolons, as regional Excel writes them). \(Self.reexport)"
        }
        return nil
    }

    private static let unreadDelimiters: [Character: String] = ["\t": "tabs", "|": "pipes ('|')"]
    private static let reexport =
        "Export the file again with Export-Csv -NoTypeInformation (without -Delimiter) or the portal's download, and copy it "
        + "unchanged rather than re-saving it from another program."
}
