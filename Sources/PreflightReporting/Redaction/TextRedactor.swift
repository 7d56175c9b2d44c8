import Foundation

/// Replaces every identifier in a piece of text by its pseudonym, in one pass over the original (so nothing is replaced
/// twice): DNs value by value (`CN=name-…,OU=name-…,DC=corp,…`), UPNs (`name-…@corp.example.test`), domain SIDs
/// (`sid-…-512` keeps a well-known RID), `DOMAIN\account`, the vocabulary's names where they stand alone, and with
/// `--redact-domains` the customer's DNS names label by label (`dom-….dom-….test`). Where candidates overlap, the one
/// that starts first wins, then the longest.
struct TextRedactor {
    var pseudonyms: Pseudonyms
    let vocabulary: RedactionVocabulary
    private let names: NameTrie
    private let domainPattern: NSRegularExpression?

    init(pseudonyms: Pseudonyms, vocabulary: RedactionVocabulary) {
        self.pseudonyms = pseudonyms
        self.vocabulary = vocabulary
        var names = NameTrie()
        for literal in vocabulary.literals.values where literal.units.count >= 2 { names.insert(literal) }
        self.names = names
        domainPattern = vocabulary.hashDomains ? IdentifierPatterns.domains(vocabulary.customerDomains) : nil
    }

    /// The vocabulary's names in a trie over ASCII-folded UTF-16 units, its edges in one dictionary: finding the names
    /// that start at a position costs the length of the longest, whatever the vocabulary's size (tens of thousands of
    /// users' CNs in a large directory).
    private struct NameTrie {
        private var edges: [UInt64: Int32] = [:]
        private var ends: [Int32: [RedactionVocabulary.Literal]] = [:]
        private var nodes: Int32 = 1

        mutating func insert(_ literal: RedactionVocabulary.Literal) {
            var node: Int32 = 0
            for unit in literal.units {
                let edge = UInt64(node) << 16 | UInt64(TextRedactor.fold(unit))
                if let next = edges[edge] {
                    node = next
                } else {
                    edges[edge] = nodes
                    node = nodes
                    nodes += 1
                }
            }
            ends[node, default: []].append(literal)
        }

        var isEmpty: Bool { ends.isEmpty }

        /// The longest name at `start` that ends where a word does (a name matched without folding only as written).
        func longest(at start: Int, in units: [UInt16]) -> RedactionVocabulary.Literal? {
            var node: Int32 = 0
            var index = start
            var best: RedactionVocabulary.Literal?
            while index < units.count, let next = edges[UInt64(node) << 16 | UInt64(TextRedactor.fold(units[index]))] {
                node = next
                index += 1
                guard let literals = ends[node], TextRedactor.endsWord(units, at: index) else { continue }
                best = literals.first { $0.foldsCase || units[start..<index].elementsEqual($0.units) } ?? best
            }
            return best
        }
    }

    private enum Kind {
        case keep, dn, upn, sid, domain
        /// `DOMAIN\account`, the backslash at `separator`.
        case account(separator: Int)
        case literal(RedactionVocabulary.Literal)
    }

    private struct Candidate {
        var start: Int
        var end: Int
        var kind: Kind
    }

    /// Texts already rewritten: a check's findings mostly repeat one message (INV-003's "Synchronized user without a
    /// SKU…" a million times), rewritten once. Bounded (`Memo`), so distinct texts cost no more than their rewriting.
    private var rewritten = Memo<String>()

    mutating func text(_ text: String) -> String {
        if let known = rewritten[text] { return known }
        let result = rewrite(text)
        rewritten[text] = result
        return result
    }

    private mutating func rewrite(_ text: String) -> String {
        guard !text.isEmpty else { return text }
        let units = Array(text.utf16)
        var candidates = patternMatches(text, units)
        candidates += literalMatches(units)
        guard !candidates.isEmpty else { return text }
        candidates.sort { $0.start != $1.start ? $0.start < $1.start : $0.end > $1.end }
        var out = ""
        var position = 0
        for candidate in candidates where candidate.start >= position {
            out += Self.string(units[position..<candidate.start])
            out += replacement(candidate, units)
            position = candidate.end
        }
        return out + Self.string(units[position...])
    }

    /// A field that holds one name (`displayName`, `name`, `account`…): its patterns, else the whole value.
    mutating func name(_ value: String) -> String {
        let replaced = text(value)
        let trimmed = value.trimmingCharacters(in: .whitespaces)
        guard replaced == value, !trimmed.isEmpty, trimmed.contains(where: \.isLetter), !Pseudonyms.isPseudonym(trimmed),
            !trimmed.contains("\\"), !trimmed.contains("@"), !trimmed.contains("="),
            !IdentifierPatterns.wellKnownNames.contains(trimmed.lowercased())
        else { return replaced }
        return pseudonyms.pseudonym(.name, trimmed)
    }

    /// A field that holds an object's GUID or immutable id.
    mutating func guid(_ value: String) -> String {
        let bare = value.trimmingCharacters(in: CharacterSet(charactersIn: "{} ")).lowercased()
        guard !bare.isEmpty, !IdentifierPatterns.wellKnownGUIDs.contains(bare), !Pseudonyms.isPseudonym(bare) else { return value }
        return pseudonyms.pseudonym(.guid, bare)
    }

    /// A field that holds a server's name: bare, a pseudonym with `--redact-domains`; qualified, its domain's rule.
    mutating func host(_ value: String) -> String {
        guard !value.contains("."), !value.contains("/"), !value.isEmpty else { return text(value) }
        guard vocabulary.hashDomains, !Pseudonyms.isPseudonym(value) else { return value }
        return pseudonyms.pseudonym(.dom, value)
    }

    /// A DNS name: the customer's, with `--redact-domains`, label by label, keeping the top-level label (or
    /// `onmicrosoft.com`); anyone else's as it is.
    mutating func domainName(_ name: String) -> String {
        guard vocabulary.hashDomains else { return name }
        let lower = name.lowercased()
        guard vocabulary.customerDomains.contains(where: { IdentifierPatterns.hasSuffix(lower, $0) }) else { return name }
        let kept = IdentifierPatterns.tenantSuffixes.first { IdentifierPatterns.hasSuffix(lower, $0) }.map { $0.split(separator: ".").count } ?? 1
        let labels = name.split(separator: ".", omittingEmptySubsequences: false).map(String.init)
        let hashed = labels.dropLast(kept).map { Pseudonyms.isPseudonym($0) ? $0 : pseudonyms.pseudonym(.dom, $0) }
        return (hashed + labels.suffix(kept)).joined(separator: ".")
    }

    // MARK: Candidates

    private func patternMatches(_ text: String, _ units: [UInt16]) -> [Candidate] {
        var candidates: [Candidate] = []
        let range = NSRange(location: 0, length: units.count)
        for match in IdentifierPatterns.matches(in: text, range: range) {
            guard let kind = IdentifierPatterns.Match.allCases.first(where: { match.range(at: $0.rawValue).location != NSNotFound }) else { continue }
            let found = match.range(at: kind.rawValue)
            var candidate = Candidate(start: found.location, end: found.location + found.length, kind: .keep)
            switch kind {
            case .pseudonym: candidate.kind = .keep
            case .dn:
                // A DN in a sentence that does not end in DC=… may have taken the spaces after it.
                while candidate.end > candidate.start, units[candidate.end - 1] == 0x20 { candidate.end -= 1 }
                candidate.kind = .dn
            case .upn: candidate.kind = .upn
            case .sid: candidate.kind = .sid
            case .account:
                // An account name never ends in a full stop: that is the sentence's.
                while candidate.end > candidate.start, units[candidate.end - 1] == 0x2E { candidate.end -= 1 }
                guard let separator = units[candidate.start..<candidate.end].firstIndex(of: 0x5C), separator + 1 < candidate.end else { continue }
                candidate.kind = .account(separator: separator)
                // An account whose name has spaces (`CORP\Domain Users`, a display name) is as long as the name known.
                if let longer = literal(at: separator + 1, in: units), separator + 1 + longer.units.count > candidate.end {
                    candidate.end = separator + 1 + longer.units.count
                }
            }
            candidates.append(candidate)
        }
        if let domainPattern, text.utf8.contains(UInt8(ascii: ".")) {
            for match in domainPattern.matches(in: text, range: range) {
                candidates.append(Candidate(start: match.range.location, end: match.range.location + match.range.length, kind: .domain))
            }
        }
        return candidates
    }

    private func literalMatches(_ units: [UInt16]) -> [Candidate] {
        guard !names.isEmpty, units.count >= 2 else { return [] }
        var candidates: [Candidate] = []
        for start in 0..<(units.count - 1) where start == 0 || !Self.isWordUnit(units[start - 1]) {
            if let literal = literal(at: start, in: units) {
                candidates.append(Candidate(start: start, end: start + literal.units.count, kind: .literal(literal)))
            }
        }
        return candidates
    }

    /// The longest name of the vocabulary at `start` that ends where a word does.
    private func literal(at start: Int, in units: [UInt16]) -> RedactionVocabulary.Literal? {
        names.longest(at: start, in: units)
    }

    // MARK: Replacements

    private mutating func replacement(_ candidate: Candidate, _ units: [UInt16]) -> String {
        let found = Self.string(units[candidate.start..<candidate.end])
        switch candidate.kind {
        case .keep: return found
        case .dn: return dn(found)
        case .upn:
            guard let at = found.lastIndex(of: "@") else { return found }
            let local = String(found[..<at])
            return (Pseudonyms.isPseudonym(local) ? local : pseudonyms.pseudonym(.name, local)) + "@" + domainName(String(found[found.index(after: at)...]))
        case .sid: return sid(found)
        case .domain: return domainName(found)
        case .account(let separator):
            let domain = Self.string(units[candidate.start..<separator])
            let account = Self.string(units[(separator + 1)..<candidate.end])
            guard !IdentifierPatterns.wellKnownAuthorities.contains(domain.lowercased()) else { return found }
            let keepAccount = Pseudonyms.isPseudonym(account) || IdentifierPatterns.wellKnownNames.contains(account.lowercased())
            let domainPart: String
            if IdentifierPatterns.isDNSName(domain) {
                domainPart = domainName(domain)
            } else {
                domainPart = vocabulary.hashDomains && !Pseudonyms.isPseudonym(domain) ? pseudonyms.pseudonym(.dom, domain) : domain
            }
            return domainPart + "\\" + (keepAccount ? account : pseudonyms.pseudonym(.name, account))
        case .literal(let literal):
            guard case .replace(let kind) = literal.use else { return found }
            return pseudonyms.pseudonym(kind, literal.original)
        }
    }

    /// Each RDN value by itself: the same OU is the same pseudonym in every DN. Names every domain has stay; a DNS name
    /// (`CN=dc1.corp.example.test`) follows the domains' rule, and so do the DC labels but the last.
    private mutating func dn(_ dn: String) -> String {
        let components = IdentifierPatterns.components(dn)
        let lastDomain = components.lastIndex(where: \.isDomain)
        return components.enumerated().map { offset, component in
            let value = IdentifierPatterns.unescape(component.raw)
            let prefix = component.type + "=" + component.lead
            if component.isDomain {
                let keep = !vocabulary.hashDomains || offset == lastDomain || Pseudonyms.isPseudonym(value)
                return keep ? component.type + "=" + component.raw : prefix + pseudonyms.pseudonym(.dom, value)
            }
            if value.isEmpty || Pseudonyms.isPseudonym(value) || IdentifierPatterns.wellKnownNames.contains(value.lowercased()) {
                return component.type + "=" + component.raw
            }
            if IdentifierPatterns.isDNSName(value) { return prefix + domainName(value) }
            return prefix + pseudonyms.pseudonym(.name, value)
        }.joined(separator: ",")
    }

    /// `S-1-5-21-a-b-c-512` → `sid-<domain>-512` (a well-known RID says what the account is, not whose);
    /// any other → `sid-<the whole SID>`.
    private mutating func sid(_ sid: String) -> String {
        let parts = sid.split(separator: "-")
        let domain = parts.prefix(7).joined(separator: "-")
        if parts.count == 7 { return pseudonyms.pseudonym(.sid, domain) }
        if parts.count == 8, let rid = Int(parts[7]), rid < 1000 { return pseudonyms.pseudonym(.sid, domain) + "-\(rid)" }
        return pseudonyms.pseudonym(.sid, sid)
    }

    // MARK: UTF-16 helpers

    /// ASCII letters in lower case: names match whatever their case in the sentence.
    static func fold(_ unit: UInt16) -> UInt16 { unit >= 0x41 && unit <= 0x5A ? unit + 0x20 : unit }
    static func folded(_ units: [UInt16]) -> [UInt16] { units.map(fold) }

    /// Part of a word, a DNS name, an address or an account: a name is not matched inside one.
    private static func isWordUnit(_ unit: UInt16) -> Bool {
        switch unit {
        case 0x30...0x39, 0x41...0x5A, 0x61...0x7A, 0x5F, 0x2D, 0x2E, 0x40, 0x24: true
        default: unit > 0x7F
        }
    }

    /// The end of a word: the text's end, a character outside words, or a full stop that ends the sentence.
    fileprivate static func endsWord(_ units: [UInt16], at end: Int) -> Bool {
        guard end < units.count else { return true }
        if units[end] == 0x2E { return end + 1 == units.count || !isWordUnit(units[end + 1]) }
        return !isWordUnit(units[end])
    }

    /// ASCII (most of a report) copied byte by byte: transcoding UTF-16 was a tenth of a redaction's time.
    private static func string(_ units: ArraySlice<UInt16>) -> String {
        guard units.allSatisfy({ $0 < 0x80 }) else { return String(decoding: units, as: UTF16.self) }
        return String(unsafeUninitializedCapacity: units.count) { buffer in
            for (offset, unit) in units.enumerated() { buffer[offset] = UInt8(truncatingIfNeeded: unit) }
            return units.count
        }
    }
}
