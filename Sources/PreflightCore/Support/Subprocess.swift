import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// Runs an external program in its own process group, feeds it stdin, collects stdout and stderr, and ends the whole
/// group when the deadline passes (a plugin's children die with it): SIGTERM, then SIGKILL after `terminationGrace`.
/// While it runs, the group is in `ChildProcessGroups.shared`, so an interrupted run can end it too.
package struct Subprocess: Sendable {
    package struct Outcome: Sendable {
        package enum Termination: Sendable, Equatable {
            case exited(Int32)
            case signalled(Int32)
            case timedOut
        }
        package var termination: Termination
        package var stdout: [UInt8]
        package var stderr: [UInt8]
    }

    package struct LaunchError: Error, CustomStringConvertible, Sendable {
        package var description: String
    }

    package var arguments: [String]
    package var environment: [String: String]
    package var workingDirectory: String?
    /// Output beyond this many bytes per stream is drained but not kept, so a chatty plugin cannot exhaust memory.
    var outputLimit = 16 << 20
    /// Seconds between SIGTERM and SIGKILL at the deadline: a plugin that ignores SIGTERM, and its children, die anyway.
    var terminationGrace = ChildProcessGroups.defaultGrace

    package init(arguments: [String], environment: [String: String], workingDirectory: String? = nil) {
        self.arguments = arguments
        self.environment = environment
        self.workingDirectory = workingDirectory
    }

    /// Blocking; call through `runBlocking`.
    package func run(input: [UInt8], deadline: Date) throws -> Outcome {
        _ = ignoreSIGPIPE
        let stdinPipe = try Pipe.make(), stdoutPipe = try Pipe.make(), stderrPipe = try Pipe.make()
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_adddup2(&actions, stdinPipe.read, 0)
        posix_spawn_file_actions_adddup2(&actions, stdoutPipe.write, 1)
        posix_spawn_file_actions_adddup2(&actions, stderrPipe.write, 2)
        for fd in [stdinPipe.read, stdinPipe.write, stdoutPipe.read, stdoutPipe.write, stderrPipe.read, stderrPipe.write] {
            posix_spawn_file_actions_addclose(&actions, fd)
        }
        // Nothing else reaches the child: a file another thread has open for writing at this moment (not every
        // open(2) in Foundation sets O_CLOEXEC) would otherwise stay open in a long-lived child, and exec'ing that
        // file would fail with ETXTBSY for as long as the child lives.
        if let addCloseFrom = spawnAddCloseFrom { _ = addCloseFrom(&actions, 3) }
        if let workingDirectory, let addChdir = spawnAddChdir { _ = addChdir(&actions, workingDirectory) }
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK))
        posix_spawnattr_setpgroup(&attributes, 0)
        // Our own dispositions (SIGPIPE ignored; SIGINT, SIGTERM and SIGHUP caught or inherited as ignored) are not the plugin's.
        var defaultSignals = sigset_t()
        sigemptyset(&defaultSignals)
        for signal in [SIGPIPE, SIGINT, SIGTERM, SIGHUP] { sigaddset(&defaultSignals, signal) }
        posix_spawnattr_setsigdefault(&attributes, &defaultSignals)
        var emptyMask = sigset_t()
        sigemptyset(&emptyMask)
        posix_spawnattr_setsigmask(&attributes, &emptyMask)

        let argv = arguments.map { strdup($0) } + [nil]
        let envp = environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer {
            argv.forEach { free($0) }
            envp.forEach { free($0) }
        }
        var pid: pid_t = 0
        var spawned = posix_spawnp(&pid, arguments[0], &actions, &attributes, argv, envp)
        // ETXTBSY is transient: another process briefly holds the script open for writing (an editor, a
        // deployment, or a fork elsewhere in this process that has not exec'd yet). Retry until the deadline.
        var delay: useconds_t = 2_000
        while spawned == ETXTBSY, Date() < deadline {
            usleep(delay)
            delay = min(delay * 2, 100_000)
            spawned = posix_spawnp(&pid, arguments[0], &actions, &attributes, argv, envp)
        }
        close(stdinPipe.read)
        close(stdoutPipe.write)
        close(stderrPipe.write)
        guard spawned == 0 else {
            close(stdinPipe.write)
            close(stdoutPipe.read)
            close(stderrPipe.read)
            throw LaunchError(description: "Cannot start '\(arguments[0])': \(String(cString: strerror(spawned))).")
        }

        // A run being interrupted registers nothing more: the group that just started is ended at once.
        if !ChildProcessGroups.shared.register(pid) { kill(-pid, SIGKILL) }
        defer { ChildProcessGroups.shared.unregister(pid) }

        let group = DispatchGroup()
        let stdoutBox = ByteBox(), stderrBox = ByteBox()
        let limit = outputLimit
        for (fd, box) in [(stdoutPipe.read, stdoutBox), (stderrPipe.read, stderrBox)] {
            group.enter()
            Thread.detachNewThread {
                box.drain(fd, limit: limit)
                close(fd)
                group.leave()
            }
        }
        let inputFD = stdinPipe.write
        Thread.detachNewThread {
            input.withUnsafeBytes { buffer in
                guard let base = buffer.baseAddress else { return }
                var offset = 0
                while offset < buffer.count {
                    let written = write(inputFD, base + offset, buffer.count - offset)
                    if written <= 0 { break }
                    offset += written
                }
            }
            close(inputFD)
        }

        var status: Int32 = 0
        var killAt: Date?
        while true {
            let result = waitpid(pid, &status, WNOHANG)
            if result == pid { break }
            if result < 0 && errno != EINTR { break }
            let now = Date()
            if killAt == nil, now >= deadline {
                // Ask first: a plugin may clean up (a temporary file, a session) when told to stop.
                kill(-pid, SIGTERM)
                killAt = now.addingTimeInterval(terminationGrace)
            }
            if let killAt, now >= killAt {
                kill(-pid, SIGKILL)
                kill(pid, SIGKILL)
                _ = waitpid(pid, &status, 0)
                break
            }
            usleep(2_000)
        }
        // After the deadline, the leader's children get what is left of the grace to end, as it had.
        if let killAt { ChildProcessGroups.waitUntilEnded(pid, until: killAt) }
        // Grandchildren may still hold the pipes open; the group kill covers the normal case, this the rest.
        kill(-pid, SIGKILL)
        _ = group.wait(timeout: .now() + 2)
        let termination: Outcome.Termination
        if killAt != nil {
            termination = .timedOut
        } else if status & 0x7f == 0 {
            termination = .exited((status >> 8) & 0xff)
        } else {
            termination = .signalled(status & 0x7f)
        }
        return Outcome(termination: termination, stdout: stdoutBox.bytes, stderr: stderrBox.bytes)
    }
}

/// A plugin that exits without reading its input must not kill us with SIGPIPE; writes then fail with EPIPE.
private let ignoreSIGPIPE: Void = { _ = signal(SIGPIPE, SIG_IGN) }()

/// glibc's posix_spawn_file_actions_addchdir_np is hidden from Swift's Glibc module; look it up at run time.
private typealias AddChdir = @convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>?, UnsafePointer<CChar>?) -> Int32
private let spawnAddChdir: AddChdir? = dlsym(nil, "posix_spawn_file_actions_addchdir_np").map {
    unsafeBitCast($0, to: AddChdir.self)
}

private typealias AddCloseFrom = @convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>, Int32) -> Int32
/// glibc 2.34 and later.
private let spawnAddCloseFrom: AddCloseFrom? = dlsym(nil, "posix_spawn_file_actions_addclosefrom_np").map {
    unsafeBitCast($0, to: AddCloseFrom.self)
}

private typealias Pipe2 = @convention(c) (UnsafeMutablePointer<Int32>?, Int32) -> Int32
private let pipeWithFlags: Pipe2? = dlsym(nil, "pipe2").map { unsafeBitCast($0, to: Pipe2.self) }

private enum Pipe {
    static func make() throws -> (read: Int32, write: Int32) {
        var fds: [Int32] = [0, 0]
        // Close-on-exec must be set atomically: a plugin spawned at the same moment by another thread would
        // otherwise inherit our write end, and our reader would never see end-of-file.
        guard let pipe2 = pipeWithFlags, pipe2(&fds, O_CLOEXEC) == 0 else {
            throw Subprocess.LaunchError(description: "Cannot create a pipe: \(String(cString: strerror(errno))).")
        }
        return (fds[0], fds[1])
    }
}

private final class ByteBox: @unchecked Sendable {
    private(set) var bytes: [UInt8] = []

    func drain(_ fd: Int32, limit: Int) {
        var buffer = [UInt8](repeating: 0, count: 65_536)
        while true {
            let count = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if count < 0 && errno == EINTR { continue }
            if count <= 0 { break }
            if bytes.count < limit { bytes.append(contentsOf: buffer[0..<min(count, limit - bytes.count)]) }
        }
    }
}
