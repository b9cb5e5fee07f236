import ArgumentParser
import Foundation
import GroveCore
import GroveLua
import GroveRemote

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

@main
struct GroveCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "grove",
        abstract: "Manage GitLab groups from Lua scripts and an interactive shell.",
        discussion: """
            grove                      interactive shell (REPL)
            grove FILE [ARGS...]       run a script (also: grove run FILE [ARGS...])
            grove -e 'CODE'            run a one-liner and print its value
            grove -                    run a script read from standard input
            grove -i FILE              run a script, then enter the shell
            grove --json -e 'EXPR'     print the value as one JSON document (--jsonl: a line per item)

            Exit status: 0 success, 1 script error, 2 usage error, 3 a Grove API error the
            script did not catch (its HTTP status is in the message).
            """,
        version: "grove \(GroveVersion.grove) (GitLab REST API \(GroveVersion.gitlab), Lua 5.4)",
        subcommands: [Run.self, Serve.self, Admin.self, RecipeCommand.self, Annotations.self, Luacheckrc.self, Docs.self, ManPage.self, MirrorCommand.self,
                      PlanCommand.self, ApplyCommand.self],
        defaultSubcommand: Run.self
    )

    static func main() {
        do {
            var arguments = subcommandFirst(Array(CommandLine.arguments.dropFirst()))
            if let recipe = try RecipeCommand.rewrite(arguments) { arguments = recipe }
            // What ArgumentParser prints for it, without building the whole parser first.
            if arguments == ["--version"] {
                print(configuration.version)
                return
            }
            if let words = runWords(arguments) {
                if let request = RunRequest.readCommonForm(words) { return try request.run() }
                if var command = try? Run.parseAsRoot(Array(words)) { return try command.run() }
            }
            var command = try parseAsRoot(arguments)
            try command.run()
        } catch {
            // ArgumentParser's usage errors exit 64 (EX_USAGE); grove documents 2, as most
            // command-line tools do.
            if exitCode(for: error) == .validationFailure {
                FileHandle.standardError.write(Data((fullMessage(for: error) + "\n").utf8))
                exit(withError: ExitCode(ExitStatus.usage.rawValue))
            }
            exit(withError: error)
        }
    }

    /// The words of `grove [run] OPTIONS [FILE ARGS...]` for `Run` alone, which reads them
    /// without the root parser: that one first reflects over every subcommand's arguments,
    /// which costs each start several milliseconds, more than the rest of a one-liner.
    /// nil when a word is for the root (a subcommand, help, a builtin flag such as
    /// --version); whatever `Run` alone refuses goes to the root parser too, which says
    /// what is wrong as ever.
    static func runWords(_ arguments: [String]) -> ArraySlice<String>? {
        var words = arguments[...]
        if words.first == Run.configuration.commandName { words = words.dropFirst() }
        if let first = words.first, first == "help" || subcommand(named: first, of: self) != nil { return nil }
        // The root answers these before any subcommand sees them; `Run` would pass them
        // to the script.
        var index = words.startIndex
        while index < words.endIndex, words[index].hasPrefix("-"), words[index] != "-", words[index] != "--" {
            if rootOnlyFlags.contains(words[index]) { return nil }
            index += optionsTakingValues.contains(words[index]) ? 2 : 1
        }
        return words
    }

    /// ArgumentParser's flags of the root command.
    static let rootOnlyFlags = ["-h", "--help", "--version", "--generate-completion-script", "--experimental-dump-help", "---completion"]

    /// The options of `grove [run]`, which a misspelt one is compared with.
    static let runOptions = ["--db", "--memory", "--url", "--gitlab", "--token-file", "--verbose", "-e", "-i", "--dry-run",
                             "--atomic", "--json", "--jsonl", "--as", "-h", "--help", "--version"]

    /// The global options followed by a value.
    static let optionsTakingValues = ["--db", "--as", "-e", "--url", "--gitlab", "--token-file", "--group", "--plan"]

    /// `grove --db x run FILE` means `grove run --db x FILE` (and so for `serve`):
    /// a subcommand among the leading options moves to first place, where the parser looks.
    static func subcommandFirst(_ arguments: [String]) -> [String] {
        let takesValue = optionsTakingValues
        var index = 0
        while index < arguments.count {
            let word = arguments[index]
            if let command = subcommand(named: word, of: self) {
                var rest = arguments
                rest.remove(at: index)
                // `grove --db x admin token`: the nested subcommand moves along.
                if index < rest.count, subcommand(named: rest[index], of: command) != nil {
                    return [word, rest.remove(at: index)] + rest
                }
                return [word] + rest
            }
            guard word.hasPrefix("-"), word != "-" else { break }  // the script: stop looking
            index += takesValue.contains(word) ? 2 : 1
        }
        return arguments
    }
}

extension GroveCommand {
    /// `run`, `serve`, `admin`: read from the configuration, so a new subcommand is known
    /// everywhere a word is checked against them.
    static var subcommandNames: [String] { configuration.subcommands.map(name) }

    static func name(_ command: any ParsableCommand.Type) -> String {
        command.configuration.commandName ?? String(describing: command).lowercased()
    }

    static func subcommand(named word: String, of command: any ParsableCommand.Type) -> (any ParsableCommand.Type)? {
        command.configuration.subcommands.first { name($0) == word }
    }

    /// `grove serv`: a word that is no subcommand and names no file is a typo, not a
    /// script to fail opening.
    static func checkScriptWord(_ word: String) throws {
        // `grove --store x`: an option no command knows reaches here as the first word.
        if word.count > 1, word.hasPrefix("-"), !FileManager.default.fileExists(atPath: word) {
            let name = word.split(separator: "=", maxSplits: 1).first.map(String.init) ?? word
            // A long option is compared with the long ones: `-x` is no slip of `-e`.
            let guess = name.hasPrefix("--")
                ? NameSuggestion.closest(to: name, among: runOptions.filter { $0.hasPrefix("--") }).map { "did you mean \($0)? " } ?? "" : ""
            throw ValidationError("unknown option '\(word)'; \(guess)'grove --help' lists the options")
        }
        guard word != "-", !word.contains("/"), !word.contains("."), !FileManager.default.fileExists(atPath: word) else { return }
        let guess = NameSuggestion.closest(to: word, among: subcommandNames).map { "did you mean \($0)? " } ?? ""
        throw ValidationError("'\(word)' is neither a subcommand nor a file; \(guess)subcommands: \(subcommandNames.joined(separator: ", "))")
    }
}

/// Where the embedded store lives: `--memory`, `--db PATH`, or the per-user default.
struct StoreOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("SQLite file of the embedded store.", valueName: "path"))
    var db: String?

    @Flag(name: .long, help: "Use a throw-away in-memory store.")
    var memory = false

    var choice: StoreChoice { StoreChoice(db: db, memory: memory) }
    func validate() throws { try choice.validate() }
    var location: StoreLocation { choice.location }
}

/// `--db` and `--memory` as plain values, and their rule.
struct StoreChoice: Equatable {
    var db: String?
    var memory = false

    func validate() throws {
        if memory && db != nil { throw ValidationError("--db and --memory exclude each other") }
    }

    var location: StoreLocation {
        if memory { return .memory }
        if let db { return .file(db) }
        return .file(StoreLocation.defaultPath())
    }
}

/// Which GitLab the global modules talk to, when not the embedded store: `--url` (token
/// from `--token-file` or `GITLAB_TOKEN`), or a section of python-gitlab's configuration
/// file (`--gitlab NAME`; `--gitlab ''` for its default section). A token is never a
/// command-line argument: arguments show in `ps` and shell history.
struct ConnectionOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("A GitLab's address (token from --token-file or GITLAB_TOKEN).", valueName: "url"))
    var url: String?

    @Option(name: .long, help: ArgumentHelp("A section of python-gitlab's configuration file; '' for GITLAB_URL/GITLAB_HOST with GITLAB_TOKEN when set, else the file's default section.", valueName: "name"))
    var gitlab: String?

    @Option(name: .long, help: ArgumentHelp("A file whose first line is the token.", valueName: "file"))
    var tokenFile: String?

    @Flag(name: .long, help: "Report each retry of a request to GitLab on stderr.")
    var verbose = false

    var choice: ConnectionChoice { ConnectionChoice(url: url, gitlab: gitlab, tokenFile: tokenFile, verbose: verbose) }
    func validate() throws { try choice.validate() }
    func configuration(environment: [String: String] = ProcessInfo.processInfo.environment) throws -> RemoteConfiguration? {
        try choice.configuration(environment: environment)
    }
}

/// `--url`, `--gitlab`, `--token-file` and `--verbose` as plain values, and their rules.
struct ConnectionChoice: Equatable {
    var url: String?
    var gitlab: String?
    var tokenFile: String?
    var verbose = false

    func validate() throws {
        if url != nil && gitlab != nil { throw ValidationError("--url and --gitlab exclude each other") }
        if tokenFile != nil && url == nil && gitlab == nil { throw ValidationError("--token-file needs --url or --gitlab") }
    }

    /// nil: the embedded store.
    func configuration(environment: [String: String] = ProcessInfo.processInfo.environment) throws -> RemoteConfiguration? {
        var configuration: RemoteConfiguration
        if let gitlab {
            configuration = try RemoteConfiguration.resolve(section: gitlab.isEmpty ? nil : gitlab, environment: environment)
            if let tokenFile { configuration.credential = .privateToken(try RemoteConfiguration.readTokenFile(tokenFile)) }
        } else if let url {
            configuration = try RemoteConfiguration.fromEnvironment(url: url, tokenFile: tokenFile, environment: environment)
        } else {
            return nil
        }
        return configuration
    }
}

struct Run: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Run a Lua script, a one-liner, or the interactive shell (the default)."
    )

    @OptionGroup var store: StoreOptions

    @OptionGroup var connection: ConnectionOptions

    @Option(name: .customShort("e"), help: ArgumentHelp("Run CODE; print the value of an expression.", valueName: "code"))
    var execute: [String] = []

    @Flag(name: .customShort("i"), help: "Enter the interactive shell after running FILE or -e.")
    var interactive = false

    @Flag(name: .long, help: "Run everything in one transaction, print the changes it would make, then roll back.")
    var dryRun = false

    @Flag(name: .long, help: "Run everything in one transaction: commit only if the whole run succeeds.")
    var atomic = false

    @Flag(name: .long, help: "Print the value of -e, or what the script returns, as one JSON document.")
    var json = false

    @Flag(name: .long, help: "Print the value of -e, or what the script returns, as JSON lines: one line per item of a lazy list or array.")
    var jsonl = false

    @Option(name: .customLong("as"), help: ArgumentHelp("Act as this user of the store (default: root).", valueName: "username"))
    var actAs: String?

    @Argument(
        parsing: .captureForPassthrough,
        help: ArgumentHelp("A script (or - for standard input) and its arguments.", valueName: "file [args]"))
    var scriptAndArguments: [String] = []

    /// What was asked, as plain values.
    var request: RunRequest {
        RunRequest(store: store.choice, connection: connection.choice, execute: execute, interactive: interactive, dryRun: dryRun,
                   atomic: atomic, json: json, jsonl: jsonl, actAs: actAs, scriptAndArguments: scriptAndArguments)
    }

    func validate() throws { try request.validate() }
    func run() throws { try request.run() }
}

/// What `grove [run]` is asked to do: made by `Run` (ArgumentParser) or by the fast reader
/// of the usual forms (`RunRequest.readCommonForm`).
struct RunRequest: Equatable {
    var store = StoreChoice()
    var connection = ConnectionChoice()
    var execute: [String] = []
    var interactive = false
    var dryRun = false
    var atomic = false
    var json = false
    var jsonl = false
    var actAs: String?
    var scriptAndArguments: [String] = []

    func validate() throws {
        if dryRun && atomic { throw ValidationError("--dry-run and --atomic exclude each other") }
        if interactive && (dryRun || atomic) {
            throw ValidationError("-i and \(dryRun ? "--dry-run" : "--atomic") exclude each other: the shell would run outside the run's transaction")
        }
        if json && jsonl { throw ValidationError("--json and --jsonl exclude each other") }
        try store.validate()
        try connection.validate()
        if (connection.url != nil || connection.gitlab != nil) && (store.db != nil || store.memory) {
            throw ValidationError("--db and --memory choose the embedded store; --url and --gitlab a GitLab")
        }
    }

    func run() throws {
        // `grove run --help`: the first word would be the script's, and no script is named so.
        if let first = scriptAndArguments.first, first == "--help" || first == "-h" { throw CleanExit.helpRequest(Run.self) }
        if let script = scriptAndArguments.first { try GroveCommand.checkScriptWord(script) }
        let remote: RemoteConfiguration?
        do {
            remote = try connection.configuration()
        } catch let error as RemoteConfigurationError {
            throw ValidationError(error.description)
        }
        if remote != nil, atomic || dryRun {
            let mode = atomic ? "--atomic" : "--dry-run"
            throw ValidationError(atomic
                ? "--atomic needs the embedded store: GitLab's API has no transactions"
                : "\(mode) needs the embedded store: a rehearsal against a GitLab is grove plan")
        }
        let host = try ScriptHost(store: store.location, remote: remote, verbose: connection.verbose,
                                  invocation: CommandLine.arguments, scriptArguments: scriptAndArguments)
        host.output = json ? .json : jsonl ? .jsonLines : .inspect
        if json || jsonl { try host.printToStandardError() }
        if let actAs {
            do {
                host.session.actingAs = try host.session.backend.user(named: actAs, as: nil)
            } catch let error as APIError where error.status == 404 {
                // No such user: a bad command-line argument.
                _ = host.report("--as \(actAs): \(error)")
                throw ExitCode(ExitStatus.usage.rawValue)
            } catch {
                throw ExitCode(host.report("--as \(actAs): \(error)"))
            }
        }
        let nothingToRun = execute.isEmpty && scriptAndArguments.isEmpty
        let onTerminal = isatty(STDIN_FILENO) != 0
        let mode: ScriptHost.Mode = dryRun ? .dryRun : atomic ? .atomic : .direct
        var status = host.run(in: mode) {
            var status: Int32 = 0
            // After os.exit (caught under --atomic and --dry-run) nothing more runs.
            for code in execute where status == 0 && host.exitStatus == nil {
                status = host.runOneLiner(code)
            }
            if status == 0, host.exitStatus == nil, let script = scriptAndArguments.first {
                status = script == "-" ? host.runStandardInput() : host.runFile(script)
            } else if nothingToRun && !interactive && !onTerminal {
                // Like lua.c: with no script and a non-terminal input, run the input.
                status = host.runStandardInput()
            }
            return status
        }
        if status == 0 && host.exitStatus == nil && (interactive || (nothingToRun && onTerminal)) {
            status = REPL(host: host).run()
        }
        if status != 0 { throw ExitCode(status) }
    }
}

extension RunRequest {
    /// The forms scripts are started with, `[OPTIONS] [FILE ARGS...]` with each option
    /// spelled as `grove --help` shows it, read without ArgumentParser: its parser, even
    /// for `Run` alone, costs a start more than everything else a one-liner does (it
    /// reflects over every property, and making a `Run` at all builds every option's
    /// definition). nil for anything else (`--db=x`, `-ie`, `--`, a
    /// repeated option, a value that looks like an option, a rule `validate` refuses):
    /// ArgumentParser reads those, and says what is wrong. `FastRunReaderTests` holds the
    /// two readers to the same result.
    static func readCommonForm(_ words: ArraySlice<String>) -> RunRequest? {
        var run = RunRequest()
        var seen: [String] = []
        var index = words.startIndex
        while index < words.endIndex, words[index].hasPrefix("-"), words[index] != "-" {
            let word = words[index]
            guard word == "-e" || !seen.contains(word) else { return nil }
            seen.append(word)
            if GroveCommand.optionsTakingValues.contains(word) {
                guard index + 1 < words.endIndex, !words[index + 1].hasPrefix("-") else { return nil }
                let value = words[index + 1]
                switch word {
                case "--db": run.store.db = value
                case "--url": run.connection.url = value
                case "--gitlab": run.connection.gitlab = value
                case "--token-file": run.connection.tokenFile = value
                case "-e": run.execute.append(value)
                case "--as": run.actAs = value
                default: return nil
                }
                index += 2
            } else {
                switch word {
                case "--memory": run.store.memory = true
                case "--verbose": run.connection.verbose = true
                case "-i": run.interactive = true
                case "--dry-run": run.dryRun = true
                case "--atomic": run.atomic = true
                case "--json": run.json = true
                case "--jsonl": run.jsonl = true
                default: return nil
                }
                index += 1
            }
        }
        run.scriptAndArguments = Array(words[index...])
        do {
            try run.validate()
        } catch {
            return nil
        }
        return run
    }
}
