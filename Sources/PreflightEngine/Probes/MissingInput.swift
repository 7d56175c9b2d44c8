/// The one wording of "this check's input file is not configured" (a `ProbeKind.missingInput` message): what was not
/// done, how to save the file, and the key to name it in.
package enum MissingInput {
    /// `nil` when `configured`; else "No 'KEY' is configured, so CONSEQUENCE. HOW and name the WHAT in 'KEY'."
    package static func unless(
        _ configured: Bool, _ key: String, so consequence: String, save howToSave: String, naming what: String = "the file"
    ) -> String? {
        configured ? nil : "No '\(key)' is configured, so \(consequence). \(howToSave) and name \(what) in '\(key)'."
    }
}
