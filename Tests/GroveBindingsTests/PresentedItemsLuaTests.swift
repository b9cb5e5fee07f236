import GroveCore
import Testing
@testable import GroveBindings
@testable import GroveLua

/// A list's item presented straight into a Lua table is what the same presenter writes into
/// a tree, pushed to Lua: whatever the shapes that follow one another through one cache of
/// field names, and however a field is written (a value, an address in two parts, an instant,
/// a nested object).
@Suite("Presented items in Lua")
struct PresentedItemsLuaTests {
    let lua = LuaState()

    /// Presents each of `values` (objects) field by field: strings also as `<key>_joined`,
    /// written in two parts split at every place in turn, and integers also as
    /// `<key>_at`, an instant; objects through `appendObject`.
    struct Shapes: PresentableItems {
        let values: [JSONValue]
        var count: Int { values.count }
        var fieldCount: Int { 4 }

        func present(_ index: Int, into o: inout some JSONObjectBuilder) {
            Self.fields(of: values[index], into: &o)
        }

        static func fields(of value: JSONValue, into o: inout some JSONObjectBuilder) {
            guard case .object(let object) = value else { return }
            for (key, field) in object {
                switch field {
                case .object:
                    o.appendObject(key, fieldCount: 0) { fields(of: field, into: &$0) }
                case .string(let s):
                    o.append(key, field)
                    let split = s.index(s.startIndex, offsetBy: key.count % (s.count + 1))
                    o.append(key + "_joined", String(s[..<split]), String(s[split...]))
                case .int(let i):
                    o.append(key, field)
                    o.append(key + "_at", iso8601: i)
                default:
                    o.append(key, field)
                }
            }
        }

        /// What `present` writes, as a tree.
        func tree(_ index: Int) -> JSONValue {
            var o = JSONObject()
            present(index, into: &o)
            return .object(o)
        }
    }

    func read(_ value: LuaValue) throws -> LuaValue {
        try lua.setGlobal("v", value)
        return try lua.global("v")
    }

    /// Names that share prefixes and lengths, an empty name and non-ASCII ones, strings
    /// past the forty bytes Lua interns, instants at the ends of Int64: a cached name is
    /// reused only where it is the same name.
    static let shapes: [JSONValue] = [
        ["id": 1, "ids": [1, 2], "name": "a"],
        ["id": 2, "ids": [], "name": "b"],
        ["ids": 3, "id": "swapped", "nom": "same length, other bytes"],
        ["": "empty name", "i": .int(Int64.max), "idé": .int(Int64.min), "_links": ["self": "https://gitlab.example/api/v4/projects/4 ünïcødé ✓"]],
        ["id": 6, "_links": ["self": "x", "issues": "", "empty": [:]], "namespace": ["id": 1, "name": "n", "kind": "group"]],
        ["id": 7, "items": [["id": 1, "name": "nested"], ["id": 2, "path": "other shape"]], "none": nil, "ok": true, "ratio": 0.25],
        ["id": -62_167_219_200_000, "ids": [1, 2], "name": "a"],
    ]

    @Test func presentedAndTreeGiveTheSameTables() throws {
        let items = Shapes(values: Self.shapes)
        let presentedKeys = LuaKeyCache()
        let treeKeys = LuaKeyCache()
        // Twice over: the second pass meets every name already cached at some place.
        for _ in 0..<2 {
            for index in Self.shapes.indices {
                let presented = try read(items.luaResult(at: index, reusingKeys: presentedKeys))
                #expect(presented == (try read(items.tree(index).luaResult(reusingKeys: treeKeys))), "item \(index)")
                #expect(presented == (try read(items.tree(index).luaResult)), "item \(index)")
            }
        }
    }

    /// One cache fed by both paths in turn (a loop whose batches come as trees, then
    /// presented) keeps every name right.
    @Test func oneCacheServesPresentedItemsAndTreesInTurn() throws {
        let items = Shapes(values: Self.shapes)
        let keys = LuaKeyCache()
        for round in 0..<2 {
            for index in Self.shapes.indices {
                let pushed = (index + round) % 2 == 0 ? items.luaResult(at: index, reusingKeys: keys) : items.tree(index).luaResult(reusingKeys: keys)
                #expect(try read(pushed) == (try read(items.tree(index).luaResult)), "round \(round), item \(index)")
            }
        }
    }

    /// A field nested deeper than Lua values may be (200 levels) fails the item with the conversion's
    /// error, leaves the stack as it was, and the next item is whole.
    @Test func aFieldNestedTooDeepFailsItsItemOnly() throws {
        var deep: JSONValue = "bottom"
        for _ in 0..<250 { deep = .array([deep]) }
        let items = Shapes(values: [["id": 1, "deep": deep, "after": "x"], ["id": 2, "name": "whole"]])
        let keys = LuaKeyCache()
        let top = lua.stackTop
        let error = #expect(throws: ConversionError.self) { try lua.push(items.luaResult(at: 0, reusingKeys: keys)) }
        #expect(error?.description.contains("nested too deeply") == true, "\(String(describing: error))")
        #expect(lua.stackTop == top)
        #expect(try read(items.luaResult(at: 1, reusingKeys: keys)) == (try read(items.tree(1).luaResult)))
    }

    /// Through the bindings: a loop over a group's projects, members and subgroups, whose
    /// batches come presented, sees what the whole list's REST pages hold; for an
    /// administrator and for a member, whose role decides which project fields show.
    @Test func loopsOverPresentedListsSeeTheTrees() throws {
        let store = try GroveStore.inMemory()
        let top = try store.perform("groups.create", params: ["name": "Top", "path": "top"], as: .root).body?["id"]?.intValue ?? 0
        var userIds: [JSONValue] = []
        for i in 0..<130 {
            _ = try store.perform("groups.create", params: ["name": .string("Sub \((i * 37) % 130)"), "path": .string("sub-\(i)"), "parent_id": .int(top)], as: .root)
            _ = try store.perform("projects.create", params: ["name": .string("P\(i)"), "path": .string("p-\(i)"), "namespace_id": .int(top),
                                                             "description": .string(i % 3 == 0 ? "" : "d ✓ \(i)")], as: .root)
            let user = try store.perform("users.create", params: ["username": .string("u\(i)"), "email": .string("u\(i)@example.com")], as: .root)
            userIds.append(user.body?["id"] ?? nil)
            _ = try store.perform("groups.members.add", params: ["id": .int(top), "user_id": userIds[i], "access_level": i == 0 ? 40 : 30], as: .root)
        }
        let maintainer = GroveCore.Actor.user(id: userIds[0].intValue ?? 0)
        for actor in [GroveCore.Actor.root, maintainer] {
            let session = LuaState()
            try CoreBindings.install(into: session, session: GroveSession(actor: actor) { store }, registry: store.registry)
            for (operation, function) in [("groups.projects", "groups.projects"), ("groups.members.list", "members.list"), ("groups.subgroups", "groups.subgroups"),
                                          ("projects.list", "projects.list")] {
                var expected: [LuaValue] = []
                var page: Int64 = 1
                while true {
                    var params: JSONObject = ["page": .int(page), "per_page": 100]
                    if operation != "projects.list" { params["id"] = .int(top) }
                    let r = try store.perform(operation, params: params, as: actor)
                    for item in r.body?.arrayValue ?? [] { expected.append(try read(item.luaResult)) }
                    guard let next = r.page?.nextPage else { break }
                    page = next
                }
                let seen = try session.run("local t = {} for item in \(function)(\(operation == "projects.list" ? "" : "\(top)")) do t[#t + 1] = item end return t")
                #expect(seen == [.array(expected)], "\(function) as \(actor)")
                #expect(expected.count >= 130)
            }
        }
    }

    /// What an item shows beyond its row is read with its page, and a loop presenting the
    /// item after the page's transaction still shows it: a share and the role it gives (a
    /// maintainer's fields), group statistics and custom attributes.
    @Test func aLoopShowsWhatItsPageReadBesideTheRows() throws {
        let store = try GroveStore.inMemory()
        func id(_ result: OperationResult) -> Int64 { result.body?["id"]?.intValue ?? 0 }
        let top = id(try store.perform("groups.create", params: ["name": "Top", "path": "top"], as: .root))
        let team = id(try store.perform("groups.create", params: ["name": "Team", "path": "team"], as: .root))
        let sub = id(try store.perform("groups.create", params: ["name": "Sub", "path": "sub", "parent_id": .int(top)], as: .root))
        _ = try store.perform("groups.custom_attributes.set", params: ["id": .int(sub), "key": "owner", "value": "platform"], as: .root)
        let project = id(try store.perform("projects.create", params: ["name": "Lib", "path": "lib", "namespace_id": .int(sub)], as: .root))
        _ = try store.perform("projects.update", params: ["id": .int(project), "repository_size": 1_000], as: .root)
        _ = try store.perform("projects.share", params: ["id": .int(project), "group_id": .int(team), "group_access": 40], as: .root)
        let carol = id(try store.perform("users.create", params: ["username": "carol", "email": "carol@example.com"], as: .root))
        _ = try store.perform("groups.members.add", params: ["id": .int(team), "user_id": .int(carol), "access_level": 40], as: .root)

        let asCarol = LuaState()
        try CoreBindings.install(into: asCarol, session: GroveSession(actor: .user(id: carol)) { store }, registry: store.registry)
        // Carol maintains the project through Team's share: she sees the share and a
        // maintainer's fields (CI defaults, import_error).
        #expect(try asCarol.run("""
            local seen = {}
            for p in groups.shared_projects(\(team)) do
                seen[#seen + 1] = p.path .. " " .. p.shared_with_groups[1].group_full_path .. " " .. tostring(p.ci_default_git_depth)
                    .. " " .. tostring(p.import_error == grove.null)
            end
            return table.concat(seen, ", ")
            """) == [.string("lib team 20 true")])

        let asRoot = LuaState()
        try CoreBindings.install(into: asRoot, session: GroveSession { store }, registry: store.registry)
        #expect(try asRoot.run("""
            local seen = {}
            for g in groups.subgroups(\(top), {statistics = true, with_custom_attributes = true}) do
                seen[#seen + 1] = g.path .. " " .. g.statistics.storage_size .. " " .. g.custom_attributes[1].key .. "=" .. g.custom_attributes[1].value
            end
            return table.concat(seen, ", ")
            """) == [.string("sub 1000 owner=platform")])
    }
}
