import CLDAP
import Dispatch
import Foundation
import PreflightCore

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Enforces a connection's absolute deadline on libldap calls that ignore every timeout.
///
/// Debian's libldap (GnuTLS, built without `LDAP_USE_NON_BLOCKING_TLS`) blocks forever in an ldaps:// TLS
/// handshake against a server that accepts TCP and then says nothing. No libldap timeout and no `SO_RCVTIMEO`
/// helps. What works is to learn the socket through `LDAP_OPT_CONNECT_CB` and `shutdown(fd, SHUT_RDWR)` it when
/// the deadline passes: the blocked `read` returns at once and libldap reports an error. The same shot also
/// ends a stalled bind or search.
///
/// The fd is only touched under the lock, and libldap calls the `lc_del` callback *before* it closes the socket,
/// so the watchdog never shuts down a descriptor number that has been reused.
final class DeadlineWatchdog: @unchecked Sendable {
    private let lock = NSLock()
    private var fd: Int32 = -1
    private var fired = false
    private var timer: DispatchSourceTimer?

    init(deadline: ContinuousClock.Instant) {
        let remaining = ContinuousClock.now.duration(to: deadline)
        let timer = DispatchSource.makeTimerSource(queue: .global(qos: .userInitiated))
        let nanos = max(0, remaining.nanoseconds)
        timer.schedule(deadline: .now() + .nanoseconds(Int(min(nanos, Int64(Int.max)))), leeway: .milliseconds(5))
        timer.setEventHandler { [weak self] in self?.fire() }
        self.timer = timer
        timer.resume()
    }

    deinit {
        timer?.cancel()
    }

    /// True once the deadline has passed (whether or not a socket was open then).
    var hasFired: Bool {
        lock.lock()
        defer { lock.unlock() }
        return fired
    }

    /// The socket libldap just connected (called from `lc_add`). Shut at once if the deadline already passed.
    func socketOpened(_ newFD: Int32) {
        lock.lock()
        defer { lock.unlock() }
        fd = newFD
        if fired, fd >= 0 { _ = shutdown(fd, Int32(SHUT_RDWR)) }
    }

    /// libldap is about to close the socket (called from `lc_del`).
    func socketClosing() {
        lock.lock()
        defer { lock.unlock() }
        fd = -1
    }

    /// Stops the timer; after this the watchdog never touches a socket again.
    func disarm() {
        lock.lock()
        fd = -1
        let t = timer
        timer = nil
        lock.unlock()
        t?.cancel()
    }

    private func fire() {
        lock.lock()
        defer { lock.unlock() }
        guard timer != nil else { return }  // disarmed
        fired = true
        if fd >= 0 { _ = shutdown(fd, Int32(SHUT_RDWR)) }
    }
}

/// Owns the `ldap_conncb` registered with `LDAP_OPT_CONNECT_CB` and what it reports: the socket fd, handed to
/// the watchdog, and whether the TCP connection was established (which tells a connect timeout from a TLS one).
///
/// libldap keeps the pointer, not a copy, so this object must outlive the handle (`close()` unbinds first).
final class ConnectTracker {
    let watchdog: DeadlineWatchdog
    private(set) var tcpConnected = false
    private(set) var lastFD: Int32 = -1
    let callback: UnsafeMutablePointer<ldap_conncb>

    init(watchdog: DeadlineWatchdog) {
        self.watchdog = watchdog
        callback = .allocate(capacity: 1)
        callback.initialize(
            to: ldap_conncb(
                lc_add: { _, sb, _, _, ctx in
                    guard let ctx, let arg = ctx.pointee.lc_arg else { return 0 }
                    var fd: Int32 = -1
                    _ = ber_sockbuf_ctrl(sb, LBER_SB_OPT_GET_FD, &fd)
                    let me = Unmanaged<ConnectTracker>.fromOpaque(arg).takeUnretainedValue()
                    me.tcpConnected = true
                    me.lastFD = fd
                    me.watchdog.socketOpened(fd)
                    return 0
                },
                lc_del: { _, _, ctx in
                    guard let ctx, let arg = ctx.pointee.lc_arg else { return }
                    Unmanaged<ConnectTracker>.fromOpaque(arg).takeUnretainedValue().watchdog.socketClosing()
                },
                lc_arg: nil))
        callback.pointee.lc_arg = Unmanaged.passUnretained(self).toOpaque()
    }

    deinit {
        callback.deinitialize(count: 1)
        callback.deallocate()
    }
}
