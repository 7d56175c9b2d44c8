// swift-tools-version:6.0
import PackageDescription

#if canImport(Foundation)
    import Foundation
#endif

let package = Package(
    name: "preflight",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "preflight", targets: ["preflight"]),
        .library(name: "PreflightKit", targets: ["PreflightKit"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.0.0"),
        .package(url: "https://github.com/apple/swift-log", from: "1.6.0"),
    ],
    targets: [
        .systemLibrary(
            name: "CLDAP", path: "Sources/CLDAP", pkgConfig: "ldap",
            providers: [.apt(["libldap2-dev"])]),
        .systemLibrary(
            name: "CCurl", path: "Sources/CCurl", pkgConfig: "libcurl",
            providers: [.apt(["libcurl4-openssl-dev"])]),
        .target(
            name: "PreflightKit",
            dependencies: [
                "CLDAP", "CCurl",
                .product(name: "Yams", package: "Yams"),
                .product(name: "Logging", package: "swift-log"),
            ],
            // Microsoft's licensing table, built in for the inventory checks (see its SOURCE.md for origin and date).
            resources: [.copy("Inventory/Resources/licensing")]),
        .executableTarget(
            name: "preflight",
            dependencies: [
                "PreflightKit",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ]),
        .target(
            name: "PreflightTestSupport", dependencies: ["PreflightKit"],
            path: "Tests/PreflightTestSupport"),
        .testTarget(
            name: "PreflightKitTests", dependencies: ["PreflightKit", "PreflightTestSupport"],
            exclude: ["Fixtures"]),
        .testTarget(
            name: "PreflightCLITests",
            // Yams reads the CI examples the way GitHub and Azure DevOps do (YAML 1.2 scalars), see ExamplesTests.
            dependencies: ["PreflightKit", "PreflightTestSupport", .product(name: "Yams", package: "Yams")]),
    ]
)

// libFuzzer harnesses (Fuzz/Harnesses/<Name>/main.swift), declared only when PREFLIGHT_FUZZ=1 so the normal `swift build`
// and `swift test` neither see nor build them. scripts/fuzz.sh (`make fuzz`) sets it and builds them with
// -sanitize=fuzzer,address in their own scratch path (.build-fuzz).
// The harness list, checked against Fuzz/Harnesses and FuzzEntry by FuzzHarnessListTests.
let fuzzHarnesses = [
    "SecurityDescriptor", "SID", "InventoryCSV", "InventoryExports", "ConnectXML", "ConnectPolicyJSON", "ConnectorCredential",
    "Scheduler", "EventLog", "WevtutilXML", "AuditLog", "ConfigYAML", "CheckFile", "WaiverFile", "SavedReport",
]
#if canImport(Foundation)
    if ProcessInfo.processInfo.environment["PREFLIGHT_FUZZ"] == "1" {
        package.targets.append(.systemLibrary(name: "CLibFuzzer", path: "Fuzz/LibFuzzer"))
        for name in fuzzHarnesses {
            package.targets.append(
                .executableTarget(name: "Fuzz\(name)", dependencies: ["PreflightKit", "CLibFuzzer"], path: "Fuzz/Harnesses/\(name)"))
        }
    }
#endif
