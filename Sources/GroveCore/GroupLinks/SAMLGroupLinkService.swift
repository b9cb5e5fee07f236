import GRDB

/// A group's SAML links: GitLab's `SamlGroupLink` model and its validations.
struct SAMLGroupLinkService {
    let ctx: OperationContext
    init(_ ctx: OperationContext) { self.ctx = ctx }

    static func json(_ row: Row) throws -> JSONValue {
        .object([("name", .string(try row.column("saml_group_name"))), ("access_level", .int((try row.column("access_level") as Int64))),
                 ("member_role_id", ((try row.column("member_role_id") as Int64?)).json), ("provider", ((try row.column("provider") as String?)).json)])
    }

    func list(_ group: GroupRecord) throws -> [Row] {
        try Row.fetchAll(ctx.db, sql: "SELECT * FROM saml_group_links WHERE group_id = ? ORDER BY id", arguments: [group.id])
    }

    /// The one link of that name (and provider); several without a provider is 422.
    func find(_ group: GroupRecord, name: String, provider: String?) throws -> Row {
        var sql = "SELECT * FROM saml_group_links WHERE group_id = ? AND saml_group_name = ?"
        var args: [any DatabaseValueConvertible] = [group.id, name]
        if let provider { sql += " AND provider = ?"; args.append(provider) }
        let rows = try Row.fetchAll(ctx.db, sql: sql, arguments: StatementArguments(args))
        if rows.count > 1 {
            throw APIError.api("Multiple group links found with the same name. Please specify a provider parameter to disambiguate.", status: 422)
        }
        guard let row = rows.first else { throw APIError.notFound() }
        return row
    }

    func create(_ group: GroupRecord, name: String, access: Int64, memberRoleId: Int64?, provider: String?) throws -> Row {
        var errors: [String] = []
        if name.isEmpty { errors.append("Saml group name can't be blank") }
        if name.count > 255 { errors.append("Saml group name is too long (maximum is 255 characters)") }
        if try Bool.fetchOne(ctx.db, sql: "SELECT EXISTS (SELECT 1 FROM saml_group_links WHERE group_id = ? AND saml_group_name = ? AND provider IS ?)",
                             arguments: [group.id, name, provider]) ?? false {
            errors.append("Saml group name has already been taken")
        }
        if !errors.isEmpty { throw APIError.api(errors.joined(separator: ","), status: 400) }
        try ctx.db.execute(sql: "INSERT INTO saml_group_links (group_id, saml_group_name, access_level, member_role_id, provider, created_at) VALUES (?, ?, ?, ?, ?, ?)",
                           arguments: [group.id, name, access, memberRoleId, provider, ctx.now])
        let row = try readBack(Row.fetchOne(ctx.db, sql: "SELECT * FROM saml_group_links WHERE id = ?", arguments: [ctx.db.lastInsertedRowID]))
        try ctx.audit("saml_group_link.create", "Group", id: group.id, path: group.fullPath, changes: [
            .init(attribute: "saml_group_name", old: .null, new: .string(name)), .init(attribute: "access_level", old: .null, new: .int(access)),
        ])
        return row
    }

    func delete(_ group: GroupRecord, _ link: Row) throws {
        try ctx.db.execute(sql: "DELETE FROM saml_group_links WHERE id = ?", arguments: [(try link.column("id") as Int64)])
        try ctx.audit("saml_group_link.destroy", "Group", id: group.id, path: group.fullPath, changes: [
            .init(attribute: "saml_group_name", old: .string(try link.column("saml_group_name")), new: .null),
        ])
    }
}
