import Foundation

/// The filtered DACLs of the objects read so far, by the bytes of their security descriptors.
///
/// The users of one OU carry byte-identical descriptors (the same inherited ACEs, and neither owner nor group when the
/// SD-flags control asks for the DACL alone), so each distinct descriptor is parsed and filtered to the token once
/// (a default user's is 2 KB with 47 ACEs), and objects whose filtered DACLs are equal share one ACE array: a
/// 100,000-user snapshot holds a few hundred DACLs rather than 100,000. Parsing is a function of the bytes alone, so
/// a descriptor seen before gives what parsing it again would; one that fails to parse is not remembered.
final class DescriptorCache {
    /// Distinct descriptors (and distinct filtered DACLs) remembered; past it the cache starts over, so its memory
    /// stays bounded (about 2 MB) in a domain where every object's descriptor differs.
    static let capacity = 1024

    private struct Key: Hashable {
        let bytes: [UInt8]
        /// Whether the object is the account itself: its PRINCIPAL_SELF ACEs are then kept.
        let selfMatches: Bool

        func hash(into hasher: inout Hasher) {
            bytes.withUnsafeBytes { hasher.combine(bytes: $0) }
            hasher.combine(selfMatches)
        }

        static func == (a: Key, b: Key) -> Bool {
            guard a.selfMatches == b.selfMatches, a.bytes.count == b.bytes.count else { return false }
            return a.bytes.withUnsafeBytes { x in
                b.bytes.withUnsafeBytes { y in
                    guard let first = x.baseAddress, let second = y.baseAddress else { return true }  // both empty
                    return memcmp(first, second, x.count) == 0
                }
            }
        }
    }

    private var parsed: [Key: SnapshotGatherer.ParsedDACL] = [:]
    private var shared: Set<ACL> = []

    /// The filtered DACL of the descriptor `bytes`: remembered, or `parse`d now (and remembered when that succeeds).
    func dacl(
        _ bytes: [UInt8], selfMatches: Bool, parse: () throws -> SnapshotGatherer.ParsedDACL
    ) rethrows -> SnapshotGatherer.ParsedDACL {
        let key = Key(bytes: bytes, selfMatches: selfMatches)
        if let known = parsed[key] { return known }
        var result = try parse()
        if case .acl(let acl)? = result.dacl {
            if shared.count >= Self.capacity { shared.removeAll(keepingCapacity: true) }
            result.dacl = .acl(shared.insert(acl).memberAfterInsert)
        }
        if parsed.count >= Self.capacity { parsed.removeAll(keepingCapacity: true) }
        parsed[key] = result
        return result
    }
}
