import Foundation
import PreflightKit

/// Checks the machine formats with the real consumers' parsers (Python's xmlschema, prometheus_client and csv),
/// and hands back what they read so tests can assert on it. Each runs on its own thread, never the Swift pool, in
/// the test process's one `PythonWorker`.
package enum FormatValidators {
    package struct Failure: Error, CustomStringConvertible {
        package var description: String
    }

    package static var junitSchema: String { Repository.fixture("junit/junit-4.xsd") }

    /// Validates against the shipped junit-4.xsd; returns `[testcase name: outcome]` where outcome is
    /// `failure`, `error`, `skipped` or `passed`, plus the body text of the outcome element under `name + "#body"`.
    package static func junit(at path: String) async throws -> [String: String] {
        try await python(
            """
            import json, sys
            try:
                import xmlschema
            except ImportError:
                sys.exit("Python's xmlschema is missing: run 'make setup' (scripts/setup.sh) first.")
            import xml.etree.ElementTree as ET
            schema = CACHE.get(("xsd", sys.argv[1])) or CACHE.setdefault(("xsd", sys.argv[1]), xmlschema.XMLSchema(sys.argv[1]))
            errors = list(schema.iter_errors(sys.argv[2]))
            if errors:
                sys.exit("\\n".join(str(e) for e in errors))
            out = {}
            for case in ET.parse(sys.argv[2]).getroot().iter("testcase"):
                kind, body = "passed", ""
                for child in case:
                    if child.tag in ("failure", "error", "skipped"):
                        kind, body = child.tag, child.text or ""
                        out[case.get("name") + "#message"] = child.get("message") or ""
                out[case.get("name")] = kind
                out[case.get("name") + "#body"] = body
            print(json.dumps(out))
            """, [junitSchema, path])
    }

    /// Parses with prometheus_client's text parser; returns `metric{label="v",...}` (labels sorted) → value.
    package static func prometheus(at path: String) async throws -> [String: Double] {
        try await python(
            """
            import json, sys
            try:
                from prometheus_client.parser import text_string_to_metric_families
            except ImportError:
                sys.exit("Python's prometheus_client is missing: run 'make setup' (scripts/setup.sh) first.")
            text = open(sys.argv[1], encoding="utf-8").read()
            out = {}
            for family in text_string_to_metric_families(text):
                if family.type != "gauge" or not family.documentation:
                    sys.exit(f"{family.name}: expected a documented gauge, got type {family.type!r}")
                for sample in family.samples:
                    labels = ",".join(f'{k}="{v}"' for k, v in sorted(sample.labels.items()))
                    out[sample.name + ("{" + labels + "}" if labels else "")] = sample.value
            print(json.dumps(out))
            """, [path])
    }

    /// `prometheus`'s samples without the run's `tenant` and `customer` labels (every series carries them when the
    /// configuration's `report:` sets them), for tests about the other labels.
    package static func withoutRunLabels(_ samples: [String: Double]) -> [String: Double] {
        Dictionary(uniqueKeysWithValues: samples.map { series, value in
            let bare = series.replacingOccurrences(of: #"(customer|tenant)="(?:[^"\\]|\\.)*",?"#, with: "", options: .regularExpression)
            return (bare.replacingOccurrences(of: ",}", with: "}").replacingOccurrences(of: "{}", with: ""), value)
        })
    }

    /// Reads with Python's csv module (RFC 4180 dialect, BOM required); returns the rows, header first.
    package static func csv(at path: String) async throws -> [[String]] {
        try await python(
            """
            import csv, json, sys
            raw = open(sys.argv[1], "rb").read()
            if not raw.startswith(b"\\xef\\xbb\\xbf"):
                sys.exit("the file does not start with a UTF-8 BOM")
            if b"\\n" in raw.replace(b"\\r\\n", b"") and raw.count(b"\\r\\n") == 0:
                sys.exit("records are not CRLF-terminated")
            with open(sys.argv[1], newline="", encoding="utf-8-sig") as handle:
                rows = list(csv.reader(handle, strict=True))
            print(json.dumps(rows))
            """, [path])
    }

    private static func python<T: Decodable & Sendable>(_ script: String, _ arguments: [String]) async throws -> T {
        try await runBlocking("preflight.test.formats") {
            let outcome = try PythonWorker.run(script, arguments)
            guard outcome.exitCode == 0 else {
                throw Failure(description: "\(arguments.last ?? "") is invalid: " + outcome.stdout + outcome.stderr)
            }
            return try JSONDecoder().decode(T.self, from: Data(outcome.stdout.utf8))
        }
    }
}
