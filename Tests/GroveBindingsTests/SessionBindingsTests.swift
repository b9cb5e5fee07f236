import GroveCore
import GroveLua
import Testing
@testable import GroveBindings

@Suite("grove.as and grove.transaction")
struct SessionBindingsTests {
    let lua = LuaState()
    let store: GroveStore

    init() throws {
        let store = try GroveStore.inMemory()
        self.store = store
        let session = GroveSession { store }
        try CoreBindings.install(into: lua, session: session, registry: store.registry)
        try SessionBindings.install(into: lua, session: session)
    }

    @Test("grove.access names every role and is accepted wherever a level is")
    func accessConstants() throws {
        let results = try lua.run("""
            local g = groups.create{name = "Ops", path = "ops"}
            local alice = users.create{username = "alice", name = "Alice", email = "alice@example.com"}
            local m = members.add("ops", {user_id = alice.id, access_level = grove.access.developer})
            return grove.access.no_access, grove.access.guest, grove.access.developer, grove.access.maintainer,
                   grove.access.owner, grove.access.admin, m.access_level
            """)
        #expect(results == [0, 10, 30, 40, 50, 60, 30])
    }

    @Test("grove.is_not_found and friends answer for Grove errors of that status only")
    func errorPredicates() throws {
        let results = try lua.run("""
            local _, missing = pcall(groups.get, "nowhere")
            groups.create{name = "Ops", path = "ops"}
            local _, taken = pcall(groups.create, {name = "Ops", path = "ops"})
            return grove.is_not_found(missing), grove.is_forbidden(missing), grove.is_bad_request(taken),
                   grove.is_not_found("404 Group Not Found"), grove.is_not_found(nil)
            """)
        #expect(results == [true, false, true, false, false])
    }

    @Test func transactionCommitsAndReturnsWhatTheFunctionReturns() throws {
        let results = try lua.run("""
            local a, b = grove.transaction(function()
              local g = groups.create{name = "Ops", path = "ops"}
              return g.full_path, 2
            end)
            return a, b, groups.get("ops").name
            """)
        #expect(results == ["ops", 2, "Ops"])
    }

    @Test func transactionRollsBackEverythingOnError() throws {
        let results = try lua.run("""
            local ok, err = pcall(grove.transaction, function()
              groups.create{name = "Ops", path = "ops"}
              groups.create{name = "Tools", path = "tools"}
              error({reason = "changed my mind"})
            end)
            local found = pcall(groups.get, "ops")
            return ok, err.reason, found, groups.list{search = "o"}:count()
            """)
        #expect(results == [false, "changed my mind", false, 0])
    }

    @Test func anOperationThatFailsInsideATransactionLeavesTheRestStanding() throws {
        let results = try lua.run("""
            grove.transaction(function()
              groups.create{name = "Ops", path = "ops"}
              local ok = pcall(groups.create, {name = "Again", path = "ops"})
              assert(not ok)
            end)
            return groups.get("ops").name
            """)
        #expect(results == ["Ops"])
    }

    @Test func actingAsAUserAppliesPermissionRules() throws {
        let results = try lua.run("""
            local g = groups.create{name = "Platform", path = "platform"}
            local dev = users.create{username = "dev", email = "dev@example.com"}
            members.add(g.id, {user_id = dev.id, access_level = 30})
            local ok, err = grove.as("dev", function() return pcall(groups.update, g.id, {description = "x"}) end)
            local seen = grove.as("dev", function() return groups.get("platform").full_path end)
            return ok, err.status, seen
            """)
        #expect(results == [false, 403, "platform"])
    }

    @Test func actingAsAnUnknownUserIsNotFound() throws {
        let results = try lua.run("local ok, err = pcall(grove.as, 'ghost', function() end) return ok, err.status")
        #expect(results == [false, 404])
    }

    @Test func theActorIsRestoredAfterAnError() throws {
        let results = try lua.run("""
            users.create{username = "dev", email = "dev@example.com"}
            pcall(grove.as, "dev", function() error("boom") end)
            return groups.create{name = "Root only", path = "root-only"}.path
            """)
        #expect(results == ["root-only"])
    }
}
