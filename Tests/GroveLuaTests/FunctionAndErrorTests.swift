import Foundation
import Testing
@testable import GroveLua

struct NotFound: LuaErrorConvertible {
    func structuredError(function: String) -> StructuredError {
        StructuredError(status: 404, message: "404 Group Not Found", function: function)
    }
}

@Suite("Swift functions, errors and iterators")
struct FunctionAndErrorTests {
    let lua = LuaState()

    init() throws {
        try lua.register(module: "groups", summary: "Groups", [
            LuaFunction(LuaFunctionInfo(name: "groups.create", signature: "groups.create{name=, path=}", summary: "Create a group.",
                options: [.init(name: "name", type: "string", required: true)], example: "groups.create{name='A', path='a'}")
            ) { call in
                let options = try call.options(1)
                return [.map(["created": options["name"] ?? .nil])]
            },
            LuaFunction(name: "groups.get") { _ in throw NotFound() },
            LuaFunction(name: "groups.validate") { _ in
                throw StructuredError(status: 400, message: "400 Bad request", errors: [(field: "path", messages: ["has already been taken"])])
            },
            LuaFunction(name: "groups.echo") { call in (1...max(call.count, 1)).map { (try? call.argument($0)) ?? .nil } },
            LuaFunction(name: "groups.pair") { call in [.integer(try call.integer(1)), .string(try call.string(2))] },
        ])
    }

    @Test func callsSwiftWithArgumentsAndResults() throws {
        #expect(try lua.run("return groups.create{name = 'Platform'}.created") == [.string("Platform")])
        #expect(try lua.run("return groups.echo(1, 'two', nil, grove.null)") == [.integer(1), .string("two"), .nil, .null])
    }

    @Test func badArgumentsReadLikeLuaL() throws {
        let error = try #require(throws: ScriptError.self) {
            try lua.run("groups.create('oops')", chunkName: "=script.lua")
        }
        #expect(error.message == "script.lua:1: bad argument #1 to 'groups.create' (table expected, got string)")
        #expect(error.traceback?.contains("script.lua:1") == true)
        let second = try #require(throws: ScriptError.self) { try lua.run("groups.pair(1, {})") }
        #expect(second.message.hasSuffix("bad argument #2 to 'groups.pair' (string expected, got table)"))
        let third = try #require(throws: ScriptError.self) { try lua.run("groups.pair(1.5, 'x')") }
        #expect(third.message.hasSuffix("bad argument #1 to 'groups.pair' (number has no integer representation)"))
    }

    @Test func structuredErrorsAreCaughtByPcall() throws {
        let results = try lua.run("""
            local ok, err = pcall(groups.get, 42)
            return ok, err.status, err.message, tostring(err), grove.iserror(err)
            """)
        #expect(results == [false, 404, "404 Group Not Found", "groups.get: 404 Group Not Found", true])
        let fields = try lua.run("""
            local ok, err = pcall(groups.validate)
            return err.errors.path[1], tostring(err)
            """)
        #expect(fields == ["has already been taken", #"400 {path = "has already been taken"}"#])
    }

    @Test func uncaughtStructuredErrorsReachTheHostWithTraceback() throws {
        let error = try #require(throws: ScriptError.self) {
            try lua.run("local function f() groups.get(1) end\nf()", chunkName: "=job.lua")
        }
        #expect(error.structured?.status == 404)
        #expect(error.message == "groups.get: 404 Group Not Found")
        #expect(error.traceback?.contains("job.lua:1") == true)
    }

    @Test func luaErrorsInNestedCallsPropagateUnchanged() throws {
        try lua.register(LuaFunction(name: "with") { call in try call.call(call.function(1)) })
        let results = try lua.run("""
            local ok, err = pcall(with, function() error({code = 7}) end)
            local ok2, err2 = pcall(with, function() groups.get(1) end)
            return err.code, err2.status
            """)
        #expect(results == [7, 404])
    }

    @Test func nestedCallsReRaiseTheOriginalValueUntouched() throws {
        try lua.register(LuaFunction(name: "with") { call in try call.call(call.function(1)) })
        let results = try lua.run("""
            local ok, text = pcall(with, function() error("stop here", 0) end)
            local raised = {}
            local _, same = pcall(with, function() error(raised) end)
            local _, structured = pcall(with, function() groups.get(1) end)
            local _, deeper = pcall(with, function() with(function() error(raised) end) end)
            return text, same == raised, next(raised) == nil, rawget(structured, "traceback") == nil, deeper == raised
            """)
        #expect(results == ["stop here", true, true, true, true])
    }

    @Test func theTopLevelTracebackShowsWhereANestedErrorHappened() throws {
        try lua.register(LuaFunction(name: "with") { call in try call.call(call.function(1)) })
        let error = try #require(throws: ScriptError.self) {
            try lua.run("local function inner()\n  error('deep', 0)\nend\nwith(function() with(inner) end)", chunkName: "=nested.lua")
        }
        #expect(error.message == "deep")
        #expect(error.traceback?.contains("nested.lua:2: in ") == true, "traceback: \(error.traceback ?? "none")")
        #expect(error.traceback?.contains("nested.lua:4: in main chunk") == true)
        let table = try #require(throws: ScriptError.self) { try lua.run("raised = {code = 7} error(raised)") }
        #expect(table.traceback != nil)
        #expect(try lua.run("return rawget(raised, 'traceback'), raised.code") == [.nil, 7], "the top level adds no field either")
    }

    @Test func deepRecursionThroughTheBridge() throws {
        try lua.register(LuaFunction(name: "again") { call in try call.call(call.function(1), [call.argument(2)]) })
        let results = try lua.run("""
            local function down(n) if n == 0 then return 'bottom' end return again(down, n - 1) end
            return down(150)
            """)
        #expect(results == ["bottom"])
        let overflow = try #require(throws: ScriptError.self) {
            try lua.run("local function down(n) return again(down, n + 1) end return down(0)")
        }
        #expect(overflow.message.contains("stack overflow") || overflow.message.contains("C stack"))
    }

    /// Registers `name()`, a lazy sequence of 1 ... n (with a `:count()` that reads nothing
    /// when `counted`); `fetched` hears how many items the source has produced.
    func registerNumbers(_ name: String, upTo n: Int, counted: Bool = false, fetched: @escaping (Int) -> Void) throws {
        try lua.register(LuaFunction(name: name) { _ in
            var i = 0
            return [.iterator(LuaIterator(next: {
                i += 1
                fetched(i)
                return i <= n ? .integer(Int64(i)) : nil
            }, count: counted ? { n - min(i, n) } : nil))]
        })
    }

    @Test func lazyIteratorFetchesOnDemand() throws {
        nonisolated(unsafe) var fetched = 0
        try registerNumbers("numbers", upTo: 1000) { fetched = $0 }
        #expect(try lua.run("local s = 0 for n in numbers() do s = s + n if n == 10 then break end end return s") == [55])
        #expect(fetched == 10)
        #expect(try lua.run("return #numbers():all(), #numbers():first(3), numbers():count()") == [1000, 3, 1000])
    }

    @Test func peekLeavesTheItemsForWhatFollows() throws {
        nonisolated(unsafe) var fetched = 0
        try registerNumbers("numbers", upTo: 5, counted: true) { fetched = $0 }
        #expect(try lua.run("""
            local it = numbers()
            local peeked = table.concat(it:peek(2))
            local again = table.concat(it:peek(3))
            local total = it:count()
            local first = it()
            return peeked, again, total, first, table.concat(it:first(2)), table.concat(it:all()), #it:peek(4)
            """) == ["12", "123", 5, 1, "23", "45", 0])
        #expect(fetched == 6)
    }

    @Test func swiftErrorInsideAnIteratorIsALuaError() throws {
        try lua.register(LuaFunction(name: "failing") { _ in
            var i = 0
            return [.iterator(LuaIterator(next: {
                i += 1
                if i == 3 { throw NotFound() }
                return .integer(Int64(i))
            }))]
        })
        let results = try lua.run("""
            local seen = 0
            local ok, err = pcall(function() for n in failing() do seen = n end end)
            return ok, seen, err.status
            """)
        #expect(results == [false, 2, 404])
    }

    @Test func anIteratorFailsInTheNameOfTheFunctionThatMadeIt() throws {
        try lua.register(LuaFunction(name: "groups.pages") { _ in [.iterator(LuaIterator(next: { throw NotFound() }))] })
        let results = try lua.run("""
            local function failure(f) local _, err = pcall(f) return tostring(err) .. " " .. tostring(err.status) end
            return failure(function() for _ in groups.pages() do end end), failure(function() groups.pages():all() end),
                   failure(function() groups.pages():first(1) end), failure(function() groups.pages():count() end)
            """)
        #expect(results == Array(repeating: "groups.pages: 404 Group Not Found 404", count: 4))
    }

    @Test func helpDescribesFunctions() throws {
        try lua.run("""
            _out = {}
            print = function(s) _out[#_out + 1] = s end
            help(groups.create) help(groups) help()
            """)
        let text = try lua.run("return table.concat(_out, '\\n')").first?.stringValue ?? ""
        #expect(text.contains("groups.create{name=, path=}"))
        #expect(text.contains("(required)"))
        #expect(text.contains("groups.create{name='A', path='a'}"))
        #expect(text.contains("groups"))
    }

    /// The Lua side of a long run; the Swift side (RSS of a process of its own) is in
    /// GroveCLITests' BridgeMemoryTests, because this process's RSS is shared with every suite.
    @Test func millionsOfCallsDoNotGrowTheLuaHeap() throws {
        try lua.register(LuaFunction(name: "id") { call in [try call.argument(1)] })
        func kilobytes() throws -> Int64 { try lua.run("collectgarbage() collectgarbage() return collectgarbage('count') // 1").first?.intValue ?? 0 }
        try lua.run("for i = 1, 100000 do id({i, 'x'}) end")
        let before = try kilobytes()
        try lua.run("for i = 1, 1000000 do id({i, 'x'}) end")
        let after = try kilobytes()
        #expect(after - before < 64, "Lua heap grew from \(before) KiB to \(after) KiB")
    }
}

