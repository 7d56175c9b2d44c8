import Foundation

/// Every user of the users export as one 64-bit word: the hash of the UPN (`UserTable.hash`, ASCII case ignored) with its
/// lowest bit replaced by whether the SSPR scope holds the user. 8 bytes a user (8 MB for a million users, in table
/// order, unsorted: building it costs one hash per user), so that `preflight why` tells "not in the tenant's users
/// export", "not in the SSPR scope" and "in scope" apart from saved facts, without the exports. Two UPNs whose 63 bits
/// collide would read as one: about one chance in 10^7 for a million users, never a false "ready" (the other sides still
/// have to pass). Saved as base64 of the little-endian words.
struct UserKeys: Codable, Sendable, Hashable {
    private(set) var words: [UInt64]

    enum Membership: Equatable {
        case notInExport, outOfScope, inScope
    }

    struct Builder {
        private(set) var keys: UserKeys

        init(capacity: Int) {
            keys = UserKeys(words: [])
            keys.words.reserveCapacity(capacity)
        }

        mutating func add(hash: UInt64, inScope: Bool) { keys.words.append(hash & ~1 | (inScope ? 1 : 0)) }
    }

    /// A linear scan: one lookup per `why`, where sorting a million words for every run would cost more.
    func membership(of upn: String) -> Membership {
        let key = Array(upn.utf8).withUnsafeBufferPointer { UserTable.hash($0) } & ~1
        guard let word = words.first(where: { $0 & ~1 == key }) else { return .notInExport }
        return word & 1 == 1 ? .inScope : .outOfScope
    }

    init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        let text = try container.decode(String.self)
        guard let data = Data(base64Encoded: text), data.count % 8 == 0 else {
            throw DecodingError.dataCorruptedError(in: container, debugDescription: "not base64 of 64-bit words")
        }
        words = data.withUnsafeBytes { raw in
            (0..<data.count / 8).map { UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: $0 * 8, as: UInt64.self)) }
        }
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        let data = words.map(\.littleEndian).withUnsafeBufferPointer { Data(buffer: $0) }
        try container.encode(data.base64EncodedString())
    }

    private init(words: [UInt64]) { self.words = words }
}
