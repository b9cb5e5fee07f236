import Testing
@testable import GroveLua

@Suite("Swift <-> Lua values")
struct ValueRoundTripTests {
    let lua = LuaState()

    /// Pushes a value into Lua through a global and reads it back.
    func roundTrip(_ value: LuaValue) throws -> LuaValue {
        try lua.setGlobal("v", value)
        return try lua.global("v")
    }

    @Test func scalars() throws {
        #expect(try roundTrip(.nil) == .nil)
        #expect(try roundTrip(.boolean(true)) == .boolean(true))
        #expect(try roundTrip(.boolean(false)) == .boolean(false))
        #expect(try roundTrip(.integer(Int64.max)) == .integer(Int64.max))
        #expect(try roundTrip(.integer(-3)) == .integer(-3))
        #expect(try roundTrip(.number(2.5)) == .number(2.5))
        #expect(try roundTrip(.string("héllo ✓")) == .string("héllo ✓"))
    }

    /// A pushable value builds its table straight on the stack; nested in other values
    /// it lands where a `LuaValue` tree would; pushing more than one value is refused.
    @Test func pushableValuesBuildTablesInPlace() throws {
        let record = LuaPushable(typeName: "table") { lua in
            try lua.pushTable(arrayCount: 0, fieldCount: 3) { t in
                t.set(field: "id") { t.pushInteger(7) }
                t.set(field: "name") { t.pushString("Alpha") }
                try t.set(field: "tags") {
                    try t.pushTable(arrayCount: 2, fieldCount: 0) { a in
                        a.set(index: 1) { a.pushString("x") }
                        a.set(index: 2) { a.pushNull() }
                    }
                }
            }
        }
        #expect(LuaValue.pushable(record).typeName == "table")
        #expect(try roundTrip(.pushable(record)) == .map(["id": 7, "name": "Alpha", "tags": .array(["x", .null])]))
        #expect(try roundTrip(.array([.pushable(record), 1])).arrayValue?.first?["name"] == "Alpha")
        let tooMany = LuaPushable(typeName: "number") { lua in lua.pushInteger(1); lua.pushInteger(2) }
        let top = lua.stackTop
        let miscounted = #expect(throws: ConversionError.self) { try lua.setGlobal("v", .pushable(tooMany)) }
        #expect(miscounted?.description == "a pushable value pushed 2 values instead of one")
        let deep = LuaPushable(typeName: "table") { lua in
            func nest(_ w: LuaStackWriter, _ n: Int) throws { try w.pushTable(arrayCount: 1, fieldCount: 0) { t in try t.set(index: 1) { try nest(t, n + 1) } } }
            try nest(lua, 0)
        }
        #expect(throws: ConversionError.self) { try lua.setGlobal("v", .pushable(deep)) }
        #expect(lua.stackTop == top)  // both failures left the stack as they found it
    }

    /// Values pushed through one key cache get the same fields as without it, whether
    /// the next value has the same names, fewer, more, other ones, or nested tables; a
    /// failed push leaves the stack as it was and the next push still sees every field.
    @Test func keyCacheKeepsEveryFieldWhateverTheShapes() throws {
        let keys = LuaKeyCache()
        func record(_ fields: [(String, LuaValue)], nested: [(String, Int64)] = [], failing: Bool = false) -> LuaValue {
            .pushable(LuaPushable(typeName: "table") { w in
                try w.reusingKeys(of: keys) { w in
                    try w.pushTable(arrayCount: 0, fieldCount: fields.count + 1) { t in
                        for (name, value) in fields { try t.set(field: name) { try t.push(value) } }
                        try t.set(field: "links") {
                            try t.pushTable(arrayCount: 0, fieldCount: nested.count) { n in
                                for (name, value) in nested { n.set(field: name) { n.pushInteger(value) } }
                            }
                        }
                        if failing { throw ConversionError(description: "stopped half-way") }
                    }
                }
            })
        }
        let shapes: [([(String, LuaValue)], [(String, Int64)])] = [
            ([("id", 1), ("name", "a")], [("self", 1)]),
            ([("id", 2), ("name", "b")], [("self", 2)]),
            ([("id", 3)], [("self", 3), ("issues", 4)]),
            ([("id", 4), ("name", "d"), ("path", "p")], []),
            ([("path", "q"), ("id", 5)], [("issues", 6), ("self", 7)]),
            ([("id", 6), ("name", "f")], [("self", 8)]),
        ]
        let top = lua.stackTop
        for (fields, nested) in shapes {
            var expected = Dictionary(uniqueKeysWithValues: fields)
            expected["links"] = .map(Dictionary(uniqueKeysWithValues: nested.map { ($0.0, LuaValue.integer($0.1)) }))
            #expect(try roundTrip(record(fields, nested: nested)) == .map(expected))
            #expect(lua.stackTop == top)
            #expect(throws: ConversionError.self) { try lua.setGlobal("v", record([("other", 0)], failing: true)) }
            #expect(lua.stackTop == top)
        }
    }

    @Test func integersStayIntegersAndFloatsStayFloats() throws {
        #expect(try lua.run("return 3, 3.0, 2^53, 7 // 2, 7 / 2") == [.integer(3), .number(3.0), .number(9007199254740992), .integer(3), .number(3.5)])
        try lua.setGlobal("n", .number(1.0))
        #expect(try lua.run("return math.type(n)") == [.string("float")])
        try lua.setGlobal("n", .integer(1))
        #expect(try lua.run("return math.type(n)") == [.string("integer")])
    }

    @Test func stringsAreBinarySafe() throws {
        let withNul = "a\u{0}b\u{0}"
        #expect(try roundTrip(.string(withNul)) == .string(withNul))
        #expect(try lua.run("return #v") == [.integer(4)])
        let invalidUTF8: [UInt8] = [0xff, 0x00, 0xfe, 0x41]
        #expect(try roundTrip(.bytes(invalidUTF8)) == .bytes(invalidUTF8))
        #expect(try lua.run("return v:byte(1), v:byte(4)") == [.integer(0xff), .integer(0x41)])
    }

    @Test func nestedTables() throws {
        let value: LuaValue = [
            "name": "Platform", "id": 7, "tags": ["a", "b"],
            "parent": ["id": 1, "nested": ["deep": [1, 2.5, true]]],
        ]
        #expect(try roundTrip(value) == value)
        #expect(try lua.run("return v.parent.nested.deep[2], #v.tags") == [.number(2.5), .integer(2)])
    }

    @Test func nullSentinelRoundTrips() throws {
        #expect(try roundTrip(.null) == .null)
        #expect(try lua.run("return v == grove.null, tostring(grove.null):match('^grove.null') ~= nil") == [.boolean(true), .boolean(true)])
        let withNull: LuaValue = ["description": .null, "items": [1, .null, 3]]
        #expect(try roundTrip(withNull) == withNull)
        #expect(try lua.run("return #v.items") == [.integer(3)])
    }

    @Test func luaTablesBecomeArraysOrMaps() throws {
        #expect(try lua.run("return {1, 2, 3}") == [[1, 2, 3]])
        #expect(try lua.run("return {a = 1}") == [["a": 1]])
        #expect(try lua.run("return {[5] = 'x'}") == [["5": "x"]])
        #expect(try lua.run("return {}") == [.map([:])])
    }

    @Test func cyclicAndBooleanKeyedTablesAreRefused() throws {
        #expect(throws: ConversionError.self) { try lua.run("local t = {}; t.self = t; return t") }
        #expect(throws: ConversionError.self) { try lua.run("return {[true] = 1}") }
    }

    /// Lua keys are bytes; a table's keys become Swift strings only when they are UTF-8.
    @Test func keysThatAreNotUTF8AreRefusedAndTheStackIsKept() throws {
        try lua.run("v = {['a\\255'] = 1} w = {{ok = 1}, {['\\192'] = 2}}")
        let top = lua.stackTop
        #expect(throws: ConversionError.self) { try lua.global("v") }
        #expect(throws: ConversionError.self) { try lua.global("w") }
        #expect(lua.stackTop == top)
    }

    /// `[]` and `{}` are one thing in Lua: an empty array is marked (grove.json's
    /// `__jsontype = "array"`) and read back as an array; an unmarked empty table is a map.
    @Test func emptyArraysStayArrays() throws {
        #expect(try roundTrip(.array([])) == .array([]))
        #expect(try roundTrip(.map(["items": .array([])])) == .map(["items": .array([])]))
        #expect(try lua.run("return getmetatable(v.items).__jsontype, #v.items") == ["array", 0])
        let pushed = LuaPushable(typeName: "table") { $0.pushEmptyArray() }
        #expect(try roundTrip(.pushable(pushed)) == .array([]))
        #expect(try roundTrip(.map([:])) == .map([:]))
        #expect(try lua.run("local t = setmetatable({}, {__jsontype = 'array'}) t[1] = 'x' return t") == [.array(["x"])])
    }

    @Test func functionsAreKeptByReference() throws {
        let results = try lua.run("return function(a, b) return a + b end")
        guard case .function(let add) = results.first else {
            Issue.record("expected a function")
            return
        }
        #expect(try lua.call(add, [2, 40]) == [.integer(42)])
    }

    @Test func monotonicClock() throws {
        let results = try lua.run("local a = grove.clock() local b = grove.clock() return math.type(a), b >= a, b - a < 1")
        #expect(results == ["float", true, true])
    }
}
