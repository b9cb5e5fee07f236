import Foundation
import GroveBindings
import GroveCore
import GroveHookDelivery
import GroveLua
import GroveRemote

extension ProcessInfo {
    /// One variable of the process environment (`environment` builds them all).
    func environment(_ name: String) -> String? { getenv(name).map { String(cString: $0) } }
}

/// One Lua state set up the way every grove run needs it: `require` finding
/// Grove's stdlib and the user's modules, `arg`, the store, and the printer
/// the REPL and `-e` use. Errors are reported on stderr as `grove: message`
/// followed by the traceback, and become an exit status (see `ExitStatus`).
final class ScriptHost {
    let lua: LuaState
    let store: StoreLocation
    let stdlibDirectory: String?
    private let invocation: [String]
    private let scriptArguments: [String]
    private var printer: LuaRef?
    /// How `-e` values and a script's returned values are printed.
    var output: OutputFormat = .inspect
    let session: GroveSession
    /// The GitLab the global modules talk to; nil for the embedded store.
    private(set) var remote: RemoteConfiguration?
    /// The environment a test gave, else nil: the process's, read when asked (building
    /// the whole dictionary costs a start more than the two variables it reads).
    private let givenEnvironment: [String: String]?
    private lazy var environment: [String: String] = givenEnvironment ?? ProcessInfo.processInfo.environment
    private let verbose: Bool
    /// The operations behind the Lua functions: the shell completes their options from it.
    var registry: OperationRegistry { operations.registry }
    private let operations: Operations
    private let log: (@Sendable (String) -> Void)?
    private let readOnlyConnections: Bool

    /// The registry, built when first needed: a run that calls no operation never is.
    final class Operations {
        lazy var registry = OperationRegistry.standard()
    }

    /// The last error reported (`grove plan` shows the change it refused).
    private(set) var lastError: Error?

    /// `remote`: the GitLab the global modules talk to; the embedded store at `store` when nil.
    /// `rehearsal`: `grove plan`'s mirror of that GitLab, which they talk to instead; other
    /// connections then only read.
    init(store: StoreLocation, remote: RemoteConfiguration? = nil, rehearsal: RehearsalBackend? = nil, verbose: Bool = false,
         invocation: [String], scriptArguments: [String], environment: [String: String]? = nil) throws {
        self.lua = LuaState()
        self.store = store
        self.remote = remote
        self.givenEnvironment = environment
        self.verbose = verbose
        self.invocation = invocation
        self.scriptArguments = scriptArguments
        let variable = { (name: String) in environment.map { $0[name] } ?? ProcessInfo.processInfo.environment(name) }
        self.stdlibDirectory = Self.locateStdlib(variable: variable)
        let operations = Operations()
        self.operations = operations
        let log: (@Sendable (String) -> Void)? = verbose ? Self.logRetry : nil
        self.log = log
        self.readOnlyConnections = rehearsal != nil
        self.isRehearsal = rehearsal != nil
        if let rehearsal {
            self.session = GroveSession(backend: rehearsal)
        } else if let remote {
            self.session = GroveSession(backend: RemoteBackend(try RemoteClient(remote, log: log), registry: operations.registry))
        } else {
            self.session = GroveSession { try Self.open(store, registry: operations.registry) }
        }
        try configurePackagePath(user: variable("GROVE_PATH"))
        try installArgTable()
        let storeInfo: LuaValue = switch (remote, store) {
        case (let remote?, _): ["memory": false, "url": .string(remote.url)]
        case (nil, .memory): ["memory": true, "path": ":memory:"]
        case (nil, .file(let path)): ["memory": false, "path": .string(path)]
        }
        try lua.call(lua.load("grove.store = ...", chunkName: "=[grove]"), [storeInfo])
        // `grove -e 'return 1'` or a script run once per item from a shell loop should not
        // pay for bindings it never reads: they are installed when first read.
        try lua.installLazily(globals: CoreBindings.globals) { [weak self] in try self?.setUpModules() }
    }

    /// Installs the modules now, if no chunk has read one yet: the shell's completion and
    /// the reference walk the globals.
    func installModules() throws {
        try lua.installPending()
    }

    /// The modules, `grove`'s functions and the stdlib's additions to them.
    private func setUpModules() throws {
        try CoreBindings.install(into: lua, session: session, registry: registry)
        try SessionBindings.install(into: lua, session: session)
        try ConnectionBindings.install(into: lua, context: .init(registry: registry, environment: environment, log: log, defaultSession: session,
                                                                         readOnly: readOnlyConnections))
        try SecretFiles.install(into: lua) { [unowned self] in self.isRehearsal }
        try CSVBindings.install(into: lua)
        // Several installers fill `grove`; what the module is about is said once, here.
        try lua.setHelp(forModule: "grove", summary: "Grove's own functions: acting as a user, transactions, dry runs, parallel work, connections, errors, JSON null and access levels")
        if stdlibDirectory != nil { try lua.run("require 'grove.ensure'", chunkName: "=[grove]") }
    }

    /// The REPL's `.connect NAME`: the global modules talk to that GitLab from now on,
    /// as nobody but the token's user.
    func connect(section: String?) throws {
        let configuration = try RemoteConfiguration.resolve(section: section, environment: environment)
        session.backend = RemoteBackend(try RemoteClient(configuration, log: verbose ? Self.logRetry : nil), registry: registry)
        session.actingAs = nil
        remote = configuration
        try lua.call(lua.load("grove.store = ...", chunkName: "=[grove]"), [["memory": false, "url": .string(configuration.url)]])
    }

    @Sendable static func logRetry(_ line: String) {
        FileHandle.standardError.write(Data("grove: \(line)\n".utf8))
    }

    /// How the store sees a whole run: change as it goes, all or nothing, or not at all.
    enum Mode {
        case direct
        /// One transaction, committed only when everything succeeded.
        case atomic
        /// One transaction, always rolled back; the changes it would have made are printed.
        case dryRun
    }

    /// Runs `body` (which reports its own errors and returns an exit status) in `mode`.
    /// Under `--atomic` and `--dry-run`, `os.exit(N)` ends the script (see `catchExit`) and
    /// the run finishes as for a script that returned N: commit or roll back, the report.
    func run(in mode: Mode, _ body: () -> Int32) -> Int32 {
        struct Failed: Error {}
        defer {
            // What runs after (the shell of -i) has Lua's os.exit.
            if exitIsCaught { try? ScriptExit.restore(in: lua); exitIsCaught = false }
        }
        do {
            switch mode {
            case .direct:
                return body()
            case .atomic:
                try catchExit()
                var status: Int32 = 0
                do {
                    try session.backend.transaction {
                        status = body()
                        if status != 0 { throw Failed() }
                    }
                } catch is Failed {
                    let why = exitStatus.map { "the script called os.exit(\($0))" } ?? "the script failed"
                    _ = report("--atomic: \(why), nothing was written")
                }
                return status
            case .dryRun:
                try catchExit()
                isRehearsal = true
                defer { isRehearsal = false }
                let (status, events) = try session.backend.dryRun { body() }
                var text = "dry run: \(events.count) change\(events.count == 1 ? "" : "s") would have been made; nothing was written\n"
                for event in events { text += "  \(event)\n" }
                if outputIsJSON { FileHandle.standardError.write(Data(text.utf8)) } else { print(text, terminator: "") }
                return status
            }
        } catch {
            return report(error)
        }
    }

    /// Whether this run only rehearses (`--dry-run`, `grove plan`): what it creates never
    /// exists, so no secret file is written.
    private(set) var isRehearsal = false

    /// Whether standard output carries only JSON: `--json`/`--jsonl`, or `--json`/`--jsonl`
    /// among the script's arguments (the recipes print JSON when given one). Grove's own
    /// summaries then go to standard error.
    var outputIsJSON: Bool {
        output != .inspect || scriptArguments.dropFirst().contains { $0 == "--json" || $0 == "--jsonl" }
    }

    /// Under `--json`/`--jsonl`, what the script writes with `print`, `io.write` or
    /// `io.stdout` goes to standard error, so that standard output is one JSON document (or
    /// JSON lines). The printer keeps the real standard output, taken first. (`grove plan`
    /// moves file descriptor 1 instead: it prints its JSON only after the script.)
    func printToStandardError() throws {
        _ = try presenter()
        try lua.run("""
            local stderr, tostring, select = io.stderr, tostring, select
            io.output(stderr)
            io.stdout = stderr
            print = function(...)
              local n = select('#', ...)
              for i = 1, n do
                if i > 1 then stderr:write('\\t') end
                stderr:write(tostring((select(i, ...))))
              end
              stderr:write('\\n')
            end
            """, chunkName: "=[grove print]")
    }

    // MARK: os.exit in a transaction

    /// The status a script asked for with `os.exit` under `--atomic`/`--dry-run` (see
    /// `ScriptExit`); nil when it did not call it.
    private(set) var exitStatus: Int32?
    /// Whether `os.exit` is replaced for this run.
    private var exitIsCaught = false

    private func catchExit() throws {
        try ScriptExit.install(in: lua)
        exitIsCaught = true
    }

    /// The status of `os.exit` when it ended the chunk that failed, else nil.
    private func endedByExit(_ error: Error) -> Int32? {
        guard exitIsCaught, let status = ScriptExit.status(of: error) else { return nil }
        exitStatus = status
        return status
    }

    /// A chunk's error: the status of `os.exit` when it ended the chunk, else reported.
    private func failure(_ error: Error) -> Int32 {
        endedByExit(error) ?? report(error)
    }

    /// Opens the embedded store, creating the file's directory on first use.
    static func open(_ location: StoreLocation, registry: OperationRegistry) throws -> GroveStore {
        switch location {
        case .memory:
            return try GroveStore.inMemory(registry: registry, hookTransport: HTTPHookTransport())
        case .file(let path):
            let directory = URL(fileURLWithPath: path).deletingLastPathComponent().path
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            return try GroveStore.open(path: path, registry: registry, hookTransport: HTTPHookTransport())
        }
    }

    // MARK: Finding modules

    /// Grove's own Lua modules: `$GROVE_STDLIB`, `<prefix>/share/grove/stdlib` next to an
    /// installed executable, or the `stdlib/` of the source tree the executable was built in.
    static func locateStdlib(variable: (String) -> String?) -> String? {
        locateShared(variable: "GROVE_STDLIB", installed: "share/grove/stdlib", inCheckout: "stdlib",
                     marker: "grove/inspect.lua", value: variable)
    }

    /// The recipes: `$GROVE_RECIPES`, `<prefix>/share/grove/recipes`, or the checkout's
    /// `scripts/recipes/`.
    static func locateRecipes(variable: (String) -> String?) -> String? {
        locateShared(variable: "GROVE_RECIPES", installed: "share/grove/recipes", inCheckout: "scripts/recipes",
                     marker: "tour.lua", value: variable)
    }

    /// A directory of Grove's files holding `marker`: named by `variable`, installed under
    /// the executable's prefix, or in the source tree the executable was built in.
    static func locateShared(variable: String, installed: String, inCheckout: String, marker: String,
                             value: (String) -> String?) -> String? {
        let fm = FileManager.default
        func holds(_ dir: String) -> Bool { fm.fileExists(atPath: dir + "/" + marker) }
        if let explicit = value(variable), holds(explicit) { return explicit }
        let executable = (try? fm.destinationOfSymbolicLink(atPath: "/proc/self/exe"))
            ?? Bundle.main.executablePath ?? CommandLine.arguments[0]
        // Plain string paths: every start looks, and Foundation's URL costs more than the rest.
        func parent(_ path: String) -> String {
            guard let slash = path.lastIndex(of: "/") else { return "." }
            return slash == path.startIndex ? "/" : String(path[..<slash])
        }
        func joined(_ dir: String, _ name: String) -> String { dir.hasSuffix("/") ? dir + name : dir + "/" + name }
        var dir = parent(executable)
        let prefixed = joined(parent(dir), installed)
        if holds(prefixed) { return prefixed }
        for _ in 0..<6 {
            let candidate = joined(dir, inCheckout)
            if holds(candidate) { return candidate }
            dir = parent(dir)
        }
        return nil
    }

    /// stdlib first, then `$GROVE_PATH` (`;;` meaning "here"), then Lua's own
    /// `LUA_PATH_5_4`/`LUA_PATH`/default path, which luaL_openlibs already set.
    private func configurePackagePath(user: String?) throws {
        // Joined by hand: the generic joined(separator:) costs the Swift runtime a scan of
        // every protocol conformance in the binary on first use (0.85M instructions, an
        // eighth of `grove -e 'return 1'`).
        var prefix = stdlibDirectory.map { "\($0)/?.lua;\($0)/?/init.lua" } ?? ""
        for entry in (user ?? "").split(separator: ";", omittingEmptySubsequences: true) {
            prefix += prefix.isEmpty ? String(entry) : ";" + entry
        }
        try lua.call(
            lua.load("local prefix = ... if prefix ~= '' then package.path = prefix .. ';' .. package.path end", chunkName: "=[grove]"),
            [.string(prefix)])
    }

    /// `arg` as lua.c builds it: arg[0] the script, arg[1..n] its arguments,
    /// negative indices the interpreter and its options.
    private func installArgTable() throws {
        let scriptIndex = scriptArguments.isEmpty ? 0 : invocation.count - scriptArguments.count
        var table: [String: LuaValue] = [:]
        for (i, word) in invocation.enumerated() { table[String(i - scriptIndex)] = .string(word) }
        try lua.call(
            lua.load("local t = ... arg = {} for k, v in pairs(t) do arg[math.tointeger(k)] = v end", chunkName: "=[grove]"),
            [.map(table)])
    }

    // MARK: Running

    func runFile(_ path: String) -> Int32 {
        guard let data = FileManager.default.contents(atPath: path) else {
            return report("cannot open \(path)")
        }
        return runChunk(bytes: Self.skippingShebang(Array(data)), chunkName: "@\(path)", arguments: scriptArguments.dropFirst().map(LuaValue.string))
    }

    func runStandardInput() -> Int32 {
        let data = FileHandle.standardInput.readDataToEndOfFile()
        return runChunk(bytes: Self.skippingShebang(Array(data)), chunkName: "=stdin", arguments: scriptArguments.dropFirst().map(LuaValue.string))
    }

    /// `grove -e CODE`: an expression prints its value; a statement just runs.
    func runOneLiner(_ code: String) -> Int32 {
        do {
            try evaluateAndShow(code, chunkName: "=(command line)")
            return 0
        } catch {
            return failure(error)
        }
    }

    private func runChunk(bytes: [UInt8], chunkName: String, arguments: [LuaValue]) -> Int32 {
        do {
            let chunk = try lua.load(bytes: bytes, chunkName: chunkName)
            if output == .inspect {
                try interruptible { try lua.call(chunk, arguments) }
            } else {
                // `grove --json run FILE`: what the script returns is its result.
                let presenter = try self.presenter()
                try interruptible { _ = try lua.call(presenter, [.function(chunk)] + arguments) }
            }
            return 0
        } catch {
            return failure(error)
        }
    }

    /// Compiles `return CODE` first so expressions yield values, then CODE as a
    /// statement (lua.c's addreturn); runs it with Ctrl-C armed and prints what
    /// it returns. The values never leave Lua, so cycles and userdata print too.
    func evaluateAndShow(_ code: String, chunkName: String) throws {
        let chunk = try compileForShowing(code, chunkName: chunkName).chunk
        let presenter = try self.presenter()
        try interruptible { _ = try lua.call(presenter, [.function(chunk)]) }
    }

    /// `return CODE;` when CODE is an expression, else CODE as a statement; an unfinished
    /// chunk throws the incomplete-input syntax error.
    func compileForShowing(_ code: String, chunkName: String) throws -> (chunk: LuaRef, isExpression: Bool) {
        if let expression = try? lua.load("return " + code + ";", chunkName: chunkName) {
            return (expression, true)
        }
        do {
            return (try lua.load(code, chunkName: chunkName), false)
        } catch let error as ScriptError where !error.isIncompleteInput {
            // `1 +` is an unfinished expression, not a bad statement: ask for more. Any
            // other error is the statement's, as lua.c reports it: the `return` attempt's
            // (`unexpected symbol near 'local'`) says nothing about what was typed.
            if let unfinished = incompleteError(loading: "return " + code, chunkName: chunkName) { throw unfinished }
            throw error
        }
    }

    /// The syntax error of `code` when it is unfinished (an error at `<eof>`), else nil.
    private func incompleteError(loading code: String, chunkName: String) -> ScriptError? {
        do {
            _ = try lua.load(code, chunkName: chunkName)
            return nil
        } catch let error as ScriptError where error.isIncompleteInput {
            return error
        } catch {
            return nil
        }
    }

    func interruptible<T>(_ body: () throws -> T) rethrows -> T {
        lua.armInterrupt()
        defer { lua.disarmInterrupt() }
        return try body()
    }

    /// A Lua file's first line is skipped when it starts with `#` (a shebang);
    /// its newline stays so line numbers in errors still match the file.
    static func skippingShebang(_ bytes: [UInt8]) -> [UInt8] {
        guard bytes.first == UInt8(ascii: "#") else { return bytes }
        guard let newline = bytes.firstIndex(of: UInt8(ascii: "\n")) else { return [] }
        return Array(bytes[newline...])
    }

    // MARK: Output

    /// A Lua function that runs a chunk (with the arguments that follow it) and prints its
    /// results: with `grove.inspect` (tostring when the stdlib is missing), as one JSON
    /// document, or as JSON lines, one per item of a lazy list or array.
    private func presenter() throws -> LuaRef {
        if let printer { return printer }
        let results = try lua.call(lua.load(Self.presenterSource, chunkName: "=[grove printer]"), [.string(output.rawValue)])
        guard case .function(let function) = results.first else { throw ConversionError(description: "printer missing") }
        printer = function
        return function
    }

    private static let presenterSource = """
        local format = ...
        local pack, select, concat, stdout, ipairs = table.pack, select, table.concat, io.stdout, ipairs
        local function write(...) stdout:write(...) stdout:flush() end
        if format == 'inspect' then
          -- Loaded for the first value that needs it: grove.inspect shows numbers,
          -- booleans and nil with tostring too, and `grove -e 'return 1'` should not wait.
          local inspect
          local function show(v)
            local t = type(v)
            if t == 'number' or t == 'boolean' or t == 'nil' then return tostring(v) end
            -- A lazy list as the shell shows it: its first page as a table.
            if t == 'userdata' and debug.getmetatable(v) == debug.getregistry()['grove.iterator'] then
              local ok, shell = pcall(require, 'grove.shell')
              if ok then return shell.show(v) end
            end
            if inspect == nil then
              local ok, loaded = pcall(require, 'grove.inspect')
              inspect = ok and loaded or tostring
            end
            return inspect(v)
          end
          return function(chunk, ...)
            local results = pack(chunk(...))
            if results.n == 0 then return end
            local parts = {}
            for i = 1, results.n do parts[i] = show(results[i]) end
            write(concat(parts, '\\t'), '\\n')
          end
        end
        local json = require 'grove.json'
        local iterator_mt = debug.getregistry()['grove.iterator']
        local function is_iterator(v)
          return type(v) == 'userdata' and debug.getmetatable(v) == iterator_mt
        end
        local function is_array(v)
          local mt = type(v) == 'table' and getmetatable(v)
          if type(v) ~= 'table' or mt and mt.__jsontype == 'object' then return false end
          local n = 0
          for _ in pairs(v) do n = n + 1 end
          return n > 0 and n == #v or n == 0 and mt and mt.__jsontype == 'array' or false
        end
        local function value(v)
          if v == nil then return json.null end
          if is_iterator(v) then return json.array(v:all()) end
          return v
        end
        if format == 'json' then
          return function(chunk, ...)
            local results = pack(chunk(...))
            if results.n == 0 then return end
            local document
            if results.n == 1 then
              document = value(results[1])
            else
              document = json.array()
              for i = 1, results.n do document[i] = value(results[i]) end
            end
            write(json.encode(document, {pretty = true}), '\\n')
          end
        end
        return function(chunk, ...)  -- jsonl
          local results = pack(chunk(...))
          for i = 1, results.n do
            local v = results[i]
            if is_iterator(v) then
              for item in v do write(json.encode(item), '\\n') end
            elseif is_array(v) then
              for _, item in ipairs(v) do write(json.encode(item), '\\n') end
            else
              write(json.encode(value(v)), '\\n')
            end
          end
        end
        """

    /// Prints an error as `grove: message` plus its traceback on stderr; returns its exit
    /// status: 3 for a Grove API error (it has an HTTP status), 1 for any other.
    @discardableResult
    func report(_ error: Error) -> Int32 {
        lastError = error
        var text = "grove: \(error)"
        if let error = error as? ScriptError, let traceback = error.traceback {
            // Grove's own wrapper frames say nothing about the user's code.
            let frames = traceback.split(separator: "\n").filter { !$0.contains("[grove printer]") && !$0.contains("[grove prelude]") }
            text += "\nstack traceback:\n" + frames.joined(separator: "\n")
        }
        FileHandle.standardError.write(Data((text + "\n").utf8))
        return ExitStatus.of(error).rawValue
    }

    func report(_ message: String) -> Int32 {
        FileHandle.standardError.write(Data("grove: \(message)\n".utf8))
        return ExitStatus.scriptError.rawValue
    }
}
