import Foundation
import PreflightCore

/// CON-007: the Connect build against the minimum that still synchronizes, and the Entra connector's identity type.
extension ConnectJudgements {
    /// "All customers are required to upgrade to the minimum versions by September 30, 2026 … All synchronization services
    /// in Microsoft Entra Connect Sync will fail" below 2.5.79.0 (learn.microsoft.com/entra/identity/hybrid/connect/harden-update-ad-fs-pingfederate).
    static let minimumBuild = BuildVersion(2, 5, 79, 0)
    static let minimumSince = "2026-09-30"
    static let hardeningPage = "https://learn.microsoft.com/entra/identity/hybrid/connect/harden-update-ad-fs-pingfederate"
    /// The first build that uses the current writeback endpoints (learn.microsoft.com/entra/identity/authentication/troubleshoot-sspr-writeback).
    static let minimumWritebackBuild = BuildVersion(1, 1, 443, 0)

    static func version(_ facts: ConnectFacts) -> Evaluation {
        let identityView = VersionView(
            connectorIdentityType: facts.connectorIdentityType ?? "unknown", connectorIdentityTypeSource: facts.connectorIdentityTypeSource)
        guard let text = facts.version, let version = BuildVersion(text) else {
            var evaluation = Evaluation.skip(
                .noInput,
                facts.version.map { "The export's version '\($0)' is not a build number like 2.5.79.0, so the Connect build is unknown." }
                    ?? "The export does not reveal the Connect build. On the Connect server, Programs and Features or "
                    + "(Get-ADSyncGlobalSettingsParameter | Where-Object Name -eq 'Microsoft.Synchronize.ServerConfigurationVersion').Value shows it.")
            evaluation.evidence = Evidence.of(ExportView(facts), identityView)
            return evaluation
        }
        let evidence = Evidence.of(ExportView(facts), identityView, BuildView(version: text, versionSource: facts.versionSource))
        let from = facts.versionSource.map { " (from \($0))" } ?? ""
        let identity = identitySentence(facts)
        guard version < minimumBuild else {
            return Evaluation(
                status: .pass,
                message: "Connect build \(text)\(from) is at or above \(minimumBuild), the minimum build Microsoft requires: builds below it "
                    + "stopped synchronizing on \(minimumSince). \(identity)",
                evidence: evidence)
        }
        var older = ""
        if version < minimumWritebackBuild {
            older = " It is also older than \(minimumWritebackBuild), the first build that uses the current writeback endpoints "
                + "(*.passwordreset.microsoftonline.com, *.servicebus.windows.net)."
        } else if version.components[0] < 2 {
            older = " Version 1.x is retired and no longer supported."
        }
        return Evaluation(
            status: .fail,
            message: "Connect build \(text)\(from) is below \(minimumBuild), the minimum build Microsoft requires: on builds below it all "
                + "synchronization, and so password writeback, stopped on \(minimumSince) (\(hardeningPage)). This server no longer syncs or "
                + "writes passwords back until it is upgraded to \(minimumBuild) or later.\(older) \(identity)",
            findings: [
                Finding(
                    status: .fail, target: facts.server ?? facts.source,
                    message: "Connect \(text) < \(minimumBuild): synchronization and writeback stopped on \(minimumSince).")
            ],
            evidence: evidence)
    }

    /// `ConnectorIdentityType`, as the report states it (learn.microsoft.com/entra/identity/hybrid/connect/authenticate-application-id).
    static func identitySentence(_ facts: ConnectFacts) -> String {
        let from = facts.connectorIdentityTypeSource.map { "; from \($0)" } ?? ""
        switch facts.connectorIdentityType {
        case "Application"?:
            return "The Entra connector authenticates as an application (ConnectorIdentityType Application, app-based authentication\(from))."
        case "ServiceAccount"?:
            return "The Entra connector authenticates with its service account and password (ConnectorIdentityType ServiceAccount\(from)); "
                + "app-based authentication is available from 2.5.3.0 and configured automatically from 2.5.76.0."
        default:
            return "The Entra connector's identity type (ServiceAccount or Application) is unknown: the export does not record it. Save "
                + "Get-ADSyncEntraConnectorCredential | Format-List * | Out-File connector-credential.txt on the Connect server and name "
                + "the file in 'connect.connectorCredential'."
        }
    }
}
