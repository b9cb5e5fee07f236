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
    public let location: Location

    public init(_ name: String, _ type: ParamType, required: Bool = false, default defaultValue: JSONValue? = nil,
                in location: Location = .query, _ description: String) {
        self.name = name
        self.type = type
        self.required = required
        self.description = description
        self.defaultValue = defaultValue
        self.location = location
    }

    public var json: JSONValue {
        var o = JSONObject([("name", .string(name)), ("type", .string(type.name)), ("required", .bool(required)),
                            ("in", .string(location.rawValue)), ("description", .string(description))])
        if case .enumeration(let values) = type { o["values"] = .array(values.map { .string($0) }) }
        if case .integerEnumeration(let values) = type { o["values"] = .array(values.map { .int($0) }) }
        if let defaultValue { o["default"] = defaultValue }
        return .object(o)
    }
}

/// How pages are returned: page numbers with totals, keyset cursors, or not at all.
public enum PaginationKind: String, Sendable { case none, offset, offsetOrKeyset }

/// The description of one operation: its name, the REST route it stands for and its
/// parameters. One description drives argument checking, Lua help, REST routes and OpenAPI.
public struct OperationDescriptor: Sendable {
    public let name: String
    public let method: String
    public let path: String
    public let summary: String
    public let params: [ParamSpec]
    public let successStatus: Int
    public let pagination: PaginationKind
    /// `at_least_one_of` groups and similar cross-parameter rules, checked after types.
    public let atLeastOneOf: [[String]]
    /// Where the parameters of each name sit in `params`, and the required ones: checking
    /// arguments looks names up instead of scanning every description.
    let positions: [String: [Int]]
    let requiredPositions: [Int]
    /// Every check of the operation runs before its first write, so a refusal leaves
    /// nothing to undo: inside a block it runs without a savepoint of its own (the
    /// savepoint's page copies were a third of a bulk creation). Should it fail after
    /// writing all the same (an I/O error), the block can no longer commit.
    public let checksBeforeWriting: Bool

    public init(_ name: String, _ method: String, _ path: String, summary: String, success: Int? = nil,
                pagination: PaginationKind = .none, atLeastOneOf: [[String]] = [], checksBeforeWriting: Bool = false, params: [ParamSpec]) {
        self.checksBeforeWriting = checksBeforeWriting
        self.name = name
        self.method = method
        self.path = path
        self.summary = summary
        self.successStatus = success ?? (method == "POST" ? 201 : 200)
        self.pagination = pagination
        self.atLeastOneOf = atLeastOneOf
        self.params = pagination == .none ? params : params + PaginationParams.specs(keyset: pagination == .offsetOrKeyset)
        var positions: [String: [Int]] = [:]
        for (i, spec) in self.params.enumerated() { positions[spec.name, default: []].append(i) }
        self.positions = positions
        let all = self.params
        self.requiredPositions = all.indices.filter { all[$0].required }
    }

    /// GET answers from a read; everything else writes.
    public var isMutation: Bool { method != "GET" }

    public func param(_ name: String) -> ParamSpec? { positions[name].map { params[$0[0]] } }

    public var json: JSONValue {
        .object([
            ("name", .string(name)), ("method", .string(method)), ("path", .string(path)),
            ("summary", .string(summary)), ("success_status", .int(successStatus)),
            ("paginated", .bool(pagination != .none)),
            ("params", .array(params.map(\.json))),
        ])
    }
}

/// `page`, `per_page` and, where GitLab offers it, keyset `pagination` / `cursor`.
enum PaginationParams {
    static let defaultPerPage: Int64 = 20
    static let maxPerPage: Int64 = 100

    static func specs(keyset: Bool) -> [ParamSpec] {
        var specs = [
            ParamSpec("page", .integer, default: 1, "Current page number"),
            ParamSpec("per_page", .integer, default: 20, "Number of items per page (max 100)"),
        ]
        if keyset {
            specs.append(ParamSpec("pagination", .enumeration(["offset", "keyset"]), "Use keyset pagination (anonymous callers, order_by=name sort=asc)"))
            specs.append(ParamSpec("cursor", .string, "Cursor for the next keyset page"))
        }
        return specs
    }
}
