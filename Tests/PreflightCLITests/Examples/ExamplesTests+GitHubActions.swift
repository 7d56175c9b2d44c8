import Foundation
import PreflightTestSupport
import Testing
import Yams

import PreflightKit

extension ExamplesTests {
    @Suite("GitHub Actions: the gate job")
    struct GitHubActions {
        static let workflowPath = ExampleFiles.path("github-actions/preflight.yml")

        struct Workflow {
            let root: YAMLValue
            let job: YAMLValue
            let steps: [YAMLValue]
            let gateIndex: Int
            let gate: GateCommand

            init() throws {
                root = try YAMLValue(path: GitHubActions.workflowPath)
                let jobs = try #require(root["jobs"])
                try #require(jobs.keys.count == 1, "one job: \(jobs.keys)")
                job = try #require(jobs[jobs.keys[0]])
                let steps = job["steps"]?.items ?? []
                self.steps = steps
                let gates = steps.indices.filter { steps[$0]["run"]?.string?.contains("preflight run") == true }
                try #require(gates.count == 1, "one step runs preflight")
                gateIndex = gates[0]
                gate = try GateCommand(try #require(steps[gateIndex]["run"]?.string))
            }

            func step(uses prefixes: [String]) throws -> (index: Int, step: YAMLValue) {
                let index = try #require(steps.firstIndex { step in prefixes.contains { step["uses"]?.string?.hasPrefix($0) == true } }, "\(prefixes)")
                return (index, steps[index])
            }

            var summaryStep: (index: Int, step: YAMLValue)? {
                steps.firstIndex { $0["run"]?.string?.contains("GITHUB_STEP_SUMMARY") == true }.map { ($0, steps[$0]) }
            }

            static func runsAfterAFailure(_ step: YAMLValue) -> Bool {
                let condition = step["if"]?.string ?? ""
                return condition.contains("always()") || condition.contains("!cancelled()")
            }
        }

        @Test func theWorkflowMatchesGitHubsWorkflowSchema() async throws {
            let folder = try TemporaryFolder("examples-gha")
            let workflow = try YAMLValue(path: Self.workflowPath)
            let json = try folder.write("workflow.json", String(decoding: try JSONSerialization.data(withJSONObject: workflow.raw), as: UTF8.self))
            let result = try await Self.validate(json)
            #expect(result.exitCode == 0, "\(result)")
            // The control: the schema rejects the same workflow without `runs-on`, so the pass above means something.
            var broken = try #require(workflow.raw as? [String: Any])
            var jobs = try #require(broken["jobs"] as? [String: Any])
            var job = try #require(jobs["preflight"] as? [String: Any])
            job["runs-on"] = nil
            jobs["preflight"] = job
            broken["jobs"] = jobs
            let brokenJSON = try folder.write("broken.json", String(decoding: try JSONSerialization.data(withJSONObject: broken), as: UTF8.self))
            let rejected = try await Self.validate(brokenJSON)
            #expect(rejected.exitCode == 1 && rejected.stdout.hasPrefix("jobs/preflight: "), "\(rejected)")
        }

        static func validate(_ json: String) async throws -> CLIResult {
            try await Command.python(
                """
                import json, sys
                try:
                    import jsonschema
                except ImportError:
                    sys.exit("Python's jsonschema is missing: run 'make setup' (scripts/setup.sh) first.")
                schema = json.load(open(sys.argv[1]))
                validator = jsonschema.validators.validator_for(schema)
                validator.check_schema(schema)
                errors = sorted(validator(schema).iter_errors(json.load(open(sys.argv[2]))), key=str)
                for error in errors:
                    print("/".join(map(str, error.absolute_path)) + ": " + error.message[:300])
                sys.exit(1 if errors else 0)
                """, [Repository.fixture("ci-schemas/github-workflow.json"), json])
        }

        @Test func theGateDecidesTheJobAndItsResultsArePublishedWhateverItSays() throws {
            let workflow = try Workflow()
            workflow.gate.expectGateFlags()
            let runsOn = workflow.job["runs-on"]
            #expect(runsOn?.string == "self-hosted" || runsOn?.items.first?.string == "self-hosted", "it must reach the DC: a runner in the network")
            let gateStep = workflow.steps[workflow.gateIndex]
            #expect(gateStep["continue-on-error"]?.bool != true && workflow.job["continue-on-error"]?.bool != true, "a failed gate fails the job")
            // The secret reaches preflight through the environment only.
            let env = gateStep["env"]
            let secret = try #require(env?.keys.first { env?[$0]?.string?.hasPrefix("${{ secrets.") == true }, "a secret mapped into env")
            #expect(!workflow.gate.text.contains("secrets.") && !workflow.gate.text.contains(secret))

            let junit = try workflow.step(uses: ["mikepenz/action-junit-report@", "dorny/test-reporter@"])
            let upload = try workflow.step(uses: ["actions/upload-artifact@"])
            let summary = try #require(workflow.summaryStep, "the Markdown report goes to $GITHUB_STEP_SUMMARY")
            for (index, step) in [junit, upload, summary] {
                #expect(index > workflow.gateIndex && Workflow.runsAfterAFailure(step), "step \(index) runs after the gate, even when it fails")
            }
            #expect(junit.step["with"]?["fail_on_failure"]?.bool != true, "the gate's exit code decides, not the failures in the file")
            #expect(workflow.root["permissions"]?["checks"]?.string == "write", "the JUnit action creates a check run")
            let artifact = try #require(upload.step["with"]?["path"]?.string)
            #expect(artifact.hasPrefix(workflow.gate.out), "the artifact is the reports folder: \(artifact)")
        }

        @Test(arguments: Scenario.all)
        func theJobsStepsRunForReal(_ scenario: Scenario) async throws {
            let workflow = try Workflow()
            let machine = try Machine(scenario, "gha")
            let workspace = machine.folder.url("workspace")
            try machine.writeConfiguration(at: "workspace/" + workflow.gate.config)
            let summaryFile = machine.folder.url("step-summary.md")
            try machine.folder.write("step-summary.md", "")
            let environment = machine.environment.merging([
                "PATH": try machine.binFolder() + ":" + (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"),
                "GITHUB_WORKSPACE": workspace, "GITHUB_STEP_SUMMARY": summaryFile,
            ]) { $1 }
            // A `run:` step without `shell:` runs as `bash -e {0}` in the workspace.
            func run(_ script: String) async throws -> CLIResult {
                let file = try machine.folder.write("step-\(UUID().uuidString.prefix(6)).sh", script)
                return try await Command.run(["bash", "-e", file], in: workspace, environment: environment)
            }
            let gate = try await run(try #require(workflow.steps[workflow.gateIndex]["run"]?.string))
            #expect(gate.exitCode == scenario.gateExit, "\(gate)")
            // GitHub fails a `run:` step, and the job with it, on any non-zero exit (the step has no continue-on-error):
            // an incomplete run (2) fails the gate like a blocking failure; it never passes as ready.
            let stepFails = gate.exitCode != 0 && workflow.steps[workflow.gateIndex]["continue-on-error"]?.bool != true
            #expect(stepFails == (scenario.gateExit != 0), "\(gate)")
            if scenario.incomplete { #expect(stepFails && gate.stdout.hasPrefix("INCOMPLETE "), "\(gate)") }

            let reportPaths = try #require(try workflow.step(uses: ["mikepenz/action-junit-report@"]).step["with"]?["report_paths"]?.string)
            let published = try await Command.glob(reportPaths, in: workspace)
            try #require(published.count == 1, "report_paths \(reportPaths) names the JUnit file the gate wrote: \(published)")
            try await machine.expectReports(in: workspace + "/" + workflow.gate.out, result: gate, phase: .preflight, junit: published[0])

            let summary = try await run(try #require(workflow.summaryStep?.step["run"]?.string))
            #expect(summary.exitCode == 0, "\(summary)")
            #expect(try machine.folder.read("step-summary.md") == machine.folder.read("workspace/\(workflow.gate.out)/latest.md"))
            let artifact = try #require(try workflow.step(uses: ["actions/upload-artifact@"]).step["with"]?["path"]?.string)
            let artifactReport = URL(fileURLWithPath: workspace).appendingPathComponent(artifact).appendingPathComponent("latest.json").path
            #expect(FileManager.default.fileExists(atPath: artifactReport), "the artifact holds the reports: \(artifactReport)")
        }
    }
}
