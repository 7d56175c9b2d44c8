import Foundation
import PreflightTestSupport
import Testing
import Yams

import PreflightKit

/// `run --save-facts FILE` and `evaluate FILE` end to end: the demo's configuration against a real Samba AD DC and the
/// network lab, then judged again offline; and the files `evaluate` must refuse.
@Suite("Saved facts: run --save-facts, evaluate")
struct SavedFactsCLITests {
    static let demo = Repository.root.appendingPathComponent("examples/demo").path

    /// examples/demo/preflight.yml aimed at this test process's shared lab DC and network lab (the demo's own addresses
    /// and ports belong to DemoAndTerminalTests), with its relative paths made absolute; `change` edits it further.
    func demoConfiguration(in folder: TemporaryFolder, name: String = "preflight.yml", change: (inout [String: Any]) -> Void = { _ in })
        async throws -> String
    {
        let dc = try await SambaLab.shared()
        let lab = try await NetworkLab.shared()
        let text = try String(contentsOfFile: Self.demo + "/preflight.yml", encoding: .utf8)
        var config = try #require(try Yams.load(yaml: text) as? [String: Any])
        func absolute(_ value: Any) -> Any {
            if let path = value as? String { return path.hasPrefix("/") ? path : Self.demo + "/" + path }
            if let list = value as? [Any] { return list.map(absolute) }
            return value
        }
        func section(_ key: String, _ edit: (inout [String: Any]) throws -> Void) throws {
            var values = try #require(config[key] as? [String: Any], "the demo configuration lost its '\(key)' section")
            try edit(&values)
            config[key] = values
        }
        try section("ldap") { ldap in
            #expect(ldap["url"] as? String == "ldaps://127.0.0.5")
            ldap["url"] = dc.ldapsURL
            ldap["caFile"] = dc.caFile
        }
        for key in ["connect", "inventory", "monitoring"] {
            try section(key) { values in
                for (name, value) in values where !(value is Double || value is Int) { values[name] = absolute(value) }
            }
        }
        // The demo's stand-ins on fixed ports are the lab's servers on its own: the same certificates (netlab.py certs).
        let ports = ["18443": lab.port("ok"), "18444": lab.port("slow"), "18080": lab.port("crl")]
        func retarget(_ text: String) -> String {
            ports.reduce(text) { $0.replacingOccurrences(of: ":\($1.key)", with: ":\($1.value)") }
        }
        try section("network") { network in
            network["caFile"] = lab.caFile
            let pins = try #require(network["connectTo"] as? [String])
            network["connectTo"] = pins.map(retarget)
            let endpoints = try #require(network["endpoints"] as? [String: Any])
            network["endpoints"] = endpoints.mapValues { ($0 as? [String] ?? []).map(retarget) }
        }
        #expect(!(try Yams.dump(object: config)).contains(":1844"), "a demo port was left")
        change(&config)
        return try folder.write(name, try Yams.dump(object: config))
    }

    /// A report's JSON without the one thing a judgement of saved facts makes anew: the run id.
    func comparable(_ path: String) throws -> (String, String) {
        let data = try Data(contentsOf: URL(fileURLWithPath: path))
        var object = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        var run = try #require(object["run"] as? [String: Any])
        let id = try #require(run.removeValue(forKey: "id") as? String)
        object["run"] = run
        let text = String(decoding: try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .prettyPrinted]), as: UTF8.self)
        return (id, text)
    }

    func expectSame(_ live: String, _ judged: String, _ comment: String) {
        guard live != judged else { return }
        let a = live.split(separator: "\n"), b = judged.split(separator: "\n")
        let first = zip(a, b).enumerated().first { $0.element.0 != $0.element.1 }?.offset ?? min(a.count, b.count)
        let live = a.dropFirst(first).prefix(6).joined(separator: "\n- "), judged = b.dropFirst(first).prefix(6).joined(separator: "\n+ ")
        Issue.record("\(comment): the reports differ from line \(first + 1):\n- \(live)\n+ \(judged)")
    }

    func sha256(_ file: String) async throws -> String {
        let result = try await Program.run(["sha256sum", file])
        return String(result.stdout.prefix(64))
    }

    /// The demo, both passes: judged again from its saved facts, the report is the live run's, the run id apart (the
    /// start and end times are the run's too: the facts were gathered then).
    @Test(arguments: ["preflight", "health"])
    func aSavedDemoRunJudgesToTheLiveRunsReport(_ phase: String) async throws {
        let folder = try TemporaryFolder("facts-demo")
        let config = try await demoConfiguration(in: folder)
        let facts = folder.url("facts.json")
        let live = try await CLI.run(
            ["run", "--config", config, "--phase", phase, "--out", folder.url("live"), "--save-facts", facts],
            environment: ["PREFLIGHT_DEMO_PASSWORD": SambaDC.readerPassword], timeout: 180)
        #expect(live.exitCode == 1, "the demo finds problems in both passes: \(live)")
        #expect(live.stdout.split(separator: "\n").last.map(String.init) == facts, "\(live)")
        let liveReport = try JSONReporter.parse(Data(try folder.read("live/latest.json").utf8), file: "latest.json")
        // Not a vacuous comparison: the run judged the directory, the network, the exports and (after go-live) the logs.
        let statuses = Set(liveReport.checks.map(\.status))
        #expect(statuses.isSuperset(of: [.pass, .warn, .fail, .skip]), "\(statuses)")
        let judgedAreas = Set(liveReport.checks.filter { $0.status != .skip }.map(\.area))
        let areas: Set<String> = phase == "health" ? ["directory", "monitoring", "plugins"] : ["directory", "network", "connect", "inventory", "plugins"]
        #expect(judgedAreas.isSuperset(of: areas), "\(judgedAreas)")

        // No secret: neither the bind password nor any other of the lab's.
        let saved = try folder.read("facts.json")
        for secret in [SambaDC.readerPassword, SambaDC.administratorPassword, Lab.servicePassword] {
            #expect(!saved.contains(secret), "a password is in the saved facts")
        }
        #expect(saved.contains(#""passwordEnv":"PREFLIGHT_DEMO_PASSWORD""#), "the name of the password source is kept")
        // The inputs' digests, each file of the Connect export included.
        let content = try #require(
            (try JSONSerialization.jsonObject(with: Data(saved.utf8)) as? [String: Any])?["content"] as? [String: Any])
        let inputs = try #require(content["inputs"] as? [[String: Any]])
        let users = Self.demo + "/inventory/users.csv"
        #expect(inputs.first { $0["file"] as? String == users }?["sha256"] as? String == (try await sha256(users)))
        #expect(inputs.filter { $0["key"] as? String == "connect.export" }.count > 20)
        #expect(inputs.first { $0["key"] as? String == "configuration" }?["sha256"] as? String == (try await sha256(config)))

        // Judged again without the password, the DC or the lab being asked anything.
        let evaluated = try await CLI.run(["evaluate", facts, "--out", folder.url("evaluated")])
        #expect(evaluated.exitCode == live.exitCode, "\(evaluated)")
        #expect(evaluated.stdout.split(separator: "\n").first == live.stdout.split(separator: "\n").first, "the same verdict line")
        #expect(evaluated.stderr.isEmpty, "\(evaluated)")
        let (liveID, liveJSON) = try comparable(folder.url("live/latest.json"))
        let (judgedID, judgedJSON) = try comparable(folder.url("evaluated/latest.json"))
        #expect(liveID != judgedID, "a judgement is a run of its own")
        expectSame(liveJSON, judgedJSON, "\(phase) pass")
        // The action plan travels with it: the demo's failures are actions, numbered from 1 (issue #18 §8).
        let judgedObject = try JSONSerialization.jsonObject(with: Data(judgedJSON.utf8)) as? [String: Any]
        let actions = try #require(judgedObject?["actions"] as? [[String: Any]], "the evaluated report has actions")
        #expect(!actions.isEmpty && actions.enumerated().allSatisfy { $0.element["priority"] as? Int == $0.offset + 1 }, "\(actions.count) actions")
        try await SchemaValidator.validate(reportAt: folder.url("evaluated/latest.json"))
        #expect(try folder.read("evaluated/latest.md").contains("# Password writeback readiness: NOT READY"))
    }

    /// `evaluate` probes nothing: with a configuration whose DC and endpoints do not exist, every check comes out as the
    /// run judged it; the report says which configuration's settings it used. A check the catalog gained is judged from
    /// the facts of its kind when they fit (a directory-rights check: the same snapshot), and is an error when the run
    /// gathered nothing that fits (a new plugin); the report says which catalog judged.
    @Test func evaluateAsksTheDirectoryAndTheNetworkNothingAndJudgesANewCheckFromTheFactsOfItsKind() async throws {
        let folder = try TemporaryFolder("facts-offline")
        let config = try await demoConfiguration(in: folder)
        let facts = folder.url("facts.json")
        let live = try await CLI.run(
            ["run", "--config", config, "--out", folder.url("live"), "--save-facts", facts],
            environment: ["PREFLIGHT_DEMO_PASSWORD": SambaDC.readerPassword], timeout: 180)
        #expect(live.exitCode == 1, "\(live)")
        let liveReport = try JSONReporter.parse(Data(try folder.read("live/latest.json").utf8), file: "latest.json")
        #expect(liveReport.checks.first { $0.id == "AD-001" }?.status == .pass)

        let refused = try RefusingPort()
        let dead = try await demoConfiguration(in: folder, name: "dead.yml") { config in
            var ldap = config["ldap"] as? [String: Any] ?? [:]
            ldap["url"] = "ldaps://127.0.0.9"
            ldap["caFile"] = "/nonexistent/ca.pem"
            config["ldap"] = ldap
            var network = config["network"] as? [String: Any] ?? [:]
            network["connectTo"] = ["passwordreset.microsoftonline.com:443:127.0.0.1:\(refused.port)"]
            network["caFile"] = "/nonexistent/netlab-ca.pem"
            config["network"] = network
        }
        let offline = try await CLI.run(["evaluate", facts, "--config", dead, "--out", folder.url("offline")])
        #expect(offline.exitCode == 1, "\(offline)")
        let offlineReport = try JSONReporter.parse(Data(try folder.read("offline/latest.json").utf8), file: "latest.json")
        #expect(offlineReport.checks == liveReport.checks, "judged from the facts, not from the dead addresses")
        #expect(offlineReport.notices.contains { $0.contains("with the settings of \(dead) instead of the run's configuration") })

        // The catalog gains two checks: one more right on the same snapshot, and a plugin the run never ran.
        let extra = TestCatalog(in: folder, "extra")
        try extra.file(
            "PLG-950.yml",
            """
            id: PLG-950
            title: Change Password, judged as a warning
            description: A check added after the facts were saved.
            probe: directory.rights
            severity: low
            requires: [AD-001, AD-002]
            params: {right: change-password, missing: warn}
            """)
        try extra.plugin("PLG-951", title: "A new plugin", reply: #"{"status":"pass"}"#)
        let updated = try await CLI.run(["evaluate", facts, "--checks", folder.url("extra"), "--out", folder.url("updated")])
        #expect(updated.exitCode == 1, "\(updated)")
        let report = try JSONReporter.parse(Data(try folder.read("updated/latest.json").utf8), file: "latest.json")
        let added = try #require(report.checks.first { $0.id == "PLG-950" })
        let original = try #require(liveReport.checks.first { $0.id == "AD-006" })
        #expect(added.status == original.status && added.message == original.message && added.findings == original.findings)
        #expect(added.status != .error)
        let plugin = try #require(report.checks.first { $0.id == "PLG-951" })
        #expect(plugin.status == .error, "never a pass")
        #expect(plugin.message.hasPrefix("Not in the saved facts: the run that saved '\(facts)' (preflight "), "\(plugin.message)")
        #expect(plugin.message.contains("gathered nothing for probe 'exec', so PLG-951 cannot be judged offline; collect again"))
        #expect(report.notices.contains { $0.contains("the catalog \(report.run.catalogDigest); the run used \(liveReport.run.catalogDigest)") })
        for check in liveReport.checks {
            #expect(report.checks.first { $0.id == check.id } == check, "\(check.id) judged the same by the updated catalog")
        }
    }

    /// Plugin checks, which need no lab: the probe's error comes back the same, a changed plugin is not run again, and a
    /// file that was changed, is of another version, or is missing is refused before anything is written.
    @Test func evaluateRunsNoPluginKeepsTheRunsErrorsAndRefusesAChangedFile() async throws {
        let folder = try TemporaryFolder("facts-plugins")
        let custom = TestCatalog(in: folder)
        try custom.plugin("PLG-801", title: "Fails", reply: #"{"status":"fail","message":"broken thing"}"#)
        try custom.plugin("PLG-802", title: "Prints no JSON", reply: "not json")
        let base = ["--checks", folder.url("custom"), "--only", "PLG-801,PLG-802"]
        let live = try await CLI.run(["run"] + base + ["--out", "live", "--save-facts", "facts.json"], in: folder.path)
        #expect(live.exitCode == 1, "\(live)")
        let liveReport = try JSONReporter.parse(Data(try folder.read("live/latest.json").utf8), file: "latest.json")
        let broken = try #require(liveReport.checks.first { $0.id == "PLG-802" })
        #expect(broken.status == .error)

        // The plugins now say otherwise; `evaluate` does not ask them.
        try custom.plugin("PLG-801", title: "Fails", reply: #"{"status":"pass"}"#)
        try custom.plugin("PLG-802", title: "Prints no JSON", reply: #"{"status":"pass"}"#)
        let evaluated = try await CLI.run(["evaluate", "facts.json", "--checks", folder.url("custom"), "--out", "evaluated"], in: folder.path)
        #expect(evaluated.exitCode == 1, "\(evaluated)")
        let judged = try JSONReporter.parse(Data(try folder.read("evaluated/latest.json").utf8), file: "latest.json")
        #expect(judged.checks == liveReport.checks)
        #expect(judged.checks.first { $0.id == "PLG-802" }?.message == broken.message, "the same error, with the same reason")

        // One byte of a fact changed.
        let saved = try folder.read("facts.json")
        #expect(saved.contains("broken thing"))
        try folder.write("tampered.json", saved.replacingOccurrences(of: "broken thing", with: "broken thinG"))
        let tampered = try await CLI.run(["evaluate", "tampered.json", "--checks", folder.url("custom"), "--out", "tampered"], in: folder.path)
        #expect(tampered.exitCode == 65, "\(tampered)")
        #expect(tampered.stderr.hasPrefix("tampered.json: error: it was changed after preflight saved it: its content's SHA-256 is "), "\(tampered)")
        #expect(tampered.stderr.contains("Collect them again with 'preflight run --save-facts FILE'; never edit the file."))
        #expect(!FileManager.default.fileExists(atPath: folder.url("tampered")), "nothing written")

        // Another format version.
        try folder.write("v2.json", saved.replacingOccurrences(of: #""version":1,"#, with: #""version":2,"#))
        let v2 = try await CLI.run(["evaluate", "v2.json", "--checks", folder.url("custom"), "--out", "v2"], in: folder.path)
        #expect(v2.exitCode == 65, "\(v2)")
        #expect(v2.stderr == "v2.json: error: its saved-facts format is version 2, but this preflight (\(PreflightVersion.current)) reads "
            + "version 1. Evaluate it with the preflight release that saved it, or collect the facts again with this one.\n")

        // A missing file, and a report instead of facts.
        let missing = try await CLI.run(["evaluate", "nope.json", "--out", "missing"], in: folder.path)
        #expect(missing.exitCode == 66, "\(missing)")
        #expect(missing.stderr.hasPrefix("preflight: error: Cannot read saved facts 'nope.json': it does not exist."), "\(missing)")
        let report = try await CLI.run(["evaluate", "live/latest.json", "--out", "report"], in: folder.path)
        #expect(report.exitCode == 65 && report.stderr.contains("it is a JSON report, not saved facts"), "\(report)")
    }

    /// `evaluate` ends with `run`'s exit codes: the verdict's, and those of its own usage, configuration and lock.
    @Test func evaluateExitsAsRunDoes() async throws {
        let folder = try TemporaryFolder("facts-exit")
        try TestCatalog(in: folder).plugin("PLG-821", title: "Passes", reply: #"{"status":"pass"}"#)
        let base = ["--checks", folder.url("custom"), "--format", "json,summary"]
        let live = try await CLI.run(["run", "--only", "PLG-821", "--out", "live", "--save-facts", "facts.json"] + base, in: folder.path)
        #expect(live.exitCode == 0, "\(live)")
        let ready = try await CLI.run(["evaluate", "facts.json", "--out", "ready"] + base, in: folder.path)
        #expect(ready.exitCode == 0 && ready.stderr.isEmpty, "\(ready)")
        #expect(ready.stdout.hasPrefix("READY (selection: --only PLG-821) 0 fail, 0 warn, 0 error, 1 pass, 0 skip"), "\(ready)")
        #expect(try comparable(folder.url("ready/latest.json")).1 == (try comparable(folder.url("live/latest.json")).1))

        let usage = try await CLI.run(["evaluate", "facts.json", "--out", "usage", "--fail-on", "severe"] + base, in: folder.path)
        #expect(usage.exitCode == 64, "\(usage)")
        let noFolder = try await CLI.run(["evaluate", "facts.json", "--out", "usage"], in: folder.path)
        #expect(noFolder.exitCode == 64, "\(noFolder)")
        #expect(noFolder.stderr.contains("Unknown check id 'PLG-821'."), "\(noFolder)")
        #expect(noFolder.stderr.contains("The run that saved the facts added --checks \(folder.url("custom")): pass the same to 'evaluate'."))
        try folder.write("bad.yml", "phase: preflight\nnonsense: 1\n")
        let invalid = try await CLI.run(["evaluate", "facts.json", "--config", "bad.yml", "--out", "invalid"] + base, in: folder.path)
        #expect(invalid.exitCode == 78 && invalid.stderr.hasPrefix("bad.yml:2:1: error: "), "\(invalid)")
        let lock = try RunLock.acquire(in: folder.url("locked"))
        let busy = try await CLI.run(["evaluate", "facts.json", "--out", "locked"] + base, in: folder.path)
        #expect(busy.exitCode == 75 && busy.stdout.isEmpty, "\(busy)")
        withExtendedLifetime(lock) {}
        try folder.write("afile", "not a folder")
        let unwritable = try await CLI.run(["evaluate", "facts.json", "--out", "afile"] + base, in: folder.path)
        #expect(unwritable.exitCode == 73 && unwritable.stderr.hasPrefix("preflight: error: Cannot write 'afile'"), "\(unwritable)")
        for out in ["usage", "invalid"] { #expect(!FileManager.default.fileExists(atPath: folder.url(out + "/latest.json"))) }
    }

    /// The facts file's folder is checked before anything runs; the password file is neither saved nor digested.
    @Test func anUnwritableFactsFileStopsTheRunAndAPasswordFileIsNeverSaved() async throws {
        let folder = try TemporaryFolder("facts-secret")
        let unwritable = try await CLI.run(
            ["run", "--only", "NET-001", "--out", "out", "--save-facts", "no/such/folder/facts.json"], in: folder.path)
        #expect(unwritable.exitCode == 73, "\(unwritable)")
        #expect(
            unwritable.stderr
                == "preflight: error: Cannot write the saved facts 'no/such/folder/facts.json': the folder 'no/such/folder' does not exist.\n")
        #expect(!FileManager.default.fileExists(atPath: folder.url("out")), "nothing ran")

        let secret = "Hunter2-S3cr3t-facts"
        let passwordFile = try folder.write("bind.pw", secret)
        chmod(passwordFile, 0o600)
        let refused = try RefusingPort()
        let config = try folder.write(
            "preflight.yml",
            """
            timeoutSeconds: 10
            ldap: {url: "ldap://127.0.0.1:\(refused.port)", bindDN: reader@corp.test, passwordFile: bind.pw, allowInsecure: true}
            """)
        let run = try await CLI.run(
            ["run", "--config", config, "--only", "AD-001", "--out", "out", "--save-facts", "facts.json"], in: folder.path)
        #expect(run.exitCode == 2, "AD-001 could not connect: \(run)")
        let saved = try folder.read("facts.json")
        #expect(!saved.contains(secret))
        #expect(!saved.contains(try await sha256(passwordFile)), "a digest of a password can be guessed")
        #expect(saved.contains(#""passwordFile":"\#(passwordFile)""#), "its path is a setting, and kept")
        #expect(!saved.contains(#""key":"ldap.passwordFile""#))
        let evaluated = try await CLI.run(["evaluate", "facts.json", "--out", "evaluated"], in: folder.path)
        #expect(evaluated.exitCode == 2, "\(evaluated)")
        let live = try JSONReporter.parse(Data(try folder.read("out/latest.json").utf8), file: "latest.json")
        let judged = try JSONReporter.parse(Data(try folder.read("evaluated/latest.json").utf8), file: "latest.json")
        #expect(judged.checks == live.checks && judged.checks.first?.status == .error, "the probe's error, the same")
    }
}
