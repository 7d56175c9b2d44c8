import PreflightCore

/// A user's `onPremisesImmutableId` as the users export gives it: with the default source anchor, base64 of the AD
/// object's consistency GUID or objectGUID (kept as its 16 bytes); any other source anchor's value is kept as text.
enum ImmutableID: Sendable, Hashable {
    case guid(GUID)
    case text(String)

    /// The trimmed field; nil when it is empty.
    init?(_ raw: UnsafeBufferPointer<UInt8>) {
        let field = FieldValue.trimmed(raw)
        guard !field.isEmpty else { return nil }
        let text = String(decoding: field, as: UTF8.self)
        self = GUID(immutableID: text).map(ImmutableID.guid) ?? .text(text)
    }

    /// As Entra writes it.
    var text: String {
        switch self {
        case .guid(let guid): guid.immutableID
        case .text(let text): text
        }
    }
}

/// The immutable ids of the users export's rows, only where the export has the column: GUIDs 16 bytes a row (all
/// zeros for none, allocated at the first), other values by row.
struct ImmutableIDColumn: Sendable {
    private var guids: [GUID] = []
    private var others: [Int32: String] = [:]

    static let none = GUID(high: 0, low: 0)

    /// Records row `row`'s id; rows are recorded in order (the rows since the last GUID are filled in with none).
    mutating func set(_ id: ImmutableID?, row: Int) {
        switch id {
        case .guid(let guid)?:
            if guids.count < row { guids.append(contentsOf: repeatElement(Self.none, count: row - guids.count)) }
            guids.append(guid)
        case .text(let text)?: others[Int32(truncatingIfNeeded: row)] = text
        case nil: break
        }
    }

    subscript(row: Int) -> ImmutableID? {
        if row < guids.count, guids[row] != Self.none { return .guid(guids[row]) }
        return others.isEmpty ? nil : others[Int32(truncatingIfNeeded: row)].map(ImmutableID.text)
    }
}
