import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// For fuzzing only, not API: one entry per parser of untrusted input, for the libFuzzer harnesses in `Fuzz/Harnesses`
/// (`make fuzz`, scripts/fuzz.sh) and for the regression tests of what they found.
///
/// Each entry takes the raw bytes of one input and goes the way a run does: file readers get the bytes as a file (written
/// to a scratch folder, /dev/shm under `make fuzz`) and read it through the same function the probe or command calls,
/// with the same checks before the parser. Errors are the expected outcome for most inputs; only a crash, a leak or a
/// hang is a finding. The result is the error's message, or nil when the input was accepted (the tests use it).
public enum FuzzEntry {
    /// Every entry by the name of its harness (`Fuzz/Harnesses/<name>`).
    public static let all: [(name: String, run: @Sendable ([UInt8]) -> String?)] = [
        ("SecurityDescriptor", securityDescriptor), ("SID", sid), ("InventoryCSV", inventoryCSV),
        ("InventoryExports", inventoryExports), ("ConnectXML", connectXML), ("ConnectPolicyJSON", connectPolicyJSON),
        ("ConnectorCredential", connectorCredential), ("Scheduler", scheduler), ("EventLog", eventLog),
        ("WevtutilXML", wevtutilXML), ("AuditLog", auditLog), ("ConfigYAML", configuration), ("CheckFile", checkFile),
        ("WaiverFile", waiverFile), ("SavedReport", savedReport),
    ]

    // MARK: Directory

    /// `nTSecurityDescriptor` as LDAP returns it: parsed, rendered as SDDL, and judged for every writeback right.
    @discardableResult
    public static func securityDescriptor(_ bytes: [UInt8]) -> String? {
        let descriptor: SecurityDescriptor
        do { descriptor = try SecurityDescriptor(bytes: bytes) } catch { return "\(error)" }
        var token = Set([descriptor.owner, descriptor.group].compactMap { $0 })
        for ace in descriptor.dacl?.aces ?? [] {
            _ = ace.sddl
            if let sid = ace.sid { token.insert(sid) }
        }
        for right in WritebackRight.userRights {
            _ = checkAccess(right.right, dacl: descriptor.daclState, token: token, objectClass: ClassGUID.user, principalSelf: nil)
            _ = allowACEsShadowedByDeny(
                right.right, dacl: descriptor.daclState, token: [.everyone], objectClass: ClassGUID.user, principalSelf: .everyone)
        }
        return nil
    }

    /// A binary SID (`objectSid`, `tokenGroups`) and the same bytes as the string form (configuration, reports).
    @discardableResult
    public static func sid(_ bytes: [UInt8]) -> String? {
        _ = SID(string: String(decoding: bytes, as: UTF8.self)).map { ($0.description, $0.bytes, $0.rid, $0.parent) }
        do {
            let sid = try SID(bytes: bytes)
            guard SID(string: sid.description) == sid, sid.bytes == bytes else { fatalError("SID round trip failed: \(sid)") }
            return nil
        } catch {
            return "\(error)"
        }
    }

    // MARK: Inventory

    /// The CSV reader alone, every field of every row (the result is its verdict), and Microsoft's licensing table
    /// (`inventory.skuCatalog`).
    @discardableResult
    public static func inventoryCSV(_ bytes: [UInt8]) -> String? {
        withFile(bytes, named: "export.csv") { path -> String? in
            do {
                let reader = try CSVReader(path: path, key: "inventory.users")
                _ = (reader.encoding, reader.delimiterName, reader.hadTypeLine, reader.header)
                var rows = 0
                while try reader.nextRow() {
                    for index in 0..<reader.fieldCount {
                        _ = FieldValue.string(reader.field(index))
                        _ = GUID(reader.field(index))
                    }
                    // Locating an error reads the file again up to the field: once per input, not per row.
                    if rows == 0 { _ = reader.error(field: reader.fieldCount - 1, "fuzz") }
                    rows += 1
                }
                _ = try? SkuCatalog.read(path: path)
                return nil
            } catch {
                return "\(error)"
            }
        }
    }

    /// The five inventory exports' readers, each given the input (the others against a small user table).
    @discardableResult
    public static func inventoryExports(_ bytes: [UInt8]) -> String? {
        withFile(bytes, named: "export.csv") { path -> String? in
            var problems: [String] = []
            func attempt(_ read: () throws -> Void) {
                do { try read() } catch { problems.append("\(error)") }
            }
            attempt { _ = try UsersExport.read(path) }
            let (table, catalog) = inventoryContext
            attempt { _ = try MemberExports.readRegistration(path, table: table) }
            attempt { _ = try MemberExports.readScopeGroup(path, table: table) }
            attempt { _ = try LicenseExport.read(path, table: table, catalog: catalog) }
            attempt { _ = try SubscribedSkusExport.read(path, catalog: catalog) }
            return problems.count == 5 ? problems.joined(separator: "\n") : nil
        }
    }

    /// Three users of the fixtures, and the built-in licensing table.
    private static let inventoryContext: (UserTable, SkuCatalog) = {
        let users = """
            "Id","UserPrincipalName","AccountEnabled","OnPremisesSyncEnabled"
            "87d349ed-44d7-43e1-9a83-5f2406dee5bd","AdeleV@contoso.com","True","True"
            "6e7b768e-07e2-4810-8459-485f84f8f204","AlexW@contoso.com","True","True"
            "c03e6eaa-b6ab-46d7-905b-73ec7ea1f755","LidiaH@contoso.com","False","False"

            """
        return withFile(Array(users.utf8), named: "users.csv") { path -> (UserTable, SkuCatalog) in
            do {
                return (try UsersExport.read(path).table, try SkuCatalog.builtIn())
            } catch {
                fatalError("The inventory harness cannot start: \(error)")
            }
        }
    }()

    // MARK: Entra Connect

    /// A `Get-ADSyncServerConfiguration` XML file: through `ServerConfigurationParser.stream`, as the probe reads it (regular
    /// file and UTF-8 checks first, then Foundation's XMLParser), read both as a connector and as GlobalSettings/MV.xml.
    @discardableResult
    public static func connectXML(_ bytes: [UInt8]) -> String? {
        withFile(bytes, named: "Connector_{00000000-0000-0000-0000-000000000000}.xml") { path -> String? in
            var problems: [String] = []
            do { _ = try ServerConfigurationParser.parseConnector(path) } catch { problems.append("\(error)") }
            do { _ = try ServerConfigurationParser.parseGlobalSettingsHeader(path) } catch { problems.append("\(error)") }
            return problems.isEmpty ? nil : problems.joined(separator: "\n")
        }
    }

    /// `connect.export` naming an Applied-SynchronizationPolicy-*.json file.
    @discardableResult
    public static func connectPolicyJSON(_ bytes: [UInt8]) -> String? {
        withFile(bytes, named: "Applied-SynchronizationPolicy-20250304-101500.json") { path -> String? in
            do { _ = try AppliedPolicyParser.parse(path) } catch { return "\(error)" }
            return nil
        }
    }

    /// `connect.connectorCredential`: Get-ADSyncEntraConnectorCredential's text or JSON output.
    @discardableResult
    public static func connectorCredential(_ bytes: [UInt8]) -> String? {
        withFile(bytes, named: "connector-credential.txt") { path -> String? in
            do { _ = try ConnectorCredentialParser.read(path) } catch { return "\(error)" }
            return nil
        }
    }

    /// `connect.scheduler` and `connect.passwordResetConfig`: PowerShell's list and table output.
    @discardableResult
    public static func scheduler(_ bytes: [UInt8]) -> String? {
        withFile(bytes, named: "scheduler.txt") { path -> String? in
            _ = try? SchedulerParser.readPasswordResetConfiguration(path)
            do { _ = try SchedulerParser.read(path) } catch { return "\(error)" }
            return nil
        }
    }

    // MARK: Monitoring

    /// `monitoring.events`: Get-WinEvent or Event Viewer CSV, or wevtutil XML, whichever the file holds.
    @discardableResult
    public static func eventLog(_ bytes: [UInt8]) -> String? {
        withFile(bytes, named: "application.csv") { path -> String? in
            do { _ = try EventLogReader.read([path]) } catch { return "\(error)" }
            return nil
        }
    }

    /// wevtutil XML alone: decoded as `EventLogReader` decodes files, then parsed.
    @discardableResult
    public static func wevtutilXML(_ bytes: [UInt8]) -> String? {
        guard let text = TextDecoding.decode(Data(bytes)) else { return "not text" }
        do { _ = try WevtutilXML.parse(text, file: "application.xml") } catch { return "\(error)" }
        return nil
    }

    /// `monitoring.audit`: the admin center's CSV or JSON download, or saved Graph pages.
    @discardableResult
    public static func auditLog(_ bytes: [UInt8]) -> String? {
        withFile(bytes, named: "audit.json") { path -> String? in
            do { _ = try AuditLogReader.read([path]) } catch { return "\(error)" }
            return nil
        }
    }

    // MARK: Configuration, checks, waivers, reports

    /// `preflight.yml`.
    @discardableResult
    public static func configuration(_ bytes: [UInt8]) -> String? {
        withFile(bytes, named: "preflight.yml") { path -> String? in
            do { _ = try Configuration.load(from: path) } catch { return "\(error)" }
            return nil
        }
    }

    /// One check file of a `--checks` folder, against the built-in probe kinds.
    @discardableResult
    public static func checkFile(_ bytes: [UInt8]) -> String? {
        guard let text = TextDecoding.decode(Data(bytes)) else { return "not text" }
        let sink = DiagnosticSink()
        do {
            _ = try CheckFileParser(file: scratchFolder + "/CHK-001.yml", area: "fuzz", registry: .builtIn, sink: sink).parse(text)
        } catch {
            return "\(error)"
        }
        return sink.isEmpty ? nil : sink.diagnostics.map(\.description).joined(separator: "\n")
    }

    /// `--waivers` / `waivers:` file.
    @discardableResult
    public static func waiverFile(_ bytes: [UInt8]) -> String? {
        withFile(bytes, named: "waivers.yml") { path -> String? in
            do { _ = try WaiverFile.load(from: path) } catch { return "\(error)" }
            return nil
        }
    }

    /// A saved JSON report (`render`, `diff`, `--baseline`), and when it parses, what those commands make of it.
    @discardableResult
    public static func savedReport(_ bytes: [UInt8]) -> String? {
        let report: Report
        do { report = try JSONReporter.parse(Data(bytes), file: "latest.json") } catch { return "\(error)" }
        for format in ReportFormat.allCases { _ = format.render(report) }
        let changes = ReportComparison.compare(baseline: report, baselineFile: "a.json", current: report, currentFile: "b.json")
        _ = (ChangesReporter.markdown(changes), ChangesReporter.json(changes), ChangesReporter.exitStatus(changes))
        return nil
    }

    // MARK: Scratch files

    /// `PREFLIGHT_FUZZ_SCRATCH` (set by scripts/fuzz.sh to a folder in /dev/shm), else the temporary folder.
    static let scratchFolder: String = {
        let folder = ProcessInfo.processInfo.environment["PREFLIGHT_FUZZ_SCRATCH"] ?? NSTemporaryDirectory()
        try? FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        return folder.hasSuffix("/") ? String(folder.dropLast()) : folder
    }()

    /// Writes `bytes` to a file of its own (the tests call the entries concurrently), runs `body` on it, removes it.
    static func withFile<T>(_ bytes: [UInt8], named name: String, _ body: (String) -> T) -> T {
        // A folder per input keeps the file's name, which some readers look at (a date in a policy file's name).
        let folder = scratchFolder + "/" + UUID().uuidString
        let path = folder + "/" + name
        guard mkdir(folder, 0o700) == 0, FileManager.default.createFile(atPath: path, contents: Data(bytes)) else {
            fatalError("cannot write the fuzz input to \(path)")
        }
        defer {
            unlink(path)
            rmdir(folder)
        }
        return body(path)
    }
}
