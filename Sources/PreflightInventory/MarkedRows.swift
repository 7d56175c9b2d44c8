/// What one part of an export (licences, registration, scope group) recorded about the users its rows name, row by
/// row in file order: merged into one `UserTable.Marks` per user once every part is read, as a sequential reading
/// would have recorded them.
struct MarkedRows: Sendable {
    private(set) var users: [Int32] = []
    private(set) var marks: [UserTable.Marks] = []

    /// Records a row about table user `user` (a row index of the table, below `Int32.max`: `UserTable.hasRoom`).
    mutating func mark(_ user: Int, _ rowMarks: UserTable.Marks) {
        users.append(Int32(truncatingIfNeeded: user))
        marks.append(rowMarks)
    }
}

extension Array where Element == UserTable.Marks {
    /// Adds a part's marks, in order; returns how many of its users no earlier row had marked `.seen`.
    mutating func apply(_ rows: MarkedRows) -> Int {
        var firstSeen = 0
        for (user, marks) in zip(rows.users, rows.marks) {
            let index = Int(user)
            if marks.contains(.seen) && !self[index].contains(.seen) { firstSeen += 1 }
            self[index].formUnion(marks)
        }
        return firstSeen
    }
}
