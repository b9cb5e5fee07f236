import GroveFormats
import GRDB

/// Users (administrators manage them; anyone signed in may look one up).
enum UserOperations: OperationModule {
    static func register(into registry: OperationRegistry) {
        registry.describe(module: "users", "Users of the instance")
        registry.add(OperationDescriptor("users.create", "POST", "/users",
                                         example: "users.create{username = \"alice\", name = \"Alice\", email = \"alice@example.com\"}", summary: "Create a user (administrators)", params: [
            ParamSpec("username", .string, required: true, "Username; shares the top-level namespace with group paths"),
            ParamSpec("email", .string, required: true, "Email address"),
            ParamSpec("name", .string, "Display name (defaults to username)"),
            ParamSpec("admin", .boolean, "Instance administrator"),
            ParamSpec("external", .boolean, "External user (sees public groups only)"),
            ParamSpec("can_create_group", .boolean, default: true, "May create top-level groups"),
            ParamSpec("bot", .boolean, "Bot user"),
            ParamSpec("service_account", .boolean, "Service account user"),
            ParamSpec("state", .enumeration(["active", "blocked"]), "User state (default active)"),
            ParamSpec("provisioned_by_group_id", .idOrPath, "Group that provisioned this user"),
            ParamSpec("saml_group_id", .idOrPath, "Top-level group whose SAML identity the user has"),
        ])) { ctx, p in
            .ok(try UserPresenter(ctx: ctx).admin(try UserService(ctx).create(p)), status: 201)
        }
        registry.add(OperationDescriptor("users.update", "PUT", "/users/:id", summary: "Update a user (administrators)", params: [
            ParamSpec("id", .idOrPath, required: true, "User ID or username"),
            ParamSpec("name", .string, "Display name"),
            ParamSpec("email", .string, "Email address"),
            ParamSpec("admin", .boolean, "Instance administrator"),
            ParamSpec("external", .boolean, "External user"),
            ParamSpec("can_create_group", .boolean, "May create top-level groups"),
            ParamSpec("state", .enumeration(["active", "blocked"]), "User state"),
        ])) { ctx, p in
            let service = UserService(ctx)
            return .ok(try UserPresenter(ctx: ctx).admin(try service.update(try service.findUser(p["id"]), p)))
        }
        registry.add(OperationDescriptor("users.current", "GET", "/user", example: "print(users.current().username)", scope: .readUser,
                                         summary: "The user the caller is signed in as (the sudo user during sudo)", params: [])) { ctx, _ in
            guard let user = ctx.caller.user else { throw APIError.unauthorized }
            // `UserWithAdmin` for administrators, `UserPublic` for others.
            return .ok(ctx.caller.isAdmin ? try UserPresenter(ctx: ctx).admin(user) : UserPresenter(ctx: ctx).current(user))
        }
        registry.add(OperationDescriptor("users.get", "GET", "/users/:id", scope: .readUser, summary: "Get a user by ID or username", params: [
            ParamSpec("id", .idOrPath, required: true, "User ID or username"),
        ])) { ctx, p in
            let user = try UserService(ctx).findUser(p["id"])
            let presenter = UserPresenter(ctx: ctx)
            // `UserDetailsWithAdmin` for administrators, `User` for others.
            return .ok(ctx.caller.isAdmin ? try presenter.admin(user) : presenter.profile(user))
        }
        registry.add(OperationDescriptor("users.list", "GET", "/users", scope: .readUser, summary: "List users", pagination: .offset, params: [
            ParamSpec("username", .string, "Return single user with a specific username"),
            ParamSpec("search", .string, "Search users by name, email, username"),
            ParamSpec("active", .boolean, "Return only active users"),
            ParamSpec("blocked", .boolean, "Return only blocked users"),
        ])) { ctx, p in
            var f = QueryFilter()
            GroupUserOperations.addUserFilters(&f, p)
            let (rows, page): ([UserRecord], PageInfo) = try Paginator.offset(ctx.db, select: "SELECT u.* FROM users u", filter: f, order: ListOrder([.asc("u.id")]), params: p, countFrom: "FROM users u")
            let presenter = UserPresenter(ctx: ctx)
            // `UserWithAdmin` for administrators, `UserBasic` for others.
            return OperationResult(status: 200, body: .array(try rows.map { ctx.caller.isAdmin ? try presenter.admin($0) : presenter.basic($0) }), page: page)
        }
        registry.add(OperationDescriptor("users.memberships", "GET", "/users/:id/memberships",
                                         example: "for _, m in ipairs(users.memberships(users.list{username = \"alice\"}:first(1)[1].id, {type = \"Namespace\"})) do print(m.source_name, m.access_level) end",
                                         summary: "A user's group and project memberships (administrators)", pagination: .offset, params: [
            ParamSpec("id", .integer, required: true, "The ID of the user"),
            ParamSpec("type", .enumeration(["Project", "Namespace"]), "Only memberships of projects or of groups"),
        ])) { ctx, p in
            try NamespaceOperations.requireSignedIn(ctx)
            try ctx.requireAdmin()
            guard let user = try UserRecord.find(ctx.db, id: try p.required.int("id")) else { throw APIError.notFound("User") }
            // Groups are Grove's only member sources: Project memberships are none.
            var f = QueryFilter()
            f.add("m.user_id = ?", [user.id])
            if p.string("type") == "Project" { f.add("0") }
            let from = "FROM members m JOIN namespaces n ON n.id = m.group_id"
            let (rows, page): ([Row], PageInfo) = try Paginator.offset(ctx.db, select: "SELECT m.id, m.group_id, n.name, m.access_level \(from)", filter: f,
                                                                       order: ListOrder([.asc("m.id")]), params: p, countFrom: from)
            return OperationResult(status: 200, body: .array(try rows.map { row in
                .object([("source_id", .int(try row.column("group_id") as Int64)), ("source_name", .string(try row.column("name"))), ("source_type", "Namespace"),
                         ("access_level", .int(try row.column("access_level") as Int64))])
            }), page: page)
        }
    }
}

/// Group memberships (`/groups/:id/members`).
enum MemberOperations: OperationModule {
    static func register(into registry: OperationRegistry) {
        registry.describe(module: "members", "Group memberships and access levels")
        let id = ParamSpec("id", .idOrPath, required: true, "The ID or URL-encoded path of the group")
        let userId = ParamSpec("user_id", .idOrPath, required: true, "The user ID or username of the member")
        registry.add(OperationDescriptor("groups.members.list", "GET", "/groups/:id/members", lua: "members.list", summary: "List direct members of a group", pagination: .offset, params: [
            id, ParamSpec("query", .string, "Filter by name or username"),
        ])) { ctx, p in
            let group = try ctx.findGroup(p["id"])
            var f = QueryFilter()
            f.add("m.group_id = ?", [group.id])
            if let q = p.string("query"), !q.isEmpty { f.add("(u.username LIKE ? OR u.name LIKE ?)", ["%\(q)%", "%\(q)%"]) }
            let (rows, page): ([Row], PageInfo) = try Paginator.offset(ctx.db, select: "SELECT m.*, u.username, u.name, u.state FROM members m JOIN users u ON u.id = m.user_id",
                                                                       filter: f, order: ListOrder([.asc("m.id")]), params: p, countFrom: "FROM members m JOIN users u ON u.id = m.user_id")
            let service = UserService(ctx)
            return OperationResult(status: 200, body: .array(try rows.map(service.memberJSON)), page: page)
        }
        registry.add(OperationDescriptor("groups.members.get", "GET", "/groups/:id/members/:user_id", lua: "members.get",
                                         example: "print(members.get(\"platform\", \"alice\").access_level)",
                                         summary: "A direct member of a group", params: [id, userId])) { ctx, p in
            let group = try ctx.findGroup(p["id"])
            let user = try UserService(ctx).findUser(p["user_id"])
            // lib/api/members.rb: `members.find_by!(user_id:)`, whose RecordNotFound API::API renders as "404 Not found".
            guard let row = try Row.fetchOne(ctx.db, sql: memberSQL, arguments: [group.id, user.id]) else { throw APIError.api("404 Not found", status: 404) }
            return .ok(try UserService(ctx).memberJSON(row))
        }
        registry.add(OperationDescriptor("groups.members.add", "POST", "/groups/:id/members", lua: "members.add",
                                         example: "members.add(\"platform\", {user_id = users.list{username = \"alice\"}:first(1)[1].id, access_level = 40})", summary: "Add a member to a group (Owner)", params: [
            id, userId,
            ParamSpec("access_level", .integerEnumeration(AccessLevel.allValues), required: true, "Role: 10 Guest, 15 Planner, 20 Reporter, 30 Developer, 40 Maintainer, 50 Owner"),
            ParamSpec("expires_at", .date, "Membership expiry date YYYY-MM-DD"),
        ])) { ctx, p in
            let group = try ctx.findGroup(p["id"])
            let service = UserService(ctx)
            let user = try service.findUser(p["user_id"])
            try service.addMember(group, user: user, level: try p.required.int("access_level"), expiresAt: p.string("expires_at"))
            return .ok(try member(ctx, group, user), status: 201)
        }
        registry.add(OperationDescriptor("groups.members.update", "PUT", "/groups/:id/members/:user_id", lua: "members.update", summary: "Change a member's role or expiry (Owner)", params: [
            id, userId,
            ParamSpec("access_level", .integerEnumeration(AccessLevel.allValues), "New role"),
            ParamSpec("expires_at", .date, "Membership expiry date YYYY-MM-DD (null clears it)"),
        ])) { ctx, p in
            let group = try ctx.findGroup(p["id"])
            let service = UserService(ctx)
            let user = try service.findUser(p["user_id"])
            try service.updateMember(group, user: user, level: p.int("access_level"), expiresAt: p["expires_at"])
            return .ok(try member(ctx, group, user))
        }
        registry.add(OperationDescriptor("groups.members.remove", "DELETE", "/groups/:id/members/:user_id", lua: "members.remove", summary: "Remove a member (Owner, or the member themself)", success: 204, params: [id, userId])) { ctx, p in
            let group = try ctx.findGroup(p["id"])
            let service = UserService(ctx)
            try service.removeMember(group, user: try service.findUser(p["user_id"]))
            return .noContent
        }
        let allParams = [id, ParamSpec("query", .string, "Filter by name or username"),
                         ParamSpec("user_ids", .integerArray, "Only these users")]
        registry.add(OperationDescriptor("groups.members.all", "GET", "/groups/:id/members/all", lua: "members.list_all",
                                         example: "for _, m in ipairs(members.list_all(\"platform/api\")) do print(m.username, m.access_level) end",
                                         summary: "Members of a group with those inherited from ancestors and shared from other groups", pagination: .offset,
                                         params: allParams)) { ctx, p in
            let (rows, page) = try GroupMembersFinder(ctx: ctx).list(try ctx.findGroup(p["id"]), p)
            let service = UserService(ctx)
            return OperationResult(status: 200, body: .array(try rows.map(service.memberJSON)), page: page)
        }
        registry.add(OperationDescriptor("groups.members.all.get", "GET", "/groups/:id/members/all/:user_id", lua: "members.get_all",
                                         example: "print(members.get_all(\"platform/api\", users.list{username = \"alice\"}:first(1)[1].id).access_level)",
                                         summary: "A member of a group, inherited or shared membership included", params: [
            id, ParamSpec("user_id", .integer, required: true, "The user ID of the member"),
        ])) { ctx, p in
            let group = try ctx.findGroup(p["id"])
            // `find_by!(user_id:)`: RecordNotFound, rendered "404 Not found".
            guard let row = try GroupMembersFinder(ctx: ctx).member(group, userId: try p.required.int("user_id")) else {
                throw APIError.api("404 Not found", status: 404)
            }
            return .ok(try UserService(ctx).memberJSON(row))
        }
    }

    static let memberSQL = "SELECT m.*, u.username, u.name, u.state FROM members m JOIN users u ON u.id = m.user_id WHERE m.group_id = ? AND m.user_id = ?"

    static func member(_ ctx: OperationContext, _ group: GroupRecord, _ user: UserRecord) throws -> JSONValue {
        let row = try readBack(Row.fetchOne(ctx.db, sql: memberSQL, arguments: [group.id, user.id]))
        return try UserService(ctx).memberJSON(row)
    }
}

/// Instance settings and the audit log (administrators).
enum InstanceOperations: OperationModule {
    static func register(into registry: OperationRegistry) {
        registry.describe(module: "settings", "Instance settings")
        registry.describe(module: "audit", "What was changed, by whom and when")
        registry.add(OperationDescriptor("settings.get", "GET", "/application/settings", summary: "Instance settings that group rules read (administrators)", params: [])) { ctx, _ in
            try ctx.requireAdmin()
            return .ok(try ctx.settings.json)
        }
        registry.add(OperationDescriptor("settings.update", "PUT", "/application/settings", summary: "Change instance settings (administrators)", params: [
            ParamSpec("deletion_adjourned_period", .integer, "Days before a group marked for deletion is purged (1-90)"),
            ParamSpec("default_group_visibility", GroupParams.visibility, "Visibility of new groups when none is given"),
            ParamSpec("restricted_visibility_levels", .stringArray, "Levels non-administrators may not use"),
            ParamSpec("ldap_enabled", .boolean, "LDAP is configured (off by default; POST /groups/:id/ldap_sync answers 404 without it)"),
        ])) { ctx, p in
            try ctx.requireAdmin()
            let old = try ctx.settings.json
            if let days = p.int("deletion_adjourned_period"), !(1...90).contains(days) {
                throw APIError.validation(FieldErrors("deletion_adjourned_period", "must be between 1 and 90"))
            }
            let levels = p.stringArray("restricted_visibility_levels")
            if levels.contains(where: { Visibility(name: $0) == nil }) { throw APIError.grape("restricted_visibility_levels does not have a valid value") }
            var changes: [AuditEvent.Change] = []
            for key in InstanceSettings.keys {
                guard let v = p[key] else { continue }
                let text = v.arrayValue.map { $0.compactMap(\.stringValue).joined(separator: ",") } ?? v.stringValue ?? v.intValue.map(String.init)
                    ?? v.boolValue.map { $0 ? "true" : "false" } ?? ""
                try ctx.db.execute(sql: "INSERT INTO instance_settings (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value", arguments: [key, text])
                changes.append(.init(attribute: key, old: old[key] ?? .null, new: v))
            }
            try ctx.audit("settings.update", "Instance", id: nil, path: nil, changes: changes)
            return .ok(try InstanceSettings.load(ctx.db).json)
        }
        registry.add(OperationDescriptor("audit_events.list", "GET", "/audit_events", lua: "audit.list",
                                         example: "for _, e in ipairs(audit.list{order = \"desc\", limit = 5}) do print(e.action, e.entity_path) end   -- the latest five",
                                         summary: "Audit events, oldest first unless order = \"desc\" (administrators)", params: [
            ParamSpec("after_id", .integer, "Only events with a greater id"),
            ParamSpec("created_after", .dateTime, "Only events at or after this time"),
            ParamSpec("order", .enumeration(["asc", "desc"]), default: "asc", "Oldest first (asc) or newest first (desc)"),
            ParamSpec("limit", .integer, default: 1000, "At most this many events"),
        ])) { ctx, p in
            try ctx.requireAdmin()
            let events = try AuditLog.events(ctx.db, afterId: p.int("after_id"), since: p.int("created_after"), newestFirst: p.string("order") == "desc",
                                             limit: Int(p.int("limit") ?? 1000))
            return .ok(.array(events.map(\.json)))
        }
    }
}
