import GroveFormats
import GRDB

/// GitLab's `GroupMembersFinder` with `[:inherited, :direct, :shared_from_groups]`, as
/// `GET /groups/:id/members/all` uses it: the members of the group and its ancestors, and
/// of the groups shared with any of them (their role capped at the share's), one row per
/// user with the highest role.
struct GroupMembersFinder {
    let ctx: OperationContext

    /// Rows with `MemberRecord.columns`, under the alias `a`, for `Paginator`.
    func relation(_ group: GroupRecord) -> (from: String, args: [any DatabaseValueConvertible]) {
        let ids = JSONText.encode(.array(group.selfAndAncestorIds.map { .int($0) }))
        let from = """
            FROM (SELECT c.id, c.user_id, c.group_id, c.access_level, c.expires_at, c.created_at, u.username, u.name, u.state,
                         ROW_NUMBER() OVER (PARTITION BY c.user_id ORDER BY c.access_level DESC, c.id) AS rank
                  FROM (SELECT m.id, m.user_id, m.group_id, m.access_level, m.expires_at, m.created_at FROM members m
                        WHERE m.group_id IN (SELECT value FROM json_each(?)) AND (m.expires_at IS NULL OR m.expires_at > ?)
                        UNION ALL
                        SELECT m.id, m.user_id, m.group_id, MIN(m.access_level, l.group_access), m.expires_at, m.created_at
                        FROM group_group_links l JOIN members m ON m.group_id = l.shared_with_group_id
                        WHERE l.shared_group_id IN (SELECT value FROM json_each(?)) AND (l.expires_at IS NULL OR l.expires_at > ?)
                          AND (m.expires_at IS NULL OR m.expires_at > ?)) c
                  JOIN users u ON u.id = c.user_id) a
            """
        return (from, [ids, ctx.today, ids, ctx.today, ctx.today])
    }

    func list(_ group: GroupRecord, _ p: Params) throws -> ([MemberRecord], PageInfo) {
        let (from, args) = relation(group)
        var f = QueryFilter()
        f.add("a.rank = 1", [])
        f.args = args + f.args
        if let q = p.presentString("query") {
            let like = "%\(Like.escape(q))%"
            f.add("(a.username LIKE ? ESCAPE '\\' OR a.name LIKE ? ESCAPE '\\')", [like, like])
        }
        let ids = p.intArray("user_ids")
        if !ids.isEmpty { f.add("a.user_id IN (SELECT value FROM json_each(?))", [JSONText.encode(.array(ids.map { .int($0) }))]) }
        return try Paginator.offset(ctx.db, select: "SELECT \(MemberRecord.columns(membership: "a", user: "a")) " + from,
                                    filter: f, order: ListOrder([.asc("a.id")]), params: p, countFrom: from)
    }

    func member(_ group: GroupRecord, userId: Int64) throws -> MemberRecord? {
        let (from, args) = relation(group)
        return try MemberRecord.fetchOne(ctx.db, cachedSQL: "SELECT \(MemberRecord.columns(membership: "a", user: "a")) \(from) WHERE a.rank = 1 AND a.user_id = ?",
                                         arguments: args + [userId])
    }
}
