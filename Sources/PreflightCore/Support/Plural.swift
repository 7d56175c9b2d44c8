/// Counted nouns in what the reports say: `1 user`, `2 users`, never `1 user(s)` (issue #18 §3).
package enum Plural {
    /// `n` and the noun: `singular` for 1, else `plural` (the singular and an "s" by default).
    package static func count(_ n: Int, _ singular: String, _ plural: String? = nil) -> String {
        "\(n) \(word(n, singular, plural))"
    }

    /// The noun alone, for a count written elsewhere in the sentence.
    package static func word(_ n: Int, _ singular: String, _ plural: String? = nil) -> String {
        n == 1 ? singular : plural ?? singular + "s"
    }

    /// The verb agreeing with `n` subjects: `is`/`are`, `was`/`were`, `has`/`have`.
    package static func verb(_ n: Int, _ singular: String, _ plural: String) -> String { n == 1 ? singular : plural }
}
