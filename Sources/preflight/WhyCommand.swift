import ArgumentParser
import Foundation
import PreflightCore
import PreflightEngine
import PreflightKit
import PreflightReporting

/// `preflight why USER`: one user's whole story, the helpdesk's "why can't Alice reset her password?". The story is built
/// below the command line (`UserStorySources`, `UserStory`); this only chooses the facts and prints.
struct WhyCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "why",
        abstract: "Tell one user's story: scope, token, every ACE that decided each right, licence, sync, registration, events, verdict.",
        discussion: """
            USER is a userPrincipalName, a sAMAccountName (or DOMAIN\\name) or a distinguished name. Without --facts, the checks \
            'run' would run are run now (nothing is written), and a user outside the scope is looked up in the directory; \
            with --facts, the saved run is judged offline. Exit codes: 0 ready, 1 blocked, 2 unknown (a side not assessed), \
            64 usage, 65 malformed saved facts, 66 unreadable file, 67 no such user, 78 invalid configuration.
            """)

    @Argument(help: ArgumentHelp("The user: a UPN, a sAMAccountName or a DN.", valueName: "user"))
    var user: String?
    @OptionGroup var config: ConfigOptions
    @Option(help: ArgumentHelp("Tell it from the facts 'preflight run --save-facts' wrote, offline.", valueName: "file"))
    var facts: String?
    @OptionGroup var catalog: CatalogOptions
    @Option(help: ArgumentHelp("Override the configuration's phase (health also reads the monitoring logs).", valueName: "phase"))
    var phase: Phase?
    @Option(help: ArgumentHelp("Run only these check ids (comma-separated); their prerequisites run too.", valueName: "ids"))
    var only: [String] = []
    @Option(help: ArgumentHelp("Leave out these check ids (comma-separated).", valueName: "ids"))
    var skip: [String] = []
    @Option(help: ArgumentHelp("Output format.", valueName: "format"))
    var format: WhyFormat = .text
    @Flag(help: "List the in-scope users the directory facts hold (UPN, sAMAccountName, DN) instead of telling a story.")
    var list = false

    func run() async throws {
        guard list || user != nil else {
            throw PreflightError.usage("Name the user (a UPN, a sAMAccountName or a DN), or pass --list to see the users the facts hold.")
        }
        let sources = try await self.sources()
        if list {
            for user in sources.users {
                print([user.upn ?? "-", user.samAccountName ?? "-", user.dn].joined(separator: "\t"))
            }
            return
        }
        let story = try await sources.story(of: user ?? "")
        print(format == .json ? UserStoryRenderer.json(story) : UserStoryRenderer.text(story), terminator: "")
        switch story.verdict.state {
        case .ready: return
        case .blocked: throw CommandExit(status: .notReady)
        case .unknown: throw CommandExit(status: .incomplete)
        }
    }

    private func sources() async throws -> UserStorySources {
        let loaded = try catalog.load()
        if let facts {
            let live = [("--config", config.path != nil), ("--phase", phase != nil), ("--only", !only.isEmpty), ("--skip", !skip.isEmpty)]
            if let option = live.first(where: \.1)?.0 {
                throw PreflightError.usage(
                    "\(option) applies to a run made now; with --facts the saved run's configuration and selection are judged.")
            }
            return try await UserStorySources.saved(try SavedFacts.load(facts, registry: .builtIn), catalog: loaded, folders: catalog.folders)
        }
        var (configuration, notices) = try config.load()
        if let phase { configuration.phase = phase }
        let problems = configuration.problems(with: loaded) + configuration.inputProblems(environment: ProcessInfo.processInfo.environment)
        guard problems.isEmpty else { throw PreflightError.invalidConfiguration(problems) }
        let ids = { (values: [String]) in values.flatMap { $0.split(separator: ",") }.map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty } }
        let selection = Selection(only: ids(only), skip: ids(skip))
        let waivers = try configuration.waivers.map(WaiverFile.load(from:)) ?? []
        if Console.stderrIsTerminal { Console.info("Running the checks to tell the story (nothing is written)…") }
        return await UserStorySources.live(
            configuration: configuration, catalog: loaded, checks: try selection.apply(to: loaded), selection: selection,
            notices: notices, waivers: waivers)
    }
}
