import ArgumentParser
import GroveLua

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
            """,
        subcommands: [Run.self],
        defaultSubcommand: Run.self
    )
}

/// Where the embedded store lives: `--memory`, `--db PATH`, or the per-user default.
struct StoreOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("SQLite file of the embedded store.", valueName: "path"))
    var db: String?

    @Flag(name: .long, help: "Use a throw-away in-memory store.")
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

struct Run: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run a Lua script, a one-liner, or the interactive shell (the default)."
    )

    @OptionGroup var store: StoreOptions

    @Option(name: .customShort("e"), help: ArgumentHelp("Run CODE; print the value of an expression.", valueName: "code"))
    var execute: [String] = []

    @Flag(name: .customShort("i"), help: "Enter the interactive shell after running FILE or -e.")
    var interactive = false

    @Argument(
        parsing: .captureForPassthrough,
        help: ArgumentHelp("A script (or - for standard input) and its arguments.", valueName: "file [args]"))
    var scriptAndArguments: [String] = []

    func run() throws {
        let host = try ScriptHost(store: store.location, invocation: CommandLine.arguments, scriptArguments: scriptAndArguments)
        var status: Int32 = 0
        for code in execute where status == 0 {
            status = host.runOneLiner(code)
        }
        if status == 0, let script = scriptAndArguments.first {
            status = script == "-" ? host.runStandardInput() : host.runFile(script)
        }
        let nothingToRun = execute.isEmpty && scriptAndArguments.isEmpty
        if status == 0 && (interactive || (nothingToRun && isatty(STDIN_FILENO) != 0)) {
            status = REPL(host: host).run()
        } else if nothingToRun && !interactive {
            // Like lua.c: with no script and a non-terminal input, run the input.
            status = host.runStandardInput()
        }
        if status != 0 { throw ExitCode(status) }
    }
}
