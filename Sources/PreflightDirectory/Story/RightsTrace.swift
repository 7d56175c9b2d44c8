import PreflightCore

/// Every ACE of one object that applies to one right for the connector account's token, in DACL order, with the container
/// each inherited one came from: what `preflight why` shows under each right. The first of them decided (the access
/// check stops there, MS-DTYP 2.5.3.2), the rest were never reached; `RightsJudge.judge` gives the verdict itself, so the
/// trace cannot disagree with the report.
extension RightsJudge {
    func trace(_ right: DirectoryRight, dacl: DACLState, objectDN: String, objectClass: GUID?, principalSelf: SID?) -> [UserStory.ACEStep] {
        guard case .acl(let acl) = dacl else { return [] }
        let requester = AccessCheckRequester(token: snapshot.account.token, objectClass: objectClass, principalSelf: principalSelf)
        var steps: [UserStory.ACEStep] = []
        for ace in acl.aces {
            guard let effect = requester.effect(of: ace, on: right) else { continue }
            steps.append(
                UserStory.ACEStep(
                    effect: effect == .allow ? "allow" : "deny", sddl: ace.sddl, trustee: snapshot.trusteeName(ace.sid),
                    inherited: ace.isInherited, inheritedFrom: ace.isInherited ? origin(of: ace, above: objectDN) : nil,
                    decided: steps.isEmpty))
        }
        return steps
    }
}
