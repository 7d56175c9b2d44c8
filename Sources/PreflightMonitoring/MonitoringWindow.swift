import Foundation
import PreflightCore

/// The stretch of time a MON check judges: `monitoring.windowHours` ending at the newest entry of the input,
/// never at the machine's clock, so an old export is judged on its own terms (the report says how old it is).
struct MonitoringWindow: Sendable {
    var start: Date
    var end: Date
    var hours: Double

    init(endingAt end: Date, hours: Double) {
        self.end = end
        self.hours = hours
        start = end.addingTimeInterval(-hours * 3600)
    }

    func contains(_ date: Date) -> Bool { date >= start && date <= end }

    /// "the 24 h from 2026-11-25 09:14:03 to 2026-11-26 09:14:03 (local server time)"
    func describe(clock: String) -> String {
        "the \(MonitoringFormat.hours(hours)) from \(MonitoringFormat.time(start)) to \(MonitoringFormat.time(end)) (\(clock))"
    }
}

enum MonitoringFormat {
    private static let formatter = UTC.formatter("yyyy-MM-dd HH:mm:ss")
    private static let lock = NSLock()

    /// Dates as the file wrote them (local times were read without an offset, so no zone is added here).
    static func time(_ date: Date) -> String {
        lock.lock()
        defer { lock.unlock() }
        return formatter.string(from: date)
    }

    static func hours(_ hours: Double) -> String {
        hours == hours.rounded() ? "\(Int(hours)) h" : String(format: "%.2f h", hours)
    }

    /// "3.2 days" / "5 h" / "40 min", for ages and gaps.
    static func duration(_ seconds: TimeInterval) -> String {
        let value = abs(seconds)
        if value >= 2 * 86_400 { return String(format: "%.1f days", value / 86_400) }
        if value >= 3_600 { return String(format: "%.1f h", value / 3_600) }
        return "\(Int((value / 60).rounded())) min"
    }

    /// How old the export is, against this run's clock: reported, never judged. Local times make it approximate.
    static func age(newest: Date, readAt: Date, local: Bool) -> String {
        let seconds = readAt.timeIntervalSince(newest)
        let approx = local ? " (approximately: the file's times are local server time)" : ""
        if seconds < -3_600 { return "ends \(duration(seconds)) in the future of this run's clock\(approx)" }
        return "ends \(duration(seconds)) before this run\(approx)"
    }
}
