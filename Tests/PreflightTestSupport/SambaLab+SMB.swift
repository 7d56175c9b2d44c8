import Foundation
import PreflightKit

/// A lab DC that also serves SYSVOL over SMB (clone.sh mode `smb`), and the Group Policy objects tests give it.
extension SambaDC {
    /// `unshare` arguments that run samba (the arguments that follow) in a private mount namespace whose
    /// `/run/samba` is a small tmpfs with this DC's winbindd socket folder bound at `/run/samba/winbindd`: smbd finds
    /// winbindd (for SID to uid mapping at every SMB login) only there, whatever `winbindd socket directory` says.
    /// The machine's own `/run/samba` is not touched (it is created, empty, when missing, to serve as mount point).
    static func smbLauncher(_ directory: String) -> [String] {
        [
            "--mount", "--propagation", "private", "/bin/sh", "-c",
            #"mkdir -p /run/samba && mount -t tmpfs -o size=1m preflight-lab /run/samba && mkdir /run/samba/winbindd "#
                + #"&& mount --bind "$0/run/winbindd" /run/samba/winbindd && /usr/sbin/samba "$@" && rm -rf "$0""#,
            directory,
        ]
    }

    /// winbindd's socket exists and smbd accepts TCP on ip:445.
    func smbIsReady() -> Bool {
        guard FileManager.default.fileExists(atPath: directory + "/run/winbindd/pipe") else { return false }
        let probe = try? Subprocess(arguments: ["bash", "-c", "exec 3<>/dev/tcp/\(ip)/445"], environment: [:])
            .run(input: [], deadline: Date().addingTimeInterval(2))
        return probe?.termination == .exited(0)
    }

    /// `samba-tool gpo create` (which writes the GPO's SYSVOL folder over SMB, as GPMC does); returns its `{GUID}`.
    package func createGPO(_ name: String) throws -> String {
        let output = try sambaTool(["gpo", "create", name, "-H", ldapURL, "-U", "Administrator%\(Self.administratorPassword)"])
        guard let open = output.firstIndex(of: "{"), let close = output.lastIndex(of: "}") else {
            throw LabError(description: "samba-tool gpo create printed no GUID: \(output)")
        }
        return String(output[open...close])
    }

    /// Links the GPO to `container` (a new link gets the lowest precedence); `enforced` sets the link's enforce flag.
    package func linkGPO(_ guid: String, to container: String, enforced: Bool = false, disabled: Bool = false) throws {
        var arguments = ["gpo", "setlink", container, guid, "-H", ldapURL, "-U", "Administrator%\(Self.administratorPassword)"]
        if enforced { arguments.append("--enforce") }
        if disabled { arguments.append("--disable") }
        _ = try sambaTool(arguments)
    }

    package func unlinkGPO(_ guid: String, from container: String) throws {
        _ = try sambaTool(["gpo", "dellink", container, guid, "-H", ldapURL, "-U", "Administrator%\(Self.administratorPassword)"])
    }

    /// Writes the GPO's `GptTmpl.inf` on the DC's disk as Windows does (UTF-16LE with a BOM, CRLF line ends).
    @discardableResult
    package func writeSecurityTemplate(_ guid: String, lines: [String], encoding: String.Encoding = .utf16LittleEndian) throws -> String {
        let folder = "\(directory)/state/sysvol/\(domain)/Policies/\(guid)/Machine/Microsoft/Windows NT/SecEdit"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let text = lines.joined(separator: "\r\n") + "\r\n"
        var bytes: [UInt8] = encoding == .utf16LittleEndian ? [0xFF, 0xFE] : []
        bytes += Array(text.data(using: encoding) ?? Data())
        let path = folder + "/GptTmpl.inf"
        guard FileManager.default.createFile(atPath: path, contents: Data(bytes)) else {
            throw LabError(description: "cannot write \(path)")
        }
        return path
    }

    private func sambaTool(_ arguments: [String]) throws -> String {
        let outcome = try Subprocess(arguments: ["samba-tool"] + arguments, environment: ProcessInfo.processInfo.environment)
            .run(input: [], deadline: Date().addingTimeInterval(60))
        let output = String(decoding: outcome.stdout + outcome.stderr, as: UTF8.self)
        guard outcome.termination == .exited(0) else {
            throw LabError(description: "samba-tool \(arguments.prefix(2).joined(separator: " ")) failed: \(output)")
        }
        return output
    }
}
