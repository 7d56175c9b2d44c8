import Foundation
import PreflightCore

/// How identifiers look inside the report's text: distinguished names, UPNs, domain SIDs, `DOMAIN\account`, and the
/// names every Active Directory has (kept, since they identify nobody: `CN=Users`, `Domain Admins`, `BUILTIN\…`).
enum IdentifierPatterns {
    /// The regular expression's alternatives, in the order of its capture groups.
    enum Match: Int, CaseIterable {
        case pseudonym = 1, dn, upn, sid, account
    }

    /// A DN attribute value: escapes, a parenthesised part (`Sales (EMEA)`), an apostrophe inside a word (`O'Brien`), or
    /// any character a DN does not reserve; a colon, quote or bracket ends it (the DN sits in a sentence).
    private static let value = #"(?:\\[0-9A-Fa-f]{2}|\\.|\([^,=+<>;"\\\r\n()]*\)|(?<=[A-Za-z])'(?=[A-Za-z])|[^,=+<>;"\\\r\n'()\[\]:])+"#
    /// `CN`, `OU` and `DC` in any case (as people type them); the rarer types only in capitals, so that `c=3` in a URL is
    /// not read as a country.
    /// A space may stand around `=` and after `,`: certificates' names as OpenSSL prints them (`O = Lab, CN = Root CA`).
    private static let component = #"(?:(?i:CN|OU)|O|L|ST|C|STREET|UID) ?= ?"# + value + #"|(?i:DC) ?= ?[A-Za-z0-9-]+"#
    private static let dn = "(?<![A-Za-z0-9])((?:" + component + ")(?:, ?(?:" + component + "))*)"
    private static let upn = #"(?<![A-Za-z0-9._%+\-])([A-Za-z0-9._%+\-]+(?:'[A-Za-z0-9._%+\-]+)*@(?:[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?\.)+[A-Za-z]{2,})(?![A-Za-z0-9-])"#
    /// Domain SIDs only (`S-1-5-21-…`): well-known SIDs (`S-1-5-11`, `S-1-5-32-544`) are the same in every domain.
    private static let sid = #"(?<![A-Za-z0-9-])(S-1-5-21(?:-[0-9]+){3}(?:-[0-9]+)?)(?![0-9])"#
    /// `CORP\carol`, `corp.example.test\MSOL_root`; not a path (`HKLM\System\…`, `..\server.cpp`, `\\host\share`).
    private static let account = #"(?<![A-Za-z0-9_.\\-])([A-Za-z0-9][A-Za-z0-9.-]*\\(?>[A-Za-z0-9._$-]+))(?!\\)"#

    static let identifiers: NSRegularExpression = compile(
        [#"(?<![A-Za-z0-9-])("# + Pseudonyms.pattern + #")(?![0-9a-f])"#, dn, upn, sid, account].joined(separator: "|"))

    /// The matches of `identifiers`, without running it over a text that holds none of the characters every alternative
    /// needs (a pseudonym's and a SID's `-`, a DN's `=`, a UPN's `@`, an account's `\`): most of a report's strings.
    static func matches(in text: String, range: NSRange) -> [NSTextCheckingResult] {
        guard text.utf8.contains(where: { $0 == UInt8(ascii: "-") || $0 == UInt8(ascii: "=") || $0 == UInt8(ascii: "@") || $0 == UInt8(ascii: "\\") })
        else { return [] }
        return identifiers.matches(in: text, range: range)
    }

    /// The customer's DNS names and their subdomains, for `--redact-domains`.
    static func domains(_ names: Set<String>) -> NSRegularExpression? {
        guard !names.isEmpty else { return nil }
        let alternatives = names.sorted { $0.count > $1.count }.map(NSRegularExpression.escapedPattern(for:))
        return compile(#"(?<![A-Za-z0-9.-])((?:[A-Za-z0-9-]+\.)*(?:"# + alternatives.joined(separator: "|") + #"))(?![A-Za-z0-9-])"#, caseInsensitive: true)
    }

    private static func compile(_ pattern: String, caseInsensitive: Bool = false) -> NSRegularExpression {
        do {
            return try NSRegularExpression(pattern: pattern, options: caseInsensitive ? [.caseInsensitive] : [])
        } catch {
            // The patterns are constants of this file (and escaped names): RedactionTests compile every one.
            preconditionFailure("An identifier pattern does not compile: \(error)")
        }
    }

    // MARK: Distinguished names

    struct Component {
        /// The type as written, with the spaces around it (`CN`, ` CN `).
        var type: String
        /// The value as written (escapes and a leading space kept).
        var raw: String
        var isDomain: Bool { type.trimmingCharacters(in: .whitespaces).caseInsensitiveCompare("DC") == .orderedSame }
        /// The space the value starts with, kept when it is replaced.
        var lead: String { String(raw.prefix { $0 == " " }) }
    }

    /// `CN=a\,b,OU=x` → [CN `a\,b`, OU `x`].
    static func components(_ dn: String) -> [Component] {
        DistinguishedName(dn).rdns.compactMap { rdn in
            guard let equals = rdn.firstIndex(of: "=") else { return nil }
            return Component(type: String(rdn[..<equals]), raw: String(rdn[rdn.index(after: equals)...]))
        }
    }

    /// A DN value as people read it, without the spaces around it.
    static func unescape(_ raw: String) -> String {
        DistinguishedName.unescape(Substring(raw)).trimmingCharacters(in: .whitespaces)
    }

    // MARK: Names that identify nobody

    /// Containers, groups, accounts and policies every domain has, in lower case.
    static let wellKnownNames: Set<String> = [
        "users", "computers", "builtin", "system", "domain controllers", "program data", "foreignsecurityprincipals",
        "managed service accounts", "password settings container", "adminsdholder", "configuration", "schema", "policies",
        "sites", "services", "server", "lostandfound", "infrastructure", "deleted objects", "keys", "ntds quotas",
        "microsoft", "rid manager$", "domain users", "domain admins", "domain computers", "domain guests", "enterprise admins",
        "schema admins", "administrators", "administrator", "guest", "krbtgt", "account operators", "server operators",
        "backup operators", "print operators", "authenticated users", "everyone", "pre-windows 2000 compatible access",
        "cert publishers", "group policy creator owners", "protected users", "read-only domain controllers",
        "enterprise read-only domain controllers", "dnsadmins", "dnsupdateproxy", "default domain policy",
        "default domain controllers policy", "this organization", "network", "self", "creator owner",
        "key admins", "enterprise key admins", "cloneable domain controllers", "allowed rodc password replication group",
        "denied rodc password replication group", "ras and ias servers", "windows authorization access group",
        "incoming forest trust builders", "terminal server license servers", "remote desktop users", "remote management users",
        "localhost",
    ]

    /// Authorities whose accounts are the same everywhere (`BUILTIN\Users`, `NT AUTHORITY\NETWORK`).
    static let wellKnownAuthorities: Set<String> = ["builtin", "nt authority", "authority", "nt service", "service", "window manager", "font driver host"]

    /// The default GPOs' GUIDs, the same in every domain.
    static let wellKnownGUIDs: Set<String> = ["31b2f340-016d-11d2-945f-00c04fb984f9", "6ac1786c-016f-11d2-945f-00c04fb984f9"]

    // MARK: Domain names

    /// Microsoft's and the certificate authorities' names: never the customer's, whatever an export says.
    static let foreignSuffixes = [
        "microsoft.com", "microsoftonline.com", "microsoftonline.us", "windows.net", "azure.com", "azure.net", "office.com",
        "office365.com", "live.com", "msftauth.net", "msauth.net", "msappproxy.net", "digicert.com", "globalsign.com",
        "entrust.net", "localhost",
    ]

    /// The part of a customer's name that stays readable: Microsoft's tenant suffixes, else the top-level label.
    static let tenantSuffixes = ["onmicrosoft.com", "onmicrosoft.us", "onmicrosoft.de", "partner.onmschina.cn"]

    /// Two labels or more of ASCII letters, digits and inner hyphens, the last of letters only (`corp.example.test`).
    /// Written out rather than as a `Regex` literal, which is parsed again at every call: this runs for every string.
    static func isDNSName(_ text: String) -> Bool {
        let labels = text.utf8.split(separator: UInt8(ascii: "."), omittingEmptySubsequences: false)
        guard labels.count >= 2, let last = labels.last, last.count >= 2, last.allSatisfy(isLetter) else { return false }
        return labels.allSatisfy { label in
            guard let first = label.first, let end = label.last else { return false }
            return first != UInt8(ascii: "-") && end != UInt8(ascii: "-") && label.allSatisfy { isLetter($0) || isDigit($0) || $0 == UInt8(ascii: "-") }
        }
    }

    private static func isLetter(_ byte: UInt8) -> Bool { (byte | 0x20) >= UInt8(ascii: "a") && (byte | 0x20) <= UInt8(ascii: "z") }
    private static func isDigit(_ byte: UInt8) -> Bool { byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") }

    /// `CORP\Some Name` → (`CORP`, `Some Name`): a domain (letters, digits, dots, hyphens) and one backslash.
    static func account(_ text: String) -> (domain: String, name: String)? {
        guard let slash = text.firstIndex(of: "\\") else { return nil }
        let domain = text[..<slash], name = text[text.index(after: slash)...]
        guard let first = domain.utf8.first, isLetter(first) || isDigit(first), !name.isEmpty, !name.contains("\\"),
            domain.utf8.allSatisfy({ isLetter($0) || isDigit($0) || $0 == UInt8(ascii: ".") || $0 == UInt8(ascii: "-") })
        else { return nil }
        return (String(domain), String(name))
    }

    static func hasSuffix(_ name: String, _ suffix: String) -> Bool {
        name == suffix || name.hasSuffix("." + suffix)
    }
}
