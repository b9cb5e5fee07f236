/// `/groups/:id/protected_branches`: group-level protected branch rules (owners).
enum ProtectedBranchOperations: OperationModule {
    static let id = GroupParams.id
    static let name = ParamSpec("name", .string, required: true, "The name of the branch or wildcard.")
    static let levels = ParamType.integerEnumeration(BranchAccessEntry.allowedLevels)
    static func entries(_ kind: BranchAccessKind, _ what: String) -> ParamSpec {
        ParamSpec(kind.param, .hashArray, "Array of access levels allowed to \(what), each {user_id: integer}, {group_id: integer} or {access_level: integer} (0, 30, 40, 60); on update also {id, access_level} to change one and {id, _destroy: true} to remove one.")
    }

    static func register(into registry: OperationRegistry) {
        registry.describe(module: "branches", "Group-level protected branches (top-level groups)")
        registry.add(OperationDescriptor("groups.protected_branches.list", "GET", "/groups/:id/protected_branches", lua: "branches.list",
                                         result: ResultShapes.protectedBranch, summary: "List a group's protected branches (Owner)", pagination: .offset, params: [
            id, ParamSpec("search", .string, "Name or part of the name of protected branches to be searched for."),
        ])) { ctx, p in
            let service = ProtectedBranchService(ctx)
            let (rules, page) = try service.list(try ctx.group(p["id"], may: .adminGroup), p)
            let presenter = ProtectedBranchPresenter(ctx: ctx)
            return OperationResult(status: 200, body: .array(try rules.map(presenter.rule)), page: page)
        }
        registry.add(OperationDescriptor("groups.protected_branches.get", "GET", "/groups/:id/protected_branches/:name", lua: "branches.get",
                                         result: ResultShapes.protectedBranch, summary: "Get a single protected branch or wildcard protected branch (Owner)", params: [id, name])) { ctx, p in
            let service = ProtectedBranchService(ctx)
            let rule = try service.find(try ctx.group(p["id"], may: .adminGroup), name: try p.required.string("name"))
            return .ok(try ProtectedBranchPresenter(ctx: ctx).rule(rule))
        }
        registry.add(OperationDescriptor("groups.protected_branches.create", "POST", "/groups/:id/protected_branches", lua: "branches.protect",
                                         example: "branches.protect(\"platform\", {name = \"release/*\", push_access_level = 40, merge_access_level = 30})",
                                         result: ResultShapes.protectedBranch, summary: "Protect a branch or wildcard in a top-level group (Owner)", params: [
            id,
            ParamSpec("name", .string, required: true, "The name of the branch or wildcard."),
            ParamSpec("allow_force_push", .boolean, default: false, "Allow all users with push access to force push. Default: false."),
            entries(.merge, "merge"), entries(.push, "push"), entries(.unprotect, "unprotect"),
            ParamSpec("code_owner_approval_required", .boolean, default: false, "Prevent pushes to this branch if it matches an item in the CODEOWNERS file. Default: false."),
            ParamSpec("merge_access_level", levels, default: 40, "Access levels allowed to merge. Default: 40, Maintainer role."),
            ParamSpec("push_access_level", levels, default: 40, "Access levels allowed to push. Default: 40, Maintainer role."),
            ParamSpec("unprotect_access_level", levels, default: 40, "Access levels allowed to unprotect. Default: 40, Maintainer role."),
        ])) { ctx, p in
            let service = ProtectedBranchService(ctx)
            let rule = try service.create(try ctx.group(p["id"], may: .adminGroup), p)
            return .ok(try ProtectedBranchPresenter(ctx: ctx).rule(rule), status: 201)
        }
        registry.add(OperationDescriptor("groups.protected_branches.update", "PATCH", "/groups/:id/protected_branches/:name", lua: "branches.update",
                                         example: "branches.update(\"platform\", \"release/*\", {allowed_to_push = {{access_level = 30}}})",
                                         result: ResultShapes.protectedBranch, summary: "Update a protected branch (Owner)", params: [
            id, ParamSpec("name", .string, required: true, "The name of the branch."),
            ParamSpec("allow_force_push", .boolean, "When enabled, members who can push to this branch can also force push."),
            entries(.push, "push"), entries(.merge, "merge"), entries(.unprotect, "unprotect"),
            ParamSpec("code_owner_approval_required", .boolean, "Prevent pushes to this branch if it matches an item in the CODEOWNERS file."),
        ])) { ctx, p in
            let service = ProtectedBranchService(ctx)
            let group = try ctx.group(p["id"], may: .adminGroup)
            let rule = try service.update(group, try service.find(group, name: try p.required.string("name")), p)
            return .ok(try ProtectedBranchPresenter(ctx: ctx).rule(rule))
        }
        // GitLab answers 200 with the deleted rule, although its documentation says 204.
        registry.add(OperationDescriptor("groups.protected_branches.delete", "DELETE", "/groups/:id/protected_branches/:name", lua: "branches.unprotect",
                                         result: ResultShapes.protectedBranch, summary: "Unprotect a branch or wildcard (Owner); answers the removed rule", success: 200,
                                         params: [id, ParamSpec("name", .string, required: true, "The name of the branch.")])) { ctx, p in
            let service = ProtectedBranchService(ctx)
            let group = try ctx.group(p["id"], may: .adminGroup)
            let rule = try service.find(group, name: try p.required.string("name"))
            let body = try ProtectedBranchPresenter(ctx: ctx).rule(rule)
            try service.delete(group, rule)
            return .ok(body)
        }
        registry.add(OperationDescriptor("groups.protected_branches.access", "GET", "/groups/:id/protected_branches/:name/access", lua: "branches.access",
                                         example: "branches.access(\"platform\", \"release/1.2\", {user_id = \"alice\"})",
                                         result: ResultShapes.branchAccess, summary: "Which rules protect a branch, and whether a user may push, merge, force-push or unprotect it (Owner, or the user)", params: [
            id, ParamSpec("name", .string, required: true, "The branch name (not a wildcard)."),
            ParamSpec("user_id", .idOrPath, required: true, "The user ID or username to check."),
        ])) { ctx, p in
            let group = try ctx.findGroup(p["id"])
            let user = try UserService(ctx).findUser(p["user_id"])
            guard try ctx.access.isOwner(group) || ctx.caller.id == user.id else { throw APIError.forbidden() }
            return .ok(try BranchAccessCheck(ctx: ctx).evaluate(group, branch: try p.required.string("name"), user: user))
        }
    }
}
