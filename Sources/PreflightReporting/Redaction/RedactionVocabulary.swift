import Foundation

/// What a report names, gathered before anything is replaced: the names to replace wherever they stand alone in a
/// sentence (display names, sAMAccountNames, the values of the DNs' RDNs, object GUIDs, host names) and the
/// customer's DNS names (`--redact-domains` hashes them and their subdomains, never Microsoft's).
struct RedactionVocabulary {
    enum Use {
        case replace(Pseudonyms.Kind)
        /// A name every domain has: matched so that no shorter pattern splits it, and left as it is.
        case keep
    }

    struct Literal {
        /// ASCII-folded when `foldsCase`.
        var units: [UInt16]
        var use: Use
        var original: String
        /// GUIDs and well-known names match in any case; a name only as written (`Denied` the OU, not "denied").
        var foldsCase: Bool
    }

    let hashDomains: Bool
    private(set) var literals: [[UInt16]: Literal] = [:]
    private(set) var customerDomains: Set<String> = []
    private var noted = Memo<Bool>()

    init(hashDomains: Bool) {
        self.hashDomains = hashDomains
        for name in IdentifierPatterns.wellKnownNames where name.contains(" ") {
            add(name, .keep)
        }
    }

    /// Free text: the RDN values of its DNs, the domains of its DNs and UPNs, the accounts of `DOMAIN\account`.
    mutating func noteText(_ text: String) {
        // Noting a text again adds nothing: a check's findings mostly repeat one message.
        guard noted[text] == nil else { return }
        noted[text] = true
        let string = text as NSString
        for match in IdentifierPatterns.matches(in: text, range: NSRange(location: 0, length: string.length)) {
            for kind in IdentifierPatterns.Match.allCases where match.range(at: kind.rawValue).location != NSNotFound {
                let found = string.substring(with: match.range(at: kind.rawValue))
                switch kind {
                case .pseudonym, .sid: break
                case .dn: noteDN(found)
                case .upn:
                    if let at = found.lastIndex(of: "@") { noteDomain(String(found[found.index(after: at)...])) }
                case .account:
                    // Only the domain: in a sentence the account's end is unsure (`CORP\Domain Users`); the account
                    // itself is replaced where it stands, and fields that hold one whole name it (`noteName`).
                    let domain = String(found.prefix { $0 != "\\" })
                    if IdentifierPatterns.isDNSName(domain) { noteDomain(domain) }
                }
            }
        }
    }

    mutating func noteDN(_ dn: String) {
        let components = IdentifierPatterns.components(dn)
        let labels = components.filter(\.isDomain).map { IdentifierPatterns.unescape($0.raw) }
        if labels.count > 1 { noteDomain(labels.joined(separator: ".")) }
        // The object's own name (a user's CN, an OU or a policy a sentence quotes), not its containers': an OU called
        // `Staff` or `Denied` is a word sentences use too.
        if let leaf = components.first, !leaf.isDomain {
            let value = IdentifierPatterns.unescape(leaf.raw)
            if !IdentifierPatterns.isDNSName(value) { noteName(value) }
        }
    }

    /// A display name, an account (`CORP\Some Name`, whose spaces no pattern could tell from a sentence's), a policy's
    /// name: replaced wherever it stands alone.
    mutating func noteName(_ name: String) {
        if let account = IdentifierPatterns.account(name) {
            if IdentifierPatterns.wellKnownAuthorities.contains(account.domain.lowercased()) { return }
            if IdentifierPatterns.isDNSName(account.domain) { noteDomain(account.domain) }
            return noteName(account.name)
        }
        let trimmed = name.trimmingCharacters(in: .whitespaces)
        // A UPN, a DN or an account of a well-known authority is replaced part by part by its pattern, never whole.
        guard trimmed.count >= 3, !trimmed.contains("@"), !trimmed.contains("="), !trimmed.contains("\\"), trimmed.contains(where: \.isLetter), !Pseudonyms.isPseudonym(trimmed),
            !IdentifierPatterns.wellKnownNames.contains(trimmed.lowercased())
        else { return }
        add(trimmed, .replace(.name))
    }

    /// An object's GUID (`objectGUID`, `onPremisesImmutableId`…), not a schema or right GUID (those identify nobody).
    mutating func noteGUID(_ value: String) {
        let bare = value.trimmingCharacters(in: CharacterSet(charactersIn: "{} ")).lowercased()
        guard bare.count >= 8, !IdentifierPatterns.wellKnownGUIDs.contains(bare), !Pseudonyms.isPseudonym(bare) else { return }
        add(bare, .replace(.guid))
    }

    /// A server's name: bare (`CONTOSO-SYNC01`), hashed with the domains; qualified, its domain is the customer's.
    mutating func noteHost(_ value: String) {
        guard !value.contains("://"), !value.contains("/") else { return }
        if IdentifierPatterns.isDNSName(value) {
            let labels = value.split(separator: ".")
            if labels.count > 2 { noteDomain(labels.dropFirst().joined(separator: ".")) }
        } else if hashDomains, value.count >= 2, value.contains(where: \.isLetter), !Pseudonyms.isPseudonym(value) {
            add(value, .replace(.dom))
        }
    }

    /// A DNS name of the customer's (a UPN suffix, a forest, the tenant); never Microsoft's or a certificate authority's.
    mutating func noteDomain(_ value: String) {
        // Already known as written (every UPN of a tenant names one of a few domains).
        if customerDomains.contains(value) { return }
        let name = value.lowercased().trimmingCharacters(in: CharacterSet(charactersIn: "."))
        guard IdentifierPatterns.isDNSName(name), !IdentifierPatterns.foreignSuffixes.contains(where: { IdentifierPatterns.hasSuffix(name, $0) }),
            !IdentifierPatterns.tenantSuffixes.contains(name)
        else { return }
        customerDomains.insert(name)
    }

    /// The customer's own name on the cover (`--redact-domains` only).
    mutating func noteCustomer(_ value: String) {
        guard hashDomains, value.count >= 3 else { return }
        add(value, .replace(.dom))
    }

    private mutating func add(_ text: String, _ use: Use) {
        let foldsCase: Bool
        switch use {
        case .keep, .replace(.guid): foldsCase = true
        case .replace: foldsCase = false
        }
        let units = foldsCase ? TextRedactor.folded(Array(text.utf16)) : Array(text.utf16)
        if case .keep? = literals[units]?.use { return }
        literals[units] = Literal(units: units, use: use, original: text, foldsCase: foldsCase)
    }
}

/// A dictionary from texts that forgets everything when it is full: repeated texts (a check's one message on each of its
/// findings) are found, and a million distinct ones (each user's UPN) never cost more than `capacity` entries.
struct Memo<Value> {
    static var capacity: Int { 65_536 }
    private var values: [String: Value] = [:]

    subscript(text: String) -> Value? {
        get { values[text] }
        set {
            if values.count >= Self.capacity { values.removeAll(keepingCapacity: true) }
            values[text] = newValue
        }
    }
}
