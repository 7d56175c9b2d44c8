import Foundation

/// JSON from an input file, read with its limits checked first (`InputLimits`), every fault a whole sentence with the
/// file, line and column (the Connect settings files, the connector credential, the audit log's Graph pages).
package enum JSONInput {
    /// JSONSerialization reports "around character N" (a UTF-8 offset); turn it into line:column.
    /// Parses `text` as JSON, or throws a whole sentence that names `what`, the file, line and column, and `remedy`.
    package static func object(_ text: String, path: String, what: String, remedy: String) throws -> Any {
        if text.utf8.count > InputLimits.jsonFileBytes {
            throw ProbeError(
                "'\(path)': \(what) "
                    + InputLimits.tooLarge(
                        text.utf8.count, limit: InputLimits.jsonFileBytes, what: "one JSON file",
                        advice: "no real settings file or Graph page comes near it (save Graph pages one file each). \(remedy)"),
                at: InputLocation(file: path, bytes: text.utf8.count, limitBytes: InputLimits.jsonFileBytes))
        }
        if let exceeded = JSONBounds.check(text) {
            let (line, column) = TextDecoding.lineAndColumn(ofUTF8Offset: exceeded.offset, in: text)
            throw ProbeError(
                "\(path):\(line):\(column): \(what) \(exceeded.problem) at line \(line), column \(column); no real export comes "
                    + "near it, so the file is not one or is damaged. \(remedy)",
                at: InputLocation(file: path, line: line, column: column))
        }
        do {
            return try JSONSerialization.jsonObject(with: Data(text.utf8), options: [])
        } catch {
            let (line, column) = position(of: error, in: text)
            throw ProbeError(
                "\(path):\(line):\(column): \(what) is not valid JSON at line \(line), column \(column) (\(reason(error))). \(remedy)",
                at: InputLocation(file: path, line: line, column: column))
        }
    }

    static func position(of error: any Error, in text: String) -> (Int, Int) {
        let info = (error as NSError).userInfo
        if let index = info["NSJSONSerializationErrorIndex"] as? Int {
            return TextDecoding.lineAndColumn(ofUTF8Offset: index, in: text)
        }
        let debug = info[NSDebugDescriptionErrorKey] as? String ?? "\(error)"
        if let range = debug.range(of: #"line (\d+), column (\d+)"#, options: .regularExpression) {
            let numbers = debug[range].split(whereSeparator: { !$0.isNumber }).compactMap { Int($0) }
            if numbers.count == 2 { return (numbers[0], numbers[1]) }
        }
        if let range = debug.range(of: #"character (\d+)"#, options: .regularExpression),
            let offset = Int(debug[range].filter(\.isNumber))
        {
            return TextDecoding.lineAndColumn(ofUTF8Offset: offset, in: text)
        }
        // "Unexpected end of file": the fault is at the very end.
        return TextDecoding.lineAndColumn(ofUTF8Offset: text.utf8.count, in: text)
    }

    static func reason(_ error: any Error) -> String {
        let debug = (error as NSError).userInfo[NSDebugDescriptionErrorKey] as? String ?? "\(error)"
        var text = debug.replacingOccurrences(of: #"\s*around (line \d+, column \d+|character \d+)\.?"#, with: "", options: .regularExpression)
        text = text.trimmingCharacters(in: CharacterSet(charactersIn: ". "))
        return text.isEmpty ? "invalid JSON" : text.prefix(1).lowercased() + text.dropFirst()
    }
}

/// Measures JSON text before JSONSerialization builds it: how deep its arrays and objects nest, and how many values
/// (objects, arrays, strings, numbers, literals; keys count as strings) it holds. JSONSerialization refuses nesting
/// past 512 on its own, but a file of a few MB of `{},` builds millions of objects: several GB. Linear, no allocation.
enum JSONBounds {
    /// The UTF-8 offset where a limit is passed and which, or nil (syntax errors are JSONSerialization's to report).
    package static func check(
        _ text: String, maxDepth: Int = InputLimits.jsonDepth, maxValues: Int = InputLimits.jsonValues
    ) -> (offset: Int, problem: String)? {
        var depth = 0
        var values = 0
        var inString = false
        var escaped = false
        var inScalar = false
        var offset = 0
        for byte in text.utf8 {
            defer { offset += 1 }
            if inString {
                if escaped { escaped = false } else if byte == 0x5C { escaped = true } else if byte == 0x22 { inString = false }
                continue
            }
            let startsValue: Bool
            switch byte {
            case 0x7B, 0x5B:  // { [
                depth += 1
                if depth > maxDepth {
                    return (offset, "nests arrays and objects deeper than \(maxDepth) levels, the most preflight reads,")
                }
                startsValue = true
                inScalar = false
            case 0x7D, 0x5D:  // } ]
                depth -= 1
                startsValue = false
                inScalar = false
            case 0x22:  // "
                inString = true
                startsValue = true
                inScalar = false
            case 0x2C, 0x3A, 0x20, 0x09, 0x0A, 0x0D:  // , : and white space
                startsValue = false
                inScalar = false
            default:  // a number or true/false/null, counted once
                startsValue = !inScalar
                inScalar = true
            }
            if startsValue {
                values += 1
                if values > maxValues {
                    return (offset, "holds more than \(InputLimits.grouped(maxValues)) values, the most preflight reads in one file,")
                }
            }
        }
        return nil
    }
}
