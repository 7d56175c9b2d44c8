import Foundation

/// An error a probe raises when it cannot decide; its description becomes the check's message.
package struct ProbeError: Error, Sendable, CustomStringConvertible {
    package var description: String
    package var evidence: [String: JSONValue]

    package init(_ description: String, evidence: [String: JSONValue] = [:]) {
        self.description = description
        self.evidence = evidence
    }
}

extension ProbeError {
    /// An error about an input file: its evidence is where in the file, and the size against the limit when that was it.
    package init(_ description: String, at location: InputLocation) {
        self.init(description, evidence: Evidence.of(location))
    }
}

/// Where in an input file a problem is (a `ProbeError`'s evidence); absent parts are left out.
package struct InputLocation: Encodable, Sendable {
    package var file: String
    package var line: Int?
    package var column: Int?
    package var bytes: Int?
    package var limitBytes: Int?

    package init(file: String, line: Int? = nil, column: Int? = nil, bytes: Int? = nil, limitBytes: Int? = nil) {
        self.file = file
        self.line = line
        self.column = column
        self.bytes = bytes
        self.limitBytes = limitBytes
    }
}
