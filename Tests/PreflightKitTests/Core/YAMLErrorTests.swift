import Foundation
import PreflightTestSupport
import Testing
import Yams

@testable import PreflightConnect
@testable import PreflightCore
@testable import PreflightDirectory
@testable import PreflightEngine
@testable import PreflightInventory
@testable import PreflightKit
@testable import PreflightMonitoring
@testable import PreflightNetwork
@testable import PreflightReporting

/// How YAML problems are rendered (issue #14): by position and key; a value is quoted only where it cannot be a secret.
@Suite("YAML error rendering")
struct YAMLErrorTests {
    static func reader(_ yaml: String) throws -> (MappingReader, DiagnosticSink) {
        let sink = DiagnosticSink()
        let node = try #require(try YAMLFile.parse(yaml, file: "f.yml"))
        return (try #require(MappingReader.from(node, file: "f.yml", path: "params", sink: sink)), sink)
    }

    @Test func valuesOfSecretLikeKeysAreNeverQuoted() throws {
        let (reader, sink) = try Self.reader("apiToken: Hunter2\nclientSecret: Hunter2\nbindPassword: Hunter2\nmode: Hunter2\ncount: abc\n")
        _ = reader.bool("apiToken")
        _ = reader.int("clientSecret")
        _ = reader.double("bindPassword")
        _ = reader.int("count")
        let messages = sink.diagnostics.map(\.description)
        #expect(messages.count == 4, "\(messages)")
        #expect(messages.filter { $0.contains("Hunter2") }.isEmpty, "\(messages)")
        #expect(messages[0] == "f.yml:1:11: error: 'params.apiToken' must be true or false, but it is a value not shown here ('params.apiToken' may hold a secret).")
        #expect(messages[3].contains("'params.count' must be a whole number, but it is 'abc'"), "other values are still quoted: \(messages)")
    }

    @Test func aReaderErrorGivesLineAndColumnFromTheOffset() {
        #expect(YAMLFile.lineAndColumn(at: 0, in: "abc") == (1, 1))
        #expect(YAMLFile.lineAndColumn(at: 6, in: "ab\ncd\nef") == (3, 1))
        #expect(YAMLFile.lineAndColumn(at: 4, in: "ab\ncd\nef") == (2, 2))
    }
}
