import Foundation

import PreflightKit

/// A probe kind for runner tests: it behaves as its params say and records when it ran.
enum TestProbe: ProbeKind {
    static let name = "test"
    static let summary = "Behaves as told; for tests."
    static let registry = ProbeRegistry([RegisteredProbe(TestProbe.self), RegisteredProbe(ExecProbe.self)])

    enum Behavior: String, CaseIterable, Sendable {
        case pass, warn, fail, `throw`, hang, block, sleep, noInput
    }

    struct Params: Sendable {
        var behavior: Behavior
        var sleepMs: Int
    }

    struct Facts: Codable, Sendable {
        var startedAt: Double
        var finishedAt: Double
    }

    struct Failure: Error, CustomStringConvertible {
        var description: String { "The test probe threw on purpose." }
    }

    static func parseParams(_ judgement: SoleJudgement, _ reader: ParamsReader) -> Params? {
        guard let behavior = reader.oneOf("behavior", Behavior.self, required: true) else { return nil }
        return Params(behavior: behavior, sleepMs: reader.int("sleepMs", range: 0...60_000) ?? 0)
    }

    static func missingInput(_ params: Params, context: ProbeContext) -> String? {
        params.behavior == .noInput ? "The test probe has no input." : nil
    }

    static func gather(_ params: Params, context: ProbeContext) async throws -> Facts {
        let started = Date().timeIntervalSince1970
        switch params.behavior {
        case .throw: throw Failure()
        case .hang:
            // Never resumes and ignores cancellation: the worst kind of stuck probe.
            await withCheckedContinuation { (_: CheckedContinuation<Void, Never>) in }
        case .block:
            try await runBlocking { while true { sleep(1) } }
        case .sleep:
            try await Task.sleep(for: .milliseconds(params.sleepMs))
        default: break
        }
        return Facts(startedAt: started, finishedAt: Date().timeIntervalSince1970)
    }

    static func evaluate(_ facts: Facts, params: Params, context: EvaluationContext) -> Evaluation {
        let evidence: [String: JSONValue] = ["startedAt": .number(facts.startedAt), "finishedAt": .number(facts.finishedAt)]
        switch params.behavior {
        case .fail:
            return Evaluation(
                status: .fail, message: "Told to fail.",
                findings: [Finding(status: .fail, target: "OU=Test,DC=corp,DC=test", message: "Bad.")], evidence: evidence)
        case .warn: return Evaluation(status: .warn, message: "Told to warn.", evidence: evidence)
        default: return Evaluation(status: .pass, message: "", evidence: evidence)
        }
    }
}

/// Builds check definitions for the test probe without files.
func testCheck(
    _ id: String, _ behavior: TestProbe.Behavior, sleepMs: Int = 0, requires: [String] = [], phases: [Phase] = Phase.allCases,
    timeout: Double? = nil, severity: Severity = .high, tags: [String] = [], aliases: [String] = []
) -> CheckDefinition {
    CheckDefinition(
        id: id, title: "Check \(id)", description: "Test.", area: "plugins", kind: TestProbe.self, severity: severity,
        phases: phases, tags: tags, requires: requires, typedParams: TestProbe.Params(behavior: behavior, sleepMs: sleepMs),
        aliases: aliases, timeoutSeconds: timeout)
}
