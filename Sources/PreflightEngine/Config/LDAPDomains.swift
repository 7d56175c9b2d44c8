import Foundation
import PreflightCore
import Yams

/// Several domains in one run: `ldap:` is either one mapping (one domain, as always) or a list of mappings with the same
/// keys, one per domain (its DC's URL, bind account, password source, CA, scope). The directory checks then judge each
/// domain on its own and attribute every finding to it (`details.domain`).
extension Configuration {
    /// Every configured domain's settings, in file order; one (`ldap`) unless `ldap:` is a list of several.
    package var ldapDomains: [LDAPConfiguration] { ldapDomainList ?? [ldap] }

    /// Whether `ldap:` lists more than one domain (then every directory check judges each one).
    package var isMultiDomain: Bool { (ldapDomainList?.count ?? 1) > 1 }

    /// This configuration narrowed to the domain at `index` of `ldapDomains`: `ldap` is that domain's settings, as the
    /// directory probes read it.
    package func domain(_ index: Int) -> Configuration {
        var narrowed = self
        narrowed.ldap = ldapDomains[index]
        narrowed.ldapDomainList = nil
        return narrowed
    }

    /// Each domain's settings with the name its keys have in the file (`ldap`, or `ldap[1]` in a list).
    var ldapEntries: [(key: String, settings: LDAPConfiguration)] {
        guard let list = ldapDomainList else { return [("ldap", ldap)] }
        return list.enumerated().map { ("ldap[\($0.offset)]", $0.element) }
    }

    /// Reads `ldap:`, a mapping or a list of mappings; each list item's problems are reported at its own place.
    mutating func readLDAP(_ reader: MappingReader, resolve: (String) -> String, locations: inout [String: SourceLocation]) {
        guard case .sequence(let items)? = reader.node(LDAPConfiguration.name) else {
            if let section = reader.mapping(LDAPConfiguration.name) {
                ldap = LDAPConfiguration.read(section, resolve: resolve, locations: &locations)
            }
            return
        }
        var domains: [LDAPConfiguration] = []
        var urls: [String: String] = [:]
        for (index, item) in items.enumerated() {
            let path = "ldap[\(index)]"
            guard let section = MappingReader.from(item, file: reader.file, path: path, sink: reader.sink) else { continue }
            let domain = LDAPConfiguration.read(section, resolve: resolve, locations: &locations)
            if domain.url == nil {
                reader.sink.report(
                    section.location,
                    "'\(path).url' is required: every item of the 'ldap' list is one domain, named by the URL of one of its DCs "
                        + "(ldaps://dc.example.com). Add 'url' (with 'bindDN' and a password source), or remove the item.")
            } else if let url = domain.url, let first = urls[url.lowercased()] {
                reader.sink.report(
                    section.location(of: "url"),
                    "'\(path).url' is '\(url)', the same as '\(first).url': each item of the 'ldap' list must be another domain. "
                        + "Remove the duplicate item.")
            }
            if let url = domain.url, urls[url.lowercased()] == nil { urls[url.lowercased()] = path }
            domains.append(domain)
        }
        if items.isEmpty {
            reader.sink.report(
                reader.valueLocation(of: LDAPConfiguration.name),
                "'ldap' is an empty list. Give one mapping per domain (url, bindDN, passwordEnv or passwordFile, …), or leave "
                    + "'ldap' out to skip the directory checks.")
        }
        ldap = domains.first ?? ldap
        // A list of one is the one domain, exactly as the mapping would be.
        ldapDomainList = domains.count > 1 ? domains : nil
    }
}
