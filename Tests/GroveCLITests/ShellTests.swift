import Foundation
import Testing
@testable import grove

/// The shell as an administrator meets it, through a real pseudo-terminal: lists shown
/// as tables, `_`, completion from the operation descriptors, help, did-you-mean,
/// sessions saved as scripts, bracketed paste, the pager.
@Suite("grove shell: lists, completion, help, typos, sessions")
struct ShellTests {
    let dir: URL
    let db: String

    init() throws {
        (dir, db) = try GroveProcess.temporaryStore()
    }

    /// platform, platform/api, security, and team-01 ... team-22: 25 groups.
    func seed() throws {
        let script = """
            local p = groups.create{name = 'Platform', path = 'platform'}
            groups.create{name = 'API', path = 'api', parent_id = p.id}
            groups.create{name = 'Security', path = 'security', visibility = 'internal'}
            for i = 1, 22 do groups.create{name = string.format('Team %02d', i), path = string.format('team-%02d', i)} end
            """
        let result = try GroveProcess.run(["--db", db, "-e", script])
        #expect(result.status == 0, "\(result.stderr)")
    }

    func shell(_ environment: [String: String] = [:], rows: UInt16 = 0) throws -> PseudoTerminal {
        let terminal = try PseudoTerminal(arguments: ["--db", db], environment: environment, rows: rows, columns: rows == 0 ? 0 : 120)
        try terminal.expect("grove> ")
        return terminal
    }

    /// What the shell printed for `line`, up to the next prompt, without the line itself
    /// and the bracketed-paste mode switches.
    func output(of line: String, in terminal: PseudoTerminal) throws -> String {
        terminal.waitUntilEditing()
        terminal.send(line + "\r")
        try terminal.expect(line + "\r\n")
        return try terminal.expect("grove> ")
            .replacingOccurrences(of: "\u{1b}[?2004l", with: "")
            .replacingOccurrences(of: "\u{1b}[?2004h", with: "")
    }

    @Test("a list shows its first page as a table and how many more; _ keeps the list")
    func listAsTable() throws {
        try seed()
        let terminal = try shell()
        defer { terminal.terminate() }
        let table = try output(of: "groups.list{}", in: terminal)
        let lines = table.components(separatedBy: "\r\n").filter { !$0.isEmpty }
        #expect(lines.first?.split(separator: " ").map(String.init) == ["id", "full_path", "visibility", "parent_id"], "\(table)")
        #expect(lines.count == 23, "header, rule, 20 rows and the more line: \(table)")
        #expect(lines.last == "… 5 more (:all() to fetch all)")
        #expect(table.contains("platform/api"))
        #expect(table.firstMatch(of: /\d+\s+security\s+internal/) != nil, "\(table)")
        let all = try output(of: "#_:all()", in: terminal)
        #expect(all == "25\r\n", "the first page shown is still in the list: \(all.debugDescription)")
        let members = try output(of: "members.list('platform')", in: terminal)
        #expect(members.hasPrefix("id") && members.contains("username") && members.contains("access_level"), "\(members)")
        #expect(members.contains("50 (owner)"), "\(members)")
        #expect(try output(of: "members.get('platform', 1)", in: terminal).contains("access_level = 50 (owner)"))
        let empty = try output(of: "groups.list{search = 'nothing-like-this'}", in: terminal)
        #expect(empty == "(empty list)\r\n", "\(empty.debugDescription)")
    }

    /// Types `segments` with a TAB after each but the last, then Enter; returns what the
    /// shell printed. Completion redraws with cursor moves, so the evaluated result is what
    /// proves what it inserted.
    func completing(_ segments: [String], in terminal: PseudoTerminal) throws -> String {
        terminal.waitUntilEditing()
        for segment in segments.dropLast() {
            terminal.send(segment + "\t")
            Thread.sleep(forTimeInterval: 0.3)
        }
        terminal.send((segments.last ?? "") + "\r")
        return try terminal.expect("grove> ")
    }

    @Test("TAB completes option names, enumerated values and group paths")
    func completion() throws {
        try seed()
        let terminal = try shell()
        defer { terminal.terminate() }
        _ = try completing(["g = groups.create{vis", "\"int", ", name = 'Ops', path = 'ops'}"], in: terminal)
        #expect(try output(of: "g.visibility", in: terminal).contains("\"internal\""))
        #expect(try completing(["groups.get(\"secu", ").full_path"], in: terminal).contains("\"security\""))
        #expect(try completing(["groups.update(\"platform/a", ", {description = 'x'}).full_path"], in: terminal).contains("\"platform/api\""))
    }

    @Test("name? and ?name show help; misspelt functions and options get a suggestion")
    func helpAndSuggestions() throws {
        let terminal = try shell(["PYTHON_GITLAB_CFG": "/nonexistent/grove.cfg", "HOME": "/nonexistent"])
        defer { terminal.terminate() }
        let help = try output(of: "groups.create?", in: terminal)
        #expect(help.contains("groups.create({options})") && help.contains("Options:") && help.contains("visibility"), "\(help)")
        #expect(try output(of: "?groups.get", in: terminal).contains("groups.get(id"))
        let expectations = [
            "groups.craete{name = 'A', path = 'a'}": "groups has no function 'craete'; did you mean groups.create?",
            "groups.create{name = 'A', paht = 'a'}": "unknown option paht; did you mean path?",
            ".hisotry": "unknown shell command .hisotry; did you mean .history?",
            ".connect work": ".connect work: no python-gitlab configuration file: looked for /nonexistent/grove.cfg",
        ]
        for (line, message) in expectations {
            let shown = try output(of: line, in: terminal)
            #expect(shown.contains(message), "\(shown)")
        }
    }

    @Test(".connect NAME: the global modules talk to that python-gitlab section's GitLab from then on")
    func connectSwitchesTheGlobalModules() throws {
        let server = try GroveServe(db: db)
        defer { server.stop() }
        let cfg = NSTemporaryDirectory() + "grove-shell-\(UUID().uuidString).cfg"
        try "[global]\ndefault = work\n[work]\nurl = \(server.url)\nprivate_token = \(server.token)\n".write(toFile: cfg, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: cfg) }
        let terminal = try shell(["PYTHON_GITLAB_CFG": cfg])
        defer { terminal.terminate() }
        #expect(try output(of: "grove.backend()", in: terminal).contains("\"embedded\""))
        #expect(try output(of: ".connect work", in: terminal).contains("connected to \(server.url)"))
        #expect(try output(of: "grove.backend()", in: terminal).contains("\"\(server.url)\""))
        #expect(try output(of: "groups.create{name = 'Remote', path = 'remote'}.web_url", in: terminal).contains("/groups/remote"))
        let history = try output(of: ".history", in: terminal)
        #expect(!history.contains(server.token), "the token is never shown")
    }

    @Test(".save writes the statements that succeeded; grove run replays them to the same end state")
    func saveReplaysTheSession() throws {
        let terminal = try shell()
        defer { terminal.terminate() }
        let lines = [
            "g = groups.create{name = 'Saved', path = 'saved'}",
            "groups.create{name = 'Child', path = 'child', parent_id = g.id}",
            "groups.get('nope')",
            "groups.list{}",
            "groups.get('saved/child')",
            "groups.update(_.id, {description = 'from the shell'})",
        ]
        for line in lines {
            terminal.send(line + "\r")
            try terminal.expect("grove> ")
        }
        terminal.send(".history\r")
        let history = try terminal.expect("grove> ")
        #expect(history.contains("   1  g = groups.create{name = 'Saved', path = 'saved'}"), "\(history)")
        #expect(!history.contains("'nope'"), "a failed statement is not kept")
        let script = dir.appendingPathComponent("session.lua").path
        terminal.send(".save \(script)\r")
        try terminal.expect("saved 5 statements to \(script)")
        terminal.waitUntilEditing()
        terminal.send("\u{4}")
        #expect(terminal.waitForExit() == 0)

        let text = try String(contentsOfFile: script, encoding: .utf8)
        #expect(text.hasPrefix("-- Grove shell session saved "))
        #expect(text.contains("-- connection: store \(db)"))
        #expect(text.contains("_ = groups.get('saved/child')\n"), "\(text)")
        #expect(!text.contains("'nope'"), "\(text)")

        let replayed = dir.appendingPathComponent("replayed.sqlite").path
        let run = try GroveProcess.run(["--db", replayed, "run", script])
        #expect(run.status == 0, "\(run.stderr)")
        let state = """
            local t = {}
            for g in groups.list{} do t[#t + 1] = g.full_path .. '=' .. tostring(g.description) end
            table.sort(t)
            return table.concat(t, ' ')
            """
        let original = try GroveProcess.run(["--db", db, "-e", "(function() \(state) end)()"])
        let copy = try GroveProcess.run(["--db", replayed, "-e", "(function() \(state) end)()"])
        #expect(original.stdout.contains("saved/child=\"from the shell\"") || original.stdout.contains("saved/child=from the shell"), "\(original.stdout)")
        #expect(copy.stdout == original.stdout)
    }

    /// Each line sets its secret in a way the old rule (`token = "..."`, glpat- prefixes)
    /// missed; none may reach the history file, `.history` or a `.save`d script.
    @Test("hook header and URL variable values, passwords and URL userinfo stay out of history, .history and .save")
    func secretsStayOutOfHistoryAndSave() throws {
        let state = dir.appendingPathComponent("state").path
        // Wide enough that the editor never wraps the long lines.
        let terminal = try PseudoTerminal(arguments: ["--db", db], environment: ["XDG_STATE_HOME": state], rows: 100, columns: 400)
        defer { terminal.terminate() }
        try terminal.expect("grove> ")
        let secrets = ["hdr-Bearer-s3cr1t", "urlvar-s3cr1t", "custom-hdr-s3cr1t", "custom-var-s3cr1t", "hunter2", "pw-s3cr1t"]
        let lines = [
            "g = groups.create{name = 'Hooked', path = 'hooked'}",
            "hook = hooks.add('hooked', {url = 'https://hooks.example.com/hook'})",
            "hooks.set_header('hooked', hook.id, 'Authorization', {value = 'Bearer hdr-Bearer-s3cr1t'})",
            "hooks.set_url_variable('hooked', hook.id, 'pw', {value = \"urlvar-s3cr1t\"})",
            "hooks.add('hooked', {url = 'https://hooks.example.com/x', custom_headers = {{key = 'X-K', value = 'custom-hdr-s3cr1t'}}, url_variables = {{key = 'pw', value = 'custom-var-s3cr1t'}}})",
            "u = 'https://admin:hunter2@gitlab.example.com/api'",
            "cfg = {password = 'pw-s3cr1t'}",
            "x = 1",
        ]
        for line in lines {
            let shown = try output(of: line, in: terminal)
            #expect(!shown.contains("grove: ") || shown.contains("kept out of the history file"), "\(line): \(shown)")
        }
        let history = try output(of: ".history", in: terminal)
        #expect(history.contains("   1  g = groups.create{name = 'Hooked', path = 'hooked'}"), "\(history)")
        #expect(history.contains("   8  x = 1"), "\(history)")
        #expect(history.components(separatedBy: SecretLines.redacted).count - 1 == 5, "\(history)")
        let script = dir.appendingPathComponent("session.lua").path
        let saved = try output(of: ".save \(script)", in: terminal)
        #expect(saved.contains("saved 3 statements to \(script) (5 holding a secret left out)"), "\(saved)")
        terminal.waitUntilEditing()
        terminal.send("\u{4}")
        #expect(terminal.waitForExit() == 0)

        let text = try String(contentsOfFile: script, encoding: .utf8)
        // libedit writes a space as \040.
        let file = try String(contentsOfFile: state + "/grove/history", encoding: .utf8).replacingOccurrences(of: "\\040", with: " ")
        #expect(file.contains("x = 1"), "the history file is written: \(file)")
        for secret in secrets {
            #expect(!history.contains(secret), ".history shows \(secret)")
            #expect(!text.contains(secret), ".save wrote \(secret)")
            #expect(!file.contains(secret), "the history file holds \(secret)")
        }
        #expect(text.contains("x = 1\n"))
    }

    @Test("a bracketed paste of several lines runs as one chunk")
    func bracketedPaste() throws {
        let terminal = try shell()
        defer { terminal.terminate() }
        // Run line by line, `local z` would be gone by the last line.
        terminal.send("\u{1b}[200~function twice(x)\r  local y = x * 2\r  return y\rend\rlocal z = 20\rprint(twice(z) + 2)\r\u{1b}[201~")
        try terminal.expect("42\r\n")
        try terminal.expect("grove> ")
        terminal.send("twice(4)\r")
        try terminal.expect("8\r\n")
        // A paste without a newline is typed into the line.
        terminal.send("twice(\u{1b}[200~5\u{1b}[201~)\r")
        try terminal.expect("10\r\n")
    }

    @Test("output taller than the terminal goes through $PAGER; never when output is not a terminal")
    func pager() throws {
        try seed()
        let pager = ["PAGER": "sed 's/^/paged: /'"]
        let terminal = try shell(pager, rows: 10)
        defer { terminal.terminate() }
        let long = try output(of: "groups.list{}", in: terminal)
        #expect(long.contains("paged: id") && long.contains("paged: … 5 more"), "\(long)")
        #expect(try output(of: "1 + 1", in: terminal) == "2\r\n")
        let piped = try GroveProcess.run(["--db", db, "-i"], stdin: "groups.list{}\n", environment: pager)
        #expect(!piped.stdout.contains("paged:"))
        #expect(piped.stdout.contains("… 5 more (:all() to fetch all)"))
    }

    /// The default pager on the shell's controlling terminal: started in a process group of
    /// its own, `less` was stopped as soon as it touched the terminal and the shell hung.
    @Test("the default pager, a real less, pages long output and q returns to a working prompt")
    func lessPagesAndQuits() throws {
        try seed()
        let terminal = try PseudoTerminal(arguments: ["--db", db], environment: ["PAGER": "less -FRX", "LESS": ""],
                                          rows: 10, columns: 120, controlling: true)
        defer { terminal.terminate() }
        try terminal.expect("grove> ")
        terminal.waitUntilEditing()
        terminal.send("groups.list{}\r")
        try terminal.expect("full_path")
        // less shows a screenful and waits at its prompt for a key.
        try terminal.expect(":")
        Thread.sleep(forTimeInterval: 0.3)
        terminal.send("q")
        try terminal.expect("grove> ")
        #expect(try output(of: "1 + 1", in: terminal) == "2\r\n")
        // Ctrl-C to the pager ends nothing but the page either.
        terminal.send("groups.list{}\r")
        try terminal.expect("full_path")
        Thread.sleep(forTimeInterval: 0.3)
        terminal.send("\u{3}")
        Thread.sleep(forTimeInterval: 0.3)
        terminal.send("q")
        try terminal.expect("grove> ")
        #expect(try output(of: "2 + 3", in: terminal) == "5\r\n")
        terminal.waitUntilEditing()
        terminal.send("\u{4}")
        #expect(terminal.waitForExit() == 0)
    }

    @Test("Ctrl-C at the first prompt cancels the line and the shell goes on")
    func interruptBeforeAnyStatement() throws {
        let terminal = try shell()
        defer { terminal.terminate() }
        terminal.waitUntilEditing()
        terminal.send("groups.get(\"pl")
        try terminal.expect("groups.get(\"pl")
        Thread.sleep(forTimeInterval: 0.3)  // for the editor to be back in its read
        terminal.interrupt()
        try terminal.expect("grove> ")
        #expect(try output(of: "1 + 1", in: terminal) == "2\r\n")
    }

    /// `... | grove -i script`: Ctrl-C while the shell waits for piped input cancels that
    /// read, as on a terminal. Swift's readLine retried the interrupted read, spinning on a
    /// core until input came.
    @Test("Ctrl-C while the shell reads piped input: no busy loop, and the shell goes on")
    func interruptWhileReadingAPipe() throws {
        let dir = try GroveProcess.temporaryDirectory()
        let script = dir.appendingPathComponent("first.lua")
        try "x = 41 io.stderr:write('ready\\n')".write(to: script, atomically: true, encoding: .utf8)
        let process = Process()
        process.executableURL = GroveProcess.executable
        process.arguments = ["--memory", "-i", script.path]
        let input = Pipe(), output = Pipe(), errors = Pipe()
        process.standardInput = input
        process.standardOutput = output
        process.standardError = errors
        try process.run()
        defer { if process.isRunning { process.terminate() } }
        var said = Data()
        while !String(decoding: said, as: UTF8.self).contains("ready") {
            let chunk = errors.fileHandleForReading.availableData
            guard !chunk.isEmpty else { Issue.record("grove ended before the shell"); return }
            said += chunk
        }
        Thread.sleep(forTimeInterval: 0.3)  // for the shell to be in its read
        kill(process.processIdentifier, SIGINT)
        Thread.sleep(forTimeInterval: 0.2)
        /// Clock ticks of CPU the process has used (utime + stime of /proc/PID/stat).
        func cpuTicks() throws -> Int {
            let stat = try String(contentsOfFile: "/proc/\(process.processIdentifier)/stat", encoding: .utf8)
            let fields = stat[stat.range(of: ")")!.upperBound...].split(separator: " ")
            return Int(fields[11])! + Int(fields[12])!
        }
        let before = try cpuTicks()
        Thread.sleep(forTimeInterval: 1)
        let used = try cpuTicks() - before
        // A spinning read takes the whole second (100 ticks); waiting takes none.
        #expect(used < 30, "\(used) ticks of CPU in a second of waiting for input")
        input.fileHandleForWriting.write(Data("print(x + 1)\n".utf8))
        try input.fileHandleForWriting.close()
        let deadline = Date().addingTimeInterval(10)
        while process.isRunning && Date() < deadline { Thread.sleep(forTimeInterval: 0.05) }
        guard !process.isRunning else {
            kill(process.processIdentifier, SIGKILL)
            Issue.record("the shell never read the line after Ctrl-C")
            return
        }
        let printed = output.fileHandleForReading.readDataToEndOfFile()
        #expect(process.terminationStatus == 0)
        #expect(String(decoding: printed, as: UTF8.self).contains("42"), "\(String(decoding: printed, as: UTF8.self))")
    }

    @Test func unknownSubcommandSuggestsTheNearest() throws {
        let typo = try GroveProcess.run(["serv"])
        #expect(typo.stderr.contains("'serv' is neither a subcommand nor a file; did you mean serve?"), "\(typo.stderr)")
    }
}

@Suite("shell parts: completion context and descriptors, session log")
struct ShellPartsTests {
    @Test func contextOfTheCursor() {
        #expect(CompletionContext(line: "groups.create{vis") == .optionName(function: "groups.create", partial: "vis"))
        #expect(CompletionContext(line: "x = groups.create{name = 'a', ") == .optionName(function: "groups.create", partial: ""))
        #expect(CompletionContext(line: "groups.update('p', {desc") == .optionName(function: "groups.update", partial: "desc"))
        #expect(CompletionContext(line: "groups.create{visibility = \"int")
            == .optionValue(function: "groups.create", option: "visibility", typed: "int", quote: "\""))
        #expect(CompletionContext(line: "groups.get('plat") == .argument(function: "groups.get", position: 1, typed: "plat", quote: "'"))
        #expect(CompletionContext(line: "groups.unshare(1, '") == .argument(function: "groups.unshare", position: 2, typed: "", quote: "'"))
        #expect(CompletionContext(line: "groups.cr") == .code)
        #expect(CompletionContext(line: "print('{') -- groups.create{") == .code)
        #expect(CompletionContext(line: "t = {{}, {") == .code)
    }

    @Test func completionReadsTheDescriptors() throws {
        let host = try ScriptHost(store: .memory, invocation: ["grove"], scriptArguments: [])
        let completer = Completer(lua: host.lua, registry: host.registry)
        #expect(completer.candidates(line: "groups.create{vis", word: "vis") == ["visibility = "])
        #expect(completer.candidates(line: "groups.create{visibility = 'pu", word: "pu") == ["public'"])
        #expect(completer.candidates(line: "groups.update('x', {visibility = \"", word: "").sorted() == ["internal\"", "private\"", "public\""])
        #expect(!completer.candidates(line: "groups.get('x', {", word: "").contains("id = "), "a positional parameter is no option")
        #expect(completer.candidates(line: "gro", word: "gro").contains("groups"))
        _ = try host.lua.run("groups.create{name = 'Platform', path = 'platform'}")
        #expect(completer.candidates(line: "groups.get('pl", word: "pl") == ["platform'"])
    }

    @Test("no line makes completion trap")
    func completionOfArbitraryLines() throws {
        let host = try ScriptHost(store: .memory, invocation: ["grove"], scriptArguments: [])
        let completer = Completer(lua: host.lua, registry: host.registry)
        let pieces = ["groups.create", "groups.get", "{", "}", "(", ")", "[", "]", "\"", "'", "\\", ",", ";", "=", " ",
                      "vis", "visibility", "--", "é", "/", ".", ":", "x", "1", "\n"]
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<500 {
            let line = (0..<Int.random(in: 0...12, using: &generator)).map { _ in pieces.randomElement(using: &generator)! }.joined()
            let word = String(line.reversed().prefix { !" \t\n\"\\'`@$><=;|&{(,+-*/%^~[]#".contains($0) }.reversed())
            _ = completer.candidates(line: line, word: word)
            _ = ShellCommand(line)
        }
    }

    @Test func linesTheShellAnswersItself() {
        #expect(ShellCommand("groups.create?") == .help("groups.create"))
        #expect(ShellCommand("  ? groups.get ") == .help("groups.get"))
        #expect(ShellCommand("?") == .help(nil))
        #expect(ShellCommand(".save ~/session.lua") == .save("~/session.lua"))
        #expect(ShellCommand(".history") == .history)
        #expect(ShellCommand(".connect") == .unknown(".connect", problem: ".connect needs a section name: .connect NAME"))
        #expect(ShellCommand(".hist") == .unknown(".hist", problem: nil))
        for lua in ["x = 1", ".5 + 1", "print('?')", "a?b", "groups.list{}"] {
            #expect(ShellCommand(lua) == nil, "\(lua) is Lua")
        }
    }

    @Test("one rule says which lines hold a secret")
    func linesHoldingSecrets() {
        let secret = [
            #"hooks.set_header("platform",1,"Authorization",{value="Bearer x"})"#,
            #"hooks.set_url_variable("platform",1,"pw",{value="y"})"#,
            #"groups.hooks.custom_headers.set("platform", 1, "X-K", {value = [[z]]})"#,
            #"hooks.add("p", {url = "http://h/{pw}", custom_headers={{key="X-K",value="z"}}, url_variables={{key="pw",value="w"}}})"#,
            "grove.connect{url = 'https://admin:hunter2@host/api'}",
            "u = \"https://oauth2:abc@gitlab.example.com\"",
            "users.create{username = 'a', password = 'p4ss'}",
            "hooks.add('p', {url = 'http://h', token = 'x'})",
            "grove.connect{private_token = 'abc'}",
            "t = 'glpat-0123456789abcdefghij'",
        ]
        for line in secret { #expect(SecretLines.holdsSecret(line), "\(line)") }
        let plain = [
            "groups.list{}",
            "hooks.set_header('platform', 1, 'X-K', {value = v})",
            "groups.update('p', {description = 'value = \"x\"'})",
            "hooks.add('p', {url = 'https://hooks.example.com/x'})",
            "grove.connect{url = 'https://gitlab.example.com', token_file = '/run/token'}",
        ]
        for line in plain { #expect(!SecretLines.holdsSecret(line), "\(line)") }
        var log = SessionLog()
        log.record("x = 1", isExpression: false, isStatement: true)
        log.record("hooks.set_header('p', 1, 'A', {value = 'Bearer q'})", isExpression: true, isStatement: true)
        #expect(log.listing == "   1  x = 1\n   2  \(SecretLines.redacted)")
        #expect(log.script(connection: "c").hasSuffix("\nx = 1\n\(SecretLines.redacted)\n"))
        #expect(log.secretCount == 1)
    }

    @Test func savedScriptKeepsUnderscoreOnlyWhenRead() {
        var log = SessionLog()
        log.record("x = 1", isExpression: false, isStatement: true)
        log.record("x + 1", isExpression: true, isStatement: false)
        log.record("print(_)", isExpression: true, isStatement: true)
        log.record("f()", isExpression: true, isStatement: true)
        log.record("y", isExpression: true, isStatement: false)
        log.record("g()", isExpression: true, isStatement: true)
        log.record("print(_)", isExpression: true, isStatement: true)
        let script = log.script(connection: "c")
        #expect(script.hasSuffix("\nx = 1\n_ = x + 1\nprint(_)\nf()\n_ = g()\nprint(_)\n"), "\(script)")
    }
}
