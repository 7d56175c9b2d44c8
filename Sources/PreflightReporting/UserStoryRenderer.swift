import Foundation
import PreflightCore

/// `preflight why`'s two outputs of a `UserStory`: readable text (the verdict first, then each side with its reason) and
/// JSON (the story's fields as they are, keys sorted). Pure functions, like the reporters.
package enum UserStoryRenderer {
    package static func json(_ story: UserStory) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        // Every field is a String, Bool, array or struct of them: encoding cannot fail.
        let data = (try? encoder.encode(story)) ?? Data("{}".utf8)
        return String(decoding: data, as: UTF8.self) + "\n"
    }

    package static func text(_ story: UserStory) -> String {
        var lines: [String] = []
        let user = story.user
        let name = user.upn ?? user.samAccountName ?? user.dn ?? story.query
        lines.append("\(story.verdict.state.rawValue.uppercased()): \(name)")
        lines.append("  \(story.verdict.summary)")
        for blocker in story.verdict.blockers {
            let checks = blocker.checks.isEmpty ? "" : " [\(blocker.checks.joined(separator: ", "))]"
            lines.append("  - \(blocker.label)\(checks)\(blocker.detail.map { ": \($0)" } ?? "")")
        }
        for check in story.verdict.environment { lines.append("  - \(check) failed: it stops writeback for every user") }
        for reason in story.verdict.unknown { lines.append("  - not known: \(reason)") }

        section(&lines, "User")
        lines.append("  Asked for:  \(story.query)")
        if let dn = user.dn { lines.append("  DN:         \(dn)") }
        if let upn = user.upn { lines.append("  UPN:        \(upn)") }
        if let sam = user.samAccountName { lines.append("  sAMAccount: \(sam)") }
        if let domain = user.domain { lines.append("  Domain:     \(domain)\(user.objectClass.map { " (\($0) object)" } ?? "")") }
        lines.append("  Found in:   \(user.foundIn.isEmpty ? "nowhere: judged from the DN as given" : user.foundIn.joined(separator: "; "))")
        lines.append("  Facts:      \(story.source)\(story.selection.map { "; checks selected: \($0)" } ?? "")")

        section(&lines, "Scope")
        side(&lines, "Synchronization", story.scope.synchronization)
        if let definedBy = story.scope.definedBy { lines.append("    \(definedBy)") }
        side(&lines, "SSPR", story.scope.sspr)

        if let token = story.token {
            section(&lines, "Token: the connector account")
            lines.append("  \(token.account) (\(token.dn), \(token.sid))")
            lines.append("  Account from: \(token.accountSource). Token: \(token.tokenSource).")
            let width = token.sids.map(\.sid.count).max() ?? 0
            for sid in token.sids {
                let via = sid.via.map { " via \($0)" } ?? ""
                lines.append("    \(sid.sid.padding(toLength: width, withPad: " ", startingAt: 0))  \(sid.name) (\(sid.origin)\(via))")
            }
            for undecided in token.undecided { lines.append("    undecided: \(undecided)") }
        }

        if !story.rights.isEmpty {
            section(&lines, "Rights (every ACE that applies to the token, in DACL order; the first decides)")
            for right in story.rights { rightLines(&lines, right, user: user.dn) }
        }

        if let account = story.account {
            section(&lines, "The account in AD")
            side(&lines, "Protected", account.protected)
            side(&lines, "Inheritance disabled", account.inheritanceDisabled)
            side(&lines, "Disabled", account.disabled)
        }

        section(&lines, "The tenant")
        side(&lines, "In the users export", story.tenant.inUsersExport)
        side(&lines, "Synchronized", story.tenant.synchronized)
        side(&lines, "Enabled", story.tenant.enabled)
        side(&lines, "Licence (P1/P2)", story.tenant.licence)
        if let licences = story.tenant.licences { licenceLines(&lines, licences) }
        side(&lines, "SSPR registration", story.tenant.registration)

        section(&lines, "Monitoring: events naming the user")
        if let notRead = story.monitoring.notRead {
            lines.append("  \(notRead)")
        } else if story.monitoring.events.isEmpty {
            lines.append("  None in the event log or the audit log.")
        }
        for event in story.monitoring.events {
            lines.append("  \(event.time)  \(event.log)  \(event.what)  \(event.result)  (\(event.location))")
            lines.append("    \(event.text)")
        }
        return lines.joined(separator: "\n") + "\n"
    }

    private static func section(_ lines: inout [String], _ title: String) {
        lines.append("")
        lines.append(title)
    }

    private static func side(_ lines: inout [String], _ label: String, _ side: UserStory.Side) {
        let checks = side.checks.isEmpty ? "" : " [\(side.checks.joined(separator: ", "))]"
        lines.append("  \(label): \(side.answer.rawValue)\(checks). \(side.detail)")
    }

    /// Each SKU with the plans that grant SSPR with writeback: one enabled P1 or P2 plan is enough.
    private static func licenceLines(_ lines: inout [String], _ licences: UserStory.Licences) {
        lines.append("    SKUs: \(licences.source)\(licences.skus.isEmpty && !licences.source.hasPrefix("Not listed") ? "; none assigned" : "")")
        for licence in licences.skus {
            let name = licence.sku + (licence.product.map { " (\($0))" } ?? "")
            guard licence.product != nil else {
                lines.append("      \(name): not in the licensing table, so its plans are not known")
                continue
            }
            if licence.plans.isEmpty { lines.append("      \(name): no Entra ID P1 or P2 plan, so it grants no writeback") }
            for plan in licence.plans {
                let state = switch plan.enabled {
                case true?: "enabled: grants SSPR with writeback"
                case false?: "disabled in this assignment: grants nothing"
                case nil: "included (the export does not record disabled plans)"
                }
                lines.append("      \(name): \(plan.name) \(state)")
            }
        }
    }

    private static func rightLines(_ lines: inout [String], _ right: UserStory.Right, user: String?) {
        let on = right.object == user ? "the user" : "'\(right.object)'"
        let checks = right.checks.isEmpty ? " [no check of this run asks for it]" : " [\(right.checks.joined(separator: ", "))]"
        let cause = right.cause.map { " (\($0))" } ?? ""
        lines.append("  \(right.name) on \(on)\(checks): \(right.verdict.rawValue.uppercased())\(cause)")
        lines.append("    \(right.explanation)")
        if right.aces.isEmpty { lines.append("    No ACE of the object applies to this right for the token.") }
        for ace in right.aces {
            let mark = ace.decided ? "decided:" : "not reached:"
            let place = ace.inherited ? "inherited from \(ace.inheritedFrom.map { "'\($0)'" } ?? "a container the run did not read")" : "explicit on the object"
            lines.append("    \(mark) \(ace.effect) to \(ace.trustee), \(place): \(ace.sddl)")
        }
    }
}
