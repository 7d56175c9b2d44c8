import Foundation
import Testing

@testable import PreflightConnect
@testable import PreflightCore
@testable import PreflightDirectory
@testable import PreflightEngine
@testable import PreflightInventory
@testable import PreflightKit
@testable import PreflightMonitoring
@testable import PreflightNetwork
@testable import PreflightReporting

@Suite("Runner")
struct RunnerTests {
    /// The deadline is roomy unless a test is about deadlines: a 400 ms sleep once missed 5 s while the test
    /// process's two cooperative threads served hundreds of parallel tests on an overloaded machine.
    func runner(jobs: Int = 8, timeout: Double = 60) -> Runner {
        var configuration = Configuration()
        configuration.timeoutSeconds = timeout
        return Runner(registry: TestProbe.registry, configuration: configuration, jobs: jobs)
    }

    func started(_ result: CheckResult) -> Double { result.evidence["startedAt"]?.numberValue ?? -1 }
    func finished(_ result: CheckResult) -> Double { result.evidence["finishedAt"]?.numberValue ?? -1 }

    @Test func checksRunConcurrentlyUpToTheJobLimit() async {
        let checks = (1...4).map { testCheck(String(format: "TST-%03d", $0), .sleep, sleepMs: 400) }
        let parallel = await runner(jobs: 4).run(checks)
        #expect(parallel.allSatisfy { $0.status == .pass })
        // All four overlap: each started before any finished.
        let firstFinish = parallel.map(finished).min()!
        #expect(parallel.allSatisfy { started($0) < firstFinish })

        let serial = await runner(jobs: 1).run(checks)
        let ordered = serial.sorted { started($0) < started($1) }
        for (earlier, later) in zip(ordered, ordered.dropFirst()) {
            #expect(finished(earlier) <= started(later) + 0.001)
        }
    }

    @Test func requiresOrdersChecksAndSkipsWithTheReasonWhenARequirementFails() async {
        let results = await runner().run([
            testCheck("TST-001", .sleep, sleepMs: 200),
            testCheck("TST-002", .pass, requires: ["TST-001"]),
            testCheck("TST-003", .fail),
            testCheck("TST-004", .pass, requires: ["TST-003"]),
            testCheck("TST-005", .pass, requires: ["TST-004"]),
        ])
        let byID = Dictionary(uniqueKeysWithValues: results.map { ($0.id, $0) })
        #expect(started(byID["TST-002"]!) >= finished(byID["TST-001"]!))
        #expect(byID["TST-002"]?.status == .pass)
        #expect(byID["TST-004"]?.status == .skip && byID["TST-004"]?.reason == .requirementFailed)
        #expect(byID["TST-004"]?.message.contains("Requires TST-003") == true)
        #expect(byID["TST-005"]?.status == .skip && byID["TST-005"]?.reason == .requirementFailed)
    }

    @Test func aThrowingProbeBecomesErrorForThatCheckAlone() async {
        let results = await runner().run([testCheck("TST-001", .throw), testCheck("TST-002", .pass)])
        #expect(results[0].status == .error && results[0].message == "The test probe threw on purpose.")
        #expect(results[1].status == .pass)
    }

    @Test(arguments: [TestProbe.Behavior.hang, .block])
    func aHangingProbeBecomesErrorAtItsDeadline(_ behavior: TestProbe.Behavior) async {
        let clock = ContinuousClock.now
        let results = await runner(timeout: 0.5).run([testCheck("TST-001", behavior), testCheck("TST-002", .pass)])
        let elapsed = ContinuousClock.now - clock
        #expect(results[0].status == .error)
        #expect(results[0].message.contains("did not finish within its deadline of 0.5 s"))
        #expect(results[1].status == .pass)
        // The hang never ends by itself, so finishing at all shows the deadline ended it. The bound is loose on
        // purpose: here hundreds of parallel tests share two cooperative threads with the runner's timer (11.5 s
        // once). The deadline's precision is asserted in a process of its own (ExitCodeTests).
        #expect(elapsed < .seconds(120))
    }

    @Test func aCheckDeadlineOverridesTheConfiguration() async {
        let results = await runner(timeout: 30).run([testCheck("TST-001", .hang, timeout: 0.3)])
        #expect(results[0].message.contains("0.3 s"))
    }

    @Test func phaseMismatchSkipsAsNotApplicableAndMissingInputAsNoInput() async {
        let results = await runner().run([testCheck("TST-001", .pass, phases: [.health]), testCheck("TST-002", .noInput)])
        #expect(results[0].status == .skip && results[0].reason == .notApplicable)
        #expect(results[0].message.contains("health"))
        #expect(results[1].status == .skip && results[1].reason == .noInput)
    }

    @Test func sharedFactsAreGatheredOncePerRun() async throws {
        let shared = SharedFacts()
        let counter = Counter()
        async let a = shared.value(SharedFactKey<Int>("k")) { await counter.increment() }
        async let b = shared.value(SharedFactKey<Int>("k")) { await counter.increment() }
        let values = try await [a, b]
        #expect(values == [1, 1])
    }

    /// The value type is part of the key: two facts that happen to share a name never read each other's value.
    @Test func sharedFactsOfTheSameNameAndAnotherTypeAreApart() async throws {
        let shared = SharedFacts()
        let number = try await shared.value(SharedFactKey<Int>("k")) { 7 }
        let text = try await shared.value(SharedFactKey<String>("k")) { "seven" }
        let again = try await shared.value(SharedFactKey<Int>("k")) { 8 }
        #expect(number == 7 && text == "seven" && again == 7)
    }

    actor Counter {
        var value = 0
        func increment() -> Int {
            value += 1
            return value
        }
    }

    @Test func verdictFollowsTheWorstOutcome() {
        #expect(Verdict(summary: .init([.pass, .warn, .skip])) == .ready)
        #expect(Verdict(summary: .init([.pass, .error])) == .incomplete)
        #expect(Verdict(summary: .init([.error, .fail])) == .notReady)
        // Nothing proven is not ready: all skipped means incomplete.
        #expect(Verdict(summary: .init([.skip, .skip])) == .incomplete)
        #expect(Verdict(summary: .init([])) == .incomplete)
    }
}
