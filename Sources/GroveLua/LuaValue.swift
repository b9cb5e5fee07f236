/// A Lua value as Swift sees it. Tables become arrays (keys 1...n) or maps (string
/// keys); `null` is Grove's JSON-null sentinel (`grove.null`), distinct from `nil`.
public enum LuaValue: Equatable {
    case `nil`
    case null
    case boolean(Bool)
    case integer(Int64)
    case number(Double)
    /// Valid UTF-8 text. Lua strings that are not valid UTF-8 arrive as `.bytes`.
    case string(String)
    case bytes([UInt8])
    case array([LuaValue])
    case map([String: LuaValue])
    case function(LuaRef)
    /// Userdata, threads and other values Swift only holds on to.
    case userdata(LuaRef)
    /// A lazy sequence pushed to Lua as a generic-for iterator.
    case iterator(LuaIterator)
    /// A value that pushes itself: a binding's large result goes from its own form
    /// straight onto the Lua stack, with no `LuaValue` tree built in between.
    case pushable(LuaPushable)

    public var typeName: String {
        switch self {
        case .nil: "nil"
        case .null: "null"
        case .boolean: "boolean"
        case .integer, .number: "number"
        case .string, .bytes: "string"
        case .array, .map: "table"
        case .function: "function"
        case .userdata: "userdata"
        case .iterator: "grove.iterator"
        case .pushable(let value): value.typeName
        }
    }

    public var isNil: Bool { if case .nil = self { true } else { false } }

    /// No string in it, however deep, is `.bytes`.
    public var isText: Bool {
        switch self {
        case .bytes: false
        case .array(let items): items.allSatisfy(\.isText)
        case .map(let fields): fields.values.allSatisfy(\.isText)
        default: true
        }
    }

    public var stringValue: String? {
        switch self {
        case .string(let s): s
        case .bytes(let b): String(decoding: b, as: UTF8.self)
        default: nil
        }
    }

    public var intValue: Int64? {
        switch self {
        case .integer(let i): i
        case .number(let d): Int64(exactly: d)
        default: nil
        }
    }

    public var doubleValue: Double? {
        switch self {
        case .integer(let i): Double(i)
        case .number(let d): d
        default: nil
        }
    }

    public var boolValue: Bool? { if case .boolean(let b) = self { b } else { nil } }

    /// A map's entries; an empty array counts as an empty map (Lua cannot tell them apart).
    public var mapValue: [String: LuaValue]? {
        switch self {
        case .map(let m): m
        case .array(let a) where a.isEmpty: [:]
        default: nil
        }
    }

    public var arrayValue: [LuaValue]? {
        switch self {
        case .array(let a): a
        case .map(let m) where m.isEmpty: []
        default: nil
        }
    }

    public subscript(key: String) -> LuaValue {
        mapValue?[key] ?? .nil
    }
}

extension LuaValue: ExpressibleByNilLiteral, ExpressibleByBooleanLiteral, ExpressibleByIntegerLiteral,
    ExpressibleByFloatLiteral, ExpressibleByStringLiteral, ExpressibleByArrayLiteral,
    ExpressibleByDictionaryLiteral
{
    public init(nilLiteral: ()) { self = .nil }
    public init(booleanLiteral value: Bool) { self = .boolean(value) }
    public init(integerLiteral value: Int64) { self = .integer(value) }
    public init(floatLiteral value: Double) { self = .number(value) }
    public init(stringLiteral value: String) { self = .string(value) }
    public init(arrayLiteral elements: LuaValue...) { self = .array(elements) }
    public init(dictionaryLiteral elements: (String, LuaValue)...) {
        self = .map(Dictionary(elements, uniquingKeysWith: { _, last in last }))
    }
}

/// See `LuaValue.pushable`. Equal only to itself.
public final class LuaPushable: Equatable {
    /// What `type()` will answer once pushed.
    public let typeName: String
    let body: (LuaStackWriter) throws -> Void

    /// `body` pushes exactly one value through the writer it is given.
    public init(typeName: String, _ body: @escaping (LuaStackWriter) throws -> Void) {
        self.typeName = typeName
        self.body = body
    }

    public static func == (a: LuaPushable, b: LuaPushable) -> Bool { a === b }
}
