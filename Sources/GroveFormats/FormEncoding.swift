import Foundation

/// `application/x-www-form-urlencoded` text (query strings and form bodies): `+` is a space,
/// `%XX` a byte; keys keep their Rails brackets for `RailsParams` to nest.
public enum FormEncoding {
    /// The decoded `key=value` pairs in the order written.
    public static func pairs(_ text: Substring) -> [(key: String, value: String)] {
        text.split(separator: "&", omittingEmptySubsequences: true).map { item in
            if let eq = item.firstIndex(of: "=") {
                return (decode(item[..<eq]), decode(item[item.index(after: eq)...]))
            }
            return (decode(item), "")
        }
    }

    public static func decode(_ s: Substring) -> String { PercentEncoding.decodeForm(s) }

    /// Encodes pairs for a URL (the `Link` header).
    public static func encode(_ pairs: [(key: String, value: String)]) -> String { PercentEncoding.encodeQuery(pairs.map { ($0.key, $0.value) }) }
}

/// Rack's nested parameter names (`Rack::QueryParser#normalize_params`), read by `nest` so
/// REST clients' Rails-style fields reach the core as the arrays and hashes its descriptors
/// declare, and written by `pairs` for the remote backend, so the two directions agree:
/// `skip_groups[]=1` → `[1]`, `custom_attributes[key]=v` → `{key: v}`,
/// `allowed_to_push[][access_level]=30&allowed_to_push[][user_id]=5` → `[{access_level: 30}, {user_id: 5}]`.
public enum RailsParams {
    /// Rack 3's `param_depth_limit`: deeper names are refused, not recursed into (20,000
    /// levels of `[a]` overflowed the stack and killed the server).
    public static let depthLimit = 32

    /// A name with more than `depthLimit` brackets (the server's 400).
    public struct TooDeep: Error, Equatable {
        public var message: String { "parameters nested more than \(RailsParams.depthLimit) levels" }
    }

    public static func nest(_ pairs: [(key: String, value: JSONValue)], into object: inout JSONObject) throws {
        for (key, value) in pairs {
            let depth = key.utf8.lazy.filter { $0 == UInt8(ascii: "[") }.count
            guard depth <= depthLimit else {
                throw TooDeep()
            }
            normalize(&object, name: key, value: value)
        }
    }

    public static func normalize(_ object: inout JSONObject, name: String, value: JSONValue) {
        guard let open = name.firstIndex(of: "["), open != name.startIndex else {
            object[name] = value
            return
        }
        let head = String(name[..<open])
        let after = name[open...]
        if after == "[]" {
            var items = object[head]?.arrayValue ?? []
            items.append(value)
            object[head] = .array(items)
            return
        }
        if after.hasPrefix("[]["), let close = after.dropFirst(3).firstIndex(of: "]") {
            // An array of hashes: a key already present in the last hash starts a new one.
            // `[][b][c]` → the member `b[c]` of the hash
            let childKey = String(after[after.index(after.startIndex, offsetBy: 3)..<close])
            let childName = childKey + String(after[after.index(after: close)...])
            var items = object[head]?.arrayValue ?? []
            if var last = items.last?.objectValue, last[childKey] == nil {
                normalize(&last, name: childName, value: value)
                items[items.count - 1] = .object(last)
            } else {
                var fresh = JSONObject()
                normalize(&fresh, name: childName, value: value)
                items.append(.object(fresh))
            }
            object[head] = .array(items)
            return
        }
        guard after.hasPrefix("["), let close = after.firstIndex(of: "]") else {
            object[name] = value
            return
        }
        // `head[child]rest` → head: {child + rest}
        let child = String(after[after.index(after: after.startIndex)..<close])
        let rest = String(after[after.index(after: close)...])
        var nested = object[head]?.objectValue ?? JSONObject()
        normalize(&nested, name: child + rest, value: value)
        object[head] = .object(nested)
    }

    /// The flat `name=text` pairs of nested values, in Rails' bracket form.
    public static func pairs(_ params: [(key: String, value: JSONValue)]) -> [(String, String)] {
        var out: [(String, String)] = []
        for (key, value) in params { flatten(key, value, into: &out) }
        return out
    }

    private static func flatten(_ name: String, _ value: JSONValue, into out: inout [(String, String)]) {
        switch value {
        case .array(let items):
            for item in items {
                if case .object(let fields) = item {
                    for (key, field) in fields { flatten(name + "[][" + key + "]", field, into: &out) }
                } else {
                    flatten(name + "[]", item, into: &out)
                }
            }
        case .object(let fields):
            for (key, field) in fields { flatten(name + "[" + key + "]", field, into: &out) }
        default:
            out.append((name, scalar(value) ?? ""))
        }
    }

    /// A scalar as text: booleans `true`/`false`, null as the empty string.
    public static func scalar(_ value: JSONValue) -> String? {
        switch value {
        case .null: ""
        case .bool(let b): b ? "true" : "false"
        case .int(let i): String(i)
        case .double(let d): d == d.rounded() && abs(d) < 9.0e15 ? String(Int64(d)) : String(d)
        case .string(let s): s
        case .array, .object: nil
        }
    }
}
