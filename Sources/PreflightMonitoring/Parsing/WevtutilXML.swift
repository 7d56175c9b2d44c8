import Foundation
import PreflightCore

#if canImport(FoundationXML)
    import FoundationXML
#endif

/// `wevtutil qe Application /f:xml` output: a sequence of `<Event xmlns='http://schemas.microsoft.com/win/2004/08/events/event'>`
/// elements without a root (unless `/e:root` was given), one per line, UTC `SystemTime`s. A classic source such as
/// PasswordResetService puts its whole message into one unnamed `<Data>`; `/f:RenderedXml` adds
/// `<RenderingInfo><Message>`, which wins when present.
package enum WevtutilXML {
    static func parse(_ text: String, file: String) throws -> (events: [EventRecord], malformed: [MalformedRow], machines: [String]) {
        let collector = EventCollector(file: file)
        // wevtutil writes no root element (unless /e:root was given): one is added around the events.
        if let stop = XMLInput.parse(text, into: collector, root: "preflight-events") {
            let remedy = "Export it again with wevtutil qe Application /f:xml (see docs/collecting-exports.md) and copy the file unchanged."
            let sentence =
                switch stop.reason {
                case .unsafe(let what): "The wevtutil export has \(what) \(stop.position), which wevtutil never writes. \(remedy)"
                case .limit(let problem):
                    "The wevtutil export, \(stop.position), \(problem). wevtutil writes nothing like it, so the file is not its export or is "
                        + "damaged. \(remedy)"
                case .malformed(let problem): "The wevtutil export is not well-formed XML \(stop.position) (\(problem)). \(remedy)"
                }
            throw stop.error(in: file, sentence)
        }
        return (collector.events, collector.malformed, collector.machines.sorted())
    }

    static func levelName(_ value: String?) -> String? {
        switch value?.trimmingCharacters(in: .whitespaces) {
        case "1": "Critical"
        case "2": "Error"
        case "3": "Warning"
        case "0", "4": "Information"
        case "5": "Verbose"
        default: value
        }
    }

    final class EventCollector: BaseCollector {
        let file: String
        var events: [EventRecord] = []
        var malformed: [MalformedRow] = []
        /// Every `<Computer>` named.
        var machines: Set<String> = []
        private var line = 0
        private var eventCount = 0
        private var inEvent = false
        private var provider: String?
        private var systemTime: String?
        private var fields: [String: String] = [:]
        private var data: [String] = []
        private var rendered: String?
        private var capture: String?
        private var text = ""

        init(file: String) { self.file = file }

        override func start(_ parser: XMLParser, _ elementName: String, _ attributes: [String: String]) {
            let name = elementName.split(separator: ":").last.map(String.init) ?? elementName
            switch name {
            case "Event":
                eventCount += 1
                guard eventCount <= InputLimits.logRecords else {
                    stop(
                        parser,
                        "holds more than \(InputLimits.grouped(InputLimits.logRecords)) events, the most preflight reads in one export "
                            + "(a default-sized Application log holds about 40,000)")
                    return
                }
                inEvent = true
                line = parser.lineNumber
                provider = nil
                systemTime = nil
                fields = [:]
                data = []
                rendered = nil
            case "Provider" where inEvent:
                provider = attributes["Name"] ?? attributes["EventSourceName"]
            case "TimeCreated" where inEvent:
                systemTime = attributes["SystemTime"]
            case "EventID", "Level", "Data", "Message", "Computer":
                guard inEvent else { break }
                capture = name
                text = ""
            default: break
            }
        }

        override func characters(_ string: String) {
            if let capture { keep(string, in: &text, element: capture) }
        }

        override func end(_ elementName: String) {
            let name = elementName.split(separator: ":").last.map(String.init) ?? elementName
            if name == capture {
                switch name {
                case "Data": data.append(text)
                case "Message": rendered = text
                case "Computer":
                    let machine = text.trimmingCharacters(in: .whitespacesAndNewlines)
                    if !machine.isEmpty { machines.insert(machine) }
                default: fields[name] = text
                }
                capture = nil
            }
            guard name == "Event", inEvent else { return }
            inEvent = false
            guard let idText = fields["EventID"]?.trimmingCharacters(in: .whitespacesAndNewlines), let id = Int(idText) else {
                malformed.append(MalformedRow(file: file, line: line, problem: "<Event> without a numeric <EventID>"))
                return
            }
            guard let systemTime, let time = WindowsDates.iso(systemTime) else {
                malformed.append(
                    MalformedRow(file: file, line: line, problem: "<TimeCreated SystemTime='\(InputLimits.quote(systemTime ?? ""))'> is not an ISO 8601 time"))
                return
            }
            let message = rendered ?? data.joined(separator: "\n")
            events.append(
                EventRecord(
                    id: id, provider: provider ?? "", level: levelName(fields["Level"]), time: time, message: message, file: file,
                    line: line))
        }
    }
}
