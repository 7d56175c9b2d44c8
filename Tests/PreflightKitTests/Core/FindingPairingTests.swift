import Foundation
import PreflightTestSupport
import Testing

@testable import PreflightCore

/// `ReportComparison.pair`, the linear pairing behind `diff` and `run --baseline`, against the quadratic definition it
/// replaced (first the same target and message, then the same non-empty target, each taking the earliest unpaired
/// baseline finding), on random findings with repeated, empty and differently cased targets.
@Suite("Finding pairing (diff and baseline)")
struct FindingPairingTests {
    /// The definition, as the comparison read before it was linear.
    static func pairedByDefinition(_ before: [Finding], _ after: [Finding]) -> (pairs: [(Finding, Finding)], added: [Finding], removed: [Finding]) {
        func sameTarget(_ a: Finding, _ b: Finding) -> Bool { UserKey(a.target) == UserKey(b.target) }
        var unmatched = Array(before.indices)
        var pairs: [(Finding, Finding)] = []
        var added: [Finding] = []
        var pending: [Finding] = []
        for finding in after {
            if let index = unmatched.firstIndex(where: { sameTarget(before[$0], finding) && before[$0].message == finding.message }) {
                pairs.append((before[unmatched.remove(at: index)], finding))
            } else {
                pending.append(finding)
            }
        }
        for finding in pending {
            if !finding.target.isEmpty, let index = unmatched.firstIndex(where: { sameTarget(before[$0], finding) }) {
                pairs.append((before[unmatched.remove(at: index)], finding))
            } else {
                added.append(finding)
            }
        }
        return (pairs, added, unmatched.map { before[$0] })
    }

    /// Few targets and messages, so that most findings share one with others; ASCII and non-ASCII case variants.
    static func randomFindings(_ count: Int, _ random: inout SplitMix64) -> [Finding] {
        let targets = ["", "CN=Alice,DC=corp", "cn=alice,dc=CORP", "bob@corp.example", "BOB@corp.example", "Émile@corp", "émile@CORP", "x"]
        let messages = ["No ACE.", "Denied.", "Inheritance disabled.", ""]
        let statuses: [CheckStatus] = [.fail, .warn, .pass, .error]
        return (0..<count).map { _ in
            Finding(
                status: statuses.randomElement(using: &random) ?? .fail, target: targets.randomElement(using: &random) ?? "",
                message: messages.randomElement(using: &random) ?? "")
        }
    }

    @Test func randomFindingsPairAsTheDefinitionPairsThem() {
        var random = SplitMix64(state: 0x19_2026)
        for round in 0..<500 {
            let before = Self.randomFindings(Int.random(in: 0...24, using: &random), &random)
            let after = Self.randomFindings(Int.random(in: 0...24, using: &random), &random)
            let linear = ReportComparison.pair(before, after)
            let definition = Self.pairedByDefinition(before, after)
            #expect(linear.pairs.map { [$0.0, $0.1] } == definition.pairs.map { [$0.0, $0.1] }, "round \(round)")
            #expect(linear.added == definition.added, "round \(round)")
            #expect(linear.removed == definition.removed, "round \(round)")
        }
    }

    @Test func targetsPairWhateverTheirCaseAndAnEmptyTargetOnlyByItsMessage() {
        let before = [
            Finding(status: .fail, target: "CN=Émile,DC=corp", message: "No ACE."),
            Finding(status: .fail, target: "", message: "Summary."),
            Finding(status: .fail, target: "", message: "Other."),
        ]
        let after = [
            Finding(status: .warn, target: "cn=émile,dc=CORP", message: "Denied."),
            Finding(status: .fail, target: "", message: "Summary."),
            Finding(status: .fail, target: "", message: "New."),
        ]
        let result = ReportComparison.pair(before, after)
        #expect(result.pairs.map(\.0) == [before[1], before[0]], "the same message first, then the same target in another case")
        #expect(result.added == [after[2]] && result.removed == [before[2]])
    }

    /// Reordered findings (an export downloaded in another order) pair all the same, and in the current report's order.
    @Test func aReversedCheckPairsEveryFinding() {
        let before = (0..<2_000).map { Finding(status: .fail, target: "user\($0)@corp.example", message: "No licence.") }
        let after = before.reversed().map { finding in
            Finding(status: .fail, target: finding.target.uppercased(), message: finding.message)
        }
        let result = ReportComparison.pair(before, after)
        #expect(result.added.isEmpty && result.removed.isEmpty)
        #expect(result.pairs.map(\.1) == after)
        #expect(result.pairs.allSatisfy { UserKey($0.0.target) == UserKey($0.1.target) })
    }
}
