import Foundation
import PreflightTestSupport
import Testing

import PreflightKit

/// AD-001 against real servers: TLS flavours, credentials, trust, and servers that never answer.
@Suite("Directory connection (Samba AD DC and misbehaving listeners)")
struct DirectoryConnectionTests {
    let runner = DirectoryRun()

    @Test func ldapsBindRecordsTLSAndCertificate() async throws {
        let dc = try await SambaLab.shared()
        let outcome = try await runner.run(url: dc.ldapsURL, caFile: dc.caFile, only: ["AD-001"])
        let bind = try #require(outcome.check("AD-001"))
        #expect(bind.status == .pass, "\(bind.message)")
        #expect(bind.evidence["channel"] == "ldaps")
        #expect(bind.evidence["tlsVersion"]?.stringValue?.hasPrefix("TLS1.") == true)
        #expect(bind.evidence["certificateSubject"]?.stringValue?.contains("dc1.corp.example.test") == true)
        #expect(outcome.cli.exitCode == 0)
    }

    @Test func startTLSBindWorks() async throws {
        let dc = try await SambaLab.shared()
        let outcome = try await runner.run(url: dc.ldapURL, caFile: dc.caFile, startTLS: true, only: ["AD-001", "AD-003"])
        #expect(outcome.check("AD-001")?.status == .pass)
        #expect(outcome.check("AD-001")?.evidence["channel"] == "startTLS")
        #expect(outcome.check("AD-003")?.status == .fail)
    }

    @Test func aWrongPasswordIsAnErrorNamingTheADCode() async throws {
        let dc = try await SambaLab.shared()
        let outcome = try await runner.run(url: dc.ldapsURL, caFile: dc.caFile, password: "not-the-password", only: ["AD-001", "AD-003"])
        let bind = try #require(outcome.check("AD-001"))
        #expect(bind.status == .error)
        #expect(bind.message.contains("52e"), "\(bind.message)")
        #expect(!bind.message.contains("not-the-password") && !outcome.cli.stderr.contains("not-the-password"))
        #expect(outcome.check("AD-003")?.status == .skip && outcome.check("AD-003")?.reason == .requirementFailed)
        #expect(outcome.cli.exitCode == 2)
        #expect(outcome.cli.stdout.hasPrefix("INCOMPLETE"))
    }

    @Test func aPlaintextBindIsRefusedBeforeThePasswordIsSent() async throws {
        let dc = try await SambaLab.shared()
        let outcome = try await runner.run(url: dc.ldapURL, caFile: nil, only: ["AD-001"])
        let bind = try #require(outcome.check("AD-001"))
        #expect(bind.status == .error)
        #expect(bind.message.lowercased().contains("allowinsecure") || bind.message.contains("startTLS"), "\(bind.message)")
    }

    @Test func allowInsecureAgainstAStrictDCReportsTransportEncryptionRequired() async throws {
        let dc = try await SambaLab.shared()
        let outcome = try await runner.run(url: dc.ldapURL, caFile: nil, allowInsecure: true, only: ["AD-001"])
        let bind = try #require(outcome.check("AD-001"))
        #expect(bind.status == .error)
        #expect(bind.message.lowercased().contains("encryption"), "\(bind.message)")
    }

    @Test func allowInsecureAgainstALaxDCBindsWithAWarning() async throws {
        let dc = try await SambaLab.allowingPlaintext()
        let outcome = try await runner.run(url: dc.ldapURL, caFile: nil, allowInsecure: true, only: ["AD-001"])
        let bind = try #require(outcome.check("AD-001"))
        #expect(bind.status == .warn, "\(bind.message)")
        #expect(bind.findings.first?.message.contains("plaintext") == true)
    }

    @Test func anUntrustedCertificateNamesTheCAFile() async throws {
        let dc = try await SambaLab.shared()
        let outcome = try await runner.run(url: dc.ldapsURL, caFile: dc.otherCAFile, only: ["AD-001"])
        let bind = try #require(outcome.check("AD-001"))
        #expect(bind.status == .error)
        #expect(bind.message.contains(dc.otherCAFile), "\(bind.message)")
    }

    @Test func aCertificateForAnotherNameIsAHostnameMismatch() async throws {
        let dc = try await SambaLab.withWrongCertificateName()
        let outcome = try await runner.run(url: dc.ldapsURL, caFile: dc.caFile, only: ["AD-001"])
        let bind = try #require(outcome.check("AD-001"))
        #expect(bind.status == .error)
        #expect(bind.message.lowercased().contains("name"), "\(bind.message)")
    }

    @Test func aSilentTLSListenerErrorsWithinTheDeadline() async throws {
        let listener = try SilentListener()
        defer { listener.close() }
        let outcome = try await runner.run(url: "ldaps://127.0.0.1:\(listener.port)", caFile: nil, timeout: 3, only: ["AD-001", "AD-003"])
        #expect(outcome.check("AD-001")?.status == .error)
        #expect(outcome.check("AD-003")?.status == .skip)
        outcome.expectDeadlineKept(3)
    }

    @Test func aFullBacklogListenerErrorsWithinTheDeadline() async throws {
        let listener = try BacklogFullListener()
        defer { listener.close() }
        let outcome = try await runner.run(url: "ldaps://127.0.0.1:\(listener.port)", caFile: nil, timeout: 3, only: ["AD-001"])
        #expect(outcome.check("AD-001")?.status == .error)
        outcome.expectDeadlineKept(3)
    }
}

extension DirectoryRun.Outcome {
    /// The deadline is the product's: judged by the run's own clock in the report. The process's wall time (start-up,
    /// catalog, reports; seconds on a loaded 2-core CI machine) only has to show it did not hang.
    func expectDeadlineKept(_ deadline: Double) {
        let runSeconds = Double(report.run.durationMs) / 1000
        #expect(runSeconds < deadline + 2, "the run took \(runSeconds) s against a \(deadline) s deadline")
        #expect(elapsed < deadline + 30, "the process took \(elapsed) s")
    }
}
