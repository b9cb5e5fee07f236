import CLuaShim

/// What `help()` shows for a function, and what completion offers. One
/// description per binding drives checking, help and completion.
public struct LuaFunctionInfo: Sendable {
    public struct Option: Sendable {
        public var name: String
        public var type: String
        public var required: Bool
        public var summary: String
        public init(name: String, type: String, required: Bool = false, summary: String = "") {
            self.name = name
            self.type = type
            self.required = required
            self.summary = summary
        }
    }
    public var name: String
    public var signature: String
    public var summary: String
    public var options: [Option]
    public var example: String?

    public init(name: String, signature: String? = nil, summary: String = "", options: [Option] = [], example: String? = nil) {
        self.name = name
        self.signature = signature ?? "\(name)(...)"
        self.summary = summary
        self.options = options
        self.example = example
    }
}

/// A Swift function callable from Lua.
public struct LuaFunction {
    public typealias Body = (inout LuaCall) throws -> [LuaValue]
    /// As scripts call it: `groups.create`.
    public let name: String
    /// What `help(fn)` shows, made when help first asks: every start registers every
    /// binding, and few runs ask for help.
    public let help: () -> LuaFunctionInfo
    public var body: Body

    public init(_ info: LuaFunctionInfo, _ body: @escaping Body) {
        self.init(name: info.name, help: { info }, body)
    }

    public init(name: String, summary: String = "", _ body: @escaping Body) {
        self.init(LuaFunctionInfo(name: name, summary: summary), body)
    }

    public init(name: String, help: @escaping () -> LuaFunctionInfo, _ body: @escaping Body) {
        self.name = name
        self.help = help
        self.body = body
    }
}

final class FunctionBox {
    let name: String
    let help: () -> LuaFunctionInfo
    let body: LuaFunction.Body
    init(_ function: LuaFunction) {
        self.name = function.name
        self.help = function.help
        self.body = function.body
    }
}

/// The arguments of one call from Lua, read lazily from the stack, with checks
/// that fail like luaL_check*: `bad argument #2 to 'groups.create' (table expected, got string)`.
public struct LuaCall {
    public let state: LuaState
    let L: OpaquePointer
    public let function: String
    public let count: Int
    /// Set by `yield`: the two values the trampoline yields instead of returning.
    var yielding: (LuaValue, LuaValue)?

    /// Whether this call runs in a coroutine that may yield here (not below a Swift
    /// function that called Lua, nor on the main thread).
    public var isYieldable: Bool { lua_isyieldable(L) != 0 }

    /// The running coroutine (or main thread), to recognise it when it is resumed.
    public var thread: UnsafeMutableRawPointer { UnsafeMutableRawPointer(L) }

    /// Instead of returning, yield `a, b` to the resumer: the function is called again
    /// with the same arguments when the coroutine is resumed. Only when `isYieldable`.
    public mutating func yield(_ a: LuaValue, _ b: LuaValue) {
        yielding = (a, b)
    }

    /// The argument at `position` (1-based); `.nil` when absent.
    public func argument(_ position: Int) throws -> LuaValue {
        guard position <= count else { return .nil }
        do {
            return try state.value(at: Int32(position), on: L)
        } catch let error as ConversionError {
            throw ArgumentError(position: position, function: function, problem: error.description)
        }
    }

    public func typeName(_ position: Int) -> String {
        guard position <= count else { return "no value" }
        if let address = lua_touserdata(L, Int32(position)), address == state.nullAddress { return "null" }
        return String(cString: lua_typename(L, lua_type(L, Int32(position))))
    }

    public func fail(_ position: Int, _ problem: String) -> ArgumentError {
        ArgumentError(position: position, function: function, problem: problem)
    }

    private func expected(_ position: Int, _ type: String) -> ArgumentError {
        fail(position, "\(type) expected, got \(typeName(position))")
    }

    /// A string argument; a number is accepted and converted, as luaL_checkstring does.
    public func string(_ position: Int) throws -> String {
        switch try argument(position) {
        case .string(let text): return text
        case .bytes(let bytes): return String(decoding: bytes, as: UTF8.self)
        case .integer(let number): return String(number)
        case .number(let number): return String(number)
        default: throw expected(position, "string")
        }
    }

    public func integer(_ position: Int) throws -> Int64 {
        guard lua_type(L, Int32(position)) == LUA_TNUMBER else { throw expected(position, "number") }
        guard let value = try argument(position).intValue else { throw fail(position, "number has no integer representation") }
        return value
    }

    public func table(_ position: Int) throws -> LuaValue {
        guard lua_type(L, Int32(position)) == LUA_TTABLE else { throw expected(position, "table") }
        return try argument(position)
    }

    /// An options table; absent or nil means no options.
    public func options(_ position: Int) throws -> [String: LuaValue] {
        if position > count || lua_type(L, Int32(position)) == LUA_TNIL { return [:] }
        guard let fields = try table(position).mapValue else {
            throw fail(position, "table of named options expected, got a list")
        }
        return fields
    }

    public func function(_ position: Int) throws -> LuaRef {
        guard lua_type(L, Int32(position)) == LUA_TFUNCTION, case .function(let ref) = try argument(position) else {
            throw expected(position, "function")
        }
        return ref
    }

    /// Calls a Lua function from inside this Swift function. An error inside it is
    /// thrown as a ScriptError; thrown on out of this Swift function, it is raised
    /// in Lua as the very value the Lua function raised (not a copy, no traceback
    /// added) once this Swift function has returned.
    public func call(_ function: LuaRef, _ arguments: [LuaValue] = []) throws -> [LuaValue] {
        try state.call(function, arguments, on: L)
    }
}

extension LuaState {
    /// Registers `function` as a global (`name` without dots) or as `module.name`.
    public func register(_ function: LuaFunction) throws {
        // Not split and joined: the generic joined(separator:) costs the Swift runtime a
        // scan of every protocol conformance in the binary on first use, and every start
        // registers grove.clock.
        if let dot = function.name.lastIndex(of: ".") {
            try register(module: String(function.name[..<dot]), [function])
        } else {
            pushFunction(function, on: L)
            lua_setglobal(L, function.name)
        }
    }

    /// Creates (or extends) the global table `module` with `functions`, whose
    /// names are the part after the last dot of each `info.name`.
    public func register(module: String, summary: String = "", _ functions: [LuaFunction]) throws {
        try pushModuleTable(module)
        // `groups.craete` raises "did you mean groups.create?" instead of reading nil;
        // rawget still reads nil.
        if lua_getmetatable(L, -1) == 0 {
            grove_getregistryfield(L, "grove.module")
            lua_setmetatable(L, -2)
        } else {
            grove_pop(L, 1)
        }
        for function in functions {
            let short = function.name.split(separator: ".").last.map(String.init) ?? function.name
            lua_pushstring(L, short)
            pushFunction(function, on: L)
            lua_rawset(L, -3)
        }
        grove_pop(L, 1)
        try setHelp(forModule: module, summary: summary)
    }

    /// Leaves the (possibly nested) module table on the stack, creating it as needed.
    private func pushModuleTable(_ path: String) throws {
        grove_pushglobaltable(L)
        for part in path.split(separator: ".") {
            lua_pushstring(L, String(part))
            lua_rawget(L, -2)
            if lua_type(L, -1) != LUA_TTABLE {
                guard lua_type(L, -1) == LUA_TNIL else {
                    grove_pop(L, 2)
                    throw ConversionError(description: "cannot register into '\(path)': '\(part)' is not a table")
                }
                grove_pop(L, 1)
                grove_newtable(L)
                lua_pushstring(L, String(part))
                lua_pushvalue(L, -2)
                lua_rawset(L, -4)
            }
            grove_remove(L, -2)
        }
    }

    func pushFunction(_ function: LuaFunction, on L: OpaquePointer) {
        pushBox(FunctionBox(function), kind: .function, on: L)
        grove_pushtrampoline(L, 1)
    }

    // MARK: Help metadata, kept in Lua beside the functions it describes

    /// The `grove.help` entry of the Swift function at `index`, from its `help`; nil
    /// for any other value. The help table's `__index` calls it on a miss, so a
    /// function's entry is made the first time something asks for it.
    func helpEntry(forFunctionAt index: Int32, on L: OpaquePointer) -> LuaValue? {
        guard lua_type(L, index) == LUA_TFUNCTION, lua_iscfunction(L, index) != 0,
              lua_getupvalue(L, index, 1) != nil else { return nil }
        defer { grove_pop(L, 1) }
        guard let box = box(at: -1, kind: .function, as: FunctionBox.self, on: L) else { return nil }
        let info = box.help()
        let options: [LuaValue] = info.options.map {
            ["name": .string($0.name), "type": .string($0.type), "required": .boolean($0.required), "summary": .string($0.summary)]
        }
        var entry: [String: LuaValue] = [
            "name": .string(info.name), "signature": .string(info.signature), "summary": .string(info.summary),
            "options": .array(options),
        ]
        if let example = info.example { entry["example"] = .string(example) }
        return .map(entry)
    }

    /// Help text for a module table (`groups`, `groups.members`) shown by `help(module)`.
    public func setHelp(forModule path: String, summary: String) throws {
        grove_getregistryfield(L, "grove.help")
        defer { grove_pop(L, 1) }
        guard lua_type(L, -1) == LUA_TTABLE else { return }
        try pushModuleTable(path)
        try push(.map(["name": .string(path), "summary": .string(summary), "module": .boolean(true)]), on: L)
        lua_rawset(L, -3)
    }
}

/// Every Swift function registered in Lua enters here, through the C trampoline.
/// Errors are pushed and signalled; the trampoline raises them after we return.
func dispatchSwiftFunction(_ L: OpaquePointer?) -> Int32 {
    guard let L else { return 0 }
    let state = LuaState.host(of: L)
    guard let box = state.box(at: grove_upvalueindex(1), kind: .function, as: FunctionBox.self, on: L) else {
        lua_pushstring(L, "grove: function box is gone")
        return GROVE_RAISE
    }
    var call = LuaCall(state: state, L: L, function: box.name, count: Int(lua_gettop(L)))
    do {
        let results = try box.body(&call)
        if let yield = call.yielding {
            guard lua_checkstack(L, 3) != 0 else { return GROVE_RAISE_WHERE }
            try state.push(yield.0, on: L)
            try state.push(yield.1, on: L)
            return GROVE_YIELD
        }
        guard lua_checkstack(L, Int32(results.count) + 1) != 0 else {
            lua_pushstring(L, "\(box.name): too many results")
            return GROVE_RAISE_WHERE
        }
        for result in results {
            // A lazy list fails later, in the name of the function that made it.
            if case .iterator(let iterator) = result, iterator.function == nil { iterator.function = box.name }
            try state.push(result, on: L)
        }
        return Int32(results.count)
    } catch {
        return state.pushRaisedError(error, function: box.name, on: L)
    }
}

extension LuaState {
    /// Pushes `error` as the value to raise; returns the trampoline's signal.
    func pushRaisedError(_ error: Error, function: String, on L: OpaquePointer) -> Int32 {
        switch error {
        case let error as ArgumentError:
            lua_pushstring(L, error.description)
            return GROVE_RAISE_WHERE
        case let error as RaisedFor:
            return pushRaisedError(error.error, function: error.function, on: L)
        case let error as ScriptError:
            // A Lua error from a nested call is raised again as the value it was,
            // with the traceback of where it happened for the top-level report.
            guard let raw = error.raw, raw.state === self else {
                lua_pushstring(L, error.message)
                return GROVE_RAISE
            }
            raw.push(on: L)
            if let traceback = error.traceback {
                lua_pushstring(L, Self.tracebackHeader + traceback)
            } else {
                lua_pushboolean(L, 0)
            }
            return GROVE_RERAISE
        case let error as StructuredError:
            pushStructuredError(error, on: L)
            return GROVE_RAISE
        case let error as LuaErrorConvertible:
            pushStructuredError(error.structuredError(function: function), on: L)
            return GROVE_RAISE
        default:
            lua_pushstring(L, "\(function): \(error)")
            return GROVE_RAISE_WHERE
        }
    }

    func pushStructuredError(_ error: StructuredError, on L: OpaquePointer) {
        var fields: [String: LuaValue] = ["message": .string(error.message)]
        if let status = error.status { fields["status"] = .integer(Int64(status)) }
        if let function = error.function { fields["function"] = .string(function) }
        if !error.errors.isEmpty {
            fields["errors"] = .map(
                Dictionary(error.errors.map { ($0.field, LuaValue.array($0.messages.map(LuaValue.string))) },
                    uniquingKeysWith: { first, _ in first }))
        }
        do {
            try push(.map(fields), on: L)
            luaL_setmetatable(L, "grove.error")
        } catch {
            lua_pushstring(L, "\(error)")
        }
    }
}
