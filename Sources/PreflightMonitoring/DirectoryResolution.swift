import Foundation
import PreflightCore
import PreflightDirectory

/// One domain's cross-reference in a run over several domains.
struct DomainLookup: Codable, Sendable, Hashable {
    /// The domain's DNS name (its DC's, or from its settings when the DC could not be reached).
    var domain: String
    var reference: DirectoryCrossReference
}

extension DirectoryCrossReference {
    /// Where a name the logs wrote was found, across every domain looked in.
    enum Resolution {
        /// In one domain: the user's DN, the domain's DNS name and that domain's cross-reference (its snapshot).
        case found(dn: String, domain: String?, in: DirectoryCrossReference)
        /// In several domains: a bare sAMAccountName that each has, with each domain's DN.
        case ambiguous([(domain: String, dn: String)])
        /// Not found where it was looked for, and a domain that could not be asked may hold it: why.
        case unchecked(String)
        /// Not found in any domain, all of which were asked: their names.
        case notFound(String)
    }

    /// Where `name` (a UPN, a DN, `DOMAIN\name` or a sAMAccountName) was found.
    func resolution(of name: String) -> Resolution {
        let key = name.lowercased()
        guard let domains else {
            if let reason = unavailable { return .unchecked(reason) }
            if let dn = resolved[key] { return .found(dn: dn, domain: snapshot?.domain.dnsName ?? domain, in: self) }
            return .notFound(snapshot?.domain.dnsName ?? domain ?? "the configured domain")
        }
        var found = domains.compactMap { lookup in lookup.reference.resolved[key].map { (lookup, $0) } }
        // `DOMAIN\name` names its domain by NetBIOS name, which the snapshot knows.
        if found.count > 1, let slash = name.firstIndex(of: "\\") {
            let netbios = name[..<slash].lowercased()
            let named = found.filter { $0.0.reference.snapshot?.domain.netbiosName?.lowercased() == netbios }
            if !named.isEmpty { found = named }
        }
        if found.count == 1 { return .found(dn: found[0].1, domain: found[0].0.domain, in: found[0].0.reference) }
        if found.count > 1 { return .ambiguous(found.map { ($0.0.domain, $0.1) }) }
        let unread = domains.filter { $0.reference.unavailable != nil }
        guard unread.isEmpty else {
            let searched = domains.filter { $0.reference.unavailable == nil }.map(\.domain)
            return .unchecked(
                (searched.isEmpty ? "" : "it is not in \(searched.joined(separator: " or ")), and ")
                    + unread.map { "\($0.domain) could not be asked: \($0.reference.unavailable ?? "")" }.joined(separator: "; "))
        }
        return .notFound(domains.map(\.domain).joined(separator: " or "))
    }

    /// Whether the directory was consulted at all (in one domain at least).
    var wasMade: Bool { unavailable == nil && (snapshot != nil || domains?.contains { $0.reference.snapshot != nil } == true) }
}
