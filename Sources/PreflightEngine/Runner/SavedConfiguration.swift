import Foundation
import PreflightCore

/// The effective configuration of a run, as its saved facts keep it: every setting, with the names of the password
/// sources (`ldap.passwordEnv`, `ldap.passwordFile`) but never a password, which the configuration cannot hold (a proxy
/// URL with credentials is refused too). Paths are the resolved ones the run used. Not kept: where each value was
/// written in the file (`Configuration.locations`), which only error messages about the file itself use.
///
/// `SavedConfigurationTests` fails when `Configuration` gains a setting this does not keep.
struct SavedConfiguration: Codable, Sendable {
    var file: String?
    var report: Report.Cover
    var phase: Phase
    var topology: Topology
    var cloud: Cloud
    var timeoutSeconds: Double
    var maxEvidenceAgeDays: Int
    var waivers: String?
    var network: Network
    var ldap: LDAP
    var inventory: Inventory
    var connect: Connect
    var monitoring: Monitoring

    struct Network: Codable, Sendable {
        var proxy: String?
        var caFile: String?
        var serviceBusNamespace: String?
        var tenantId: String?
        var endpoints: [String: [String]]
        var connectTo: [String]
    }

    struct LDAP: Codable, Sendable {
        var url: String?
        var bindDN: String?
        var passwordEnv: String?
        var passwordFile: String?
        var caFile: String?
        var startTLS: Bool
        var allowInsecure: Bool
        var baseDN: String?
        var account: String?
        var scope: [String]
        var exclude: [String]
        var pageSize: Int
    }

    struct Inventory: Codable, Sendable {
        var users: String?
        var licenses: String?
        var subscribedSkus: String?
        var registration: String?
        var scopeGroup: String?
        var skuCatalog: String?
        var ssprRegistrationThreshold: Double
    }

    struct Connect: Codable, Sendable {
        var export: String?
        var scheduler: String?
        var passwordResetConfig: String?
        var connectorCredential: String?
    }

    struct Monitoring: Codable, Sendable {
        var events: [String]
        var audit: [String]
        var windowHours: Double
        var minSuccessRate: Double
    }

    init(_ c: Configuration) {
        file = c.file
        report = c.cover
        phase = c.phase
        topology = c.topology
        cloud = c.cloud
        timeoutSeconds = c.timeoutSeconds
        maxEvidenceAgeDays = c.maxEvidenceAgeDays
        waivers = c.waivers
        let n = c.network
        network = Network(
            proxy: n.proxy.map(Redaction.urlCredentials), caFile: n.caFile, serviceBusNamespace: n.serviceBusNamespace, tenantId: n.tenantId,
            endpoints: n.endpoints, connectTo: n.connectTo)
        let l = c.ldap
        ldap = LDAP(
            url: l.url, bindDN: l.bindDN, passwordEnv: l.passwordEnv, passwordFile: l.passwordFile, caFile: l.caFile,
            startTLS: l.startTLS, allowInsecure: l.allowInsecure, baseDN: l.baseDN, account: l.account, scope: l.scope,
            exclude: l.exclude, pageSize: l.pageSize)
        let i = c.inventory
        inventory = Inventory(
            users: i.users, licenses: i.licenses, subscribedSkus: i.subscribedSkus, registration: i.registration,
            scopeGroup: i.scopeGroup, skuCatalog: i.skuCatalog, ssprRegistrationThreshold: i.ssprRegistrationThreshold)
        connect = Connect(
            export: c.connect.export, scheduler: c.connect.scheduler, passwordResetConfig: c.connect.passwordResetConfig,
            connectorCredential: c.connect.connectorCredential)
        monitoring = Monitoring(
            events: c.monitoring.events, audit: c.monitoring.audit, windowHours: c.monitoring.windowHours,
            minSuccessRate: c.monitoring.minSuccessRate)
    }

    var configuration: Configuration {
        var c = Configuration()
        c.file = file
        c.cover = report
        c.phase = phase
        c.topology = topology
        c.cloud = cloud
        c.timeoutSeconds = timeoutSeconds
        c.maxEvidenceAgeDays = maxEvidenceAgeDays
        c.waivers = waivers
        c.network.proxy = network.proxy
        c.network.caFile = network.caFile
        c.network.serviceBusNamespace = network.serviceBusNamespace
        c.network.tenantId = network.tenantId
        c.network.endpoints = network.endpoints
        c.network.connectTo = network.connectTo
        c.ldap.url = ldap.url
        c.ldap.bindDN = ldap.bindDN
        c.ldap.passwordEnv = ldap.passwordEnv
        c.ldap.passwordFile = ldap.passwordFile
        c.ldap.caFile = ldap.caFile
        c.ldap.startTLS = ldap.startTLS
        c.ldap.allowInsecure = ldap.allowInsecure
        c.ldap.baseDN = ldap.baseDN
        c.ldap.account = ldap.account
        c.ldap.scope = ldap.scope
        c.ldap.exclude = ldap.exclude
        c.ldap.pageSize = ldap.pageSize
        c.inventory.users = inventory.users
        c.inventory.licenses = inventory.licenses
        c.inventory.subscribedSkus = inventory.subscribedSkus
        c.inventory.registration = inventory.registration
        c.inventory.scopeGroup = inventory.scopeGroup
        c.inventory.skuCatalog = inventory.skuCatalog
        c.inventory.ssprRegistrationThreshold = inventory.ssprRegistrationThreshold
        c.connect.export = connect.export
        c.connect.scheduler = connect.scheduler
        c.connect.passwordResetConfig = connect.passwordResetConfig
        c.connect.connectorCredential = connect.connectorCredential
        c.monitoring.events = monitoring.events
        c.monitoring.audit = monitoring.audit
        c.monitoring.windowHours = monitoring.windowHours
        c.monitoring.minSuccessRate = monitoring.minSuccessRate
        return c
    }
}
