import Foundation
import PreflightKit

#if canImport(Glibc)
    import Glibc
#endif

/// One long-lived `python3` that runs the validators' scripts for the whole test process.
///
/// A fresh interpreter per report (importing jsonschema or xmlschema each time) cost about 0.16 s of CPU, and the
/// suite validates some 250 files: on a 2-core machine that was most of the CPU a test run had, and it starved the
/// Samba DCs and the binaries under test. The worker imports each module once, and scripts may keep what they
/// compile in the global `CACHE` dict. Scripts run as if by `python3 -c SCRIPT ARGS…`: `sys.argv`, stdout and
/// `sys.exit` behave the same, so each validator stays a plain script.
package final class PythonWorker: @unchecked Sendable {
    package struct Outcome: Sendable {
        package var exitCode: Int
        package var stdout: String
        package var stderr: String
    }

    package struct Failure: Error, CustomStringConvertible {
        package var description: String
    }

    /// The worker of this test process, started on first use (and again if it died).
    package static func run(_ script: String, _ arguments: [String], timeout: Double = 60) throws -> Outcome {
        shared.lock.lock()
        defer { shared.lock.unlock() }
        return try shared.request(script, arguments, timeout: timeout)
    }

    private static let shared = PythonWorker()
    private let lock = NSLock()
    private var process: Process?
    /// Kept with the process: the pipes' file handles close when they are released.
    private var pipes: (stdin: Pipe, stdout: Pipe)?
    /// Bytes read past the last reply's newline.
    private var buffered: [UInt8] = []

    private static let server = """
        import contextlib, io, json, sys, traceback
        CACHE = {}  # for what a script builds once per run, such as a compiled schema
        for line in sys.stdin:
            request = json.loads(line)
            out, err, code = io.StringIO(), io.StringIO(), 0
            sys.argv = ["-c"] + request["argv"]
            with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
                try:
                    exec(compile(request["script"], "<validator>", "exec"), {"__name__": "__main__", "CACHE": CACHE})
                except SystemExit as exit:
                    if isinstance(exit.code, int):
                        code = exit.code
                    elif exit.code is not None:
                        print(exit.code, file=sys.stderr)
                        code = 1
                except BaseException:
                    traceback.print_exc()
                    code = 1
            sys.__stdout__.write(json.dumps({"code": code, "stdout": out.getvalue(), "stderr": err.getvalue()}) + "\\n")
            sys.__stdout__.flush()
        """

    private func start() throws {
        // A worker that died must make write(2) fail with EPIPE, not kill the test process.
        signal(SIGPIPE, SIG_IGN)
        let name = ProcessInfo.processInfo.environment["PYTHON"] ?? "python3"
        // Looked up here: started through env, a missing python3 would only show as a worker that exits at once.
        guard let python = Self.executable(name) else {
            throw Failure(description: "'\(name)' is not on PATH, so the validators cannot run. Run 'make test', which installs python3 and its modules.")
        }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: python)
        process.arguments = ["-c", Self.server]
        let stdin = Pipe(), stdout = Pipe()
        process.standardInput = stdin
        process.standardOutput = stdout
        process.standardError = FileHandle(forWritingAtPath: "/dev/null")
        do {
            try process.run()
        } catch {
            throw Failure(description: "Cannot start python3 for the validators (\(error)). Run 'make test', which installs it.")
        }
        self.process = process
        pipes = (stdin, stdout)
        buffered = []
    }

    private static func executable(_ name: String) -> String? {
        if name.contains("/") { return FileManager.default.isExecutableFile(atPath: name) ? name : nil }
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/local/bin:/usr/bin:/bin"
        return path.split(separator: ":").map { "\($0)/\(name)" }.first { FileManager.default.isExecutableFile(atPath: $0) }
    }

    private func stop() {
        try? pipes?.stdin.fileHandleForWriting.close()
        process?.terminate()
        process = nil
        pipes = nil
    }

    private func request(_ script: String, _ arguments: [String], timeout: Double) throws -> Outcome {
        if process?.isRunning != true { try start() }
        guard let pipes else { throw Failure(description: "The python3 validator worker did not start.") }
        let line = try JSONSerialization.data(withJSONObject: ["script": script, "argv": arguments]) + Data("\n".utf8)
        do {
            try pipes.stdin.fileHandleForWriting.write(contentsOf: line)
        } catch {
            stop()
            throw Failure(description: "The python3 validator worker is gone (\(error)); the next call starts a new one.")
        }
        let reply = try readLine(pipes.stdout.fileHandleForReading.fileDescriptor, deadline: Date().addingTimeInterval(timeout))
        guard let object = try? JSONSerialization.jsonObject(with: Data(reply)) as? [String: Any],
            let code = object["code"] as? Int, let stdout = object["stdout"] as? String, let stderr = object["stderr"] as? String
        else {
            stop()
            throw Failure(description: "The python3 validator worker answered '\(String(decoding: reply.prefix(200), as: UTF8.self))'.")
        }
        return Outcome(exitCode: code, stdout: stdout, stderr: stderr)
    }

    private func readLine(_ output: Int32, deadline: Date) throws -> [UInt8] {
        var chunk = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            if let newline = buffered.firstIndex(of: UInt8(ascii: "\n")) {
                let line = Array(buffered[..<newline])
                buffered.removeSubrange(...newline)
                return line
            }
            let remaining = deadline.timeIntervalSinceNow
            var poller = pollfd(fd: output, events: Int16(POLLIN), revents: 0)
            let ready = remaining > 0 ? poll(&poller, 1, Int32(min(remaining, 3600) * 1000)) : 0
            if ready == 0 {
                stop()
                throw Failure(description: "The python3 validator worker did not answer within its deadline; it was stopped.")
            }
            if ready < 0 {
                if errno == EINTR { continue }
                stop()
                throw Failure(description: "Waiting for the python3 validator worker failed: \(String(cString: strerror(errno))).")
            }
            let count = read(output, &chunk, chunk.count)
            if count <= 0 {
                let status = process.map { $0.isRunning ? "" : " with status \($0.terminationStatus)" } ?? ""
                stop()
                throw Failure(description: "The python3 validator worker exited\(status); the next call starts a new one.")
            }
            buffered += chunk[..<count]
        }
    }
}
