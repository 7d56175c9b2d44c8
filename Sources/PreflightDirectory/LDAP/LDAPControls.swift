import CLDAP

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Request controls, encoded by hand (libldap's `ber_printf` is variadic and cannot be called from Swift).
enum LDAPControls {
    /// LDAP_SERVER_SD_FLAGS_OID.
    static let sdFlagsOID = "1.2.840.113556.1.4.801"
    /// Simple paged results (RFC 2696).
    static let pagedResultsOID = "1.2.840.113556.1.4.319"

    /// `SEQUENCE { INTEGER flags }`, e.g. DACL only = `30 03 02 01 04`.
    static func sdFlagsValue(_ flags: SDFlags) -> [UInt8] {
        let int = berInteger(Int64(flags.rawValue))
        return [0x30] + berLength(int.count) + int
    }

    /// `SEQUENCE { size INTEGER, cookie OCTET STRING }`.
    static func pagedResultsValue(pageSize: Int, cookie: [UInt8]) -> [UInt8] {
        let body = berInteger(Int64(pageSize)) + [0x04] + berLength(cookie.count) + cookie
        return [0x30] + berLength(body.count) + body
    }

    /// Parses the paged-results response value `SEQUENCE { size INTEGER, cookie OCTET STRING }` and returns the cookie.
    static func pagedResultsCookie(_ value: ArraySlice<UInt8>) -> [UInt8]? {
        do {
            var outer = DERReader(value)
            var seq = try outer.read(tag: 0x30).children()
            _ = try seq.read(tag: 0x02)
            return Array(try seq.read(tag: 0x04).content)
        } catch {
            return nil
        }
    }

    /// Minimal two's-complement INTEGER TLV.
    static func berInteger(_ value: Int64) -> [UInt8] {
        var bytes: [UInt8] = []
        var v = value
        repeat {
            bytes.insert(UInt8(truncatingIfNeeded: v), at: 0)
            v >>= 8
        } while !(v == 0 && bytes[0] & 0x80 == 0) && !(v == -1 && bytes[0] & 0x80 != 0)
        return [0x02] + berLength(bytes.count) + bytes
    }

    static func berLength(_ n: Int) -> [UInt8] {
        if n < 0x80 { return [UInt8(n)] }
        var bytes: [UInt8] = []
        var v = n
        while v > 0 {
            bytes.insert(UInt8(v & 0xFF), at: 0)
            v >>= 8
        }
        return [0x80 | UInt8(bytes.count)] + bytes
    }
}

/// A list of request controls laid out as libldap wants them: a NULL-terminated `LDAPControl **`.
/// The memory lives until ``deallocate()``; libldap encodes controls into the request, so that may happen right
/// after the request is sent.
struct ControlList {
    private var controls: [UnsafeMutablePointer<LDAPControl>] = []
    private var buffers: [UnsafeMutableBufferPointer<CChar>] = []

    mutating func add(oid: String, value: [UInt8], critical: Bool) {
        // `value` is our own request, never input.
        let oidBuffer = Self.copy(oid.utf8CString)
        let valueBuffer = Self.copy(value.map { CChar(bitPattern: $0) })
        buffers += [oidBuffer, valueBuffer]
        let oidPtr = oidBuffer.baseAddress
        let valuePtr = valueBuffer.baseAddress
        let control = UnsafeMutablePointer<LDAPControl>.allocate(capacity: 1)
        control.initialize(
            to: LDAPControl(
                ldctl_oid: oidPtr,
                ldctl_value: berval(bv_len: ber_len_t(value.count), bv_val: valuePtr),
                ldctl_iscritical: critical ? 1 : 0))
        controls.append(control)
    }

    var isEmpty: Bool { controls.isEmpty }

    /// Calls `body` with a NULL-terminated array, or with `nil` when the list is empty.
    func withControls<R>(_ body: (UnsafeMutablePointer<UnsafeMutablePointer<LDAPControl>?>?) -> R) -> R {
        if controls.isEmpty { return body(nil) }
        var array: [UnsafeMutablePointer<LDAPControl>?] = controls.map { $0 }
        array.append(nil)
        return array.withUnsafeMutableBufferPointer { body($0.baseAddress) }
    }

    func deallocate() {
        for c in controls {
            c.deinitialize(count: 1)
            c.deallocate()
        }
        for b in buffers { b.deallocate() }
    }

    /// A buffer of our own holding `bytes`, for libldap to read until `deallocate()`.
    private static func copy(_ bytes: some Collection<CChar>) -> UnsafeMutableBufferPointer<CChar> {
        let buffer = UnsafeMutableBufferPointer<CChar>.allocate(capacity: max(bytes.count, 1))
        _ = buffer.initialize(from: bytes)
        return buffer
    }
}
