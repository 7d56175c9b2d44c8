import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Errors from setting up a fault listener.
package struct FaultListenerError: Error, CustomStringConvertible {
    package let description: String
    init(_ what: String) { description = "\(what): \(String(cString: strerror(errno)))" }
}

/// A TCP listener on 127.0.0.1 (ephemeral port) that accepts every connection and never sends a byte:
/// a TLS client sees its ClientHello go unanswered, i.e. a stalled TLS handshake.
///
/// Accepted sockets stay open until ``close()`` (or deinit).
package final class SilentListener: @unchecked Sendable {
    package let port: Int
    private let state: AcceptLoop

    package init() throws {
        let (fd, port) = try bindLoopback(backlog: 64)
        self.port = port
        let state = AcceptLoop(fd: fd, keepConnections: true)
        self.state = state
        // The thread holds only the state, so dropping the listener still runs deinit.
        let thread = Thread { state.acceptLoop() }
        thread.name = "SilentListener:\(port)"
        thread.start()
    }

    deinit { state.close() }

    /// Connections accepted so far.
    package var acceptedCount: Int { state.acceptedCount }

    /// Stops accepting and closes the listening socket and every accepted connection.
    package func close() { state.close() }

}

/// A TCP listener on 127.0.0.1 (ephemeral port) whose accept queue is full: `listen(fd, 0)`, never `accept()`,
/// and the queue filled with connections from this process. The kernel then drops further SYNs, so a client's
/// `connect()` neither succeeds nor fails until its own timeout: a true connect timeout without privileges.
package final class BacklogFullListener: @unchecked Sendable {
    package let port: Int
    private let fd: Int32
    private var fillers: [Int32] = []
    private let lock = NSLock()
    private var closed = false

    package init() throws {
        let (fd, port) = try bindLoopback(backlog: 0)
        self.fd = fd
        self.port = port
        var addr = loopbackAddress(port: port)
        // Queue connections until one no longer completes: from then on SYNs are dropped.
        for _ in 0..<16 {
            let c = socket(AF_INET, Int32(socketStream), 0)
            guard c >= 0 else { break }
            _ = fcntl(c, F_SETFL, fcntl(c, F_GETFL) | O_NONBLOCK)
            let rc = withUnsafePointer(to: &addr) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                    connect(c, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
                }
            }
            if rc == 0 {
                fillers.append(c)
                continue
            }
            var pfd = pollfd(fd: c, events: Int16(POLLOUT), revents: 0)
            if errno == EINPROGRESS, poll(&pfd, 1, 200) > 0 {
                var err: Int32 = 0
                var len = socklen_t(MemoryLayout<Int32>.size)
                _ = getsockopt(c, SOL_SOCKET, SO_ERROR, &err, &len)
                if err == 0 {
                    fillers.append(c)
                    continue
                }
            }
            _ = systemClose(c)  // this one hung: the queue is full
            return
        }
        for c in fillers { _ = systemClose(c) }
        _ = systemClose(fd)
        throw FaultListenerError("BacklogFullListener could not fill the accept queue")
    }

    deinit { close() }

    package func close() {
        lock.lock()
        defer { lock.unlock() }
        guard !closed else { return }
        closed = true
        for c in fillers { _ = systemClose(c) }
        fillers = []
        _ = systemClose(fd)
    }
}

/// A TCP listener on 127.0.0.1 (ephemeral port) that accepts each connection and closes it at once, before
/// reading or sending anything: the client sees the server hang up (LDAP "server down", or a failed TLS handshake).
package final class HangUpListener: @unchecked Sendable {
    package let port: Int
    private let state: AcceptLoop

    package init() throws {
        let (fd, port) = try bindLoopback(backlog: 64)
        self.port = port
        let state = AcceptLoop(fd: fd, keepConnections: false)
        self.state = state
        let thread = Thread { state.acceptLoop() }
        thread.name = "HangUpListener:\(port)"
        thread.start()
    }

    deinit { state.close() }

    package func close() { state.close() }
}

/// Accepts connections on a listening socket until closed; `keepConnections` decides whether each accepted
/// socket is held open (a silent server) or closed at once (a server that hangs up).
private final class AcceptLoop: @unchecked Sendable {
    let fd: Int32
    private let lock = NSLock()
    private var accepted: [Int32] = []
    private var stopped = false
    private let done = DispatchSemaphore(value: 0)

    let keepConnections: Bool

    init(fd: Int32, keepConnections: Bool) {
        self.fd = fd
        self.keepConnections = keepConnections
    }

    var acceptedCount: Int {
        lock.lock()
        defer { lock.unlock() }
        return accepted.count
    }

    func close() {
        lock.lock()
        if stopped {
            lock.unlock()
            return
        }
        stopped = true
        lock.unlock()
        done.wait()  // the accept loop has exited and no longer uses fd
        lock.lock()
        let sockets = accepted
        accepted = []
        lock.unlock()
        for s in sockets { _ = systemClose(s) }
        _ = systemClose(fd)
    }

    func acceptLoop() {
        defer { done.signal() }
        while true {
            lock.lock()
            let stop = stopped
            lock.unlock()
            if stop { return }
            var pfd = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
            guard poll(&pfd, 1, 50) > 0 else { continue }
            let s = accept(fd, nil, nil)
            guard s >= 0 else { continue }
            if keepConnections {
                lock.lock()
                accepted.append(s)
                lock.unlock()
            } else {
                _ = systemClose(s)
            }
        }
    }
}

// MARK: - Private helpers

#if canImport(Glibc)
    private let socketStream = SOCK_STREAM.rawValue
#else
    private let socketStream = SOCK_STREAM
#endif

private func systemClose(_ fd: Int32) -> Int32 {
    #if canImport(Glibc)
        Glibc.close(fd)
    #else
        Darwin.close(fd)
    #endif
}

private func loopbackAddress(port: Int) -> sockaddr_in {
    var addr = sockaddr_in()
    addr.sin_family = sa_family_t(AF_INET)
    addr.sin_port = in_port_t(UInt16(port).bigEndian)
    addr.sin_addr.s_addr = in_addr_t(UInt32(0x7F00_0001).bigEndian)
    return addr
}

private func bindLoopback(backlog: Int32) throws -> (Int32, Int) {
    let fd = socket(AF_INET, Int32(socketStream), 0)
    guard fd >= 0 else { throw FaultListenerError("socket") }
    var addr = loopbackAddress(port: 0)
    let bound = withUnsafePointer(to: &addr) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
    }
    guard bound == 0 else {
        let e = FaultListenerError("bind 127.0.0.1")
        _ = systemClose(fd)
        throw e
    }
    guard listen(fd, backlog) == 0 else {
        let e = FaultListenerError("listen")
        _ = systemClose(fd)
        throw e
    }
    var out = sockaddr_in()
    var len = socklen_t(MemoryLayout<sockaddr_in>.size)
    _ = withUnsafeMutablePointer(to: &out) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &len) }
    }
    return (fd, Int(UInt16(bigEndian: out.sin_port)))
}
