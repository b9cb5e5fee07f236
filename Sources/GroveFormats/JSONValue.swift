import Foundation

/// A JSON value whose objects keep their keys in insertion order, so a response renders
/// in the seed's field order for REST and converts to Lua tables without going through text.
public enum JSONValue: Sendable, Equatable {
    case null
    case bool(Bool)
    case int(Int64)
    case double(Double)
    case string(String)
    case array([JSONValue])
    case object(JSONObject)

    public static func int(_ value: Int) -> JSONValue { .int(Int64(value)) }
    public static func object(_ pairs: [(String, JSONValue)]) -> JSONValue { .object(JSONObject(pairs)) }

    public var isNull: Bool { if case .null = self { return true } else { return false } }
    public var stringValue: String? { if case .string(let s) = self { return s } else { return nil } }
    public var boolValue: Bool? { if case .bool(let b) = self { return b } else { return nil } }
    public var intValue: Int64? {
        switch self {
        case .int(let i): return i
        case .double(let d) where d == d.rounded() && abs(d) < 9.0e15: return Int64(d)
        default: return nil
        }
    }
    public var arrayValue: [JSONValue]? { if case .array(let a) = self { return a } else { return nil } }
    public var objectValue: JSONObject? { if case .object(let o) = self { return o } else { return nil } }

    /// Member lookup on objects (nil for other kinds or missing keys).
    public subscript(key: String) -> JSONValue? { objectValue?[key] }
}

/// An object with ordered, unique keys. Setting an existing key keeps its position.
/// Stored as a list of pairs: response objects are built once and read in order, and
/// small linear scans beat hashing every key.
public struct JSONObject: Sendable, Equatable, Sequence {
    /// A key and its value. A struct, not a tuple: the runtime looks up the metadata of an
    /// array of tuples and destroys its elements through a generic witness, each time.
    @usableFromInline struct Field: Sendable, Equatable {
        @usableFromInline var key: String
        @usableFromInline var value: JSONValue
    }
    @usableFromInline var storage: [Field] = []

    public init() {}
    public init(_ pairs: [(String, JSONValue)]) {
        storage.reserveCapacity(pairs.count)
        for (k, v) in pairs { self[k] = v }
    }

    /// Pairs whose keys the caller knows to be distinct (a presenter's shape): no search
    /// for an earlier key per pair, as `init(_:)` makes.
    public init(uniqueKeysWithValues pairs: [(String, JSONValue)]) {
        storage = pairs.map { Field(key: $0.0, value: $0.1) }
        assert(Set(storage.map(\.key)).count == storage.count, "duplicate keys in \(storage.map(\.key))")
    }

    /// Room for `n` keys (presenters know their shapes' sizes).
    public init(capacity n: Int) { storage.reserveCapacity(n) }

    public var keys: [String] { storage.map(\.key) }

    public subscript(key: String) -> JSONValue? {
        get { storage.first { $0.key == key }?.value }
        set {
            let index = storage.firstIndex { $0.key == key }
            switch (index, newValue) {
            case (let i?, let v?): storage[i].value = v
            case (let i?, nil): storage.remove(at: i)
            case (nil, let v?): storage.append(Field(key: key, value: v))
            case (nil, nil): break
            }
        }
    }

    /// Appends a key the caller knows is new (presenters building seed shapes).
    public mutating func append(_ key: String, _ value: JSONValue) {
        assert(self[key] == nil, "duplicate key \(key)")
        storage.append(Field(key: key, value: value))
    }

    public var count: Int { storage.count }
    public var isEmpty: Bool { storage.isEmpty }
    public var pairs: [(key: String, value: JSONValue)] { storage.map { ($0.key, $0.value) } }

    // Inlinable: a loop over an object's fields (pushing it to Lua, encoding it) calls
    // next once per field.
    public struct Iterator: IteratorProtocol {
        @usableFromInline var fields: IndexingIterator<[Field]>
        @inlinable init(fields: IndexingIterator<[Field]>) { self.fields = fields }
        @inlinable public mutating func next() -> (key: String, value: JSONValue)? { fields.next().map { ($0.key, $0.value) } }
    }
    @inlinable public func makeIterator() -> Iterator { Iterator(fields: storage.makeIterator()) }

    /// Equality is order-sensitive: the order is part of the contract with the seeds.
    public static func == (lhs: JSONObject, rhs: JSONObject) -> Bool {
        lhs.storage == rhs.storage
    }
}

extension JSONValue: ExpressibleByNilLiteral, ExpressibleByBooleanLiteral, ExpressibleByIntegerLiteral,
    ExpressibleByFloatLiteral, ExpressibleByStringLiteral, ExpressibleByArrayLiteral, ExpressibleByDictionaryLiteral
{
    public init(nilLiteral: ()) { self = .null }
    public init(booleanLiteral value: Bool) { self = .bool(value) }
    public init(integerLiteral value: Int64) { self = .int(value) }
    public init(floatLiteral value: Double) { self = .double(value) }
    public init(stringLiteral value: String) { self = .string(value) }
    public init(arrayLiteral elements: JSONValue...) { self = .array(elements) }
    public init(dictionaryLiteral elements: (String, JSONValue)...) { self = .object(JSONObject(elements)) }
}

/// Anything that renders as a seed-shaped JSON value.
public protocol JSONRepresentable {
    var json: JSONValue { get }
}

extension JSONValue: JSONRepresentable {
    public var json: JSONValue { self }
}

extension Optional where Wrapped == String {
    public var json: JSONValue { map { .string($0) } ?? .null }
}
extension Optional where Wrapped == Int64 {
    public var json: JSONValue { map { .int($0) } ?? .null }
}
extension Optional where Wrapped == Bool {
    public var json: JSONValue { map { .bool($0) } ?? .null }
}

extension JSONObject: ExpressibleByDictionaryLiteral {
    public init(dictionaryLiteral elements: (String, JSONValue)...) { self.init(elements) }
}

extension JSONValue {
    /// A NUL in any string or key, however deep: where SQLite and C end the text.
    public var containsNullByte: Bool {
        switch self {
        case .string(let s): s.utf8.contains(0)
        case .array(let items): items.contains(where: \.containsNullByte)
        case .object(let object): object.contains { $0.key.utf8.contains(0) || $0.value.containsNullByte }
        default: false
        }
    }
}
