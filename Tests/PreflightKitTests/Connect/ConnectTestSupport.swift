import Foundation
import PreflightTestSupport
import Testing

import PreflightKit

/// The real export and the variants the tests derive from it at run time (never by editing the fixture).
enum ConnectFixture {
    static let real = Repository.fixture("connect/contoso-pilot")
    static let entraFile = "Connectors/Connector_{b891884f-051e-4a83-95af-2544101c9083}.xml"
    static let adFile = "Connectors/Connector_{ae4db4cc-b16b-4eb2-acf5-837ca84e4d7d}.xml"

    /// Copies the real export into `folder/name` and returns its path. File work runs off the cooperative pool
    /// (tests run in parallel with timing-sensitive runner tests).
    @discardableResult
    static func copy(into folder: TemporaryFolder, as name: String = "export") async throws -> String {
        let target = folder.url(name)
        try await runBlocking {
            try FileManager.default.createDirectory(
                atPath: (target as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
            try FileManager.default.copyItem(atPath: real, toPath: target)
        }
        return target
    }

    /// A copy whose MV.xml says it was exported an hour ago, as an export made today would: for tests that judge the
    /// export's content, not its age (the real sample is from 2016-05-03, far beyond maxEvidenceAgeDays).
    @discardableResult
    static func freshCopy(into folder: TemporaryFolder, as name: String = "export") async throws -> String {
        let target = try await copy(into: folder, as: name)
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "yyyy-MM-dd HH:mm:ss.SSS"
        try await edit(
            target, "GlobalSettings/MV.xml", replacing: "export-date='2016-05-03 14:28:09.784'",
            with: "export-date='\(formatter.string(from: Date().addingTimeInterval(-3_600)))'")
        return target
    }

    /// `policyMetadata.timeCreated` of a settings file the wizard wrote an hour ago.
    static var justCreated: String {
        let formatter = ISO8601DateFormatter()
        return formatter.string(from: Date().addingTimeInterval(-3_600))
    }

    /// Replaces `old` (which must occur) with `new` in a copied file, rewriting it as a new file.
    static func edit(_ export: String, _ relative: String, replacing old: String, with new: String) async throws {
        let path = (export as NSString).appendingPathComponent(relative)
        let found = try await runBlocking { () -> Bool in
            let text = try String(contentsOfFile: path, encoding: .utf8)
            guard text.contains(old) else { return false }
            try? FileManager.default.removeItem(atPath: path)
            try text.replacingOccurrences(of: old, with: new).write(toFile: path, atomically: true, encoding: .utf8)
            return true
        }
        #expect(found, "'\(old)' not found in \(relative)")
    }

    /// Adds a second AD DS connector for forest fabrikam.com, derived from the real contoso.com connector.
    static func addFabrikamForest(_ export: String) async throws {
        try await runBlocking { try addFabrikamForestSynchronously(export) }
    }

    private static func addFabrikamForestSynchronously(_ export: String) throws {
        let source = (export as NSString).appendingPathComponent(adFile)
        var text = try String(contentsOfFile: source, encoding: .utf8)
        for (old, new) in [
            ("AE4DB4CC-B16B-4EB2-ACF5-837CA84E4D7D", "11111111-2222-3333-4444-555555555555"),
            ("contoso.com", "fabrikam.com"), ("DC=contoso,DC=com", "DC=fabrikam,DC=com"), ("CONTOSO", "FABRIKAM"),
            ("MSOL_d1edb676ca03", "MSOL_0fab0fab0fab"),
        ] {
            text = text.replacingOccurrences(of: old, with: new)
        }
        let target = (export as NSString).appendingPathComponent("Connectors/Connector_{11111111-2222-3333-4444-555555555555}.xml")
        try text.write(toFile: target, atomically: true, encoding: .utf8)
    }

    static let realFilter =
        "<exclusions><exclusion>DC=contoso,DC=com</exclusion></exclusions><inclusions><inclusion>OU=CORP,DC=contoso,DC=com</inclusion></inclusions>"
}

/// `Get-ADSyncScheduler | Out-File` output, byte-exact: a leading blank line, `Name : Value` padded to the longest name,
/// CRLF line ends and two trailing blank lines; UTF-16LE with BOM (Windows PowerShell 5.1) or UTF-8 (PowerShell 7).
enum PowerShellText {
    static func schedulerLines(staging: Bool) -> [(String, String)] {
        [
            ("AllowedSyncCycleInterval", "00:30:00"), ("CurrentlyEffectiveSyncCycleInterval", "00:30:00"),
            ("CustomizedSyncCycleInterval", ""), ("NextSyncCyclePolicyType", "Delta"),
            ("NextSyncCycleStartTimeInUTC", "1/23/2018 2:58:30 PM"), ("PurgeRunHistoryInterval", "7.00:00:00"),
            ("SyncCycleEnabled", "True"), ("MaintenanceEnabled", "True"), ("StagingModeEnabled", staging ? "True" : "False"),
            ("SchedulerSuspended", "False"), ("SyncCycleInProgress", "False"),
        ]
    }

    static func formatList(_ lines: [(String, String)]) -> String {
        let width = lines.map(\.0.count).max() ?? 0
        let body = lines.map { name, value in
            (name.padding(toLength: width, withPad: " ", startingAt: 0) + " : " + value)
                .replacingOccurrences(of: #"\s+$"#, with: "", options: .regularExpression)
        }
        return "\r\n" + body.joined(separator: "\r\n") + "\r\n\r\n\r\n"
    }

    static func utf16LEWithBOM(_ text: String) -> Data {
        var data = Data([0xFF, 0xFE])
        for unit in text.utf16 { data.append(contentsOf: [UInt8(unit & 0xFF), UInt8(unit >> 8)]) }
        return data
    }

    @discardableResult
    static func write(_ folder: TemporaryFolder, _ name: String, _ text: String, utf16: Bool) throws -> String {
        let path = folder.url(name)
        let data = utf16 ? utf16LEWithBOM(text) : Data(text.utf8)
        try data.write(to: URL(fileURLWithPath: path))
        return path
    }
}

/// Runs catalog checks (the real `Checks/` folder) through the runner.
/// The catalog is loaded once, on a thread of its own: YAML parsing is blocking work, and tests run in parallel
/// with the runner's timing tests, which need the cooperative pool free.
func runConnectChecks(_ ids: [String], _ configuration: Configuration) async throws -> [String: CheckResult] {
    let catalog = try await runBlocking { try TestCatalog.shipped() }
    let checks = catalog.checks.filter { ids.contains($0.id) }
    #expect(checks.count == ids.count, "missing checks: \(Set(ids).subtracting(checks.map(\.id)))")
    let results = await Runner(configuration: configuration).run(checks)
    return Dictionary(uniqueKeysWithValues: results.map { ($0.id, $0) })
}

/// A documented-keys-only Applied-SynchronizationPolicy file (the keys and their public sources:
/// Sources/PreflightConnect/AppliedPolicyParser.swift); no writeback, PHS or staging keys.
func appliedPolicyJSON(version: String = "2.4.131.0", host: String = "CONTOSO-SYNC02", created: String = "2025-03-04T10:15:00Z") -> String {
    """
    {
      "policyMetadata": {
        "type": "applied",
        "author": "CONTOSO\\\\admin",
        "timeCreated": "\(created)",
        "azureADConnectVersion": "\(version)"
      },
      "deploymentMetadata": {
        "hostName": "\(host)",
        "serviceAccount": "CONTOSO\\\\ADSyncMSA1a2b3$",
        "serviceAccountType": "ManagedServiceAccount",
        "databaseServer": "(localdb)",
        "connectorIds": ["{B891884F-051E-4A83-95AF-2544101C9083}", "{AE4DB4CC-B16B-4EB2-ACF5-837CA84E4D7D}"]
      },
      "onpremisesDirectoryPolicy": [
        {
          "friendlyName": "contoso.com",
          "uniqueIdentifier": "ae4db4cc-b16b-4eb2-acf5-837ca84e4d7d",
          "partitionFilters": [
            {
              "distinguishedName": "DC=contoso,DC=com",
              "containerInclusions": ["OU=CORP,DC=contoso,DC=com", "OU=Staff,DC=contoso,DC=com"],
              "containerExclusions": ["OU=Disabled,OU=CORP,DC=contoso,DC=com"]
            }
          ],
          "customSynchronizationRules": [],
          "standardSynchronizationRules": [{"name": "In from AD - User Join", "internalIdentifier": "1", "uniqueIdentifier": "a"}]
        }
      ],
      "azureDirectoryPolicy": {
        "customSynchronizationRules": [],
        "standardSynchronizationRules": [{"name": "Out to AAD - User Join", "internalIdentifier": "2", "uniqueIdentifier": "b"}]
      }
    }
    """
}
