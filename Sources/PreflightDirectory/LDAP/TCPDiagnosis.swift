import Foundation
import PreflightCore

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Finds out *why* libldap could not connect. libldap reports every TCP failure as "Can't contact LDAP server"
/// (-1) and loses errno (a refused connect shows up as ENOTCONN from its `getpeername` check), so after a fast
/// failure we resolve the name and try one plain TCP connect ourselves, bounded by the time left. Nothing is sent
/// on that socket.
enum TCPDiagnosis {
    enum Outcome: Equatable {
        case resolveFailed(String)
        case refused
        case unreachable(String)
        case timedOut
        case connected
        case other(String)
    }

    static func probe(host: String, port: Int, timeout: Duration) -> Outcome {
        var hints = addrinfo()
        hints.ai_family = AF_UNSPEC
        #if canImport(Glibc)
            hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        #else
            hints.ai_socktype = SOCK_STREAM
        #endif
        var list: UnsafeMutablePointer<addrinfo>?
        let gai = getaddrinfo(host, String(port), &hints, &list)
        guard gai == 0, let first = list else {
            return .resolveFailed(String(cString: gai_strerror(gai)))
        }
        defer { freeaddrinfo(list) }
        let deadline = ContinuousClock.now + timeout
        var last: Outcome = .other("no address")
        var ai: UnsafeMutablePointer<addrinfo>? = first
        while let a = ai {
            ai = a.pointee.ai_next
            let outcome = connectOnce(a.pointee, deadline: deadline)
            if outcome == .connected || outcome == .refused { return outcome }
            last = outcome
        }
        return last
    }

    private static func connectOnce(_ a: addrinfo, deadline: ContinuousClock.Instant) -> Outcome {
        let s = socket(a.ai_family, a.ai_socktype, a.ai_protocol)
        guard s >= 0 else { return .other(String(cString: strerror(errno))) }
        defer { close(s) }
        _ = fcntl(s, F_SETFL, fcntl(s, F_GETFL) | O_NONBLOCK)
        if connect(s, a.ai_addr, a.ai_addrlen) == 0 { return .connected }
        var err = errno
        if err == EINPROGRESS {
            let left = ContinuousClock.now.duration(to: deadline)
            let ms = max(0, Int32(clamping: left.milliseconds))
            var pfd = pollfd(fd: s, events: Int16(POLLOUT), revents: 0)
            let rc = poll(&pfd, 1, ms)
            if rc == 0 { return .timedOut }
            if rc < 0 { return .other(String(cString: strerror(errno))) }
            var soErr: Int32 = 0
            var len = socklen_t(MemoryLayout<Int32>.size)
            _ = getsockopt(s, SOL_SOCKET, SO_ERROR, &soErr, &len)
            if soErr == 0 { return .connected }
            err = soErr
        }
        switch err {
        case ECONNREFUSED: return .refused
        case EHOSTUNREACH, ENETUNREACH, EADDRNOTAVAIL, ENETDOWN, EHOSTDOWN:
            return .unreachable(String(cString: strerror(err)))
        case ETIMEDOUT: return .timedOut
        default: return .other(String(cString: strerror(err)))
        }
    }
}
