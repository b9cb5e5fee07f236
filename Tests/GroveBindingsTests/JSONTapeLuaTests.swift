import GroveCore
import GroveLua
import Testing
@testable import GroveBindings

/// A list's batch pushed to Lua from its tape is what the same items pushed from trees are,
/// whatever the shapes that follow one another through one cache of field names.
@Suite("Tape items in Lua")
struct JSONTapeLuaTests {
    let lua = LuaState()

    /// `values` written into one tape.
    static func tape(_ values: [JSONValue]) -> JSONTape {
        let writer = JSONTapeWriter()
        for value in values { writer.appendValue(value) }
        return writer.finish()
    }

    func read(_ value: LuaValue) throws -> LuaValue {
        try lua.setGlobal("v", value)
        return try lua.global("v")
    }

    /// A tree as Lua holds it, read back (an empty array reads as an empty table).
    func inLua(_ value: JSONValue) throws -> LuaValue { try read(value.luaResult) }

    /// Names that share prefixes and lengths, an empty name and non-ASCII ones: a cached
    /// name is reused only where the bytes are the same.
    static let shapes: [JSONValue] = [
        ["id": 1, "ids": [1, 2], "name": "a"],
        ["id": 2, "ids": [], "name": "b"],
        ["ids": 3, "id": "swapped", "nom": "same length, other bytes"],
        ["": "empty name", "i": 4, "idé": 5, "_links": ["self": "https://gitlab.example/api/v4/projects/4"]],
        ["id": 6, "_links": ["self": "x", "issues": "y"], "namespace": ["id": 1, "name": "n", "kind": "group"]],
        ["id": 7, "items": [["id": 1, "name": "nested"], ["id": 2, "path": "other shape"]], "none": nil, "ok": true, "ratio": 0.25],
        ["id": 8, "ids": [1, 2], "name": "a"],
    ]

    @Test func tapeAndTreeGiveTheSameTables() throws {
        let tape = Self.tape(Self.shapes)
        let names = LuaKeyNames(tape.keys)
        let tapeKeys = LuaKeyCache()
        let treeKeys = LuaKeyCache()
        // Twice over: the second pass meets every name already cached at some place.
        for _ in 0..<2 {
            for (index, value) in Self.shapes.enumerated() {
                let fromTape = try read(tape.luaResult(at: index, reusingKeys: tapeKeys, names: names))
                let fromTree = try read(value.luaResult(reusingKeys: treeKeys))
                #expect(fromTape == fromTree, "item \(index)")
                #expect(fromTape == (try inLua(value)), "item \(index)")
            }
        }
    }

    /// One cache fed by both paths in turn (a loop whose batches come as trees, then as a
    /// tape) keeps every name right.
    @Test func oneCacheServesTapeAndTreesInTurn() throws {
        let tape = Self.tape(Self.shapes)
        let names = LuaKeyNames(tape.keys)
        let keys = LuaKeyCache()
        for (index, value) in Self.shapes.enumerated() {
            let pushed = index % 2 == 0 ? tape.luaResult(at: index, reusingKeys: keys, names: names) : value.luaResult(reusingKeys: keys)
            #expect(try read(pushed) == (try inLua(value)), "item \(index)")
        }
    }

    /// Each tape numbers its keys in the order it met them: two tapes whose numbers mean
    /// other names, pushed in turn through one cache (two loops, or one loop's batches),
    /// each get their own names.
    @Test func tapesNumberingNamesDifferentlyShareACache() throws {
        let tapes = [Self.tape(Self.shapes), Self.tape(Self.shapes.reversed())]
        #expect(tapes[0].keys != tapes[1].keys, "the same names, numbered otherwise")
        let names = tapes.map { LuaKeyNames($0.keys) }
        let keys = LuaKeyCache()
        for round in 0..<3 {
            for index in Self.shapes.indices {
                for (t, tape) in tapes.enumerated() {
                    let value = t == 0 ? Self.shapes[index] : Self.shapes[Self.shapes.count - 1 - index]
                    // The third round gives the second tape's names afresh, as a new batch would.
                    let list = round == 2 && t == 1 ? LuaKeyNames(tape.keys) : names[t]
                    #expect(try read(tape.luaResult(at: index, reusingKeys: keys, names: list)) == (try inLua(value)), "round \(round), tape \(t), item \(index)")
                }
            }
        }
    }

    /// Through the bindings: a loop over a group's projects, members and subgroups, whose
    /// batches come as tapes, sees what the whole list's trees hold.
    @Test func loopsOverTapedListsSeeTheTrees() throws {
        let store = try GroveStore.inMemory()
        try CoreBindings.install(into: lua, session: GroveSession { store }, registry: store.registry)
        let top = try store.perform("groups.create", params: ["name": "Top", "path": "top"], as: .root).body?["id"]?.intValue ?? 0
        for i in 0..<130 {
            _ = try store.perform("groups.create", params: ["name": .string("Sub \((i * 37) % 130)"), "path": .string("sub-\(i)"), "parent_id": .int(top)], as: .root)
            _ = try store.perform("projects.create", params: ["name": .string("P\(i)"), "path": .string("p-\(i)"), "namespace_id": .int(top),
                                                             "description": .string(i % 3 == 0 ? "" : "d ✓ \(i)")], as: .root)
            let user = try store.perform("users.create", params: ["username": .string("u\(i)"), "email": .string("u\(i)@example.com")], as: .root)
            _ = try store.perform("groups.members.add", params: ["id": .int(top), "user_id": user.body?["id"] ?? nil, "access_level": 30], as: .root)
        }
        for (operation, function) in [("groups.projects", "groups.projects"), ("groups.members.list", "members.list"), ("groups.subgroups", "groups.subgroups")] {
            var expected: [LuaValue] = []
            var page: Int64 = 1
            while true {
                let r = try store.perform(operation, params: ["id": .int(top), "page": .int(page), "per_page": 100], as: .root)
                expected += try (r.body?.arrayValue ?? []).map(inLua)
                guard let next = r.page?.nextPage else { break }
                page = next
            }
            let seen = try lua.run("local t = {} for item in \(function)(\(top)) do t[#t + 1] = item end return t")
            #expect(seen == [.array(expected)], "\(function)")
            #expect(expected.count >= 130)
        }
    }
}
