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
