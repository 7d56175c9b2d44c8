import Foundation
import Logging
import PreflightCore
import PreflightEngine

/// Reads, for AD-016, the security templates of the GPOs that apply to the domain controllers: their links from
/// the domain root's and the Domain Controllers OU's `gPLink` over LDAP, then each `GptTmpl.inf` from SYSVOL over SMB
/// on the DC `ldap.url` names, with the bind's name and password. Failures are recorded in the facts (the verdict is
/// then `error`), never thrown past the snapshot. Blocking: run it through `runBlocking`.
enum RemoteSAMGatherer {
    static let templateLimit = 4 << 20
    /// A DC's gpresult /x export is a few hundred KiB (its event records make most of it).
    static let exportLimit = 16 << 20
    static let templatePath = #"MACHINE\Microsoft\Windows NT\SecEdit\GptTmpl.inf"#

    static func gather(_ configuration: Configuration, snapshot: DirectorySnapshot, deadline: Date, environment: [String: String]) -> RemoteSAMFacts {
        if let file = configuration.ldap.restrictRemoteSAM { return savedTemplate(file, domain: snapshot.domain.dnsName) }
        guard let url = configuration.ldap.url, let host = URLComponents(string: url)?.host, !host.isEmpty else {
            return RemoteSAMFacts(source: "SYSVOL", templates: [], unreadable: "'ldap.url' names no host to read SYSVOL from.")
        }
        let source = #"SYSVOL on \\"# + host
        let links: [GPOLink], gpos: [String: LDAPEntry], notes: [String], user: (name: String, workgroup: String)
        do {
            let connection = try DirectoryConnector.open(configuration, deadline: deadline, environment: environment)
            defer { connection.close() }
            (links, notes) = try readLinks(connection, domainDN: snapshot.domain.dn)
            var entries: [String: LDAPEntry] = [:]
            for link in links where entries[link.guid] == nil {
                entries[link.guid] = try connection.readEntry(dn: link.gpoDN, attributes: ["displayName", "flags", "gPCFileSysPath"], sdFlags: nil)
            }
            gpos = entries
            user = try smbUser(configuration.ldap.bindDN ?? "", connection: connection, workgroup: snapshot.domain.netbiosName ?? "")
        } catch let error as GPOLinks.Malformed {
            return RemoteSAMFacts(source: source, templates: [], unreadable: error.description + ".")
        } catch {
            return RemoteSAMFacts(source: source, templates: [], unreadable: "the GPO links could not be read over LDAP: \(error)")
        }
        let secret: LDAPSecret
        do {
            secret = try DirectoryConnector.secret(configuration.ldap, environment: environment)
        } catch {
            return RemoteSAMFacts(source: source, templates: [], unreadable: "\(error)")
        }
        defer { secret.wipe() }
        SMBClient.lock.lock()
        defer { SMBClient.lock.unlock() }
        let remaining = max(1, deadline.timeIntervalSinceNow)
        let client: SMBClient
        do {
            client = try SMBClient(user: user.name, workgroup: user.workgroup, secret: secret, timeout: .seconds(min(30, remaining)))
        } catch {
            return RemoteSAMFacts(source: source, templates: [], unreadable: error.description)
        }
        let policies = "smb://\(host)/SYSVOL/\(snapshot.domain.dnsName)/Policies"
        do {
            guard try client.isDirectory(policies) else {
                return RemoteSAMFacts(source: source, templates: [], unreadable: "\(unc(policies)) is not a folder.")
            }
        } catch {
            return RemoteSAMFacts(
                source: source, templates: [],
                unreadable: "SYSVOL could not be read as '\(user.workgroup.isEmpty ? "" : user.workgroup + "\\")\(user.name)': "
                    + "\(unc(error.url)) \(error.reason)")
        }
        let templates = links.map { link -> GPOTemplate in
            let entry = gpos[link.guid] ?? nil
            let where_ = "linked to '\(link.container)' (link order \(link.linkOrder)\(link.enforced ? ", enforced" : ""))"
            let file = "\(policies)/\(link.guid)/\(templatePath.replacingOccurrences(of: "\\", with: "/"))"
            var template = GPOTemplate(
                guid: link.guid, name: entry?.string("displayName") ?? link.guid, link: where_, path: unc(file), state: .noTemplate)
            guard let entry else {
                template.state = .unreadable("the GPO object '\(link.gpoDN)' is not visible to the bind account (deleted, or its Read permission removed)")
                return template
            }
            if let flags = entry.string("flags").flatMap(Int.init), flags & 2 != 0 {
                template.state = .computerSettingsDisabled
                return template
            }
            do {
                guard let bytes = try client.read(file.replacingOccurrences(of: " ", with: "%20"), limit: templateLimit) else { return template }
                template.state = try SecurityTemplate.restrictRemoteSAM(bytes, file: unc(file)).map(GPOTemplate.State.sets) ?? .doesNotSet
            } catch let error as SMBError {
                template.state = .unreadable("\(unc(error.url)) \(error.reason)")
            } catch {
                template.state = .unreadable("\(error)")
            }
            return template
        }
        Logger(label: "preflight.directory").debug("AD-016: \(templates.count) GPO templates read from \(source)")
        return RemoteSAMFacts(source: source, templates: templates, notes: notes)
    }

    /// The links that apply to the DCs, highest precedence first (`GPOLinks.precedence`).
    static func readLinks(_ connection: LDAPConnection, domainDN: String) throws -> ([GPOLink], [String]) {
        let ou = "OU=Domain Controllers,\(domainDN)"
        let root = try connection.readEntry(dn: domainDN, attributes: ["gPLink"], sdFlags: nil)
        let controllers = try connection.readEntry(dn: ou, attributes: ["gPLink", "gPOptions"], sdFlags: nil)
        var notes = ["GPOs linked to the AD site are not read (security options are rarely set there)."]
        if controllers == nil { notes.append("'\(ou)' was not found; only the domain root's links were read.") }
        let blocks = controllers?.string("gPOptions").flatMap(Int.init).map { $0 & 1 != 0 } ?? false
        if blocks { notes.append("'\(ou)' blocks inheritance: only the domain root's enforced links apply to it.") }
        let links = GPOLinks.precedence(
            domain: try GPOLinks.parse(root?.string("gPLink") ?? "", container: domainDN),
            controllersOU: try GPOLinks.parse(controllers?.string("gPLink") ?? "", container: ou), blocksInheritance: blocks)
        return (links, notes)
    }

    /// The bind name as NTLM takes it: `DOMAIN\user` split, a UPN as is, a DN by its sAMAccountName.
    static func smbUser(_ bindDN: String, connection: LDAPConnection, workgroup: String) throws -> (name: String, workgroup: String) {
        if let slash = bindDN.firstIndex(of: "\\") {
            return (String(bindDN[bindDN.index(after: slash)...]), String(bindDN[..<slash]))
        }
        if bindDN.contains("="), let name = try connection.readEntry(dn: bindDN, attributes: ["sAMAccountName"], sdFlags: nil)?.string("sAMAccountName") {
            return (name, workgroup)
        }
        return (bindDN, "")
    }

    /// A saved `GptTmpl.inf` named by `ldap.restrictRemoteSAM`, judged as the one GPO that applies; or a saved
    /// `gpresult /x` export of a DC of `domain` (`GPResultExport`), judged by the GPO whose setting won there.
    static func savedTemplate(_ file: String, domain: String) -> RemoteSAMFacts {
        let source = "the saved template '\(file)' (ldap.restrictRemoteSAM)"
        if let size = InputLimits.fileSize(file), size > exportLimit {
            return RemoteSAMFacts(
                source: source, templates: [],
                unreadable: "'\(file)' (ldap.restrictRemoteSAM) " + InputLimits.tooLarge(size, limit: exportLimit, what: "a security template or a gpresult /x export"))
        }
        guard let data = FileManager.default.contents(atPath: file) else {
            return RemoteSAMFacts(source: source, templates: [], unreadable: "'\(file)' (ldap.restrictRemoteSAM) cannot be read; check its permissions.")
        }
        var template = GPOTemplate(guid: "", name: file, link: "named by ldap.restrictRemoteSAM", path: file, state: .doesNotSet)
        // A gpresult /x export is XML (UTF-16 as gpresult writes it, or UTF-8): it holds no INF section.
        if let text = TextDecoding.decode(data), text.trimmingCharacters(in: .whitespacesAndNewlines.union(["\u{FEFF}"])).hasPrefix("<") {
            return GPResultExport.facts(text, file: file, domain: domain)
        }
        do {
            template.state = try SecurityTemplate.restrictRemoteSAM(Array(data), file: file).map(GPOTemplate.State.sets) ?? .doesNotSet
        } catch {
            return RemoteSAMFacts(source: source, templates: [], unreadable: error.description)
        }
        return RemoteSAMFacts(
            source: source, templates: [template],
            notes: ["Judged from a saved template, not from the GPOs linked to the DCs now: save it again after a change."])
    }

    /// `smb://host/SYSVOL/…` as Windows writes it: `\\host\SYSVOL\…`.
    static func unc(_ url: String) -> String {
        #"\\"# + url.dropFirst("smb://".count).replacingOccurrences(of: "/", with: "\\")
    }
}
