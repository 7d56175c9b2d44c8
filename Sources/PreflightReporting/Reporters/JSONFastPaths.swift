import PreflightCore

/// The values a report holds a million of (findings, their details, the users of `readiness`), written by hand: the
/// generic path (an `Encoder`, its containers and their sorted members) costs about a microsecond per object, seconds
/// for a million-user tenant. The bytes are those their `Codable` writes through JSONEncoder: keys in sorted order,
/// absent optionals left out (`CompleteListsTests` compares both for every key; `ReportSizeTests` fails when one of these
/// types gains a stored property, which must then be written here too).
extension JSONStreamWriter {
    func writeFinding(_ finding: Finding, depth: Int) throws {
        var members = Members(self, depth: depth)
        if let details = finding.details {
            try members.next(literal: "\"details\" : ")
            try writeJSONValue(details, depth: depth + 1)
        }
        try members.next(literal: "\"message\" : ")
        try writeString(finding.message)
        try members.next(literal: "\"status\" : ")
        try writeString(finding.status.rawValue)
        try members.next(literal: "\"target\" : ")
        try writeString(finding.target)
        if let waiver = finding.waiver {
            try members.next(literal: "\"waiver\" : ")
            try write(waiver, depth: depth + 1)
        }
        try members.end()
    }

    func writeUser(_ user: Readiness.User, depth: Int) throws {
        var members = Members(self, depth: depth)
        try members.next(literal: "\"blockers\" : ")
        try writeArray(user.blockers, depth: depth + 1) { blocker, depth in
            var members = Members(self, depth: depth)
            try members.next(literal: "\"cause\" : ")
            try writeString(blocker.cause)
            try members.next(literal: "\"checks\" : ")
            try writeArray(blocker.checks, depth: depth + 1) { check, _ in try writeString(check) }
            if let detail = blocker.detail {
                try members.next(literal: "\"detail\" : ")
                try writeString(detail)
            }
            try members.end()
        }
        if let dn = user.dn {
            try members.next(literal: "\"dn\" : ")
            try writeString(dn)
        }
        try members.next(literal: "\"undecided\" : ")
        try writeArray(user.undecided, depth: depth + 1) { check, _ in try writeString(check) }
        try members.next(literal: "\"user\" : ")
        try writeString(user.user)
        try members.end()
    }

    /// As `JSONValue.encode(to:)`: whole numbers below 1e15 as integers, other finite numbers as JSONEncoder writes a
    /// Double, non-finite ones as null.
    func writeJSONValue(_ value: JSONValue, depth: Int) throws {
        switch value {
        case .null: try stream.write("null")
        case .bool(let bool): try stream.write(bool ? "true" : "false")
        case .number(let number):
            if !number.isFinite {
                try stream.write("null")
            } else if number.rounded() == number, abs(number) < 1e15 {
                try stream.write(String(Int64(number)))
            } else {
                try stream.write(Self.byFoundation(number))
            }
        case .string(let string): try writeString(string)
        case .array(let elements): try writeArray(elements, depth: depth) { element, depth in try writeJSONValue(element, depth: depth) }
        case .object(let object):
            guard !object.isEmpty else {
                try stream.write("{\n")
                try close("}", depth: depth)
                return
            }
            var members = Members(self, depth: depth)
            for (key, member) in object.sorted(by: { $0.key.utf8.lexicographicallyPrecedes($1.key.utf8) }) {
                try members.next(key)
                try writeJSONValue(member, depth: depth + 1)
            }
            try members.end()
        }
    }

    /// An array as JSONEncoder writes it, each element by `element` at its depth.
    func writeArray<Element>(_ elements: [Element], depth: Int, _ element: (Element, Int) throws -> Void) throws {
        try stream.write("[\n")
        for (index, value) in elements.enumerated() {
            try beginElement(index, depth: depth)
            try element(value, depth + 1)
        }
        try close("]", depth: depth)
    }

    /// The members of a non-empty object, in the order given (sorted by the caller).
    struct Members {
        let writer: JSONStreamWriter
        let depth: Int
        private var count = 0

        init(_ writer: JSONStreamWriter, depth: Int) {
            self.writer = writer
            self.depth = depth
        }

        mutating func next(_ key: String) throws {
            try begin()
            try writer.writeString(key)
            try writer.stream.write(" : " as StaticString)
        }

        /// A key known to need no escaping, written with its quotes and separator: `"\"user\" : "`.
        mutating func next(literal: StaticString) throws {
            try begin()
            try writer.stream.write(literal)
        }

        private mutating func begin() throws {
            try writer.stream.write(count == 0 ? "{\n" as StaticString : ",\n")
            count += 1
            try writer.indent(depth + 1)
        }

        func end() throws { try writer.close("}", depth: depth) }
    }
}
