import Foundation

#if canImport(Glibc)
    import Glibc
#endif
import PreflightKit

/// Real servers on 127.0.0.1 for the network tests (scripts/netlab/netlab.py): TLS servers with good and bad
/// certificates, a TLS 1.0/1.1-only server, a server that never answers HTTP, a plain HTTP server, a relay
/// adding 300 ms each way, and three tinyproxy forward proxies (open, 407, 403). One set per test process;
/// they exit when this process does (netlab stops when its stdin closes).
package final class NetworkLab: @unchecked Sendable {
    package let folder: String
    package let ports: [String: Int]
    private let process: Process
    private let stdin: Pipe

    package var caFile: String { folder + "/ca.pem" }
    package func port(_ name: String) -> Int { ports[name]! }
    package func url(_ name: String, host: String = "localhost") -> String {
        let scheme = name == "crl" ? "http" : "https"
        return "\(scheme)://\(host):\(port(name))/"
    }
    package func proxy(_ name: String) -> String { "http://127.0.0.1:\(port(name))" }

    private static let lab = Result { try NetworkLab() }
    /// Starting the servers blocks for about a second; do it off the cooperative pool.
    package static func shared() async throws -> NetworkLab { try await runBlocking { try lab.get() } }

    init() throws {
        guard FileManager.default.isExecutableFile(atPath: "/usr/bin/tinyproxy") else {
            throw SambaDC.LabError(description: "tinyproxy is not installed. Run 'make test' (scripts/setup.sh installs it).")
        }
        let folder = NSTemporaryDirectory() + "preflight-netlab-\(UUID().uuidString.prefix(8))"
        self.folder = folder
        let script = Repository.root.appendingPathComponent("scripts/netlab/netlab.py").path
        let certs = try Subprocess(arguments: ["python3", script, "certs", folder], environment: ProcessInfo.processInfo.environment)
            .run(input: [], deadline: Date().addingTimeInterval(60))
        guard certs.termination == .exited(0) else {
            throw SambaDC.LabError(
                description: "netlab.py certs failed (it needs Python's cryptography package; run 'make test'): "
                    + String(decoding: certs.stderr, as: UTF8.self))
        }
        func tls(_ name: String, _ kind: String, _ cert: String) -> [String: Any] {
            ["name": name, "kind": kind, "cert": "\(folder)/\(cert).pem", "key": "\(folder)/\(cert).key"]
        }
        let spec: [[String: Any]] = [
            tls("ok", "https", "valid"), tls("expired", "https", "expired"), tls("notyet", "https", "notyet"),
            tls("selfsigned", "https", "selfsigned"), tls("wrongname", "https", "wrongname"), tls("old", "tls-old", "legacy"),
            tls("nohttp", "no-http", "valid"), ["name": "crl", "kind": "http"],
            ["name": "slow", "kind": "relay", "target": "ok", "delayMs": 300],
            ["name": "proxy-open", "kind": "tinyproxy", "mode": "open"],
            ["name": "proxy-auth", "kind": "tinyproxy", "mode": "auth"],
            ["name": "proxy-deny", "kind": "tinyproxy", "mode": "deny", "deny": "^localhost$"],
        ]
        let specFile = folder + "/spec.json"
        try JSONSerialization.data(withJSONObject: spec).write(to: URL(fileURLWithPath: specFile))
        process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        // The lab lives as long as the test process, so netlab removes the folder when it stops.
        process.arguments = ["python3", script, "serve", specFile, "--remove-on-exit", folder]
        stdin = Pipe()
        let stdout = Pipe()
        process.standardInput = stdin
        process.standardOutput = stdout
        process.standardError = FileHandle(forWritingAtPath: "/dev/null")
        try process.run()
        // The first line is {"name": port, …}; read it byte by byte so nothing else is consumed.
        var line = Data()
        let reader = stdout.fileHandleForReading
        while true {
            let byte = reader.readData(ofLength: 1)
            if byte.isEmpty || byte == Data("\n".utf8) { break }
            line.append(byte)
        }
        guard let decoded = try? JSONSerialization.jsonObject(with: line) as? [String: Int] else {
            throw SambaDC.LabError(description: "netlab.py serve did not start (it printed '\(String(decoding: line, as: UTF8.self))').")
        }
        ports = decoded
    }

    deinit {
        try? stdin.fileHandleForWriting.close()
    }
}

/// A port on 127.0.0.1 that is bound but never listens: connections to it are refused (RST), and no other
/// test can take the port while this object lives, unlike a listener that was closed.
package final class RefusingPort: @unchecked Sendable {
    package let port: Int
    private let fd: Int32

    package init() throws {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        self.fd = fd
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let named = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
        }
        guard fd >= 0, bound == 0, named == 0 else { throw SambaDC.LabError(description: "could not reserve a port on 127.0.0.1") }
        port = Int(UInt16(bigEndian: address.sin_port))
    }

    deinit { close(fd) }
}
