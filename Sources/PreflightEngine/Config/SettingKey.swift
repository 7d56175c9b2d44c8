import Foundation
import PreflightCore

/// One key of a configuration section, written once: how it is read from `preflight.yml` (and checked there), whether
/// it names files the run reads (which must exist before anything runs), and how plugins see it (or, for the password
/// sources, that they never do). Each section's `keys` list serves reading, the file checks, redaction and the messages,
/// which all name the key as `section.key`.
struct SettingKey<Section>: Sendable {
    let name: String
    /// Reads the key's value from the section into `section`; `resolve` turns a path into the one the run uses.
    let read: @Sendable (_ section: inout Section, _ reader: MappingReader, _ resolve: (String) -> String) -> Void
    /// The files the value names, for the existence checks (empty for keys that name none).
    let files: @Sendable (Section) -> [String]
    /// A folder is what this key names (the Connect export); else only files are accepted.
    let folderAllowed: Bool
    /// The value as plugins see it; nil for a key plugins never see (a password source).
    let shown: (@Sendable (Section) -> JSONValue)?

    static func text(_ name: String, _ key: WritableKeyPath<Section, String?> & Sendable) -> Self {
        Self(
            name: name, read: { section, reader, _ in section[keyPath: key] = reader.filledString(name) }, files: { _ in [] }, folderAllowed: false,
            shown: { $0[keyPath: key].map(JSONValue.string) ?? .null })
    }

    /// A path relative to the configuration file's folder, checked to exist before the run.
    static func path(_ name: String, _ key: WritableKeyPath<Section, String?> & Sendable, folderAllowed: Bool = false) -> Self {
        Self(
            name: name, read: { $0[keyPath: key] = $1.pathString(name).map($2) }, files: { $0[keyPath: key].map { [$0] } ?? [] },
            folderAllowed: folderAllowed, shown: { $0[keyPath: key].map(JSONValue.string) ?? .null })
    }

    /// One path or a list of them, each checked to exist before the run.
    static func paths(_ name: String, _ key: WritableKeyPath<Section, [String]> & Sendable) -> Self {
        Self(
            name: name, read: { $0[keyPath: key] = ($1.pathList(name) ?? []).map($2) }, files: { $0[keyPath: key] },
            folderAllowed: false, shown: { .array($0[keyPath: key].map(JSONValue.string)) })
    }

    static func texts(_ name: String, _ key: WritableKeyPath<Section, [String]> & Sendable) -> Self {
        Self(
            name: name, read: { section, reader, _ in section[keyPath: key] = reader.filledStringList(name) ?? [] }, files: { _ in [] }, folderAllowed: false,
            shown: { .array($0[keyPath: key].map(JSONValue.string)) })
    }

    static func flag(_ name: String, _ key: WritableKeyPath<Section, Bool> & Sendable) -> Self {
        Self(
            name: name, read: { section, reader, _ in section[keyPath: key] = reader.bool(name) ?? section[keyPath: key] }, files: { _ in [] }, folderAllowed: false,
            shown: { .bool($0[keyPath: key]) })
    }

    static func whole(_ name: String, _ key: WritableKeyPath<Section, Int> & Sendable, in range: ClosedRange<Int>) -> Self {
        Self(
            name: name, read: { section, reader, _ in section[keyPath: key] = reader.int(name, range: range) ?? section[keyPath: key] }, files: { _ in [] },
            folderAllowed: false, shown: { .int($0[keyPath: key]) })
    }

    static func number(_ name: String, _ key: WritableKeyPath<Section, Double> & Sendable, in range: ClosedRange<Double>) -> Self {
        Self(
            name: name, read: { section, reader, _ in section[keyPath: key] = reader.double(name, range: range) ?? section[keyPath: key] }, files: { _ in [] },
            folderAllowed: false, shown: { .number($0[keyPath: key]) })
    }

    /// Where a secret comes from (an environment variable's name, a file): read, never shown to plugins. Its problems are
    /// found before the run by `inputProblems`, not by the existence checks.
    static func secretSource(_ name: String, _ key: WritableKeyPath<Section, String?> & Sendable, isPath: Bool) -> Self {
        Self(
            name: name, read: { $0[keyPath: key] = isPath ? $1.pathString(name).map($2) : $1.filledString(name) }, files: { _ in [] },
            folderAllowed: false, shown: nil)
    }
}

/// A section of `preflight.yml` (`ldap:`, `network:`, …): its settings and the one list of its keys.
protocol SettingsSection: Codable, Sendable, Hashable {
    /// The section's key in the file.
    static var name: String { get }
    static var keys: [SettingKey<Self>] { get }
    init()
    /// What only the section as a whole can tell (a proxy URL with credentials, a bind DN without a password source);
    /// report problems to `reader.sink`.
    func validate(_ reader: MappingReader)
}

extension SettingsSection {
    func validate(_ reader: MappingReader) {}

    /// Reads the section's keys, records where each value was written (`ldap.passwordEnv` → `preflight.yml:12:16`),
    /// validates the whole, and reports unknown keys.
    static func read(
        _ reader: MappingReader, resolve: (String) -> String, locations: inout [String: SourceLocation]
    ) -> Self {
        var section = Self()
        for key in keys {
            if reader.has(key.name) { locations[reader.qualified(key.name)] = reader.valueLocation(of: key.name) }
            key.read(&section, reader, resolve)
        }
        section.validate(reader)
        reader.finish()
        return section
    }

    /// Every file the section names, with its qualified key, for the existence checks.
    var namedFiles: [(key: String, path: String, folderAllowed: Bool)] {
        Self.keys.flatMap { key in key.files(self).map { ("\(Self.name).\(key.name)", $0, key.folderAllowed) } }
    }

    /// The section as plugins see it: every key but the password sources.
    var shownJSON: JSONValue {
        .object(Dictionary(uniqueKeysWithValues: Self.keys.compactMap { key in key.shown.map { (key.name, $0(self)) } }))
    }
}
