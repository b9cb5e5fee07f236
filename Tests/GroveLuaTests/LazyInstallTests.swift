import Testing
@testable import GroveLua

/// `installLazily`: what a start defers is installed by the first look-up that needs it,
/// once, and before that a chunk that touches none of it installs nothing.
@Suite("modules installed on first use")
struct LazyInstallTests {
    final class Count { var installs = 0 }

    static func state(_ count: Count) throws -> LuaState {
        let lua = LuaState()
        try lua.installLazily(globals: ["tools"]) {
            count.installs += 1
            try lua.register(module: "tools", [LuaFunction(name: "tools.double") { call in [.integer(try call.integer(1) * 2)] }])
            try lua.register(module: "grove", [LuaFunction(name: "grove.later") { _ in [.string("later")] }])
        }
        return lua
    }

    @Test func nothingIsInstalledUntilANameIsRead() throws {
        let count = Count()
        let lua = try Self.state(count)
        #expect(try lua.run("return 1 + 1, print ~= nil, rawget(_G, 'tools')") == [2, true, .nil])
        #expect(count.installs == 0)
        #expect(try lua.run("return tools.double(21)") == [42])
        #expect(try lua.run("return tools.double(2), rawget(_G, 'tools') ~= nil, getmetatable(_G)") == [4, true, .nil])
        #expect(count.installs == 1, "installed once")
    }

    @Test func aMissingModuleFieldPairsAndHelpInstallToo() throws {
        let viaField = Count()
        #expect(try Self.state(viaField).run("return grove.later()") == ["later"])
        #expect(viaField.installs == 1)

        let viaPairs = Count()
        #expect(try Self.state(viaPairs).run("for k in pairs(_G) do if k == 'tools' then return true end end return false") == [true])
        #expect(viaPairs.installs == 1)

        let viaInstallPending = Count()
        let lua = try Self.state(viaInstallPending)
        try lua.installPending()
        try lua.installPending()
        #expect(try lua.run("return rawget(_G, 'tools') ~= nil") == [true])
        #expect(viaInstallPending.installs == 1)
    }

    @Test func anUnknownGlobalStaysNilAndInstallsNothing() throws {
        let count = Count()
        #expect(try Self.state(count).run("return undefined_thing") == [.nil])
        #expect(count.installs == 0)
    }
}
