import Foundation

#if canImport(FoundationXML)
    import FoundationXML
#endif

/// Records the first parse error's position (the parser's position at the end is less useful).
///
/// The delegate methods live here and forward to overridable methods: on Linux the protocol's methods are
/// not `@objc optional`, so a subclass's own `parser(_:didStartElement:...)` would never be called.
///
/// It also holds every file to `InputLimits`: elements nested deeper than `xmlDepth`, or kept text longer than
/// `xmlTextBytes` (collectors add text through `keep`), stop the parse at once and are reported as `limitExceeded`.
open class BaseCollector: NSObject, XMLParserDelegate {
    override package init() { super.init() }

    /// libxml2's error numbers for the faults a hand-edited or truncated export shows.
    package static func describe(_ code: Int) -> String {
        switch code {
        case 4: return "the document is empty"
        case 5: return "extra content after the document's root element"
        case 9: return "an invalid character"
        case 73: return "a '>' is missing"
        case 76: return "a closing tag does not match the element that is open"
        case 77: return "the document ends inside an element, so the file is probably truncated"
        case 89: return "an entity refers to itself or expands too far"
        default: return "XML parser error \(code)"
        }
    }

    package var firstError: (line: Int, column: Int, code: Int)?
    /// The limit a file went past, where, and what it was: "nests elements deeper than 256 levels".
    package var limitExceeded: (line: Int, column: Int, problem: String)?
    package private(set) var depth = 0
    /// Whether the document had any element (an empty file parses without an error).
    package private(set) var sawElement = false
    private weak var parser: XMLParser?

    open func start(_ parser: XMLParser, _ elementName: String, _ attributes: [String: String]) {}
    open func characters(_ string: String) {}
    open func end(_ elementName: String) {}

    public func parser(
        _ parser: XMLParser, didStartElement elementName: String, namespaceURI: String?, qualifiedName: String?,
        attributes: [String: String] = [:]
    ) {
        guard limitExceeded == nil else { return }
        sawElement = true
        depth += 1
        guard depth <= InputLimits.xmlDepth else {
            stop(parser, "nests elements deeper than \(InputLimits.xmlDepth) levels, the most preflight reads (real exports nest about 12)")
            return
        }
        self.parser = parser
        start(parser, elementName, attributes)
    }

    public func parser(_ parser: XMLParser, foundCharacters string: String) {
        guard limitExceeded == nil else { return }
        self.parser = parser
        characters(string)
    }

    public func parser(_ parser: XMLParser, didEndElement elementName: String, namespaceURI: String?, qualifiedName: String?) {
        // libxml2 recovers from some errors (the first one is kept in `firstError`): never end more than was started.
        guard limitExceeded == nil, depth > 0 else { return }
        depth -= 1
        end(elementName)
    }

    /// Keeps the first error and stops the parse there: the file is refused with that error anyway. FoundationXML on Linux
    /// runs libxml2 in recovery mode, which goes on reporting one error per bad character or reference, and leaks each
    /// report: a 4 MiB file of control characters cost 4,194,304 reports, 12 s and about 380 MB (debug build), and fuzzing
    /// inputs of that kind grew the harness by about 26 MB each (issue #14).
    public func parser(_ parser: XMLParser, parseErrorOccurred parseError: any Error) {
        guard firstError == nil, limitExceeded == nil else { return }
        firstError = (parser.lineNumber, parser.columnNumber, (parseError as NSError).code)
        parser.abortParsing()
    }

    /// Appends `string` to `text` unless that makes it longer than `InputLimits.xmlTextBytes`, which stops the parse.
    package func keep(_ string: String, in text: inout String, element: String) {
        guard text.utf8.count + string.utf8.count <= InputLimits.xmlTextBytes else {
            let beginning = InputLimits.quote(text.isEmpty ? string : text)
            text = ""
            if let parser {
                stop(
                    parser,
                    "has a <\(InputLimits.quote(element))> element whose text is longer than \(InputLimits.size(InputLimits.xmlTextBytes)), "
                        + "the most preflight reads of one value; it begins '\(beginning)'")
            }
            return
        }
        text += string
    }

    /// Stops the parse for a limit passed: `problem` completes "The … file, at line L, column C, …".
    package func stop(_ parser: XMLParser, _ problem: String) {
        limitExceeded = (parser.lineNumber, parser.columnNumber, problem)
        parser.abortParsing()
    }
}
