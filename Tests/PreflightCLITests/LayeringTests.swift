import Foundation
import PreflightTestSupport
import Testing

/// The layers of Package.swift, as the architecture promises them (README "Architecture"). The compiler enforces that a
/// target imports only what it declares (`--explicit-target-dependency-import-check=error` in `make build` and
/// `make test`); this test keeps the declarations themselves honest, and each source file's imports within them.
@Suite("Layered targets")
struct LayeringTests {
    static let areas: Set = ["PreflightCloudSync", "PreflightConnect", "PreflightDirectory", "PreflightNetwork", "PreflightInventory", "PreflightMonitoring"]

    /// Each target's declared dependencies (target and product names), read from Package.swift's `.target(name: …,
    /// dependencies: [ … ])` calls. (Not `swift package dump-package`: it would wait for the lock of the build running
    /// this test.) `layers` is the manifest's list of every library target.
    static func declaredDependencies() throws -> [String: Set<String>] {
        let manifest = try String(contentsOf: Repository.root.appendingPathComponent("Package.swift"), encoding: .utf8)
        func quoted(_ text: Substring) -> [String] {
            text.split(separator: "\"", omittingEmptySubsequences: false).enumerated().filter { $0.offset % 2 == 1 }.map { String($0.element) }
        }
        func bracketed(after marker: Range<String.Index>) -> Substring {
            var depth = 0
            var index = marker.upperBound
            while index < manifest.endIndex {
                if manifest[index] == "[" { depth += 1 }
                if manifest[index] == "]" {
                    depth -= 1
                    if depth == 0 { return manifest[marker.upperBound...index] }
                }
                index = manifest.index(after: index)
            }
            return manifest[marker.upperBound...]
        }
        let layersStart = try #require(manifest.range(of: "let layers: [Target.Dependency] = "), "Package.swift lost its 'layers' list")
        let layers = quoted(bracketed(after: layersStart))
        var result: [String: Set<String>] = [:]
        var rest = manifest[...]
        while let call = rest.range(of: #"\.(target|executableTarget|testTarget|systemLibrary)\(\s*name: ""#, options: .regularExpression) {
            let nameEnd = try #require(rest[call.upperBound...].firstIndex(of: "\""))
            let name = String(rest[call.upperBound..<nameEnd])
            let nextCall = rest[nameEnd...].range(of: #"\.(target|executableTarget|testTarget|systemLibrary)\("#, options: .regularExpression)?.lowerBound
                ?? rest.endIndex
            var names = Set<String>()
            if let dependencies = rest.range(of: "dependencies: ", range: nameEnd..<nextCall) {
                let value = manifest[dependencies.upperBound...]
                if value.hasPrefix("layers") { names.formUnion(layers) }
                if let open = value.firstIndex(of: "["), open < nextCall {
                    names.formUnion(quoted(bracketed(after: open..<open)))
                }
            }
            result[name] = names
            rest = rest[nextCall...]
        }
        return result
    }

    @Test func theLayersDependOnlyDownwards() throws {
        let dependencies = try Self.declaredDependencies()
        let core = try #require(dependencies["PreflightCore"], "Package.swift lost the PreflightCore target")
        #expect(core.isEmpty, "the core depends on nothing, yet declares \(core.sorted())")
        let engine = try #require(dependencies["PreflightEngine"])
        #expect(engine.isDisjoint(with: Self.areas) && !engine.contains("PreflightReporting"), "the engine never names an area: \(engine.sorted())")
        let reporting = try #require(dependencies["PreflightReporting"])
        #expect(reporting == ["PreflightCore"], "reporters see the report model only, not probes, the engine or C: \(reporting.sorted())")
        for area in Self.areas {
            let declared = try #require(dependencies[area], "Package.swift lost the \(area) target")
            #expect(declared.contains("PreflightEngine") && !declared.contains("PreflightReporting") && !declared.contains("PreflightKit"),
                "\(area) builds on the engine and never sees reporters: \(declared.sorted())")
            #expect(declared.contains("CLDAP") == (area == "PreflightDirectory"), "only PreflightDirectory sees CLDAP: \(area) \(declared.sorted())")
            #expect(declared.contains("CCurl") == (area == "PreflightNetwork"), "only PreflightNetwork sees CCurl: \(area) \(declared.sorted())")
            #expect(declared.contains("CSMB") == (area == "PreflightDirectory"), "only PreflightDirectory sees CSMB: \(area) \(declared.sorted())")
        }
        for (target, declared) in dependencies where !Self.areas.contains(target) && target != "PreflightKit" && !target.hasSuffix("Tests")
            && target != "PreflightTestSupport"
        {
            #expect(!declared.contains("CLDAP") && !declared.contains("CCurl") && !declared.contains("CSMB"), "\(target) must not see a C library: \(declared.sorted())")
        }
    }

    /// Only the area that owns a C library imports it, and nothing but the command line imports ArgumentParser.
    @Test func sourceFilesImportOnlyTheirLayersLibraries() throws {
        let sources = Repository.root.appendingPathComponent("Sources")
        var offenders: [String] = []
        let files = FileManager.default.enumerator(at: sources, includingPropertiesForKeys: nil)?.compactMap { $0 as? URL } ?? []
        for file in files where file.pathExtension == "swift" {
            let components = file.path.dropFirst(sources.path.count + 1).split(separator: "/")
            guard let target = components.first.map(String.init) else { continue }
            let text = try String(contentsOf: file, encoding: .utf8)
            for line in text.split(separator: "\n") where line.hasPrefix("import ") || line.hasPrefix("@_exported import ") {
                let module = String(line.split(separator: " ").last ?? "")
                let allowed: Bool
                switch module {
                case "CLDAP": allowed = target == "PreflightDirectory"
                case "CCurl": allowed = target == "PreflightNetwork"
                case "CSMB": allowed = target == "PreflightDirectory"
                case "ArgumentParser": allowed = target == "preflight"
                default: allowed = true
                }
                if !allowed { offenders.append("\(file.path.dropFirst(sources.path.count + 1)): \(line)") }
            }
        }
        #expect(offenders.isEmpty, "imports outside their layer:\n\(offenders.joined(separator: "\n"))")
    }
}
