import CLuaShim
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Conversions between LuaValue and the Lua stack. Only raw accessors are used
/// here: nothing in this file can raise a Lua error inside a Swift frame.
extension LuaState {
    /// Nesting deeper than this is refused rather than overflowing the C stack.
    static let maximumDepth = 200

    public func push(_ value: LuaValue) throws { try push(value, on: L) }

    /// The main stack's height (tests check that failed conversions leave it unchanged).
    var stackTop: Int32 { lua_gettop(L) }

    func push(_ value: LuaValue, on L: OpaquePointer, depth: Int = 0) throws {
        guard depth < Self.maximumDepth, lua_checkstack(L, 3) != 0 else {
            throw ConversionError(description: "value nested too deeply for Lua (more than \(Self.maximumDepth) levels)")
        }
        switch value {
        case .nil: lua_pushnil(L)
        case .null: lua_rawgeti(L, grove_registryindex(), nullReference)
        case .boolean(let b): lua_pushboolean(L, b ? 1 : 0)
        case .integer(let i): lua_pushinteger(L, lua_Integer(i))
        case .number(let d): lua_pushnumber(L, d)
        case .string(let s):
            var s = s
            s.withUTF8 { buffer in
                buffer.withMemoryRebound(to: CChar.self) { _ = lua_pushlstring(L, $0.baseAddress, $0.count) }
            }
        case .bytes(let b):
            b.withUnsafeBufferPointer { buffer in
                buffer.withMemoryRebound(to: CChar.self) { _ = lua_pushlstring(L, $0.baseAddress, $0.count) }
            }
        case .array(let items) where items.isEmpty:
            pushEmptyArray(on: L)
        case .array(let items):
            lua_createtable(L, Int32(clamping: items.count), 0)
            for (offset, item) in items.enumerated() {
                try push(item, on: L, depth: depth + 1)
                lua_rawseti(L, -2, lua_Integer(offset + 1))
            }
        case .map(let fields):
            lua_createtable(L, 0, Int32(clamping: fields.count))
            for (key, item) in fields {
                try push(.string(key), on: L, depth: depth + 1)
                try push(item, on: L, depth: depth + 1)
                lua_rawset(L, -3)
            }
        case .function(let ref), .userdata(let ref):
            guard ref.state === self else { throw ConversionError(description: "value belongs to another Lua state") }
            ref.push(on: L)
        case .iterator(let iterator):
            pushBox(iterator, kind: .iterator, on: L)
        case .pushable(let value):
            // A failed or miscounted push leaves the stack as it found it.
            let before = lua_gettop(L)
            do {
                try value.body(LuaStackWriter(state: self, L: L, depth: depth))
            } catch {
                lua_settop(L, before)
                throw error
            }
            let pushed = lua_gettop(L) - before
            guard pushed == 1 else {
                lua_settop(L, before)
                throw ConversionError(description: "a pushable value pushed \(pushed) values instead of one")
            }
        }
    }

    public func value(at index: Int32) throws -> LuaValue { try value(at: index, on: L) }

    func value(at index: Int32, on L: OpaquePointer) throws -> LuaValue {
        var visiting = Set<UnsafeRawPointer>()
        return try value(at: lua_absindex(L, index), on: L, visiting: &visiting)
    }

    private func value(at index: Int32, on L: OpaquePointer, visiting: inout Set<UnsafeRawPointer>) throws -> LuaValue {
        switch lua_type(L, index) {
        case LUA_TNIL, LUA_TNONE: return .nil
        case LUA_TBOOLEAN: return .boolean(lua_toboolean(L, index) != 0)
        case LUA_TNUMBER:
            return grove_isinteger(L, index) != 0 ? .integer(Int64(grove_tointeger(L, index))) : .number(grove_tonumber(L, index))
        case LUA_TSTRING:
            let bytes = self.bytes(at: index, on: L)
            if let text = String(validating: bytes, as: UTF8.self) { return .string(text) }
            return .bytes(bytes)
        case LUA_TTABLE:
            return try table(at: index, on: L, visiting: &visiting)
        case LUA_TFUNCTION:
            lua_pushvalue(L, index)
            return .function(LuaRef(state: self, popping: L))
        case LUA_TUSERDATA, LUA_TLIGHTUSERDATA:
            if let address = lua_touserdata(L, index), address == nullAddress { return .null }
            if let iterator = box(at: index, kind: .iterator, as: LuaIterator.self, on: L) { return .iterator(iterator) }
            fallthrough
        default:
            lua_pushvalue(L, index)
            return .userdata(LuaRef(state: self, popping: L))
        }
    }

    private func table(at index: Int32, on L: OpaquePointer, visiting: inout Set<UnsafeRawPointer>) throws -> LuaValue {
        guard let identity = lua_topointer(L, index) else { return .map([:]) }
        guard visiting.count < Self.maximumDepth else {
            throw ConversionError(description: "table nested too deeply (more than \(Self.maximumDepth) levels)")
        }
        guard visiting.insert(identity).inserted else {
            throw ConversionError(description: "table contains a cycle and cannot be converted")
        }
        defer { visiting.remove(identity) }
        guard lua_checkstack(L, 4) != 0 else { throw ConversionError(description: "Lua stack overflow") }

        let length = Int(lua_rawlen(L, index))
        var entries = 0
        var fields: [String: LuaValue] = [:]
        var integerKeyed: [Int: LuaValue] = [:]
        lua_pushnil(L)
        while lua_next(L, index) != 0 {
            entries += 1
            let item: LuaValue
            do {
                item = try value(at: lua_gettop(L), on: L, visiting: &visiting)
            } catch {
                grove_pop(L, 2)  // the key and value lua_next pushed
                throw error
            }
            switch lua_type(L, -2) {
            case LUA_TSTRING:
                guard let key = String(validating: bytes(at: -2, on: L), as: UTF8.self) else {
                    grove_pop(L, 2)
                    throw ConversionError(description: "table key is not valid UTF-8 text")
                }
                fields[key] = item
            case LUA_TNUMBER where grove_isinteger(L, -2) != 0:
                integerKeyed[Int(grove_tointeger(L, -2))] = item
            default:
                let keyType = String(cString: lua_typename(L, lua_type(L, -2)))
                grove_pop(L, 2)
                throw ConversionError(description: "table has a key of type \(keyType); only string and integer keys convert")
            }
            grove_pop(L, 1)
        }
        if entries == 0, isMarkedArray(at: index, on: L) { return .array([]) }
        if fields.isEmpty, !integerKeyed.isEmpty, integerKeyed.count == length, entries == length {
            return .array((1...length).map { integerKeyed[$0] ?? .nil })
        }
        for (key, item) in integerKeyed { fields[String(key)] = item }
        return .map(fields)
    }

    /// An empty table marked as an array (`arrayMetatableReference`).
    func pushEmptyArray(on L: OpaquePointer) {
        lua_createtable(L, 0, 0)
        lua_rawgeti(L, grove_registryindex(), arrayMetatableReference)
        lua_setmetatable(L, -2)
    }

    /// Whether the table at `index` has a metatable saying `__jsontype = "array"`.
    private func isMarkedArray(at index: Int32, on L: OpaquePointer) -> Bool {
        guard lua_getmetatable(L, index) != 0 else { return false }
        lua_pushstring(L, "__jsontype")
        lua_rawget(L, -2)
        defer { grove_pop(L, 2) }
        return lua_type(L, -1) == LUA_TSTRING && string(at: -1, on: L) == "array"
    }

    func bytes(at index: Int32, on L: OpaquePointer) -> [UInt8] {
        var length = 0
        guard let pointer = lua_tolstring(L, index, &length) else { return [] }
        return pointer.withMemoryRebound(to: UInt8.self, capacity: length) {
            Array(UnsafeBufferPointer(start: $0, count: length))
        }
    }

    func string(at index: Int32, on L: OpaquePointer) -> String {
        String(decoding: bytes(at: index, on: L), as: UTF8.self)
    }

    /// Reads a `grove.error` table (or any table with `message`) back as a StructuredError.
    func structuredError(at index: Int32, on L: OpaquePointer) -> StructuredError? {
        guard lua_type(L, index) == LUA_TTABLE, let value = try? value(at: index, on: L), let fields = value.mapValue,
            let message = fields["message"]?.stringValue
        else { return nil }
        var errors: [(field: String, messages: [String])] = []
        if let map = fields["errors"]?.mapValue {
            for key in map.keys.sorted() {
                let messages = map[key]?.arrayValue?.compactMap(\.stringValue) ?? map[key]?.stringValue.map { [$0] } ?? []
                errors.append((key, messages))
            }
        }
        return StructuredError(
            status: fields["status"]?.intValue.map(Int.init), message: message, errors: errors,
            function: fields["function"]?.stringValue)
    }

    // MARK: Boxes: Swift objects owned by Lua userdata

    func pushBox(_ object: AnyObject, kind: BoxKind, on L: OpaquePointer) {
        let slot = grove_newuserdata(L, MemoryLayout<UnsafeRawPointer?>.size)!
            .assumingMemoryBound(to: UnsafeRawPointer?.self)
        slot.pointee = UnsafeRawPointer(Unmanaged.passRetained(object).toOpaque())
        luaL_setmetatable(L, kind.metatable)
    }

    func box<T: AnyObject>(at index: Int32, kind: BoxKind, as type: T.Type, on L: OpaquePointer) -> T? {
        guard let raw = luaL_testudata(L, index, kind.metatable),
            let object = raw.assumingMemoryBound(to: UnsafeRawPointer?.self).pointee
        else { return nil }
        return Unmanaged<AnyObject>.fromOpaque(object).takeUnretainedValue() as? T
    }
}

/// How a `LuaPushable` builds its value on the stack: scalars, and tables filled field by
/// field. Only raw accessors are used, as in the rest of this file.
public struct LuaStackWriter {
    let state: LuaState
    let L: OpaquePointer
    let depth: Int
    /// Where field names come from while `reusingKeys(of:_:)` pushes, which holds the
    /// cache for as long: unretained, as every field's writer copies it.
    var keys: Unmanaged<LuaKeyCache>?

    init(state: LuaState, L: OpaquePointer, depth: Int, keys: Unmanaged<LuaKeyCache>? = nil) {
        self.state = state
        self.L = L
        self.depth = depth
        self.keys = keys
    }

    public func push(_ value: LuaValue) throws { try state.push(value, on: L, depth: depth) }
    public func pushNull() { lua_rawgeti(L, grove_registryindex(), state.nullReference) }
    public func pushBoolean(_ b: Bool) { lua_pushboolean(L, b ? 1 : 0) }
    public func pushInteger(_ i: Int64) { lua_pushinteger(L, lua_Integer(i)) }
    public func pushNumber(_ d: Double) { lua_pushnumber(L, d) }
    public func pushString(_ s: String) { Self.pushString(s, on: L) }
    /// Pushes UTF-8 bytes as a Lua string.
    public func pushString(utf8: UnsafeRawBufferPointer) { Self.pushString(utf8: utf8, on: L) }

    static func pushString(utf8: UnsafeRawBufferPointer, on L: OpaquePointer) {
        _ = lua_pushlstring(L, utf8.baseAddress?.assumingMemoryBound(to: CChar.self), utf8.count)
    }

    /// Pushes `head + tail` as one Lua string, with no Swift string made first.
    public func pushString(_ head: String, _ tail: String) {
        var head = head, tail = tail
        head.withUTF8 { head in
            tail.withUTF8 { tail in
                let count = head.count + tail.count
                withUnsafeTemporaryAllocation(byteCount: count, alignment: 1) { joined in
                    joined.copyMemory(from: UnsafeRawBufferPointer(head))
                    UnsafeMutableRawBufferPointer(rebasing: joined[head.count...]).copyMemory(from: UnsafeRawBufferPointer(tail))
                    Self.pushString(utf8: UnsafeRawBufferPointer(joined), on: L)
                }
            }
        }
    }

    static func pushString(_ s: String, on L: OpaquePointer) {
        var s = s
        s.withUTF8 { buffer in
            buffer.withMemoryRebound(to: CChar.self) { _ = lua_pushlstring(L, $0.baseAddress, $0.count) }
        }
    }

    /// An empty JSON array: an empty table marked as one, so that it goes back out as `[]`.
    public func pushEmptyArray() { state.pushEmptyArray(on: L) }

    /// Pushes a new table, then `fill` sets its entries through `set(index:_:)` and
    /// `set(field:_:)` of the nested writer it is given.
    public func pushTable(arrayCount: Int, fieldCount: Int, _ fill: (LuaStackWriter) throws -> Void) throws {
        guard depth < LuaState.maximumDepth, lua_checkstack(L, 4) != 0 else {
            throw ConversionError(description: "value nested too deeply for Lua (more than \(LuaState.maximumDepth) levels)")
        }
        lua_createtable(L, Int32(clamping: arrayCount), Int32(clamping: fieldCount))
        try fill(LuaStackWriter(state: state, L: L, depth: depth + 1, keys: keys))
    }

    /// The steps of `set(field:_:)` for a caller that pushes the value itself (a converter
    /// walking a tree, field after field): `pushKey`, push the value, `rawsetField`.
    public func pushKey(_ name: String) {
        if let keys { keys._withUnsafeGuaranteedRef { $0.push(name, on: L) } } else { pushString(name) }
    }
    /// Sets the key and value on top of the stack in the table under them.
    public func rawsetField() { lua_rawset(L, -3) }
    /// Sets the value on top of the stack at `index` of the table under it.
    public func rawset(index: Int) { lua_rawseti(L, -2, lua_Integer(index)) }

    /// `t[index] = v`, where `value` pushes v, for the table being filled.
    public func set(index: Int, _ value: () throws -> Void) rethrows {
        try value()
        lua_rawseti(L, -2, lua_Integer(index))
    }

    /// `t[field] = v`, where `value` pushes v, for the table being filled.
    public func set(field: String, _ value: () throws -> Void) rethrows {
        pushKey(field)
        try value()
        lua_rawset(L, -3)
    }

    /// Runs `push` (which pushes one value) with field names taken from `cache` where the
    /// value has the same names in the same places as the last value pushed through it.
    public func reusingKeys(of cache: LuaKeyCache, _ push: (LuaStackWriter) throws -> Void) throws {
        guard lua_checkstack(L, 4) != 0 else { throw ConversionError(description: "Lua stack overflow") }
        if let table = cache.table, table.state === state {
            table.push(on: L)
        } else {
            lua_createtable(L, 0, 0)
            lua_pushvalue(L, -1)
            cache.table = LuaRef(state: state, popping: L)
            cache.forget()
        }
        let tableIndex = lua_gettop(L)
        cache.tableIndex = tableIndex
        cache.position = 0
        try withExtendedLifetime(cache) {
            try push(LuaStackWriter(state: state, L: L, depth: depth, keys: Unmanaged.passUnretained(cache)))
        }
        grove_remove(L, tableIndex)
    }
}

/// The field names of tables pushed one after another with the same fields (the items of
/// a list, nested tables included). Lua interns each name it is given by hashing it, most
/// of what a field costs; the cache keeps the strings Lua made, by their place in the
/// push, and pushes the same string again where the next value has the same name there.
/// A different name at a place is interned and replaces the one kept.
public final class LuaKeyCache {
    /// A Lua table of the names: at `place + 1` the name kept for each place.
    fileprivate var table: LuaRef?
    // Only the push in progress touches these, on the Lua state's thread: no dynamic
    // exclusivity checks (they cost as much as the look-up they guard).
    @exclusivity(unchecked) fileprivate var names: [String] = []
    @exclusivity(unchecked) fileprivate var tableIndex: Int32 = 0
    @exclusivity(unchecked) fileprivate var position = 0

    public init() {}

    /// A new table for the names (a new Lua state): nothing kept is there.
    fileprivate func forget() { names = [] }

    fileprivate func push(_ name: String, on L: OpaquePointer) {
        let i = position
        position += 1
        // The same literal at the same place compares by identity: no bytes are read.
        if i < names.count, names[i] == name {
            lua_rawgeti(L, tableIndex, lua_Integer(i + 1))
            return
        }
        LuaStackWriter.pushString(name, on: L)
        lua_pushvalue(L, -1)
        lua_rawseti(L, tableIndex, lua_Integer(i + 1))
        if i < names.count { names[i] = name } else { names.append(name) }
    }
}
