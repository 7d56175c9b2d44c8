import PreflightCore

/// Every user of the users export in a compact, columnar form: a million users take about 60 MB, where a
/// dictionary of Strings would take several times that. UPNs are matched case-insensitively (ASCII), as Entra ID does.
///
/// Built once from the users export, then only read: the other exports look users up concurrently and record what
/// they learn in arrays of their own (`Marks`), one entry per user.
struct UserTable: Sendable {
    struct Flags: OptionSet, Sendable {
        let rawValue: UInt8
        static let enabled = Flags(rawValue: 1 << 0)
        /// The enabled column was empty: the user counts as enabled (kept in the checks).
        static let enabledUnknown = Flags(rawValue: 1 << 1)
        static let synced = Flags(rawValue: 1 << 2)
    }

    /// What one of the other exports recorded about a user.
    struct Marks: OptionSet, Sendable {
        let rawValue: UInt8
        /// The export has a row for the user.
        static let seen = Marks(rawValue: 1 << 0)
        /// Licences: an assigned SKU includes an enabled P1 or P2 plan. Registration: registered for SSPR.
        static let yes = Marks(rawValue: 1 << 1)
        /// Licences: a SKU with P1/P2 is assigned but those plans are disabled (explains an unlicensed user).
        static let premiumDisabled = Marks(rawValue: 1 << 2)
        /// Licences: a SKU or product name is not in the licensing table, so P1/P2 is unknown.
        static let unknown = Marks(rawValue: 1 << 3)
    }

    private(set) var count = 0
    private var upnBytes: [UInt8] = []
    private var upnEnds: [UInt32] = []
    private(set) var flags: [Flags] = []
    /// UPN index, open addressing with linear probing: each slot holds a hash tag (high 32 bits) and the row
    /// index + 1 (low 32 bits; 0 is empty). The tag spares most comparisons with the stored bytes.
    private var slots: [UInt64] = Array(repeating: 0, count: 1 << 16)
    /// Object-id index, same scheme over `ids`.
    private var ids: [GUID] = []
    private var idSlots: [Int32] = Array(repeating: 0, count: 1 << 16)
    private var idCount = 0
    /// Entra's `onPremisesImmutableId`, where the export has the column (readiness joins by it).
    private var immutableIDs = ImmutableIDColumn()

    func immutableID(_ index: Int) -> ImmutableID? { immutableIDs[index] }

    func upn(_ index: Int) -> String {
        let start = index == 0 ? 0 : Int(upnEnds[index - 1])
        return upnBytes.withUnsafeBufferPointer { String(decoding: $0[start..<Int(upnEnds[index])], as: UTF8.self) }
    }

    /// Sizes the storage and indexes for about `users` users at once, sparing the rehashing of growing them.
    mutating func reserve(users: Int) {
        guard users > count else { return }
        upnBytes.reserveCapacity(users * 32)
        upnEnds.reserveCapacity(users)
        flags.reserveCapacity(users)
        ids.reserveCapacity(users)
        var capacity = slots.count
        while capacity < users * 2 { capacity *= 2 }
        if capacity > slots.count {
            slots = [UInt64](repeating: 0, count: capacity / 2)  // growSlots doubles it and re-inserts what is there
            growSlots()
        }
        if capacity > idSlots.count {
            idSlots = [Int32](repeating: 0, count: capacity)
            idCount = 0
            for row in 0..<count where ids[row] != GUID(high: 0, low: 0) { insertID(ids[row], row: row) }
        }
    }

    func emptyMarks() -> [Marks] { Array(repeating: [], count: count) }

    /// Whether a user with a UPN of `length` bytes still fits: the indexes store UPN ends as 32-bit and rows as 31-bit
    /// numbers (4 GiB of UPNs, two thousand million users: a hundred times the largest tenant).
    func hasRoom(forUPN length: Int) -> Bool {
        upnBytes.count + length <= Int(UInt32.max) && count < Int(Int32.max) - 1
    }

    /// Adds a user; returns nil (and adds nothing) when the UPN is already in the table. Call `hasRoom` first.
    mutating func add(upn: UnsafeBufferPointer<UInt8>, id: GUID?, flags userFlags: Flags) -> Int? {
        add(upn: upn, hash: Self.hash(upn), id: id, flags: userFlags)
    }

    /// The same with the UPN's `hash` (`UserTable.hash(upn)`) already computed, on another thread.
    mutating func add(
        upn: UnsafeBufferPointer<UInt8>, hash: UInt64, id: GUID?, immutableID: ImmutableID? = nil, flags userFlags: Flags
    ) -> Int? {
        if (count + 1) * 2 > slots.count { growSlots() }
        let tag = hash >> 32
        let mask = slots.count - 1
        var slot = Int(truncatingIfNeeded: hash) & mask
        while slots[slot] != 0 {
            if slots[slot] >> 32 == tag, matches(Int(slots[slot] & 0xFFFF_FFFF) - 1, upn) { return nil }
            slot = (slot + 1) & mask
        }
        upnBytes.append(contentsOf: upn)
        upnEnds.append(UInt32(upnBytes.count))
        flags.append(userFlags)
        slots[slot] = tag << 32 | UInt64(count + 1)
        immutableIDs.set(immutableID, row: count)
        count += 1
        ids.append(id ?? GUID(high: 0, low: 0))
        if let id { addID(id, row: count - 1) }
        return count - 1
    }

    /// `find(upn:)`, trying first the user `hint` (the last one found, updated) and the one after it: exports written
    /// from the same enumeration as the users export (Graph PowerShell's loops over Get-MgUser) list users in its
    /// order, and comparing with the next user reads memory already in cache where a hash probe misses it (a tenth of
    /// the 1,000,000-user benchmark's time). Any other order costs one comparison more per row.
    func find(upn: UnsafeBufferPointer<UInt8>, hint: inout Int) -> Int? {
        if hint < count && matches(hint, upn) { return hint }
        if hint + 1 < count && matches(hint + 1, upn) {
            hint += 1
            return hint
        }
        guard let found = find(upn: upn) else { return nil }
        hint = found
        return found
    }

    func find(upn: UnsafeBufferPointer<UInt8>) -> Int? {
        let hash = Self.hash(upn)
        let tag = hash >> 32
        let mask = slots.count - 1
        var slot = Int(truncatingIfNeeded: hash) & mask
        while slots[slot] != 0 {
            if slots[slot] >> 32 == tag {
                let index = Int(slots[slot] & 0xFFFF_FFFF) - 1
                if matches(index, upn) { return index }
            }
            slot = (slot + 1) & mask
        }
        return nil
    }

    func find(id: GUID) -> Int? {
        let mask = idSlots.count - 1
        var slot = Int(truncatingIfNeeded: Self.mix(id.high ^ id.low)) & mask
        while idSlots[slot] != 0 {
            let index = Int(idSlots[slot]) - 1
            if ids[index] == id { return index }
            slot = (slot + 1) & mask
        }
        return nil
    }

    private mutating func addID(_ id: GUID, row: Int) {
        if (idCount + 1) * 2 > idSlots.count {
            var grown = [Int32](repeating: 0, count: idSlots.count * 2)
            let mask = grown.count - 1
            for old in idSlots where old != 0 {
                let existing = ids[Int(old) - 1]
                var slot = Int(truncatingIfNeeded: Self.mix(existing.high ^ existing.low)) & mask
                while grown[slot] != 0 { slot = (slot + 1) & mask }
                grown[slot] = old
            }
            idSlots = grown
        }
        insertID(id, row: row)
    }

    private mutating func insertID(_ id: GUID, row: Int) {
        let mask = idSlots.count - 1
        var slot = Int(truncatingIfNeeded: Self.mix(id.high ^ id.low)) & mask
        while idSlots[slot] != 0 {
            if ids[Int(idSlots[slot]) - 1] == id { return }  // a duplicate id keeps its first user
            slot = (slot + 1) & mask
        }
        idSlots[slot] = Int32(row + 1)
        idCount += 1
    }

    private func matches(_ index: Int, _ upn: UnsafeBufferPointer<UInt8>) -> Bool {
        let start = index == 0 ? 0 : Int(upnEnds[index - 1])
        let end = Int(upnEnds[index])
        guard end - start == upn.count else { return false }
        return upnBytes.withUnsafeBufferPointer { UPNKey.equal(UnsafeBufferPointer(rebasing: $0[start..<end]), upn) }
    }

    /// Doubles the UPN index, hashing the stored UPNs again (the slots keep only the upper half of each hash).
    private mutating func growSlots() {
        var grown = [UInt64](repeating: 0, count: slots.count * 2)
        let mask = grown.count - 1
        upnBytes.withUnsafeBufferPointer { bytes in
            for index in 0..<count {
                let start = index == 0 ? 0 : Int(upnEnds[index - 1])
                let hash = Self.hash(UnsafeBufferPointer(rebasing: bytes[start..<Int(upnEnds[index])]))
                var slot = Int(truncatingIfNeeded: hash) & mask
                while grown[slot] != 0 { slot = (slot + 1) & mask }
                grown[slot] = (hash >> 32) << 32 | UInt64(index + 1)
            }
        }
        slots = grown
    }

    /// The hash of user `index`'s UPN (`UserTable.hash`), for `UserKeys`.
    func hash(ofUser index: Int) -> UInt64 {
        let start = index == 0 ? 0 : Int(upnEnds[index - 1])
        return upnBytes.withUnsafeBufferPointer { Self.hash(UnsafeBufferPointer(rebasing: $0[start..<Int(upnEnds[index])])) }
    }

    /// The UPN's hash, ignoring ASCII case (`UPNKey.hash`).
    @inline(__always)
    static func hash(_ bytes: UnsafeBufferPointer<UInt8>) -> UInt64 { UPNKey.hash(bytes) }

    @inline(__always)
    static func mix(_ value: UInt64) -> UInt64 { UPNKey.mix(value) }
}
