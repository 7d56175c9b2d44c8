import Foundation
import PreflightCore

/// The one place where a check's file inputs are dated in its evidence and where stale evidence is called out.
///
/// Every input goes into `evidence.inputFiles` (`{key, file, date, dateSource, dateField, ageDays, says?}`). An input more
/// than `maxEvidenceAgeDays` whole days old turns a `pass` into a `warn`, adds a `warn` finding naming the file, and
/// says in the message how old it is and how to get a fresh one. A check that warns already gets the same finding and
/// sentence; a check that failed or errored keeps its status, and its message notes the age. Skipped checks are only
/// stamped.
package enum EvidenceAge {
    package static func apply(_ inputs: [EvidenceInput], to evaluation: Evaluation, maxAgeDays: Int, now: Date) -> Evaluation {
        guard !inputs.isEmpty else { return evaluation }
        var result = evaluation
        result.evidence["inputFiles"] = .array(inputs.map { $0.json(now: now) })
        guard evaluation.status != .skip, evaluation.status != .waived else { return result }
        let stale = inputs.filter { ($0.ageDays(at: now) ?? 0) > maxAgeDays }
        guard !stale.isEmpty else { return result }
        result.evidence["maxEvidenceAgeDays"] = .int(maxAgeDays)
        let limit = "the limit is \(InputLimits.grouped(maxAgeDays)) days (maxEvidenceAgeDays)"
        let ages = stale.map { describe($0, now: now) }.joined(separator: "; ") + "; " + limit + "."
        let refresh = unique(stale.map(\.refresh))
        let advice = " " + refresh.joined(separator: " ")
        switch evaluation.status {
        case .pass:
            result.status = .warn
            result.message = capitalised(ages) + advice + (evaluation.message.isEmpty ? "" : " On that evidence: " + evaluation.message)
        case .warn:
            result.message = evaluation.message + " Also, " + ages + advice
        default:
            result.message = evaluation.message + " Note: " + ages + advice
        }
        if evaluation.status == .pass || evaluation.status == .warn {
            result.findings += stale.map { input in
                Finding(
                    status: .warn, target: input.file, message: capitalised(describe(input, now: now)) + "; " + limit + ".",
                    details: [
                        "key": .string(input.key), "date": input.date.map { .string(RFC3339.string($0)) } ?? .null,
                        "ageDays": input.ageDays(at: now).map(JSONValue.int) ?? .null, "maxEvidenceAgeDays": .int(maxAgeDays),
                        "dateSource": .string(input.dateSource.rawValue),
                    ])
            }
            result.generatedRemediation = ([evaluation.generatedRemediation].compactMap { $0 } + refresh).joined(separator: "\n")
        }
        return result
    }

    /// "the Entra Connect export (/x/connect-export; date: export-date in GlobalSettings/MV.xml) is from 2016-05-03, 3,870 days old"
    static func describe(_ input: EvidenceInput, now: Date) -> String {
        let when = input.date.map(ExportDate.day) ?? "an unknown date"
        return "\(input.label) (\(input.file); date: \(input.dateField)) is from \(when), \(InputLimits.grouped(input.ageDays(at: now) ?? 0)) days old"
    }

    static func capitalised(_ text: String) -> String { text.prefix(1).uppercased() + text.dropFirst() }

    static func unique(_ values: [String]) -> [String] {
        var seen = Set<String>()
        return values.filter { seen.insert($0).inserted }
    }
}
