import Foundation
import PreflightTestSupport
import Testing

#if canImport(FoundationXML)
    import FoundationXML
#endif

@testable import PreflightConnect
@testable import PreflightCore
@testable import PreflightDirectory
@testable import PreflightEngine
@testable import PreflightInventory
@testable import PreflightKit
@testable import PreflightMonitoring
@testable import PreflightNetwork
@testable import PreflightReporting

@Suite("Connect export reader")
struct ConnectReaderTests {
    let folder = try! TemporaryFolder("connect")

    func settings(_ export: String?, scheduler: String? = nil, passwordResetConfig: String? = nil) -> Configuration.ConnectSettings {
        var settings = Configuration.ConnectSettings()
        settings.export = export
        settings.scheduler = scheduler
        settings.passwordResetConfig = passwordResetConfig
        return settings
    }

    /// Runs the reader on its own thread, as the probe does (the AD connector file is 1.8 MB).
    func read(_ settings: Configuration.ConnectSettings) async throws -> ConnectFacts {
        try await runBlocking { try ConnectExportReader.read(settings) }
    }

    func readError(_ settings: Configuration.ConnectSettings) async -> String {
        do {
            _ = try await read(settings)
            return "no error"
        } catch {
            return "\(error)"
        }
    }

    @Test func theRealExportIsParsed() async throws {
        let facts = try await read(settings(ConnectFixture.real))
        #expect(facts.format == "server-configuration")
        #expect(facts.source.contains("Get-ADSyncServerConfiguration folder"))
        #expect(facts.server == "CONTOSO-SYNC01")
        #expect(facts.exportDate == "2016-05-03 14:28:09.784")
        #expect(facts.version == "1.1.130.0")
        // MV.xml ends with the global parameters: the build is read there, not assumed from the connector's assembly.
        #expect(facts.versionSource == "Microsoft.Synchronize.ServerConfigurationVersion in MV.xml")
        #expect(facts.synchronizationRuleFiles == 62)
        #expect(facts.files.count == 3)

        let entra = try #require(facts.entraConnectors.first)
        #expect(facts.entraConnectors.count == 1)
        #expect(entra.name == "contoso.onmicrosoft.com - AAD")
        #expect(entra.tenant == "contoso.onmicrosoft.com")
        #expect(entra.passwordWriteback == false)
        #expect(entra.syncAccount == "Sync_CONTOSO-SYNC01_e3c03195e061@contoso.onmicrosoft.com")
        // The sample's authority names another tenant than its connector: recorded, not hidden.
        #expect(entra.authority == "https://login.windows.net/nilonline.onmicrosoft.com")
        #expect(facts.notes.contains { $0.contains("nilonline.onmicrosoft.com") })

        let ad = try #require(facts.adConnectors.first)
        #expect(facts.adConnectors.count == 1)
        #expect(ad.name == "contoso.com" && ad.forest == "contoso.com")
        #expect(ad.loginDomain == "contoso.com" && ad.loginUser == "MSOL_d1edb676ca03")
        #expect(ad.account == "contoso.com\\MSOL_d1edb676ca03")
        #expect(ad.passwordHashSync == false)
        #expect(
            ad.partitions == [
                PartitionFacts(
                    dn: "DC=contoso,DC=com", selected: true, inclusions: ["OU=CORP,DC=contoso,DC=com"],
                    exclusions: ["DC=contoso,DC=com"], lastDC: "CONTOSO-DC01.contoso.com")
            ])
        #expect(facts.stagingMode == nil && facts.passwordResetConfigEnabled == nil)
    }

    @Test func factsRoundTripThroughJSON() async throws {
        let facts = try await read(settings(ConnectFixture.real))
        let decoded = try JSONDecoder().decode(ConnectFacts.self, from: JSONEncoder().encode(facts))
        #expect(decoded == facts)
    }

    @Test func writebackEnabledVariant() async throws {
        let export = try await ConnectFixture.copy(into: folder)
        try await ConnectFixture.edit(
            export, ConnectFixture.entraFile, replacing: "<aad-password-reset-config><enabled>0</enabled>",
            with: "<aad-password-reset-config><enabled>1</enabled>")
        let facts = try await read(settings(export))
        #expect(facts.entraConnectors.map(\.passwordWriteback) == [true])
    }

    @Test func twoForestsGiveTwoADConnectors() async throws {
        let export = try await ConnectFixture.copy(into: folder)
        try await ConnectFixture.addFabrikamForest(export)
        let facts = try await read(settings(export))
        #expect(facts.adConnectors.count == 2)
        let fabrikam = try #require(facts.adConnectors.first { $0.forest == "fabrikam.com" })
        #expect(fabrikam.account == "fabrikam.com\\MSOL_0fab0fab0fab")
        #expect(fabrikam.partitions.first?.dn == "DC=fabrikam,DC=com")
        #expect(fabrikam.partitions.first?.inclusions == ["OU=CORP,DC=fabrikam,DC=com"])
        #expect(facts.adConnectors.contains { $0.forest == "contoso.com" })
    }

    @Test func anOUFilterWithSeveralInclusionsAndExclusions() async throws {
        let export = try await ConnectFixture.copy(into: folder)
        let filter = "<exclusions><exclusion>DC=contoso,DC=com</exclusion><exclusion>OU=Disabled,OU=CORP,DC=contoso,DC=com</exclusion>"
            + "<exclusion>OU=Service,OU=Staff,DC=contoso,DC=com</exclusion></exclusions><inclusions><inclusion>OU=CORP,DC=contoso,DC=com</inclusion>"
            + "<inclusion>OU=Staff,DC=contoso,DC=com</inclusion><inclusion>OU=Contractors,DC=contoso,DC=com</inclusion></inclusions>"
        try await ConnectFixture.edit(export, ConnectFixture.adFile, replacing: ConnectFixture.realFilter, with: filter)
        let partition = try #require(try await read(settings(export)).adConnectors.first?.partitions.first)
        #expect(partition.inclusions == ["OU=CORP,DC=contoso,DC=com", "OU=Staff,DC=contoso,DC=com", "OU=Contractors,DC=contoso,DC=com"])
        #expect(partition.exclusions == ["DC=contoso,DC=com", "OU=Disabled,OU=CORP,DC=contoso,DC=com", "OU=Service,OU=Staff,DC=contoso,DC=com"])
    }

    @Test func unknownElementsFromNewerBuildsAreIgnored() async throws {
        let export = try await ConnectFixture.copy(into: folder)
        try await ConnectFixture.edit(
            export, ConnectFixture.entraFile, replacing: "<aad-password-reset-config>",
            with: "<future-feature mode=\"x\"><nested>1</nested></future-feature><aad-password-reset-config><future-flag>1</future-flag>")
        let facts = try await read(settings(export))
        #expect(facts.entraConnectors.first?.passwordWriteback == false)
    }

    @Test func malformedXMLNamesFileLineAndColumn() async throws {
        let export = try await ConnectFixture.copy(into: folder)
        // Line 4 of the Entra connector file: "  <name>contoso.onmicrosoft.com - AAD</name>".
        try await ConnectFixture.edit(
            export, ConnectFixture.entraFile, replacing: "<name>contoso.onmicrosoft.com - AAD</name>",
            with: "<name>contoso.onmicrosoft.com - AAD</nam>")
        let message = await readError(settings(export))
        #expect(message.contains("Connector_{b891884f-051e-4a83-95af-2544101c9083}.xml:4:"), "\(message)")
        #expect(message.contains("not well-formed XML at line 4, column"), "\(message)")
        #expect(message.contains("Get-ADSyncServerConfiguration"), "\(message)")
    }

    /// libxml2 (recovery mode in FoundationXML) reported one error per bad character, each leaked by FoundationXML: a
    /// 4 MiB file of control characters cost 4,194,304 reports, seconds and hundreds of MB. The parse stops at the first.
    @Test func theParseStopsAtTheFirstError() throws {
        final class CountingCollector: BaseCollector {
            var errors = 0
            override func parser(_ parser: XMLParser, parseErrorOccurred parseError: any Error) {
                errors += 1
                super.parser(parser, parseErrorOccurred: parseError)
            }
        }
        let path = try folder.write("flood/Connector_{00000000-0000-0000-0000-000000000000}.xml", "")
        let bytes = Array("<ma-data>\n  <name>".utf8) + Array(repeating: UInt8(0x01), count: 1 << 20) + Array("</name>\n</ma-data>\n".utf8)
        #expect(FileManager.default.createFile(atPath: path, contents: Data(bytes)))
        let collector = CountingCollector()
        var message = "no error"
        do { try ServerConfigurationParser.stream(path, delegate: collector) } catch { message = "\(error)" }
        #expect(collector.errors == 1)
        #expect(
            message == "\(path):2:9: The Entra Connect export file is not well-formed XML at line 2, column 9 (an invalid character). "
                + "Export it again on the Connect server with Get-ADSyncServerConfiguration and copy the folder without editing or "
                + "re-encoding it.")
    }

    /// A connector file that is empty or only white space (a copy that went wrong) is an error naming the file, not a
    /// connector that is not there.
    @Test(arguments: ["", "  \r\n"]) func anExportFileWithNoElementIsAnError(content: String) throws {
        let path = try folder.write("empty/Connector_{00000000-0000-0000-0000-000000000001}.xml", content)
        var message = "no error"
        do { _ = try ServerConfigurationParser.parseConnector(path) } catch { message = "\(error)" }
        #expect(
            message == "The Entra Connect export file '\(path)' holds no XML element (\(content.utf8.count) bytes), so it is empty, "
                + "was cut off while copying or is not an export file. Export the configuration again on the Connect server with Get-ADSyncServerConfiguration "
                + "and copy the whole folder.")
    }

    /// A well-formed connector file larger than libxml2 takes in one piece (about 10 MB) is read, not refused as
    /// "not well-formed" (it was, with XML parser error 1, when the file was handed over whole).
    @Test func aConnectorFileOver10MBIsRead() throws {
        let padding = String(repeating: "<x-padding>" + String(repeating: "a", count: 100) + "</x-padding>\n", count: 110_000)
        let path = try folder.write(
            "large/Connector_{00000000-0000-0000-0000-000000000002}.xml",
            "<ma-data>\n  <name>corp.example.test</name>\n  <category>AD</category>\n" + padding + "</ma-data>\n")
        #expect((InputLimits.fileSize(path) ?? 0) > 12_000_000)
        guard case .ad(let connector) = try ServerConfigurationParser.parseConnector(path) else {
            Issue.record("the large file did not read as an AD DS connector")
            return
        }
        #expect(connector.name == "corp.example.test")
    }

    @Test func truncatedXMLInTheLongLineIsReportedOnThatLine() async throws {
        let export = try await ConnectFixture.copy(into: folder)
        let path = (export as NSString).appendingPathComponent(ConnectFixture.adFile)
        try await runBlocking {
            let data = try Data(contentsOf: URL(fileURLWithPath: path))
            try? FileManager.default.removeItem(atPath: path)
            try data.prefix(1_000_000).write(to: URL(fileURLWithPath: path))
        }
        let message = await readError(settings(export))
        #expect(message.contains("Connector_{ae4db4cc-b16b-4eb2-acf5-837ca84e4d7d}.xml:14:"), "\(message)")
    }

    @Test func aFolderWithoutAnExportIsAClearError() async throws {
        try folder.write("empty/notes.txt", "nothing here")
        let message = await readError(settings(folder.url("empty")))
        #expect(message.contains("holds no Entra Connect export"), "\(message)")
        #expect(message.contains("Get-ADSyncServerConfiguration -Path"), "\(message)")
    }

    @Test func aSingleConnectorFileIsRejectedWithAHint() async throws {
        let message = await readError(settings((ConnectFixture.real as NSString).appendingPathComponent(ConnectFixture.adFile)))
        #expect(message.contains("single XML file") && message.contains("whole folder"), "\(message)")
    }

    @Test func aConnectorsFolderWithoutFilesIsAnError() async throws {
        try FileManager.default.createDirectory(atPath: folder.url("bare/Connectors"), withIntermediateDirectories: true)
        let message = await readError(settings(folder.url("bare")))
        #expect(message.contains("holds no Connector_{GUID}.xml files"), "\(message)")
    }

    @Test func anAppliedPolicyWithoutWritebackKeysReportsUnknownNeverOff() async throws {
        let file = try folder.write("Applied-SynchronizationPolicy-20250304-101500.json", appliedPolicyJSON())
        let facts = try await read(settings(file))
        #expect(facts.format == "synchronization-policy-json")
        #expect(facts.version == "2.4.131.0" && facts.server == "CONTOSO-SYNC02" && facts.exportDate == "2025-03-04T10:15:00Z")
        #expect(facts.entraConnectors.count == 1)
        #expect(facts.entraConnectors[0].passwordWriteback == nil)
        let ad = try #require(facts.adConnectors.first)
        #expect(ad.name == "contoso.com")
        #expect(ad.passwordHashSync == nil && ad.loginUser == nil)
        #expect(ad.partitions.first?.inclusions == ["OU=CORP,DC=contoso,DC=com", "OU=Staff,DC=contoso,DC=com"])
        #expect(ad.partitions.first?.exclusions == ["OU=Disabled,OU=CORP,DC=contoso,DC=com"])
        #expect(facts.notes.contains { $0.contains("unknown (not 'off')") })
    }

    @Test func writebackKeysInJSONAreFoundDefensively() async throws {
        let json = appliedPolicyJSON().replacingOccurrences(
            of: "\"azureDirectoryPolicy\": {", with: "\"azureDirectoryPolicy\": {\n    \"PasswordWriteBack\": {\"Enabled\": true},")
        let file = try folder.write("settings.json", json)
        let facts = try await read(settings(file))
        #expect(facts.entraConnectors.first?.passwordWriteback == true)
        #expect(facts.notes.contains { $0.contains("UNCONFIRMED") })
    }

    @Test func theNewestOfTwoJSONFilesWinsAndTheSourceSaysWhich() async throws {
        try folder.write("AADConnect/Applied-SynchronizationPolicy-20240110-080000.json", appliedPolicyJSON(version: "2.2.1.0", host: "OLD"))
        try folder.write("AADConnect/Applied-SynchronizationPolicy-20250304-101500.json", appliedPolicyJSON(version: "2.4.131.0", host: "NEW"))
        try folder.write("AADConnect/PersistedState.xml", "<PersistedState/>")
        let facts = try await read(settings(folder.url("AADConnect")))
        #expect(facts.server == "NEW" && facts.version == "2.4.131.0")
        #expect(facts.source.contains("Applied-SynchronizationPolicy-20250304-101500.json"), "\(facts.source)")
        #expect(facts.source.contains("newest of 2"), "\(facts.source)")
        #expect(facts.source.contains("2025-03-04 10:15:00"), "\(facts.source)")
        #expect(facts.source.contains("ignored: Applied-SynchronizationPolicy-20240110-080000.json"), "\(facts.source)")
    }

    @Test func anExportedServerConfigurationFolderInsideAADConnectIsFound() async throws {
        try await ConnectFixture.copy(into: folder, as: "AADConnect/Exported-ServerConfiguration-3a5c")
        try folder.write("AADConnect/Applied-SynchronizationPolicy-20250304-101500.json", appliedPolicyJSON())
        let facts = try await read(settings(folder.url("AADConnect")))
        #expect(facts.format == "server-configuration")
        #expect(facts.source.contains("Exported-ServerConfiguration-3a5c"), "\(facts.source)")
    }

    @Test func malformedJSONNamesFileLineAndColumn() async throws {
        let file = try folder.write("Applied-SynchronizationPolicy-20250304-101500.json", "{\n  \"a\": 1,\n  \"b\": [1, 2,, 3]\n}\n")
        let message = await readError(settings(file))
        #expect(message.contains("Applied-SynchronizationPolicy-20250304-101500.json:3:14:"), "\(message)")
        #expect(message.contains("not valid JSON at line 3, column 14"), "\(message)")
    }

    @Test func truncatedJSONPointsAtTheEnd() async throws {
        let file = try folder.write("cut.json", "{\n  \"policyMetadata\": {\n    \"type\": \"applied\"")
        let message = await readError(settings(file))
        #expect(message.contains("cut.json:3:22:"), "\(message)")
    }

    @Test func schedulerAndPasswordResetOutputsAreRead() async throws {
        let scheduler = try PowerShellText.write(
            folder, "scheduler.txt", PowerShellText.formatList(PowerShellText.schedulerLines(staging: true)), utf16: true)
        let reset = try PowerShellText.write(
            folder, "pwreset.txt", PowerShellText.formatList([("ConnectorName", "contoso.onmicrosoft.com - AAD"), ("Enabled", "True")]),
            utf16: true)
        let facts = try await read(settings(ConnectFixture.real, scheduler: scheduler, passwordResetConfig: reset))
        #expect(facts.stagingMode == true)
        #expect(facts.passwordResetConfigEnabled == true)
        #expect(facts.files.contains(scheduler) && facts.files.contains(reset))
    }
}

@Suite("PowerShell text output")
struct PowerShellOutputTests {
    @Test func outFileUTF16WithBOMDecodesAndParses() throws {
        let text = PowerShellText.formatList(PowerShellText.schedulerLines(staging: false))
        let data = PowerShellText.utf16LEWithBOM(text)
        #expect(data.prefix(4) == Data([0xFF, 0xFE, 0x0D, 0x00]))
        let decoded = try #require(TextDecoding.decode(data))
        #expect(decoded == text)
        let properties = PowerShellOutput.properties(decoded)
        #expect(properties.count == 11)
        #expect(PowerShellOutput.value("stagingmodeenabled", in: properties) == "False")
        #expect(PowerShellOutput.value("NextSyncCycleStartTimeInUTC", in: properties) == "1/23/2018 2:58:30 PM")
        #expect(PowerShellOutput.value("CustomizedSyncCycleInterval", in: properties) == "")
    }

    @Test func utf8WithBOMAndTableOutputParse() throws {
        var data = Data([0xEF, 0xBB, 0xBF])
        data.append(Data("\r\nEnabled\r\n-------\r\n   True\r\n\r\n".utf8))
        let properties = PowerShellOutput.properties(try #require(TextDecoding.decode(data)))
        #expect(PowerShellOutput.bool(PowerShellOutput.value("Enabled", in: properties)) == true)
    }

    @Test func utf16BigEndianDecodes() throws {
        var data = Data([0xFE, 0xFF])
        for unit in "A : 1".utf16 { data.append(contentsOf: [UInt8(unit >> 8), UInt8(unit & 0xFF)]) }
        #expect(TextDecoding.decode(data) == "A : 1")
    }

    /// The tenant is the name before " - AAD" (any case) when it looks like a domain, else the account's domain. A name of
    /// flag emoji (fuzzing found a backwards search over them quadratic) is read in one pass.
    @Test func theTenantComesFromTheConnectorNameOrTheAccount() {
        #expect(ServerConfigurationParser.tenant(name: "contoso.onmicrosoft.com - AAD", account: nil) == "contoso.onmicrosoft.com")
        #expect(ServerConfigurationParser.tenant(name: "contoso.onmicrosoft.com - aad", account: nil) == "contoso.onmicrosoft.com")
        #expect(ServerConfigurationParser.tenant(name: "contoso.onmicrosoft.com -\rAAD", account: nil) == nil)
        #expect(ServerConfigurationParser.tenant(name: "Contoso - AAD", account: "Sync_X@fabrikam.onmicrosoft.com") == "fabrikam.onmicrosoft.com")
        let flags = String(repeating: "🇩🇪", count: 200_000)
        #expect(ServerConfigurationParser.tenant(name: flags + ".example - AAD", account: nil) == flags + ".example")
        #expect(ServerConfigurationParser.tenant(name: flags, account: nil) == nil)
    }

    @Test func byteOffsetsBecomeLineAndColumn() {
        let text = "{\n  \"é\": 1,\n  x\n}"
        // "x" is at byte 15 (é is two bytes) and at character column 3 of line 3.
        #expect(TextDecoding.lineAndColumn(ofUTF8Offset: 15, in: text) == (3, 3))
        #expect(TextDecoding.lineAndColumn(ofUTF8Offset: 0, in: text) == (1, 1))
    }

    @Test func buildNumbersCompareNumerically() throws {
        #expect(try #require(BuildVersion("1.1.443.0")) < #require(BuildVersion("1.1.1000.0")))
        #expect(try #require(BuildVersion("1.6.4.0")) < #require(BuildVersion("2.0.3.0")))
        #expect(BuildVersion("not a version") == nil)
    }

    @Test func timestampsInFileNames() {
        #expect(ExportLocator.timestamp(inName: "Applied-SynchronizationPolicy-20250304-101500.json") == "20250304101500")
        #expect(ExportLocator.timestamp(inName: "Applied-SynchronizationPolicy-2025-03-04T10-15-00.json") == "20250304101500")
        #expect(ExportLocator.timestamp(inName: "settings.json") == nil)
    }
}
