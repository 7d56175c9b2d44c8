import PreflightCore

/// The HTML report's two charts as inline SVG (no script, no library): checks by area and status, and the in-scope
/// users ready, blocked by each cause, or unknown. Colours come from the stylesheet's classes, so dark mode and print
/// restyle them.
enum HTMLCharts {
    static let statuses: [CheckStatus] = [.fail, .error, .warn, .pass, .waived, .skip]

    /// One stacked bar per area, its segments the checks of each status.
    static func areas(_ areas: [AreaStatus]) -> String {
        let width = 360.0, rowHeight = 26.0, label = 130.0
        let most = Double(max(1, areas.map { $0.counts.values.reduce(0, +) }.max() ?? 1))
        var shapes: [String] = []
        for (index, area) in areas.enumerated() {
            let y = Double(index) * rowHeight
            shapes.append("<text x=\"0\" y=\"\(y + 17)\" class=\"label\">\(HTMLReporter.escape(area.name))</text>")
            var x = label
            for status in statuses {
                guard let n = area.counts[status], n > 0 else { continue }
                let w = (width - label) * Double(n) / most
                shapes.append(
                    "<rect x=\"\(format(x))\" y=\"\(y + 4)\" width=\"\(format(w))\" height=\"18\" class=\"seg \(status.rawValue)\"><title>\(HTMLReporter.escape(area.name)): \(n) \(status.rawValue)</title></rect>")
                x += w
            }
        }
        let height = max(rowHeight, Double(areas.count) * rowHeight)
        return "<svg id=\"chart-areas\" role=\"img\" aria-label=\"Checks by area and status\" viewBox=\"0 0 \(format(width)) \(format(height))\" width=\"\(format(width))\" height=\"\(format(height))\">"
            + shapes.joined() + "</svg>"
    }

    /// Ready, blocked (one bar per cause), blocked by the environment, unknown.
    static func users(_ r: Readiness) -> String {
        var bars: [(String, Int, String)] = [("Ready", r.ready, "pass")]
        bars += r.causes.map { ($0.label, $0.users, "fail") }
        if r.blockedByEnvironment > 0 { bars.append(("Blocked by the environment only", r.blockedByEnvironment, "error")) }
        if r.unknown > 0 { bars.append(("Unknown", r.unknown, "skip")) }
        let width = 360.0, rowHeight = 26.0, label = 200.0
        let most = Double(max(1, bars.map(\.1).max() ?? 1))
        var shapes: [String] = []
        for (index, bar) in bars.enumerated() {
            let y = Double(index) * rowHeight
            let w = max(1, (width - label - 40) * Double(bar.1) / most)
            let name = bar.0.count > 30 ? String(bar.0.prefix(29)) + "…" : bar.0
            shapes.append("<text x=\"0\" y=\"\(y + 17)\" class=\"label\">\(HTMLReporter.escape(name))<title>\(HTMLReporter.escape(bar.0))</title></text>")
            shapes.append("<rect x=\"\(format(label))\" y=\"\(y + 4)\" width=\"\(format(w))\" height=\"18\" class=\"seg \(bar.2)\"></rect>")
            shapes.append("<text x=\"\(format(label + w + 4))\" y=\"\(y + 17)\" class=\"value\">\(bar.1)</text>")
        }
        let height = Double(bars.count) * rowHeight
        return "<svg id=\"chart-users\" role=\"img\" aria-label=\"In-scope users: ready, blocked by cause, unknown\" viewBox=\"0 0 \(format(width)) \(format(height))\" width=\"\(format(width))\" height=\"\(format(height))\">"
            + shapes.joined() + "</svg>"
    }

    /// A coordinate with at most one decimal, the same on every platform.
    static func format(_ value: Double) -> String {
        let tenths = Int((value * 10).rounded())
        return tenths % 10 == 0 ? "\(tenths / 10)" : "\(tenths / 10).\(abs(tenths % 10))"
    }
}
