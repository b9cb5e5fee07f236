import Foundation
import Testing
@testable import grove

@Suite("grove executable: scripts, one-liners, stdin")
struct ScriptRunnerTests {
    let dir: URL

    init() throws { dir = try GroveProcess.temporaryDirectory() }

    func script(_ name: String, _ text: String) throws -> String {
        let url = dir.appendingPathComponent(name)
        try text.write(to: url, atomically: true, encoding: .utf8)
        return url.path
    }

    @Test func successExitsZero() throws {
        let path = try script("ok.lua", "print('hello', 1 + 1)")
        let result = try GroveProcess.run([path])
        #expect(result.status == 0)
        #expect(result.stdout == "hello\t2\n")
        #expect(result.stderr.isEmpty)
    }

    @Test func versionNamesGroveAndTheGitLabAPIItFollows() throws {
        let result = try GroveProcess.run(["--version"])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout == "grove 0.1.0 (GitLab REST API 18.0.0, Lua 5.4)\n")
    }

    @Test func luaErrorExitsOneWithMessageAndTraceback() throws {
        let path = try script("fail.lua", "local function inner()\n  error('it broke')\nend\ninner()\n")
        let result = try GroveProcess.run(["run", path])
        #expect(result.status == 1)
        #expect(result.stderr.contains("fail.lua:2: it broke"))
        #expect(result.stderr.contains("stack traceback:"))
        #expect(result.stderr.contains("in local 'inner'") || result.stderr.contains("in function 'inner'"))
    }

    @Test("global options before or after a subcommand; an unknown word lists the subcommands")
    func optionOrderAndUnknownWords() throws {
        let db = dir.appendingPathComponent("order.sqlite").path
        let before = try GroveProcess.run(["--db", db, "admin", "token", "--user", "root"])
        #expect(before.status == 0, "\(before.stderr)")
        #expect(before.stdout.hasPrefix("glpat-"))
        let after = try GroveProcess.run(["admin", "token", "--db", db, "--user", "root"])
        #expect(after.status == 0, "\(after.stderr)")
        let typo = try GroveProcess.run(["serv"])
        #expect(typo.status != 0)
        #expect(typo.stderr.contains("'serv' is neither a subcommand nor a file"), "\(typo.stderr)")
        #expect(typo.stderr.contains("run, serve, admin"))
        // An option no command knows is named as one, not taken for a script.
        let option = try GroveProcess.run(["--store", db, "-e", "return 1"])
        #expect(option.status == 2, "\(option.stderr)")
        #expect(option.stderr.contains("unknown option '--store'"), "\(option.stderr)")
        #expect(!option.stderr.contains("neither a subcommand"), "\(option.stderr)")
    }

    @Test("a misspelt option names the nearest one")
    func misspeltOptionsGetASuggestion() throws {
        let job = try script("x.lua", "print('ran')")
        let cases = [
            (["--dryrun", job], "unknown option '--dryrun'; did you mean --dry-run?"),
            (["--jsn", "-e", "1"], "unknown option '--jsn'; did you mean --json?"),
            (["run", "--atomc", job], "unknown option '--atomc'; did you mean --atomic?"),
            (["--memroy", "-e", "1"], "unknown option '--memroy'; did you mean --memory?"),
        ]
        for (arguments, message) in cases {
            let result = try GroveProcess.run(arguments)
            #expect(result.status == 2, "\(arguments): \(result.stderr)")
            #expect(result.stderr.contains(message), "\(arguments): \(result.stderr)")
            #expect(!result.stdout.contains("ran"))
        }
        let farOff = try GroveProcess.run(["--frobnicate", "-e", "1"])
        #expect(farOff.status == 2 && !farOff.stderr.contains("did you mean"), "\(farOff.stderr)")
        // Every option `grove help run` lists is a candidate, and no other.
        let help = try GroveProcess.run(["help", "run"]).stdout
        var listed = Set<String>()
        for line in help.split(separator: "\n") {
            guard let match = line.wholeMatch(of: /\ \ (-[a-z-]+)(?:, (--[a-z-]+))?(?: <[a-z]+>)?(?:\s.*)?/) else { continue }
            listed.insert(String(match.output.1))
            if let long = match.output.2 { listed.insert(String(long)) }
        }
        #expect(listed == Set(GroveCommand.runOptions), "\(listed.symmetricDifference(GroveCommand.runOptions).sorted())")
    }

    @Test("grove admin token mints a sudo-scoped token for a remote client; an unknown scope is refused")
    func adminTokenWithSudoScope() throws {
        let db = dir.appendingPathComponent("sudo.sqlite").path
        let minted = try GroveProcess.run(["admin", "token", "--db", db, "--scopes", "api,sudo", "--json"])
        #expect(minted.status == 0, "\(minted.stderr)")
        #expect(minted.stdout.contains(#""scopes":["api","sudo"]"#), "\(minted.stdout)")
        let unknown = try GroveProcess.run(["admin", "token", "--db", db, "--scopes", "api,root"])
        #expect(unknown.status == 1)
        #expect(unknown.stderr.contains("scopes does not have a valid value"), "\(unknown.stderr)")
    }

    @Test func syntaxErrorExitsOne() throws {
        let path = try script("syntax.lua", "x = = 1")
        let result = try GroveProcess.run([path])
        #expect(result.status == 1)
        #expect(result.stderr.contains("syntax.lua:1:"))
    }

    @Test func osExitIsHonoured() throws {
        let path = try script("exit.lua", "io.write('before ') os.exit(7)")
        let result = try GroveProcess.run([path])
        #expect(result.status == 7)
        #expect(result.stdout == "before ")
        #expect(try GroveProcess.run(["-e", "os.exit(true)"]).status == 0)
        #expect(try GroveProcess.run(["-e", "os.exit(false)"]).status == 1)
    }

    @Test func argTableAndVarargsAsInLuaC() throws {
        let path = try script("args.lua", "print(arg[0], arg[1], arg[2], #arg, select('#', ...), ...)")
        let result = try GroveProcess.run([path, "one", "--two"])
        #expect(result.stdout == "\(path)\tone\t--two\t2\t2\tone\t--two\n")
        let viaRun = try GroveProcess.run(["run", path, "x"])
        #expect(viaRun.stdout == "\(path)\tx\tnil\t1\t1\tx\n")
        let negative = try GroveProcess.run(["--memory", path])
        #expect(negative.stdout.hasPrefix("\(path)\tnil"))
        let options = try GroveProcess.run(["--memory", "-e", "print(arg[-1])", path])
        #expect(options.stdout.hasPrefix("print(arg[-1])\n"))
    }

    @Test func shebangLineIsSkipped() throws {
        let path = try script("tool", "#!/usr/bin/env grove\nprint('from shebang', arg[1])\nerror('line 3')\n")
        chmod(path, 0o755)
        let binDir = GroveProcess.executable.deletingLastPathComponent().path
        let result = try GroveProcess.run(
            ["a"], environment: ["PATH": binDir + ":" + (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin")],
            executable: URL(fileURLWithPath: path))
        #expect(result.stdout == "from shebang\ta\n")
        #expect(result.stderr.contains("tool:3: line 3"), "line numbers must still match the file")
        #expect(result.status == 1)
    }

    @Test func oneLinersPrintExpressions() throws {
        #expect(try GroveProcess.run(["-e", "1 + 1"]).stdout == "2\n")
        #expect(try GroveProcess.run(["-e", "x = 1"]).stdout == "")
        #expect(try GroveProcess.run(["-e", "return 'a', nil, 3"]).stdout == "\"a\"\tnil\t3\n")
        #expect(try GroveProcess.run(["-e", "{b = {2, 1}, a = grove.null}"]).stdout == "{a = null, b = {2, 1}}\n")
        #expect(try GroveProcess.run(["-e", "x = 20", "-e", "x + 1"]).stdout == "21\n")
        let failing = try GroveProcess.run(["-e", "error('nope')"])
        #expect(failing.status == 1)
        #expect(failing.stderr.hasPrefix("grove: (command line):1: nope"))
    }

    @Test func scriptFromStandardInput() throws {
        let result = try GroveProcess.run(["-", "p"], stdin: "print('stdin says', ...)")
        #expect(result.stdout == "stdin says\tp\n")
        #expect(try GroveProcess.run([], stdin: "print('no args, piped')").stdout == "no args, piped\n")
    }

    @Test func requireFindsStdlibAndGrovePath() throws {
        let inspect = try GroveProcess.run(["-e", "require('grove.inspect')({z = 1, a = {1, 2}})"])
        #expect(inspect.stdout == "\"{a = {1, 2}, z = 1}\"\n")
        let modules = dir.appendingPathComponent("mods")
        try FileManager.default.createDirectory(at: modules, withIntermediateDirectories: true)
        try "return {answer = 42}".write(to: modules.appendingPathComponent("mine.lua"), atomically: true, encoding: .utf8)
        let mine = try GroveProcess.run(["-e", "require('mine').answer"], environment: ["GROVE_PATH": modules.path + "/?.lua"])
        #expect(mine.stdout == "42\n")
    }

    @Test func storeSelection() throws {
        #expect(try GroveProcess.run(["--memory", "-e", "grove.store.memory"]).stdout == "true\n")
        #expect(try GroveProcess.run(["--db", "/tmp/x.sqlite", "-e", "grove.store.path"]).stdout == "\"/tmp/x.sqlite\"\n")
        let data = dir.appendingPathComponent("data").path
        #expect(try GroveProcess.run(["-e", "grove.store.path"], environment: ["XDG_DATA_HOME": data]).stdout == "\"\(data)/grove/grove.sqlite\"\n")
        let both = try GroveProcess.run(["--memory", "--db", "x", "-e", "1"])
        #expect(both.status != 0)
        #expect(both.stderr.contains("--db and --memory exclude each other"))
    }
}

@Suite("grove REPL")
struct REPLTests {
    @Test func pipedSessionWithMultilineErrorsAndEOF() throws {
        let session = """
            function double(x)
              return x * 2
            end
            double(21)
            error('oops')
            1 +
            2
            t = {name = 'Platform', ids = {3, 1}}
            t
            """
        let result = try GroveProcess.run(["-i"], stdin: session + "\n")
        #expect(result.status == 0, "end of input leaves the shell cleanly")
        #expect(result.stdout == "42\n3\n{ids = {3, 1}, name = \"Platform\"}\n")
        #expect(result.stderr.contains("stdin:1: oops"))
    }

    /// lua.c's rule: when `return LINE` does not compile, the error shown is the one of
    /// LINE as statements, not the one of the `return` attempt.
    @Test("a syntax error names what was typed, in the shell and in -e")
    func syntaxErrorsOfTheStatement() throws {
        let session = "local = 5\nx = 1; #x\nif x then y() else\nend end\nprint('still here')\n"
        let shell = try GroveProcess.run(["--memory", "-i"], stdin: session)
        #expect(shell.status == 0, "\(shell.stderr)")
        #expect(shell.stdout == "still here\n")
        let errors = shell.stderr.split(separator: "\n").filter { $0.hasPrefix("grove: ") }
        #expect(errors == [
            "grove: stdin:1: <name> expected near '='",
            "grove: stdin:1: unexpected symbol near '#'",
            "grove: stdin:2: <eof> expected near 'end'",
        ], "\(shell.stderr)")
        for (code, message) in [("local = 5", "(command line):1: <name> expected near '='"),
                                ("x = 1; #x", "(command line):1: unexpected symbol near '#'"),
                                ("if x then y() else\nend end", "(command line):2: <eof> expected near 'end'")] {
            let oneLiner = try GroveProcess.run(["--memory", "-e", code])
            #expect(oneLiner.status == 1)
            #expect(oneLiner.stderr.hasPrefix("grove: \(message)"), "\(code): \(oneLiner.stderr)")
        }
        // Unfinished input still continues: `1 +` then `2`.
        #expect(try GroveProcess.run(["--memory", "-i"], stdin: "1 +\n2\n").stdout == "3\n")
    }

    @Test func interactiveAfterScript() throws {
        let dir = try GroveProcess.temporaryDirectory()
        let path = dir.appendingPathComponent("setup.lua").path
        try "answer = 41".write(toFile: path, atomically: true, encoding: .utf8)
        let result = try GroveProcess.run(["-i", path], stdin: "answer + 1\n")
        #expect(result.stdout == "42\n")
    }

    /// At the prompt: a function defined over two lines and called, a loop that Ctrl-C
    /// stops, and the function called again.
    func defineInterruptAndCall(in terminal: PseudoTerminal) throws {
        terminal.send("function f(x)\r")
        try terminal.expect("...> ")
        terminal.send("return x + 1 end\r")
        try terminal.expect("grove> ")
        terminal.send("f(1)\r")
        try terminal.expect("2\r\n")
        terminal.send("while true do end\r")
        Thread.sleep(forTimeInterval: 0.3)
        terminal.interrupt()
        try terminal.expect("interrupted!")
        terminal.send("f(2)\r")
        try terminal.expect("3\r\n")
    }

    @Test func terminalSessionThroughAPseudoTerminal() throws {
        let terminal = try PseudoTerminal(arguments: [])
        defer { terminal.terminate() }
        try terminal.expect("grove> ")
        try defineInterruptAndCall(in: terminal)
        // Completion redraws with cursor moves; the evaluated result proves what it inserted.
        terminal.send("string.upp\t")
        Thread.sleep(forTimeInterval: 0.3)
        terminal.send("'a')\r")
        try terminal.expect("\"A\"")
        // Ctrl-D typed before the editor has the terminal again arrives as a NUL byte.
        terminal.waitUntilEditing()
        terminal.send("\u{4}")
        #expect(terminal.waitForExit() == 0)
    }

    @Test("without libedit the shell says so and reads plain lines; Ctrl-C still cancels")
    func terminalSessionWithoutLibedit() throws {
        // An empty libedit.so.2 found first: dlopen fails as when none is installed.
        let dir = try GroveProcess.temporaryDirectory()
        #expect(FileManager.default.createFile(atPath: dir.appendingPathComponent("libedit.so.2").path, contents: Data()))
        let inherited = ProcessInfo.processInfo.environment["LD_LIBRARY_PATH"].map { ":" + $0 } ?? ""
        let terminal = try PseudoTerminal(arguments: [], environment: ["LD_LIBRARY_PATH": dir.path + inherited])
        defer { terminal.terminate() }
        try terminal.expect("line editing is off")
        try terminal.expect("grove> ")
        terminal.send("1 +\r")
        try terminal.expect("...> ")
        Thread.sleep(forTimeInterval: 0.3)
        terminal.interrupt()
        try terminal.expect("grove> ")
        try defineInterruptAndCall(in: terminal)
        try terminal.expect("grove> ")
        terminal.send("\u{4}")
        #expect(terminal.waitForExit() == 0)
    }
}

@Suite("grove run --dry-run, --atomic, --as")
struct RunModeTests {
    let dir: URL
    let db: String

    init() throws {
        (dir, db) = try GroveProcess.temporaryStore()
    }

    func script(_ text: String) throws -> String {
        let path = dir.appendingPathComponent("job-\(UUID().uuidString).lua").path
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    func groupCount() throws -> String {
        try GroveProcess.run(["--db", db, "-e", "groups.list{}:count()"]).stdout
    }

    @Test func dryRunPrintsTheChangesAndWritesNothing() throws {
        let job = try script("groups.create{name = 'Platform', path = 'platform'}\nprint('created')")
        let result = try GroveProcess.run(["--db", db, "run", "--dry-run", job])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("created\n"))
        #expect(result.stdout.contains("dry run: 1 change would have been made; nothing was written"))
        #expect(result.stdout.contains("platform"))
        #expect(try groupCount() == "0\n")
    }

    @Test func atomicCommitsOnlyWhenTheWholeScriptSucceeds() throws {
        let failing = try script("groups.create{name = 'A', path = 'aa'}\nerror('late failure')")
        let result = try GroveProcess.run(["--db", db, "--atomic", failing])
        #expect(result.status == 1)
        #expect(result.stderr.contains("late failure"))
        #expect(result.stderr.contains("nothing was written"))
        #expect(try groupCount() == "0\n")
        let good = try script("groups.create{name = 'A', path = 'aa'}\ngroups.create{name = 'B', path = 'bb'}")
        #expect(try GroveProcess.run(["--db", db, "--atomic", good]).status == 0)
        #expect(try groupCount() == "2\n")
    }

    /// os.exit used to end the process inside the transaction: --atomic wrote nothing and
    /// said nothing, --dry-run printed no report.
    @Test("os.exit under --atomic commits on 0/true and rolls back otherwise; --dry-run still reports")
    func osExitInATransaction() throws {
        let succeeds = try script("groups.create{name = 'A', path = 'aa'}\nio.write('before exit\\n')\nos.exit(0)\nerror('not reached')")
        let committed = try GroveProcess.run(["--db", db, "--atomic", succeeds])
        #expect(committed.status == 0, "\(committed.stderr)")
        #expect(committed.stdout == "before exit\n" && committed.stderr.isEmpty, "\(committed)")
        #expect(try groupCount() == "1\n")
        let viaTrue = try GroveProcess.run(["--db", db, "--atomic", "-e", "groups.create{name = 'B', path = 'bb'} os.exit(true)", "-e", "error('not reached')"])
        #expect(viaTrue.status == 0, "\(viaTrue.stderr)")
        #expect(try groupCount() == "2\n")
        let fails = try script("groups.create{name = 'C', path = 'cc'}\nos.exit(4)")
        let rolledBack = try GroveProcess.run(["--db", db, "--atomic", fails])
        #expect(rolledBack.status == 4)
        #expect(rolledBack.stderr.contains("--atomic: the script called os.exit(4), nothing was written"), "\(rolledBack.stderr)")
        #expect(try GroveProcess.run(["--db", db, "--atomic", "-e", "groups.create{name = 'D', path = 'dd'} os.exit(false)"]).status == 1)
        #expect(try groupCount() == "2\n")
        let rehearsal = try GroveProcess.run(["--db", db, "--dry-run", fails])
        #expect(rehearsal.status == 4)
        #expect(rehearsal.stdout.contains("dry run: 1 change would have been made; nothing was written"), "\(rehearsal)")
        #expect(rehearsal.stdout.contains("cc"))
        let rehearsedZero = try GroveProcess.run(["--db", db, "--dry-run", try script("groups.create{name = 'E', path = 'ee'}\nos.exit(0)")])
        #expect(rehearsedZero.status == 0)
        #expect(rehearsedZero.stdout.contains("dry run: 1 change"), "\(rehearsedZero)")
        #expect(try groupCount() == "2\n")
    }

    @Test("an os.exit a script caught is forgotten; statuses keep their low byte, as the process's do")
    func osExitCaughtAndWide() throws {
        // pcall caught the exit; the later error is the script's failure, not exit 3.
        let caught = try GroveProcess.run(["--db", db, "--atomic", try script("pcall(os.exit, 3)\ngroups.create{name = 'F', path = 'ff'}\nerror('boom')")])
        #expect(caught.status == 1 && caught.stderr.contains("boom") && caught.stderr.contains("the script failed"), "\(caught.stderr)")
        #expect(try groupCount() == "0\n")
        let wide = try GroveProcess.run(["--db", db, "--atomic", try script("groups.create{name = 'G', path = 'gg'}\nos.exit(256)")])
        #expect(wide.status == 0, "os.exit(256) is status 0, as exit(3) makes it: \(wide.stderr)")
        #expect(try groupCount() == "1\n")
        #expect(try GroveProcess.run(["--db", db, "--atomic", "-e", "os.exit(-1)"]).status == 255)
    }

    @Test("-i with --dry-run or --atomic is refused: the shell would run outside the transaction")
    func shellAfterATransactionIsRefused() throws {
        for mode in ["--dry-run", "--atomic"] {
            let refused = try GroveProcess.run(["--db", db, mode, "-i", "-e", "groups.create{name = 'H', path = 'hh'}"], stdin: "")
            #expect(refused.status == 2 && refused.stderr.contains("-i"), "\(mode): \(refused.stderr)")
        }
        #expect(try groupCount() == "0\n")
    }

    @Test func directRunsKeepWhatWasDoneBeforeAnError() throws {
        let failing = try script("groups.create{name = 'A', path = 'aa'}\nerror('late failure')")
        #expect(try GroveProcess.run(["--db", db, failing]).status == 1)
        #expect(try groupCount() == "1\n")
    }

    @Test func actAsAUser() throws {
        #expect(try GroveProcess.run(["--db", db, "-e", "users.create{username = 'viewer', email = 'v@example.com', can_create_group = false}"]).status == 0)
        let denied = try GroveProcess.run(["--db", db, "--as", "viewer", "-e", "groups.create{name = 'X', path = 'x'}"])
        #expect(denied.status == 3, "an uncaught Grove API error exits 3")
        #expect(denied.stderr.contains("groups.create: 403"))
        // No such user is a bad command-line argument: the usage status, 2.
        let unknown = try GroveProcess.run(["--db", db, "--as", "ghost", "-e", "1"])
        #expect(unknown.status == 2)
        #expect(unknown.stderr.contains("--as ghost: 404 User Not Found"))
    }

    @Test func runHelpPrintsTheRunOptions() throws {
        for flag in ["--help", "-h"] {
            let help = try GroveProcess.run(["run", flag])
            #expect(help.status == 0 && help.stdout.contains("USAGE: grove run") && help.stdout.contains("--dry-run"), "\(help.stdout)\(help.stderr)")
        }
        // After a script, --help is the script's.
        let passed = try GroveProcess.run(["run", "--db", db, try script("print(...)"), "--help"])
        #expect(passed.status == 0 && passed.stdout == "--help\n", "\(passed.stdout)\(passed.stderr)")
    }
}

@Suite("secrets in output")
struct SecretOutputTests {
    @Test func theShellNeverPrintsATokenField() throws {
        let session = """
            settings.integrations.update{service_access_tokens_expiration_enforced = false}
            groups.create{name = 'Team', path = 'team'}
            bot = service_accounts.create('team', {username = 'bot'})
            t = service_accounts.create_token('team', bot.id, {name = 'ci', scopes = {'api'}})
            t
            t.token:sub(1, 6)
            """
        let result = try GroveProcess.run(["--memory", "-i"], stdin: session + "\n")
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("  token = <redacted>"))
        #expect(result.stdout.contains("runners_token = <redacted>"))
        #expect(result.stdout.contains("\"glpat-\"\n"), "reading the field itself shows it")
        #expect(result.stdout.firstMatch(of: /glpat-[A-Za-z0-9_-]{8,}/) == nil, "no token value printed")
    }
}
