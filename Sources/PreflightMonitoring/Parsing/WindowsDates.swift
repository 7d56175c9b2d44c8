import Foundation
import PreflightCore

/// Dates as Windows tools write them, and which layout one file uses.
///
/// `Export-Csv` and Event Viewer write the machine's culture and local time without an offset
/// (`5/31/2026 4:36:21 PM` en-US, `31/05/2026 16:36:21` en-GB, `31.05.2026 16:36:21` de-DE,
/// `2026/05/31 16:36:21` ja-JP, `05/31/2026 16:36:21` invariant); wevtutil and Graph write ISO 8601 UTC.
/// A file uses one layout, so the layout is decided once per file from all its values: a day above 12
/// settles day/month order; otherwise the order that keeps the rows sorted (exports are newest or oldest
/// first) wins; otherwise month/day is assumed and the report says so.
struct DateLayout: Sendable, Hashable {
    enum Order: String, Sendable { case iso, yearFirst, dayFirst, monthFirst }
    var order: Order
    /// A human description for the report, e.g. "M/d/yyyy h:mm:ss tt (month first)".
    var description: String
    /// Why this order was chosen when the values alone did not settle it.
    var assumption: String?
}

enum WindowsDates {
    /// One date string taken apart: three date numbers in written order, the time, and what qualifies it.
    struct Pieces {
        var numbers: (Int, Int, Int)
        var separator: Character
        var hour: Int, minute: Int, second: Int
        var fraction: Double = 0
        var meridiem: Character?  // "a" or "p"
        var offsetSeconds: Int?  // ISO with Z or ±hh:mm
        var isISO = false
    }

    /// Splits a date string, or nil when it is no date layout this tool knows.
    static func pieces(_ raw: String) -> Pieces? {
        let text = raw.trimmingCharacters(in: .whitespaces)
        if let iso = isoPieces(text) { return iso }
        var groups: [Substring] = []
        var separators: [Character] = []
        var index = text.startIndex
        while index < text.endIndex {
            if text[index].isASCII, text[index].isNumber {
                let start = index
                while index < text.endIndex, text[index].isASCII, text[index].isNumber { index = text.index(after: index) }
                groups.append(text[start..<index])
            } else {
                if groups.count >= 1, groups.count <= 2, separators.count < groups.count { separators.append(text[index]) }
                index = text.index(after: index)
            }
        }
        guard groups.count == 6, separators.count == 2, separators[0] == separators[1],
            "/.-".contains(separators[0])
        else { return nil }
        let numbers = groups.compactMap { Int($0) }
        guard numbers.count == 6, groups[0].count == 4 || groups[2].count == 4 else { return nil }
        let lower = text.lowercased().replacingOccurrences(of: ".", with: "")
        var meridiem: Character?
        if lower.hasSuffix("am") { meridiem = "a" } else if lower.hasSuffix("pm") { meridiem = "p" }
        return Pieces(
            numbers: (numbers[0], numbers[1], numbers[2]), separator: separators[0], hour: numbers[3], minute: numbers[4],
            second: numbers[5], meridiem: meridiem)
    }

    /// `2026-05-31T16:36:21.1234567Z`, `…+02:00`, or without a zone; also with a space for the `T`.
    static func isoPieces(_ text: String) -> Pieces? {
        let chars = Array(text)
        guard chars.count >= 19, chars[4] == "-", chars[7] == "-", chars[10] == "T" || chars[10] == " ",
            chars[13] == ":", chars[16] == ":"
        else { return nil }
        func number(_ range: Range<Int>) -> Int? { Int(String(chars[range])) }
        guard let year = number(0..<4), let month = number(5..<7), let day = number(8..<10), let hour = number(11..<13),
            let minute = number(14..<16), let second = number(17..<19)
        else { return nil }
        var pieces = Pieces(numbers: (year, month, day), separator: "-", hour: hour, minute: minute, second: second)
        pieces.isISO = true
        var rest = chars[19...]
        if rest.first == "." || rest.first == "," {
            let digits = rest.dropFirst().prefix { $0.isNumber }
            guard !digits.isEmpty else { return nil }
            pieces.fraction = Double("0." + String(digits)) ?? 0
            rest = rest.dropFirst(1 + digits.count)
        }
        let zone = String(rest)
        if zone == "Z" || zone == "z" {
            pieces.offsetSeconds = 0
        } else if zone.count == 6 || zone.count == 5, let sign = zone.first, sign == "+" || sign == "-" {
            let digits = zone.dropFirst().filter(\.isNumber)
            guard digits.count == 4, let hours = Int(digits.prefix(2)), let minutes = Int(digits.suffix(2)) else { return nil }
            pieces.offsetSeconds = (sign == "-" ? -1 : 1) * (hours * 3600 + minutes * 60)
        } else if !zone.isEmpty {
            return nil
        }
        return pieces
    }

    /// The date, reading the pieces in `order`; nil when a number is out of range.
    static func date(_ p: Pieces, order: DateLayout.Order) -> Date? {
        let (a, b, c) = p.numbers
        let (year, month, day): (Int, Int, Int)
        switch order {
        case .iso, .yearFirst: (year, month, day) = (a, b, c)
        case .dayFirst: (year, month, day) = (c, b, a)
        case .monthFirst: (year, month, day) = (c, a, b)
        }
        var hour = p.hour
        if let meridiem = p.meridiem {
            guard (1...12).contains(hour) else { return nil }
            if meridiem == "p", hour != 12 { hour += 12 }
            if meridiem == "a", hour == 12 { hour = 0 }
        }
        guard (1...12).contains(month), (1...31).contains(day), (0...23).contains(hour), (0...59).contains(p.minute),
            (0...60).contains(p.second)
        else { return nil }
        let components = DateComponents(year: year, month: month, day: day, hour: hour, minute: p.minute, second: p.second)
        guard let base = UTC.calendar.date(from: components), UTC.calendar.component(.day, from: base) == day else { return nil }
        return base.addingTimeInterval(p.fraction - Double(p.offsetSeconds ?? 0))
    }

    /// Decides one file's layout from all its date strings (in file order). Nil when no order fits them all.
    static func layout(for values: [String]) -> DateLayout? {
        let parsed = values.compactMap(pieces)
        guard let first = parsed.first else { return nil }
        if first.isISO { return DateLayout(order: .iso, description: "ISO 8601 (yyyy-MM-ddTHH:mm:ss)", assumption: nil) }
        let clock = first.meridiem == nil ? "HH:mm:ss" : "h:mm:ss tt"
        let sep = String(first.separator)
        if parsed.contains(where: { String($0.numbers.0).count == 4 }) {
            return DateLayout(order: .yearFirst, description: "yyyy\(sep)MM\(sep)dd \(clock)", assumption: nil)
        }
        func fits(_ order: DateLayout.Order) -> Bool { parsed.allSatisfy { date($0, order: order) != nil } }
        let dayFirst = DateLayout(order: .dayFirst, description: "d\(sep)M\(sep)yyyy \(clock) (day first)", assumption: nil)
        let monthFirst = DateLayout(order: .monthFirst, description: "M\(sep)d\(sep)yyyy \(clock) (month first)", assumption: nil)
        // No culture writes month first with dots or dashes (de-DE 31.05.2026, nl-NL 31-5-2026).
        if first.separator != "/" { return fits(.dayFirst) ? dayFirst : nil }
        switch (fits(.dayFirst), fits(.monthFirst)) {
        case (true, false): return dayFirst
        case (false, true): return monthFirst
        case (false, false): return nil
        case (true, true):
            let sortedDay = isSorted(parsed.compactMap { date($0, order: .dayFirst) })
            let sortedMonth = isSorted(parsed.compactMap { date($0, order: .monthFirst) })
            if sortedDay, !sortedMonth {
                var layout = dayFirst
                layout.assumption = "day/month order read from the order of the rows (no day above 12)"
                return layout
            }
            var layout = monthFirst
            layout.assumption = sortedMonth && !sortedDay
                ? "month/day order read from the order of the rows (no day above 12)"
                : "no day above 12, so month/day (en-US, invariant culture) was assumed; if the Connect server uses a day/month "
                    + "locale, export with dates in ISO form (see docs/collecting-exports.md)"
            return layout
        }
    }

    static func isSorted(_ dates: [Date]) -> Bool {
        guard dates.count > 1 else { return true }
        let pairs = zip(dates, dates.dropFirst())
        return pairs.allSatisfy { $0 >= $1 } || pairs.allSatisfy { $0 <= $1 }
    }

    /// An ISO 8601 UTC date (Graph, wevtutil, the portal's "Date (UTC)"), or nil.
    static func iso(_ text: String) -> Date? {
        guard let pieces = isoPieces(text.trimmingCharacters(in: .whitespaces)) else { return nil }
        return date(pieces, order: .iso)
    }
}
