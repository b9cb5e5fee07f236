/// How an operation answers a list: not at all (one object), a whole list in one answer
/// (GitLab does not paginate it: LDAP links, custom attributes), page numbers with
/// totals, or pages with keyset cursors as well.
public enum PaginationKind: String, Sendable {
    case none, unpaged, offset, offsetOrKeyset

    /// Whether the operation answers a list: Lua sees a lazy list either way.
    public var answersList: Bool { self != .none }
    /// Whether it takes `page`/`per_page` and answers GitLab's page headers.
    public var isPaged: Bool { self == .offset || self == .offsetOrKeyset }
}

/// The token scope an operation needs, as GitLab's API-level scopes grant it
/// (`lib/gitlab/auth.rb`): `api` allows everything, `read_api` every read, `read_user`
/// the reads of users.
public enum TokenScope: String, Sendable {
    case read
    case readUser = "read_user"
    case write

    /// The scopes of which a token needs one.
    public var accepted: [String] {
        switch self {
        case .write: ["api"]
        case .read: ["api", "read_api"]
        case .readUser: ["api", "read_api", "read_user"]
        }
    }
}

/// Everything known about one operation: the REST route it stands for, its parameters
/// and where each travels, the token scope it needs, its Lua name and example, the
/// cross-parameter rules, its success status and pagination. The REST routes, the Lua
/// bindings, `help()`, REPL completion and the OpenAPI document all read this and
/// nothing else.
public struct OperationDescriptor: Sendable {
    public let name: String
    public let method: String
    public let path: String
    /// The function scripts call: `branches.protect` reads like GitLab's section title
    /// "Protect a branch" where the core name follows the REST path.
    public let luaName: String
    /// Earlier Lua names that still work; `help()` lists them under `luaName`.
    public let luaAliases: [String]
    /// What `help(fn)` shows; generated from the required parameters when nil.
    public let example: String?
    public let summary: String
    /// What a success answers (each item, for a list); nil for nothing (204) or a bare value.
    public let result: ResultShape?
    /// The answer may be JSON null instead of the result (a project without a push rule).
    public let resultMayBeNull: Bool
    public let params: [ParamSpec]
    public let successStatus: Int
    public let pagination: PaginationKind
    public let scope: TokenScope
    /// `at_least_one_of` groups and similar cross-parameter rules, checked after types.
    public let atLeastOneOf: [[String]]
    /// Grape's `exactly_one_of`: one and only one of the names is given (an empty string
    /// counts as not given).
    public let exactlyOneOf: [[String]]
    /// Where the parameters of each name sit in `params`, and the required ones: checking
    /// arguments looks names up instead of scanning every description.
    let positions: [String: [Int]]
    let requiredPositions: [Int]
    /// Every check of the operation runs before its first write, so a refusal leaves
    /// nothing to undo: inside a block it runs without a savepoint of its own (the
    /// savepoint's page copies were a third of a bulk creation). Should it fail after
    /// writing all the same (an I/O error), the block can no longer commit.
    public let checksBeforeWriting: Bool
    /// The operation (same path parameters) whose answer stands for GitLab's bodiless
    /// 304 Not Modified: starring a starred project answers the project on every backend.
    public let notModifiedAnswer: String?
    /// The capture names of `path`, in order.
    let captures: [String]

    public init(_ name: String, _ method: String, _ path: String, lua luaName: String? = nil, aliases: [String] = [], example: String? = nil,
                scope: TokenScope? = nil, result: ResultShape? = nil, resultMayBeNull: Bool = false, summary: String, success: Int? = nil,
                pagination: PaginationKind = .none, atLeastOneOf: [[String]] = [], exactlyOneOf: [[String]] = [],
                checksBeforeWriting: Bool = false, notModifiedAnswer: String? = nil, params: [ParamSpec]) {
        self.checksBeforeWriting = checksBeforeWriting
        self.notModifiedAnswer = notModifiedAnswer
        self.name = name
        self.method = method
        self.path = path
        self.luaName = luaName ?? name
        self.luaAliases = aliases
        self.example = example
        self.summary = summary
        self.result = result
        self.resultMayBeNull = resultMayBeNull
        self.successStatus = success ?? (method == "POST" ? 201 : 200)
        self.scope = scope ?? (method == "GET" ? .read : .write)
        self.pagination = pagination
        self.atLeastOneOf = atLeastOneOf
        self.exactlyOneOf = exactlyOneOf
        let declared = !pagination.isPaged ? params : params + PaginationParams.specs(keyset: pagination == .offsetOrKeyset)
        let captures = Self.pathParameters(of: path)
        self.captures = captures
        self.params = declared.map { spec in
            var spec = spec
            spec.location = Self.location(of: spec.name, captures: captures, method: method)
            return spec
        }
        var positions: [String: [Int]] = [:]
        for (i, spec) in self.params.enumerated() { positions[spec.name, default: []].append(i) }
        self.positions = positions
        let all = self.params
        self.requiredPositions = all.indices.filter { all[$0].required }
    }

    /// The capture names of a path template in order: `["id", "user_id"]`.
    public static func pathParameters(of path: String) -> [String] {
        path.split(separator: "/").filter { $0.hasPrefix(":") }.map { String($0.dropFirst()) }
    }

    /// A capture travels in the path; the rest in the query string for methods without a
    /// body (Grape reads DELETE parameters from the query too), in the body otherwise.
    static func location(of name: String, captures: [String], method: String) -> ParamSpec.Location {
        if captures.contains(name) { return .path }
        return ["GET", "HEAD", "DELETE"].contains(method) ? .query : .body
    }

    /// The path parameters in path order, as the Lua functions take them positionally.
    public var pathParams: [ParamSpec] { captures.compactMap { param($0) } }

    /// GET answers from a read; everything else writes.
    public var isMutation: Bool { method != "GET" }

    public func param(_ name: String) -> ParamSpec? { positions[name].map { params[$0[0]] } }

    /// Checks arguments as the core does before running the operation (Grape's types,
    /// ranges, exactly-one-of), without running it: a lazy list refuses a bad option where
    /// it is made, on either backend, not where the loop first fetches.
    public func checkArguments(_ params: JSONObject) throws {
        _ = try ParamParser.parse(params, for: self, ignoreUnknown: false)
    }

    public var json: JSONValue {
        .object([
            ("name", .string(name)), ("method", .string(method)), ("path", .string(path)),
            ("lua_name", .string(luaName)),
            ("summary", .string(summary)), ("success_status", .int(successStatus)),
            ("scope", .string(scope.rawValue)),
            ("result", result.map { .string($0.name) } ?? .null),
            ("paginated", .bool(pagination.isPaged)),
            ("params", .array(params.map(\.json))),
        ])
    }
}
