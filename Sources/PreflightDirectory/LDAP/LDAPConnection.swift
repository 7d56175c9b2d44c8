import CLDAP
import Foundation
import PreflightCore

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// A blocking LDAP connection over OpenLDAP's libldap, hardened for Active Directory:
///
/// * referral chasing is off (AD answers domain-wide searches with references to its DNS name);
/// * every connection has its own TLS context (CA file, `REQUIRE_CERT = DEMAND`, `NEWCTX`); verification cannot be
///   turned off;
/// * everything is bounded: the TCP connect by `networkTimeout`, each wait by `operationTimeout`, and all of it by
///   the absolute `deadline`, enforced by a watchdog that shuts the socket down (see ``DeadlineWatchdog``);
/// * a simple bind over plaintext is refused before the password is sent unless `allowInsecure` is set.
///
/// All calls block. Run them on a thread of your own, not on the Swift concurrency pool. Calls on one connection
/// are serialized by a (recursive) lock, so the body of ``search(base:scope:filter:attributes:sdFlags:pageSize:_:)``
/// may itself call ``readEntry(dn:attributes:sdFlags:)`` on the same connection.
///
/// The process ignores `SIGPIPE` once a connection is opened: a write to a socket the watchdog has shut down must
/// fail with `EPIPE` instead of killing the process.
package final class LDAPConnection: @unchecked Sendable {
    /// The server URL, normalized to `scheme://host:port`.
    package let url: String
    /// How this connection is protected.
    let channel: ChannelSecurity
    /// TLS version, cipher and server certificate; `nil` on a plaintext connection.
    package let tls: TLSInfo?

    private let handle: LDAPHandle
    private let lock = NSRecursiveLock()

    private init(handle: LDAPHandle, channel: ChannelSecurity, tls: TLSInfo?) {
        self.handle = handle
        self.url = handle.target.url
        self.channel = channel
        self.tls = tls
    }

    deinit {
        handle.close()
    }

    // MARK: - Open

    /// Initializes a handle, sets options, connects, negotiates TLS (ldaps:// or StartTLS) and binds.
    ///
    /// An empty `bindDN` opens an anonymous connection (useful for the rootDSE only).
    package static func open(_ settings: LDAPSettings) throws(LDAPError) -> LDAPConnection {
        ignoreSIGPIPE
        let target = try LDAPTarget(settings.url)
        let url = target.url
        if target.isLDAPS && settings.startTLS {
            throw .invalidSettings(
                url: url, reason: "startTLS: true only applies to ldap:// URLs; an ldaps:// URL is already encrypted.")
        }
        let channel: ChannelSecurity = target.isLDAPS ? .ldaps : (settings.startTLS ? .startTLS : .plaintext)
        let binds = !settings.bindDN.isEmpty
        if binds && settings.secret.isEmpty {
            throw .invalidSettings(
                url: url,
                reason: "the password for '\(settings.bindDN)' is empty, and Active Directory treats a bind with a "
                    + "DN but no password as an anonymous bind.")
        }
        // Refuse before any byte leaves this machine.
        if channel == .plaintext && binds && !settings.allowInsecure {
            throw .insecureBindRefused(url: url)
        }
        let trust = try TrustStore(caFile: settings.caFile, url: url, needed: channel != .plaintext)
        if ContinuousClock.now >= settings.deadline {
            throw .timedOut(stage: .connect, url: url, after: .zero)
        }

        let handle = try LDAPHandle(target: target, settings: settings, trust: trust, verification: .strict)
        do throws(LDAPError) {
            try handle.connect()
            if channel == .startTLS { try handle.startTLS() }
            let tls = channel == .plaintext ? nil : handle.tlsInfo()
            if binds { try handle.simpleBind(dn: settings.bindDN, secret: settings.secret) }
            return LDAPConnection(handle: handle, channel: channel, tls: tls)
        } catch {
            handle.close()
            if case .tlsHandshakeFailed = error {
                throw diagnoseTLSFailure(error, target: target, settings: settings, trust: trust)
            }
            throw error
        }
    }

    /// Tells an untrusted certificate from a host name mismatch. libldap (GnuTLS) reports both as
    /// "Can't contact LDAP server" with the diagnostic "(unknown error code)", so two probe handshakes follow,
    /// purely to diagnose: never used to bind, always closed at once, bounded by the same deadline.
    private static func diagnoseTLSFailure(
        _ original: LDAPError, target: LDAPTarget, settings: LDAPSettings, trust: TrustStore
    ) -> LDAPError {
        // 1. Chain verification on, host name check off: success means only the name is wrong.
        if case .success(let cert) = probeHandshake(.ignoreHostname, target: target, settings: settings, trust: trust) {
            return .tlsHostnameMismatch(
                url: target.url, host: target.host, trustSource: trust.description, certificate: cert)
        }
        // 2. No verification at all, only to read the certificate: success means the chain is not trusted.
        if case .success(let cert) = probeHandshake(.readCertificateOnly, target: target, settings: settings, trust: trust) {
            return .tlsUntrusted(url: target.url, trustSource: trust.description, certificate: cert)
        }
        return original
    }

    private static func probeHandshake(
        _ verification: LDAPHandle.Verification, target: LDAPTarget, settings: LDAPSettings, trust: TrustStore
    ) -> Result<CertificateSummary?, LDAPError> {
        do throws(LDAPError) {
            let probe = try LDAPHandle(target: target, settings: settings, trust: trust, verification: verification)
            defer { probe.close() }
            try probe.connect()
            if !target.isLDAPS { try probe.startTLS() }
            return .success(probe.tlsInfo()?.peerCertificate)
        } catch {
            return .failure(error)
        }
    }

    // MARK: - Operations

    /// Reads the rootDSE (base `""`, scope base). Works anonymously.
    package func readRootDSE(attributes: [String]) throws(LDAPError) -> LDAPEntry {
        guard let entry = try readEntry(dn: "", attributes: attributes, sdFlags: nil) else {
            throw .operationFailed(
                url: url, operation: "rootDSE read", resultCode: 32, message: "No such object",
                diagnostic: "the server returned no rootDSE entry")
        }
        return entry
    }

    /// Reads one entry (scope base). Returns `nil` if it does not exist (noSuchObject) or is not visible.
    ///
    /// Base scope is what constructed attributes such as `tokenGroups` require.
    package func readEntry(dn: String, attributes: [String], sdFlags: SDFlags?) throws(LDAPError) -> LDAPEntry? {
        lock.lock()
        defer { lock.unlock() }
        var controls = ControlList()
        defer { controls.deallocate() }
        if let sdFlags {
            controls.add(oid: LDAPControls.sdFlagsOID, value: LDAPControls.sdFlagsValue(sdFlags), critical: true)
        }
        let operation = "read of '\(dn.isEmpty ? "rootDSE" : dn)'"
        let msgid = try handle.sendSearch(
            base: dn, scope: .base, filter: "(objectClass=*)", attributes: attributes, controls: controls,
            operation: operation)
        let chain = try handle.wait(msgid, all: true, stage: .search)
        defer { ldap_msgfree(chain) }
        let result = handle.parseResult(in: chain)
        switch result.code {
        case 0:
            guard let message = ldap_first_entry(handle.ld, chain) else { return nil }
            return LDAPEntry.read(ld: handle.ld, message: message)
        case 32:
            return nil
        default:
            throw handle.error(forResult: result.code, diagnostic: result.diagnostic, operation: operation)
        }
    }

    /// Searches and hands each entry to `body` as it arrives.
    ///
    /// One-level and subtree searches are always paged (simple paged results, 1.2.840.113556.1.4.319) with
    /// `pageSize` entries per page; a base search is a single request. As soon as a page is complete, the request
    /// for the next page is sent, and the current page is handed to `body` while the server works on the next one,
    /// so memory stays at about one page whatever the result size. Search result references (continuation
    /// references) are not chased; they are counted in the returned summary.
    ///
    /// Errors from `body` end the search (the outstanding request is abandoned) and are rethrown unchanged;
    /// everything else is an ``LDAPError``.
    @discardableResult
    package func search(
        base: String, scope: LDAPScope, filter: String, attributes: [String], sdFlags: SDFlags?,
        pageSize: Int = 1000, _ body: (LDAPEntry) throws -> Void
    ) throws -> LDAPSearchSummary {
        lock.lock()
        defer { lock.unlock() }
        let paged = scope != .base
        guard !paged || (1...1_000_000).contains(pageSize) else {
            throw LDAPError.invalidSettings(url: url, reason: "the page size \(pageSize) is not between 1 and 1000000.")
        }
        let operation = "search of '\(base)' with filter '\(filter)'"
        var summary = LDAPSearchSummary(entries: 0, references: 0, pages: 0)
        var cookie: [UInt8] = []

        func send() throws(LDAPError) -> Int32 {
            var controls = ControlList()
            defer { controls.deallocate() }
            if let sdFlags {
                controls.add(oid: LDAPControls.sdFlagsOID, value: LDAPControls.sdFlagsValue(sdFlags), critical: true)
            }
            if paged {
                controls.add(
                    oid: LDAPControls.pagedResultsOID,
                    value: LDAPControls.pagedResultsValue(pageSize: pageSize, cookie: cookie), critical: false)
            }
            return try handle.sendSearch(
                base: base, scope: scope, filter: filter, attributes: attributes, controls: controls,
                operation: operation)
        }

        var pending: Int32? = try send()
        while let msgid = pending {
            let chain = try handle.wait(msgid, all: true, stage: .search)
            defer { ldap_msgfree(chain) }
            pending = nil
            summary.pages += 1
            let result = handle.parseResult(in: chain, wantCookie: paged)
            guard result.code == 0 else {
                throw handle.error(forResult: result.code, diagnostic: result.diagnostic, operation: operation)
            }
            // Keep the server busy: ask for the next page before handing this one to the caller.
            if paged, let next = result.cookie, !next.isEmpty {
                cookie = next
                pending = try send()
            }
            summary.references += Int(ldap_count_references(handle.ld, chain))
            var message = ldap_first_entry(handle.ld, chain)
            do {
                while let m = message {
                    try body(LDAPEntry.read(ld: handle.ld, message: m))
                    summary.entries += 1
                    message = ldap_next_entry(handle.ld, m)
                }
            } catch {
                if let pending { handle.abandon(pending) }
                throw error
            }
        }
        return summary
    }

    /// Unbinds and closes the socket. Safe to call more than once; also done on deinit.
    package func close() {
        lock.lock()
        defer { lock.unlock() }
        handle.close()
    }
}

private let ignoreSIGPIPE: Void = {
    _ = signal(SIGPIPE, SIG_IGN)
}()

private let tlsContextLock = NSLock()

// MARK: - Target URL

/// A parsed, validated server URL.
struct LDAPTarget {
    let scheme: String
    let host: String
    let port: Int
    var isLDAPS: Bool { scheme == "ldaps" }
    /// `scheme://host:port` (IPv6 literals in brackets).
    var url: String { "\(scheme)://\(host.contains(":") ? "[\(host)]" : host):\(port)" }

    init(_ raw: String) throws(LDAPError) {
        let trimmed = raw.trimmingCharacters(in: .whitespaces)
        func bad(_ reason: String) -> LDAPError { .invalidSettings(url: raw, reason: reason) }
        guard !trimmed.isEmpty else { throw bad("the URL is empty.") }
        guard !trimmed.contains(where: { $0 == " " || $0 == "," || $0 == "\t" }) else {
            throw bad("give exactly one URL (a list of servers is not supported).")
        }
        var desc: UnsafeMutablePointer<LDAPURLDesc>?
        let rc = ldap_url_parse(trimmed, &desc)
        defer { if desc != nil { ldap_free_urldesc(desc) } }
        guard rc == 0, let d = desc else { throw bad("it is not an LDAP URL such as ldaps://dc1.corp.example.com:636.") }
        let scheme = d.pointee.lud_scheme.map { String(cString: $0).lowercased() } ?? ""
        guard scheme == "ldap" || scheme == "ldaps" else {
            throw bad("the scheme '\(scheme)' is not supported; use ldaps:// or ldap:// with startTLS: true.")
        }
        let host = d.pointee.lud_host.map { String(cString: $0) } ?? ""
        guard !host.isEmpty else { throw bad("the URL names no host.") }
        let port = Int(d.pointee.lud_port)
        self.scheme = scheme
        self.host = host
        self.port = port > 0 ? port : (scheme == "ldaps" ? 636 : 389)
    }
}

// MARK: - Trust store

/// The CA certificates that may sign the server certificate: the configured file or the system bundle.
struct TrustStore: CustomStringConvertible {
    let caFile: String?
    let isSystem: Bool

    static let systemBundles = [
        "/etc/ssl/certs/ca-certificates.crt", "/etc/pki/tls/certs/ca-bundle.crt", "/etc/ssl/ca-bundle.pem",
        "/etc/ssl/cert.pem",
    ]

    init(caFile: String?, url: String, needed: Bool) throws(LDAPError) {
        guard let caFile else {
            isSystem = true
            self.caFile = Self.systemBundles.first { FileManager.default.isReadableFile(atPath: $0) }
            return
        }
        isSystem = false
        self.caFile = caFile
        guard needed else { return }
        guard FileManager.default.isReadableFile(atPath: caFile) else {
            throw .caFileUnusable(url: url, path: caFile, reason: "the file does not exist or cannot be read.")
        }
        guard let data = FileManager.default.contents(atPath: caFile),
            String(decoding: data, as: UTF8.self).contains("-----BEGIN CERTIFICATE-----")
        else {
            throw .caFileUnusable(
                url: url, path: caFile, reason: "it holds no PEM certificate ('-----BEGIN CERTIFICATE-----' block).")
        }
    }

    var description: String {
        if isSystem {
            return caFile.map { "the system trust store ('\($0)')" } ?? "the system trust store"
        }
        return "the CA file '\(caFile ?? "")'"
    }
}

// MARK: - Handle

/// One libldap handle plus its watchdog. Not thread-safe; `LDAPConnection` serializes access.
final class LDAPHandle {
    enum Verification {
        /// Production: chain and host name verified.
        case strict
        /// Diagnosis only: chain verified, host name not checked.
        case ignoreHostname
        /// Diagnosis only: nothing verified, to read the certificate.
        case readCertificateOnly
    }

    let ld: OpaquePointer
    let target: LDAPTarget
    private let watchdog: DeadlineWatchdog
    private let tracker: ConnectTracker
    private let deadline: ContinuousClock.Instant
    private let operationTimeout: Duration
    private let networkTimeout: Duration
    private let started = ContinuousClock.now
    private var closed = false
    /// Set once the connection broke; later calls rethrow it.
    private var broken: LDAPError?

    init(target: LDAPTarget, settings: LDAPSettings, trust: TrustStore, verification: Verification) throws(LDAPError) {
        self.target = target
        self.deadline = settings.deadline
        self.operationTimeout = settings.operationTimeout
        self.networkTimeout = min(settings.networkTimeout, ContinuousClock.now.duration(to: settings.deadline))
        var ld: OpaquePointer?
        let rc = ldap_initialize(&ld, target.url)
        guard rc == 0, let ld else {
            throw .invalidSettings(
                url: target.url, reason: "libldap could not initialize a handle (\(String(cString: ldap_err2string(rc)))).")
        }
        self.ld = ld
        watchdog = DeadlineWatchdog(deadline: settings.deadline)
        tracker = ConnectTracker(watchdog: watchdog)

        func fail(_ what: String) -> LDAPError {
            ldap_unbind_ext_s(ld, nil, nil)
            watchdog.disarm()
            return .invalidSettings(url: target.url, reason: "libldap rejected the option \(what).")
        }
        var version: Int32 = 3
        guard ldap_set_option(ld, LDAP_OPT_PROTOCOL_VERSION, &version) == 0 else { throw fail("protocol version 3") }
        guard ldap_set_option(ld, LDAP_OPT_REFERRALS, cldap_opt_off()) == 0 else { throw fail("referrals off") }
        guard ldap_set_option(ld, LDAP_OPT_RESTART, cldap_opt_on()) == 0 else { throw fail("restart on EINTR") }
        var net = timeval(networkTimeout)
        guard ldap_set_option(ld, LDAP_OPT_NETWORK_TIMEOUT, &net) == 0 else { throw fail("network timeout") }
        var api = timeval(min(operationTimeout, ContinuousClock.now.duration(to: deadline)))
        guard ldap_set_option(ld, LDAP_OPT_TIMEOUT, &api) == 0 else { throw fail("operation timeout") }
        guard ldap_set_option(ld, LDAP_OPT_CONNECT_CB, tracker.callback) == 0 else { throw fail("connect callback") }

        // Per-handle TLS context: these settings only take effect with NEWCTX, which must come last.
        if let caFile = trust.caFile {
            guard ldap_set_option(ld, LDAP_OPT_X_TLS_CACERTFILE, caFile) == 0 else { throw fail("CA file") }
        }
        // Do not let ldap.conf's TLS_CACERTDIR widen the trust set.
        _ = ldap_set_option(ld, LDAP_OPT_X_TLS_CACERTDIR, nil)
        var require: Int32 = verification == .readCertificateOnly ? LDAP_OPT_X_TLS_ALLOW : LDAP_OPT_X_TLS_DEMAND
        guard ldap_set_option(ld, LDAP_OPT_X_TLS_REQUIRE_CERT, &require) == 0 else { throw fail("require cert") }
        // ALLOW (libldap's default) = check the name against the SANs, falling back to the CN; NEVER skips the check.
        var san: Int32 = verification == .strict ? LDAP_OPT_X_TLS_ALLOW : LDAP_OPT_X_TLS_NEVER
        guard ldap_set_option(ld, LDAP_OPT_X_TLS_REQUIRE_SAN, &san) == 0 else { throw fail("require SAN") }
        var zero: Int32 = 0
        // The first NEWCTX initializes GnuTLS inside libldap (tls_init), which is not safe against a concurrent
        // first call; serialize context creation process-wide.
        tlsContextLock.lock()
        let newctx = ldap_set_option(ld, LDAP_OPT_X_TLS_NEWCTX, &zero)
        tlsContextLock.unlock()
        guard newctx == 0 else {
            ldap_unbind_ext_s(ld, nil, nil)
            watchdog.disarm()
            throw .caFileUnusable(
                url: target.url, path: trust.caFile ?? "(none)",
                reason: "libldap could not build a TLS context from it (is it a PEM CA certificate?).")
        }
    }

    deinit {
        close()
    }

    func close() {
        guard !closed else { return }
        closed = true
        watchdog.disarm()
        ldap_unbind_ext_s(ld, nil, nil)
    }

    private var elapsed: Duration { ContinuousClock.now - started }

    // MARK: Connect, TLS, bind

    func connect() throws(LDAPError) {
        errno = 0
        let rc = ldap_connect(ld)
        let err = errno
        if rc == 0 { return }
        let stage: LDAPStage = tracker.tcpConnected && target.isLDAPS ? .tlsHandshake : .connect
        if watchdog.hasFired || ContinuousClock.now >= deadline {
            throw markBroken(.timedOut(stage: stage, url: target.url, after: elapsed))
        }
        if stage == .tlsHandshake {
            throw markBroken(.tlsHandshakeFailed(url: target.url, stage: .tlsHandshake, detail: tlsDetail()))
        }
        if err == ETIMEDOUT || elapsed >= networkTimeout * 0.95 {
            throw markBroken(.timedOut(stage: .connect, url: target.url, after: elapsed))
        }
        let left = ContinuousClock.now.duration(to: deadline)
        switch TCPDiagnosis.probe(host: target.host, port: target.port, timeout: min(left, networkTimeout)) {
        case .refused: throw markBroken(.connectionRefused(url: target.url))
        case .resolveFailed(let why): throw markBroken(.hostNotFound(url: target.url, host: target.host, detail: why))
        case .unreachable(let why): throw markBroken(.unreachable(url: target.url, detail: why))
        case .timedOut: throw markBroken(.timedOut(stage: .connect, url: target.url, after: elapsed))
        case .connected:
            throw markBroken(.unreachable(url: target.url, detail: "libldap could not connect, although a plain TCP "
                + "connection works now; \(diagnostic().isEmpty ? "no further detail" : diagnostic())"))
        case .other(let why): throw markBroken(.unreachable(url: target.url, detail: why))
        }
    }

    func startTLS() throws(LDAPError) {
        var msgid: Int32 = 0
        let rc = ldap_extended_operation(ld, "1.3.6.1.4.1.1466.20037", nil, nil, nil, &msgid)
        if rc != 0 { throw requestFailed(rc, stage: .startTLS, operation: "StartTLS request") }
        let res = try wait(msgid, all: true, stage: .startTLS)
        let result = parseResult(in: res)
        ldap_msgfree(res)
        guard result.code == 0 else {
            throw markBroken(.startTLSRejected(url: target.url, resultCode: result.code, diagnostic: result.diagnostic))
        }
        let tls = ldap_install_tls(ld)
        if tls != 0 {
            if watchdog.hasFired || ContinuousClock.now >= deadline {
                throw markBroken(.timedOut(stage: .tlsHandshake, url: target.url, after: elapsed))
            }
            throw markBroken(.tlsHandshakeFailed(url: target.url, stage: .startTLS, detail: tlsDetail()))
        }
    }

    func tlsInfo() -> TLSInfo? {
        var version: UnsafeMutablePointer<CChar>?
        var cipher: UnsafeMutablePointer<CChar>?
        // Both point at static GnuTLS strings: do not free.
        guard ldap_get_option(ld, LDAP_OPT_X_TLS_VERSION, &version) == 0, let version else { return nil }
        _ = ldap_get_option(ld, LDAP_OPT_X_TLS_CIPHER, &cipher)
        var der = berval()
        var certificate: CertificateSummary?
        if ldap_get_option(ld, LDAP_OPT_X_TLS_PEERCERT, &der) == 0, let base = der.bv_val {
            certificate = CertificateSummary.parse(
                der: Array(UnsafeRawBufferPointer(start: base, count: Int(der.bv_len))))
            ber_memfree(base)
        }
        return TLSInfo(
            version: String(cString: version), cipher: cipher.map { String(cString: $0) } ?? "unknown",
            peerCertificate: certificate)
    }

    /// The password goes to libldap as a `berval` over the secret's own buffer (libldap encodes it into the request and
    /// frees that copy once sent); no other copy is made here.
    func simpleBind(dn: String, secret: LDAPSecret) throws(LDAPError) {
        var msgid: Int32 = 0
        let rc = secret.withBytes { buf -> Int32 in
            var cred = berval(
                bv_len: ber_len_t(buf.count), bv_val: UnsafeMutableRawPointer(buf.baseAddress)?.assumingMemoryBound(to: CChar.self))
            return ldap_sasl_bind(ld, dn, nil, &cred, nil, nil, &msgid)  // mechanism nil = LDAP_SASL_SIMPLE
        }
        if rc != 0 { throw requestFailed(rc, stage: .bind, operation: "bind") }
        let res = try wait(msgid, all: true, stage: .bind)
        let result = parseResult(in: res)
        ldap_msgfree(res)
        switch result.code {
        case 0:
            return
        case 49:
            throw .bindRejected(
                url: target.url, bindDN: dn, reason: ADBindFailure(diagnostic: result.diagnostic),
                diagnostic: result.diagnostic)
        case 8, 13:
            throw .transportEncryptionRequired(url: target.url, diagnostic: result.diagnostic)
        default:
            throw error(forResult: result.code, diagnostic: result.diagnostic, operation: "bind as '\(dn)'")
        }
    }

    // MARK: Requests and results

    func sendSearch(
        base: String, scope: LDAPScope, filter: String, attributes: [String], controls: ControlList, operation: String
    ) throws(LDAPError) -> Int32 {
        if let broken { throw broken }
        if closed { throw .connectionClosed(url: target.url) }
        var attrs: [UnsafeMutablePointer<CChar>?] = attributes.map { strdup($0) }
        attrs.append(nil)
        defer { for a in attrs { free(a) } }
        var msgid: Int32 = 0
        let rc = attrs.withUnsafeMutableBufferPointer { attrBuf in
            controls.withControls { ctrls in
                ldap_search_ext(
                    ld, base, scope.rawLDAPValue, filter, attributes.isEmpty ? nil : attrBuf.baseAddress, 0, ctrls, nil,
                    nil, 0, &msgid)
            }
        }
        if rc != 0 { throw requestFailed(rc, stage: .search, operation: operation) }
        return msgid
    }

    /// Waits for one complete response (`all`) or one message, bounded by the operation timeout and the deadline.
    func wait(_ msgid: Int32, all: Bool, stage: LDAPStage) throws(LDAPError) -> OpaquePointer {
        let waitStart = ContinuousClock.now
        let left = waitStart.duration(to: deadline)
        let limit = min(operationTimeout, left)
        guard limit > .zero else {
            abandon(msgid)
            throw markBroken(.timedOut(stage: stage, url: target.url, after: elapsed))
        }
        var tv = timeval(max(limit, .milliseconds(1)))
        var res: OpaquePointer?
        let rc = ldap_result(ld, msgid, all ? LDAP_MSG_ALL : LDAP_MSG_ONE, &tv, &res)
        if rc > 0, let res { return res }
        if let res { ldap_msgfree(res) }
        if rc == 0 {
            abandon(msgid)
            if limit == left {
                throw markBroken(.timedOut(stage: stage, url: target.url, after: elapsed))
            }
            throw .timedOut(stage: stage, url: target.url, after: ContinuousClock.now - waitStart)
        }
        if watchdog.hasFired { throw markBroken(.timedOut(stage: stage, url: target.url, after: elapsed)) }
        let code = resultCode()
        if code == -1 || code == -11 || code == 0 { throw markBroken(.serverDown(url: target.url, stage: stage)) }
        throw markBroken(error(forResult: code, diagnostic: diagnostic(), operation: "\(stage)"))
    }

    func abandon(_ msgid: Int32) {
        _ = ldap_abandon_ext(ld, msgid, nil, nil)
    }

    struct ParsedResult {
        var code: Int32
        var diagnostic: String
        var cookie: [UInt8]?
    }

    /// Finds the final result message in a chain and parses code, diagnostic and (optionally) the paging cookie.
    func parseResult(in chain: OpaquePointer, wantCookie: Bool = false) -> ParsedResult {
        var msg = ldap_first_message(ld, chain)
        while let m = msg, ldap_msgtype(m) == LDAP_RES_SEARCH_ENTRY || ldap_msgtype(m) == LDAP_RES_SEARCH_REFERENCE {
            msg = ldap_next_message(ld, m)
        }
        guard let m = msg else { return ParsedResult(code: -1, diagnostic: "no result message", cookie: nil) }
        var code: Int32 = 0
        var diag: UnsafeMutablePointer<CChar>?
        var ctrls: UnsafeMutablePointer<UnsafeMutablePointer<LDAPControl>?>?
        let rc = ldap_parse_result(ld, m, &code, nil, &diag, nil, &ctrls, 0)
        defer {
            if let diag { ldap_memfree(diag) }
            if let ctrls { ldap_controls_free(ctrls) }
        }
        guard rc == 0 else { return ParsedResult(code: rc, diagnostic: diagnostic(), cookie: nil) }
        var cookie: [UInt8]?
        if wantCookie, let ctrls, let c = ldap_control_find(LDAPControls.pagedResultsOID, ctrls, nil),
            let base = c.pointee.ldctl_value.bv_val
        {
            let value = Array(UnsafeRawBufferPointer(start: base, count: Int(c.pointee.ldctl_value.bv_len)))
            cookie = LDAPControls.pagedResultsCookie(value[...])
        }
        return ParsedResult(code: code, diagnostic: diag.map { String(cString: $0) } ?? "", cookie: cookie)
    }

    func error(forResult code: Int32, diagnostic: String, operation: String) -> LDAPError {
        switch code {
        case 1:
            return .operationsError(url: target.url, operation: operation, diagnostic: diagnostic)
        case 8, 13:
            return .transportEncryptionRequired(url: target.url, diagnostic: diagnostic)
        default:
            return .operationFailed(
                url: target.url, operation: operation, resultCode: code,
                message: String(cString: ldap_err2string(code)), diagnostic: diagnostic)
        }
    }

    /// A request could not even be sent.
    private func requestFailed(_ rc: Int32, stage: LDAPStage, operation: String) -> LDAPError {
        if let broken { return broken }
        if watchdog.hasFired { return markBroken(.timedOut(stage: stage, url: target.url, after: elapsed)) }
        if rc == -1 || rc == -11 { return markBroken(.serverDown(url: target.url, stage: stage)) }
        let detail = rc == -7 ? "bad filter syntax" : diagnostic()
        return error(forResult: rc, diagnostic: detail, operation: operation)
    }

    private func markBroken(_ error: LDAPError) -> LDAPError {
        broken = error
        return error
    }

    private func resultCode() -> Int32 {
        var code: Int32 = 0
        _ = ldap_get_option(ld, LDAP_OPT_RESULT_CODE, &code)
        return code
    }

    private func diagnostic() -> String {
        var p: UnsafeMutablePointer<CChar>?
        _ = ldap_get_option(ld, LDAP_OPT_DIAGNOSTIC_MESSAGE, &p)
        defer { if let p { ldap_memfree(p) } }
        return p.map { String(cString: $0) } ?? ""
    }

    /// libldap/GnuTLS wording of a TLS failure ("(unknown error code)" for verification failures, which is why
    /// the probes in `diagnoseTLSFailure` exist).
    private func tlsDetail() -> String {
        let d = diagnostic()
        let code = resultCode()
        let text = String(cString: ldap_err2string(code))
        return d.isEmpty || d == "(unknown error code)" ? "\(text), \(code)" : "\(text), \(code): \(d)"
    }
}

extension timeval {
    fileprivate init(_ d: Duration) {
        let micros = max(0, d.microseconds)
        self.init(tv_sec: Int(micros / 1_000_000), tv_usec: Int(micros % 1_000_000))
    }
}
