import PreflightCore

/// The access decisions already made in one judgement over many users, by DACL.
///
/// The gatherer gives the users of an OU one shared DACL (``DescriptorCache``), so AD-003 to AD-006 walk each distinct
/// DACL once per right rather than once per user. A DACL is known by the identity of its ACE storage, which is exact
/// while the snapshot holding it is alive (as it is for the whole judgement); a DACL that shares no storage (as in facts
/// read back from a file) is simply decided each time.
struct AccessDecisions {
    struct Outcome {
        var decision: AccessDecision
        var doubt: DecisionDoubt?
    }

    private struct Key: Hashable {
        var storage: UInt
        var count: Int
        var objectClass: GUID
        /// Whether the user is the account itself, so that PRINCIPAL_SELF ACEs hold for it (the only way the user's own
        /// SID enters the decision; the doubts never depend on it).
        var isSelf: Bool
        var right: DirectoryRight
    }

    private var known: [Key: Outcome] = [:]

    /// The decision for `right` on `user`, made by `decide` unless a user with the same DACL, class and self-ness had it.
    mutating func outcome(_ right: DirectoryRight, for user: UserFacts, token: Set<SID>, decide: () -> Outcome) -> Outcome {
        guard case .acl(let acl) = user.dacl else { return decide() }
        let storage = acl.aces.withUnsafeBufferPointer { UInt(bitPattern: $0.baseAddress) }
        let key = Key(
            storage: storage, count: acl.aces.count, objectClass: user.objectClass,
            isSelf: user.sid.map(token.contains) ?? false, right: right)
        if let outcome = known[key] { return outcome }
        let outcome = decide()
        known[key] = outcome
        return outcome
    }
}
