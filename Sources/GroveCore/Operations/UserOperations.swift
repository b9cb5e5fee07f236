import GroveFormats
import GRDB

/// Users (administrators manage them; anyone signed in may look one up).
enum UserOperations: OperationModule {
    static func register(into registry: OperationRegistry) {
        registry.describe(module: "users", "Users of the instance")
        registry.add(OperationDescriptor("users.create", "POST", "/users",
                                         example: "users.create{username = \"alice\", name = \"Alice\", email = \"alice@example.com\"}", result: ResultShapes.user, summary: "Create a user (administrators)", params: [
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
        registry.add(OperationDescriptor("users.update", "PUT", "/users/:id", result: ResultShapes.user, summary: "Update a user (administrators)", params: [
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
                                         result: ResultShapes.user, summary: "The user the caller is signed in as (the sudo user during sudo)", params: [])) { ctx, _ in
            guard let user = ctx.caller.user else { throw APIError.unauthorized }
            // `UserWithAdmin` for administrators, `UserPublic` for others.
            return .ok(ctx.caller.isAdmin ? try UserPresenter(ctx: ctx).admin(user) : UserPresenter(ctx: ctx).current(user))
        }
        registry.add(OperationDescriptor("users.get", "GET", "/users/:id", scope: .readUser, result: ResultShapes.user, summary: "Get a user by ID or username", params: [
            ParamSpec("id", .idOrPath, required: true, "User ID or username"),
        ])) { ctx, p in
            let user = try UserService(ctx).findUser(p["id"])
            let presenter = UserPresenter(ctx: ctx)
            // `UserDetailsWithAdmin` for administrators, `User` for others.
            return .ok(ctx.caller.isAdmin ? try presenter.admin(user) : presenter.profile(user))
        }
        registry.add(OperationDescriptor("users.list", "GET", "/users", scope: .readUser, result: ResultShapes.user, summary: "List users", pagination: .offset, params: [
            ParamSpec("username", .string, "Return single user with a specific username"),
            ParamSpec("search", .string, "Search users by name, email, username"),
            ParamSpec("active", .boolean, "Return only active users"),
            ParamSpec("blocked", .boolean, "Return only blocked users"),
        ])) { ctx, p in
            let (rows, page) = try UserFinder(ctx: ctx).list(.all, p)
            let presenter = UserPresenter(ctx: ctx)
            // `UserWithAdmin` for administrators, `UserBasic` for others.
            return OperationResult(status: 200, body: .array(try rows.map { ctx.caller.isAdmin ? try presenter.admin($0) : presenter.basic($0) }), page: page)
        }
        registry.add(OperationDescriptor("users.memberships", "GET", "/users/:id/memberships",
                                         example: "for _, m in ipairs(users.memberships(users.list{username = \"alice\"}:first(1)[1].id, {type = \"Namespace\"})) do print(m.source_name, m.access_level) end",
                                         result: ResultShapes.membership, summary: "A user's group and project memberships (administrators)", pagination: .offset, params: [
            ParamSpec("id", .integer, required: true, "The ID of the user"),
            ParamSpec("type", .enumeration(["Project", "Namespace"]), "Only memberships of projects or of groups"),
        ])) { ctx, p in
            try NamespaceOperations.requireSignedIn(ctx)
            try ctx.requireAdmin()
            guard let user = try UserRecord.find(ctx.db, id: try p.required.int("id")) else { throw APIError.notFound("User") }
            let (rows, page) = try UserFinder(ctx: ctx).memberships(user, p)
            return OperationResult(status: 200, body: .array(try rows.map { row in
                .object([("source_id", .int((try row.column("group_id") as Int64))), ("source_name", .string(try row.column("name"))), ("source_type", "Namespace"),
                         ("access_level", .int((try row.column("access_level") as Int64)))])
            }), page: page)
        }
    }
}

/// Group memberships (`/groups/:id/members`).
enum MemberOperations: OperationModule {
    static func register(into registry: OperationRegistry) {
        registry.describe(module: "members", "Group memberships and access levels")
        let id = GroupParams.id
        let userId = ParamSpec("user_id", .idOrPath, required: true, "The user ID or username of the member")
        registry.add(OperationDescriptor("groups.members.list", "GET", "/groups/:id/members", lua: "members.list", result: ResultShapes.member, summary: "List direct members of a group", pagination: .offset, params: [
            id, ParamSpec("query", .string, "Filter by name or username"),
        ])) { ctx, p in
            let (rows, page) = try UserService(ctx).directMembers(try ctx.findGroup(p["id"]), p)
            return .list(rows, page: page, p, MemberPresenter(ctx))
        }
        registry.add(OperationDescriptor("groups.members.get", "GET", "/groups/:id/members/:user_id", lua: "members.get",
                                         example: "print(members.get(\"platform\", \"alice\").access_level)",
                                         result: ResultShapes.member, summary: "A direct member of a group", params: [id, userId])) { ctx, p in
            let group = try ctx.findGroup(p["id"])
            let service = UserService(ctx)
            // lib/api/members.rb: `members.find_by!(user_id:)`, whose RecordNotFound API::API renders as "404 Not found".
            guard let row = try service.directMember(group, try service.findUser(p["user_id"])) else { throw APIError.api("404 Not found", status: 404) }
            return .ok(service.memberJSON(row))
        }
        registry.add(OperationDescriptor("groups.members.add", "POST", "/groups/:id/members", lua: "members.add",
                                         example: "members.add(\"platform\", {user_id = users.list{username = \"alice\"}:first(1)[1].id, access_level = 40})", result: ResultShapes.member, summary: "Add a member to a group (Owner)", params: [
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
        registry.add(OperationDescriptor("groups.members.update", "PUT", "/groups/:id/members/:user_id", lua: "members.update", result: ResultShapes.member, summary: "Change a member's role or expiry (Owner)", params: [
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
                                         result: ResultShapes.member, summary: "Members of a group with those inherited from ancestors and shared from other groups", pagination: .offset,
                                         params: allParams)) { ctx, p in
            let (rows, page) = try GroupMembersFinder(ctx: ctx).list(try ctx.findGroup(p["id"]), p)
            return .list(rows, page: page, p, MemberPresenter(ctx))
        }
        registry.add(OperationDescriptor("groups.members.all.get", "GET", "/groups/:id/members/all/:user_id", lua: "members.get_all",
                                         example: "print(members.get_all(\"platform/api\", users.list{username = \"alice\"}:first(1)[1].id).access_level)",
                                         result: ResultShapes.member, summary: "A member of a group, inherited or shared membership included", params: [
            id, ParamSpec("user_id", .integer, required: true, "The user ID of the member"),
        ])) { ctx, p in
            let group = try ctx.findGroup(p["id"])
            // `find_by!(user_id:)`: RecordNotFound, rendered "404 Not found".
            guard let row = try GroupMembersFinder(ctx: ctx).member(group, userId: try p.required.int("user_id")) else {
                throw APIError.api("404 Not found", status: 404)
            }
            return .ok(UserService(ctx).memberJSON(row))
        }
    }

    static func member(_ ctx: OperationContext, _ group: GroupRecord, _ user: UserRecord) throws -> JSONValue {
        let service = UserService(ctx)
        return service.memberJSON(try readBack(service.directMember(group, user)))
    }
}

/// Instance settings and the audit log (administrators).
enum InstanceOperations: OperationModule {
    static func register(into registry: OperationRegistry) {
        registry.describe(module: "settings", "Instance settings")
        registry.describe(module: "audit", "What was changed, by whom and when")
        registry.add(OperationDescriptor("settings.get", "GET", "/application/settings", result: ResultShapes.settings, summary: "Instance settings that group rules read (administrators)", params: [])) { ctx, _ in
            try ctx.requireAdmin()
            return .ok(try ctx.settings.groupRulesJSON)
        }
        let updatable = [
            ParamSpec("deletion_adjourned_period", .integer, default: 7, range: 1...90, "Days before a group marked for deletion is purged"),
            ParamSpec("default_group_visibility", GroupParams.visibility, "Visibility of new groups when none is given"),
            ParamSpec("restricted_visibility_levels", .stringArray, "Levels non-administrators may not use"),
            ParamSpec("ldap_enabled", .boolean, "LDAP is configured (off by default; POST /groups/:id/ldap_sync answers 404 without it)"),
        ]
        registry.add(OperationDescriptor("settings.update", "PUT", "/application/settings", result: ResultShapes.settings, summary: "Change instance settings (administrators)",
                                         params: updatable)) { ctx, p in
            .ok(try InstanceSettingsService(ctx).update(p, declared: updatable, shown: \.groupRulesJSON))
        }
        registry.add(OperationDescriptor("audit_events.list", "GET", "/audit_events", lua: "audit.list",
                                         example: "for _, e in ipairs(audit.list{order = \"desc\"}:first(5)) do print(e.action, e.entity_path) end   -- the latest five",
                                         result: ResultShapes.auditEvent, summary: "Audit events, oldest first unless order = \"desc\" (administrators)", pagination: .offset, params: [
            ParamSpec("after_id", .integer, "Only events with a greater id"),
            ParamSpec("created_after", .dateTime, "Only events at or after this time"),
            ParamSpec("created_before", .dateTime, "Only events at or before this time"),
            ParamSpec("order", .enumeration(["asc", "desc"]), default: "asc", "Oldest first (asc) or newest first (desc)"),
        ])) { ctx, p in
            try ctx.requireAdmin()
            let (events, page) = try AuditLog.list(ctx.db, p)
            return OperationResult(status: 200, body: .array(events.map(\.json)), page: page)
        }
    }
}
