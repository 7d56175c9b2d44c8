import Foundation
import PreflightCore

/// Writes an Encodable value as `JSONEncoder` does with `[.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]`, byte
/// for byte, but to a `ReportStream` while it encodes: the elements of an array are written one at a time and never
/// held together, so the JSON report of a million findings needs no memory beyond the report itself (JSONEncoder builds
/// the whole tree, then the whole text: several times the report's size).
///
/// Only an object's members wait, since they are written sorted by key (by their UTF-8 bytes, as JSONEncoder sorts them)
/// and a type encodes them in its own order; each waits as a reference to its value, not as text. Floating-point
/// numbers, dates and data are written by JSONEncoder itself, so they read the same.
struct JSONStreamWriter {
    let stream: ReportStream
    /// Elements per part of a long array encoded on two threads (`writeLongArray`); tests make it small.
    var partSize = Self.defaultPartSize

    func write(_ value: any Encodable, depth: Int) throws {
        // One lookup of the value's type tells a leaf from a value that encodes itself (most are: a million findings'
        // worth of structs), where a chain of casts would try each leaf type in turn.
        switch Self.leaves[ObjectIdentifier(type(of: value))] {
        case .string?: try writeString(value as? String ?? "")
        case .bool?: try stream.write((value as? Bool ?? false) ? "true" : "false")
        case .int?: try stream.write(String(value as? Int ?? 0))
        case .url?: try writeString((value as? URL)?.absoluteString ?? "")
        case .foundation?: try stream.write(Self.byFoundation(value))
        case .finding?: if let finding = value as? Finding { try writeFinding(finding, depth: depth) }
        case .user?: if let user = value as? Readiness.User { try writeUser(user, depth: depth) }
        case .jsonValue?: if let json = value as? JSONValue { try writeJSONValue(json, depth: depth) }
        case .findings?:
            try writeLongArray(value as? [Finding] ?? [], depth: depth) { writer, finding, depth in try writer.writeFinding(finding, depth: depth) }
        case .users?:
            try writeLongArray(value as? [Readiness.User] ?? [], depth: depth) { writer, user, depth in try writer.writeUser(user, depth: depth) }
        case .strings?:
            try writeLongArray(value as? [String] ?? [], depth: depth) { writer, string, _ in try writer.writeString(string) }
        case nil:
            let encoder = StreamingEncoder(writer: self, depth: depth, streaming: true)
            try value.encode(to: encoder)
            try encoder.finish()
        }
    }

    private enum Leaf { case string, bool, int, url, foundation, finding, user, jsonValue, findings, users, strings }

    /// The types written without an `Encoder`: leaves, the values a report holds a million of (`JSONFastPaths`) and the
    /// arrays of them (`JSONLongArrays`).
    /// The casts in `write` then cannot fail; their defaults are never used.
    private static let leaves: [ObjectIdentifier: Leaf] = [
        ObjectIdentifier(String.self): .string, ObjectIdentifier(Bool.self): .bool, ObjectIdentifier(Int.self): .int,
        ObjectIdentifier(URL.self): .url, ObjectIdentifier(Double.self): .foundation, ObjectIdentifier(Float.self): .foundation,
        ObjectIdentifier(Date.self): .foundation, ObjectIdentifier(Data.self): .foundation, ObjectIdentifier(Decimal.self): .foundation,
        ObjectIdentifier(Finding.self): .finding, ObjectIdentifier(Readiness.User.self): .user, ObjectIdentifier(JSONValue.self): .jsonValue,
        ObjectIdentifier([Finding].self): .findings, ObjectIdentifier([Readiness.User].self): .users, ObjectIdentifier([String].self): .strings,
    ]

    /// A value JSONEncoder formats in its own way (its number formatting, its date and data strategies).
    static func byFoundation(_ value: any Encodable) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return String(decoding: try encoder.encode(value), as: UTF8.self)
    }

    func write(_ pending: Pending, depth: Int) throws {
        switch pending {
        case .literal(let text): try stream.write(text)
        case .string(let text): try writeString(text)
        case .value(let value): try write(value, depth: depth)
        case .object(let object): try writeObject(object, depth: depth)
        case .array(let array): try writeArray(array.elements, depth: depth)
        case .encoder(let encoder): try write(encoder.pending, depth: depth)
        }
    }

    func writeObject(_ object: PendingObject, depth: Int) throws {
        try stream.write(byte: UInt8(ascii: "{"))
        try stream.write(byte: UInt8(ascii: "\n"))
        let members = object.members.sorted { $0.key.utf8.lexicographicallyPrecedes($1.key.utf8) }
        for (index, member) in members.enumerated() {
            if index > 0 { try stream.write(",\n" as StaticString) }
            try indent(depth + 1)
            try writeString(member.key)
            try stream.write(" : " as StaticString)
            try write(member.value, depth: depth + 1)
        }
        try close("}", depth: depth)
    }

    func writeArray(_ elements: [Pending], depth: Int) throws {
        try stream.write("[\n" as StaticString)
        for (index, element) in elements.enumerated() {
            try beginElement(index, depth: depth)
            try write(element, depth: depth + 1)
        }
        try close("]", depth: depth)
    }

    /// What comes before element `index` of an array at `depth`, whose `[` and line break are written.
    func beginElement(_ index: Int, depth: Int) throws {
        if index > 0 { try stream.write(",\n" as StaticString) }
        try indent(depth + 1)
    }

    /// The line break and indentation before a container's closing bracket (an empty one has an empty line inside, as
    /// JSONEncoder writes it).
    func close(_ bracket: String, depth: Int) throws {
        try stream.write(byte: UInt8(ascii: "\n"))
        try indent(depth)
        try stream.write(bracket)
    }

    func indent(_ depth: Int) throws {
        let spaces = Self.spaces
        if 2 * depth <= spaces.utf8CodeUnitCount {
            // A literal of many characters has a pointer representation: `utf8Start` is its bytes, for the whole run.
            try stream.write(bytes: UnsafeBufferPointer(start: spaces.utf8Start, count: 2 * depth))
        } else {
            try stream.write(String(repeating: "  ", count: depth))
        }
    }

    /// Computed, not stored: a literal needs no lazy initialization (a stored static costs a `swift_once` per use).
    private static var spaces: StaticString { "                                                                " }

    /// A JSON string, escaped as JSONEncoder escapes it: quote, backslash and the control characters (`\b \f \n \r \t`
    /// by name, the others as `\u00XX` in lower case); slashes and everything else as they are.
    func writeString(_ text: String) throws {
        try stream.write(byte: UInt8(ascii: "\""))
        var text = text
        try text.withUTF8 { bytes in
            var start = 0
            var index = 0
            while index < bytes.count {
                // Eight bytes at a time past those that need no escaping (most of a report's text).
                if index + 8 <= bytes.count, let base = bytes.baseAddress,
                    !Self.mayNeedEscaping(UnsafeRawPointer(base).loadUnaligned(fromByteOffset: index, as: UInt64.self))
                {
                    index += 8
                    continue
                }
                let byte = bytes[index]
                if byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") || byte < 0x20 {
                    if index > start { try stream.write(bytes: UnsafeBufferPointer(rebasing: bytes[start..<index])) }
                    try stream.write(Self.escaped(byte))
                    start = index + 1
                }
                index += 1
            }
            if bytes.count > start { try stream.write(bytes: UnsafeBufferPointer(rebasing: bytes[start...])) }
        }
        try stream.write(byte: UInt8(ascii: "\""))
    }

    /// Whether any of the eight bytes of `word` is a quote, a backslash or below 0x20: never false when one is (the
    /// classic zero-byte test, https://graphics.stanford.edu/~seander/bithacks.html#ZeroInWord, and its "less than n"
    /// form, exact for n <= 128); a rare true for clean bytes only costs the byte-by-byte look.
    @inline(__always)
    static func mayNeedEscaping(_ word: UInt64) -> Bool {
        let ones: UInt64 = 0x0101_0101_0101_0101
        let high = ones &* 0x80
        func hasZeroByte(_ value: UInt64) -> UInt64 { (value &- ones) & ~value & high }
        let control = (word &- ones &* 0x20) & ~word & high
        return (control | hasZeroByte(word ^ (ones &* 0x22)) | hasZeroByte(word ^ (ones &* 0x5C))) != 0
    }

    static func escaped(_ byte: UInt8) -> String {
        switch byte {
        case UInt8(ascii: "\""): "\\\""
        case UInt8(ascii: "\\"): "\\\\"
        case 0x08: "\\b"
        case 0x0C: "\\f"
        case 0x0A: "\\n"
        case 0x0D: "\\r"
        case 0x09: "\\t"
        default: "\\u00" + (byte < 0x10 ? "0" : "") + String(byte, radix: 16)
        }
    }
}

/// A value waiting to be written: an object's member, or what a nested container or a super-encoder holds.
enum Pending {
    /// `null`, `true`, `false` or an integer, written as it is.
    case literal(String)
    case string(String)
    case value(any Encodable)
    case object(PendingObject)
    case array(PendingArray)
    case encoder(StreamingEncoder)
}

/// An object's members as its type encoded them; the last value of a key counts, as in JSONEncoder.
final class PendingObject {
    private(set) var members: [(key: String, value: Pending)] = []
    /// Key → position, made only for a large object (a dictionary of many keys): most have a handful, searched in place.
    private var index: [String: Int]?

    func set(_ key: String, _ value: Pending) {
        if let index {
            if let position = index[key] {
                members[position].value = value
                return
            }
        } else if let position = members.firstIndex(where: { $0.key == key }) {
            members[position].value = value
            return
        }
        members.append((key, value))
        if index != nil {
            index?[key] = members.count - 1
        } else if members.count > 16 {
            index = Dictionary(members.enumerated().map { ($0.element.key, $0.offset) }, uniquingKeysWith: { _, last in last })
        }
    }
}

final class PendingArray {
    var elements: [Pending] = []
}

/// The `Encoder` a value encodes itself to. A streaming one (the value's place in the output is now) writes an
/// array's elements as they come; a nested one (a super-encoder) keeps what it is given as `Pending`.
final class StreamingEncoder: Encoder {
    let writer: JSONStreamWriter
    let depth: Int
    let streaming: Bool
    var codingPath: [any CodingKey] = []
    var userInfo: [CodingUserInfoKey: Any] { [:] }

    private enum Content {
        case nothing
        case single(Pending)
        case object(PendingObject)
        case array(PendingArray)
        case streamedArray(StreamedArray)
    }

    private var content = Content.nothing

    init(writer: JSONStreamWriter, depth: Int, streaming: Bool) {
        self.writer = writer
        self.depth = depth
        self.streaming = streaming
    }

    func container<Key: CodingKey>(keyedBy type: Key.Type) -> KeyedEncodingContainer<Key> {
        if case .object(let object) = content { return KeyedEncodingContainer(KeyedContainer(object: object)) }
        let object = PendingObject()
        content = .object(object)
        return KeyedEncodingContainer(KeyedContainer(object: object))
    }

    func unkeyedContainer() -> any UnkeyedEncodingContainer {
        if streaming {
            if case .streamedArray(let array) = content { return StreamedUnkeyedContainer(array: array) }
            let array = StreamedArray(writer: writer, depth: depth)
            content = .streamedArray(array)
            return StreamedUnkeyedContainer(array: array)
        }
        if case .array(let array) = content { return PendingUnkeyedContainer(array: array) }
        let array = PendingArray()
        content = .array(array)
        return PendingUnkeyedContainer(array: array)
    }

    func singleValueContainer() -> any SingleValueEncodingContainer { SingleContainer(encoder: self) }

    fileprivate func set(_ value: Pending) { content = .single(value) }

    /// What a nested encoder holds; a value that encoded nothing is an empty object, as in JSONEncoder.
    var pending: Pending {
        switch content {
        case .nothing: .object(PendingObject())
        case .single(let value): value
        case .object(let object): .object(object)
        case .array(let array): .array(array)
        case .streamedArray: .array(PendingArray())  // a nested encoder never streams
        }
    }

    /// Writes what the value left to write: its object's members, its single value, or its array's end.
    func finish() throws {
        if case .streamedArray(let array) = content {
            try array.finish()
        } else {
            try writer.write(pending, depth: depth)
        }
    }
}

/// A streaming array's state: how many elements are written, and a nested container's element still being filled.
final class StreamedArray {
    let writer: JSONStreamWriter
    let depth: Int
    private(set) var written = 0
    private var waiting: Pending?

    init(writer: JSONStreamWriter, depth: Int) {
        self.writer = writer
        self.depth = depth
    }

    var count: Int { written + (waiting == nil ? 0 : 1) }

    func append(_ value: any Encodable) throws {
        try flushWaiting()
        try begin()
        try writer.write(value, depth: depth + 1)
    }

    func append(literal: String) throws {
        try flushWaiting()
        try begin()
        try writer.stream.write(literal)
    }

    /// A nested container's element: written when the next element comes or the array ends, when it is complete.
    func wait(for value: Pending) throws {
        try flushWaiting()
        waiting = value
    }

    private func begin() throws {
        if written == 0 { try writer.stream.write("[\n") }
        try writer.beginElement(written, depth: depth)
        written += 1
    }

    private func flushWaiting() throws {
        guard let value = waiting else { return }
        waiting = nil
        try begin()
        try writer.write(value, depth: depth + 1)
    }

    func finish() throws {
        try flushWaiting()
        if written == 0 { try writer.stream.write("[\n") }
        try writer.close("]", depth: depth)
    }
}

private struct KeyedContainer<Key: CodingKey>: KeyedEncodingContainerProtocol {
    let object: PendingObject
    var codingPath: [any CodingKey] { [] }

    private func put(_ value: Pending, _ key: Key) { object.set(key.stringValue, value) }

    mutating func encodeNil(forKey key: Key) throws { put(.literal("null"), key) }
    mutating func encode(_ value: Bool, forKey key: Key) throws { put(.literal(value ? "true" : "false"), key) }
    mutating func encode(_ value: String, forKey key: Key) throws { put(.string(value), key) }
    mutating func encode(_ value: Double, forKey key: Key) throws { put(.value(value), key) }
    mutating func encode(_ value: Float, forKey key: Key) throws { put(.value(value), key) }
    mutating func encode(_ value: Int, forKey key: Key) throws { put(.literal(String(value)), key) }
    mutating func encode(_ value: Int8, forKey key: Key) throws { put(.literal(String(value)), key) }
    mutating func encode(_ value: Int16, forKey key: Key) throws { put(.literal(String(value)), key) }
    mutating func encode(_ value: Int32, forKey key: Key) throws { put(.literal(String(value)), key) }
    mutating func encode(_ value: Int64, forKey key: Key) throws { put(.literal(String(value)), key) }
    mutating func encode(_ value: UInt, forKey key: Key) throws { put(.literal(String(value)), key) }
    mutating func encode(_ value: UInt8, forKey key: Key) throws { put(.literal(String(value)), key) }
    mutating func encode(_ value: UInt16, forKey key: Key) throws { put(.literal(String(value)), key) }
    mutating func encode(_ value: UInt32, forKey key: Key) throws { put(.literal(String(value)), key) }
    mutating func encode(_ value: UInt64, forKey key: Key) throws { put(.literal(String(value)), key) }
    mutating func encode<T: Encodable>(_ value: T, forKey key: Key) throws {
        if let string = value as? String { put(.string(string), key) } else { put(.value(value), key) }
    }

    mutating func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type, forKey key: Key) -> KeyedEncodingContainer<NestedKey> {
        let nested = PendingObject()
        put(.object(nested), key)
        return KeyedEncodingContainer(KeyedContainer<NestedKey>(object: nested))
    }

    mutating func nestedUnkeyedContainer(forKey key: Key) -> any UnkeyedEncodingContainer {
        let nested = PendingArray()
        put(.array(nested), key)
        return PendingUnkeyedContainer(array: nested)
    }

    mutating func superEncoder() -> any Encoder { superEncoder(named: "super") }
    mutating func superEncoder(forKey key: Key) -> any Encoder { superEncoder(named: key.stringValue) }

    private func superEncoder(named name: String) -> any Encoder {
        // Its depth is unused: a nested encoder writes nothing itself.
        let encoder = StreamingEncoder(writer: JSONStreamWriter(stream: ReportStream { _ in }), depth: 0, streaming: false)
        object.set(name, .encoder(encoder))
        return encoder
    }
}

/// An array inside a value that is not being written yet (a nested container): its elements wait as `Pending`.
private struct PendingUnkeyedContainer: UnkeyedEncodingContainer {
    let array: PendingArray
    var codingPath: [any CodingKey] { [] }
    var count: Int { array.elements.count }

    private func add(_ value: Pending) { array.elements.append(value) }

    mutating func encodeNil() throws { add(.literal("null")) }
    mutating func encode(_ value: Bool) throws { add(.literal(value ? "true" : "false")) }
    mutating func encode(_ value: String) throws { add(.string(value)) }
    mutating func encode(_ value: Double) throws { add(.value(value)) }
    mutating func encode(_ value: Float) throws { add(.value(value)) }
    mutating func encode(_ value: Int) throws { add(.literal(String(value))) }
    mutating func encode(_ value: Int8) throws { add(.literal(String(value))) }
    mutating func encode(_ value: Int16) throws { add(.literal(String(value))) }
    mutating func encode(_ value: Int32) throws { add(.literal(String(value))) }
    mutating func encode(_ value: Int64) throws { add(.literal(String(value))) }
    mutating func encode(_ value: UInt) throws { add(.literal(String(value))) }
    mutating func encode(_ value: UInt8) throws { add(.literal(String(value))) }
    mutating func encode(_ value: UInt16) throws { add(.literal(String(value))) }
    mutating func encode(_ value: UInt32) throws { add(.literal(String(value))) }
    mutating func encode(_ value: UInt64) throws { add(.literal(String(value))) }
    mutating func encode<T: Encodable>(_ value: T) throws {
        if let string = value as? String { add(.string(string)) } else { add(.value(value)) }
    }

    mutating func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type) -> KeyedEncodingContainer<NestedKey> {
        let nested = PendingObject()
        add(.object(nested))
        return KeyedEncodingContainer(KeyedContainer<NestedKey>(object: nested))
    }

    mutating func nestedUnkeyedContainer() -> any UnkeyedEncodingContainer {
        let nested = PendingArray()
        add(.array(nested))
        return PendingUnkeyedContainer(array: nested)
    }

    mutating func superEncoder() -> any Encoder {
        let encoder = StreamingEncoder(writer: JSONStreamWriter(stream: ReportStream { _ in }), depth: 0, streaming: false)
        add(.encoder(encoder))
        return encoder
    }
}

/// An array being written: each element goes to the stream as it is encoded.
private struct StreamedUnkeyedContainer: UnkeyedEncodingContainer {
    let array: StreamedArray
    var codingPath: [any CodingKey] { [] }
    var count: Int { array.count }

    mutating func encodeNil() throws { try array.append(literal: "null") }
    mutating func encode(_ value: Bool) throws { try array.append(literal: value ? "true" : "false") }
    mutating func encode(_ value: String) throws { try array.append(value) }
    mutating func encode(_ value: Double) throws { try array.append(value) }
    mutating func encode(_ value: Float) throws { try array.append(value) }
    mutating func encode(_ value: Int) throws { try array.append(literal: String(value)) }
    mutating func encode(_ value: Int8) throws { try array.append(literal: String(value)) }
    mutating func encode(_ value: Int16) throws { try array.append(literal: String(value)) }
    mutating func encode(_ value: Int32) throws { try array.append(literal: String(value)) }
    mutating func encode(_ value: Int64) throws { try array.append(literal: String(value)) }
    mutating func encode(_ value: UInt) throws { try array.append(literal: String(value)) }
    mutating func encode(_ value: UInt8) throws { try array.append(literal: String(value)) }
    mutating func encode(_ value: UInt16) throws { try array.append(literal: String(value)) }
    mutating func encode(_ value: UInt32) throws { try array.append(literal: String(value)) }
    mutating func encode(_ value: UInt64) throws { try array.append(literal: String(value)) }
    mutating func encode<T: Encodable>(_ value: T) throws { try array.append(value) }

    // `try?`: a write error of the element flushed here is the stream's, which throws it again at the next write.
    mutating func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type) -> KeyedEncodingContainer<NestedKey> {
        let nested = PendingObject()
        try? array.wait(for: .object(nested))
        return KeyedEncodingContainer(KeyedContainer<NestedKey>(object: nested))
    }

    mutating func nestedUnkeyedContainer() -> any UnkeyedEncodingContainer {
        let nested = PendingArray()
        try? array.wait(for: .array(nested))
        return PendingUnkeyedContainer(array: nested)
    }

    mutating func superEncoder() -> any Encoder {
        let encoder = StreamingEncoder(writer: JSONStreamWriter(stream: ReportStream { _ in }), depth: 0, streaming: false)
        try? array.wait(for: .encoder(encoder))
        return encoder
    }
}

private struct SingleContainer: SingleValueEncodingContainer {
    let encoder: StreamingEncoder
    var codingPath: [any CodingKey] { [] }

    mutating func encodeNil() throws { encoder.set(.literal("null")) }
    mutating func encode(_ value: Bool) throws { encoder.set(.literal(value ? "true" : "false")) }
    mutating func encode(_ value: String) throws { encoder.set(.string(value)) }
    mutating func encode(_ value: Double) throws { encoder.set(.value(value)) }
    mutating func encode(_ value: Float) throws { encoder.set(.value(value)) }
    mutating func encode(_ value: Int) throws { encoder.set(.literal(String(value))) }
    mutating func encode(_ value: Int8) throws { encoder.set(.literal(String(value))) }
    mutating func encode(_ value: Int16) throws { encoder.set(.literal(String(value))) }
    mutating func encode(_ value: Int32) throws { encoder.set(.literal(String(value))) }
    mutating func encode(_ value: Int64) throws { encoder.set(.literal(String(value))) }
    mutating func encode(_ value: UInt) throws { encoder.set(.literal(String(value))) }
    mutating func encode(_ value: UInt8) throws { encoder.set(.literal(String(value))) }
    mutating func encode(_ value: UInt16) throws { encoder.set(.literal(String(value))) }
    mutating func encode(_ value: UInt32) throws { encoder.set(.literal(String(value))) }
    mutating func encode(_ value: UInt64) throws { encoder.set(.literal(String(value))) }
    mutating func encode<T: Encodable>(_ value: T) throws { encoder.set(.value(value)) }
}
