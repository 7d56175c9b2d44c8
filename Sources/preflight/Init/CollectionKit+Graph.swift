import PreflightCore

extension CollectionKit {
    /// graph-exports.ps1: the tenant inventory and the SSPR audit log (docs/collecting-exports.md) and, for Cloud Sync,
    /// the jobs, schemas and agents (docs/cloud-sync.md), with Microsoft Graph PowerShell.
    enum GraphExports {
        static func text(for topology: Topology) -> String {
            [head(topology), inventory, audit, topology == .cloudSync ? cloudSync : "", tail].joined(separator: "\n")
        }

        private static func head(_ topology: Topology) -> String {
            let scopes =
                "User.Read.All, Organization.Read.All, AuditLog.Read.All, GroupMember.Read.All"
                + (topology == .cloudSync ? ", Synchronization.Read.All, Directory.Read.All, OnPremisesPublishingProfiles.ReadWrite.All" : "")
            return """
                # graph-exports.ps1: run where you can sign in to Microsoft Graph (PowerShell 7 or Windows PowerShell 5.1 with
                # the Microsoft.Graph modules: Install-Module Microsoft.Graph). Read-only roles suffice: Global Reader, plus
                # Reports Reader for the registration details and the audit log\(topology == .cloudSync ? ", Hybrid Identity Administrator for Cloud Sync" : "").
                \(preamble)
                # -SsprGroup: the group named under Password reset > Properties > Self service password reset enabled: Selected
                # (leave it out when SSPR is enabled for All). Sources: https://learn.microsoft.com/powershell/microsoftgraph/
                param([string]$Out = 'C:\\Temp\\preflight', [string]$SsprGroup = '', [int]$AuditDays = 2)
                $ErrorActionPreference = 'Stop'
                Connect-MgGraph -Scopes \(scopes)
                New-Item -ItemType Directory -Force -Path "$Out\\inventory", "$Out\\monitoring" | Out-Null

                """
        }

        private static let inventory = """
            # inventory.users: Get-MgUser returns AccountEnabled and OnPremisesSyncEnabled only when -Property names them
            Get-MgUser -All -Property Id,UserPrincipalName,DisplayName,AccountEnabled,OnPremisesSyncEnabled,OnPremisesImmutableId,OnPremisesLastSyncDateTime |
                Select-Object Id,UserPrincipalName,DisplayName,AccountEnabled,OnPremisesSyncEnabled,OnPremisesImmutableId,OnPremisesLastSyncDateTime |
                Export-Csv "$Out\\inventory\\users.csv" -NoTypeInformation -Encoding UTF8

            # inventory.licenses: one row per user and SKU, with the disabled service plans (piping AssignedLicenses straight
            # into Export-Csv writes a type name instead of the values; preflight rejects that file and says so)
            Get-MgUser -All -Property Id,UserPrincipalName,AssignedLicenses | ForEach-Object {
                $user = $_
                $user.AssignedLicenses | ForEach-Object {
                    [pscustomobject]@{ UserPrincipalName = $user.UserPrincipalName; SkuId = $_.SkuId; DisabledPlans = $_.DisabledPlans -join ';' }
                }
            } | Export-Csv "$Out\\inventory\\licenses.csv" -NoTypeInformation -Encoding UTF8

            # inventory.subscribedSkus: PrepaidUnits is a nested object, so select its Enabled count by name
            Get-MgSubscribedSku -All |
                Select-Object SkuPartNumber, SkuId, ConsumedUnits, @{n='PrepaidUnits.Enabled'; e={$_.PrepaidUnits.Enabled}} |
                Export-Csv "$Out\\inventory\\subscribedSkus.csv" -NoTypeInformation -Encoding UTF8

            # inventory.registration (needs Entra ID P1/P2 in the tenant for the report)
            Get-MgReportAuthenticationMethodUserRegistrationDetail -All |
                Select-Object Id, UserPrincipalName, IsSsprRegistered, IsSsprEnabled, IsSsprCapable, IsMfaRegistered,
                    @{n='MethodsRegistered'; e={$_.MethodsRegistered -join ','}} |
                Export-Csv "$Out\\inventory\\registration.csv" -NoTypeInformation -Encoding UTF8

            # inventory.scopeGroup: the members of the SSPR group
            if ($SsprGroup) {
                $group = Get-MgGroup -Filter "displayName eq '$SsprGroup'"
                Get-MgGroupMember -GroupId $group.Id -All |
                    Select-Object Id, @{n='UserPrincipalName'; e={$_.AdditionalProperties.userPrincipalName}},
                        @{n='@odata.type'; e={$_.AdditionalProperties.'@odata.type'}} |
                    Export-Csv "$Out\\inventory\\sspr-scope-group.csv" -NoTypeInformation -Encoding UTF8
            } else {
                Write-Warning 'No -SsprGroup: inventory.scopeGroup is not written; leave it commented out (every enabled user is in scope).'
            }

            """

        /// The pages of `auditLogs/directoryAudits`, kept as one JSON array of pages (which `monitoring.audit` reads).
        private static let audit = """
            # monitoring.audit (after go-live): the SSPR audit entries of the last days (Graph API access needs P1/P2). The
            # pages are saved as one JSON array of pages; a busy tenant may pass preflight's 16 MiB a file: then lower -AuditDays.
            $since = (Get-Date).ToUniversalTime().AddDays(-$AuditDays).ToString('yyyy-MM-ddTHH:mm:ssZ')
            $uri = "https://graph.microsoft.com/v1.0/auditLogs/directoryAudits?`$filter=loggedByService eq 'Self-service Password Management' and activityDateTime ge $since"
            $pages = @()
            do {
                $json = Invoke-MgGraphRequest -Method GET -Uri $uri -OutputType Json
                $pages += $json
                $uri = ($json | ConvertFrom-Json).'@odata.nextLink'
            } while ($uri)
            '[' + ($pages -join ',') + ']' | Out-File "$Out\\monitoring\\directoryAudits.json" -Encoding utf8

            """

        /// docs/cloud-sync.md, "Saving the inputs".
        private static let cloudSync = """
            # cloudSync: the configuration's service principal (made from application template
            # 1a4721b3-e57f-4451-ae87-ef078703ec94), its jobs and their schemas, and the provisioning agents.
            # Sources: https://learn.microsoft.com/entra/identity/hybrid/cloud-sync/how-to-inbound-synch-ms-graph
            New-Item -ItemType Directory -Force -Path "$Out\\cloud-sync\\schema", "$Out\\cloud-sync\\agents" | Out-Null
            $sp = (Get-MgServicePrincipal -Filter "appId eq '1a4721b3-e57f-4451-ae87-ef078703ec94'" | Select-Object -First 1).Id

            # cloudSync.jobs: GET https://graph.microsoft.com/v1.0/servicePrincipals/{id}/synchronization/jobs
            $jobs = Invoke-MgGraphRequest -Uri "https://graph.microsoft.com/v1.0/servicePrincipals/$sp/synchronization/jobs" -OutputType PSObject
            $jobs | ConvertTo-Json -Depth 20 | Set-Content "$Out\\cloud-sync\\jobs.json"

            # cloudSync.schema: GET https://graph.microsoft.com/beta/servicePrincipals/{id}/synchronization/jobs/{jobId}/schema
            foreach ($job in $jobs.value) {
              Invoke-MgGraphRequest -Uri "https://graph.microsoft.com/beta/servicePrincipals/$sp/synchronization/jobs/$($job.id)/schema" -OutputType PSObject |
                ConvertTo-Json -Depth 20 | Set-Content "$Out\\cloud-sync\\schema\\$($job.id).json"
            }

            # cloudSync.agents: GET https://graph.microsoft.com/beta/onPremisesPublishingProfiles/provisioning/agents?$expand=agentGroups
            # (each page of the list as page-1.json, page-2.json, … while @odata.nextLink is set)
            $uri = 'https://graph.microsoft.com/beta/onPremisesPublishingProfiles/provisioning/agents?$expand=agentGroups'
            $page = 0
            do {
              $page++
              $response = Invoke-MgGraphRequest -Uri $uri -OutputType PSObject
              $response | ConvertTo-Json -Depth 20 | Set-Content "$Out\\cloud-sync\\agents\\page-$page.json"
              $uri = $response.'@odata.nextLink'
            } while ($uri)

            """

        private static let tail = """
            Write-Host "Done: copy $Out next to preflight.yml and uncomment the sections whose files are there."

            """
    }
}
