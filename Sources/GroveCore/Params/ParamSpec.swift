import GroveFormats
/// The type of one parameter, as the seeds name them. It drives coercion, Lua `help()`
/// and the OpenAPI document.
public enum ParamType: Sendable, Equatable {
    case string
    case integer
    case boolean
    /// `YYYY-MM-DD`
    case date
    /// ISO-8601 date-time (stored as epoch milliseconds)
    case dateTime
    /// Numeric id or URL-encoded full path ("integer/string" in the seeds).
    case idOrPath
    case integerArray
    case stringArray
    /// A JSON object (`default_branch_protection_defaults`, `custom_attributes`).
    case hash
    /// An array of JSON objects (`allowed_to_push: [{access_level: 40}]`).
    case hashArray
    /// A JSON object with declared keys (Grape's `type: Hash do ... end`): others are dropped.
    case fields([ParamSpec])
    /// An array of such objects (Grape's `type: Array do ... end`).
    case fieldsArray([ParamSpec])
    /// An upload: `{"filename": "a.png", "content": "<base64>"}`; `""` clears it.
    case file
    /// One of the listed strings.
    case enumeration([String])
    /// One of the listed integers (`group_access`).
    case integerEnumeration([Int64])

    /// The seed's spelling, for help texts and OpenAPI.
    public var name: String {
        switch self {
        case .string: return "string"
        case .integer: return "integer"
        case .boolean: return "boolean"
        case .date: return "date"
        case .dateTime: return "datetime"
        case .idOrPath: return "integer/string"
        case .integerArray: return "array of integers"
        case .stringArray: return "array of strings"
        case .hash: return "hash"
        case .hashArray: return "array of hashes"
        case .fields(let fields): return "hash (" + fields.map { "\($0.name): \($0.type.name)" }.joined(separator: ", ") + ")"
        case .fieldsArray(let fields): return "array of hashes (" + fields.map { "\($0.name): \($0.type.name)" }.joined(separator: ", ") + ")"
        case .file: return "file"
        case .enumeration(let values): return "string (" + values.joined(separator: ", ") + ")"
        case .integerEnumeration(let values): return "integer (" + values.map(String.init).joined(separator: ", ") + ")"
        }
    }
}

/// One parameter of an operation.
public struct ParamSpec: Sendable, Equatable {
    public enum Location: String, Sendable { case path, query, body }

    public let name: String
    public let type: ParamType
    public let required: Bool
    public let description: String
    /// The value GitLab assumes when the parameter is absent (documentation only; the
    /// services apply defaults themselves).
    public let defaultValue: JSONValue?
    /// The values a model validation accepts (`numericality` in GitLab's model): checked by
    /// the service that writes the value, after the caller's rights, as GitLab checks it;
    /// the description and the OpenAPI document show it.
    public let range: ClosedRange<Int64>?
    /// Set by the operation that declares the parameter, from its path template and
    /// method (`OperationDescriptor.location(of:)`): one rule, never written per parameter.
    public internal(set) var location: Location = .query

    public init(_ name: String, _ type: ParamType, required: Bool = false, default defaultValue: JSONValue? = nil,
                range: ClosedRange<Int64>? = nil, _ description: String) {
        self.name = name
        self.type = type
        self.required = required
        self.description = range.map { description + " (\($0.lowerBound)-\($0.upperBound))" } ?? description
        self.defaultValue = defaultValue
        self.range = range
    }

    /// GitLab's validation error for a value outside `range`, naming the field.
    public func checkRange(_ value: Int64?) throws {
        guard let range, let value, !range.contains(value) else { return }
        throw APIError.validation(FieldErrors(name, "must be between \(range.lowerBound) and \(range.upperBound)"))
    }

    public var json: JSONValue {
        var o = JSONObject([("name", .string(name)), ("type", .string(type.name)), ("required", .bool(required)),
                            ("in", .string(location.rawValue)), ("description", .string(description))])
        if case .enumeration(let values) = type { o["values"] = .array(values.map { .string($0) }) }
        if case .integerEnumeration(let values) = type { o["values"] = .array(values.map { .int($0) }) }
        if let defaultValue { o["default"] = defaultValue }
        if let range { o["minimum"] = .int(range.lowerBound); o["maximum"] = .int(range.upperBound) }
        return .object(o)
    }
}

/// `page`, `per_page` and, where GitLab offers it, keyset `pagination` / `cursor`.
public enum PaginationParams {
    static let defaultPerPage: Int64 = 20
    /// GitLab's largest page; clients ask for it to make the fewest requests.
    public static let maxPerPage: Int64 = 100

    static func specs(keyset: Bool) -> [ParamSpec] {
        var specs = [
            ParamSpec("page", .integer, default: 1, "Current page number"),
            ParamSpec("per_page", .integer, default: .int(defaultPerPage), "Number of items per page (max \(maxPerPage))"),
        ]
        if keyset {
            specs.append(ParamSpec("pagination", .enumeration(["offset", "keyset"]), "Use keyset pagination (anonymous callers, order_by=name sort=asc)"))
            specs.append(ParamSpec("cursor", .string, "Cursor for the next keyset page"))
        }
        return specs
    }
}
