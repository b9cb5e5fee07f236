/// The project operations the group features rely on.
enum ProjectOperations: OperationModule {
    static let id = ParamSpec("id", .idOrPath, required: true, "The ID or URL-encoded path of the project")
    static let features = ProjectFeatures.names.map { ParamSpec($0, .boolean, "Enable or disable the feature") }

    static func register(into registry: OperationRegistry) {
        registry.describe(module: "projects", "Projects in groups (what group operations need)")
        registry.add(OperationDescriptor("projects.create", "POST", "/projects",
                                         example: "projects.create{namespace_id = \"platform/api\", path = \"gateway\", visibility = \"internal\"}", result: ResultShapes.project, summary: "Create a project in a group", atLeastOneOf: [["name", "path"]], params: [
            ParamSpec("name", .string, "The name of the project (defaults to path)"),
            ParamSpec("path", .string, "Repository name for the project (defaults to name, lowercased)"),
            ParamSpec("namespace_id", .idOrPath, required: true, "The group (ID or full path) to create the project in"),
            ParamSpec("description", .string, "Short project description"),
            ParamSpec("visibility", GroupParams.visibility, "private, internal or public (default private)"),
            ParamSpec("topics", .stringArray, "The list of topics for the project"),
            ParamSpec("default_branch", .string, "The default branch name"),
            ParamSpec("archived", .boolean, "Create the project archived"),
        ] + features)) { ctx, p in
            let project = try ProjectService(ctx).create(p)
            return .ok(try ProjectPresenter.entity(ctx, project), status: 201)
        }
        registry.add(OperationDescriptor("projects.list", "GET", "/projects",
                                         example: "for p in projects.list{search = \"api\", order_by = \"name\", sort = \"asc\"} do print(p.path_with_namespace) end",
                                         result: ResultShapes.project, summary: "List the projects the caller can see", pagination: .offset,
                                         params: GroupParams.projectsFilters + [
            ParamSpec("owned", .boolean, "Limit by projects owned by the current user"),
            ParamSpec("topic", .string, "Return projects matching the topic (comma-separated: all must match)"),
        ])) { ctx, p in
            let (projects, page) = try ProjectFinder(ctx).list(.all, p)
            // `present_projects`: ProjectWithAccess when signed in, BasicProjectDetails for simple=true or anonymous.
            let simple = p.bool("simple") == true || ctx.caller.isAnonymous
            let presenter = ProjectListPresenter(shape: simple ? .simple(ProjectFields(ctx: ctx)) : .entity(try .reading(ctx, projects, withAccess: true)))
            return .list(projects, page: page, p, presenter)
        }
        registry.add(OperationDescriptor("projects.get", "GET", "/projects/:id", result: ResultShapes.project, summary: "Get a project", params: [id])) { ctx, p in
            // `current_user ? ProjectWithAccess : ProjectDetails` (BasicProjectDetails when anonymous, as older GitLab).
            let project = try ProjectFinder(ctx).find(p["id"])
            return .ok(ctx.caller.isAnonymous ? ProjectFields(ctx: ctx).simple(project) : try ProjectPresenter.entity(ctx, project, withAccess: true))
        }
        registry.add(OperationDescriptor("projects.update", "PUT", "/projects/:id", result: ResultShapes.project, summary: "Update a project (Maintainer or above; statistics: administrators)", params: [
            id,
            ParamSpec("name", .string, "The name of the project"),
            ParamSpec("description", .string, "Short project description"),
            ParamSpec("visibility", GroupParams.visibility, "private, internal or public"),
            ParamSpec("archived", .boolean, "Archive or unarchive the project"),
            ParamSpec("topics", .stringArray, "The list of topics for the project"),
        ] + features + ProjectService.statisticsColumns.map { ParamSpec($0, .integer, "Storage statistic in bytes (administrators; for group statistics)") })) { ctx, p in
            let project = try ProjectService(ctx).update(try ProjectFinder(ctx).find(p["id"]), p)
            return .ok(try ProjectPresenter.entity(ctx, project))
        }
        registry.add(OperationDescriptor("projects.star", "POST", "/projects/:id/star", result: ResultShapes.project, summary: "Star a project (304 when already starred)",
                                         notModifiedAnswer: "projects.get", params: [id])) { ctx, p in
            let project = try ProjectFinder(ctx).find(p["id"])
            let starred = try ProjectService(ctx).star(project)
            return .ok(try ProjectPresenter.entity(ctx, try readBack(ProjectRecord.find(ctx.db, id: project.id))), status: starred ? 201 : 304)
        }
        registry.add(OperationDescriptor("projects.share", "POST", "/projects/:id/share", result: ResultShapes.project, summary: "Share a project with a group", params: [
            id,
            ParamSpec("group_id", .idOrPath, required: true, "The ID of the group to share with"),
            ParamSpec("group_access", .integerEnumeration(AccessLevel.allValues), required: true, "The role (access_level) to grant the group"),
            ParamSpec("expires_at", .date, "Share expiration date in ISO 8601 format: 2016-09-26"),
        ])) { ctx, p in
            let project = try ProjectFinder(ctx).find(p["id"])
            try ProjectService(ctx).share(project, groupRef: p["group_id"], access: try p.required.int("group_access"), expiresAt: p.string("expires_at"))
            return .ok(try ProjectPresenter.entity(ctx, project), status: 201)
        }
    }
}
