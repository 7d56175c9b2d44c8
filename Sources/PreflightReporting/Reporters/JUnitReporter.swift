import Foundation
import PreflightCore

/// JUnit XML for CI test tabs (GitHub, GitLab, Azure DevOps, Jenkins): one `testsuite` per area, one `testcase`
/// per check. `fail` is a `<failure>`, `error` an `<error>`, `skip` and `waived` a `<skipped>`. A warning of a critical or
/// high check is a `<failure>` too (its body starts `WARN`): a TLS-inspection warning on the relay must not show green.
/// Other warnings pass and carry their findings in `<system-out>`. Valid against Jenkins' junit-4.xsd
/// (Tests/PreflightKitTests/Fixtures/junit/).
package enum JUnitReporter: Reporter {
    package static let identifier = "junit"
    package static let fileExtension: String? = "junit.xml"
    package static let description = "JUnit XML for CI test tabs: a test suite per area, a test case per check."

    package static func render(_ report: Report) -> String {
        let areas = Dictionary(grouping: report.checks, by: \.area).sorted { $0.key < $1.key }
        let s = report.summary
        let gaps = Set(report.coverage?.notAssessed.map(\.id) ?? [])
        var out = [#"<?xml version="1.0" encoding="UTF-8"?>"#]
        let name = "preflight" + MarkdownReporter.selectionSuffix(report)
        let failures = report.checks.filter(isFailure).count
        out.append(
            #"<testsuites name="\#(attribute(name))" tests="\#(report.checks.count)" failures="\#(failures)" errors="\#(s.error)" "#
                + #"time="\#(seconds(report.run.durationMs))">"#)
        for (index, (area, checks)) in areas.enumerated() {
            let count = { (status: CheckStatus) in checks.filter { $0.status == status }.count }
            let time = checks.reduce(0) { $0 + $1.durationMs }
            out.append(
                #"  <testsuite name="\#(attribute(area))" id="\#(index)" package="preflight" tests="\#(checks.count)" "#
                    + #"failures="\#(checks.filter(isFailure).count)" errors="\#(count(.error))" skipped="\#(count(.skip) + count(.waived))" "#
                    + #"time="\#(seconds(time))" timestamp="\#(attribute(report.run.startedAt))" hostname="\#(attribute(report.run.host))">"#)
            out += properties(report)
            for check in checks.sorted(by: { $0.id < $1.id }) {
                out += testcase(check, notAssessed: gaps.contains(check.id))
            }
            out.append("  </testsuite>")
        }
        out.append("</testsuites>")
        return out.joined(separator: "\n") + "\n"
    }

    /// The run's verdict and coverage, repeated in every suite (junit-4.xsd allows properties there, not on `testsuites`).
    private static func properties(_ report: Report) -> [String] {
        var values = [("preflight.verdict", report.verdict.rawValue)]
        if let coverage = report.coverage {
            values.append(("preflight.selection", coverage.selection?.flags ?? "none (the whole catalog)"))
            values.append(("preflight.notAssessed", coverage.notAssessed.isEmpty ? "none" : Coverage.describe(coverage.notAssessed)))
        }
        return ["    <properties>"]
            + values.map { #"      <property name="\#($0.0)" value="\#(attribute($0.1))"/>"# }
            + ["    </properties>"]
    }

    private static func testcase(_ check: CheckResult, notAssessed: Bool) -> [String] {
        let open =
            #"    <testcase name="\#(attribute("\(check.id) \(check.title)"))" classname="\#(attribute(check.area))" "#
            + #"time="\#(seconds(check.durationMs))""#
        var body = text(details(check))
        if notAssessed && check.status == .skip {
            body += text("\nNot assessed: this \(check.severity.rawValue) check reached no verdict, so readiness is unproven without it.")
        }
        switch check.status {
        case .pass:
            return [open + "/>"]
        case .warn where !isFailure(check):
            return [open + ">", "      <system-out>\(body)</system-out>", "    </testcase>"]
        case .fail, .warn:
            return [
                open + ">", #"      <failure message="\#(attribute(check.message))" type="\#(check.severity.rawValue)">\#(body)</failure>"#,
                "    </testcase>",
            ]
        case .error:
            return [
                open + ">", #"      <error message="\#(attribute(check.message))" type="\#(check.severity.rawValue)">\#(body)</error>"#,
                "    </testcase>",
            ]
        case .skip, .waived:
            return [open + ">", "      <skipped>\(body)</skipped>", "    </testcase>"]
        }
    }

    /// A failed check, or a warning of a critical or high one: shown as a failed test case.
    static func isFailure(_ check: CheckResult) -> Bool {
        check.status == .fail || (check.status == .warn && check.severity >= .high)
    }

    /// The body CI shows under a failed test: status, severity and message, then every finding on its own line.
    static func details(_ check: CheckResult) -> String {
        var lines = ["\(check.status.rawValue.uppercased()) (\(check.severity.rawValue)): \(check.message)"]
        if let reason = check.reason { lines[0] += " [\(reason.rawValue)]" }
        if !check.findings.isEmpty {
            lines.append("Findings (\(check.findings.count)):")
            for finding in check.findings {
                let waived = finding.waiver.map { " (waived until \($0.expires): \(oneLine($0.justification)))" } ?? ""
                lines.append("- [\(finding.status.rawValue)] \(oneLine(finding.target)): \(oneLine(finding.message))\(waived)")
            }
        }
        return lines.joined(separator: "\n")
    }

    private static func oneLine(_ value: String) -> String {
        guard value.utf8.contains(0x0A) else { return value }
        return value.replacingOccurrences(of: "\r\n", with: " ").replacingOccurrences(of: "\n", with: " ")
    }

    private static func seconds(_ milliseconds: Int) -> String {
        String(format: "%.3f", Double(milliseconds) / 1000)
    }

    /// Character data: markup escaped, characters XML 1.0 forbids (most C0 controls) dropped.
    static func text(_ value: String) -> String {
        // Most text needs nothing (a check's body lists every finding: megabytes for a large tenant): returned as it is
        // when no byte is markup, a C0 control other than tab and line breaks, or 0xEF (which starts U+FFFE and U+FFFF).
        let plain = value.utf8.allSatisfy { byte in
            byte >= 0x20 ? byte != UInt8(ascii: "&") && byte != UInt8(ascii: "<") && byte != UInt8(ascii: ">") && byte != 0xEF
                : byte == 0x09 || byte == 0x0A || byte == 0x0D
        }
        if plain { return value }
        var out = ""
        for scalar in value.unicodeScalars {
            switch scalar {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\t", "\n", "\r": out.unicodeScalars.append(scalar)
            default:
                guard isAllowedInXML(scalar) else { continue }
                out.unicodeScalars.append(scalar)
            }
        }
        return out
    }

    /// An attribute value: as `text`, plus quotes, and line breaks kept as character references.
    static func attribute(_ value: String) -> String {
        text(value).replacingOccurrences(of: "\"", with: "&quot;").replacingOccurrences(of: "\n", with: "&#10;")
            .replacingOccurrences(of: "\r", with: "&#13;").replacingOccurrences(of: "\t", with: "&#9;")
    }

    private static func isAllowedInXML(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x20...0xD7FF, 0xE000...0xFFFD, 0x10000...0x10FFFF: true
        default: false
        }
    }
}
