import Foundation

/// Decodes text files written by Windows tools: UTF-8 (with or without BOM), UTF-16LE/BE with BOM
/// (PowerShell 5.1 `Out-File`), UTF-16LE without BOM (detected by its zero bytes), else Windows-1252.
package enum TextDecoding {
    package static func decode(_ data: Data) -> String? {
        let bytes = [UInt8](data.prefix(4))
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) {
            return String(data: data.dropFirst(3), encoding: .utf8)
        }
        if bytes.starts(with: [0xFF, 0xFE]) {
            return String(data: data.dropFirst(2), encoding: .utf16LittleEndian)
        }
        if bytes.starts(with: [0xFE, 0xFF]) {
            return String(data: data.dropFirst(2), encoding: .utf16BigEndian)
        }
        if bytes.count >= 2, bytes[0] != 0, bytes[1] == 0 {
            return String(data: data, encoding: .utf16LittleEndian)
        }
        if bytes.count >= 2, bytes[0] == 0, bytes[1] != 0 {
            return String(data: data, encoding: .utf16BigEndian)
        }
        return String(data: data, encoding: .utf8) ?? String(data: data, encoding: .windowsCP1252)
    }

    /// Reads and decodes a text file, or throws a `ProbeError` naming the file and the configuration key.
    package static func read(_ path: String, key: String) throws -> String {
        try InputFile.requireRegularFile(path, describedAs: "The file named by '\(key)',")
        try InputFile.requireSize(
            path, limit: InputLimits.settingsFileBytes, describedAs: "The file named by '\(key)',", of: "a settings file or a saved "
                + "PowerShell output")
        guard let data = FileManager.default.contents(atPath: path) else {
            throw ProbeError(
                "Cannot read '\(path)' (named by '\(key)'): it does not exist or is not readable. Check the path and its permissions.")
        }
        guard let text = decode(data) else {
            throw ProbeError(
                "'\(path)' (named by '\(key)') is not text in UTF-8, UTF-16 or Windows-1252. "
                    + "Save the PowerShell output again with Out-File (any of those encodings works).")
        }
        return text
    }

    /// 1-based line and column of a UTF-8 byte offset in `text` (columns count characters).
    static func lineAndColumn(ofUTF8Offset offset: Int, in text: String) -> (line: Int, column: Int) {
        let utf8 = Array(text.utf8)
        let end = min(max(0, offset), utf8.count)
        var line = 1
        var lineStart = 0
        for index in 0..<end where utf8[index] == 0x0A {
            line += 1
            lineStart = index + 1
        }
        let prefix = String(decoding: utf8[lineStart..<end], as: UTF8.self)
        return (line, prefix.count + 1)
    }
}
