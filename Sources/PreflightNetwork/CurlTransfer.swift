import CCurl
import Foundation
import PreflightCore

/// One HTTP(S) request with libcurl, on the calling thread (which must not be a cooperative-pool thread).
/// It records everything libcurl can tell; judging what it means is `EndpointProber`'s job.
struct CurlTransfer {
    var url: String
    var proxy: ProxyChoice?
    var caFile: String?
    /// libcurl `CONNECT_TO` entries (`HOST:PORT:CONNECT-TO-HOST:CONNECT-TO-PORT`), from `network.connectTo`.
    var connectTo: [String] = []
    var connectTimeout: Double
    var totalTimeout: Double
    /// Off only for the evidence-only handshake after a certificate failure.
    var verifyPeer = true
    /// Allows TLS 1.0/1.1 (and legacy ciphers) only to learn what an outdated server offers.
    var allowLegacyTLS = false

    struct Outcome {
        var code: Int
        var errorText: String?
        var httpStatus: Int?
        var proxyConnectStatus: Int?
        var verifyResult: Int
        /// The operating system's errno for a failed connect (ECONNREFUSED is 111 on Linux).
        var osErrno = 0
        var primaryIP: String?
        /// libcurl said "Connected to …": the TCP connection (to the server or the proxy) was established.
        var tcpConnected = false
        var tlsVersion: String?
        var cipher: String?
        var certificate: CertificateFacts?
        var proxyAuthenticate: [String]
        var timings: TargetObservation.Timings
        var succeeded: Bool { code == 0 }
    }

    private static let initialized: Bool = curl_global_init(Int(CURL_GLOBAL_DEFAULT)) == CURLE_OK

    func perform() -> Outcome {
        _ = Self.initialized
        guard let handle = curl_easy_init() else {
            return Outcome(
                code: -1, errorText: "libcurl could not create a handle", verifyResult: 0, proxyAuthenticate: [],
                timings: .init(totalMs: 0))
        }
        defer { curl_easy_cleanup(handle) }
        let capture = Capture()
        let errorBuffer = UnsafeMutablePointer<CChar>.allocate(capacity: Int(CURL_ERROR_SIZE) + 1)
        errorBuffer.initialize(repeating: 0, count: Int(CURL_ERROR_SIZE) + 1)
        defer { errorBuffer.deallocate() }
        var connectToList: UnsafeMutablePointer<curl_slist>?
        defer { curl_slist_free_all(connectToList) }
        for entry in connectTo { connectToList = curl_slist_append(connectToList, entry) }

        let context = Unmanaged.passUnretained(capture).toOpaque()
        configure(handle, errorBuffer: errorBuffer, context: context, connectTo: connectToList)
        let code = withExtendedLifetime(capture) { curl_easy_perform(handle) }

        var outcome = Outcome(
            code: Int(code.rawValue), errorText: nil, verifyResult: 0, proxyAuthenticate: capture.proxyAuthenticate,
            timings: Self.timings(handle))
        // The write callback stops the transfer after the first body bytes: the status is all we need.
        if code == CURLE_WRITE_ERROR, capture.sawBody { outcome.code = 0 }
        if outcome.code != 0 {
            let text = String(cString: errorBuffer)
            outcome.errorText = text.isEmpty ? String(cString: curl_easy_strerror(code)) : text
        }
        var long = 0
        if ccurl_getinfo_long(handle, CURLINFO_RESPONSE_CODE, &long) == CURLE_OK, long > 0 { outcome.httpStatus = long }
        if ccurl_getinfo_long(handle, CURLINFO_HTTP_CONNECTCODE, &long) == CURLE_OK, long > 0 { outcome.proxyConnectStatus = long }
        if ccurl_getinfo_long(handle, CURLINFO_SSL_VERIFYRESULT, &long) == CURLE_OK { outcome.verifyResult = long }
        if ccurl_getinfo_long(handle, CURLINFO_OS_ERRNO, &long) == CURLE_OK { outcome.osErrno = long }
        var text: UnsafeMutablePointer<CChar>?
        if ccurl_getinfo_str(handle, CURLINFO_PRIMARY_IP, &text) == CURLE_OK, let text, text.pointee != 0 {
            outcome.primaryIP = String(cString: text)
        }
        outcome.tcpConnected = capture.tcpConnected
        outcome.tlsVersion = capture.tlsVersion
        outcome.cipher = capture.cipher
        outcome.certificate = Self.certificate(handle, verified: verifyPeer && outcome.code == 0)
        return outcome
    }

    private func configure(
        _ handle: UnsafeMutableRawPointer, errorBuffer: UnsafeMutablePointer<CChar>, context: UnsafeMutableRawPointer,
        connectTo: UnsafeMutablePointer<curl_slist>?
    ) {
        _ = ccurl_setopt_str(handle, CURLOPT_URL, url)
        _ = ccurl_setopt_long(handle, CURLOPT_NOSIGNAL, 1)
        _ = ccurl_setopt_ptr(handle, CURLOPT_ERRORBUFFER, errorBuffer)
        _ = ccurl_setopt_long(handle, CURLOPT_CONNECTTIMEOUT_MS, max(1, Int(connectTimeout * 1000)))
        _ = ccurl_setopt_long(handle, CURLOPT_TIMEOUT_MS, max(1, Int(totalTimeout * 1000)))
        _ = ccurl_setopt_long(handle, CURLOPT_FRESH_CONNECT, 1)
        _ = ccurl_setopt_long(handle, CURLOPT_FORBID_REUSE, 1)
        _ = ccurl_setopt_long(handle, CURLOPT_DNS_CACHE_TIMEOUT, 0)
        _ = ccurl_setopt_long(handle, CURLOPT_FOLLOWLOCATION, 0)
        _ = ccurl_setopt_str(handle, CURLOPT_USERAGENT, "preflight/\(PreflightVersion.current)")
        // The proxy decision is ours (ProxySelection); "" stops libcurl from reading the environment itself.
        _ = ccurl_setopt_str(handle, CURLOPT_PROXY, proxy?.connectURL ?? "")
        _ = ccurl_setopt_str(handle, CURLOPT_NOPROXY, "")
        if let connectTo { _ = ccurl_setopt_slist(handle, CURLOPT_CONNECT_TO, connectTo) }
        if allowLegacyTLS {
            _ = ccurl_setopt_long(handle, CURLOPT_SSLVERSION, Int(CURL_SSLVERSION_TLSv1_0) | Int(CURL_SSLVERSION_MAX_TLSv1_1))
            _ = ccurl_setopt_str(handle, CURLOPT_SSL_CIPHER_LIST, "DEFAULT:@SECLEVEL=0")
        } else {
            _ = ccurl_setopt_long(handle, CURLOPT_SSLVERSION, Int(CURL_SSLVERSION_TLSv1_2))
        }
        _ = ccurl_setopt_long(handle, CURLOPT_SSL_VERIFYPEER, verifyPeer ? 1 : 0)
        _ = ccurl_setopt_long(handle, CURLOPT_SSL_VERIFYHOST, verifyPeer ? 2 : 0)
        if let caFile {
            // CAINFO alone would replace the system store; CAPATH keeps it ("system store plus network.caFile").
            _ = ccurl_setopt_str(handle, CURLOPT_CAINFO, caFile)
            _ = ccurl_setopt_str(handle, CURLOPT_CAPATH, "/etc/ssl/certs")
        }
        _ = ccurl_setopt_long(handle, CURLOPT_CERTINFO, 1)
        _ = ccurl_setopt_long(handle, CURLOPT_VERBOSE, 1)
        _ = ccurl_setopt_debug_cb(handle) { _, type, data, size, context in
            guard type == CURLINFO_TEXT, let data, let context else { return 0 }
            Unmanaged<Capture>.fromOpaque(context).takeUnretainedValue().noteText(data, size)
            return 0
        }
        _ = ccurl_setopt_ptr(handle, CURLOPT_DEBUGDATA, context)
        _ = ccurl_setopt_header_cb(handle) { data, size, count, context in
            if let data, let context { Unmanaged<Capture>.fromOpaque(context).takeUnretainedValue().noteHeader(data, size * count) }
            return size * count
        }
        _ = ccurl_setopt_ptr(handle, CURLOPT_HEADERDATA, context)
        _ = ccurl_setopt_write_cb(handle) { _, size, count, context in
            if let context { Unmanaged<Capture>.fromOpaque(context).takeUnretainedValue().sawBody = true }
            return 0
        }
        _ = ccurl_setopt_ptr(handle, CURLOPT_WRITEDATA, context)
    }

    private static func timings(_ handle: UnsafeMutableRawPointer) -> TargetObservation.Timings {
        func milliseconds(_ info: CURLINFO) -> Double? {
            var value: curl_off_t = 0
            guard ccurl_getinfo_off_t(handle, info, &value) == CURLE_OK, value > 0 else { return nil }
            return Double(value) / 1000
        }
        return TargetObservation.Timings(
            dnsMs: milliseconds(CURLINFO_NAMELOOKUP_TIME_T), connectMs: milliseconds(CURLINFO_CONNECT_TIME_T),
            tlsMs: milliseconds(CURLINFO_APPCONNECT_TIME_T), firstByteMs: milliseconds(CURLINFO_STARTTRANSFER_TIME_T),
            totalMs: milliseconds(CURLINFO_TOTAL_TIME_T) ?? 0)
    }

    private static func certificate(_ handle: UnsafeMutableRawPointer, verified: Bool) -> CertificateFacts? {
        var info: UnsafeMutablePointer<curl_certinfo>?
        guard ccurl_getinfo_certinfo(handle, &info) == CURLE_OK, let info, info.pointee.num_of_certs > 0,
            let chain = info.pointee.certinfo, var item = chain[0]
        else { return nil }
        var fields: [String: String] = [:]
        while true {
            let line = String(cString: item.pointee.data)
            if let colon = line.firstIndex(of: ":") {
                fields[String(line[..<colon])] = String(line[line.index(after: colon)...])
            }
            guard let next = item.pointee.next else { break }
            item = next
        }
        return CertificateParsing.facts(fields, verified: verified)
    }

    /// What the callbacks see, owned by the one thread running the transfer.
    private final class Capture {
        var tlsVersion: String?
        var cipher: String?
        var proxyAuthenticate: [String] = []
        var sawBody = false
        var tcpConnected = false

        func noteText(_ data: UnsafeMutablePointer<CChar>, _ size: Int) {
            let text = String(decoding: UnsafeRawBufferPointer(start: data, count: size), as: UTF8.self)
            // libcurl records no connect time when a later stage times out, so note the moment TCP connects.
            if text.hasPrefix("Connected to ") { tcpConnected = true }
            // "SSL connection using TLSv1.3 / TLS_AES_256_GCM_SHA384" (the wording of every OpenSSL-backed libcurl).
            guard let range = text.range(of: "SSL connection using ") else { return }
            let parts = text[range.upperBound...].trimmingCharacters(in: .whitespacesAndNewlines).components(separatedBy: " / ")
            tlsVersion = parts.first
            cipher = parts.count > 1 ? parts[1] : nil
        }

        func noteHeader(_ data: UnsafeMutablePointer<CChar>, _ size: Int) {
            let line = String(decoding: UnsafeRawBufferPointer(start: data, count: size), as: UTF8.self)
            let lower = line.lowercased()
            if lower.hasPrefix("proxy-authenticate:") {
                let value = line.dropFirst("proxy-authenticate:".count).trimmingCharacters(in: .whitespacesAndNewlines)
                if let scheme = value.split(separator: " ").first { proxyAuthenticate.append(String(scheme)) }
            }
        }
    }
}
