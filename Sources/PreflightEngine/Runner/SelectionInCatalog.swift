import PreflightCore

extension Selection {
    /// The same selection with ids spelled as the catalog spells them (a former id becomes the current one), in
    /// catalog order, without repeats: what the report records.
    package func canonical(in catalog: Catalog) -> Selection {
        func ids(_ values: [String]) -> [String] {
            let wanted = Set(values.compactMap { catalog[$0]?.id })
            return catalog.checks.map(\.id).filter(wanted.contains)
        }
        var seen = Set<String>()
        return Selection(only: ids(only), skip: ids(skip), tags: tags.filter { seen.insert($0).inserted })
    }

    /// The selected checks, plus every check they require (a check cannot run without its prerequisites).
    /// Unknown ids are a usage error (exit 64).
    package func apply(to catalog: Catalog) throws(PreflightError) -> [CheckDefinition] {
        for id in only + skip where catalog[id] == nil {
            let hint = closestMatch(to: id, in: catalog.checks.map(\.id)).map { " Did you mean '\($0)'?" } ?? ""
            throw .usage("Unknown check id '\(id)'.\(hint) Run 'preflight list' to see the catalog.")
        }
        let onlyIDs = Set(only.compactMap { catalog[$0]?.id })
        let skipIDs = Set(skip.compactMap { catalog[$0]?.id })
        var chosen = catalog.checks.filter { check in
            (onlyIDs.isEmpty || onlyIDs.contains(check.id)) && !skipIDs.contains(check.id)
                && (tags.isEmpty || !Set(tags).isDisjoint(with: check.tags))
        }
        var ids = Set(chosen.map(\.id))
        var queue = chosen
        while let check = queue.popLast() {
            for required in check.requires where !ids.contains(required) {
                if let definition = catalog[required] {
                    ids.insert(definition.id)
                    chosen.append(definition)
                    queue.append(definition)
                }
            }
        }
        return chosen.sorted { $0.id < $1.id }
    }
}

