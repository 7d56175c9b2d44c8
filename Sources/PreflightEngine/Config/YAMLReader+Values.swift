import Foundation
import PreflightCore

/// What `preflight init` leaves for the user to fill in, and what a configuration copied from Windows names.
enum ConfigValueCheck {
    /// `preflight init` writes every value it cannot know as `<what to fill in>`: a whole value in angle brackets.
    static func placeholder(in value: String) -> String? {
        let trimmed = value.trimmingCharacters(in: .whitespaces)
        guard trimmed.count > 2, trimmed.hasPrefix("<"), trimmed.hasSuffix(">") else { return nil }
        return String(trimmed.dropFirst().dropLast()).trimmingCharacters(in: .whitespaces)
    }

    /// `C:\Temp\x`, `C:/Temp/x` or `\\server\share\x`: a path on a Windows machine, which this Linux process cannot open.
    static func isWindowsPath(_ value: String) -> Bool {
        let characters = Array(value)
        if value.hasPrefix("\\\\") { return true }
        return characters.count >= 3 && characters[0].isASCII && characters[0].isLetter && characters[1] == ":"
            && (characters[2] == "\\" || characters[2] == "/")
    }

    /// Where WSL mounts a drive-letter path (`C:\Temp\x` → `/mnt/c/Temp/x`); nil for a UNC path.
    /// https://learn.microsoft.com/windows/wsl/filesystems#file-storage-and-performance-across-file-systems
    static func wslPath(_ value: String) -> String? {
        guard !value.hasPrefix("\\\\"), let drive = value.first else { return nil }
        let rest = value.dropFirst(2).replacingOccurrences(of: "\\", with: "/")
        return "/mnt/\(drive.lowercased())\(rest)"
    }

    static func windowsPathMessage(key: String, shown: String, value: String, secret: Bool) -> String {
        let name = value.split(whereSeparator: { $0 == "\\" || $0 == "/" }).last.map(String.init) ?? "export"
        let copy =
            if let wsl = wslPath(value), !secret {
                "In WSL, copy it with its file times: cp -rp '\(wsl)' . (Windows drives are under /mnt/); from another machine, "
                    + "use scp -rp or robocopy /COPY:DAT to a share this machine mounts."
            } else {
                "Copy it with its file times (scp -rp, or robocopy /COPY:DAT to a share this machine mounts)."
            }
        return "'\(key)' is \(shown), a Windows path, but preflight runs on Linux and reads the files of this machine. "
            + copy + " Then name the copy by its path here, relative to the configuration file (e.g. '\(secret ? "secrets/file" : name)')."
    }
}

extension MappingReader {
    /// A string value that is not an unfilled `<…>` placeholder of `preflight init` (each one found is an error).
    func filledString(_ key: String) -> String? {
        guard let value = string(key) else { return nil }
        return checked(value, of: key, at: valueLocation(of: key)) ? value : nil
    }

    /// A path value: filled in, and not a Windows path (each is an error naming the key and what to do).
    func pathString(_ key: String) -> String? {
        guard let value = filledString(key) else { return nil }
        return checkedPath(value, of: key, at: valueLocation(of: key)) ? value : nil
    }

    /// One path or a list of them, each filled in and not a Windows path.
    func pathList(_ key: String) -> [String]? {
        guard let values = stringList(key) else { return nil }
        let location = valueLocation(of: key)
        let good = values.filter { checked($0, of: key, at: location) && checkedPath($0, of: key, at: location) }
        return good.count == values.count ? values : nil
    }

    /// A list of strings, none of them a placeholder.
    func filledStringList(_ key: String) -> [String]? {
        guard let values = stringList(key) else { return nil }
        let location = valueLocation(of: key)
        return values.allSatisfy({ checked($0, of: key, at: location) }) ? values : nil
    }

    private func checked(_ value: String, of key: String, at location: SourceLocation) -> Bool {
        guard let hint = ConfigValueCheck.placeholder(in: value) else { return true }
        sink.report(
            location,
            "'\(qualified(key))' is still a placeholder: fill in \(hint). Replace the whole '<…>' with the value, "
                + "or comment the line out again (# at its start) if you do not have it yet.")
        return false
    }

    private func checkedPath(_ value: String, of key: String, at location: SourceLocation) -> Bool {
        guard ConfigValueCheck.isWindowsPath(value) else { return true }
        let secret = mayHoldSecret(key) || mayHoldSecret(path)
        sink.report(
            location,
            ConfigValueCheck.windowsPathMessage(key: qualified(key), shown: quoted(value, of: key), value: value, secret: secret))
        return false
    }
}
