import GRDB

/// A group's LDAP links: GitLab's `LdapGroupLink` model and the rules its API applies.
struct LDAPGroupLinkService {
    let ctx: OperationContext
    init(_ ctx: OperationContext) { self.ctx = ctx }

    static let linkNotFound = APIError.api("Linked LDAP group not found", status: 404)

    static func json(_ row: Row) throws -> JSONValue {
        .object([("cn", ((try row.column("cn") as String?)).json), ("group_access", .int((try row.column("group_access") as Int64))),
                 ("provider", .string(try row.column("provider"))), ("filter", ((try row.column("filter") as String?)).json)])
    }

    /// Every link, oldest first; none is GitLab's 404.
    func list(_ group: GroupRecord) throws -> [Row] {
        let rows = try Row.fetchAll(ctx.db, sql: "SELECT * FROM ldap_group_links WHERE group_id = ? ORDER BY id", arguments: [group.id])
        if rows.isEmpty { throw APIError.api("No linked LDAP groups found", status: 404) }
        return rows
    }

    func count(_ group: GroupRecord) throws -> Int {
        try Int.fetchOne(ctx.db, sql: "SELECT COUNT(*) FROM ldap_group_links WHERE group_id = ?", arguments: [group.id]) ?? 0
    }

    /// `column` is `cn` or `filter`, whichever the caller gave (exactly one of them).
    func create(_ group: GroupRecord, column: String, value: String, provider: String, access: Int64) throws -> Row {
        if try Bool.fetchOne(ctx.db, sql: "SELECT EXISTS (SELECT 1 FROM ldap_group_links WHERE group_id = ? AND provider = ? AND \(column) = ?)",
                             arguments: [group.id, provider, value]) ?? false {
            throw APIError.api(column == "cn" ? "Cn has already been taken" : "Filter has already been taken", status: 409)
        }
        try ctx.db.execute(sql: "INSERT INTO ldap_group_links (group_id, cn, filter, group_access, provider, created_at) VALUES (?, ?, ?, ?, ?, ?)",
                           arguments: [group.id, column == "cn" ? value : nil, column == "filter" ? value : nil, access, provider, ctx.now])
        let row = try readBack(Row.fetchOne(ctx.db, sql: "SELECT * FROM ldap_group_links WHERE id = ?", arguments: [ctx.db.lastInsertedRowID]))
        try ctx.audit("ldap_group_link.create", "Group", id: group.id, path: group.fullPath, changes: [
            .init(attribute: column, old: .null, new: .string(value)), .init(attribute: "provider", old: .null, new: .string(provider)),
            .init(attribute: "group_access", old: .null, new: .int(access)),
        ])
        return row
    }

    /// The links with that cn or filter (of that provider when given); none is 404.
    func remove(_ group: GroupRecord, column: String, value: String, provider: String?) throws {
        var sql = "SELECT * FROM ldap_group_links WHERE group_id = ? AND \(column) = ?"
        var args: [any DatabaseValueConvertible] = [group.id, value]
        if let provider { sql += " AND provider = ?"; args.append(provider) }
        let rows = try Row.fetchAll(ctx.db, sql: sql, arguments: StatementArguments(args))
        if rows.isEmpty { throw Self.linkNotFound }
        for row in rows {
            try ctx.db.execute(sql: "DELETE FROM ldap_group_links WHERE id = ?", arguments: [(try row.column("id") as Int64)])
            try ctx.audit("ldap_group_link.destroy", "Group", id: group.id, path: group.fullPath, changes: [
                .init(attribute: column, old: .string(value), new: .null), .init(attribute: "provider", old: .string(try row.column("provider")), new: .null),
            ])
        }
    }
}
