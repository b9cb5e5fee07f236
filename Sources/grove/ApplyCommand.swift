import ArgumentParser
import Foundation
import GroveCore
import GroveRemote

/// `grove apply`: a script run on a GitLab, as `grove --gitlab NAME run SCRIPT`. With
/// `--plan FILE` (a plan of `grove plan --json`) it first reads the planned groups again
/// and refuses to run when any of them changed since, or when the script did.
struct ApplyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "apply",
        abstract: "Run a script on a GitLab; with --plan, only if the state it was planned on is unchanged.",
        discussion: """
            Without --plan, grove apply --gitlab NAME SCRIPT [ARGS] is grove --gitlab NAME run
            SCRIPT [ARGS]. With --plan FILE (written by grove plan --json), the script and its
            arguments default to the plan's; the GitLab must be the plan's, the script must
            be the one planned (same bytes), and every group the plan mirrored is read again:
            when one changed, moved, went or a new one appeared, apply names it and runs
            nothing (exit 1).
            """
    )

    @OptionGroup var connection: ConnectionOptions

    @Option(name: .long, help: ArgumentHelp("A plan written by grove plan --json.", valueName: "file"))
    var plan: String?

    @Argument(parsing: .captureForPassthrough, help: ArgumentHelp("The script and its arguments (default: the plan's).", valueName: "script [args]"))
    var scriptAndArguments: [String] = []

    func validate() throws {
        // The script's arguments are passed through as they are, so --help would be one.
        if let first = scriptAndArguments.first, first == "--help" || first == "-h" { throw CleanExit.helpRequest(Self.self) }
        if connection.url == nil && connection.gitlab == nil { throw ValidationError("--url or --gitlab names the GitLab to apply to") }
        if plan == nil && scriptAndArguments.isEmpty { throw ValidationError("name the script to apply, or a --plan") }
    }

    func run() throws {
        let configuration = try connection.resolvedRemote(for: "apply")
        var scriptAndArguments = self.scriptAndArguments
        if let plan {
            let recorded: Plan.Origin
            do {
                guard let data = FileManager.default.contents(atPath: plan) else { throw Plan.PlanFileError("cannot be read") }
                recorded = try Plan.Origin(JSONText.decode(String(decoding: data, as: UTF8.self)))
            } catch {
                throw ValidationError("--plan \(plan): \(error)")
            }
            if scriptAndArguments.isEmpty { scriptAndArguments = [recorded.script] + recorded.arguments }
            try refuseUnlessCurrent(recorded, scriptAndArguments: scriptAndArguments, configuration: configuration)
        }
        // The script and its arguments may come from the plan, not the command line: `arg`
        // is built from them.
        let host = try ScriptHost(store: .memory, remote: configuration, verbose: connection.verbose,
                                  invocation: Array(CommandLine.arguments.prefix(1)) + scriptAndArguments, scriptArguments: scriptAndArguments)
        let status = host.runFile(scriptAndArguments[0])
        if status != 0 { throw ExitCode(status) }
    }

    /// Exits 1 naming what differs from the plan: the GitLab, the script, its arguments, a group.
    func refuseUnlessCurrent(_ recorded: Plan.Origin, scriptAndArguments: [String], configuration: RemoteConfiguration) throws {
        func refuse(_ reasons: [String]) throws -> Never {
            var text = "grove apply: the plan no longer matches; nothing was run:\n"
            for reason in reasons { text += "  \(reason)\n" }
            FileHandle.standardError.write(Data(text.utf8))
            throw ExitCode.failure
        }
        if recorded.url != configuration.url { try refuse(["the plan was made for \(recorded.url), not \(configuration.url)"]) }
        let script = scriptAndArguments[0]
        if try ScriptDigest.of(script) != recorded.scriptDigest { try refuse(["\(script) is not the script planned (\(recorded.script)), or it changed since"]) }
        if Array(scriptAndArguments.dropFirst()) != recorded.arguments {
            try refuse(["the arguments differ from the plan's: \(recorded.arguments.joined(separator: " "))"])
        }
        let reader = MirrorReader(client: try RemoteClient(configuration, log: connection.verbose ? ScriptHost.logRetry : nil))
        let current: MirrorSnapshot
        do {
            let roots = recorded.allTopLevel ? try reader.topLevelGroups() : recorded.roots
            current = try reader.read(roots: roots)
        } catch {
            FileHandle.standardError.write(Data("grove apply: reading the planned groups again: \(error)\n".utf8))
            throw ExitCode.failure
        }
        // The plan's changes and refusals were worked out with that user's rights.
        if let planned = recorded.user, let now = current.caller?["username"]?.stringValue, planned != now {
            try refuse(["the plan was made as @\(planned), not @\(now) (the token differs)"])
        }
        let differences = recorded.differences(from: current.state, settings: current.settingsFingerprint)
        if !differences.isEmpty { try refuse(differences) }
    }
}
