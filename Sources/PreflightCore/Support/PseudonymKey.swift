import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// The secret `--redact` keys its pseudonyms with (HMAC-SHA256): the same key gives the same pseudonyms in every format
/// and every run, another key other ones, and without it nobody can test a guessed name against a pseudonym.
///
/// Never from argv: `--redact-key-file FILE`, else the environment variable `PREFLIGHT_REDACT_KEY`, else the key file kept
/// for this user (`$XDG_CONFIG_HOME/preflight/redact.key`, or `~/.config/preflight/redact.key`), which the first
/// redacted run makes (32 random bytes, hex, mode 0600) and says so on stderr. Plugins never see the variable.
package struct PseudonymKey: Sendable {
    package static let environmentVariable = "PREFLIGHT_REDACT_KEY"
    /// 128 bits: a shorter key could be guessed, and then every pseudonym reversed by trying names.
    package static let minimumBytes = 16

    package let bytes: [UInt8]
    /// Where the key came from, for the line on stderr (never the key itself).
    package let source: String
    /// True when this run made the key file.
    package let created: Bool

    package init(bytes: [UInt8], source: String, created: Bool = false) {
        self.bytes = bytes
        self.source = source
        self.created = created
    }

    /// The key from `file`, else the environment, else the user's key file (made when missing).
    package static func resolve(file: String?, environment: [String: String]) throws(PreflightError) -> PseudonymKey {
        if let file {
            let bytes = try read(file, role: "the redaction key file (--redact-key-file)")
            return try checked(bytes, source: "the key file '\(file)'", fix: "write a longer key into it, e.g. `openssl rand -hex 32 > \(file)`")
        }
        if let value = environment[environmentVariable] {
            return try checked(
                Array(value.utf8), source: environmentVariable, fix: "set it to a longer key, e.g. the output of `openssl rand -hex 32`")
        }
        guard let path = defaultPath(environment: environment) else {
            throw .usage(
                "--redact needs a key and there is no home folder to keep one in: set \(environmentVariable) (e.g. to the output of "
                    + "`openssl rand -hex 32`) or pass --redact-key-file FILE.")
        }
        if FileManager.default.fileExists(atPath: path) {
            let bytes = try read(path, role: "the redaction key file")
            return try checked(bytes, source: "the key file '\(path)'", fix: "delete it to have a new one made, or write a longer key into it")
        }
        let (bytes, made) = try create(path)
        return PseudonymKey(bytes: bytes, source: "the key file '\(path)'", created: made)
    }

    /// `$XDG_CONFIG_HOME/preflight/redact.key`, else `$HOME/.config/preflight/redact.key`.
    package static func defaultPath(environment: [String: String]) -> String? {
        if let config = environment["XDG_CONFIG_HOME"], config.hasPrefix("/") { return config + "/preflight/redact.key" }
        guard let home = environment["HOME"], !home.isEmpty else { return nil }
        return home + "/.config/preflight/redact.key"
    }

    private static func checked(_ bytes: [UInt8], source: String, fix: String) throws(PreflightError) -> PseudonymKey {
        guard bytes.count >= minimumBytes else {
            throw .usage(
                "The redaction key in \(source) has \(bytes.count) bytes, but a key needs at least \(minimumBytes), or a guessed name "
                    + "could be tested against the pseudonyms: \(fix).")
        }
        return PseudonymKey(bytes: bytes, source: source)
    }

    /// The file's bytes without the line break an editor or `echo` adds at the end.
    private static func read(_ path: String, role: String) throws(PreflightError) -> [UInt8] {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw .unreadableFile(path: path, role: role, reason: String(cString: strerror(errno)))
        }
        var bytes = [UInt8](data)
        while let last = bytes.last, last == 0x0A || last == 0x0D { bytes.removeLast() }
        return bytes
    }

    /// Makes the key file: 32 random bytes as hex, mode 0600 in a folder of mode 0700, never replacing one (a key another
    /// run made a moment earlier is read instead: `made` is false).
    private static func create(_ path: String) throws(PreflightError) -> (key: [UInt8], made: Bool) {
        let folder = (path as NSString).deletingLastPathComponent
        do {
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        } catch {
            throw .cannotWriteFile(path: folder, role: "the folder of the redaction key", reason: error.localizedDescription)
        }
        var generator = SystemRandomNumberGenerator()
        let key = Array((0..<32).map { _ in String(format: "%02x", UInt8.random(in: 0...255, using: &generator)) }.joined().utf8)
        let fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
        guard fd >= 0 else {
            let code = errno
            // Another run made it a moment ago: that key is the one to use.
            if code == EEXIST { return (try read(path, role: "the redaction key file"), false) }
            throw .cannotWriteFile(path: path, role: "the redaction key", reason: String(cString: strerror(code)))
        }
        let written = key.withUnsafeBytes { Glibc.write(fd, $0.baseAddress, $0.count) }
        let closed = close(fd)
        guard written == key.count, closed == 0 else {
            unlink(path)
            throw .cannotWriteFile(path: path, role: "the redaction key", reason: "it could not be written whole")
        }
        return (key, true)
    }
}
