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
