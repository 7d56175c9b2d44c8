extension ReportComparison {
    /// Pairs findings by target (case-insensitive, as the readiness join keys users: `UserKey`): first those whose
    /// message is the same too, then the rest in order. So a different problem on an empty or shared target is a new
    /// finding, and reordering changes nothing. Each finding takes the earliest unpaired baseline finding that fits.
    ///
    /// Linear: a check of a million-user tenant has hundreds of thousands of findings on each side, and `run --baseline`
    /// compares them every night. Each baseline finding waits in two queues (its target and message, its target), in
    /// file order; a queue's head moves past findings already paired, so each is passed over at most once.
    static func pair(_ before: [Finding], _ after: [Finding]) -> (pairs: [(Finding, Finding)], added: [Finding], removed: [Finding]) {
        var paired = [Bool](repeating: false, count: before.count)
        var sameMessage = PairingQueues<TargetAndMessage>()
        var sameTarget = PairingQueues<UserKey>()
        for (index, finding) in before.enumerated() {
            let target = UserKey(finding.target)
            sameMessage.append(index, to: TargetAndMessage(target: target, message: finding.message))
            sameTarget.append(index, to: target)
        }
        var pairs: [(Finding, Finding)] = []
        var added: [Finding] = []
        var pending: [Finding] = []
        for finding in after {
            if let index = sameMessage.takeFirst(TargetAndMessage(target: UserKey(finding.target), message: finding.message), skipping: &paired) {
                pairs.append((before[index], finding))
            } else {
                pending.append(finding)
            }
        }
        for finding in pending {
            // An empty target names nothing: only the same message makes it the same finding.
            if !finding.target.isEmpty, let index = sameTarget.takeFirst(UserKey(finding.target), skipping: &paired) {
                pairs.append((before[index], finding))
            } else {
                added.append(finding)
            }
        }
        return (pairs, added, before.indices.filter { !paired[$0] }.map { before[$0] })
    }
}

private struct TargetAndMessage: Hashable {
    var target: UserKey
    var message: String
}

/// Baseline finding indices by key, in file order, each queue with the position of its first finding not yet paired.
private struct PairingQueues<Key: Hashable> {
    private var queues: [Key: (indices: [Int], head: Int)] = [:]

    mutating func append(_ index: Int, to key: Key) {
        queues[key, default: ([], 0)].indices.append(index)
    }

    /// The earliest finding of `key` not yet paired, now marked paired in `paired`.
    mutating func takeFirst(_ key: Key, skipping paired: inout [Bool]) -> Int? {
        guard var queue = queues[key] else { return nil }
        defer { queues[key] = queue }
        while queue.head < queue.indices.count, paired[queue.indices[queue.head]] { queue.head += 1 }
        guard queue.head < queue.indices.count else { return nil }
        let index = queue.indices[queue.head]
        queue.head += 1
        paired[index] = true
        return index
    }
}
