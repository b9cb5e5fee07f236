import CLuaShim

/// One Lua 5.4 state with Grove's conventions: standard libraries, the `grove`
/// table with `grove.null`, structured errors, and every call protected with a
/// traceback handler. Not thread-safe: use it from one thread.
public final class LuaState {
    public let L: OpaquePointer
    public private(set) var isClosed = false
    /// Address of the `grove.null` userdata: values are compared by identity.
    private(set) var nullAddress: UnsafeMutableRawPointer?
    /// Where the registry's array part holds `grove.null` too: pushed by index, a list
    /// pushes it for every null field.
    private(set) var nullReference: lua_Integer = 0
    /// The metatable of the empty arrays Grove gives Lua (`{__jsontype = "array"}`, the
    /// mark `grove.json` reads): `projects = []` goes back out as `[]`, not `{}`.
    private(set) var arrayMetatableReference: lua_Integer = 0

    public init() {
        guard let L = luaL_newstate() else { fatalError("Lua: not enough memory for a new state") }
        self.L = L
        grove_set_dispatcher(dispatchSwiftFunction)
        grove_sethost(L, Unmanaged.passUnretained(self).toOpaque())
        grove_initstate(L)
        luaL_openlibs(L)
        installBoxMetatables()
        installGroveTable()
        installHelpAndErrorTables()
        do {
            try installIteratorMethods()
            try installClock()
            try run(Prelude.source, chunkName: "=[grove prelude]")
        } catch {
            fatalError("Grove's Lua prelude failed: \(error)")
        }
    }

    deinit { close() }

    public func close() {
        guard !isClosed else { return }
        isClosed = true
        lua_close(L)
    }

    static func host(of L: OpaquePointer) -> LuaState {
        Unmanaged<LuaState>.fromOpaque(grove_gethost(L)).takeUnretainedValue()
    }

    // MARK: Running code

    /// Compiles `code`; a syntax error is thrown as `ScriptError(kind: .syntax)`.
    /// `chunkName` follows Lua: `=name` is shown as is, `@file` as a file name.
    public func load(_ code: String, chunkName: String) throws -> LuaRef {
        try load(bytes: Array(code.utf8), chunkName: chunkName)
    }

    public func load(bytes: [UInt8], chunkName: String) throws -> LuaRef {
        // An empty chunk may have no buffer address: Lua gets a valid empty one instead.
        let status = bytes.withUnsafeBytes { buffer in
            buffer.withMemoryRebound(to: CChar.self) { chars in
                chars.baseAddress.map { grove_loadbuffer(L, $0, chars.count, chunkName) } ?? grove_loadbuffer(L, "", 0, chunkName)
            }
        }
        guard status == LUA_OK else { throw popError(status: status) }
        return LuaRef(state: self, popping: L)
    }

    /// Runs a chunk under `lua_pcall` with a traceback handler; returns its results.
    @discardableResult
    public func run(_ code: String, chunkName: String = "=(grove)") throws -> [LuaValue] {
        try call(load(code, chunkName: chunkName))
    }

    /// Calls a Lua function under `lua_pcall` with a traceback handler. An error
    /// comes back as a ScriptError holding the value raised, unchanged, and the
    /// traceback of where it was raised.
    @discardableResult
    public func call(_ function: LuaRef, _ arguments: [LuaValue] = []) throws -> [LuaValue] {
        try call(function, arguments, on: L)
    }

    func call(_ function: LuaRef, _ arguments: [LuaValue], on L: OpaquePointer) throws -> [LuaValue] {
        let base = lua_gettop(L)
        guard lua_checkstack(L, Int32(arguments.count) + 4) != 0 else {
            throw ScriptError(kind: .memory, message: "stack overflow", traceback: nil, structured: nil, raw: nil)
        }
        function.push(on: L)
        for argument in arguments { try push(argument, on: L) }
        let status = grove_pcall(L, Int32(arguments.count), LUA_MULTRET)
        guard status == LUA_OK else {
            // grove_pcall left the error value and, above it, its traceback.
            var traceback: String?
            if lua_type(L, -1) == LUA_TSTRING {
                let text = string(at: -1, on: L)
                traceback = text.hasPrefix(Self.tracebackHeader) ? String(text.dropFirst(Self.tracebackHeader.count)) : text
            }
            grove_pop(L, 1)
            throw popError(status: status, traceback: traceback, on: L)
        }
        defer { lua_settop(L, base) }
        return try (base + 1..<lua_gettop(L) + 1).map { try value(at: $0, on: L) }
    }

    /// How luaL_traceback starts; ScriptError.traceback holds what follows.
    static let tracebackHeader = "stack traceback:\n"

    /// Reads the error value on top of the stack into a ScriptError and pops it.
    func popError(status: Int32, traceback: String? = nil, on L: OpaquePointer? = nil) -> ScriptError {
        let L = L ?? self.L
        let kind: ScriptError.Kind = switch status {
        case LUA_ERRSYNTAX: .syntax
        case LUA_ERRMEM: .memory
        case LUA_ERRERR: .handler
        default: .runtime
        }
        var structured: StructuredError?
        let message: String
        if lua_type(L, -1) == LUA_TSTRING {
            message = string(at: -1, on: L)
        } else {
            structured = structuredError(at: -1, on: L)
            message = structured?.description ?? describe(at: -1, on: L)
        }
        let raw = LuaRef(state: self, popping: L)
        return ScriptError(kind: kind, message: message, traceback: traceback, structured: structured, raw: raw)
    }

    /// `tostring` of a value, with __tostring run under protection.
    public func describe(at index: Int32, on L: OpaquePointer? = nil) -> String {
        let L = L ?? self.L
        _ = grove_protected_tolstring(L, index)
        defer { grove_pop(L, 1) }
        return string(at: -1, on: L)
    }

    // MARK: Globals

    public func setGlobal(_ name: String, _ value: LuaValue) throws {
        try push(value, on: L)
        lua_setglobal(L, name)
    }

    public func global(_ name: String) throws -> LuaValue {
        grove_pushglobaltable(L)
        lua_pushstring(L, name)
        lua_rawget(L, -2)
        defer { grove_pop(L, 2) }
        return try value(at: -1, on: L)
    }

    // MARK: Box metatables

    private func installBoxMetatables() {
        for name in [BoxKind.function.metatable, BoxKind.iterator.metatable] {
            luaL_newmetatable(L, name)
            lua_pushstring(L, "__gc")
            lua_pushcclosure(L, releaseBox, 0)
            lua_rawset(L, -3)
            lua_pushstring(L, "__metatable")
            lua_pushboolean(L, 0)
            lua_rawset(L, -3)
            grove_pop(L, 1)
        }
    }

    private func installHelpAndErrorTables() {
        // Help entries are keyed by the function or module they describe; weak keys
        // so that help never keeps a value alive.
        grove_newtable(L)
        grove_newtable(L)
        lua_pushstring(L, "__mode")
        lua_pushstring(L, "k")
        lua_rawset(L, -3)
        lua_setmetatable(L, -2)
        lua_setfield(L, grove_registryindex(), "grove.help")
        luaL_newmetatable(L, "grove.error")
        grove_pop(L, 1)
        // Shared by every module table: an unknown field is an error naming the
        // nearest function (its __index is in the prelude).
        luaL_newmetatable(L, "grove.module")
        grove_pop(L, 1)
        pushFunction(LuaFunction(name: "grove.closest_name") { call in
            let names = try call.argument(2).arrayValue?.compactMap(\.stringValue) ?? []
            return [NameSuggestion.closest(to: try call.string(1), among: names).map(LuaValue.string) ?? .nil]
        }, on: L)
        lua_setfield(L, grove_registryindex(), "grove.closest_name")
        // The help table's __index (in the prelude) makes a Swift function's entry.
        pushFunction(LuaFunction(name: "grove.help_entry") { call in
            [call.state.helpEntry(forFunctionAt: 1, on: call.L) ?? .nil]
        }, on: L)
        lua_setfield(L, grove_registryindex(), "grove.help_entry")
    }

    private func installGroveTable() {
        grove_newtable(L)
        // grove.null: a unique userdata, so JSON nulls survive a round trip through Lua.
        nullAddress = grove_newuserdata(L, 1)
        grove_newtable(L)
        lua_pushstring(L, "__name")
        lua_pushstring(L, "grove.null")
        lua_rawset(L, -3)
        lua_setmetatable(L, -2)
        lua_pushvalue(L, -1)
        lua_setfield(L, grove_registryindex(), "grove.null")
        lua_pushvalue(L, -1)
        nullReference = lua_Integer(luaL_ref(L, grove_registryindex()))
        lua_setfield(L, -2, "null")
        lua_setglobal(L, "grove")
        grove_newtable(L)
        lua_pushstring(L, "array")
        lua_setfield(L, -2, "__jsontype")
        arrayMetatableReference = lua_Integer(luaL_ref(L, grove_registryindex()))
    }
}

enum BoxKind {
    case function, iterator
    var metatable: String {
        switch self {
        case .function: "grove.function"
        case .iterator: "grove.iterator"
        }
    }
}

/// __gc of every box userdata: drops Swift's retain on the boxed object.
private func releaseBox(_ L: OpaquePointer?) -> Int32 {
    if let raw = lua_touserdata(L, 1) {
        let slot = raw.assumingMemoryBound(to: UnsafeRawPointer?.self)
        if let object = slot.pointee {
            Unmanaged<AnyObject>.fromOpaque(object).release()
            slot.pointee = nil
        }
    }
    return 0
}
