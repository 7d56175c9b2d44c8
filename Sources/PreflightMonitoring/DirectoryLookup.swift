import Foundation
import PreflightCore
import PreflightDirectory
import PreflightEngine

/// Finds the users the logs name in the directory, for MON-003's cross-reference with AD-003 and MON-005's
/// "is this user synced?". Read-only LDAP, the same connection settings as the directory checks; the
/// snapshot (when asked for) is the run's shared one, so AD-003 and MON-003 judge the same facts. With several
/// domains (`ldap:` a list) every domain is asked, concurrently, each with its own settings and its own snapshot.
enum DirectoryLookup {
    static func crossReference(names: [String], withSnapshot: Bool, context: ProbeContext) async -> DirectoryCrossReference {
        let configuration = context.configuration
        guard configuration.ldap.isConfigured else {
            return DirectoryCrossReference(
                unavailable: "no 'ldap' section is configured, so the directory was not consulted. Add ldap.url and ldap.bindDN "
                    + "(and run the AD checks in the same run) to correlate.")
        }
        guard !names.isEmpty else { return DirectoryCrossReference() }
        guard configuration.isMultiDomain else { return await lookUp(names, withSnapshot: withSnapshot, context: context, index: 0) }
        let settings = configuration.ldapDomains
        let lookups = await withTaskGroup(of: (Int, DomainLookup).self) { group in
            for index in settings.indices {
                group.addTask {
                    let narrowed = ProbeContext(
                        configuration: configuration.domain(index), check: context.check, deadline: context.deadline, shared: context.shared,
                        environment: context.environment)
                    let reference = await lookUp(names, withSnapshot: withSnapshot, context: narrowed, index: index)
                    return (index, DomainLookup(domain: reference.domain ?? settings[index].domainLabel, reference: reference))
                }
            }
            var lookups: [(Int, DomainLookup)] = []
            for await lookup in group { lookups.append(lookup) }
            return lookups.sorted { $0.0 < $1.0 }.map(\.1)
        }
        var result = DirectoryCrossReference(domains: lookups)
        // Unavailable as a whole only when no domain could be asked.
        if lookups.allSatisfy({ $0.reference.unavailable != nil }) {
            result.unavailable = lookups.map { "\($0.domain): \($0.reference.unavailable ?? "")" }.joined(separator: " ")
        }
        return result
    }

    /// One domain's lookup: `context.configuration.ldap` is its settings, `index` its place in `ldap:`.
    static func lookUp(_ names: [String], withSnapshot: Bool, context: ProbeContext, index: Int) async -> DirectoryCrossReference {
        let configuration = context.configuration
        var result = DirectoryCrossReference()
        if withSnapshot {
            do {
                result.snapshot = try await DirectoryProbe.snapshot(context, domain: index)
            } catch {
                result.unavailable = "the directory could not be read (\(error))."
                return result
            }
        }
        let base = result.snapshot?.domain.dn ?? configuration.ldap.baseDN
        let deadline = context.deadline, environment = context.environment
        do {
            let (resolved, notFound, searched) = try await runBlocking("preflight.monitoring.lookup") {
                let connection = try DirectoryConnector.open(configuration, deadline: deadline, environment: environment)
                defer { connection.close() }
                return try resolve(names, base: base, connection: connection)
            }
            result.resolved = resolved
            result.notFound = notFound
            result.domain = DistinguishedName(searched).dnsName.lowercased()
        } catch {
            result.unavailable = "looking the users up in the directory failed (\(error))."
        }
        return result
    }

    /// UPNs (`x@y`), DNs (`CN=…`), `DOMAIN\name` and bare sAMAccountNames, each to a DN when the domain has it; and the
    /// naming context searched.
    static func resolve(_ names: [String], base: String?, connection: LDAPConnection) throws -> ([String: String], [String], String) {
        let searchBase: String
        if let base {
            searchBase = base
        } else {
            guard let context = try connection.readRootDSE(attributes: ["defaultNamingContext"]).string("defaultNamingContext") else {
                throw ProbeError("The DC's rootDSE names no defaultNamingContext; set ldap.baseDN.")
            }
            searchBase = context
        }
        var resolved: [String: String] = [:]
        var notFound: [String] = []
        for name in names {
            var dn: String?
            if name.contains("="), !name.contains("@") {
                dn = try connection.readEntry(dn: name, attributes: ["objectClass"], sdFlags: nil)?.dn
            } else {
                let value = ldapFilterEscape(name.split(separator: "\\").last.map(String.init) ?? name)
                let attribute = name.contains("@") ? "userPrincipalName" : "sAMAccountName"
                try connection.search(
                    base: searchBase, scope: .subtree, filter: "(&(objectCategory=person)(objectClass=user)(\(attribute)=\(value)))",
                    attributes: ["objectClass"], sdFlags: nil
                ) { entry in if dn == nil { dn = entry.dn } }
            }
            if let dn { resolved[name.lowercased()] = dn } else { notFound.append(name) }
        }
        return (resolved, notFound, searchBase)
    }
}
