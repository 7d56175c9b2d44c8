import CCurl
import Foundation

/// Maps libcurl's outcome to a `NetworkFailure`. Pure, so every branch has a unit test.
enum FailureClassifier {
    struct Input: Sendable {
        var code: Int
        var errorText: String
        var httpStatus: Int?
        var proxyConnectStatus: Int?
        var verifyResult: Int
        var osErrno = 0
        var usesTLS: Bool
        var viaProxy: Bool
        var connected: Bool
        var tlsDone: Bool
    }

    static func classify(_ input: Input) -> NetworkFailure? {
        let text = input.errorText.lowercased()
        if input.viaProxy, let status = input.proxyConnectStatus, !(200..<300).contains(status) {
            return proxyStatus(status)
        }
        if input.code == 0 {
            // Through a forward proxy (http:// targets) the proxy's refusals arrive as the response itself.
            if input.viaProxy, !input.usesTLS, let status = input.httpStatus, [403, 407, 502, 503, 504].contains(status) {
                return proxyStatus(status)
            }
            return nil
        }
        switch input.code {
        case Int(CURLE_COULDNT_RESOLVE_HOST.rawValue):
            return .dnsFailure
        case Int(CURLE_COULDNT_RESOLVE_PROXY.rawValue):
            return .proxyUnreachable
        case Int(CURLE_COULDNT_CONNECT.rawValue):
            if input.viaProxy { return .proxyUnreachable }
            return input.osErrno == Int(ECONNREFUSED) || text.contains("refused") ? .connectionRefused : .connectionFailed
        case Int(CURLE_OPERATION_TIMEDOUT.rawValue):
            if !input.connected { return input.viaProxy ? .proxyUnreachable : .connectTimeout }
            if input.viaProxy, input.usesTLS, input.proxyConnectStatus == nil { return .proxyUnreachable }
            if input.usesTLS, !input.tlsDone { return .tlsHandshakeTimeout }
            return .timeoutAfterConnect
        case Int(CURLE_PEER_FAILED_VERIFICATION.rawValue), Int(CURLE_SSL_CACERT_BADFILE.rawValue):
            return certificateFailure(input.verifyResult, text)
        case Int(CURLE_SSL_CONNECT_ERROR.rawValue):
            if text.contains("protocol version") || text.contains("unsupported protocol")
                || text.contains("no protocols available")
            {
                return .tlsVersionTooOld
            }
            if text.contains("certificate") { return certificateFailure(input.verifyResult, text) }
            return .tlsHandshakeFailure
        case Int(CURLE_GOT_NOTHING.rawValue), Int(CURLE_RECV_ERROR.rawValue), Int(CURLE_SEND_ERROR.rawValue):
            if input.usesTLS, !input.tlsDone { return .tlsHandshakeFailure }
            return .connectionDropped
        default:
            return .other
        }
    }

    private static func proxyStatus(_ status: Int) -> NetworkFailure {
        switch status {
        case 407: .proxyAuthenticationRequired
        case 502, 503, 504: .proxyUpstreamFailure
        default: .proxyRefused
        }
    }

    /// OpenSSL's verify codes: 9 not yet valid, 10 expired, 62 hostname mismatch; the rest is "not trusted".
    private static func certificateFailure(_ verifyResult: Int, _ text: String) -> NetworkFailure {
        switch verifyResult {
        case 9: return .certificateNotYetValid
        case 10: return .certificateExpired
        case 62: return .hostnameMismatch
        default: break
        }
        if text.contains("has expired") { return .certificateExpired }
        if text.contains("not yet valid") { return .certificateNotYetValid }
        if text.contains("subject name") || text.contains("does not match target host") { return .hostnameMismatch }
        return .certificateUntrusted
    }
}
