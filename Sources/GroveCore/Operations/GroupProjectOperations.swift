import GroveFormats
/// A group's projects and the projects shared with it.
enum GroupProjectOperations: OperationModule {
    static func register(into registry: OperationRegistry) {
        registry.add(OperationDescriptor("groups.projects", "GET", "/groups/:id/projects",
                                         example: "for p in groups.projects(\"platform\", {include_subgroups = true, archived = false}) do print(p.path_with_namespace) end", result: ResultShapes.project, summary: "List a group's projects", pagination: .offset, params: [
            ParamSpec("id", .idOrPath, required: true, "The ID or URL-encoded path of the group"),
        ] + GroupParams.projectsFilters + [
            ParamSpec("owned", .boolean, "Limit by projects owned by the current user"),
            ParamSpec("topic", .string, "Return projects matching the topic (comma-separated: all must match)"),
            ParamSpec("with_shared", .boolean, default: true, "Include projects shared to this group. Default is true"),
            ParamSpec("include_subgroups", .boolean, default: false, "Include projects in subgroups of this group. Default is false"),
            ParamSpec("with_security_reports", .boolean, default: false, "Return only projects that have security reports artifacts present in any of their builds."),
        ])) { ctx, p in
            let group = try ctx.findGroup(p["id"])
            let (projects, page) = try ProjectFinder(ctx).list(.group(group, includeSubgroups: p.bool("include_subgroups") ?? false,
                                                                      withShared: p.bool("with_shared") ?? true), p)
            return try render(ctx, projects, page, p)
        }
        registry.add(OperationDescriptor("groups.shared_projects", "GET", "/groups/:id/projects/shared", result: ResultShapes.project, summary: "List a group's shared projects", pagination: .offset, params: [
            ParamSpec("id", .idOrPath, required: true, "The ID or URL-encoded path of the group"),
        ] + GroupParams.projectsFilters)) { ctx, p in
            let group = try ctx.findGroup(p["id"])
            let (projects, page) = try ProjectFinder(ctx).list(.sharedWith(group), p)
            return try render(ctx, projects, page, p)
        }
    }

    static func render(_ ctx: OperationContext, _ projects: [ProjectRecord], _ page: PageInfo, _ p: Params) throws -> OperationResult {
        // Anonymous callers always get the simple shape (seed: "a no-op without authentication").
        let simple = p.bool("simple") == true || ctx.caller.isAnonymous
        let presenter = ProjectListPresenter(shape: simple ? .simple(ProjectFields(ctx: ctx)) : .entity(try .reading(ctx, projects)),
                                             customAttributes: p.bool("with_custom_attributes") == true && ctx.caller.isAdmin)
        return .list(projects, page: page, p, presenter)
    }
}

/// Provisioned users and group users (SAML users, service accounts).
enum GroupUserOperations: OperationModule {
    static func register(into registry: OperationRegistry) {
        registry.add(OperationDescriptor("groups.provisioned_users", "GET", "/groups/:id/provisioned_users", result: ResultShapes.userPublic, summary: "List users provisioned by a group (Maintainer or above)", pagination: .offset, params: [
            ParamSpec("id", .idOrPath, required: true, "ID or URL-encoded path of the group"),
            ParamSpec("username", .string, "Return single user with a specific username"),
            ParamSpec("search", .string, "Search users by name, email, username"),
            ParamSpec("active", .boolean, "Return only active users"),
            ParamSpec("blocked", .boolean, "Return only blocked users"),
            ParamSpec("created_after", .dateTime, "Return users created after the specified time"),
            ParamSpec("created_before", .dateTime, "Return users created before the specified time"),
        ])) { ctx, p in
            let group = try ctx.group(p["id"], may: .maintainerAccess)
            return try users(ctx, .provisionedBy(group), p)
        }
        registry.add(OperationDescriptor("groups.users", "GET", "/groups/:id/users", result: ResultShapes.userPublic, summary: "List users related to a top-level group (Owner): SAML users and service accounts", pagination: .offset,
                                         params: [
            ParamSpec("id", .idOrPath, required: true, "ID or URL-encoded path of the group."),
            ParamSpec("include_saml_users", .boolean, "Include users with a SAML identity. Either this value or include_service_accounts must be true."),
            ParamSpec("include_service_accounts", .boolean, "Include service account users. Either this value or include_saml_users must be true."),
            ParamSpec("search", .string, "Search users by name, email, username."),
        ])) { ctx, p in
            let group = try ctx.group(p["id"], may: .adminGroup)
            let saml = p.bool("include_saml_users") == true, service = p.bool("include_service_accounts") == true
            guard saml || service else { throw APIError.badRequest("At least one of include_saml_users and include_service_accounts must be true") }
            return try users(ctx, .relatedTo(group, samlUsers: saml, serviceAccounts: service), p)
        }
    }

    static func users(_ ctx: OperationContext, _ scope: UserFinder.Scope, _ p: Params) throws -> OperationResult {
        let (rows, page) = try UserFinder(ctx: ctx).list(scope, p)
        let presenter = UserPresenter(ctx: ctx)
        return OperationResult(status: 200, body: .array(rows.map(presenter.full)), page: page)
    }
}
