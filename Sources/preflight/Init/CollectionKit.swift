import PreflightCore

/// The collection kit `preflight init` writes beside the template (or prints with `--collect`): one PowerShell script for
/// the sync server, one for the Microsoft Graph exports and one for a domain controller (AD-016's fallback when SYSVOL
/// cannot be read over SMB). Each writes exactly the files the template names, under
/// one folder to copy next to `preflight.yml`. The commands are the ones docs/collecting-exports.md and
/// docs/cloud-sync.md give (and explain).
enum CollectionKit {
    struct Script {
        let name: String
        let text: String
    }

    static func scripts(for topology: Topology) -> [Script] {
        [
            Script(name: "sync-server.ps1", text: topology == .connectSync ? connectServer : cloudSyncAgent),
            Script(name: "graph-exports.ps1", text: GraphExports.text(for: topology)),
            Script(name: "domain-controller.ps1", text: domainController),
        ]
    }

    static let preamble = """
        # Written by `preflight init` (preflight \(PreflightVersion.current)). Every file lands under -Out (default
        # C:\\Temp\\preflight) with the name preflight.yml expects; copy that folder's content next to preflight.yml
        # unchanged, with its file times: in WSL `cp -rp /mnt/c/Temp/preflight/. .`, else scp -rp or robocopy /COPY:DAT.
        """

    /// docs/collecting-exports.md, "Entra Connect configuration" and "After go-live".
    static let connectServer = """
        # sync-server.ps1: run on the Entra Connect Sync server, in an elevated Windows PowerShell (ADSync module).
        \(preamble)
        # Sources: https://learn.microsoft.com/entra/identity/hybrid/connect/reference-connect-adsync
        param([string]$Out = 'C:\\Temp\\preflight', [int]$EventDays = 2)
        $ErrorActionPreference = 'Stop'
        Import-Module ADSync
        New-Item -ItemType Directory -Force -Path "$Out\\connect", "$Out\\monitoring" | Out-Null

        # connect.export: the configuration export (a folder with Connectors\\, GlobalSettings\\, SynchronizationRules\\)
        if (Test-Path "$Out\\connect\\export") { Remove-Item -Recurse -Force "$Out\\connect\\export" }
        Get-ADSyncServerConfiguration -Path "$Out\\connect\\export"

        # connect.scheduler: staging mode and scheduler state
        Get-ADSyncScheduler | Out-File "$Out\\connect\\scheduler.txt"

        # connect.passwordResetConfig: the live password-writeback state of the Entra connector
        $aad = (Get-ADSyncConnector | Where-Object SubType -eq 'Windows Azure Active Directory (Microsoft)').Name
        Get-ADSyncAADPasswordResetConfiguration -Connector $aad | Out-File "$Out\\connect\\pwreset.txt"

        # connect.connectorCredential: how the Entra connector authenticates (Connect 2.5.3.0 and later)
        try {
            Get-ADSyncEntraConnectorCredential | Format-List * | Out-File "$Out\\connect\\connector-credential.txt"
        } catch {
            Write-Warning "Get-ADSyncEntraConnectorCredential failed ($_): leave connect.connectorCredential commented out."
        }

        # monitoring.events (after go-live): the whole Application log of the last days, then the export marker row, so
        # the window ends now even if the service stopped logging before. (PowerShell 7 writes UTF-8 without -Encoding.)
        $log = "$Out\\monitoring\\application-log.csv"
        Get-WinEvent -FilterHashtable @{ LogName = 'Application'; StartTime = (Get-Date).AddDays(-$EventDays) } |
            Export-Csv -Path $log -Encoding Unicode
        [pscustomobject]@{ Message = 'preflight export marker'; Id = 0; ProviderName = 'preflight-export'
                           TimeCreated = Get-Date; LevelDisplayName = 'Information' } |
            Export-Csv -Path $log -Encoding Unicode -Append -Force

        Write-Host "Done: copy $Out next to preflight.yml and uncomment its connect: (and monitoring: events) lines."

        """

    /// docs/cloud-sync.md, "Agent versions".
    static let cloudSyncAgent = """
        # sync-server.ps1: run on each Entra Cloud Sync provisioning agent host (or on one machine that may reach them
        # all with Invoke-Command: pass -Agents). Writes cloudSync.agentVersions: Graph reports no agent version.
        \(preamble)
        # Source: https://learn.microsoft.com/entra/identity/hybrid/cloud-sync/how-to-automatic-upgrade
        param([string]$Out = 'C:\\Temp\\preflight', [string[]]$Agents = @($env:COMPUTERNAME))
        $ErrorActionPreference = 'Stop'
        New-Item -ItemType Directory -Force -Path "$Out\\cloud-sync" | Out-Null

        Invoke-Command -ComputerName $Agents {
          [pscustomobject]@{
            machineName = [System.Net.Dns]::GetHostEntry('').HostName
            fileVersion = (Get-Item "$env:ProgramFiles\\Microsoft Azure AD Connect Provisioning Agent\\AADConnectProvisioningAgent.exe").VersionInfo.FileVersion
          }
        } | Select-Object machineName, fileVersion | ConvertTo-Json | Set-Content "$Out\\cloud-sync\\agent-versions.json"

        Write-Host "Done: copy $Out next to preflight.yml and uncomment cloudSync.agentVersions."

        """

    /// docs/collecting-exports.md, "RestrictRemoteSAM without SMB to the DCs".
    static let domainController = """
        # domain-controller.ps1: only where preflight cannot read the domain controllers' SYSVOL over SMB (TCP 445) for
        # AD-016 (RestrictRemoteSAM). Run it on a domain controller, in an elevated prompt; in several domains, on one DC
        # of each (rename each file, and name it in that domain's ldap item). Writes ldap.restrictRemoteSAM: the DC's
        # Resultant Set of Policy, which names the GPO whose RestrictRemoteSAM setting wins there. Run it again after a
        # Group Policy change.
        \(preamble)
        # Source: https://learn.microsoft.com/windows-server/administration/windows-commands/gpresult
        param([string]$Out = 'C:\\Temp\\preflight')
        $ErrorActionPreference = 'Stop'
        New-Item -ItemType Directory -Force -Path "$Out\\directory" | Out-Null

        # ldap.restrictRemoteSAM: gpresult writes UTF-16 XML (<Rsop …>); copy it unchanged.
        gpresult /scope computer /x "$Out\\directory\\dc-gpresult.xml" /f
        if ($LASTEXITCODE -ne 0) { throw "gpresult exited with $LASTEXITCODE: run it in an elevated prompt on a domain controller." }

        Write-Host "Done: copy $Out next to preflight.yml and uncomment ldap.restrictRemoteSAM."

        """
}
