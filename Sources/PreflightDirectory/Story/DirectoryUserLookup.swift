import Foundation
import PreflightCore
import PreflightEngine

/// A user `preflight why` asks about that is not among the run's in-scope users: looked up in each configured domain
/// (read-only, the directory checks' connection settings) so the story can say where the user is and which filter leaves
/// them out. Only a live `why` looks up; saved facts hold only what the run read.
package enum DirectoryUserLookup {
    package struct Found: Sendable {
        package var dn: String
        package var upn: String?
        package var samAccountName: String?
        package var objectClass: String
        /// The DNS name of the user's domain.
        package var domain: String
    }

    /// The users `query` names (a DN, a UPN, `DOMAIN\name` or a sAMAccountName) in each domain of `configuration`, and why a
    /// domain could not be asked.
    package static func lookup(
        _ query: String, configuration: Configuration, environment: [String: String]
    ) async -> (found: [Found], problems: [String]) {
        var found: [Found] = []
        var problems: [String] = []
        for index in configuration.ldapDomains.indices {
            let domain = configuration.domain(index)
            guard domain.ldap.isConfigured else { continue }
            let deadline = Date().addingTimeInterval(configuration.timeoutSeconds)
            do {
                found += try await runBlocking("preflight.why.lookup") {
                    let connection = try DirectoryConnector.open(domain, deadline: deadline, environment: environment)
                    defer { connection.close() }
                    return try search(query, connection: connection, baseDN: domain.ldap.baseDN)
                }
            } catch {
                problems.append("\(domain.ldap.url ?? "the DC"): \(error)")
            }
        }
        return (found, problems)
    }

    private static func search(_ query: String, connection: LDAPConnection, baseDN: String?) throws -> [Found] {
        let root = try connection.readRootDSE(attributes: ["defaultNamingContext"])
        guard let domainDN = baseDN ?? root.string("defaultNamingContext") else { return [] }
        let attributes = ["objectClass", "userPrincipalName", "sAMAccountName"]
        var entries: [LDAPEntry] = []
        if query.contains("="), !query.contains("@") {
            guard DistinguishedName(query).isWithin(DistinguishedName(domainDN)) else { return [] }
            entries = try connection.readEntry(dn: query, attributes: attributes, sdFlags: nil).map { [$0] } ?? []
        } else {
            let name = query.split(separator: "\\").last.map(String.init) ?? query
            let escaped = ldapFilterEscape(name)
            let byName = query.contains("@") ? "(userPrincipalName=\(escaped))" : "(sAMAccountName=\(escaped))"
            try connection.search(
                base: domainDN, scope: .subtree, filter: "(&\(SnapshotGatherer.userFilter)\(byName))", attributes: attributes,
                sdFlags: nil, pageSize: 100
            ) { entries.append($0) }
        }
        return entries.map { entry in
            let classes = entry.strings("objectClass").map { $0.lowercased() }
            return Found(
                dn: entry.dn, upn: entry.string("userPrincipalName"), samAccountName: entry.string("sAMAccountName"),
                objectClass: classes.contains("inetorgperson") ? "inetOrgPerson" : classes.contains("user") ? "user" : classes.last ?? "?",
                domain: DistinguishedName(domainDN).dnsName)
        }
    }
}
