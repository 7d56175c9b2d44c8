import Foundation

#if canImport(FoundationXML)
    import FoundationXML
#endif

/// Prepares text for Foundation's XMLParser, which on Linux (swift-corelibs-foundation with libxml2) crashes on some
/// well-formed XML. Found by fuzzing (issue #14, `make fuzz`, harnesses ConnectXML and WevtutilXML):
///
/// - A processing instruction without data, `<?a?>`: libxml2 reports its data as NULL, and FoundationXML's callback
///   (`_NSXMLParserProcessingInstruction`) reads it as a C string: strlen(NULL), SIGSEGV. A document type declaration
///   can build one from character references in an entity (`<!ENTITY e "&#60;?a?&#62;">` … `&e;`).
/// - An encoding named by the XML declaration (`encoding="IBM037"`) makes libxml2 decode the rest itself, so bytes that
///   pass our UTF-8 check can still hold such an instruction.
///
/// So XMLParser gets text we decoded and checked, as UTF-8, with the declaration blanked out; what it must not see is
/// refused with its position. Neither an Entra Connect export nor wevtutil output holds any of these.
package enum XMLInput {
    /// Why and where `parse` stopped before the end of a document (1-based, in the text it was given).
    package struct Stop: Equatable, Sendable {
        package enum Reason: Equatable, Sendable {
            /// Something XMLParser must not get (`firstUnsafeConstruct`), as a phrase naming it; nothing was parsed.
            case unsafe(String)
            /// A limit of `InputLimits` passed (`BaseCollector.stop`): the rest of "The … file, at line L, column C, …".
            case limit(String)
            /// Not well-formed: libxml2's first error, in words (`BaseCollector.describe`).
            case malformed(String)
        }

        package var line: Int
        package var column: Int
        package var reason: Reason

        /// "at line L, column C", for the sentence that says what stopped there.
        package var position: String { "at line \(line), column \(column)" }

        /// The error refusing `file`: "file:line:column: " and `sentence`, with the position as its evidence.
        package func error(in file: String, _ sentence: String) -> ProbeError {
            ProbeError("\(file):\(line):\(column): \(sentence)", at: InputLocation(file: file, line: line, column: column))
        }
    }

    /// Reads `text` into `collector` as every XML input is read: the declaration blanked, what crashes XMLParser refused,
    /// no namespaces or external entities, streamed in chunks (libxml2 handed more than about 10 MB in one piece refuses
    /// it, "XML parser error 1"). `root` names an element to wrap text that has no root of its own (wevtutil output); the
    /// positions are still those of `text`. Nil: the document was read to its end.
    package static func parse(_ text: String, into collector: BaseCollector, root: String? = nil) -> Stop? {
        let body = blankingDeclaration(text)
        if let bad = firstUnsafeConstruct(in: body) { return Stop(line: bad.line, column: bad.column, reason: .unsafe(bad.what)) }
        let start = root.map { "<\($0)>" } ?? ""
        let parser = XMLParser(stream: InputStream(data: Data((root.map { start + body + "</\($0)>" } ?? body).utf8)))
        parser.shouldProcessNamespaces = false
        parser.shouldResolveExternalEntities = false
        parser.delegate = collector
        let ok = parser.parse()
        // The wrapping start tag stands before the text's first line.
        func stop(_ line: Int, _ column: Int, _ reason: Stop.Reason) -> Stop {
            Stop(line: line, column: root != nil && line == 1 ? max(1, column - start.count) : column, reason: reason)
        }
        if let limit = collector.limitExceeded { return stop(limit.line, limit.column, .limit(limit.problem)) }
        guard ok, collector.firstError == nil else {
            let error = collector.firstError ?? (parser.lineNumber, parser.columnNumber, (parser.parserError as NSError?)?.code ?? 0)
            return stop(error.line, error.column, .malformed(BaseCollector.describe(error.code)))
        }
        return nil
    }

    /// `text` with a leading XML declaration turned into spaces (line ends kept, so lines and columns stay true).
    package static func blankingDeclaration(_ text: String) -> String {
        var body = text
        if let range = body.range(of: #"^[\s\x{FEFF}]*<\?xml[^>]*\?>"#, options: .regularExpression) {
            body.replaceSubrange(range, with: String(body[range].map { $0.isNewline ? $0 : " " }))
        }
        return body
    }

    /// The first thing in `text` (after `blankingDeclaration`) that XMLParser must not get, as a phrase naming it, with
    /// its 1-based line and column; nil when there is none. `<?` inside a comment or CDATA section counts too.
    package static func firstUnsafeConstruct(in text: String) -> (line: Int, column: Int, what: String)? {
        let bytes = Array(text.utf8)
        func blank(_ byte: UInt8) -> Bool { byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D }
        func starts(_ literal: StaticString, at index: Int) -> Bool {
            let pattern = UnsafeBufferPointer(start: literal.utf8Start, count: literal.utf8CodeUnitCount)
            return index + pattern.count <= bytes.count && bytes[index..<index + pattern.count].elementsEqual(pattern)
        }
        func found(_ offset: Int, _ what: String) -> (line: Int, column: Int, what: String) {
            let (line, column) = TextDecoding.lineAndColumn(ofUTF8Offset: offset, in: text)
            return (line, column, what)
        }
        for index in bytes.indices {
            switch bytes[index] {
            case 0:
                // XML forbids U+0000; NULs in the first bytes would also make libxml2 take the UTF-8 for UTF-16.
                return found(index, "a NUL character")
            case UInt8(ascii: "<"):
                if starts("<!DOCTYPE", at: index) { return found(index, "a document type declaration (<!DOCTYPE …>)") }
                guard starts("<?", at: index) else { continue }
                // `<?target?>`: a target without whitespace after it, then `?>`. (`<?target ?>` has empty, non-NULL data.)
                var end = index + 2
                while end < bytes.count, !blank(bytes[end]), bytes[end] != UInt8(ascii: "?") { end += 1 }
                if starts("?>", at: end) { return found(index, "a processing instruction without data (<?…?>)") }
                if end == index + 5, starts("<?xml", at: index) {
                    return found(index, "an XML declaration that is not at the start of the file")
                }
            default:
                continue
            }
        }
        return nil
    }
}
