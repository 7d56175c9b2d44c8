import Foundation
import Testing

@testable import PreflightConnect
@testable import PreflightCore
@testable import PreflightDirectory
@testable import PreflightEngine
@testable import PreflightInventory
@testable import PreflightKit
@testable import PreflightMonitoring
@testable import PreflightNetwork
@testable import PreflightReporting

/// The UTF-8 check every UTF-8 XML export passes before Foundation's XMLParser sees it (issue #14).
@Suite("UTF-8 validator")
struct UTF8ValidatorTests {
    @Test func theValidatorFindsTheFirstBadSequenceAcrossChunks() {
        var validator = UTF8Validator()
        #expect(validator.feed(Data("abc\né".utf8)) == nil)
        // A three-byte sequence split across two chunks is fine…
        #expect(validator.feed(Data([0xE2, 0x82])) == nil)
        #expect(validator.feed(Data([0xAC, 0x0A])) == nil)
        // …an overlong one is not, and the position is where it began.
        #expect(validator.feed(Data([0x41, 0xE0, 0x9A, 0x6D]))! == (line: 3, column: 2, offset: 11))
        var truncated = UTF8Validator()
        #expect(truncated.feed(Data([0x41, 0xF0, 0x90])) == nil)
        #expect(truncated.finish()! == (line: 1, column: 2, offset: 1))
        for bad: [UInt8] in [[0xC0, 0x80], [0xED, 0xA0, 0x80], [0xF4, 0x90, 0x80, 0x80], [0xFF], [0x80]] {
            var v = UTF8Validator()
            #expect(v.feed(Data(bad)) != nil, "\(bad)")
        }
        for good: [UInt8] in [[0xF4, 0x8F, 0xBF, 0xBF], [0xED, 0x9F, 0xBF], [0xC2, 0x80], [0xEF, 0xBB, 0xBF]] {
            var v = UTF8Validator()
            #expect(v.feed(Data(good)) == nil && v.finish() == nil, "\(good)")
        }
    }

}
