import Foundation
import PreflightCore

/// What was negotiated on a TLS-protected connection.
package struct TLSInfo: Sendable, Equatable {
    /// Protocol version as libldap (GnuTLS) names it, e.g. `TLS1.3`.
    package var version: String
    /// Cipher as libldap (GnuTLS) names it, e.g. `AES-256-GCM`.
    package var cipher: String
    /// The server's leaf certificate, if it could be read and parsed.
    var peerCertificate: CertificateSummary?
}

/// The human-relevant fields of an X.509 certificate, read from its DER encoding with a minimal DER walker.
package struct CertificateSummary: Sendable, Equatable, CustomStringConvertible {
    /// Subject as an RFC 4514 string, e.g. `CN=dc1.corp.example.com`.
    package var subject: String
    /// Issuer as an RFC 4514 string, e.g. `CN=Corp Issuing CA,DC=corp,DC=example,DC=com`.
    package var issuer: String
    package var notBefore: Date?
    package var notAfter: Date?
    /// Subject alternative names as `DNS:name`, `IP:address`, `email:...` or `URI:...`.
    var subjectAltNames: [String]
    /// Serial number in upper-case hex.
    var serialNumber: String

    package var description: String {
        var s = "subject '\(subject)', issuer '\(issuer)'"
        if let notAfter { s += ", valid until \(Self.format(notAfter))" }
        if !subjectAltNames.isEmpty { s += ", names \(subjectAltNames.joined(separator: ", "))" }
        return s
    }

    static func format(_ date: Date) -> String {
        RFC3339.string(date)
    }

    /// Parses a DER-encoded X.509 certificate. Returns `nil` if the bytes are not a well-formed certificate.
    package static func parse(der: [UInt8]) -> CertificateSummary? {
        do {
            var top = DERReader(der)
            var cert = try top.read(tag: 0x30).children()
            var tbs = try cert.read(tag: 0x30).children()
            if tbs.peekTag == 0xA0 { _ = try tbs.read() }  // [0] EXPLICIT version
            let serial = try tbs.read(tag: 0x02)
            _ = try tbs.read(tag: 0x30)  // signature AlgorithmIdentifier
            let issuer = try tbs.read(tag: 0x30)
            var validity = try tbs.read(tag: 0x30).children()
            let notBefore = try validity.read().time
            // (a malformed time yields nil rather than failing the whole parse)
            let notAfter = try validity.read().time
            let subject = try tbs.read(tag: 0x30)
            _ = try tbs.read(tag: 0x30)  // subjectPublicKeyInfo
            var sans: [String] = []
            while !tbs.isAtEnd {
                let item = try tbs.read()
                guard item.tag == 0xA3 else { continue }  // [1]/[2] unique IDs are skipped
                var wrapper = try item.children()
                var exts = try wrapper.read(tag: 0x30).children()
                while !exts.isAtEnd {
                    var ext = try exts.read(tag: 0x30).children()
                    let oid = try ext.read(tag: 0x06).oid
                    if ext.peekTag == 0x01 { _ = try ext.read() }  // critical BOOLEAN
                    let value = try ext.read(tag: 0x04)
                    if oid == "2.5.29.17" { sans = try subjectAltNames(value.content) }
                }
            }
            return CertificateSummary(
                subject: try rfc4514(subject), issuer: try rfc4514(issuer), notBefore: notBefore,
                notAfter: notAfter, subjectAltNames: sans,
                serialNumber: serial.content.map { String(format: "%02X", $0) }.joined())
        } catch {
            return nil
        }
    }

    // MARK: - Private

    private static func subjectAltNames(_ bytes: ArraySlice<UInt8>) throws -> [String] {
        var names: [String] = []
        var outer = DERReader(bytes)
        var seq = try outer.read(tag: 0x30).children()
        while !seq.isAtEnd {
            let gn = try seq.read()
            switch gn.tag {
            case 0x82: names.append("DNS:" + String(decoding: gn.content, as: UTF8.self))
            case 0x81: names.append("email:" + String(decoding: gn.content, as: UTF8.self))
            case 0x86: names.append("URI:" + String(decoding: gn.content, as: UTF8.self))
            case 0x87: names.append("IP:" + ipString(Array(gn.content)))
            default: continue
            }
        }
        return names
    }

    static func ipString(_ b: [UInt8]) -> String {
        if b.count == 4 { return b.map(String.init).joined(separator: ".") }
        if b.count == 16 {
            var words: [String] = []
            for i in stride(from: 0, to: 16, by: 2) { words.append(String(UInt16(b[i]) << 8 | UInt16(b[i + 1]), radix: 16)) }
            return words.joined(separator: ":")
        }
        return b.map { String(format: "%02x", $0) }.joined()
    }

    private static let shortNames: [String: String] = [
        "2.5.4.3": "CN", "2.5.4.6": "C", "2.5.4.7": "L", "2.5.4.8": "ST", "2.5.4.9": "STREET",
        "2.5.4.10": "O", "2.5.4.11": "OU", "0.9.2342.19200300.100.1.25": "DC",
        "0.9.2342.19200300.100.1.1": "UID",
    ]

    /// RFC 4514: RDNs in reverse order, comma-separated; multi-valued RDNs joined with `+`.
    private static func rfc4514(_ name: DERElement) throws -> String {
        var rdns: [String] = []
        var seq = try name.children()
        while !seq.isAtEnd {
            var set = try seq.read(tag: 0x31).children()
            var parts: [String] = []
            while !set.isAtEnd {
                var atv = try set.read(tag: 0x30).children()
                let oid = try atv.read(tag: 0x06).oid
                let value = try atv.read()
                if let type = shortNames[oid], let text = value.directoryString {
                    parts.append(type + "=" + escape(text))
                } else {
                    parts.append(oid + "=#" + value.raw.map { String(format: "%02X", $0) }.joined())
                }
            }
            rdns.append(parts.joined(separator: "+"))
        }
        return rdns.reversed().joined(separator: ",")
    }

    private static func escape(_ s: String) -> String {
        var out = ""
        let chars = Array(s)
        for (i, c) in chars.enumerated() {
            switch c {
            case "\"", "+", ",", ";", "<", ">", "\\": out += "\\" + String(c)
            case "\0": out += "\\00"
            case "#" where i == 0: out += "\\#"
            case " " where i == 0 || i == chars.count - 1: out += "\\ "
            default: out.append(c)
            }
        }
        return out
    }
}

// MARK: - Minimal DER walker

struct DERError: Error {}

struct DERElement {
    var tag: UInt8
    /// The whole TLV.
    var raw: ArraySlice<UInt8>
    /// The value bytes only.
    var content: ArraySlice<UInt8>

    func children() throws -> DERReader {
        guard tag & 0x20 != 0 else { throw DERError() }  // constructed only
        return DERReader(content)
    }

    var oid: String {
        var parts: [String] = []
        var value: UInt64 = 0
        var first = true
        for byte in content {
            value = value << 7 | UInt64(byte & 0x7F)
            if byte & 0x80 == 0 {
                if first {
                    let a = min(value / 40, 2)
                    parts.append(String(a))
                    parts.append(String(value - a * 40))
                    first = false
                } else {
                    parts.append(String(value))
                }
                value = 0
            }
        }
        return parts.joined(separator: ".")
    }

    /// DirectoryString and friends as text.
    var directoryString: String? {
        switch tag {
        case 0x0C, 0x13, 0x16, 0x12, 0x1A:  // UTF8, Printable, IA5, Numeric, Visible
            return String(decoding: content, as: UTF8.self)
        case 0x14:  // Teletex: treat as Latin-1
            return String(content.map { Character(Unicode.Scalar($0)) })
        case 0x1E:  // BMPString, UTF-16BE
            guard content.count % 2 == 0 else { return nil }
            let units = stride(from: content.startIndex, to: content.endIndex, by: 2).map {
                UInt16(content[$0]) << 8 | UInt16(content[$0 + 1])
            }
            return String(decoding: units, as: UTF16.self)
        case 0x1C:  // UniversalString, UTF-32BE
            guard content.count % 4 == 0 else { return nil }
            var s = ""
            for i in stride(from: content.startIndex, to: content.endIndex, by: 4) {
                let v =
                    UInt32(content[i]) << 24 | UInt32(content[i + 1]) << 16 | UInt32(content[i + 2]) << 8
                    | UInt32(content[i + 3])
                guard let scalar = Unicode.Scalar(v) else { return nil }
                s.unicodeScalars.append(scalar)
            }
            return s
        default:
            return nil
        }
    }

    /// UTCTime (0x17) or GeneralizedTime (0x18) in the `...Z` form X.509 requires.
    var time: Date? {
        guard tag == 0x17 || tag == 0x18 else { return nil }
        let text = String(decoding: content, as: UTF8.self)
        guard text.hasSuffix("Z") else { return nil }
        let digits = Array(text.dropLast())
        guard digits.allSatisfy(\.isNumber) else { return nil }
        func num(_ from: Int, _ len: Int) -> Int? {
            guard from + len <= digits.count else { return nil }
            return Int(String(digits[from..<from + len]))
        }
        var c = DateComponents()
        c.timeZone = .gmt
        var i = 0
        if tag == 0x17 {
            guard let yy = num(0, 2) else { return nil }
            c.year = yy >= 50 ? 1900 + yy : 2000 + yy
            i = 2
        } else {
            guard let yyyy = num(0, 4) else { return nil }
            c.year = yyyy
            i = 4
        }
        guard let mo = num(i, 2), let d = num(i + 2, 2), let h = num(i + 4, 2), let mi = num(i + 6, 2) else {
            return nil
        }
        c.month = mo
        c.day = d
        c.hour = h
        c.minute = mi
        c.second = num(i + 8, 2) ?? 0
        return UTC.calendar.date(from: c)
    }
}

struct DERReader {
    private let bytes: ArraySlice<UInt8>
    private var pos: Int

    init(_ bytes: [UInt8]) { self.init(bytes[...]) }
    init(_ bytes: ArraySlice<UInt8>) {
        self.bytes = bytes
        self.pos = bytes.startIndex
    }

    var isAtEnd: Bool { pos >= bytes.endIndex }
    var peekTag: UInt8? { isAtEnd ? nil : bytes[pos] }

    mutating func read(tag expected: UInt8? = nil) throws -> DERElement {
        let start = pos
        guard pos < bytes.endIndex else { throw DERError() }
        let tag = bytes[pos]
        guard tag & 0x1F != 0x1F else { throw DERError() }  // multi-byte tags do not occur in what we read
        if let expected, tag != expected { throw DERError() }
        pos += 1
        guard pos < bytes.endIndex else { throw DERError() }
        var length = Int(bytes[pos])
        pos += 1
        if length & 0x80 != 0 {
            let n = length & 0x7F
            guard n >= 1, n <= 4, pos + n <= bytes.endIndex else { throw DERError() }  // no indefinite form
            length = 0
            for _ in 0..<n {
                length = length << 8 | Int(bytes[pos])
                pos += 1
            }
        }
        guard length >= 0, pos + length <= bytes.endIndex else { throw DERError() }
        let content = bytes[pos..<pos + length]
        pos += length
        return DERElement(tag: tag, raw: bytes[start..<pos], content: content)
    }
}
