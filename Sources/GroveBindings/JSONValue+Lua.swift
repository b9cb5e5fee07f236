import GroveCore
import GroveLua

/// JSON (the core's language) <-> Lua values. `null` is `grove.null`; object keys
/// keep no order in Lua, and go back to the core sorted, so requests are deterministic.
extension JSONValue {
    var luaValue: LuaValue {
        switch self {
        case .null: .null
        case .bool(let b): .boolean(b)
        case .int(let i): .integer(i)
        case .double(let d): .number(d)
        case .string(let s): .string(s)
        case .array(let items): .array(items.map(\.luaValue))
        case .object(let object): .map(Dictionary(object.lazy.map { ($0.key, $0.value.luaValue) }, uniquingKeysWith: { a, _ in a }))
        }
    }

    /// The value as the result of a binding: pushed straight onto the Lua stack when the
    /// function returns (a group is some forty fields: no `LuaValue` tree in between).
    var luaResult: LuaValue {
        switch self {
        // The items of an array mostly have the same fields: their names are interned once.
        case .array: .pushable(LuaPushable(typeName: "table") { try $0.reusingKeys(of: LuaKeyCache()) { try self.push(to: $0) } })
        case .object: .pushable(LuaPushable(typeName: "table") { try self.push(to: $0) })
        default: luaValue
        }
    }

    /// `luaResult` for one of a run of values with the same fields (a list's items, each
    /// pushed when the loop reaches it): field names come from `keys`.
    func luaResult(reusingKeys keys: LuaKeyCache) -> LuaValue {
        switch self {
        case .array, .object: .pushable(LuaPushable(typeName: "table") { try $0.reusingKeys(of: keys) { try self.push(to: $0) } })
        default: luaValue
        }
    }

    private func push(to lua: LuaStackWriter) throws {
        switch self {
        case .null: lua.pushNull()
        case .bool(let b): lua.pushBoolean(b)
        case .int(let i): lua.pushInteger(i)
        case .double(let d): lua.pushNumber(d)
        case .string(let s): lua.pushString(s)
        // Step by step rather than through `set`'s closures: a list pushes them per field.
        case .array(let items):
            try lua.pushTable(arrayCount: items.count, fieldCount: 0) { table in
                for index in items.indices {
                    try items[index].push(to: table)
                    table.rawset(index: index + 1)
                }
            }
        case .object(let object):
            try lua.pushTable(arrayCount: 0, fieldCount: object.count) { table in
                for (key, value) in object {
                    table.pushKey(key)
                    try value.push(to: table)
                    table.rawsetField()
                }
            }
        }
    }

    /// nil for values JSON cannot carry (functions, userdata, iterators).
    init?(lua value: LuaValue) {
        switch value {
        case .nil, .null: self = .null
        case .boolean(let b): self = .bool(b)
        case .integer(let i): self = .int(i)
        case .number(let d): self = .double(d)
        case .string(let s): self = .string(s)
        case .bytes(let b): self = .string(String(decoding: b, as: UTF8.self))
        case .array(let items):
            var converted: [JSONValue] = []
            for item in items {
                guard let json = JSONValue(lua: item) else { return nil }
                converted.append(json)
            }
            self = .array(converted)
        case .map(let fields):
            var object = JSONObject()
            for key in fields.keys.sorted() {
                guard let json = JSONValue(lua: fields[key]!) else { return nil }
                object[key] = json
            }
            self = .object(object)
        case .function, .userdata, .iterator, .pushable: return nil
        }
    }
}

extension JSONTape {
    /// The value at `index` as the result of a binding, pushed from the tape's bytes with
    /// field names from `keys` (`JSONValue.luaResult(reusingKeys:)` for a tape); `names`
    /// are the tape's keys.
    func luaResult(at index: Int, reusingKeys keys: LuaKeyCache, names: LuaKeyNames) -> LuaValue {
        .pushable(LuaPushable(typeName: "table") { lua in
            try lua.reusingKeys(of: keys) { writer in try self.read(index) { try $0.push(to: writer, names: names) } }
        })
    }
}

extension JSONTape.Reader {
    /// Pushes the value at the cursor, as `JSONValue.push(to:)` pushes a tree; `names` are
    /// the tape's keys.
    mutating func push(to lua: LuaStackWriter, names: LuaKeyNames) throws {
        switch next() {
        case .null: lua.pushNull()
        case .bool(let b): lua.pushBoolean(b)
        case .int(let i): lua.pushInteger(i)
        case .double(let d): lua.pushNumber(d)
        case .string(let utf8): lua.pushString(utf8: utf8)
        case .array(let count):
            try lua.pushTable(arrayCount: count, fieldCount: 0) { table in
                for index in 0..<count {
                    try push(to: table, names: names)
                    table.rawset(index: index + 1)
                }
            }
        case .object(let count):
            try lua.pushTable(arrayCount: 0, fieldCount: count) { table in
                for _ in 0..<count {
                    table.pushKey(key(), of: names)
                    try push(to: table, names: names)
                    table.rawsetField()
                }
            }
        }
    }
}

extension APIError: LuaErrorConvertible {
    /// `err.status`, `err.message` (GitLab's), `err.errors` per field;
    /// `tostring(err)` reads `groups.create: 400 {path = "has already been taken"}`.
    public func structuredError(function: String) -> StructuredError {
        StructuredError(status: status, message: message, errors: fieldErrors.pairs, function: function)
    }
}
