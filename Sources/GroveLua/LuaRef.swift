import CLuaShim

/// A Lua value kept alive in the registry (functions, userdata, error values).
/// Released when the last Swift reference goes, if the state is still open.
/// Unchecked Sendable because errors carry it: use it only on its state's thread.
public final class LuaRef: Equatable, @unchecked Sendable {
    let ref: Int32
    weak var state: LuaState?

    init(state: LuaState, popping L: OpaquePointer) {
        self.state = state
        self.ref = luaL_ref(L, grove_registryindex())
    }

    deinit {
        if let state, !state.isClosed { luaL_unref(state.L, grove_registryindex(), ref) }
    }

    func push(on L: OpaquePointer) {
        lua_rawgeti(L, grove_registryindex(), lua_Integer(ref))
    }

    public static func == (a: LuaRef, b: LuaRef) -> Bool {
        guard a !== b else { return true }
        guard let state = a.state, state === b.state, !state.isClosed else { return false }
        let L = state.L
        a.push(on: L)
        b.push(on: L)
        defer { grove_pop(L, 2) }
        return lua_rawequal(L, -1, -2) != 0
    }
}
