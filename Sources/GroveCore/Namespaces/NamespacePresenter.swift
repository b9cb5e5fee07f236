import GroveFormats
import GRDB

/// GitLab's `Entities::NamespaceBasic` and `Entities::Namespace` (with EE's additions).
struct NamespacePresenter {
    let ctx: OperationContext

    private var base: String { ctx.store.baseURL }

    /// `NamespaceBasic`: id, name, path, kind, full_path, parent_id, avatar_url, web_url
    /// (a user's profile URL for personal namespaces).
    func basic(_ namespace: Namespace) -> JSONObject {
        switch namespace {
        case .group(let g):
            return JSONObject([("id", .int(g.id)), ("name", .string(g.name)), ("path", .string(g.path)), ("kind", "group"),
                               ("full_path", .string(g.fullPath)), ("parent_id", g.parentId.json),
                               ("avatar_url", GroupPresenter(ctx: ctx).avatarURL(g)), ("web_url", .string(GroupPresenter(ctx: ctx).webURL(g)))])
        case .user(let id, let u):
            return JSONObject([("id", .int(id)), ("name", .string(u.name)), ("path", .string(u.username)), ("kind", "user"),
                               ("full_path", .string(u.username)), ("parent_id", .null), ("avatar_url", .null),
                               ("web_url", .string(UserPresenter(ctx: ctx).webURL(u)))])
        }
    }

    /// `Namespace`: for groups the caller administers, member and project counts and the
    /// root's repository size; EE's subscription limits for administrators, the billable
    /// member count (null without `read_billing`), and the plan for those who administer
    /// the namespace.
    func full(_ namespace: Namespace) throws -> JSONValue {
        var o = basic(namespace)
        let administers: Bool
        switch namespace {
        case .group(let g):
            administers = try ctx.access.isOwner(g)
            if administers {
                let r = TraversalIds.range(g.traversalIds)
                let subtree = TraversalIds.subtreeCondition("n.traversal_ids")
                o.append("members_count_with_descendants", .int(try Int64.fetchOne(ctx.db, sql: """
                    SELECT COUNT(DISTINCT m.user_id) FROM members m JOIN namespaces n ON n.id = m.group_id WHERE \(subtree)
                    """, arguments: [r.lower, r.upper]) ?? 0))
                let projects = "FROM projects p JOIN namespaces n ON n.id = p.namespace_id WHERE \(subtree)"
                o.append("root_repository_size", g.isTopLevel
                    ? .int(try Int64.fetchOne(ctx.db, sql: "SELECT COALESCE(SUM(p.repository_size), 0) \(projects)", arguments: [r.lower, r.upper]) ?? 0) : .null)
                o.append("projects_count", .int(try Int64.fetchOne(ctx.db, sql: "SELECT COUNT(*) \(projects)", arguments: [r.lower, r.upper]) ?? 0))
            }
        case .user(_, let u):
            administers = ctx.caller.isAdmin || ctx.caller.id == u.id
        }
        if ctx.caller.isAdmin {
            o.append("shared_runners_minutes_limit", .null)
            o.append("extra_shared_runners_minutes_limit", .null)
            o.append("additional_purchased_storage_size", 0)
            o.append("additional_purchased_storage_ends_on", .null)
        }
        o.append("billable_members_count", administers ? .int(try billableMembers(namespace)) : .null)
        if administers {
            o.append("plan", "default")
            o.append("trial_ends_on", .null)
            o.append("trial", false)
        }
        return .object(o)
    }

    /// Active human members anywhere in the group's subtree; a personal namespace bills its owner.
    private func billableMembers(_ namespace: Namespace) throws -> Int64 {
        guard case .group(let g) = namespace else { return 1 }
        let r = TraversalIds.range(g.traversalIds)
        return try Int64.fetchOne(ctx.db, sql: """
            SELECT COUNT(DISTINCT m.user_id) FROM members m JOIN namespaces n ON n.id = m.group_id JOIN users u ON u.id = m.user_id
            WHERE \(TraversalIds.subtreeCondition("n.traversal_ids")) AND u.state = 'active' AND u.bot = 0 AND u.service_account = 0
            """, arguments: [r.lower, r.upper]) ?? 0
    }
}
