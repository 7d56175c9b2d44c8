import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// Catches SIGINT, SIGTERM and SIGHUP so that an interrupted run can stop its plugins (which run in process groups of
/// their own, out of reach of the terminal's Ctrl-C) before it ends. The handler only writes the signal's number to a
/// pipe (async-signal-safe); the shutdown runs on a thread of its own.
package enum SignalTrap {
    static let signals: [Int32] = [SIGINT, SIGTERM, SIGHUP]

    /// The name a person knows the signal by.
    package static func name(_ signal: Int32) -> String {
        switch signal {
        case SIGINT: "SIGINT"
        case SIGTERM: "SIGTERM"
        case SIGHUP: "SIGHUP"
        default: "signal \(signal)"
        }
    }

    /// Installs the handlers; `shutdown` runs once, on a thread of its own, for the first signal, and must end the
    /// process. A signal that was ignored when the process started stays ignored (a background job in a script
    /// ignores SIGINT on purpose). Later signals can be seen with `another()`.
    package static func install(_ shutdown: @escaping @Sendable (Int32) -> Never) {
        var fds: [Int32] = [0, 0]
        guard pipe(&fds) == 0 else { return }
        for fd in fds { _ = fcntl(fd, F_SETFD, FD_CLOEXEC) }
        // The handler must never block: a full pipe just drops the byte (the first one is what counts).
        _ = fcntl(fds[1], F_SETFL, fcntl(fds[1], F_GETFL) | O_NONBLOCK)
        _ = fcntl(fds[0], F_SETFL, fcntl(fds[0], F_GETFL) | O_NONBLOCK)
        trapReadEnd = fds[0]
        trapWriteEnd = fds[1]
        for signal in signals {
            var previous = sigaction()
            guard sigaction(signal, nil, &previous) == 0 else { continue }
            if unsafeBitCast(previous.__sigaction_handler.sa_handler, to: Int.self) == unsafeBitCast(SIG_IGN, to: Int.self) {
                continue
            }
            var action = sigaction()
            action.__sigaction_handler.sa_handler = trapHandler
            sigemptyset(&action.sa_mask)
            action.sa_flags = Int32(SA_RESTART)
            sigaction(signal, &action, nil)
        }
        let readEnd = fds[0]
        let thread = Thread {
            var poller = pollfd(fd: readEnd, events: Int16(POLLIN), revents: 0)
            while true {
                if let signal = readSignal() { shutdown(signal) }
                _ = poll(&poller, 1, -1)
            }
        }
        thread.name = "preflight.signals"
        thread.start()
    }

    /// True when another trapped signal arrived since the last call (a second Ctrl-C: stop waiting).
    package static func another() -> Bool { readSignal() != nil }

    private static func readSignal() -> Int32? {
        var byte: UInt8 = 0
        return read(trapReadEnd, &byte, 1) == 1 ? Int32(byte) : nil
    }
}

nonisolated(unsafe) private var trapReadEnd: Int32 = -1
nonisolated(unsafe) private var trapWriteEnd: Int32 = -1

private func trapHandler(_ signal: Int32) {
    let saved = errno
    var byte = UInt8(truncatingIfNeeded: signal)
    _ = write(trapWriteEnd, &byte, 1)
    errno = saved
}
