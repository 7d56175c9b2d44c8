// swift-tools-version:6.0
import PackageDescription

#if canImport(Foundation)
    import Foundation
#endif

/// Every library target, for the tests (which reach into each layer).
let layers: [Target.Dependency] = [
    "PreflightCore", "PreflightEngine", "PreflightReporting", "PreflightConnect", "PreflightDirectory", "PreflightNetwork",
    "PreflightInventory", "PreflightMonitoring", "PreflightCloudSync", "PreflightKit",
]

let package = Package(
    name: "preflight",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "preflight", targets: ["preflight"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.0.0"),
        .package(url: "https://github.com/apple/swift-log", from: "1.6.0"),
    ],
    // Layers, each a target, so the compiler enforces them (scripts/test.sh builds with
    // --explicit-target-dependency-import-check=error: a target imports only what it declares here):
    //   PreflightCore        report model, vocabulary, errors, diagnostics; text, time, CSV/XML/JSON input helpers
    //   PreflightEngine      configuration, catalog, probe protocol and registry type, runner, evidence, waiver files
    //   Preflight<Area>      one per probe area, each exporting its probe list; only Directory sees CLDAP and CSMB, only Network CCurl
    //   PreflightReporting   reporters (pure functions of a Report), report files, baselines and drift
    //   PreflightKit         the probe areas together: ProbeRegistry.builtIn, and the fuzzing entry points
    //   preflight            the command line
    // Probes never see reporters; reporters never see probes or C libraries; the engine never names an area.
    targets: [
        .systemLibrary(
            name: "CLDAP", path: "Sources/CLDAP", pkgConfig: "ldap",
            providers: [.apt(["libldap2-dev"])]),
        .systemLibrary(
            name: "CCurl", path: "Sources/CCurl", pkgConfig: "libcurl",
            providers: [.apt(["libcurl4-openssl-dev"])]),
        // libsmbclient: AD-016 reads the GPOs' security templates from SYSVOL over SMB.
        .systemLibrary(
            name: "CSMB", path: "Sources/CSMB", pkgConfig: "smbclient",
            providers: [.apt(["libsmbclient-dev"])]),
        // glibc's mallopt, for the command line alone (Sources/preflight/Main.swift).
        .systemLibrary(name: "CAllocator", path: "Sources/CAllocator"),
        .target(name: "PreflightCore"),
        .target(
            name: "PreflightEngine",
            dependencies: [
                "PreflightCore",
                .product(name: "Yams", package: "Yams"),
                .product(name: "Logging", package: "swift-log"),
            ]),
        .target(name: "PreflightConnect", dependencies: ["PreflightCore", "PreflightEngine"]),
        .target(name: "PreflightCloudSync", dependencies: ["PreflightCore", "PreflightEngine"]),
        .target(
            name: "PreflightDirectory",
            dependencies: [
                "PreflightCore", "PreflightEngine", "CLDAP", "CSMB",
                // The Connect export names the account and the scope the directory checks judge; under cloud-sync, the
                // Cloud Sync jobs' scoping filters name the scope.
                "PreflightConnect", "PreflightCloudSync",
                .product(name: "Logging", package: "swift-log"),
            ]),
        .target(name: "PreflightNetwork", dependencies: ["PreflightCore", "PreflightEngine", "CCurl"]),
        .target(
            name: "PreflightInventory", dependencies: ["PreflightCore", "PreflightEngine"],
            // Microsoft's licensing table, built in for the inventory checks (see its SOURCE.md for origin and date).
            resources: [.copy("Resources/licensing")]),
        .target(
            name: "PreflightMonitoring",
            // Event 33004's users are judged against the directory snapshot with the same RightsJudge as AD-003.
            dependencies: ["PreflightCore", "PreflightEngine", "PreflightDirectory"]),
        .target(name: "PreflightReporting", dependencies: ["PreflightCore"]),
        .target(
            name: "PreflightKit",
            dependencies: [
                "PreflightCore", "PreflightEngine", "PreflightReporting", "PreflightConnect", "PreflightDirectory",
                "PreflightNetwork", "PreflightInventory", "PreflightMonitoring", "PreflightCloudSync",
            ]),
        .executableTarget(
            name: "preflight",
            dependencies: [
                "PreflightCore", "PreflightEngine", "PreflightReporting", "PreflightKit", "CAllocator",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ]),
        .target(
            name: "PreflightTestSupport", dependencies: layers,
            path: "Tests/PreflightTestSupport"),
        .testTarget(
            name: "PreflightKitTests", dependencies: layers + ["PreflightTestSupport"],
            exclude: ["Fixtures"]),
        .testTarget(
            name: "PreflightCLITests",
            // Yams reads the CI examples the way GitHub and Azure DevOps do (YAML 1.2 scalars), see ExamplesTests.
            dependencies: layers + ["PreflightTestSupport", .product(name: "Yams", package: "Yams")]),
    ]
)

// libFuzzer harnesses (Fuzz/Harnesses/<Name>/main.swift), declared only when PREFLIGHT_FUZZ=1 so the normal `swift build`
// and `swift test` neither see nor build them. scripts/fuzz.sh (`make fuzz`) sets it and builds them with
// -sanitize=fuzzer,address in their own scratch path (.build-fuzz).
// The harness list, checked against Fuzz/Harnesses and FuzzEntry by FuzzHarnessListTests.
let fuzzHarnesses = [
    "SecurityDescriptor", "SID", "InventoryCSV", "InventoryExports", "ConnectXML", "ConnectPolicyJSON", "ConnectorCredential",
    "Scheduler", "EventLog", "WevtutilXML", "AuditLog", "ConfigYAML", "CheckFile", "WaiverFile", "SavedReport",
    "SavedRestrictRemoteSAM", "CloudSyncGraphJSON",
]
#if canImport(Foundation)
    if ProcessInfo.processInfo.environment["PREFLIGHT_FUZZ"] == "1" {
        package.targets.append(.systemLibrary(name: "CLibFuzzer", path: "Fuzz/LibFuzzer"))
        for name in fuzzHarnesses {
            package.targets.append(
                .executableTarget(name: "Fuzz\(name)", dependencies: layers + ["CLibFuzzer"], path: "Fuzz/Harnesses/\(name)"))
        }
    }
#endif
