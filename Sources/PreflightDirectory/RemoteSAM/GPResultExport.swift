import Foundation
import PreflightCore

#if canImport(FoundationXML)
    import FoundationXML
#endif

/// A saved `gpresult /scope computer /x FILE` export of a DC, named by `ldap.restrictRemoteSAM` instead of reading SYSVOL:
/// the Resultant Set of Policy the DC logged when it last applied Group Policy. Its root is
/// `<Rsop xmlns="http://www.microsoft.com/GroupPolicy/Rsop">`; `ComputerResults` names the computer (`Name`, `Domain`,
/// `SOM`), lists the GPOs that were processed (`GPO` with `Name`, `Path/Identifier`, `IsValid`, `FilterAllowed`,
/// `AccessDenied`, `Link`), and holds each client-side extension's settings under `ExtensionData/Extension`. The Security
/// extension (`xsi:type="q1:SecuritySettings"`, namespace `http://www.microsoft.com/GroupPolicy/Settings/Security`) writes
/// each security option as `q1:SecurityOptions` with the GPO that set it (`GPO/Identifier`), its `Precedence` (1 = the
/// winning GPO, as RSoP's `precedence` property: https://learn.microsoft.com/previous-versions/windows/desktop/policy/rsop-policysetting),
/// `q1:KeyName` (the registry value) and `q1:SettingString` (a REG_SZ value) or `q1:SettingNumber`. Where the format comes
/// from: Tests/PreflightKitTests/Fixtures/gpresult/SOURCE.md.
enum GPResultExport {
    /// One GPO `ComputerResults` lists.
    struct GPO {
        var guid = ""
        var name = ""
        var somPath: String?
        var linkOrder: Int?
        var appliedOrder: Int?
        var enforced = false
        var enabled = true
        var isValid = true
        var filterAllowed = true
        var accessDenied = false

        /// Group Policy applied it: valid, not filtered out by security or WMI filtering, readable, enabled.
        var applied: Bool { isValid && filterAllowed && !accessDenied && enabled }
    }

    /// One `q1:SecurityOptions` element that names a registry value (`KeyName`).
    struct SecurityOption {
        var guid = ""
        var precedence = 1
        var keyName = ""
        var string: String?
        var number: String?
        var line = 0
    }

    /// What the export's `ComputerResults` say, and its `ReadTime`.
    struct Computer {
        var root = ""
        var readTime: String?
        var hasComputerResults = false
        var name: String?
        var domain: String?
        var som: String?
        var gpos: [GPO] = []
        var options: [SecurityOption] = []
    }

    struct Malformed: Error, CustomStringConvertible {
        var description: String
    }

    static let remedy =
        "Save it again on a DC with 'gpresult /scope computer /x FILE /f' in an elevated prompt (or Get-GPResultantSetOfPolicy "
        + "-ReportType Xml) and copy the file unchanged."

    /// AD-016's facts from the export at `file`, whose text is `text`, for the domain `domain` (DNS name): the GPO whose
    /// RestrictRemoteSAM won (precedence 1) first, then the other GPOs that set it, then the applied GPOs that did not.
    static func facts(_ text: String, file: String, domain: String) -> RemoteSAMFacts {
        let source = "the saved gpresult /x export '\(file)' (ldap.restrictRemoteSAM)"
        func unreadable(_ reason: String) -> RemoteSAMFacts { RemoteSAMFacts(source: source, templates: [], unreadable: reason) }
        let computer: Computer
        do {
            computer = try parse(text, file: file)
        } catch {
            return unreadable(error.description)
        }
        guard computer.root == "Rsop" else {
            return unreadable(
                "'\(file)' (ldap.restrictRemoteSAM) is XML whose root element is <\(InputLimits.quote(computer.root))>, not the <Rsop> of a "
                    + "gpresult /x export (a Get-GPOReport of one GPO does not say which GPO wins on the DCs). " + remedy)
        }
        guard computer.hasComputerResults else {
            return unreadable(
                "'\(file)' (ldap.restrictRemoteSAM) holds no <ComputerResults>: gpresult wrote only the user's policy (it was run "
                    + "without elevation, or with /scope user). " + remedy)
        }
        let who = "'\(computer.name ?? "an unnamed computer")'"
        if let written = computer.domain, written.caseInsensitiveCompare(domain) != .orderedSame {
            return unreadable(
                "'\(file)' (ldap.restrictRemoteSAM) was written on \(who) of the domain '\(written)', but this DC's domain is "
                    + "'\(domain)'. Name each domain's own export in its 'ldap' item. " + remedy)
        }
        // The SOM is `corp.example.test/Domain Controllers` on a DC (the canonical name of the OU its account is in).
        guard let som = computer.som, som.lowercased().hasSuffix("/domain controllers") else {
            return unreadable(
                "'\(file)' (ldap.restrictRemoteSAM) was written on \(who), whose account is in '\(computer.som ?? "no OU the export names")', "
                    + "not the Domain Controllers OU: it shows the policy of that computer, not of a DC. " + remedy)
        }
        let setting = computer.options.filter { $0.keyName.caseInsensitiveCompare(SecurityTemplate.restrictRemoteSAMKey) == .orderedSame }
            .sorted { $0.precedence < $1.precedence }
        let byGUID = Dictionary(computer.gpos.map { ($0.guid.uppercased(), $0) }, uniquingKeysWith: { first, _ in first })
        var templates: [GPOTemplate] = []
        for option in setting {
            guard let sddl = option.string else {
                return unreadable(
                    "\(file):\(option.line): RestrictRemoteSAM is \(option.number.map { "the number \($0)" } ?? "set without a value"), but the "
                        + "setting is a string (q1:SettingString, REG_SZ). Set it again in the GPO editor (Security Options, '"
                        + RemoteSAMJudgement.setting + "'), then save the export again.")
            }
            if let winner = setting.first, option.precedence == winner.precedence, winner.string != sddl {
                return unreadable(
                    "\(file):\(option.line): RestrictRemoteSAM has two different values at precedence \(option.precedence) (the other on "
                        + "line \(winner.line)), so which one the DC applies is not recorded. " + remedy)
            }
            templates.append(template(option.guid, byGUID, file: file, state: .sets(SecurityTemplate.Setting(sddl: sddl, line: option.line))))
        }
        let setters = Set(setting.map { $0.guid.uppercased() })
        // Highest precedence first: the GPO applied last (the highest AppliedOrder) wins a conflict.
        let others = computer.gpos.filter { $0.applied && !setters.contains($0.guid.uppercased()) }
            .sorted { ($0.appliedOrder ?? 0) > ($1.appliedOrder ?? 0) }
        templates += others.map { template($0.guid, byGUID, file: file, state: .doesNotSet) }
        var notes = [
            "Judged from the Resultant Set of Policy gpresult recorded on \(who) (\(som))\(computer.readTime.map { " at \($0)" } ?? ""), "
                + "not from the GPOs linked now: save it again after a change, and on each DC if their policies may differ."
        ]
        let skipped = computer.gpos.filter { !$0.applied }
        if !skipped.isEmpty {
            notes.append(
                "\(Plural.count(skipped.count, "GPO")) the export lists \(Plural.verb(skipped.count, "was", "were")) not applied (disabled, filtered out or denied): "
                    + skipped.map { "'\($0.name)'" }.joined(separator: ", ") + ".")
        }
        return RemoteSAMFacts(source: source, templates: templates, notes: notes)
    }

    static func template(_ guid: String, _ gpos: [String: GPO], file: String, state: GPOTemplate.State) -> GPOTemplate {
        let gpo = gpos[guid.uppercased()]
        var link = "applied to the DC"
        if let gpo, let som = gpo.somPath {
            link = "linked to '\(som)'\(gpo.linkOrder.map { " (link order \($0)\(gpo.enforced ? ", enforced" : ""))" } ?? "")"
        }
        return GPOTemplate(guid: guid.hasPrefix("{") ? guid.uppercased() : guid, name: gpo?.name ?? guid, link: link, path: file, state: state)
    }

    /// Parses the export with `XMLInput.parse`; a fault throws with the file, line and column.
    static func parse(_ text: String, file: String) throws(Malformed) -> Computer {
        let collector = RSoPCollector()
        if let stop = XMLInput.parse(text, into: collector) {
            let sentence =
                switch stop.reason {
                case .unsafe(let what): "The gpresult /x export has \(what) \(stop.position), which gpresult never writes. \(remedy)"
                case .limit(let problem): "The gpresult /x export, \(stop.position), \(problem). \(remedy)"
                case .malformed(let problem): "The gpresult /x export is not well-formed XML \(stop.position) (\(problem)). \(remedy)"
                }
            throw Malformed(description: stop.error(in: file, sentence).description)
        }
        guard collector.sawElement else {
            throw Malformed(description: "\(file):1:1: The gpresult /x export is not well-formed XML at line 1, column 1 (the document is empty). \(remedy)")
        }
        return collector.computer
    }

    /// Keeps what AD-016 reads of the RSoP, by element path (namespace prefixes dropped: gpresult writes `q1:` for the
    /// Security extension, but the prefix is the writer's choice).
    final class RSoPCollector: BaseCollector {
        var computer = Computer()
        private var path: [String] = []
        private var text = ""
        private var gpo: GPO?
        private var sawLink = false
        private var option: SecurityOption?

        /// Inside `ComputerResults` (or `ReadTime`): the only text kept.
        private var keeping: Bool { path.count >= 2 && (path[1] == "ComputerResults" || path[1] == "ReadTime") }

        override func start(_ parser: XMLParser, _ elementName: String, _ attributes: [String: String]) {
            let name = elementName.split(separator: ":").last.map(String.init) ?? elementName
            if path.isEmpty { computer.root = name }
            path.append(name)
            text = ""
            guard path.count >= 2, path[1] == "ComputerResults" else { return }
            switch path.count {
            case 2: computer.hasComputerResults = true
            case 3 where name == "GPO":
                gpo = GPO()
                sawLink = false
            case 5 where path[2] == "ExtensionData" && path[3] == "Extension" && name == "SecurityOptions": option = SecurityOption()
            case 6 where option != nil && name == "KeyName": option?.line = parser.lineNumber
            default: break
            }
        }

        override func characters(_ string: String) {
            if keeping { keep(string, in: &text, element: path.last ?? "") }
        }

        override func end(_ elementName: String) {
            let value = text.trimmingCharacters(in: .whitespacesAndNewlines)
            defer {
                path.removeLast()
                text = ""
            }
            if path == ["Rsop", "ReadTime"] { computer.readTime = value }
            guard path.count >= 3, path[1] == "ComputerResults" else { return }
            switch path.count {
            case 3:
                switch path[2] {
                case "Name": computer.name = value
                case "Domain": computer.domain = value
                case "SOM": computer.som = value
                case "GPO":
                    if let gpo { computer.gpos.append(gpo) }
                    gpo = nil
                default: break
                }
            case 4 where path[2] == "GPO":
                switch path[3] {
                case "Name": gpo?.name = value
                case "Enabled": gpo?.enabled = value.lowercased() != "false"
                case "IsValid": gpo?.isValid = value.lowercased() != "false"
                case "FilterAllowed": gpo?.filterAllowed = value.lowercased() != "false"
                case "AccessDenied": gpo?.accessDenied = value.lowercased() == "true"
                case "Link": sawLink = true
                default: break
                }
            case 5 where path[2] == "GPO" && path[3] == "Path" && path[4] == "Identifier": gpo?.guid = value
            // The first link that applied (AppliedOrder above 0) says where the GPO is linked; else the first link.
            case 5 where path[2] == "GPO" && path[3] == "Link" && (!sawLink || (gpo?.appliedOrder ?? 0) == 0):
                switch path[4] {
                case "SOMPath": gpo?.somPath = value
                case "LinkOrder": gpo?.linkOrder = Int(value)
                case "AppliedOrder": gpo?.appliedOrder = Int(value)
                case "NoOverride": gpo?.enforced = value.lowercased() == "true"
                default: break
                }
            case 5 where path[4] == "SecurityOptions":
                if let option, !option.keyName.isEmpty { computer.options.append(option) }
                option = nil
            case 6 where option != nil:
                switch path[5] {
                case "Precedence": option?.precedence = Int(value) ?? 1
                case "KeyName": option?.keyName = value
                case "SettingString": option?.string = value
                case "SettingNumber": option?.number = value
                default: break
                }
            case 7 where option != nil && path[5] == "GPO" && path[6] == "Identifier": option?.guid = value
            default: break
            }
        }
    }
}
