import GroveFormats
import GRDB

/// Renders projects as the seeds' group-project lists do: `Entities::Project` (with
/// `ProjectWithAccess`'s `permissions` when asked) and the short shape of a group's
/// `projects`, for a page whose shares and roles `reading` read. A presenter can only be
/// had that way, so no project is presented without them.
struct ProjectPresenter: Sendable {
    let fields: ProjectFields
    let callerIsAdmin: Bool
    /// `ProjectWithAccess`: `permissions`, from the caller's role in each project's group.
    let withAccess: Bool
    /// By project id: its shares as shown, the caller's role in it, and (`withAccess`) the
    /// caller's role in its group.
    private var sharesOfPage: [Int64: [JSONValue]] = [:]
    private var levelOfPage: [Int64: Int64] = [:]
    private var groupLevelOfPage: [Int64: Int64] = [:]

    private init(fields: ProjectFields, callerIsAdmin: Bool, withAccess: Bool) {
        self.fields = fields
        self.callerIsAdmin = callerIsAdmin
        self.withAccess = withAccess
    }

    /// The presenter of `projects`: their shares and the caller's roles read with one query
    /// for the page instead of two per project (a loop over a group's projects reads pages
    /// of thousands), so that it can present them after the operation's transaction.
    static func reading(_ ctx: OperationContext, _ projects: [ProjectRecord], withAccess: Bool = false) throws -> ProjectPresenter {
        var presenter = ProjectPresenter(fields: ProjectFields(ctx: ctx), callerIsAdmin: ctx.caller.isAdmin, withAccess: withAccess)
        var grants: [Int64: [ProjectFinder.ShareGrant]] = [:]
        // The ids as one JSON array: a statement of thousands of placeholders cost more to
        // prepare than the query, and SQLite takes at most 32,766 of them.
        let ids = JSONText.encode(.array(projects.map { .int($0.id) }))
        let rows = try Row.fetchAll(ctx.db, cachedSQL: """
            SELECT l.project_id, l.group_id, l.group_access, l.expires_at, n.name, n.full_path, n.traversal_ids,
                   \(ProjectFinder.unexpiredLink) AS unexpired
            FROM project_group_links l JOIN namespaces n ON n.id = l.group_id
            WHERE l.project_id IN (SELECT value FROM json_each(?)) ORDER BY l.id
            """, arguments: [ctx.today, ids])
        for row in rows {
            let projectId: Int64 = try row.column("project_id")
            presenter.sharesOfPage[projectId, default: []].append(try Self.share(row))
            if try row.column("unexpired") as Bool {
                grants[projectId, default: []].append(ProjectFinder.ShareGrant(groupAccess: try row.column("group_access"), traversalIds: try row.column("traversal_ids")))
            }
        }
        let finder = ProjectFinder(ctx)
        for p in projects {
            presenter.levelOfPage[p.id] = try finder.level(p, grants: grants[p.id] ?? [])
            // Grove has no project members: access comes from the group hierarchy.
            if withAccess { presenter.groupLevelOfPage[p.id] = try ctx.memberAccess.level(prefix: p.namespaceTraversalIds) }
        }
        return presenter
    }

    /// `Entities::Project` for one project (`ProjectWithAccess` when `withAccess`).
    static func entity(_ ctx: OperationContext, _ p: ProjectRecord, withAccess: Bool = false) throws -> JSONValue {
        try reading(ctx, [p], withAccess: withAccess).entity(p)
    }

    /// The project shape of `GET /groups/:id/projects` and of a group's `projects`.
    func basic(_ p: ProjectRecord) -> JSONValue {
        var o = JSONObject()
        o.append("id", .int(p.id))
        o.append("description", p.description.json)
        o.append("default_branch", .string(p.defaultBranch))
        o.append("tag_list", .array(p.topics.map { .string($0) }))
        o.append("topics", .array(p.topics.map { .string($0) }))
        o.append("archived", .bool(p.archived))
        o.append("visibility", .string(p.visibility.name))
        o.append("ssh_url_to_repo", .string("git@\(fields.host):\(p.pathWithNamespace).git"))
        o.append("http_url_to_repo", .string("\(fields.webURL(p)).git"))
        o.append("web_url", .string(fields.webURL(p)))
        o.append("name", .string(p.name))
        o.append("name_with_namespace", .string(p.nameWithNamespace))
        o.append("path", .string(p.path))
        o.append("path_with_namespace", .string(p.pathWithNamespace))
        for f in ProjectFeatures.names { o.append(f, .bool(p.features[f] ?? true)) }
        o.append("created_at", iso8601: p.createdAt)
        o.append("last_activity_at", iso8601: p.lastActivityAt)
        o.append("shared_runners_enabled", true)
        o.append("creator_id", p.creatorId.json)
        o.append("namespace", fields.namespace(p, full: false))
        o.append("avatar_url", .null)
        o.append("star_count", .int(p.starCount))
        o.append("forks_count", 0)
        o.append("open_issues_count", 0)
        o.append("public_jobs", true)
        o.append("shared_with_groups", sharedWithGroups(p))
        o.append("request_access_enabled", false)
        return .object(o)
    }

    /// The page's facts about `p`. A project the page did not read gets none (no shares, no
    /// role): it shows less, never more.
    func sharedWithGroups(_ p: ProjectRecord) -> JSONValue { .array(sharesOfPage[p.id] ?? []) }
    func callerLevel(in p: ProjectRecord) -> Int64 { callerIsAdmin ? AccessLevel.admin : levelOfPage[p.id] ?? AccessLevel.noAccess }
    func groupLevel(of p: ProjectRecord) -> Int64 { groupLevelOfPage[p.id] ?? AccessLevel.noAccess }

    private static func share(_ row: Row) throws -> JSONValue {
        .object([("group_id", .int(try row.column("group_id") as Int64)), ("group_name", .string(try row.column("name"))),
                 ("group_full_path", .string(try row.column("full_path"))), ("group_access_level", .int(try row.column("group_access") as Int64)),
                 ("expires_at", (try row.column("expires_at") as String?).json)])
    }
}

/// A page of projects in the shape its list shows.
struct ProjectListPresenter: ItemPresenter {
    enum Shape: Sendable {
        /// `Entities::BasicProjectDetails` (`simple=true`, anonymous callers).
        case simple(ProjectFields)
        case entity(ProjectPresenter)
    }
    let shape: Shape
    var customAttributes = false
    var fieldCount: Int {
        if case .simple = shape { 17 } else { 128 }
    }

    func present(_ p: ProjectRecord, into o: inout some JSONObjectBuilder) {
        switch shape {
        case .simple(let fields): fields.simple(p, into: &o)
        case .entity(let projects): projects.entity(p, into: &o)
        }
        if customAttributes { o.append("custom_attributes", []) }
    }
}

/// What every project shape shows alike: the addresses and the namespace, and
/// `Entities::BasicProjectDetails` (`simple=true`, anonymous callers), which shows nothing
/// beyond the project's record.
struct ProjectFields: Sendable {
    /// The instance's address, and its host name for ssh and registry addresses (read once,
    /// a list presents thousands of projects).
    let base: String
    let host: String
    /// `<base>/groups/`, ahead of a namespace's full path.
    let groupsBase: String

    init(ctx: OperationContext) {
        base = ctx.store.baseURL
        host = Self.host(of: base)
        groupsBase = base + "/groups/"
    }

    /// `http://127.0.0.1:8080` → `127.0.0.1`.
    static func host(of base: String) -> String {
        var rest = Substring(base)
        for scheme in ["https://", "http://"] where rest.hasPrefix(scheme) { rest = rest.dropFirst(scheme.count) }
        return rest.split(separator: ":").first.map(String.init) ?? "localhost"
    }

    func webURL(_ p: ProjectRecord) -> String { "\(base)/\(p.pathWithNamespace)" }

    func namespace(_ p: ProjectRecord, full: Bool) -> JSONValue {
        .object(fieldCount: 8) { namespace(p, full: full, into: &$0) }
    }

    func namespace(_ p: ProjectRecord, full: Bool, into o: inout some JSONObjectBuilder) {
        o.append("id", .int(p.namespaceId))
        o.append("name", .string(p.namespaceName))
        o.append("path", .string(p.namespacePath))
        o.append("kind", "group")
        if full {
            o.append("full_path", .string(p.namespaceFullPath))
            o.append("parent_id", p.namespaceParentId.json)
            o.append("avatar_url", p.namespaceAvatar.map { .string("\(base)/uploads/-/system/group/avatar/\(p.namespaceId)/\($0)") } ?? .null)
            o.append("web_url", groupsBase, p.namespaceFullPath)
        }
    }

    /// `simple=true`.
    func simple(_ p: ProjectRecord) -> JSONValue {
        .object(fieldCount: 17) { simple(p, into: &$0) }
    }

    func simple(_ p: ProjectRecord, into o: inout some JSONObjectBuilder) {
        o.append("id", .int(p.id))
        o.append("description", p.description.json)
        o.append("name", .string(p.name))
        o.append("name_with_namespace", .string(p.nameWithNamespace))
        o.append("path", .string(p.path))
        o.append("path_with_namespace", .string(p.pathWithNamespace))
        o.append("created_at", iso8601: p.createdAt)
        o.append("default_branch", .string(p.defaultBranch))
        o.append("tag_list", .array(p.topics.map { .string($0) }))
        o.append("topics", .array(p.topics.map { .string($0) }))
        o.append("ssh_url_to_repo", .string("git@\(host):\(p.pathWithNamespace).git"))
        o.append("http_url_to_repo", .string("\(webURL(p)).git"))
        o.append("web_url", .string(webURL(p)))
        o.append("avatar_url", .null)
        o.append("star_count", .int(p.starCount))
        o.append("last_activity_at", iso8601: p.lastActivityAt)
        o.appendObject("namespace", fieldCount: 8) { namespace(p, full: true, into: &$0) }
    }
}
