import Testing

@testable import PreflightCore
@testable import PreflightInventory

/// UPNs are hashed and compared eight bytes at a time: the same answers as the byte-at-a-time definition.
@Suite("Inventory UPN keys")
struct UPNKeyTests {
    @Test func everyByteValueIsLoweredAsOneByteIs() {
        for value in 0...255 {
            let byte = UInt8(value)
            for position in 0..<8 {
                // The byte among others that must not change it (or be changed): 'Z', '@', 0xC3 around it.
                var bytes: [UInt8] = [0x5A, 0x40, 0xC3, 0x5B, 0x60, 0x7B, 0x41, 0x80]
                bytes[position] = byte
                let word = bytes.withUnsafeBytes { $0.loadUnaligned(as: UInt64.self) }
                let lowered = withUnsafeBytes(of: UPNKey.lowered(word)) { Array($0) }
                #expect(lowered == bytes.map(FieldValue.lowercase), "byte \(value) at \(position)")
            }
        }
    }

    @Test func caseVariantsAreOneKeyAndOthersAreNot() {
        func key(_ text: String) -> (UInt64, [UInt8]) {
            let bytes = Array(text.utf8)
            return (bytes.withUnsafeBufferPointer { UPNKey.hash($0) }, bytes)
        }
        func equal(_ a: String, _ b: String) -> Bool {
            Array(a.utf8).withUnsafeBufferPointer { x in Array(b.utf8).withUnsafeBufferPointer { UPNKey.equal(x, $0) } }
        }
        for length in 0...40 {
            let upn = String((0..<length).map { "aBcDeFgHiJ.@Zz9"[$0 % 15] })
            #expect(key(upn).0 == key(upn.uppercased()).0 && key(upn).0 == key(upn.lowercased()).0)
            #expect(equal(upn, upn.uppercased()) && equal(upn.lowercased(), upn))
            if length > 0 {
                // One byte changed anywhere (in the words or the tail), or one more byte: another key.
                for index in 0..<length {
                    var changed = Array(upn.utf8)
                    changed[index] = changed[index] == UInt8(ascii: "x") ? UInt8(ascii: "y") : UInt8(ascii: "x")
                    let other = String(decoding: changed, as: UTF8.self)
                    #expect(!equal(upn, other), "\(upn) / \(other)")
                    #expect(key(upn).0 != key(other).0)
                }
                #expect(!equal(upn, upn + "a") && key(upn).0 != key(upn + "a").0)
            }
        }
        // Only ASCII letters fold: 'É' (C3 89) and 'é' (C3 A9) stay apart, as in Entra ID's ASCII matching here.
        #expect(!equal("É@contoso.com", "é@contoso.com"))
    }
}

/// Lookups that try the last user found and the next one first find what a hash probe finds, in any order.
@Suite("Inventory user lookups")
struct UserLookupTests {
    @Test func aHintNeverChangesTheAnswer() {
        var table = UserTable()
        let upns = (0..<200).map { "user\($0)@contoso.com" }
        for upn in upns {
            var bytes = Array(upn.utf8)
            _ = bytes.withUnsafeMutableBufferPointer { table.add(upn: UnsafeBufferPointer($0), id: nil, flags: []) }
        }
        // In order, repeated, reversed, shuffled, in another case, and names that are not users.
        var generator = SystemRandomNumberGenerator()
        let order = upns + upns.map { $0 } + upns.reversed() + upns.shuffled(using: &generator) + upns.map { $0.uppercased() }
            + ["ghost@contoso.com", "user1@contoso.co", "user20@contoso.comm", ""]
        var hint = 0
        for upn in order {
            var bytes = Array(upn.utf8)
            bytes.withUnsafeMutableBufferPointer { buffer in
                let field = UnsafeBufferPointer(buffer)
                let expected = table.find(upn: field)
                #expect(table.find(upn: field, hint: &hint) == expected, "\(upn)")
                if let expected { #expect(table.upn(expected).lowercased() == upn.lowercased()) }
            }
        }
    }
}

extension String {
    fileprivate subscript(_ index: Int) -> Character { self[self.index(startIndex, offsetBy: index)] }
}
