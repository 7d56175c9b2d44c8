import PreflightCore

/// The commented `preflight.yml` that `preflight init` writes. `validate` accepts it as written: every value only the
/// user knows is in a commented-out line as `<what to fill in>`, which the configuration reader reports as "still a
/// placeholder: fill in …" once the line is uncommented. The file names are the ones the collection kit writes.
enum ConfigTemplate {
    static func text(for topology: Topology) -> String {
        [header(topology), general(topology), ldap(topology), network(topology), sync(topology), inventory, monitoring(topology), footer]
            .joined(separator: "\n")
    }

    private static func header(_ topology: Topology) -> String {
        """
        # preflight.yml, written by `preflight init --topology \(topology.rawValue)` (preflight \(PreflightVersion.current)).
        #
        # `preflight validate` accepts this file as it is. To use a section, remove the "# " in front of its lines and
        # replace each <…> with your value: a <…> left in is an error saying what to fill in. Paths are relative to this
        # file's folder. The collection kit (collect/*.ps1, or `preflight init --collect`) writes the exports under the
        # names below: run it, then copy its output folder here unchanged, with its file times (cp -rp, robocopy /COPY:DAT).
        # Every key: docs/configuration.md (installed: /usr/share/doc/preflight/docs/).

        # The cover block of the reports (optional).
        # report:
        #   customer: <the customer's name>
        #   tenant: <the tenant's initial domain, e.g. contoso.onmicrosoft.com>
        #   assessor: <your name>

        """
    }

    private static func general(_ topology: Topology) -> String {
        """
        phase: preflight          # preflight: before go-live | health: after go-live (adds the MON checks, needs monitoring:)
        topology: \(topology.rawValue)\(topology == .connectSync ? "    " : "      ")# connect-sync: Entra Connect Sync | cloud-sync: Entra Cloud Sync
        cloud: public             # the tenant's cloud: public | usgov | china
        timeoutSeconds: 15        # each check's deadline, in seconds, unless its check file sets its own
        maxEvidenceAgeDays: 30    # an export older than this many days makes the checks that judge it warn

        """
    }

    private static func ldap(_ topology: Topology) -> String {
        let account =
            topology == .connectSync
            ? "#   # account: MSOL_1a2b3c4d5e6f          # the AD DS connector account; default: the Connect export's, else the bind account"
            : "#   # account: provAgentgMSA$             # the provisioning agent's gMSA; default: provAgentgMSA$"
        let scope =
            topology == .connectSync ? "default: the Connect export's OU filter" : "default: the Cloud Sync jobs' scoping filters"
        return """
            # The directory checks (AD-*): LDAPS to one domain controller of the domain, bound as a read-only account.
            # ldap:
            #   url: <the LDAPS URL of a domain controller, e.g. ldaps://dc01.corp.example.com>
            #   bindDN: <the read-only account preflight binds as, e.g. svc-preflight@corp.example.com>
            #   passwordEnv: PREFLIGHT_LDAP_PASSWORD  # the environment variable holding its password (never this file)
            #   # passwordFile: secrets/ldap.pw       # or: a file holding the password, readable only by you
            #   # caFile: certs/corp-root-ca.pem      # your AD CA's certificate (PEM) when the system store does not trust it
            \(account)
            #   # scope: ["OU=Staff,DC=corp,DC=example,DC=com"]   # where the SSPR users are; \(scope)
            #   # exclude: ["OU=Kiosk,OU=Staff,DC=corp,DC=example,DC=com"]   # OUs inside the scope to leave out
            #   # restrictRemoteSAM: directory/dc-gpresult.xml   # AD-016 when SMB (445) to the DCs is closed: a DC's gpresult /x (collect/domain-controller.ps1)

            """
    }

    private static func network(_ topology: Topology) -> String {
        let tenant =
            topology == .cloudSync
            ? "\n#   tenantId: <the tenant id, a GUID from the Entra admin center's overview>   # NET-004, NET-007: the agent's endpoints" : ""
        return """
            # The network checks (NET-*) probe Microsoft's endpoints from this machine: run preflight where the sync server's
            # traffic goes (its network, its proxy) for a faithful answer. Without this section they use HTTPS_PROXY.
            # network:
            #   proxy: <the proxy the sync server uses, e.g. http://proxy.corp.example.com:8080>
            #   # caFile: certs/inspection-root.pem   # a TLS-inspection root certificate (PEM) you accept\(tenant)
            #   # serviceBusNamespace: ssprdedicatedsbprodweu   # the relay named by event 31019 on the sync server (NET-002)

            """
    }

    private static func sync(_ topology: Topology) -> String {
        switch topology {
        case .connectSync:
            """
            # Entra Connect's configuration (CON-*), written on the Connect server by collect/sync-server.ps1.
            # connect:
            #   export: connect/export                        # Get-ADSyncServerConfiguration's folder
            #   scheduler: connect/scheduler.txt              # Get-ADSyncScheduler: staging mode (CON-003)
            #   passwordResetConfig: connect/pwreset.txt      # Get-ADSyncAADPasswordResetConfiguration: writeback on or off
            #   connectorCredential: connect/connector-credential.txt   # Get-ADSyncEntraConnectorCredential (CON-007)

            """
        case .cloudSync:
            """
            # Entra Cloud Sync's configuration (CSY-*): saved Microsoft Graph responses, written by collect/graph-exports.ps1
            # (and the agents' versions by collect/sync-server.ps1 on each agent host). See docs/cloud-sync.md.
            # cloudSync:
            #   jobs: cloud-sync/jobs.json                    # the configuration's synchronization jobs
            #   schema: cloud-sync/schema                     # each job's schema: the scoping filters
            #   agents: cloud-sync/agents                     # the provisioning agents (pages of the Graph list)
            #   agentVersions: cloud-sync/agent-versions.json # the agents' file versions (Graph has none)

            """
        }
    }

    private static let inventory = """
        # The tenant's exports (INV-*), written by collect/graph-exports.ps1. Export them on one day.
        # inventory:
        #   users: inventory/users.csv                    # every user: enabled, synchronized from AD or cloud-only
        #   licenses: inventory/licenses.csv              # one row per user and SKU, with the disabled plans
        #   subscribedSkus: inventory/subscribedSkus.csv  # the tenant's SKUs and free units (INV-004)
        #   registration: inventory/registration.csv      # who is registered for SSPR (INV-005)
        #   scopeGroup: inventory/sspr-scope-group.csv    # the members of the group SSPR is enabled for; without it, every enabled user
        #   ssprRegistrationThreshold: 0.8                # INV-005 warns below this share of registered users

        """

    private static func monitoring(_ topology: Topology) -> String {
        let events =
            topology == .connectSync
            ? "#   events: monitoring/application-log.csv        # the Connect server's Application log (collect/sync-server.ps1)\n"
            : ""
        return """
            # After go-live (phase: health, or `preflight run --phase health`): the MON checks.
            # monitoring:
            \(events)#   audit: monitoring/directoryAudits.json        # Entra's SSPR audit log (collect/graph-exports.ps1)
            #   windowHours: 24                               # how far back from the newest entry to look
            #   minSuccessRate: 0.9                           # MON-004 warns below this self-service success rate

            """
    }

    private static let footer = """
        # Accepted risks, each with an owner and an expiry date (docs/usage.md, "Waivers").
        # waivers: waivers.yml

        """
}
