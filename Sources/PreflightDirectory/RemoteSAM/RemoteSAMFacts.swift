import PreflightCore

/// What AD-016 read: the GPOs that apply to the domain controllers, highest precedence first, each with what its
/// security template says about `RestrictRemoteSAM`; or why the templates could not be read at all.
package struct RemoteSAMFacts: Codable, Sendable, Hashable {
    /// Where the templates came from: SYSVOL over SMB, or a saved template named by `ldap.restrictRemoteSAM`.
    package var source: String
    package var templates: [GPOTemplate]
    /// Why nothing could be decided (SYSVOL unreachable, a gPLink not understood, …); nil when the templates were read.
    package var unreadable: String?
    /// What the reading assumed, for the message (e.g. the Domain Controllers OU blocks inheritance).
    package var notes: [String] = []

    package init(source: String, templates: [GPOTemplate], unreadable: String? = nil, notes: [String] = []) {
        self.source = source
        self.templates = templates
        self.unreadable = unreadable
        self.notes = notes
    }
}

/// One GPO that applies to the DCs and what its `GptTmpl.inf` says about RestrictRemoteSAM.
package struct GPOTemplate: Codable, Sendable, Hashable {
    package enum State: Codable, Sendable, Hashable {
        /// The template sets the value (the SDDL as written, and its line).
        case sets(SecurityTemplate.Setting)
        /// The template exists and does not set it.
        case doesNotSet
        /// The GPO has no security template: it does not set it.
        case noTemplate
        /// The GPO's computer settings are disabled (its `flags` has bit 2): Group Policy skips them.
        case computerSettingsDisabled
        /// The template could not be read or understood; the verdict cannot rest on what lies below it.
        case unreadable(String)
    }

    /// `{GUID}`; empty for a saved template file.
    package var guid: String
    /// The GPO's display name (or the saved file's path).
    package var name: String
    /// Where it is linked, e.g. `OU=Domain Controllers,DC=corp,…` (link order 1), enforced.
    package var link: String
    /// The template's UNC path or the saved file.
    package var path: String
    package var state: State

    package init(guid: String, name: String, link: String, path: String, state: State) {
        self.guid = guid
        self.name = name
        self.link = link
        self.path = path
        self.state = state
    }

    /// `'Default Domain Controllers Policy' {6AC1786C-…}`, as findings name a GPO.
    var title: String { guid.isEmpty ? "'\(name)'" : "'\(name)' \(guid)" }
}
