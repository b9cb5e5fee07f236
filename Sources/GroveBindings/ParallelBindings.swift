import Foundation
import GroveCore
import GroveLua
import GroveRemote

/// `grove.parallel(items, fn, {concurrency = 8})`: fn(item) for every item, each in a
/// coroutine of its own. On a remote connection a binding called in one of them starts
/// its request and yields (the C trampoline yields once the Swift function has
/// returned: no longjmp crosses Swift); while GitLab answers, the other coroutines run.
/// The scheduler, in Lua, resumes a coroutine when its answer has arrived. On the
/// embedded store nothing yields: the items run one after the other.
final class ParallelScheduler: @unchecked Sendable {
    private let condition = NSCondition()
    /// Coroutines of the running grove.parallel, recognised by their thread.
    private var adopted: Set<UnsafeMutableRawPointer> = []
    private var waiting: [Int: UnsafeMutableRawPointer] = [:]
    private var arrived: [(token: Int, outcome: Result<RemoteAnswer, Error>)] = []
    private var answers: [UnsafeMutableRawPointer: Result<RemoteAnswer, Error>] = [:]
    private var nextToken = 0

    func adopt(_ thread: UnsafeMutableRawPointer) { adopted.insert(thread) }
    func release(_ thread: UnsafeMutableRawPointer) { adopted.remove(thread); answers[thread] = nil }
    func owns(_ thread: UnsafeMutableRawPointer) -> Bool { adopted.contains(thread) }

    /// The answer that woke this coroutine, once.
    func take(_ thread: UnsafeMutableRawPointer) -> Result<RemoteAnswer, Error>? { answers.removeValue(forKey: thread) }

    /// A token for the request `thread` now waits for; `start` sends it with the callback.
    func wait(_ thread: UnsafeMutableRawPointer, start: (@escaping @Sendable (Result<RemoteAnswer, Error>) -> Void) throws -> Void) throws -> Int {
        let token = nextToken
        nextToken += 1
        try start { outcome in
            self.condition.lock()
            self.arrived.append((token, outcome))
            self.condition.signal()
            self.condition.unlock()
        }
        waiting[token] = thread
        return token
    }

    /// Blocks until an answer arrives; the token of the coroutine to resume.
    func next() -> Int? {
        guard !waiting.isEmpty else { return nil }
        condition.lock()
        while arrived.isEmpty { condition.wait() }
        let (token, outcome) = arrived.removeFirst()
        condition.unlock()
        if let thread = waiting.removeValue(forKey: token) { answers[thread] = outcome }
        return token
    }
}

enum ParallelBindings {
    static var pending: LuaValue { .string("grove.pending") }

    static func install(into lua: LuaState, session: GroveSession) throws {
        let scheduler = ParallelScheduler()
        session.scheduler = scheduler
        try lua.register(module: "grove._parallel", [
            LuaFunction(LuaFunctionInfo(name: "grove._parallel.adopt", signature: "", summary: "")) { call in
                scheduler.adopt(call.thread)
                return []
            },
            LuaFunction(LuaFunctionInfo(name: "grove._parallel.release", signature: "", summary: "")) { call in
                scheduler.release(call.thread)
                return []
            },
            LuaFunction(LuaFunctionInfo(name: "grove._parallel.next", signature: "", summary: "")) { _ in
                [scheduler.next().map { .integer(Int64($0)) } ?? .nil]
            },
        ])
        try lua.register(module: "grove", [
            LuaFunction(
                LuaFunctionInfo(
                    name: "grove.parallel", signature: "grove.parallel(items, fn [, {concurrency = 8, stop_on_error = false, progress = true}]) -> results, errors",
                    summary: "Calls fn(item) for every item as coroutines: while one waits for GitLab, others run (on the embedded store, one at a time). results[i] is fn(items[i])'s first result; errors[i] the error of an item that failed (the others go on, unless stop_on_error). A progress bar on a terminal.",
                    options: [
                        .init(name: "concurrency", type: "integer", required: false, summary: "Items in flight at once (default 8, 1 to 64)"),
                        .init(name: "stop_on_error", type: "boolean", required: false, summary: "Start no more items after the first failure"),
                        .init(name: "progress", type: "boolean", required: false, summary: "A progress bar on a terminal (default true)"),
                    ],
                    example: "local made, failed = grove.parallel(rows, function(row)\n  return groups.create{name = row.name, path = row.path}\nend, {concurrency = 8})")
            ) { call in
                // Checked here, so the errors name grove.parallel and its arguments.
                switch try call.table(1) {
                case .array: break
                case .map(let fields) where fields.isEmpty: break
                default: throw call.fail(1, "list of items expected")
                }
                _ = try call.function(2)
                let options = try call.options(3)
                for key in options.keys.sorted() where !["concurrency", "stop_on_error", "progress"].contains(key) {
                    throw StructuredError(status: 400, message: "unknown option \(key); accepted: concurrency, stop_on_error, progress", function: "grove.parallel")
                }
                if let n = options["concurrency"], !(n.intValue.map { (1...64).contains($0) } ?? false) {
                    throw StructuredError(status: 400, message: "concurrency must be an integer from 1 to 64", function: "grove.parallel")
                }
                return []
            },
        ])
        try lua.run(scheduling, chunkName: "=[grove.parallel]")
    }

    /// The scheduler: coroutines started up to `concurrency`, each resumed when the answer
    /// it yielded for has arrived.
    static let scheduling = """
        local check = grove.parallel
        local internal = grove._parallel
        grove._parallel = nil  -- the scheduler's own: kept as an upvalue, out of scripts' reach
        local help = debug.getregistry()["grove.help"]
        local create, resume, status = coroutine.create, coroutine.resume, coroutine.status
        local function parallel(items, fn, options)
          check(items, fn, options)
          options = options or {}
          local limit = options.concurrency or 8
          local results, errors, failed = {}, {}, false
          local waiting, running, started, done = {}, 0, 0, 0
          local bar
          if options.progress ~= false then
            local ok, progress = pcall(require, "grove.progress")
            if ok and progress.enabled() then bar = progress.new { total = #items, label = "parallel" } end
          end
          local function step(co, i)
            local ok, first, token = resume(co)
            if ok and status(co) == "suspended" then
              if first ~= "grove.pending" then
                ok, first = false, "grove.parallel: fn yielded on its own (coroutine.yield inside grove.parallel is not supported)"
              else
                waiting[token] = { co, i }
                return
              end
            end
            running, done = running - 1, done + 1
            if ok then results[i] = first else errors[i], failed = first, true end
            if bar then bar:tick() end
          end
          while true do
            while running < limit and started < #items and not (failed and options.stop_on_error) do
              started = started + 1
              local i = started
              running = running + 1
              step(create(function()
                internal.adopt()
                local ok, result = pcall(fn, items[i])
                internal.release()
                if not ok then error(result, 0) end
                return result
              end), i)
            end
            if running == 0 then break end
            local token = internal.next()
            if token == nil then break end
            local entry = waiting[token]
            waiting[token] = nil
            step(entry[1], entry[2])
          end
          if bar then bar:finish() end
          return results, errors
        end
        help[parallel] = help[check]
        grove.parallel = parallel
        """
}
