import Foundation
import PreflightCore

/// A GPO's security template, `MACHINE\Microsoft\Windows NT\SecEdit\GptTmpl.inf` in its SYSVOL folder: an INF file
/// (Windows writes it UTF-16LE with a BOM and CRLF; UTF-8 is accepted too) whose `[Registry Values]` section holds
/// the "Security Options", each `<key path>=<type>,<data>`. The one read here is
/// `MACHINE\System\CurrentControlSet\Control\Lsa\RestrictRemoteSAM=1,"O:BAG:BAD:(A;;RC;;;BA)"` (type 1 = REG_SZ):
/// https://learn.microsoft.com/troubleshoot/entra/entra-id/user-prov-sync/password-writeback-error-code-sspr-0029
/// and https://learn.microsoft.com/previous-versions/windows/it-pro/windows-10/security/threat-protection/security-policy-settings/network-access-restrict-clients-allowed-to-make-remote-sam-calls
package enum SecurityTemplate {
    static let restrictRemoteSAMKey = #"MACHINE\System\CurrentControlSet\Control\Lsa\RestrictRemoteSAM"#

    /// The value the template sets, with its 1-based line.
    package struct Setting: Sendable, Hashable, Codable {
        package var sddl: String
        package var line: Int
    }

    package struct ParseError: Error, Sendable, Hashable, CustomStringConvertible {
        package var file: String
        package var line: Int?
        package var message: String
        package var description: String { "\(file)\(line.map { ":\($0)" } ?? ""): \(message)" }
    }

    /// The template's text: UTF-16LE (with or without its BOM) or UTF-8 (with or without its BOM).
    static func text(_ bytes: [UInt8], file: String) throws(ParseError) -> String {
        if bytes.starts(with: [0xFF, 0xFE]) {
            return try utf16(bytes.dropFirst(2), file: file)
        }
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) {
            return try utf8(bytes.dropFirst(3), file: file)
        }
        // No BOM: a UTF-16LE file has NUL high bytes on its ASCII characters ("[" is 5B 00).
        if bytes.count >= 2, bytes[1] == 0, bytes[0] != 0 { return try utf16(bytes[...], file: file) }
        return try utf8(bytes[...], file: file)
    }

    private static func utf16(_ bytes: ArraySlice<UInt8>, file: String) throws(ParseError) -> String {
        guard bytes.count % 2 == 0 else {
            throw ParseError(file: file, message: "is UTF-16 (it starts with a UTF-16LE byte-order mark) but has an odd number of bytes; it is truncated.")
        }
        let units = stride(from: bytes.startIndex, to: bytes.endIndex, by: 2).map { UInt16(bytes[$0]) | UInt16(bytes[$0 + 1]) << 8 }
        var text = ""
        var iterator = units.makeIterator()
        var decoder = Unicode.UTF16()
        decoding: while true {
            switch decoder.decode(&iterator) {
            case .scalarValue(let scalar): text.unicodeScalars.append(scalar)
            case .emptyInput: break decoding
            case .error:
                throw ParseError(file: file, message: "is not valid UTF-16LE (an unpaired surrogate); save the template again from the GPO.")
            }
        }
        return text
    }

    private static func utf8(_ bytes: ArraySlice<UInt8>, file: String) throws(ParseError) -> String {
        guard let text = String(validating: bytes, as: UTF8.self) else {
            throw ParseError(file: file, message: "is neither UTF-16LE nor UTF-8; save it as Windows does (UTF-16LE) or as UTF-8.")
        }
        return text
    }

    /// The `RestrictRemoteSAM` value the template sets, or nil when it does not set it (no `[Registry Values]`
    /// section, or no such line there). A line for the key whose value is not `1,"<SDDL>"` is an error.
    package static func restrictRemoteSAM(_ bytes: [UInt8], file: String) throws(ParseError) -> Setting? {
        let text = try text(bytes, file: file)
        var section = ""
        var found: Setting?
        var number = 0
        for raw in text.split(omittingEmptySubsequences: false, whereSeparator: { $0 == "\n" || $0 == "\r\n" }) {
            number += 1
            let line = raw.trimmingCharacters(in: .whitespacesAndNewlines)
            if line.isEmpty || line.hasPrefix(";") { continue }
            if line.hasPrefix("[") {
                guard line.hasSuffix("]") else { throw ParseError(file: file, line: number, message: "the section header '\(line)' has no ']'.") }
                section = line.dropFirst().dropLast().trimmingCharacters(in: .whitespaces).lowercased()
                continue
            }
            guard section == "registry values", let equals = line.firstIndex(of: "=") else { continue }
            let key = line[..<equals].trimmingCharacters(in: .whitespaces)
            guard key.caseInsensitiveCompare(restrictRemoteSAMKey) == .orderedSame else { continue }
            let value = line[line.index(after: equals)...].trimmingCharacters(in: .whitespaces)
            guard let comma = value.firstIndex(of: ","), value[..<comma].trimmingCharacters(in: .whitespaces) == "1" else {
                throw ParseError(
                    file: file, line: number,
                    message: "RestrictRemoteSAM is '\(value)', but the setting is a string: '1,\"<SDDL>\"' (type 1, REG_SZ). "
                        + "Set it again in the GPO editor (Security Options, 'Network access: Restrict clients allowed to make remote calls to SAM').")
            }
            var data = value[value.index(after: comma)...].trimmingCharacters(in: .whitespaces)
            if data.count >= 2, data.hasPrefix("\""), data.hasSuffix("\"") { data = String(data.dropFirst().dropLast()) }
            // Which of two different values Windows applies is not documented: undecided, so an error.
            if let earlier = found, earlier.sddl != data {
                throw ParseError(
                    file: file, line: number,
                    message: "RestrictRemoteSAM is set a second time (first on line \(earlier.line)) to a different value; keep one line.")
            }
            found = found ?? Setting(sddl: data, line: number)
        }
        return found
    }
}
