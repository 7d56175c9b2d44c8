import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The most preflight reads of any input, so that no file, however made, can exhaust the machine's memory or time.
///
/// Each limit is far above anything a real export reaches (the figures in comments say what real ones hold) and far
/// below what would hurt: together they keep a run under a few hundred MB on any input. A file over a limit is an
/// error (a check `error`, or a configuration error) that names the limit, the file and the position, and quotes at
/// most `quoteLength` characters of what it found. The README's "Limits on input" lists them.
package enum InputLimits {
    /// One CSV field. The longest real ones are a user's `proxyAddresses` or a licence's `ServicePlans` (a few kB).
    package static let csvFieldBytes = 1 << 20
    /// One CSV record (all its fields). A real row is a few kB; an event message a few tens of kB.
    static let csvRecordBytes = 4 << 20
    /// Columns of a CSV file. `Get-MgUser -Property *` exports about 150; Get-WinEvent about 25.
    package static let csvColumns = 1_000
    /// The CSV header line. 150 column names take about 3 kB.
    static let csvHeaderBytes = 64 << 10
    /// Records (events, audit entries) of one event- or audit-log export, which is read whole: a default-sized
    /// Application log holds about 40,000 events, two days of one a few thousand, a week of SSPR audit entries of a
    /// large tenant a few tens of thousands.
    package static let logRecords = 100_000
    /// Fields of one event- or audit-log CSV export (Get-WinEvent writes about 25 a record).
    package static let logFields = 2_500_000
    /// Elements nested in one XML file. Connect exports nest about 12 deep, wevtutil's events 4.
    static let xmlDepth = 256
    /// The text of one XML element that a reader keeps (a connector's name, an event's message).
    static let xmlTextBytes = 1 << 20
    /// Arrays and objects nested in one JSON file. Graph pages and Connect's settings nest under 10 deep.
    static let jsonDepth = 256
    /// Collections nested in one YAML file (configuration, checks, waivers nest under 6 deep).
    package static let yamlDepth = 256
    /// Nodes of one YAML file once its aliases are expanded: a configuration or a catalog has a few hundred.
    package static let yamlNodes = 100_000
    /// Values (objects, arrays, strings, numbers; keys count) in one JSON file: a Graph page of 1,000 audit entries
    /// holds about 70,000. Foundation's JSONSerialization takes up to 650 bytes a value (measured), so this bounds
    /// its memory to about 160 MB.
    static let jsonValues = 250_000
    /// One JSON file (Connect's settings, a saved Graph page or the portal's JSON download): a Graph page takes
    /// about 3 MB. Parsed, its strings are held about four times over.
    static let jsonFileBytes = 16 << 20
    /// An Application-log or audit-log export, read whole (two days of either are a few MB).
    package static let monitoringFileBytes = 32 << 20
    /// Connect's JSON settings and saved PowerShell outputs, read whole (a few kB; the settings file up to a few MB).
    static let settingsFileBytes = 16 << 20
    /// A configuration, check or waiver file, read whole (a few kB).
    package static let yamlFileBytes = 4 << 20
    /// `ldap.passwordFile`: one password.
    package static let passwordFileBytes = 64 << 10
    /// `ldap.caFile`: a PEM bundle (the system's holds about 150 certificates in 200 kB).
    package static let certificateFileBytes = 16 << 20
    /// One XML file of the Connect export, streamed (the AD connector's, the largest, is about 2 MB).
    package static let connectXMLFileBytes = 64 << 20
    /// The most characters of an offending value a message quotes.
    static let quoteLength = 80

    /// `bytes` as people read sizes: `1 MiB`, `64 KiB`, `4,096 bytes`.
    package static func size(_ bytes: Int) -> String {
        if bytes >= 1 << 20, bytes % (1 << 20) == 0 { return "\(bytes >> 20) MiB" }
        if bytes >= 1 << 10, bytes % (1 << 10) == 0 { return "\(bytes >> 10) KiB" }
        return "\(grouped(bytes)) bytes"
    }

    /// 1000000 → `1,000,000`.
    package static func grouped(_ number: Int) -> String {
        let digits = String(number.magnitude)
        var result = ""
        for (index, character) in digits.enumerated() {
            if index > 0, (digits.count - index) % 3 == 0 { result.append(",") }
            result.append(character)
        }
        return number < 0 ? "-" + result : result
    }

    /// At most `quoteLength` characters of `text`, with `…` when cut, and line breaks shown as `⏎` so a quote stays
    /// on one line.
    package static func quote(_ text: some StringProtocol) -> String {
        var shown = ""
        var count = 0
        for character in text {
            if count == quoteLength {
                shown.append("…")
                break
            }
            shown.append(character == "\n" || character == "\r\n" || character == "\r" ? "⏎" : character)
            count += 1
        }
        return shown
    }

    /// The first `quoteLength` characters of UTF-8 bytes (a cut character becomes U+FFFD), quoted as `quote` does.
    package static func quote(utf8 bytes: UnsafeBufferPointer<UInt8>) -> String {
        // Four bytes per character at most: never decodes more than needed, however long the field.
        let prefix = UnsafeBufferPointer(rebasing: bytes[0..<min(bytes.count, quoteLength * 4 + 4)])
        return quote(String(decoding: prefix, as: UTF8.self))
    }

    /// The size of the file at `path`, or nil when it cannot be told (the reader then reports the real problem).
    package static func fileSize(_ path: String) -> Int? {
        var info = stat()
        guard stat(path, &info) == 0 else { return nil }
        return Int(info.st_size)
    }

    /// The sentence for a file over `limit`, completing "'path' (named by 'key') …".
    package static func tooLarge(
        _ size: Int, limit: Int, what: String,
        advice: String = "no real export is that large, so the file is not the export it should be (or several were joined). "
            + "Name the export itself."
    ) -> String {
        "is \(sizeInWords(size)), more than the \(Self.size(limit)) preflight reads of \(what); " + advice
    }

    static func sizeInWords(_ bytes: Int) -> String {
        bytes >= 1 << 20 ? String(format: "%.1f MiB", Double(bytes) / Double(1 << 20)) : "\(grouped(bytes)) bytes"
    }
}
