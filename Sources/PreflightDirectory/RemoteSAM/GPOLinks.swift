import PreflightCore

/// One GPO link as the `gPLink` attribute of a domain or OU stores it: `[LDAP://cn={GUID},cn=policies,cn=system,DC=…;N]`,
/// N a bit set (1 = link disabled, 2 = enforced; MS-GPOL 2.2.2, https://learn.microsoft.com/openspecs/windows_protocols/
/// ms-gpol/08090b22-bc16-49f4-8e10-f27a8fb16d18). GPMC and `samba-tool gpo setlink` put a new link first in the string
/// with the lowest precedence, so the last link is link order 1.
package struct GPOLink: Codable, Sendable, Hashable {
    package var gpoDN: String
    /// `{6AC1786C-016F-11D2-945F-00C04FB984F9}`, the GPO's folder name in SYSVOL.
    package var guid: String
    /// The domain root or OU the link is on.
    package var container: String
    /// 1 is the highest precedence among the links of `container`.
    package var linkOrder: Int
    package var enabled: Bool
    package var enforced: Bool
}

enum GPOLinks {
    struct Malformed: Error, CustomStringConvertible {
        var description: String
    }

    /// Parses a `gPLink` value; a link whose DN names no `{GUID}` is an error (the value is then not understood).
    static func parse(_ value: String, container: String) throws(Malformed) -> [GPOLink] {
        var parsed: [(dn: String, guid: String, options: Int)] = []
        for part in value.split(separator: "]") {
            let text = part.trimmingCharacters(in: .whitespaces)
            guard !text.isEmpty else { continue }
            guard text.hasPrefix("["), let semicolon = text.lastIndex(of: ";"),
                text.dropFirst().prefix(7).lowercased() == "ldap://", let options = Int(text[text.index(after: semicolon)...])
            else { throw Malformed(description: "the gPLink of '\(container)' holds '\(text)]', which is not '[LDAP://<GPO DN>;<options>]'") }
            let dn = String(text[text.index(text.startIndex, offsetBy: 8)..<semicolon])
            guard let first = DistinguishedName(dn).rdns.first, let open = first.firstIndex(of: "{"), let close = first.lastIndex(of: "}"),
                open < close
            else { throw Malformed(description: "the gPLink of '\(container)' links '\(dn)', which names no GPO {GUID}") }
            parsed.append((dn, String(first[open...close]).uppercased(), options))
        }
        return parsed.enumerated().map { index, link in
            GPOLink(
                gpoDN: link.dn, guid: link.guid, container: container, linkOrder: parsed.count - index, enabled: link.options & 1 == 0,
                enforced: link.options & 2 != 0)
        }
    }

    /// The links that apply to a DC in the Domain Controllers OU, highest precedence first. Group Policy applies the
    /// domain's links, then the OU's, each container's from its highest link order to 1, so a later one overrides an
    /// earlier one; enforced links are applied after all others, the domain's last (an enforced GPO higher in the
    /// hierarchy wins); Block Inheritance on the OU drops the domain's links that are not enforced; disabled links
    /// are not applied ("Group Policy processing and precedence",
    /// https://learn.microsoft.com/previous-versions/windows/it-pro/windows-server-2003/cc758898(v=ws.10)).
    /// Site links are not read here (the finding says so).
    static func precedence(domain: [GPOLink], controllersOU: [GPOLink], blocksInheritance: Bool) -> [GPOLink] {
        func ordered(_ links: [GPOLink], enforced: Bool) -> [GPOLink] {
            links.filter { $0.enabled && $0.enforced == enforced }.sorted { $0.linkOrder < $1.linkOrder }
        }
        return ordered(domain, enforced: true) + ordered(controllersOU, enforced: true) + ordered(controllersOU, enforced: false)
            + (blocksInheritance ? [] : ordered(domain, enforced: false))
    }
}
