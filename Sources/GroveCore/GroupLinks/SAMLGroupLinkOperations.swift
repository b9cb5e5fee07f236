import GroveFormats
import GRDB

/// `ee/lib/api/saml_group_links.rb`: owners manage SAML group links; without
/// `admin_saml_group_links` the answer is 401.
enum SAMLGroupLinkOperations: OperationModule {
    static let id = ParamSpec("id", .idOrPath, required: true, "ID or URL-encoded path of the group")
    static let name = ParamSpec("saml_group_name", .string, required: true, "Name of a SAML group")
    static let provider = ParamSpec("provider", .string, "Unique provider name; needed when several links share the name")

    static func group(_ ctx: OperationContext, _ ref: JSONValue?) throws -> GroupRecord {
        let group = try ctx.findGroup(ref)
        guard try ctx.access.isOwner(group) else { throw APIError.unauthorized }
        return group
    }

    static func json(_ row: Row) throws -> JSONValue {
        .object([("name", .string(try row.column("saml_group_name"))), ("access_level", .int(try row.column("access_level") as Int64)),
                 ("member_role_id", (try row.column("member_role_id") as Int64?).json), ("provider", (try row.column("provider") as String?).json)])
    }

    /// The one link of that name (and provider); several without a provider is 422.
    static func find(_ ctx: OperationContext, _ group: GroupRecord, _ p: Params) throws -> Row {
        var sql = "SELECT * FROM saml_group_links WHERE group_id = ? AND saml_group_name = ?"
        var args: [any DatabaseValueConvertible] = [group.id, try p.required.string("saml_group_name")]
        if let provider = p.string("provider") { sql += " AND provider = ?"; args.append(provider) }
        let rows = try Row.fetchAll(ctx.db, sql: sql, arguments: StatementArguments(args))
        if rows.count > 1 {
            throw APIError.api("Multiple group links found with the same name. Please specify a provider parameter to disambiguate.", status: 422)
        }
        guard let row = rows.first else { throw APIError.notFound() }
        return row
    }

    static func register(into registry: OperationRegistry) {
        registry.describe(module: "saml_links", "SAML group links")
        registry.add(OperationDescriptor("groups.saml_group_links.list", "GET", "/groups/:id/saml_group_links", lua: "saml_links.list", summary: "List SAML group links (Owner)", params: [id])) { ctx, p in
            let group = try group(ctx, p["id"])
            return .ok(.array(try Row.fetchAll(ctx.db, sql: "SELECT * FROM saml_group_links WHERE group_id = ? ORDER BY id", arguments: [group.id]).map(json)))
        }
        registry.add(OperationDescriptor("groups.saml_group_links.get", "GET", "/groups/:id/saml_group_links/:saml_group_name", lua: "saml_links.get", summary: "Get a SAML group link (Owner)",
                                         params: [id, name, provider])) { ctx, p in
            .ok(try json(try find(ctx, try group(ctx, p["id"]), p)))
        }
        registry.add(OperationDescriptor("groups.saml_group_links.create", "POST", "/groups/:id/saml_group_links", lua: "saml_links.add", summary: "Add a SAML group link (Owner)", params: [
            id,
            ParamSpec("saml_group_name", .string, required: true, "Name of a SAML group"),
            ParamSpec("access_level", .integerEnumeration(AccessLevel.allValues), required: true, "Role (access_level) for members of the SAML group"),
            ParamSpec("member_role_id", .integer, "Member Role ID (member_role_id) for members of the SAML group"),
            provider,
        ])) { ctx, p in
            let group = try group(ctx, p["id"])
            let groupName = try p.required.string("saml_group_name")
            var errors: [String] = []
            if groupName.isEmpty { errors.append("Saml group name can't be blank") }
            if groupName.count > 255 { errors.append("Saml group name is too long (maximum is 255 characters)") }
            if try Bool.fetchOne(ctx.db, sql: "SELECT EXISTS (SELECT 1 FROM saml_group_links WHERE group_id = ? AND saml_group_name = ? AND provider IS ?)",
                                 arguments: [group.id, groupName, p.string("provider")]) ?? false {
                errors.append("Saml group name has already been taken")
            }
            if !errors.isEmpty { throw APIError.api(errors.joined(separator: ","), status: 400) }
            try ctx.db.execute(sql: "INSERT INTO saml_group_links (group_id, saml_group_name, access_level, member_role_id, provider, created_at) VALUES (?, ?, ?, ?, ?, ?)",
                               arguments: [group.id, groupName, try p.required.int("access_level"), p.int("member_role_id"), p.string("provider"), ctx.now])
            let row = try readBack(Row.fetchOne(ctx.db, sql: "SELECT * FROM saml_group_links WHERE id = ?", arguments: [ctx.db.lastInsertedRowID]))
            try ctx.audit("saml_group_link.create", "Group", id: group.id, path: group.fullPath, changes: [
                .init(attribute: "saml_group_name", old: .null, new: .string(groupName)), .init(attribute: "access_level", old: .null, new: .int(try p.required.int("access_level"))),
            ])
            return .ok(try json(row), status: 201)
        }
        registry.add(OperationDescriptor("groups.saml_group_links.delete", "DELETE", "/groups/:id/saml_group_links/:saml_group_name", lua: "saml_links.delete", summary: "Delete a SAML group link (Owner)",
                                         success: 204, params: [id, name, provider])) { ctx, p in
            let group = try group(ctx, p["id"])
            let row = try find(ctx, group, p)
            try ctx.db.execute(sql: "DELETE FROM saml_group_links WHERE id = ?", arguments: [try row.column("id") as Int64])
            try ctx.audit("saml_group_link.destroy", "Group", id: group.id, path: group.fullPath, changes: [
                .init(attribute: "saml_group_name", old: .string(try row.column("saml_group_name")), new: .null),
            ])
            return .noContent
        }
    }
}
