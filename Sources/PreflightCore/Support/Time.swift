import Foundation

/// The one place that writes and reads timestamps and turns durations into numbers, so every report, log line and
/// evidence value spells time the same way.
package enum RFC3339 {
    /// `2026-12-07T11:09:28Z`: UTC, whole seconds (RFC 3339 §5.6), as every report and evidence value writes it.
    package static func string(_ date: Date) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime]
        formatter.timeZone = .gmt
        return formatter.string(from: date)
    }

    /// Reads an RFC 3339 time with or without fractional seconds; nil when it is not one.
    package static func date(_ text: String) -> Date? {
        let formatter = ISO8601DateFormatter()
        for options: ISO8601DateFormatter.Options in [[.withInternetDateTime], [.withInternetDateTime, .withFractionalSeconds]] {
            formatter.formatOptions = options
            if let date = formatter.date(from: text) { return date }
        }
        return nil
    }
}

/// Dates in fixed layouts, in UTC: a Gregorian calendar, and formatters with the POSIX locale so that no user setting
/// changes what is read or written.
package enum UTC {
    package static let calendar: Calendar = {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = .gmt
        return calendar
    }()

    /// A formatter of `format` (`yyyy-MM-dd HH:mm:ss`), new for each caller: `DateFormatter` is not `Sendable`.
    package static func formatter(_ format: String) -> DateFormatter {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = .gmt
        formatter.dateFormat = format
        return formatter
    }
}

extension Duration {
    /// Whole milliseconds, rounded down (report `durationMs` fields, socket time limits).
    package var milliseconds: Int64 { components.seconds * 1000 + components.attoseconds / 1_000_000_000_000_000 }
    /// Whole microseconds, rounded down.
    package var microseconds: Int64 { components.seconds * 1_000_000 + components.attoseconds / 1_000_000_000_000 }
    /// Whole nanoseconds, rounded down.
    package var nanoseconds: Int64 {
        let (whole, overflow) = components.seconds.multipliedReportingOverflow(by: 1_000_000_000)
        return overflow ? (components.seconds < 0 ? .min : .max) : whole.addingReportingOverflow(components.attoseconds / 1_000_000_000).partialValue
    }
    /// Seconds as a fraction, for messages ("after 2.5 s").
    package var fractionalSeconds: Double { Double(components.seconds) + Double(components.attoseconds) / 1e18 }
}
