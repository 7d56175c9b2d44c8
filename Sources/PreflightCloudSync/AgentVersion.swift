import Foundation

/// A four-part file version (`1.1.977.0`), compared part by part as numbers: 1.1.1107.0 is later than 1.1.977.0.
struct AgentVersion: Comparable, CustomStringConvertible, Sendable {
    let parts: [Int]

    /// Microsoft's minimum for Cloud Sync password writeback
    /// (https://learn.microsoft.com/entra/identity/authentication/tutorial-enable-cloud-sync-sspr-writeback).
    static let writebackMinimum = AgentVersion(parts: [1, 1, 977, 0])

    init(parts: [Int]) { self.parts = parts }

    init?(_ text: String) {
        let pieces = text.trimmingCharacters(in: .whitespaces).split(separator: ".", omittingEmptySubsequences: false)
        guard (2...4).contains(pieces.count) else { return nil }
        var parts: [Int] = []
        for piece in pieces {
            guard !piece.isEmpty, piece.count <= 9, piece.allSatisfy(\.isASCII), let value = Int(piece), value >= 0 else { return nil }
            parts.append(value)
        }
        self.parts = parts + Array(repeating: 0, count: 4 - parts.count)
    }

    static func < (lhs: Self, rhs: Self) -> Bool { lhs.parts.lexicographicallyPrecedes(rhs.parts) }

    var description: String { parts.map(String.init).joined(separator: ".") }
}
