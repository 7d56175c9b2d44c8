/// A CSV header, looked up by column names compared case-insensitively and without spaces, underscores and
/// hyphens: `userPrincipalName`, `UserPrincipalName` and `User principal name` are one column, and so are
/// `String_Id` and `String_ Id`.
package struct CSVColumns {
    package let names: [String]
    private let keys: [String]

    package init(_ names: [String]) {
        self.names = names
        keys = names.map(CSVColumns.key)
    }

    package static func key(_ name: String) -> String {
        String(name.lowercased().unicodeScalars.filter { !" _-\t\u{FEFF}".unicodeScalars.contains($0) }.map(Character.init))
    }

    /// The index of the first of `aliases` (in order of preference) that the header has.
    package func index(_ aliases: [String]) -> Int? {
        for alias in aliases {
            if let index = keys.firstIndex(of: CSVColumns.key(alias)) { return index }
        }
        return nil
    }

    package func has(_ alias: String) -> Bool { index([alias]) != nil }

    /// The columns as the file spells them, for messages: `'UserPrincipalName', 'Id', 'AccountEnabled'`. At most
    /// `shownColumns` of them, each quoted to `InputLimits.quoteLength` characters: a message never echoes a header.
    package var listed: String {
        guard !names.isEmpty else { return "(none: the file is empty)" }
        let shown = names.prefix(Self.shownColumns).map { "'\(InputLimits.quote($0))'" }.joined(separator: ", ")
        return names.count > Self.shownColumns ? shown + " and \(names.count - Self.shownColumns) more" : shown
    }

    /// The same without quotes: `UserPrincipalName, Id, AccountEnabled`.
    package var plain: String {
        let shown = names.prefix(Self.shownColumns).map { InputLimits.quote($0) }.joined(separator: ", ")
        return names.count > Self.shownColumns ? shown + " and \(names.count - Self.shownColumns) more" : shown
    }

    package static let shownColumns = 40
}
