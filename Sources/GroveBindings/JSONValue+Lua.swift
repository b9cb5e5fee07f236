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

    fileprivate func push(to lua: LuaStackWriter) throws {
        switch self {
        case .null: lua.pushNull()
        case .bool(let b): lua.pushBoolean(b)
        case .int(let i): lua.pushInteger(i)
        case .double(let d): lua.pushNumber(d)
        case .string(let s): lua.pushString(s)
        case .array(let items) where items.isEmpty:
            lua.pushEmptyArray()
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

    /// nil for values JSON cannot carry (functions, userdata, iterators, bytes that are not
    /// UTF-8: GitLab's parameters are text, and replacing them would change what is sent).
    init?(lua value: LuaValue) {
        switch value {
        case .nil, .null: self = .null
        case .boolean(let b): self = .bool(b)
        case .integer(let i): self = .int(i)
        case .number(let d): self = .double(d)
        case .string(let s): self = .string(s)
        case .bytes: return nil
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

extension PresentableItems {
    /// The item at `index` as the result of a binding: presented straight into a Lua table
    /// when the loop takes it, with field names from `keys`.
    func luaResult(at index: Int, reusingKeys keys: LuaKeyCache) -> LuaValue {
        .pushable(LuaPushable(typeName: "table") { lua in
            try lua.reusingKeys(of: keys) { writer in
                try writer.pushTable(arrayCount: 0, fieldCount: fieldCount) { table in
                    var builder = LuaTableBuilder(table)
                    present(index, into: &builder)
                    if let failure = builder.failure { throw failure }
                }
            }
        })
    }
}

/// The Lua table on top of the stack, filled field by field as a presenter appends them:
/// no tree in between.
struct LuaTableBuilder: JSONObjectBuilder {
    private let table: LuaStackWriter
    /// The first push that failed (nesting too deep): the rest is skipped, and whoever
    /// started the table throws it (the stack is reset there).
    private(set) var failure: Error?

    init(_ table: LuaStackWriter) { self.table = table }

    mutating func append(_ key: String, _ value: JSONValue) {
        guard failure == nil else { return }
        table.pushKey(key)
        do { try value.push(to: table) } catch {
            failure = error
            return
        }
        table.rawsetField()
    }

    mutating func append(_ key: String, _ head: String, _ tail: String) {
        guard failure == nil else { return }
        table.pushKey(key)
        table.pushString(head, tail)
        table.rawsetField()
    }

    mutating func append(_ key: String, iso8601 millis: Int64) {
        guard failure == nil else { return }
        table.pushKey(key)
        withUnsafeTemporaryAllocation(byteCount: Timestamp.maximumISO8601Length, alignment: 1) { buffer in
            let count = Timestamp.writeISO8601(millis, to: buffer)
            table.pushString(utf8: UnsafeRawBufferPointer(rebasing: buffer[..<count]))
        }
        table.rawsetField()
    }

    mutating func appendObject(_ key: String, fieldCount: Int, _ fields: (inout LuaTableBuilder) -> Void) {
        guard failure == nil else { return }
        table.pushKey(key)
        do {
            try table.pushTable(arrayCount: 0, fieldCount: fieldCount) { nested in
                var builder = LuaTableBuilder(nested)
                fields(&builder)
                if let failure = builder.failure { throw failure }
            }
        } catch {
            failure = error
            return
        }
        table.rawsetField()
    }
}

extension APIError: LuaErrorConvertible {
    /// `err.status`, `err.message` (GitLab's), `err.errors` per field;
    /// `tostring(err)` reads `groups.create: 400 {path = "has already been taken"}`.
    public func structuredError(function: String) -> StructuredError {
        StructuredError(status: status, message: message, errors: fieldErrors.pairs, function: function)
    }
}
