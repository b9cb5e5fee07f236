import GroveFormats
import GRDB

/// `ee/lib/api/ldap_group_links.rb` and `POST /groups/:id/ldap_sync` (owners).
enum LDAPGroupLinkOperations: OperationModule {
    static let id = ParamSpec("id", .idOrPath, required: true, "The ID or URL-encoded path of the group")
    static let linkNotFound = APIError.api("Linked LDAP group not found", status: 404)

    /// `find_group` without the bang: a missing or unreadable group fails the owner check (403).
    static func group(_ ctx: OperationContext, _ ref: JSONValue?) throws -> GroupRecord {
        guard let ref, let group = try ctx.lookupGroup(ref), try ctx.access.canRead(group), try ctx.access.isOwner(group) else { throw APIError.forbidden() }
        return group
    }

    static func json(_ row: Row) throws -> JSONValue {
        .object([("cn", (try row.column("cn") as String?).json), ("group_access", .int(try row.column("group_access") as Int64)),
                 ("provider", .string(try row.column("provider"))), ("filter", (try row.column("filter") as String?).json)])
    }

    static func register(into registry: OperationRegistry) {
        registry.describe(module: "ldap_links", "LDAP group links and sync")
        registry.add(OperationDescriptor("groups.ldap_group_links.list", "GET", "/groups/:id/ldap_group_links", lua: "ldap_links.list", summary: "List LDAP group links (Owner)", params: [id])) { ctx, p in
            let group = try group(ctx, p["id"])
            let rows = try Row.fetchAll(ctx.db, sql: "SELECT * FROM ldap_group_links WHERE group_id = ? ORDER BY id", arguments: [group.id])
            if rows.isEmpty { throw APIError.api("No linked LDAP groups found", status: 404) }
            return .ok(.array(try rows.map(json)))
        }
        registry.add(OperationDescriptor("groups.ldap_group_links.create", "POST", "/groups/:id/ldap_group_links", lua: "ldap_links.add", summary: "Add an LDAP group link with a CN or a filter (Owner)",
                                         exactlyOneOf: [["cn", "filter"]], params: [
            id,
            ParamSpec("cn", .string, "The CN of an LDAP group"),
            ParamSpec("filter", .string, "The LDAP filter for the group"),
            ParamSpec("group_access", .integerEnumeration(AccessLevel.allValues), required: true, "Role (access_level) for members of the LDAP group"),
            ParamSpec("provider", .string, required: true, "LDAP provider for the LDAP group link"),
        ])) { ctx, p in
            let group = try group(ctx, p["id"])
            let (column, value) = try p.required.oneOf(["cn", "filter"])
            let provider = try p.required.string("provider")
            if try Bool.fetchOne(ctx.db, sql: "SELECT EXISTS (SELECT 1 FROM ldap_group_links WHERE group_id = ? AND provider = ? AND \(column) = ?)",
                                 arguments: [group.id, provider, value]) ?? false {
                throw APIError.api(column == "cn" ? "Cn has already been taken" : "Filter has already been taken", status: 409)
            }
            let access = try p.required.int("group_access")
            try ctx.db.execute(sql: "INSERT INTO ldap_group_links (group_id, cn, filter, group_access, provider, created_at) VALUES (?, ?, ?, ?, ?, ?)",
                               arguments: [group.id, column == "cn" ? value : nil, column == "filter" ? value : nil, access, provider, ctx.now])
            guard let row = try Row.fetchOne(ctx.db, sql: "SELECT * FROM ldap_group_links WHERE id = ?", arguments: [ctx.db.lastInsertedRowID]) else {
                throw APIError.internalError("the new LDAP group link could not be read back")
            }
            try ctx.audit("ldap_group_link.create", "Group", id: group.id, path: group.fullPath, changes: [
                .init(attribute: column, old: .null, new: .string(value)), .init(attribute: "provider", old: .null, new: .string(provider)),
                .init(attribute: "group_access", old: .null, new: .int(access)),
            ])
            return .ok(try json(row), status: 201)
        }
        let deleteParams = [
            ParamSpec("cn", .string, "The CN of an LDAP group"), ParamSpec("filter", .string, "The LDAP filter for the group"),
            ParamSpec("provider", .string, required: true, "LDAP provider for the LDAP group link"),
        ]
        registry.add(OperationDescriptor("groups.ldap_group_links.delete", "DELETE", "/groups/:id/ldap_group_links", lua: "ldap_links.delete",
                                         summary: "Delete an LDAP group link by CN or filter for a provider (Owner)", success: 204,
                                         exactlyOneOf: [["cn", "filter"]], params: [id] + deleteParams)) { ctx, p in
            let group = try group(ctx, p["id"])
            let (column, value) = try p.required.oneOf(["cn", "filter"])
            try remove(ctx, group, column: column, value: value, provider: p.string("provider"))
            return .noContent
        }
        registry.add(OperationDescriptor("groups.ldap_group_links.delete_cn", "DELETE", "/groups/:id/ldap_group_links/:cn", lua: "ldap_links.delete_cn",
                                         summary: "Delete an LDAP group link by CN, any provider (Owner; deprecated)", success: 204, params: [
            id, ParamSpec("cn", .string, required: true, "The CN of an LDAP group"),
            ParamSpec("provider", .string, "LDAP provider (DELETE /ldap_group_links/:provider/:cn)"),
        ])) { ctx, p in
            try remove(ctx, try group(ctx, p["id"]), column: "cn", value: try p.required.string("cn"), provider: p.string("provider"))
            return .noContent
        }
        registry.add(OperationDescriptor("groups.ldap_sync", "POST", "/groups/:id/ldap_sync", lua: "ldap_links.sync", summary: "Sync the group with its linked LDAP groups (Owner; LDAP enabled in settings)", success: 202, params: [id])) { ctx, p in
            // `not_found! unless Gitlab::Auth::Ldap::Config.group_sync_enabled?`, before the group is looked up.
            guard try ctx.settings.ldapEnabled else { throw APIError.notFound() }
            let group = try ctx.findGroup(p["id"])
            guard try ctx.access.isOwner(group) else { throw APIError.forbidden() }
            let links = try Int.fetchOne(ctx.db, sql: "SELECT COUNT(*) FROM ldap_group_links WHERE group_id = ?", arguments: [group.id]) ?? 0
            try ctx.audit("group.ldap_sync", "Group", id: group.id, path: group.fullPath, changes: [.init(attribute: "ldap_group_links", old: .null, new: .int(links))])
            return .accepted
        }
    }

    static func remove(_ ctx: OperationContext, _ group: GroupRecord, column: String, value: String, provider: String?) throws {
        var sql = "SELECT * FROM ldap_group_links WHERE group_id = ? AND \(column) = ?"
        var args: [any DatabaseValueConvertible] = [group.id, value]
        if let provider { sql += " AND provider = ?"; args.append(provider) }
        let rows = try Row.fetchAll(ctx.db, sql: sql, arguments: StatementArguments(args))
        if rows.isEmpty { throw linkNotFound }
        for row in rows {
            try ctx.db.execute(sql: "DELETE FROM ldap_group_links WHERE id = ?", arguments: [try row.column("id") as Int64])
            try ctx.audit("ldap_group_link.destroy", "Group", id: group.id, path: group.fullPath, changes: [
                .init(attribute: column, old: .string(value), new: .null), .init(attribute: "provider", old: .string(try row.column("provider")), new: .null),
            ])
        }
    }
}
