import PreflightCore

/// The licence export's parts merged in file order (`LicenseExport.open` reads them).
extension LicenseExport.Reading {
    func finish() throws(InputFileError) -> LicenseExport.Result {
        let key = LicenseExport.key
        var licensing = InventoryFacts.Licensing(format: format, disabledPlansVisible: disabledVisible)
        var unknownByUser: [Int: [String]] = [:]
        var marks = table.emptyMarks()
        for part in try parts.merged() {
            licensing.usersMatched += marks.apply(part.marked)
            licensing.rowsForOtherUsers += part.rowsForOtherUsers
            for (user, names) in part.unknown {
                unknownByUser[user, default: []].append(contentsOf: names)
                for name in names { licensing.unresolved[name, default: 0] += 1 }
            }
        }
        let reader = parts.header
        var input = InventoryFacts.Input(key: key, format: format, rows: parts.rowCount, reader: reader)
        if !disabledVisible {
            input.notes.append(
                "This export does not record disabled service plans, so a user whose P1/P2 plan is switched off counts as licensed.")
        }
        if licensing.rowsForOtherUsers > 0 {
            input.notes.append("\(Plural.count(licensing.rowsForOtherUsers, "row")) \(Plural.verb(licensing.rowsForOtherUsers, "names a user that is", "name users that are")) not in the users export; ignored.")
        }
        guard parts.rowCount == 0 || licensing.usersMatched > 0 else {
            throw InputFileError(
                "None of the \(parts.rowCount) rows of '\(path)' (named by '\(key)') names a user of the users export (matched by "
                    + "\(matchedBy)). Are both exports from the same tenant? Export them again together.")
        }
        return LicenseExport.Result(input: input, licensing: licensing, marks: marks, unknownByUser: unknownByUser)
    }
}
