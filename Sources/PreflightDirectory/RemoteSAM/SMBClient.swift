import CSMB
import Foundation
import PreflightCore

#if canImport(Glibc)
    import Glibc
#endif

/// Why an SMB read failed, in words that say what to do; never holds the password.
package struct SMBError: Error, Sendable, Hashable, CustomStringConvertible {
    package var url: String
    package var reason: String
    /// The path or share does not exist (ENOENT).
    package var notFound = false
    package var description: String { "\(url): \(reason)" }
}

/// Reads files over SMB with libsmbclient (https://www.samba.org/samba/docs/current/man-html/libsmbclient.7.html).
///
/// Authentication is NTLM (NTLMv2) with the LDAP bind's name and password, handed to libsmbclient by the
/// context's authentication callback (`smbc_setFunctionAuthDataWithContext`), never in a URL, an argument or the
/// environment. Kerberos is off: it would need a ticket cache and the realm's KDC by DNS name, and the bind already
/// proved the password. Anonymous fallback is off, so a refused password is an error, not a guest session.
/// libsmbclient reads `~/.smb/smb.conf` (or the system `smb.conf`) once per process for client defaults; the
/// options that matter here are set on the context and override it.
/// libsmbclient copies the password into the session for its lifetime; the context is freed right after the reads.
final class SMBClient {
    private let context: UnsafeMutablePointer<SMBCCTX>
    private let credentials: Unmanaged<Credentials>

    final class Credentials {
        let user: [CChar]
        let workgroup: [CChar]
        let secret: LDAPSecret

        init(user: String, workgroup: String, secret: LDAPSecret) {
            self.user = Array(user.utf8CString)
            self.workgroup = Array(workgroup.utf8CString)
            self.secret = secret
        }
    }

    /// libsmbclient's library-wide state (its configuration, talloc) is not thread-safe, and Debian's build does not
    /// export `smbc_thread_posix`: every use of libsmbclient in this process runs under this lock (see `SMBClient.use`).
    static let lock = NSLock()

    init(user: String, workgroup: String, secret: LDAPSecret, timeout: Duration) throws(SMBError) {
        guard let context = smbc_new_context() else {
            throw SMBError(url: "smb://", reason: "libsmbclient could not create a context (out of memory?).")
        }
        self.context = context
        credentials = Unmanaged.passRetained(Credentials(user: user, workgroup: workgroup, secret: secret))
        smbc_setOptionUserData(context, credentials.toOpaque())
        smbc_setDebug(context, 0)
        smbc_setOptionUseKerberos(context, 0)
        smbc_setOptionFallbackAfterKerberos(context, 1)
        smbc_setOptionUseCCache(context, 0)
        smbc_setOptionNoAutoAnonymousLogin(context, 1)
        let milliseconds = max(1, Int32(clamping: timeout.components.seconds * 1000 + timeout.components.attoseconds / 1_000_000_000_000_000))
        smbc_setTimeout(context, milliseconds)
        smbc_setFunctionAuthDataWithContext(context) { context, _, _, workgroup, workgroupLength, user, userLength, password, passwordLength in
            guard let context, let data = smbc_getOptionUserData(context) else { return }
            let credentials = Unmanaged<Credentials>.fromOpaque(data).takeUnretainedValue()
            SMBClient.copy(credentials.workgroup, into: workgroup, capacity: workgroupLength)
            SMBClient.copy(credentials.user, into: user, capacity: userLength)
            guard let password, passwordLength > 0 else { return }
            credentials.secret.withBytes { bytes in
                let count = min(bytes.count, Int(passwordLength) - 1)
                for index in 0..<count { password[index] = CChar(bitPattern: bytes[index]) }
                password[count] = 0
            }
        }
        guard smbc_init_context(context) != nil else {
            let code = errno
            smbc_free_context(context, 1)
            credentials.release()
            throw SMBError(url: "smb://", reason: "libsmbclient could not initialise (\(String(cString: strerror(code)))).")
        }
    }

    private static func copy(_ text: [CChar], into buffer: UnsafeMutablePointer<CChar>?, capacity: Int32) {
        guard let buffer, capacity > 0 else { return }
        let count = min(text.count - 1, Int(capacity) - 1)
        for index in 0..<max(count, 0) { buffer[index] = text[index] }
        buffer[max(count, 0)] = 0
    }

    deinit {
        smbc_free_context(context, 1)
        credentials.release()
    }

    /// Whether `url` is a folder; throws when it cannot be reached or does not exist.
    func isDirectory(_ url: String) throws(SMBError) -> Bool {
        var info = stat()
        guard csmb_stat(context, url, &info) == 0 else { throw Self.error(url, errno) }
        return csmb_is_directory(&info) != 0
    }

    /// The whole file (at most `limit` bytes, else an error); nil when it does not exist.
    func read(_ url: String, limit: Int) throws(SMBError) -> [UInt8]? {
        guard let file = csmb_open(context, url) else {
            let code = errno
            if code == ENOENT { return nil }
            throw Self.error(url, code)
        }
        defer { _ = csmb_close(context, file) }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 64 << 10)
        while true {
            let count = chunk.withUnsafeMutableBytes { csmb_read(context, file, $0.baseAddress, $0.count) }
            if count < 0 { throw Self.error(url, errno) }
            if count == 0 { return bytes }
            bytes += chunk[0..<count]
            if bytes.count > limit {
                throw SMBError(url: url, reason: "is larger than \(limit / 1024) KiB, which no security template is; it was not read.")
            }
        }
    }

    /// libsmbclient reports NT status codes as errno values (`map_errno_from_nt_status` in Samba's source3/libsmb).
    static func error(_ url: String, _ code: Int32) -> SMBError {
        let reason: String
        switch code {
        case EACCES, EPERM:
            reason = "access denied: the DC refused the bind account's name and password over SMB (NT_STATUS_LOGON_FAILURE), "
                + "or the account may not read this path. Check that it may read SYSVOL (Authenticated Users may by default)."
        case ENOENT, ENODEV:
            return SMBError(url: url, reason: "does not exist (no such share, folder or file).", notFound: true)
        case ETIMEDOUT:
            reason = "timed out; the DC did not answer over SMB (TCP 445) in time. Check that port 445 is open from this host."
        case ECONNREFUSED:
            reason = "connection refused: nothing listens on TCP 445 of the DC (is the Server service running?)."
        case EHOSTUNREACH, ENETUNREACH:
            reason = "the DC cannot be reached over the network (\(String(cString: strerror(code))))."
        default:
            reason = "failed: \(String(cString: strerror(code))) (errno \(code))."
        }
        return SMBError(url: url, reason: reason)
    }
}
