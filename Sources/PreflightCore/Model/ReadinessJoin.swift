import Foundation

/// The join behind `Readiness.users`, sized for a million users: each user is a row (who, their DN, and which of the
/// distinct blocker lists is theirs), and users with the same blockers share one list, so a user costs one small
/// struct in the report, not two arrays of their own. The outcome is the same as adding each finding to each user.
struct ReadinessJoin {
    /// One user's blockers and the checks that could not judge them; users with equal outcomes share one.
    struct Outcome: Hashable {
        var blockers: [Readiness.Blocker] = []
        var undecided: [String] = []
    }

    /// What one finding adds to its user.
    enum Change: Hashable {
        case blocker(cause: String, check: String, detail: String?)
        case undecided(check: String)
    }

    private struct Transition: Hashable {
        var from: Int32
        var change: Change
    }

    private var rows: [UserKey: Int] = [:]
    private var names: [String] = []
    private var dns: [String?] = []
    private var states: [Int32] = []
    private var outcomes: [Outcome] = [Outcome()]
    private var outcomeIDs: [Outcome: Int32] = [Outcome(): 0]
    private var transitions: [Transition: Int32] = [:]
    /// DN → UPN, from the directory's findings that carry `details.upn`, for those that do not.
    private var upnOfDN: [UserKey: String] = [:]
    /// `details.immutableId` → row: Entra's `onPremisesImmutableId` is base64 of the AD object's `mS-DS-ConsistencyGuid`
    /// (else `objectGUID`), so it joins a tenant row to a directory user whose UPN differs (an alternate login ID, a UPN
    /// changed on one side). Filled only by findings that carry one.
    private var rowOfImmutableID: [String: Int] = [:]

    /// Room for `findings` users at once (a million-user tenant's table is not grown twenty times).
    init(findings: Int) { rows.reserveCapacity(findings) }

    mutating func learn(dn: String, upn: String) { upnOfDN[UserKey(dn)] = upn }

    /// The row of the user a finding names: by `details.upn`, else by the UPN its DN maps to, else by its target; a
    /// user not met by that key yet is met by `details.immutableId` (compared exactly: base64 is case-sensitive).
    mutating func row(for finding: Finding) -> Int {
        let details = finding.details
        let upn = details?["upn"]?.stringValue
        let immutableID = details?["immutableId"]?.stringValue
        // Bytes, not `contains("=")`, which Foundation turns into a locale-aware search; memchr where they are contiguous.
        let isDN =
            finding.target.utf8.withContiguousStorageIfAvailable { bytes in
                bytes.baseAddress.map { memchr($0, Int32(UInt8(ascii: "=")), bytes.count) != nil } ?? false
            } ?? finding.target.utf8.contains(UInt8(ascii: "="))
        let key = UserKey(upn ?? (isDN ? upnOfDN[UserKey(finding.target)] ?? finding.target : finding.target))
        let byImmutableID = immutableID.flatMap { rowOfImmutableID[$0] }
        // One lookup of the key for a million findings, which finds or claims its row: the row the immutable id names,
        // else a new one.
        let candidate = byImmutableID ?? names.count
        let found = Self.claim(&rows[key, default: -1], for: candidate)
        if found >= 0 {
            if let immutableID, byImmutableID == nil { rowOfImmutableID[immutableID] = found }
            return found
        }
        if let byImmutableID {
            if isDN, dns[byImmutableID] == nil { dns[byImmutableID] = finding.target }
            return byImmutableID
        }
        if let immutableID { rowOfImmutableID[immutableID] = candidate }
        names.append(upn ?? finding.target)
        dns.append(isDN ? finding.target : nil)
        states.append(0)
        return candidate
    }

    /// The row in `slot` (-1: the key was absent, and `slot` now holds `candidate`).
    private static func claim(_ slot: inout Int, for candidate: Int) -> Int {
        let found = slot
        if found < 0 { slot = candidate }
        return found
    }

    /// The last change applied and where it took each outcome: a check's findings mostly make one change (INV-003's a
    /// million times "no-licence"), looked up here by outcome alone instead of hashing the change's strings each time.
    private var recentChange: Change?
    private var recentMoves: [Int32: Int32] = [:]

    mutating func apply(_ change: Change, to row: Int) {
        if recentChange != change {
            recentChange = change
            recentMoves = [:]
        }
        if let next = recentMoves[states[row]] {
            states[row] = next
            return
        }
        let from = states[row]
        apply(Transition(from: from, change: change), to: row)
        recentMoves[from] = states[row]
    }

    private mutating func apply(_ transition: Transition, to row: Int) {
        if let next = transitions[transition] {
            states[row] = next
            return
        }
        let outcome = Self.applying(transition.change, to: outcomes[Int(transition.from)])
        let next: Int32
        if let existing = outcomeIDs[outcome] {
            next = existing
        } else {
            next = Int32(outcomes.count)
            outcomes.append(outcome)
            outcomeIDs[outcome] = next
        }
        transitions[transition] = next
        states[row] = next
    }

    static func applying(_ change: Change, to outcome: Outcome) -> Outcome {
        var outcome = outcome
        switch change {
        case .undecided(let check):
            if !outcome.undecided.contains(check) { outcome.undecided.append(check) }
        case .blocker(let cause, let check, let detail):
            if let index = outcome.blockers.firstIndex(where: { $0.cause == cause }) {
                if !outcome.blockers[index].checks.contains(check) { outcome.blockers[index].checks.append(check) }
                if let detail, let existing = outcome.blockers[index].detail, !existing.contains(detail) {
                    outcome.blockers[index].detail = existing + ", " + detail
                }
            } else {
                outcome.blockers.append(Readiness.Blocker(cause: cause, checks: [check], detail: detail))
            }
        }
        return outcome
    }

    /// Every user named, in the order they were first named; their blocker lists shared with the users who have the same.
    var users: [Readiness.User] {
        names.indices.map { row in
            let outcome = outcomes[Int(states[row])]
            return Readiness.User(user: names[row], dn: dns[row], blockers: outcome.blockers, undecided: outcome.undecided)
        }
    }

    /// How many users share each outcome, for counting users per cause without visiting each user's list.
    var usersPerOutcome: [(outcome: Outcome, users: Int)] {
        var counts = [Int](repeating: 0, count: outcomes.count)
        for state in states { counts[Int(state)] += 1 }
        return outcomes.indices.filter { counts[$0] > 0 }.map { (outcomes[$0], counts[$0]) }
    }
}

/// A UPN or DN compared without regard to case, as `lowercased()` would compare them, without a lowercased copy of each
/// (ASCII text is folded eight bytes at a time, `UPNKey`; other text is kept lowercased).
struct UserKey: Hashable {
    private let text: String

    init(_ text: String) {
        self.text = Self.isASCII(text) ? text : text.lowercased()
    }

    /// Eight bytes at a time where the bytes are contiguous (a native string's are).
    private static func isASCII(_ text: String) -> Bool {
        text.utf8.withContiguousStorageIfAvailable { bytes in
            guard let base = bytes.baseAddress else { return true }
            let raw = UnsafeRawPointer(base)
            var index = 0
            // Bounds: each load reads bytes index..<index + 8, only while index + 8 <= bytes.count.
            while index + 8 <= bytes.count {
                if raw.loadUnaligned(fromByteOffset: index, as: UInt64.self) & 0x8080_8080_8080_8080 != 0 { return false }
                index += 8
            }
            return bytes[index...].allSatisfy { $0 < 0x80 }
        } ?? text.utf8.allSatisfy { $0 < 0x80 }
    }

    static func == (a: UserKey, b: UserKey) -> Bool {
        a.text.utf8.count == b.text.utf8.count && a.withBytes { left in b.withBytes { UPNKey.equal(left, $0) } }
    }

    func hash(into hasher: inout Hasher) { hasher.combine(withBytes { UPNKey.hash($0) }) }

    /// The text's UTF-8 bytes in place (a native string's are contiguous), else a copy of them.
    private func withBytes<Result>(_ body: (UnsafeBufferPointer<UInt8>) -> Result) -> Result {
        text.utf8.withContiguousStorageIfAvailable(body) ?? Array(text.utf8).withUnsafeBufferPointer(body)
    }
}
