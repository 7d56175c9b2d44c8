import Foundation
import PreflightCore

/// The JSON report: the machine contract, described by `reports/schema/preflight-report.schema.json`.
package enum JSONReporter: Reporter {
    package static let identifier = "json"
    package static let fileExtension: String? = "json"
    package static let description = "The JSON report, the machine contract (reports/schema/preflight-report.schema.json)."

    /// Every finding of every check (`checks[].findings` is complete), every user of `readiness.users` and the ranked
    /// `actions` of the CSV action plan.
    package static func render(_ report: Report) -> String { ReportStream.collect { try write(report, to: $0) } }

    /// The bytes JSONEncoder would write (pretty-printed, keys sorted, slashes unescaped) and a line break, written as
    /// they are made: a report of a million findings never becomes one string (`JSONStreamWriter`).
    package static func write(_ report: Report, to stream: ReportStream) throws {
        try write(report, to: stream, partSize: JSONStreamWriter.defaultPartSize)
    }

    /// `partSize`: elements per part of a long array encoded on two threads (`JSONLongArrays`); tests make it small.
    static func write(_ report: Report, to stream: ReportStream, partSize: Int) throws {
        try JSONStreamWriter(stream: stream, partSize: partSize).write(Document(report), depth: 0)
        try stream.write("\n")
    }

    /// The report's own members and `actions`, derived from it as the action plan is (`ActionPlan`): a report read back
    /// ignores them and derives them again, so they cannot contradict its checks.
    struct Document: Encodable {
        let report: Report

        init(_ report: Report) { self.report = report }

        private enum CodingKeys: String, CodingKey { case actions }

        func encode(to encoder: any Encoder) throws {
            try report.encode(to: encoder)
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(ActionPlan.actions(report), forKey: .actions)
        }
    }

    /// Reads a saved report file: 66 when it cannot be read, 65 when it is not a report of this schema version.
    /// `forComparison`: only to be compared with (`run --baseline`, `diff`), so its own `changes` are left out.
    package static func load(_ path: String, role: String = "report", forComparison: Bool = false) throws(PreflightError) -> Report {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), !isDirectory.boolValue,
            let data = FileManager.default.contents(atPath: path)
        else {
            throw .unreadableFile(path: path, role: role, reason: "it does not exist or is not a readable file")
        }
        return try parse(data, file: path, forComparison: forComparison)
    }

    /// Reads a saved report back (`render`, `diff`, `--baseline`); malformed input is exit 65.
    package static func parse(_ data: Data, file: String, forComparison: Bool = false) throws(PreflightError) -> Report {
        let report: Report
        let decoder = JSONDecoder()
        decoder.userInfo[Report.leavesOutChanges] = forComparison
        do {
            report = try decoder.decode(Report.self, from: data)
        } catch let DecodingError.dataCorrupted(context) {
            throw .malformedInput(file: file, reason: "it is not valid JSON (\(describe(context))). Pass a report written by 'preflight run'.")
        } catch let DecodingError.keyNotFound(key, context) {
            throw .malformedInput(
                file: file, reason: "it is not a preflight report: '\(path(context, key))' is missing. Pass a report written by 'preflight run'.")
        } catch let DecodingError.typeMismatch(_, context), let DecodingError.valueNotFound(_, context) {
            throw .malformedInput(
                file: file, reason: "it is not a preflight report: '\(path(context, nil))' has the wrong type (\(context.debugDescription)).")
        } catch {
            throw .malformedInput(file: file, reason: "it is not a preflight report (\(error)).")
        }
        guard report.schemaVersion == Report.currentSchemaVersion else {
            throw .malformedInput(
                file: file,
                reason: "its schemaVersion is \(report.schemaVersion), but this preflight reads version \(Report.currentSchemaVersion). Use a matching preflight release.")
        }
        return report
    }

    private static func path(_ context: DecodingError.Context, _ key: (any CodingKey)?) -> String {
        let keys = context.codingPath + (key.map { [$0] } ?? [])
        return keys.map { $0.intValue.map { "[\($0)]" } ?? $0.stringValue }.joined(separator: ".")
            .replacingOccurrences(of: ".[", with: "[")
    }

    private static func describe(_ context: DecodingError.Context) -> String {
        if let underlying = context.underlyingError as NSError?,
            let detail = underlying.userInfo[NSDebugDescriptionErrorKey] as? String
        {
            return detail
        }
        return context.debugDescription
    }
}
