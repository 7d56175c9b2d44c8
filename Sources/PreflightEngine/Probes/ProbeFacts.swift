import Foundation
import PreflightCore

/// A probe kind whose facts depend on a check's judgement but not on its other `params`, which only steer the judging
/// (the directory snapshot, the Connect export, the inventory): saved facts of one of its checks can judge another of
/// the same judgement, or the same check after a catalog update changed its params.
package protocol FactsIndependentOfParams {}

extension Evaluation {
    /// The one wording of a kind's `evaluate` given facts gathered for another of its judgements (only saved facts that
    /// were edited or mismatched can do that): `source` names what the facts are of ("Connect", "Cloud Sync").
    package static func factsOfAnotherJudgement(_ source: String) -> Evaluation {
        .error("The saved \(source) facts are not those this judgement reads; collect them again.")
    }
}

/// How a check's probe ended, and what `run --save-facts` keeps of it.
enum SavedOutcome: Sendable {
    case facts(any Encodable & Sendable, judgedAt: Date, inputs: [EvidenceInput])
    case error(message: String, evidence: [String: JSONValue])
    case missingInput(String)
}

/// A check's evaluation and, when facts are being saved, what to save.
struct ProbeOutcome: Sendable {
    var evaluation: Evaluation
    var saved: SavedOutcome?

    /// An evaluation that ended the check without facts (its deadline passed).
    init(failed evaluation: Evaluation, saving: Bool) {
        self.evaluation = evaluation
        saved = saving ? .error(message: evaluation.message, evidence: evaluation.evidence) : nil
    }

    init(_ evaluation: Evaluation, saved: SavedOutcome?) {
        self.evaluation = evaluation
        self.saved = saved
    }
}

/// What saving facts needs of a probe kind, with its types erased for `RegisteredProbe`.
struct ProbeFacts: Sendable {
    /// Reads saved facts of this kind.
    let decode: @Sendable (any Decoder) throws -> any Encodable & Sendable
    let ignoresParams: Bool

    init<Kind: ProbeKind>(_ kind: Kind.Type) {
        ignoresParams = Kind.self is any FactsIndependentOfParams.Type
        decode = { decoder in try Kind.Facts(from: decoder) }
    }
}

/// A check's probe kind with the check's params, typed when the catalog loaded them: what the runner and `evaluate`
/// call. The params are captured, never cast back.
package struct BoundProbe: Sendable {
    /// Gathers and judges; a thrown error makes the check `error` with its description. With `saving`, also returns what
    /// to save, and judges at an instant that survives saving (`SavedFacts.instant`, inputs dated to the millisecond), so
    /// the judgement of the saved facts comes out the same.
    let collect: @Sendable (_ context: ProbeContext, _ saving: Bool) async -> ProbeOutcome
    /// Judges saved facts exactly as `collect` judged them when they were gathered.
    let replay: @Sendable (_ facts: any Sendable, _ inputs: [EvidenceInput], _ context: EvaluationContext) -> Evaluation

    package init<Kind: ProbeKind>(_ kind: Kind.Type, params: Kind.Params) {
        collect = { context, saving in
            if let missing = Kind.missingInput(params, context: context) {
                return ProbeOutcome(.skip(.noInput, missing), saved: saving ? .missingInput(missing) : nil)
            }
            do {
                let facts = try await Kind.gather(params, context: context)
                try Task.checkCancellation()
                let now = saving ? SavedFacts.instant(Date()) : Date()
                let judged = EvaluationContext(configuration: context.configuration, check: context.check, now: now)
                var inputs = Kind.inputs(facts, params: params, context: judged)
                if saving { inputs = inputs.map { SavedInput($0).input } }
                let evaluation = EvidenceAge.apply(
                    inputs, to: Kind.evaluate(facts, params: params, context: judged),
                    maxAgeDays: context.configuration.maxEvidenceAgeDays, now: judged.now)
                return ProbeOutcome(evaluation, saved: saving ? .facts(facts, judgedAt: now, inputs: inputs) : nil)
            } catch let error as ProbeError {
                return ProbeOutcome(failed: .error(error.description, evidence: error.evidence), saving: saving)
            } catch is CancellationError {
                return ProbeOutcome(failed: .error("The check was cancelled before it finished."), saving: saving)
            } catch {
                return ProbeOutcome(failed: .error("\(error)"), saving: saving)
            }
        }
        replay = { facts, inputs, context in
            // Saved facts are decoded by the kind the saved check named, which may not be this check's kind.
            guard let facts = facts as? Kind.Facts else {
                return .error(
                    "The saved facts \(context.check.id) refers to are not of the kind probe '\(Kind.name)' judges, so the file is "
                        + "inconsistent: collect again with 'preflight run --save-facts'.")
            }
            return EvidenceAge.apply(
                inputs, to: Kind.evaluate(facts, params: params, context: context),
                maxAgeDays: context.configuration.maxEvidenceAgeDays, now: context.now)
        }
    }
}
