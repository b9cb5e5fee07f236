/// `lib/api/namespaces.rb`: every route needs a signed-in caller.
enum NamespaceOperations: OperationModule {
    static func register(into registry: OperationRegistry) {
        registry.describe(module: "namespaces", "Namespaces: groups and users' personal namespaces")
        registry.add(OperationDescriptor("namespaces.list", "GET", "/namespaces",
                                         example: "for _, ns in ipairs(namespaces.list{top_level_only = true}) do print(ns.kind, ns.full_path) end",
                                         result: ResultShapes.namespace, summary: "Namespaces of the caller (all of them for administrators)", pagination: .offset, params: [
            ParamSpec("search", .string, "Only namespaces whose name or path contains this"),
            ParamSpec("owned_only", .boolean, "Only namespaces the caller owns"),
            ParamSpec("top_level_only", .boolean, "Only top-level namespaces"),
            ParamSpec("full_path_search", .boolean, "Match search against the full path"),
        ])) { ctx, p in
            try requireSignedIn(ctx)
            let (namespaces, page) = try NamespaceService(ctx: ctx).list(p)
            let presenter = NamespacePresenter(ctx: ctx)
            return OperationResult(status: 200, body: .array(try namespaces.map(presenter.full)), page: page)
        }
        registry.add(OperationDescriptor("namespaces.get", "GET", "/namespaces/:id",
                                         example: "print(namespaces.get(\"platform/api\").full_path)", result: ResultShapes.namespace, summary: "A namespace by ID or URL-encoded full path", params: [
            ParamSpec("id", .idOrPath, required: true, "The ID or URL-encoded full path of the namespace"),
        ])) { ctx, p in
            try requireSignedIn(ctx)
            return .ok(try NamespacePresenter(ctx: ctx).full(try NamespaceService(ctx: ctx).find(p["id"])))
        }
        registry.add(OperationDescriptor("namespaces.exists", "GET", "/namespaces/:id/exists",
                                         example: "local found = namespaces.exists(\"api\", {parent_id = groups.get(\"platform\").id})\nprint(found.exists, found.suggests[1])",
                                         result: ResultShapes.namespaceExists, summary: "Whether a namespace path is taken (at the top level, or under parent_id), with a free suggestion", params: [
            ParamSpec("id", .string, required: true, "The path of the namespace"),
            ParamSpec("parent_id", .integer, "The ID of the parent namespace; none means top level"),
        ])) { ctx, p in
            try requireSignedIn(ctx)
            let found = try NamespaceService(ctx: ctx).exists(path: try p.required.string("id"), parentId: p.int("parent_id"))
            return .ok(.object([("exists", .bool(found.exists)), ("suggests", .array(found.suggests.map { .string($0) }))]))
        }
    }

    /// `authenticate!`
    static func requireSignedIn(_ ctx: OperationContext) throws {
        if ctx.caller.isAnonymous { throw APIError.unauthorized }
    }
}
