import Foundation
import PreflightTestSupport
import Testing

@testable import PreflightCore
@testable import PreflightEngine
@testable import PreflightKit

/// A check binds to code one way: `probe:` names the data source's kind, `judgement:` what it judges of it (issue #15).
@Suite("Binding a check to its probe kind and judgement")
struct JudgementBindingTests {
    let folder = try! TemporaryFolder("judgement")
    var catalog: TestCatalog { TestCatalog(in: folder, "checks") }

    static func check(_ binding: String, params: String = "params: {right: reset-password}") -> String {
        """
        id: TST-001
        title: A test check
        description: Binds to the directory kind.
        \(binding)
        severity: high
        \(params)
        """
    }

    private func load(_ text: String) -> Result<Catalog, PreflightError> {
        _ = try? catalog.file("TST-001.yml", text)
        do { return .success(try catalog.load()) } catch { return .failure(error) }
    }

    private func errors(_ text: String) -> [String] {
        guard case .failure(let error) = load(text) else { return [] }
        guard case .invalidConfiguration(let diagnostics) = error else { return ["\(error)"] }
        return diagnostics.map(\.description)
    }

    @Test func theKindAndTheJudgementBindTheCheckAndReportsNameBoth() throws {
        let catalog = try load(Self.check("probe: directory\njudgement: rights")).get()
        let check = try #require(catalog.checks.first)
        #expect(check.probe == "directory" && check.judgement == "rights" && check.qualifiedProbe == "directory.rights")
    }

    @Test func aDottedProbeIsShortForTheKindAndTheJudgement() throws {
        let catalog = try load(Self.check("probe: directory.rights")).get()
        let check = try #require(catalog.checks.first)
        #expect(check.probe == "directory" && check.judgement == "rights")
    }

    @Test func anUnknownJudgementNamesTheKindsJudgementsAndTheClosestOne() {
        let found = errors(Self.check("probe: directory\njudgement: right"))
        #expect(
            found.contains {
                $0.contains("TST-001.yml:5:12: error: 'judgement' is 'right', which the probe kind 'directory' does not know. Did you mean 'rights'?")
                    && $0.contains("It judges: bind, account, rights, unexpire,")
            }, "\(found)")
        #expect(found.count == 1, "a wrong judgement is the only error; its params are not read: \(found)")
    }

    @Test func aKindThatJudgesSeveralThingsNeedsAJudgement() {
        let found = errors(Self.check("probe: network", params: "params: {targets: {public: ['https://login.microsoftonline.com/']}}"))
        #expect(found.contains { $0.contains("'judgement' is required with the probe kind 'network': say what the check judges, one of https, proxy.") }, "\(found)")
    }

    @Test func aKindThatJudgesOneThingRefusesAJudgement() {
        let found = errors(Self.check("probe: exec\njudgement: run", params: "params: {command: [/bin/true]}"))
        #expect(found.contains { $0.contains("'judgement' is 'run', but the probe kind 'exec' judges one thing only. Remove 'judgement'.") }, "\(found)")
    }

    @Test func everyShippedCheckNamesAJudgementOfItsKind() throws {
        let catalog = try TestCatalog.shipped()
        for check in catalog.checks {
            let kind = try #require(ProbeRegistry.builtIn[check.probe], "\(check.id): no kind '\(check.probe)'")
            if kind.judgements.isEmpty {
                #expect(check.judgement == nil, "\(check.id)")
            } else {
                #expect(check.judgement.map(kind.judgements.contains) == true, "\(check.id): \(check.judgement ?? "none")")
            }
        }
    }
}
