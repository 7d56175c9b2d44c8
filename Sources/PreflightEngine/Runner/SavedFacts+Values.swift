/// What a run's probes gathered, for a reader that joins the areas' facts about one subject (`preflight why`, in
/// `PreflightKit`): the engine hands them over untyped, since it never names an area; each area recognises its own types.
extension SavedFacts {
    /// Every set of facts this build could read, once each (a snapshot several checks share is one value), in the order
    /// of their keys (the lowest id of the checks that gathered them).
    package var gathered: [any Sendable] { Self.values(facts) }

    static func values(_ facts: [String: FactsBlob]) -> [any Sendable] {
        facts.sorted { $0.key < $1.key }.compactMap { entry -> (any Sendable)? in
            if case .facts(let value) = entry.value.value { return value }
            return nil
        }
    }

    /// The facts this build could not read, by the checks that gathered them: why.
    package var unreadable: [String: String] {
        facts.reduce(into: [:]) { result, entry in
            if case .unreadable(let reason) = entry.value.value { result[entry.key] = reason }
        }
    }
}

extension FactsRecorder {
    /// What a run's probes gathered, as `SavedFacts.gathered` gives it for saved facts (`why` without `--facts`).
    package var gathered: [any Sendable] { SavedFacts.values(saved().1) }
}
