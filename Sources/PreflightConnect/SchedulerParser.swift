import Foundation
import PreflightCore

/// Reads the text PowerShell prints for an object: a `Name : Value` list (Format-List, the default for objects
/// with five or more properties, e.g. `Get-ADSyncScheduler`) or a table (Format-Table, the default for fewer).
enum PowerShellOutput {
    /// The properties of the first object in the output, in order. Keys keep their spelling; look them up with `value(_:in:)`.
    static func properties(_ text: String) -> [(name: String, value: String)] {
        let lines = text.replacingOccurrences(of: "\r\n", with: "\n").replacingOccurrences(of: "\r", with: "\n")
            .split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        if let table = tableProperties(lines) { return table }
        var result: [(String, String)] = []
        var started = false
        for line in lines {
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            if trimmed.isEmpty {
                // A blank line after the first object ends it (Format-List separates objects with blank lines).
                if started { break }
                continue
            }
            guard let colon = line.firstIndex(of: ":") else { continue }
            let name = line[..<colon].trimmingCharacters(in: .whitespaces)
            // A wrapped value continues on an indented line without a name; names never contain spaces.
            guard !name.isEmpty, !name.contains(" "), line.first != " " || !started else {
                continue
            }
            let value = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
            result.append((name, value))
            started = true
        }
        return result
    }

    /// Parses `Name1  Name2\n-----  -----\nv1     v2` by the extents of the dash runs.
    private static func tableProperties(_ lines: [String]) -> [(name: String, value: String)]? {
        guard let dashIndex = lines.firstIndex(where: { line in
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            return !trimmed.isEmpty && trimmed.allSatisfy { $0 == "-" || $0 == " " } && trimmed.contains("-")
        }), dashIndex > 0 else { return nil }
        let header = Array(lines[dashIndex - 1])
        let dashes = Array(lines[dashIndex])
        guard let row = lines[(dashIndex + 1)...].first(where: { !$0.trimmingCharacters(in: .whitespaces).isEmpty }) else {
            return nil
        }
        let values = Array(row)
        var ranges: [Range<Int>] = []
        var index = 0
        while index < dashes.count {
            if dashes[index] == "-" {
                let start = index
                while index < dashes.count, dashes[index] == "-" { index += 1 }
                ranges.append(start..<index)
            } else {
                index += 1
            }
        }
        func slice(_ chars: [Character], _ range: Range<Int>, last: Bool) -> String {
            let lower = min(range.lowerBound, chars.count)
            // Values may be right-aligned past the dashes (numbers, booleans); take up to the next column.
            let upper = last ? chars.count : min(chars.count, range.upperBound)
            return String(chars[lower..<upper]).trimmingCharacters(in: .whitespaces)
        }
        var result: [(String, String)] = []
        for (position, range) in ranges.enumerated() {
            let isLast = position == ranges.count - 1
            let name = slice(header, range, last: isLast)
            guard !name.isEmpty else { continue }
            let next = isLast ? values.count : ranges[position + 1].lowerBound
            let start = position == 0 ? 0 : ranges[position - 1].upperBound
            let cell = String(values[min(start, values.count)..<min(max(next, start), values.count)])
            result.append((name, cell.trimmingCharacters(in: .whitespaces)))
        }
        return result.isEmpty ? nil : result
    }

    static func value(_ name: String, in properties: [(name: String, value: String)]) -> String? {
        properties.first { $0.name.caseInsensitiveCompare(name) == .orderedSame }?.value
    }

    /// PowerShell's `True`/`False` (and the 1/0 some tools print).
    static func bool(_ text: String?) -> Bool? {
        guard let text = text?.trimmingCharacters(in: .whitespaces).lowercased() else { return nil }
        switch text {
        case "true", "$true", "1", "yes", "enabled": return true
        case "false", "$false", "0", "no", "disabled": return false
        default: return nil
        }
    }
}

enum SchedulerParser {
    /// Parses `Get-ADSyncScheduler` output (as printed, or saved by Out-File in UTF-16LE with BOM).
    static func read(_ path: String) throws -> SchedulerFacts {
        let text = try TextDecoding.read(path, key: "connect.scheduler")
        let properties = PowerShellOutput.properties(text)
        guard !properties.isEmpty else {
            throw ProbeError(
                "'\(path)' (named by 'connect.scheduler') holds no 'Name : Value' lines. Save the scheduler's output on the "
                    + "Connect server with: Get-ADSyncScheduler | Out-File scheduler.txt")
        }
        var all: [String: String] = [:]
        for (name, value) in properties where all[name] == nil { all[name] = value }
        return SchedulerFacts(
            file: path,
            stagingMode: PowerShellOutput.bool(PowerShellOutput.value("StagingModeEnabled", in: properties)),
            syncCycleEnabled: PowerShellOutput.bool(PowerShellOutput.value("SyncCycleEnabled", in: properties)),
            properties: all)
    }

    /// Reads `Enabled` from the `Get-ADSyncAADPasswordResetConfiguration` output (list or table form).
    static func readPasswordResetConfiguration(_ path: String) throws -> Bool? {
        let text = try TextDecoding.read(path, key: "connect.passwordResetConfig")
        return PowerShellOutput.bool(PowerShellOutput.value("Enabled", in: PowerShellOutput.properties(text)))
    }
}
