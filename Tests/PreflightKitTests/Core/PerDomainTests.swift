import Testing

@testable import PreflightCore

/// How the verdicts of several domains make one check result (pure).
@Suite("Per-domain verdicts")
struct PerDomainTests {
    @Test func theWorstDomainDecidesAndTheMessageNamesTheDomainThatErrored() {
        let corp = PerDomain.tag(
            Evaluation(status: .fail, message: "1 user lacks it.", findings: [Finding(status: .fail, target: "CN=u", message: "m", details: ["group": "OU=A"])]),
            domain: "corp.example.test")
        let fabrikam = PerDomain.tag(.error("The DC did not answer."), domain: "fabrikam.example.test")
        let merged = PerDomain.merge([("corp.example.test", corp), ("fabrikam.example.test", fabrikam)])
        #expect(merged.status == .fail)
        #expect(merged.message.hasPrefix("Domain fabrikam.example.test could not be judged (error); the other domains' verdicts stand."))
        #expect(merged.message.contains("[corp.example.test] fail: 1 user lacks it."))
        #expect(merged.findings.first?.details?["domain"] == "corp.example.test")
        #expect(merged.findings.first?.details?["group"] == "OU=A", "the finding keeps its own details")
        let verdicts = merged.evidence["domains"]?.arrayValue ?? []
        #expect(verdicts.map { $0["status"]?.stringValue } == ["fail", "error"])
        #expect(!PerDomain.anyDomainPassed(merged.evidence))

        let passing = PerDomain.merge([("corp.example.test", .init(status: .pass, message: "ok")), ("fabrikam.example.test", fabrikam)])
        #expect(passing.status == .error)
        #expect(PerDomain.anyDomainPassed(passing.evidence), "a check requiring this one still judges corp")
        #expect(!PerDomain.anyDomainPassed(["other": "x"]))
    }
}
