import Foundation
import PreflightCore

// Self-relative security descriptors as returned in `nTSecurityDescriptor` (MS-DTYP 2.4.4–2.4.6).
// Every read is bounds-checked: the bytes come from a directory we do not control.

/// Why a security descriptor, ACL, ACE or SID could not be parsed, and where.
package struct SecurityParseError: Error, Sendable, Hashable, CustomStringConvertible {
    package enum Kind: String, Sendable, Hashable, Codable {
        case truncated
        case trailingBytes
        case unsupportedRevision
        case notSelfRelative
        case offsetOutOfRange
        case tooManySubAuthorities
        case aclSizeTooSmall
        case aclSizeExceedsBuffer
        case aceCountExceedsACL
        case aceSizeTooSmall
        case aceRunsPastACL
        case objectTypesDoNotFit
        case sidRunsPastACE
    }

    package let kind: Kind
    /// Byte offset from the start of the parsed value (the security descriptor, or the SID on its own).
    package let offset: Int
    package let message: String

    init(_ kind: Kind, at offset: Int, _ message: String) {
        self.kind = kind
        self.offset = offset
        self.message = message
    }

    package var description: String {
        "\(message) (at byte offset \(offset))"
    }
}

/// Little-endian reads that throw instead of trapping when the buffer is too short.
struct ByteReader {
    let bytes: [UInt8]

    init(_ bytes: [UInt8]) {
        self.bytes = bytes
    }

    func uint8(at offset: Int) throws(SecurityParseError) -> UInt8 {
        try check(offset, 1)
        return bytes[offset]
    }

    func uint16(at offset: Int) throws(SecurityParseError) -> UInt16 {
        try check(offset, 2)
        return UInt16(bytes[offset]) | UInt16(bytes[offset + 1]) << 8
    }

    func uint32(at offset: Int) throws(SecurityParseError) -> UInt32 {
        try check(offset, 4)
        return (0..<4).reduce(UInt32(0)) { $0 | UInt32(bytes[offset + $1]) << (8 * UInt32($1)) }
    }

    func slice(at offset: Int, count: Int) throws(SecurityParseError) -> ArraySlice<UInt8> {
        try check(offset, count)
        return bytes[offset..<offset + count]
    }

    private func check(_ offset: Int, _ count: Int) throws(SecurityParseError) {
        guard offset >= 0, count >= 0, offset <= bytes.count - count else {
            throw SecurityParseError(
                .truncated, at: max(offset, 0),
                "reading \(count) bytes runs past the end of the \(bytes.count)-byte buffer")
        }
    }
}

/// SECURITY_DESCRIPTOR_CONTROL bits (MS-DTYP 2.4.6).
package struct SecurityDescriptorControl: OptionSet, Sendable, Hashable, Codable {
    package let rawValue: UInt16
    package init(rawValue: UInt16) { self.rawValue = rawValue }

    static let ownerDefaulted = Self(rawValue: 0x0001)
    static let groupDefaulted = Self(rawValue: 0x0002)
    static let daclPresent = Self(rawValue: 0x0004)
    static let daclDefaulted = Self(rawValue: 0x0008)
    static let saclPresent = Self(rawValue: 0x0010)
    static let saclDefaulted = Self(rawValue: 0x0020)
    static let daclTrusted = Self(rawValue: 0x0040)
    static let serverSecurity = Self(rawValue: 0x0080)
    static let daclAutoInheritRequired = Self(rawValue: 0x0100)
    static let saclAutoInheritRequired = Self(rawValue: 0x0200)
    static let daclAutoInherited = Self(rawValue: 0x0400)
    static let saclAutoInherited = Self(rawValue: 0x0800)
    static let daclProtected = Self(rawValue: 0x1000)
    static let saclProtected = Self(rawValue: 0x2000)
    static let resourceManagerControlValid = Self(rawValue: 0x4000)
    static let selfRelative = Self(rawValue: 0x8000)
}

/// The three DACL states matter differently: no DACL grants everything, an empty one grants nothing.
package enum DACLState: Sendable, Hashable, Codable {
    /// No SE_DACL_PRESENT, or a DACL offset of 0: a "NULL DACL", which grants every access.
    case null
    /// A DACL is present; with no ACEs it grants nothing.
    case acl(ACL)
}

/// A parsed self-relative security descriptor. The SACL is not parsed (a non-admin cannot read it).
package struct SecurityDescriptor: Sendable, Hashable, Codable {
    static let headerSize = 20

    package let control: SecurityDescriptorControl
    package let owner: SID?
    package let group: SID?
    let daclState: DACLState

    package init(control: SecurityDescriptorControl, owner: SID?, group: SID?, daclState: DACLState) {
        self.control = control
        self.owner = owner
        self.group = group
        self.daclState = daclState
    }

    /// Parses a self-relative SD (MS-DTYP 2.4.6): 20-byte header, then owner, group, SACL and DACL at offsets.
    package init(bytes: [UInt8]) throws(SecurityParseError) {
        guard bytes.count >= Self.headerSize else {
            throw SecurityParseError(
                .truncated, at: 0,
                "the header needs \(Self.headerSize) bytes but the buffer has only \(bytes.count)")
        }
        let reader = ByteReader(bytes)
        let revision = try reader.uint8(at: 0)
        guard revision == 1 else {
            throw SecurityParseError(.unsupportedRevision, at: 0, "revision is \(revision), expected 1")
        }
        let control = SecurityDescriptorControl(rawValue: try reader.uint16(at: 2))
        guard control.contains(.selfRelative) else {
            throw SecurityParseError(
                .notSelfRelative, at: 2,
                "the SE_SELF_RELATIVE control bit is not set, so the offsets cannot be interpreted")
        }
        self.control = control
        owner = try Self.optionalSID(bytes, offsetField: 4, name: "owner")
        group = try Self.optionalSID(bytes, offsetField: 8, name: "group")
        let daclOffset = Int(try reader.uint32(at: 16))
        if control.contains(.daclPresent) && daclOffset != 0 {
            try Self.checkTarget(daclOffset, of: "DACL", field: 16, bufferSize: bytes.count)
            daclState = .acl(try ACL.parse(bytes, at: daclOffset))
        } else {
            daclState = .null
        }
    }

    /// The DACL when one is present (possibly empty); nil for a NULL DACL.
    var dacl: ACL? {
        if case .acl(let acl) = daclState { return acl }
        return nil
    }

    /// SE_DACL_PROTECTED: inheritance from the parent is blocked (as AdminSDHolder-protected accounts have).
    var isDaclProtected: Bool {
        control.contains(.daclProtected)
    }

    private static func optionalSID(_ bytes: [UInt8], offsetField: Int, name: String) throws(SecurityParseError)
        -> SID?
    {
        let offset = Int(try ByteReader(bytes).uint32(at: offsetField))
        guard offset != 0 else { return nil }
        try checkTarget(offset, of: name, field: offsetField, bufferSize: bytes.count)
        return try SID.parse(bytes, at: offset, end: bytes.count, within: "the buffer for the \(name) SID").0
    }

    /// Offsets must point after the header and inside the buffer.
    private static func checkTarget(_ offset: Int, of name: String, field: Int, bufferSize: Int)
        throws(SecurityParseError)
    {
        guard offset >= headerSize, offset < bufferSize else {
            let problem =
                offset < headerSize
                ? "points inside the \(headerSize)-byte header"
                : "points past the end of the \(bufferSize)-byte buffer"
            throw SecurityParseError(.offsetOutOfRange, at: field, "the \(name) offset \(offset) \(problem)")
        }
    }
}

/// An access control list (MS-DTYP 2.4.5).
package struct ACL: Sendable, Hashable, Codable {
    static let headerSize = 8

    /// 2 (ACL_REVISION) or 4 (ACL_REVISION_DS, required when object ACEs are present).
    package let revision: UInt8
    let aces: [ACE]

    package init(revision: UInt8 = 4, aces: [ACE]) {
        self.revision = revision
        self.aces = aces
    }

    /// Parses the ACL at `offset`; `bytes` is the whole security descriptor so errors cite absolute offsets.
    static func parse(_ bytes: [UInt8], at offset: Int) throws(SecurityParseError) -> ACL {
        let reader = ByteReader(bytes)
        guard bytes.count - offset >= headerSize else {
            throw SecurityParseError(
                .truncated, at: offset,
                "the ACL header needs \(headerSize) bytes but only \(bytes.count - offset) remain")
        }
        let revision = try reader.uint8(at: offset)
        guard (2...4).contains(revision) else {
            throw SecurityParseError(.unsupportedRevision, at: offset, "ACL revision is \(revision), expected 2 to 4")
        }
        let size = Int(try reader.uint16(at: offset + 2))
        let count = Int(try reader.uint16(at: offset + 4))
        guard size >= headerSize else {
            throw SecurityParseError(
                .aclSizeTooSmall, at: offset + 2, "AclSize \(size) is smaller than the \(headerSize)-byte ACL header")
        }
        let end = offset + size
        guard end <= bytes.count else {
            throw SecurityParseError(
                .aclSizeExceedsBuffer, at: offset + 2,
                "AclSize \(size) runs to byte \(end), past the end of the \(bytes.count)-byte buffer")
        }
        var aces: [ACE] = []
        var position = offset + headerSize
        for index in 0..<count {
            guard end - position >= ACE.headerSize else {
                throw SecurityParseError(
                    .aceCountExceedsACL, at: offset + 4,
                    "AceCount is \(count) but only \(index) ACEs fit in the \(size)-byte ACL (ACE \(index) "
                        + "would start at byte \(position), ACL ends at \(end))")
            }
            let aceSize = Int(try reader.uint16(at: position + 2))
            guard aceSize >= ACE.headerSize else {
                throw SecurityParseError(
                    .aceSizeTooSmall, at: position + 2,
                    "ACE \(index) has AceSize \(aceSize), smaller than the \(ACE.headerSize)-byte ACE header")
            }
            guard position + aceSize <= end else {
                throw SecurityParseError(
                    .aceRunsPastACL, at: position + 2,
                    "ACE \(index) has AceSize \(aceSize) and runs to byte \(position + aceSize), "
                        + "past the ACL's end at \(end)")
            }
            aces.append(try ACE.parse(bytes, at: position, end: position + aceSize, index: index))
            position += aceSize
        }
        return ACL(revision: revision, aces: aces)
    }
}

/// The ACE types the access check understands; everything else is kept as `.other` and ignored.
package enum ACEType: Sendable, Hashable, Codable {
    case accessAllowed  // 0x00 (A)
    case accessDenied  // 0x01 (D)
    case accessAllowedObject  // 0x05 (OA)
    case accessDeniedObject  // 0x06 (OD)
    case other(UInt8)

    package init(rawValue: UInt8) {
        switch rawValue {
        case 0x00: self = .accessAllowed
        case 0x01: self = .accessDenied
        case 0x05: self = .accessAllowedObject
        case 0x06: self = .accessDeniedObject
        default: self = .other(rawValue)
        }
    }

    package var rawValue: UInt8 {
        switch self {
        case .accessAllowed: 0x00
        case .accessDenied: 0x01
        case .accessAllowedObject: 0x05
        case .accessDeniedObject: 0x06
        case .other(let value): value
        }
    }

    /// Types laid out like ACCESS_ALLOWED_OBJECT_ACE (object flags and optional GUIDs before the SID).
    var hasObjectLayout: Bool {
        [0x05, 0x06, 0x07, 0x08, 0x0B, 0x0C, 0x0F, 0x10].contains(rawValue)
    }

    /// Types laid out like ACCESS_ALLOWED_ACE (mask then SID); callback data after the SID is ignored.
    var hasBasicLayout: Bool {
        [0x00, 0x01, 0x02, 0x03, 0x09, 0x0A, 0x0D, 0x0E, 0x11, 0x12, 0x13].contains(rawValue)
    }

    /// SDDL ace_type string (MS-DTYP 2.5.1.1); types with no SDDL letters are shown as hex.
    var sddl: String {
        let letters: [UInt8: String] = [
            0x00: "A", 0x01: "D", 0x02: "AU", 0x03: "AL", 0x05: "OA", 0x06: "OD", 0x07: "OU", 0x08: "OL",
            0x09: "XA", 0x0A: "XD", 0x0B: "ZA", 0x0D: "XU", 0x11: "ML", 0x12: "RA", 0x13: "SP",
        ]
        return letters[rawValue] ?? String(format: "0x%02x", rawValue)
    }
}

/// ACE header flags (MS-DTYP 2.4.4.1).
package struct ACEFlags: OptionSet, Sendable, Hashable, Codable {
    package let rawValue: UInt8
    package init(rawValue: UInt8) { self.rawValue = rawValue }

    static let objectInherit = Self(rawValue: 0x01)
    static let containerInherit = Self(rawValue: 0x02)
    static let noPropagateInherit = Self(rawValue: 0x04)
    static let inheritOnly = Self(rawValue: 0x08)
    static let inherited = Self(rawValue: 0x10)
    static let successfulAccess = Self(rawValue: 0x40)
    static let failedAccess = Self(rawValue: 0x80)

    /// SDDL ace_flags letters; bits with no letter are appended as hex.
    var sddl: String {
        let letters: [(Self, String)] = [
            (.objectInherit, "OI"), (.containerInherit, "CI"), (.noPropagateInherit, "NP"),
            (.inheritOnly, "IO"), (.inherited, "ID"), (.successfulAccess, "SA"), (.failedAccess, "FA"),
        ]
        var text = letters.filter { contains($0.0) }.map(\.1).joined()
        let unnamed = subtracting(Self(letters.map(\.0))).rawValue
        if unnamed != 0 { text += String(format: "0x%02x", unnamed) }
        return text
    }
}

/// ACCESS_MASK with the directory-service rights (MS-ADTS 5.1.3.2, MS-DTYP 2.4.3).
package struct AccessMask: OptionSet, Sendable, Hashable, Codable {
    package let rawValue: UInt32
    package init(rawValue: UInt32) { self.rawValue = rawValue }

    static let createChild = Self(rawValue: 0x0000_0001)
    static let deleteChild = Self(rawValue: 0x0000_0002)
    static let listChildren = Self(rawValue: 0x0000_0004)
    /// RIGHT_DS_WRITE_PROPERTY_EXTENDED, "Self" in SDDL (SW).
    static let validatedWrite = Self(rawValue: 0x0000_0008)
    static let readProperty = Self(rawValue: 0x0000_0010)
    static let writeProperty = Self(rawValue: 0x0000_0020)
    static let deleteTree = Self(rawValue: 0x0000_0040)
    static let listObject = Self(rawValue: 0x0000_0080)
    static let controlAccess = Self(rawValue: 0x0000_0100)
    package static let delete = Self(rawValue: 0x0001_0000)
    static let readControl = Self(rawValue: 0x0002_0000)
    static let writeDAC = Self(rawValue: 0x0004_0000)
    static let writeOwner = Self(rawValue: 0x0008_0000)
    package static let synchronize = Self(rawValue: 0x0010_0000)
    static let accessSystemSecurity = Self(rawValue: 0x0100_0000)
    static let genericAll = Self(rawValue: 0x1000_0000)
    static let genericExecute = Self(rawValue: 0x2000_0000)
    static let genericWrite = Self(rawValue: 0x4000_0000)
    static let genericRead = Self(rawValue: 0x8000_0000)

    /// All nine DS-specific rights plus the standard rights AD grants for "Full control" (0xF01FF).
    static let directoryFullControl = Self(rawValue: 0x000F_01FF)

    /// Replaces the generic bits with what they mean on directory objects (DS_GENERIC_MAPPING).
    var mappingGenericRights: AccessMask {
        var mapped = subtracting([.genericAll, .genericExecute, .genericWrite, .genericRead])
        if contains(.genericRead) { mapped.formUnion([.readControl, .listChildren, .readProperty, .listObject]) }
        if contains(.genericWrite) { mapped.formUnion([.readControl, .validatedWrite, .writeProperty]) }
        if contains(.genericExecute) { mapped.formUnion([.readControl, .listChildren]) }
        if contains(.genericAll) { mapped.formUnion(.directoryFullControl) }
        return mapped
    }

    /// SDDL rights letters when every set bit has one (in bit order, as Windows prints them), else `0x…` hex.
    var sddl: String {
        let letters: [(Self, String)] = [
            (.createChild, "CC"), (.deleteChild, "DC"), (.listChildren, "LC"), (.validatedWrite, "SW"),
            (.readProperty, "RP"), (.writeProperty, "WP"), (.deleteTree, "DT"), (.listObject, "LO"),
            (.controlAccess, "CR"), (.delete, "SD"), (.readControl, "RC"), (.writeDAC, "WD"),
            (.writeOwner, "WO"), (.genericAll, "GA"), (.genericExecute, "GX"), (.genericWrite, "GW"),
            (.genericRead, "GR"),
        ]
        guard rawValue != 0, subtracting(Self(letters.map(\.0))).isEmpty else {
            return String(format: "0x%x", rawValue)
        }
        return letters.filter { contains($0.0) }.map(\.1).joined()
    }
}

/// One access control entry. Object types are set only on object ACEs (OA/OD) whose flags carry them.
package struct ACE: Sendable, Hashable, Codable {
    static let headerSize = 4

    package let type: ACEType
    package let flags: ACEFlags
    package let mask: AccessMask
    package let objectType: GUID?
    let inheritedObjectType: GUID?
    /// Always set for allow/deny ACEs; nil only for an `.other` ACE whose SID could not be located.
    package let sid: SID?

    package init(
        type: ACEType, flags: ACEFlags = [], mask: AccessMask, objectType: GUID? = nil,
        inheritedObjectType: GUID? = nil, sid: SID?
    ) {
        self.type = type
        self.flags = flags
        self.mask = mask
        self.objectType = objectType
        self.inheritedObjectType = inheritedObjectType
        self.sid = sid
    }

    var isInheritOnly: Bool { flags.contains(.inheritOnly) }
    var isInherited: Bool { flags.contains(.inherited) }

    /// The ACE in SDDL, e.g. `(OA;CIID;CR;00299570-…;bf967aba-…;S-1-5-21-…-1106)`, for evidence in reports.
    var sddl: String {
        let fields = [
            type.sddl, flags.sddl, mask.sddl, objectType?.description ?? "",
            inheritedObjectType?.description ?? "", sid?.description ?? "",
        ]
        return "(" + fields.joined(separator: ";") + ")"
    }

    /// Parses one ACE occupying `offset..<end` (its AceSize was already checked against the ACL).
    static func parse(_ bytes: [UInt8], at offset: Int, end: Int, index: Int) throws(SecurityParseError) -> ACE {
        let reader = ByteReader(bytes)
        let type = ACEType(rawValue: try reader.uint8(at: offset))
        let flags = ACEFlags(rawValue: try reader.uint8(at: offset + 1))
        guard case .other = type else {
            return try parseAllowOrDeny(reader, type: type, flags: flags, at: offset, end: end, index: index)
        }
        // Unknown types are kept for completeness; a body we cannot read is not an error.
        let mask = end - offset >= 8 ? AccessMask(rawValue: try reader.uint32(at: offset + 4)) : []
        var body: (objectType: GUID?, inherited: GUID?, sid: SID)?
        if type.hasBasicLayout || type.hasObjectLayout {
            body = try? parseBody(reader, hasObjectFields: type.hasObjectLayout, at: offset, end: end, index: index)
        }
        return ACE(
            type: type, flags: flags, mask: mask, objectType: body?.objectType,
            inheritedObjectType: body?.inherited, sid: body?.sid)
    }

    private static func parseAllowOrDeny(
        _ reader: ByteReader, type: ACEType, flags: ACEFlags, at offset: Int, end: Int, index: Int
    ) throws(SecurityParseError) -> ACE {
        let body = try parseBody(reader, hasObjectFields: type.hasObjectLayout, at: offset, end: end, index: index)
        return ACE(
            type: type, flags: flags, mask: AccessMask(rawValue: try reader.uint32(at: offset + 4)),
            objectType: body.objectType, inheritedObjectType: body.inherited, sid: body.sid)
    }

    /// Reads what follows the header and mask: for object layouts the object flags and GUIDs, then the SID.
    private static func parseBody(
        _ reader: ByteReader, hasObjectFields: Bool, at offset: Int, end: Int, index: Int
    ) throws(SecurityParseError) -> (objectType: GUID?, inherited: GUID?, sid: SID) {
        let fixedSize = hasObjectFields ? 12 : 8
        guard end - offset >= fixedSize else {
            throw SecurityParseError(
                .aceSizeTooSmall, at: offset + 2,
                "ACE \(index) has AceSize \(end - offset), too small for its \(fixedSize)-byte fixed part")
        }
        var position = offset + 8
        var objectType: GUID?
        var inherited: GUID?
        if hasObjectFields {
            let objectFlags = try reader.uint32(at: position)
            position += 4
            // ACE_OBJECT_TYPE_PRESENT 0x1, ACE_INHERITED_OBJECT_TYPE_PRESENT 0x2.
            let wanted = (objectFlags & 1 != 0 ? 1 : 0) + (objectFlags & 2 != 0 ? 1 : 0)
            guard end - position >= 16 * wanted else {
                throw SecurityParseError(
                    .objectTypesDoNotFit, at: offset + 8,
                    "ACE \(index) object flags 0x\(String(objectFlags, radix: 16)) announce \(Plural.count(wanted, "GUID")) "
                        + "(\(16 * wanted) bytes) but only \(end - position) bytes remain in the ACE")
            }
            if objectFlags & 1 != 0 {
                objectType = GUID(windowsBytes: try reader.slice(at: position, count: 16))
                position += 16
            }
            if objectFlags & 2 != 0 {
                inherited = GUID(windowsBytes: try reader.slice(at: position, count: 16))
                position += 16
            }
        }
        let sid = try SID.parse(
            reader.bytes, at: position, end: end, within: "ACE \(index) (AceSize \(end - offset))",
            overrunKind: .sidRunsPastACE
        ).0
        return (objectType, inherited, sid)
    }
}
