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
    static let wrapper = "<preflight-events>"

    static func parse(_ text: String, file: String) throws -> (events: [EventRecord], malformed: [MalformedRow], machines: [String]) {
        // Blank out an XML declaration (keeping lengths, so lines and columns stay true) and add a root element.
        let body = XMLInput.blankingDeclaration(text)
        // Refuse what crashes Foundation's XMLParser (see XMLInput; found by fuzzing, issue #14).
        if let bad = XMLInput.firstUnsafeConstruct(in: body) {
            throw ProbeError(
                "\(file):\(bad.line):\(bad.column): The wevtutil export has \(bad.what) at line \(bad.line), column \(bad.column), "
                    + "which wevtutil never writes. Export it again with wevtutil qe Application /f:xml (see docs/collecting-exports.md) and copy "
                    + "the file unchanged.",
                at: InputLocation(file: file, line: bad.line, column: bad.column))
        }
        let collector = EventCollector(file: file)
        // Streamed in chunks, as the Connect files are: libxml2 given a whole file of more than about 10 MB in one
        // chunk fails with an internal error (a 40,000-event export did).
        let parser = XMLParser(stream: InputStream(data: Data((wrapper + body + "</preflight-events>").utf8)))
        parser.shouldProcessNamespaces = false
        parser.shouldResolveExternalEntities = false
        parser.delegate = collector
        let ok = parser.parse()
        if let limit = collector.limitExceeded {
            let (line, column) = (limit.line, limit.line == 1 ? max(1, limit.column - wrapper.count) : limit.column)
            throw ProbeError(
                "\(file):\(line):\(column): The wevtutil export, at line \(line), column \(column), \(limit.problem). wevtutil writes "
                    + "nothing like it, so the file is not its export or is damaged. Export it again with wevtutil qe Application "
                    + "/f:xml (see docs/collecting-exports.md) and copy the file unchanged.",
                at: InputLocation(file: file, line: line, column: column))
        }
        if !ok || collector.firstError != nil {
            var (line, column, code) = collector.firstError ?? (parser.lineNumber, parser.columnNumber, 0)
            if line == 1 { column = max(1, column - wrapper.count) }
            throw ProbeError(
                "\(file):\(line):\(column): The wevtutil export is not well-formed XML at line \(line), column \(column) "
                    + "(\(BaseCollector.describe(code))). Export it again with wevtutil qe Application /f:xml "
                    + "(see docs/collecting-exports.md) and copy the file unchanged.",
                at: InputLocation(file: file, line: line, column: column))
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
