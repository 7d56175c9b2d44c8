import PreflightCore

/// The CON checks' evidence: encoded views of `ConnectFacts` (see `Evidence`), one per thing a check shows.
extension ConnectJudgements {
    /// What every CON check shows of the export it read.
    struct ExportView: Encodable {
        var source, format: String
        var files: [String]
        @NullEncoded var exportDate: String?
        @NullEncoded var server: String?
        /// Left out when the reader noticed nothing.
        var notes: [String]?

        init(_ facts: ConnectFacts) {
            source = facts.source
            format = facts.format
            files = facts.files
            exportDate = facts.exportDate
            server = facts.server
            notes = facts.notes.isEmpty ? nil : facts.notes
        }
    }

    /// CON-001: the connectors the export names.
    struct ConnectorsView: Encodable {
        var entraConnectors, adConnectors, otherConnectors: [String]
        var synchronizationRuleFiles: Int
        @NullEncoded var version: String?
    }

    /// CON-002: each Entra connector's writeback state and where it was read.
    struct WritebackView: Encodable {
        struct Connector: Encodable {
            var name: String
            @NullEncoded var tenant: String?
            var passwordWriteback: RecordedFlag
            var from: String
        }
        var phase: Phase
        var connectors: [Connector]
    }

    /// CON-003: the scheduler output's two switches.
    struct SchedulerView: Encodable {
        var file: String
        var stagingModeEnabled, syncCycleEnabled: RecordedFlag

        init(_ facts: SchedulerFacts) {
            file = facts.file
            stagingModeEnabled = RecordedFlag(facts.stagingMode)
            syncCycleEnabled = RecordedFlag(facts.syncCycleEnabled)
        }
    }

    /// CON-004: each AD DS connector's account.
    struct AccountView: Encodable {
        var connector: String
        @NullEncoded var forest: String?
        @NullEncoded var loginDomain: String?
        @NullEncoded var loginUser: String?

        init(_ connector: ADConnectorFacts) {
            self.connector = connector.name
            forest = connector.forest
            loginDomain = connector.loginDomain
            loginUser = connector.loginUser
        }
    }

    /// CON-005: each AD DS connector's partitions and OU filters.
    struct ScopeView: Encodable {
        var connector: String
        @NullEncoded var forest: String?
        var partitions: [PartitionFacts]

        init(_ connector: ADConnectorFacts) {
            self.connector = connector.name
            forest = connector.forest
            partitions = connector.partitions
        }
    }

    /// CON-006: each AD DS connector's password hash sync switch.
    struct HashSyncView: Encodable {
        var connector: String
        var passwordHashSync: RecordedFlag
    }

    /// CON-007: the minimum build and the Entra connector's identity.
    struct VersionView: Encodable {
        var minimum = ConnectJudgements.minimumBuild.description
        var minimumSince = ConnectJudgements.minimumSince
        var connectorIdentityType: String
        @NullEncoded var connectorIdentityTypeSource: String?
    }

    /// CON-007, when the export reveals a build number: that number and where it came from.
    struct BuildView: Encodable {
        var version: String
        @NullEncoded var versionSource: String?
    }
}
