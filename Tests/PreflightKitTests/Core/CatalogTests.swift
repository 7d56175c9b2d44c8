import Foundation
import PreflightTestSupport
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

@Suite("Check catalog loading")
struct CatalogTests {
    let folder = try! TemporaryFolder("catalog")
    var catalog: TestCatalog { TestCatalog(in: folder, "checks") }

    static let valid = """
        id: TST-001
        title: A test check
        description: Proves nothing; used by tests.
        probe: test
        severity: high
        params: {behavior: pass}
        """

    private func errors(_ files: [String: String]) -> [String] {
        for (name, text) in files { _ = try? catalog.file(name, text) }
        do {
            _ = try catalog.load(registry: TestProbe.registry)
            return []
        } catch {
            guard case .invalidConfiguration(let diagnostics) = error else { return ["\(error)"] }
            return diagnostics.map(\.description)
        }
    }

    @Test func theShippedCatalogLoadsAndEveryCheckIsDocumented() throws {
        let catalog = try TestCatalog.shipped()
        #expect(!catalog.checks.isEmpty)
        for check in catalog.checks {
            #expect(CheckFileParser.isWellFormedID(check.id))
            #expect(!check.description.isEmpty && !check.title.isEmpty)
            #expect(check.file.hasSuffix("\(check.id).yml"), "file name should be the id: \(check.file)")
        }
        #expect(catalog.digest.hasPrefix("sha256:") && catalog.digest.count == 71)
    }

    @Test func areaComesFromTheFolder() throws {
        try catalog.file("directory/TST-001.yml", Self.valid)
        #expect(try catalog.load(registry: TestProbe.registry).checks.first?.area == "directory")
    }

    @Test func unknownKeyIsAnErrorWithLineAndColumn() {
        let found = errors(["TST-001.yml": Self.valid + "\nsevrity: low\n"])
        #expect(found.contains { $0.contains("TST-001.yml:7:1: error: Unknown key 'sevrity'. Did you mean 'severity'?") }, "\(found)")
    }

    @Test func duplicateIdsNameBothFiles() {
        let found = errors(["a/TST-001.yml": Self.valid, "b/TST-001.yml": Self.valid])
        #expect(found.contains { $0.contains("b/TST-001.yml: error: The check id 'TST-001' is already used by") && $0.contains("a/TST-001.yml") })
    }

    @Test func aliasCollidingWithAnIdIsAnError() {
        let other = Self.valid.replacingOccurrences(of: "TST-001", with: "TST-002") + "\naliases: [TST-001]\n"
        let found = errors(["TST-001.yml": Self.valid, "TST-002.yml": other])
        #expect(found.contains { $0.contains("'TST-001' is already used") })
    }

    @Test func unknownProbeKindListsTheKnownOnes() {
        let found = errors(["TST-001.yml": Self.valid.replacingOccurrences(of: "probe: test", with: "probe: telepathy")])
        #expect(found.contains { $0.contains(":4:8: error: Unknown probe kind 'telepathy'. Known kinds: exec, test.") }, "\(found)")
    }

    @Test func invalidParamsAreRejectedByTheProbeKind() {
        let found = errors(["TST-001.yml": Self.valid.replacingOccurrences(of: "behavior: pass", with: "behavior: dance")])
        #expect(found.contains { $0.contains(":6:10: error: 'params.behavior' is 'dance', which is not one of") }, "\(found)")
        let unknown = errors(["TST-001.yml": Self.valid.replacingOccurrences(of: "{behavior: pass}", with: "{behavior: pass, colour: red}")])
        #expect(unknown.contains { $0.contains("Unknown key 'params.colour'") }, "\(unknown)")
    }

    @Test func execParamsNeedACommandThatExists() {
        let found = errors([
            "TST-001.yml": Self.valid.replacingOccurrences(of: "probe: test", with: "probe: exec")
                .replacingOccurrences(of: "{behavior: pass}", with: "{command: [\"./nope.sh\"]}")
        ])
        #expect(found.contains { $0.contains("'params.command' names './nope.sh'") && $0.contains("not an executable file") }, "\(found)")
    }

    @Test func malformedIdMissingFieldsAndBadEnumsAreAllReported() {
        let text = """
            id: ad-3
            probe: test
            severity: urgent
            phases: [preflight, someday]
            params: {behavior: pass}
            """
        let found = errors(["X.yml": text])
        #expect(found.contains { $0.contains("'id' is 'ad-3', but check ids look like 'AD-003'") })
        #expect(found.contains { $0.contains("'title' is required") })
        #expect(found.contains { $0.contains("'description' is required") })
        #expect(found.contains { $0.contains("'severity' is 'urgent', which is not one of critical, high, medium, low, info.") })
        #expect(found.contains { $0.contains("'phases' contains 'someday'") })
    }

    @Test func requiresMustNameAnExistingCheckAndMustNotCycle() {
        let a = Self.valid + "\nrequires: [TST-002]\n"
        let b = Self.valid.replacingOccurrences(of: "TST-001", with: "TST-002") + "\nrequires: [TST-001]\n"
        #expect(errors(["TST-001.yml": a, "TST-002.yml": b]).contains { $0.contains("'requires' forms a cycle") })
        let folder2 = errors(["TST-001.yml": Self.valid + "\nrequires: [NOPE-999]\n"])
        #expect(folder2.contains { $0.contains("'requires' names 'NOPE-999', but no check has that id.") })
    }

    @Test func malformedYAMLInACheckFileGivesLineAndColumn() {
        let found = errors(["TST-001.yml": "id: TST-001\ntitle: [unclosed\n"])
        #expect(found.contains { $0.contains("TST-001.yml:3:1: error: The file is not valid YAML") }, "\(found)")
    }

    @Test func selectionPullsInRequirementsAndRejectsUnknownIds() throws {
        try self.catalog.file("TST-001.yml", Self.valid)
        try self.catalog.file("TST-002.yml", Self.valid.replacingOccurrences(of: "TST-001", with: "TST-002") + "\nrequires: [TST-001]\n")
        try self.catalog.file("TST-003.yml", Self.valid.replacingOccurrences(of: "TST-001", with: "TST-003") + "\ntags: [x]\n")
        let catalog = try self.catalog.load(registry: TestProbe.registry)
        #expect(try Selection(only: ["TST-002"]).apply(to: catalog).map(\.id) == ["TST-001", "TST-002"])
        #expect(try Selection(tags: ["x"]).apply(to: catalog).map(\.id) == ["TST-003"])
        #expect(try Selection(skip: ["TST-003"]).apply(to: catalog).map(\.id) == ["TST-001", "TST-002"])
        #expect {
            try Selection(only: ["NOPE-999"]).apply(to: catalog)
        } throws: { error in ExitStatus.for(error) == .usage && "\(error)".contains("Unknown check id 'NOPE-999'") }
    }
}
