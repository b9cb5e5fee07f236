import GroveFormats
import GRDB

/// Finds projects the caller may see (`ProjectsFinder`, `GroupProjectsFinder`).
struct ProjectFinder {
    let ctx: OperationContext
    init(_ ctx: OperationContext) { self.ctx = ctx }

    /// Readable projects: public; internal to signed-in non-external users; otherwise through
    /// a role in the namespace's hierarchy or a share with a group the caller belongs to.
    func readableCondition() throws -> (String, [any DatabaseValueConvertible]) {
        try accessCondition(minLevel: AccessLevel.guest, includeVisibility: true)
    }

    func accessCondition(minLevel: Int64, includeVisibility: Bool) throws -> (String, [any DatabaseValueConvertible]) {
        let caller = ctx.caller
        if caller.isAdmin && includeVisibility { return ("1", []) }
        // Membership filters (owned, min_access_level) use real roles, admins included.
        let access = includeVisibility ? try ctx.access : try ctx.memberAccess
        var parts: [String] = []
        var args: [any DatabaseValueConvertible] = []
        if includeVisibility {
            let minVisibility = caller.isAnonymous || caller.isExternal ? Visibility.public : .internal
            parts.append("p.visibility_level >= \(minVisibility.rawValue)")
        }
        let inNamespace = access.subtreeCondition(alias: "n", minLevel: minLevel)
        parts.append(inNamespace.sql)
        args += inNamespace.args
        let inLinked = access.subtreeCondition(alias: "lg", minLevel: minLevel)
        if inLinked.sql != "0" {
            parts.append("EXISTS (SELECT 1 FROM project_group_links l JOIN namespaces lg ON lg.id = l.group_id WHERE l.project_id = p.id AND l.group_access >= \(minLevel) AND \(Self.unexpiredLink) AND \(inLinked.sql))")
            args += [ctx.today] + inLinked.args
        }
        return ("(" + parts.joined(separator: " OR ") + ")", args)
    }

    func canRead(_ p: ProjectRecord) throws -> Bool { try visibleByLevel(p) || level(p) >= AccessLevel.guest }

    private func visibleByLevel(_ p: ProjectRecord) -> Bool {
        if ctx.caller.isAdmin || p.visibility == .public { return true }
        return p.visibility == .internal && !ctx.caller.isAnonymous && !ctx.caller.isExternal
    }

    /// A share of a project (`project_group_links` as `l`) that still gives access; its
    /// one argument is `ctx.today`.
    static let unexpiredLink = "(l.expires_at IS NULL OR l.expires_at > ?)"

    /// What a share gives: the shared-with group's members reach the project up to `groupAccess`.
    struct ShareGrant {
        let groupAccess: Int64
        /// The shared-with group's.
        let traversalIds: String
    }

    /// The caller's role in a project: from its group hierarchy or from group shares
    /// (`grants`, when the project's page has read them already; else read here).
    func level(_ p: ProjectRecord, grants: [ShareGrant]? = nil) throws -> Int64 {
        if ctx.caller.isAdmin { return AccessLevel.admin }
        var best = try ctx.access.level(prefix: p.namespaceTraversalIds)
        let grants = try grants ?? Row.fetchAll(ctx.db, cachedSQL: """
            SELECT l.group_access, g.traversal_ids FROM project_group_links l JOIN namespaces g ON g.id = l.group_id
            WHERE l.project_id = ? AND \(Self.unexpiredLink)
            """, arguments: [p.id, ctx.today]).map { ShareGrant(groupAccess: try $0.column("group_access"), traversalIds: try $0.column("traversal_ids")) }
        for grant in grants { best = max(best, min(grant.groupAccess, try ctx.access.level(prefix: grant.traversalIds))) }
        return best
    }

    func find(_ ref: JSONValue?) throws -> ProjectRecord {
        var project: ProjectRecord?
        if let id = ref?.intValue { project = try ProjectRecord.find(ctx.db, id: id) }
        else if let s = ref?.stringValue { project = try Int64(s).flatMap { try ProjectRecord.find(ctx.db, id: $0) } ?? ProjectRecord.find(ctx.db, fullPath: PercentEncoding.decode(s)) }
        guard let project, try canRead(project) else { throw APIError.notFound("Project") }
        return project
    }

    func readableProjects(inGroup groupId: Int64, limit: Int) throws -> [ProjectRecord] {
        // Most groups hold no project: a cached probe skips building the filtered query.
        guard try Bool.fetchOne(ctx.db, cachedSQL: "SELECT EXISTS (SELECT 1 FROM projects WHERE namespace_id = ?)", arguments: [groupId]) == true else { return [] }
        var f = QueryFilter()
        f.add("p.namespace_id = ?", [groupId])
        let r = try readableCondition(); f.add(r.0, r.1)
        return try ProjectRecord.fetchAll(ctx.db, sql: ProjectRecord.select + f.whereClause + " ORDER BY p.id LIMIT \(limit)", arguments: StatementArguments(f.args))
    }

    func readableProjects(sharedWith groupId: Int64, limit: Int) throws -> [ProjectRecord] {
        guard try Bool.fetchOne(ctx.db, cachedSQL: "SELECT EXISTS (SELECT 1 FROM project_group_links WHERE group_id = ?)", arguments: [groupId]) == true else { return [] }
        var f = QueryFilter()
        f.add("p.id IN (SELECT project_id FROM project_group_links WHERE group_id = ?)", [groupId])
        let r = try readableCondition(); f.add(r.0, r.1)
        return try ProjectRecord.fetchAll(ctx.db, sql: ProjectRecord.select + f.whereClause + " ORDER BY p.id LIMIT \(limit)", arguments: StatementArguments(f.args))
    }

    enum Scope { case group(GroupRecord, includeSubgroups: Bool, withShared: Bool), sharedWith(GroupRecord), all }

    /// `GET /groups/:id/projects`, `/projects/shared` and `GET /projects` with their filters.
    func list(_ scope: Scope, _ params: Params) throws -> ([ProjectRecord], PageInfo) {
        // Read once up front: reading it inside the conditional below crashes the 6.3
        // optimizer (CopyPropagation ownership error) in release builds.
        let callerId: Int64 = ctx.caller.user.map { $0.id } ?? -1
        var f = QueryFilter()
        switch scope {
        case .group(let g, let includeSubgroups, let withShared):
            let r = TraversalIds.range(g.traversalIds)
            var own = includeSubgroups ? "(n.traversal_ids >= ? AND n.traversal_ids < ?)" : "p.namespace_id = ?"
            var args: [any DatabaseValueConvertible] = includeSubgroups ? [r.lower, r.upper] : [g.id]
            // Most groups share no project with another: without the OR, an index on
            // (namespace_id, created_at) gives a group's projects in GitLab's default order.
            if withShared, try Bool.fetchOne(ctx.db, cachedSQL: "SELECT EXISTS (SELECT 1 FROM project_group_links WHERE group_id = ?)", arguments: [g.id]) == true {
                own = "(\(own) OR p.id IN (SELECT project_id FROM project_group_links WHERE group_id = ?))"
                args.append(g.id)
            }
            f.add(own, args)
        case .sharedWith(let g):
            f.add("p.id IN (SELECT project_id FROM project_group_links WHERE group_id = ?)", [g.id])
        case .all:
            break
        }
        let readable = try readableCondition(); f.add(readable.0, readable.1)
        if let archived = params.bool("archived") { f.add("p.archived = ?", [archived]) }
        if let v = params.string("visibility"), let vis = Visibility(name: v) { f.add("p.visibility_level = ?", [vis.rawValue]) }
        if let search = params.presentString("search") {
            f.add("(p.name LIKE ? ESCAPE '\\' OR p.path LIKE ? ESCAPE '\\' OR p.description LIKE ? ESCAPE '\\')", Array(repeating: "%\(Like.escape(search))%", count: 3))
        }
        if params.bool("owned") == true { let c = try accessCondition(minLevel: AccessLevel.owner, includeVisibility: false); f.add(c.0, c.1) }
        if let min = params.int("min_access_level") { let c = try accessCondition(minLevel: min, includeVisibility: false); f.add(c.0, c.1) }
        if params.bool("starred") == true { f.add("p.id IN (SELECT project_id FROM project_stars WHERE user_id = ?)", [callerId]) }
        if let topic = params.string("topic") {
            for t in topic.split(separator: ",").map({ $0.trimmingCharacters(in: .whitespaces) }) where !t.isEmpty {
                f.add("EXISTS (SELECT 1 FROM json_each(p.topics) WHERE lower(json_each.value) = lower(?))", [t])
            }
        }
        if params.bool("with_issues_enabled") == true { f.add("p.issues_enabled = 1") }
        if params.bool("with_merge_requests_enabled") == true { f.add("p.merge_requests_enabled = 1") }
        if params.bool("with_security_reports") == true { f.add("0") } // no security reports are stored
        return try Paginator.offset(ctx.db, select: ProjectRecord.select, filter: f, order: order(params), params: params,
                                    countFrom: "FROM projects p JOIN namespaces n ON n.id = p.namespace_id")
    }

    private func order(_ params: Params) -> ListOrder {
        let desc = params.string("sort") != "asc"
        let id = OrderTerm("p.id", descending: desc)
        func by(_ expression: String) -> ListOrder { ListOrder([OrderTerm(expression, descending: desc), id]) }
        switch params.string("order_by") ?? "created_at" {
        case "id": return ListOrder([id])
        case "name": return by("p.name")
        case "path": return by("p.path")
        case "updated_at": return by("p.updated_at")
        // The select's star_count, spelled out: a list's key reads it as a column of its own.
        case "star_count": return by("(SELECT COUNT(*) FROM project_stars s WHERE s.project_id = p.id)")
        case "last_activity_at": return by("p.last_activity_at")
        case "similarity":
            // handle_similarity_order (lib/api/groups.rb): `sort` is ignored with a search
            // (Project.sorted_by_similarity_desc); without one, name asc then id in `sort`'s direction.
            guard let s = params.presentString("search") else { return ListOrder([.asc("p.name"), id]) }
            return ListOrder([OrderTerm("similarity_score(?, p.path, 1, p.name, 0.7, p.description, 0.2)", descending: true, arguments: [s]), .desc("p.id")])
        default: return by("p.created_at")
        }
    }
}

/// LIKE helpers shared by the finders.
enum Like {
    static func escape(_ s: String) -> String {
        s.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "%", with: "\\%").replacingOccurrences(of: "_", with: "\\_")
    }
}
