import PreflightCore

/// AD-016: the effective `RestrictRemoteSAM` on the DCs (the GPO of highest precedence that sets it) must grant the
/// connector account's logon token READ_CONTROL, or writeback's `NetUserGetInfo` call is refused (SSPR_0029, event
/// 6329 ERROR_ACCESS_DENIED): https://learn.microsoft.com/troubleshoot/entra/entra-id/user-prov-sync/password-writeback-error-code-sspr-0029
enum RemoteSAMJudgement {
    static let article = "https://learn.microsoft.com/troubleshoot/entra/entra-id/user-prov-sync/password-writeback-error-code-sspr-0029"
    static let setting = "Network access: Restrict clients allowed to make remote calls to SAM"

    static func evaluate(_ facts: RemoteSAMFacts, _ s: DirectorySnapshot) -> Evaluation {
        let account = s.accountDisplayName
        var view = RemoteSAMView(
            account: account, accountSID: s.account.sid.description, source: facts.source, token: DirectoryJudgements.TokenView(s),
            gpos: facts.templates.map(RemoteSAMView.GPO.init))
        var evidence: [String: JSONValue] { Evidence.of(view) }
        let notes = facts.notes.isEmpty ? "" : " " + facts.notes.joined(separator: " ")
        if let reason = facts.unreadable {
            // A saved file's reason says what to do with it; SYSVOL's can be worked around with a saved file.
            let instead = facts.source.hasPrefix("SYSVOL")
                ? " Fix the access, or save a DC's 'gpresult /scope computer /x' export (or the GPO's GptTmpl.inf) and name it with "
                    + "'ldap.restrictRemoteSAM'." : ""
            return .error("Whether the DCs restrict remote SAM calls cannot be judged: \(reason)\(instead)", evidence: evidence)
        }
        for template in facts.templates {
            switch template.state {
            case .doesNotSet, .noTemplate, .computerSettingsDisabled: continue
            case .unreadable(let why):
                return .error(
                    "Whether the DCs restrict remote SAM calls cannot be judged: the GPO \(template.title), \(template.link), "
                        + "outranks every GPO below it and its template could not be read: \(why)", evidence: evidence)
            case .sets(let setting):
                view.effectiveGPO = template.title
                view.sddl = setting.sddl
                return judge(setting, of: template, s, evidence: evidence, notes: notes)
            }
        }
        let where_ = facts.templates.isEmpty ? "No GPO applies to the DCs" : "None of the \(facts.templates.count) GPOs that apply to the DCs"
        return Evaluation(
            status: .pass,
            message: "\(where_) sets RestrictRemoteSAM (read from \(facts.source)), so remote SAM calls are not restricted by Group "
                + "Policy. The registry value may still be set locally on a DC, and it stays after the GPO that set it is removed: "
                + #"check 'reg query HKLM\System\CurrentControlSet\Control\Lsa /v RestrictRemoteSAM' on each DC."# + notes,
            evidence: evidence)
    }

    static func judge(_ setting: SecurityTemplate.Setting, of template: GPOTemplate, _ s: DirectorySnapshot, evidence: [String: JSONValue], notes: String)
        -> Evaluation
    {
        let account = s.accountDisplayName
        let place = "the GPO \(template.title) (\(template.path):\(setting.line))"
        guard !setting.sddl.isEmpty else {
            return Evaluation(
                status: .pass, message: "\(place) sets RestrictRemoteSAM to an empty value, which restricts nothing." + notes, evidence: evidence)
        }
        let descriptor: SDDLDescriptor
        do {
            descriptor = try SDDLDescriptor(setting.sddl, domain: s.domain.sid)
        } catch {
            return .error(
                "\(place) sets RestrictRemoteSAM to '\(setting.sddl)', which is not valid SDDL: \(error). Windows then refuses remote SAM "
                    + "calls from everyone but administrators; set it again in the GPO editor ('\(Self.setting)').", evidence: evidence)
        }
        let right = DirectoryRight.wholeObject(.readControl)
        let dacl = descriptor.daclState
        let decision = checkAccess(right, dacl: dacl, token: s.account.token, objectClass: nil, principalSelf: nil)
        if let doubt = doubtAbout(decision, right, dacl: dacl, objectClass: nil, principalSelf: nil, doubt: RightsJudge(s).doubt(about:)) {
            return .error(
                "\(place) restricts remote SAM calls to '\(setting.sddl)'; whether it lets \(account) in cannot be judged: \(doubt.reason), "
                    + "and its ACE for \(s.trusteeName(doubt.ace.sid)) \(doubt.ace.sddl) would decide it the other way."
                    + DirectoryJudgements.tokenSentence(s), evidence: evidence)
        }
        switch decision.reason {
        case .allowedBy(let ace):
            return Evaluation(
                status: .pass,
                message: "\(place) restricts remote SAM calls to '\(setting.sddl)', which lets \(account) in: Remote Access (READ_CONTROL) "
                    + "is granted to \(s.trusteeName(ace.sid)) by \(ace.sddl)." + DirectoryJudgements.tokenSentence(s) + notes,
                evidence: evidence)
        case .nullDACL:
            return Evaluation(
                status: .pass, message: "\(place) sets RestrictRemoteSAM to '\(setting.sddl)', which has no DACL and restricts nothing." + notes,
                evidence: evidence)
        case .deniedBy, .emptyDACL, .noMatchingAllowACE:
            var why = "no ACE grants Remote Access (READ_CONTROL) to the account or any SID of its token"
            var deny: ACE?
            if case .deniedBy(let ace) = decision.reason {
                why = "\(ace.sddl) denies it to \(s.trusteeName(ace.sid))"
                deny = ace
            }
            var evaluation = Evaluation(
                status: .fail,
                message: "\(place) restricts remote SAM calls on the DCs to '\(setting.sddl)', and \(why): writeback's NetUserGetInfo call "
                    + "for \(account) is refused (SSPR_0029, event 6329 ERROR_ACCESS_DENIED)." + DirectoryJudgements.tokenSentence(s) + notes,
                findings: [
                    Finding(
                        status: .fail, target: template.guid.isEmpty ? template.path : "\(template.name) \(template.guid)",
                        message: "RestrictRemoteSAM '\(setting.sddl)' does not let \(account) in (\(why)).",
                        details: ["gpo": .string(template.name), "guid": .string(template.guid), "sddl": .string(setting.sddl), "line": .int(setting.line)])
                ],
                evidence: evidence)
            evaluation.generatedRemediation = remediation(setting.sddl, template: template, s, deny: deny)
            return evaluation
        }
    }

    /// The exact SDDL with an allow ACE for the account appended to its DACL (before a SACL, if any).
    static func remediation(_ sddl: String, template: GPOTemplate, _ s: DirectorySnapshot, deny: ACE?) -> String {
        let ace = "(A;;RC;;;\(s.account.sid))"
        let fixed: String
        if let sacl = sddl.range(of: "S:", options: .backwards), sddl[..<sacl.lowerBound].contains("D:") {
            fixed = sddl[..<sacl.lowerBound] + ace + sddl[sacl.lowerBound...]
        } else {
            fixed = sddl + ace
        }
        let denyStep = deny.map { "Remove the deny ACE `\($0.sddl)` from it first (it would still win). " } ?? ""
        let gpo = template.guid.isEmpty ? "the GPO the saved template '\(template.name)' came from" : "the GPO \(template.title)"
        return """
            In \(gpo), edit Computer Configuration > Policies > Windows Settings > Security Settings > Local Policies > Security Options > \
            "\(Self.setting)" and add \(s.accountDisplayName) (or a security group holding it) with Allow "Remote Access". \(denyStep)\
            The value becomes:

            ```
            \(fixed)
            ```

            Then run `gpupdate /force` on every DC (or wait for the next refresh) and check \
            `reg query HKLM\\System\\CurrentControlSet\\Control\\Lsa /v RestrictRemoteSAM` there. Microsoft: \(Self.article)
            """
    }
}

/// AD-016's evidence: the account's token, every GPO that applies to the DCs in precedence order with what its template
/// says, and the one that decides.
struct RemoteSAMView: Encodable {
    struct GPO: Encodable {
        var guid, name, link, path: String
        /// The SDDL it sets; null when its template does not set it; absent when there is no template to read.
        var restrictRemoteSAM: NullEncoded<String>?
        var line: Int?
        /// "absent" when the GPO has no security template.
        var template: String?
        /// "disabled" when the GPO's computer settings are off.
        var computerSettings: String?
        var unreadable: String?

        init(_ template: GPOTemplate) {
            guid = template.guid
            name = template.name
            link = template.link
            path = template.path
            switch template.state {
            case .sets(let setting):
                restrictRemoteSAM = NullEncoded(wrappedValue: setting.sddl)
                line = setting.line
            case .doesNotSet: restrictRemoteSAM = NullEncoded(wrappedValue: nil)
            case .noTemplate: self.template = "absent"
            case .computerSettingsDisabled: computerSettings = "disabled"
            case .unreadable(let why): unreadable = why
            }
        }
    }
    var account, accountSID, source: String
    var token: DirectoryJudgements.TokenView
    var gpos: [GPO]
    var effectiveGPO: String?
    var sddl: String?
}
