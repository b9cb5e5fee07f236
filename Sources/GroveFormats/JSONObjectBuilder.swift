/// Where a presenter writes an object's fields in order: a `JSONObject` (a tree, for REST
/// and single results) or a Lua table (a list's item, built when a loop takes it).
public protocol JSONObjectBuilder {
    /// Appends a key the caller knows is new in the object being built.
    mutating func append(_ key: String, _ value: JSONValue)
    /// Appends `key` with the string `head + tail` (an address), without making it first.
    mutating func append(_ key: String, _ head: String, _ tail: String)
    /// Appends `key` with the instant `millis` as `Timestamp.iso8601` writes it.
    mutating func append(_ key: String, iso8601 millis: Int64)
    /// Appends `key` with an object of about `fieldCount` fields, which `fields` appends.
    mutating func appendObject(_ key: String, fieldCount: Int, _ fields: (inout Self) -> Void)
}

extension JSONObject: JSONObjectBuilder {
    public mutating func append(_ key: String, _ head: String, _ tail: String) { append(key, .string(head + tail)) }
    public mutating func append(_ key: String, iso8601 millis: Int64) { append(key, .string(Timestamp.iso8601(millis))) }
    public mutating func appendObject(_ key: String, fieldCount: Int, _ fields: (inout JSONObject) -> Void) {
        append(key, .object(fieldCount: fieldCount, fields))
    }
}

extension JSONValue {
    /// An object of about `fieldCount` fields, which `fields` appends: a presenter's
    /// `into:` form made a tree.
    public static func object(fieldCount: Int, _ fields: (inout JSONObject) -> Void) -> JSONValue {
        var object = JSONObject(capacity: fieldCount)
        fields(&object)
        return .object(object)
    }
}
