import CLDAP

/// One directory entry as returned by a search. Attribute names are lower-cased; values are raw bytes (binary
/// attributes such as `nTSecurityDescriptor`, `objectSid` and `tokenGroups` arrive unchanged).
package struct LDAPEntry: Sendable, Equatable {
    package var dn: String
    /// Lower-cased attribute name → values. Ranged attributes keep their option, e.g. `member;range=0-1499`.
    package var attributes: [String: [[UInt8]]]

    package init(dn: String, attributes: [String: [[UInt8]]]) {
        self.dn = dn
        var lowered: [String: [[UInt8]]] = [:]
        for (k, v) in attributes { lowered[k.lowercased(), default: []] += v }
        self.attributes = lowered
    }

    init(dn: String, loweredAttributes: [String: [[UInt8]]]) {
        self.dn = dn
        self.attributes = loweredAttributes
    }

    /// The first value decoded as UTF-8, or `nil` if the attribute is absent.
    package func string(_ name: String) -> String? {
        guard let first = attributes[name.lowercased()]?.first else { return nil }
        return String(decoding: first, as: UTF8.self)
    }

    /// All values decoded as UTF-8 (empty if absent).
    package func strings(_ name: String) -> [String] {
        (attributes[name.lowercased()] ?? []).map { String(decoding: $0, as: UTF8.self) }
    }

    /// All values as bytes (empty if absent).
    package func binary(_ name: String) -> [[UInt8]] {
        attributes[name.lowercased()] ?? []
    }

    /// Whether the attribute was returned at all.
    package func has(_ name: String) -> Bool {
        attributes[name.lowercased()] != nil
    }

    /// Reads one entry message with `ldap_get_dn` / `ldap_first_attribute` / `ldap_get_values_len`.
    static func read(ld: OpaquePointer, message: OpaquePointer) -> LDAPEntry {
        var dn = ""
        if let p = ldap_get_dn(ld, message) {
            dn = String(cString: p)
            ldap_memfree(p)
        }
        var attributes: [String: [[UInt8]]] = [:]
        var ber: OpaquePointer?
        var name = ldap_first_attribute(ld, message, &ber)
        while let n = name {
            let key = String(cString: n).lowercased()
            var values: [[UInt8]] = []
            if let vals = ldap_get_values_len(ld, message, n) {
                var i = 0
                while let v = vals[i] {
                    let len = Int(v.pointee.bv_len)
                    if len > 0, let base = v.pointee.bv_val {
                        values.append(Array(UnsafeRawBufferPointer(start: base, count: len)))
                    } else {
                        values.append([])
                    }
                    i += 1
                }
                ldap_value_free_len(vals)
            }
            attributes[key, default: []] += values
            ldap_memfree(n)
            name = ldap_next_attribute(ld, message, ber)
        }
        if let ber { ber_free(ber, 0) }
        return LDAPEntry(dn: dn, loweredAttributes: attributes)
    }
}

/// What a paged search saw besides the entries.
package struct LDAPSearchSummary: Sendable, Equatable {
    /// Entries handed to the body.
    package var entries: Int
    /// Search result references (continuation references) received and ignored; referral chasing is off.
    package var references: Int
    /// Result pages (one request/response round per page).
    package var pages: Int
}
