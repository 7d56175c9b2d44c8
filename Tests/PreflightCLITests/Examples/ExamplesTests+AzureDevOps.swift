import Foundation
import PreflightTestSupport
import Testing
import Yams

import PreflightKit

extension ExamplesTests {
    /// Microsoft's schema for azure-pipelines.yml (service-schema.json) is 1.6 MB: these assertions check what
    /// matters for the gate instead.
    @Suite("Azure DevOps: the gate pipeline")
    struct AzureDevOps {
        static let pipelinePath = ExampleFiles.path("azure-devops/azure-pipelines.yml")
        static let conditions = ["succeededOrFailed()", "always()"]

        struct Pipeline {
            let root: YAMLValue
            let steps: [YAMLValue]
            let gateIndex: Int
            let gate: GateCommand

            init() throws {
                root = try YAMLValue(path: AzureDevOps.pipelinePath)
                let steps = root["steps"]?.items ?? []
                self.steps = steps
                let gates = steps.indices.filter { steps[$0]["script"]?.string?.contains("preflight run") == true }
                try #require(gates.count == 1, "one step runs preflight")
                gateIndex = gates[0]
                gate = try GateCommand(try #require(steps[gateIndex]["script"]?.string))
            }

            func task(_ name: String) throws -> (index: Int, step: YAMLValue) {
                let index = try #require(steps.firstIndex { $0["task"]?.string == name }, "a \(name) step")
                return (index, steps[index])
            }

            /// Azure DevOps macros resolved the way the agent does for a job whose sources are in `workspace`.
            static func expand(_ value: String, workspace: String) throws -> String {
                let expanded = value.replacingOccurrences(of: "$(System.DefaultWorkingDirectory)", with: workspace)
                guard !expanded.contains("$(") else { throw Failure("add the macro in '\(value)' to the substitution table") }
                return expanded
            }
        }

        @Test func theGateDecidesTheRunAndItsResultsArePublishedWhateverItSays() throws {
            let pipeline = try Pipeline()
            pipeline.gate.expectGateFlags()
            #expect(pipeline.root["pool"]?["name"]?.string != nil && pipeline.root["pool"]?["vmImage"] == nil, "a self-hosted pool in the network")
            let gateStep = pipeline.steps[pipeline.gateIndex]
            #expect(gateStep["continueOnError"]?.bool != true, "a failed gate fails the run")
            // Azure DevOps maps no secret into a script by itself: the step maps it, the script never names it.
            let env = gateStep["env"]
            let secret = try #require(env?.keys.first { env?[$0]?.string == "$(\($0))" }, "a secret variable mapped into env")
            #expect(!pipeline.gate.text.contains(secret) && !pipeline.gate.text.contains("$("))

            let results = try pipeline.task("PublishTestResults@2")
            let inputs = try #require(results.step["inputs"])
            #expect(inputs["testResultsFormat"]?.string == "JUnit")
            #expect(inputs["failTaskOnFailedTests"]?.bool != true, "the gate's exit code decides, not the failures in the file")
            let artifact = try pipeline.task("PublishPipelineArtifact@1")
            for (index, step) in [results, artifact] {
                let condition = step["condition"]?.string ?? ""
                #expect(index > pipeline.gateIndex && Self.conditions.contains(condition), "step \(index) runs even after a failed gate")
            }
        }

        @Test(arguments: Scenario.all)
        func thePipelinesStepsRunForReal(_ scenario: Scenario) async throws {
            let pipeline = try Pipeline()
            let machine = try Machine(scenario, "azure")
            let workspace = machine.folder.url("workspace")
            try machine.writeConfiguration(at: "workspace/" + pipeline.gate.config)
            let environment = machine.environment.merging([
                "PATH": try machine.binFolder() + ":" + (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin")
            ]) { $1 }
            // A `script:` step on Linux: bash (without -e) in $(System.DefaultWorkingDirectory).
            let script = try machine.folder.write("gate.sh", try #require(pipeline.steps[pipeline.gateIndex]["script"]?.string))
            let gate = try await Command.run(["bash", "--noprofile", "--norc", script], in: workspace, environment: environment)
            #expect(gate.exitCode == scenario.gateExit, "\(gate)")
            // A script step fails on a non-zero exit unless it continues on error: exit 2 (incomplete) fails the run.
            let stepFails = gate.exitCode != 0 && pipeline.steps[pipeline.gateIndex]["continueOnError"]?.bool != true
            #expect(stepFails == (scenario.gateExit != 0), "\(gate)")
            if scenario.incomplete { #expect(stepFails && gate.stdout.hasPrefix("INCOMPLETE "), "\(gate)") }

            let inputs = try #require(try pipeline.task("PublishTestResults@2").step["inputs"])
            let searchFolder = try Pipeline.expand(inputs["searchFolder"]?.string ?? "$(System.DefaultWorkingDirectory)", workspace: workspace)
            let pattern = try #require(inputs["testResultsFiles"]?.string)
            let published = try await Command.glob(pattern, in: searchFolder)
            try #require(published.count == 1, "testResultsFiles \(pattern) names the JUnit file the gate wrote: \(published)")
            try await machine.expectReports(in: workspace + "/" + pipeline.gate.out, result: gate, phase: .preflight, junit: published[0])

            let target = try Pipeline.expand(
                try #require(try pipeline.task("PublishPipelineArtifact@1").step["inputs"]?["targetPath"]?.string), workspace: workspace)
            #expect(FileManager.default.fileExists(atPath: target + "/latest.json"), "the artifact holds the reports: \(target)")
        }
    }
}
