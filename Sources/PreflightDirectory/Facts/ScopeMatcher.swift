import PreflightCore

/// A scope with its DNs parsed once, for testing every entry of a search against it (``ScopeFacts/contains(_:)``).
struct ScopeMatcher {
    let bases: [DistinguishedName]
    let excluded: [DistinguishedName]

    init(_ scope: ScopeFacts) {
        bases = scope.bases.map(DistinguishedName.init)
        excluded = scope.excluded.map(DistinguishedName.init)
    }

    /// In scope when the most specific matching container is an inclusion, as Entra Connect's OU
    /// filter works: an export can exclude the domain root and include one OU below it.
    func contains(_ name: DistinguishedName) -> Bool {
        var included = -1
        for base in bases where base.rdns.count > included && name.isWithin(base) { included = base.rdns.count }
        guard included >= 0 else { return false }
        var excludedDepth = -1
        for exclusion in excluded where exclusion.rdns.count > excludedDepth && name.isWithin(exclusion) {
            excludedDepth = exclusion.rdns.count
        }
        return included > excludedDepth
    }
}
