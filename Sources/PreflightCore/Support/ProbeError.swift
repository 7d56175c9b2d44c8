import Foundation

/// An error a probe raises when it cannot decide; its description becomes the check's message.
public struct ProbeError: Error, Sendable, CustomStringConvertible {
    public var description: String
    public var evidence: [String: JSONValue]

    public init(_ description: String, evidence: [String: JSONValue] = [:]) {
        self.description = description
        self.evidence = evidence
    }
}

extension ProbeError {
    /// An error about an input file: its evidence is where in the file, and the size against the limit when that was it.
    public init(_ description: String, at location: InputLocation) {
        self.init(description, evidence: Evidence.of(location))
    }
}

/// Where in an input file a problem is (a `ProbeError`'s evidence); absent parts are left out.
public struct InputLocation: Encodable, Sendable {
    public var file: String
    public var line: Int?
    public var column: Int?
    public var bytes: Int?
    public var limitBytes: Int?

    public init(file: String, line: Int? = nil, column: Int? = nil, bytes: Int? = nil, limitBytes: Int? = nil) {
        self.file = file
        self.line = line
        self.column = column
        self.bytes = bytes
        self.limitBytes = limitBytes
    }
}
