import Foundation
import GRDB

/// Listing, reading, creating and updating groups; avatars.
enum GroupOperations: OperationModule {
    static func register(into registry: OperationRegistry) {
        registry.describe(module: "groups", "GitLab groups: list, get, create, update, transfer, share, delete, restore ...")
        registry.add(OperationDescriptor("groups.list", "GET", "/groups",
                                         example: "for g in groups.list{search = \"plat\", order_by = \"path\"} do print(g.full_path) end", result: ResultShapes.group, summary: "List groups visible to the caller",
                                         pagination: .offsetOrKeyset, params: GroupParams.list)) { ctx, p in
            try listResult(ctx, .all, p)
        }
        registry.add(OperationDescriptor("groups.subgroups", "GET", "/groups/:id/subgroups",
                                         example: "for g in groups.subgroups(\"platform\") do print(g.path) end", result: ResultShapes.group, summary: "List a group's visible direct subgroups",
                                         pagination: .offset, params: [GroupParams.id] + GroupParams.listFilters(orderBy: ["name", "path", "id"], searchNote: ". Only subgroup short paths are searched (not full paths)"))) { ctx, p in
            try listResult(ctx, .children(try ctx.findGroup(p["id"])), p)
        }
        registry.add(OperationDescriptor("groups.descendant_groups", "GET", "/groups/:id/descendant_groups",
                                         example: "groups.descendant_groups(\"platform\"):count()", result: ResultShapes.group, summary: "List a group's visible descendant groups",
                                         pagination: .offset, params: [GroupParams.id] + GroupParams.listFilters(orderBy: ["name", "path", "id"], searchNote: ". Only descendant group short paths are searched (not full paths)"))) { ctx, p in
            try listResult(ctx, .descendants(try ctx.findGroup(p["id"])), p)
        }
        registry.add(OperationDescriptor("groups.get", "GET", "/groups/:id",
                                         example: "print(groups.get(\"platform/api\").web_url)", result: ResultShapes.groupDetail, summary: "Details of a group", params: [
            GroupParams.id,
            ParamSpec("with_custom_attributes", .boolean, "Include custom attributes in response (administrators only)."),
            ParamSpec("with_projects", .boolean, default: true, "Include details from projects that belong to the specified group (defaults to true). Deprecated."),
        ])) { ctx, p in
            let group = try ctx.findGroup(p["id"])
            return .ok(try GroupPresenter(ctx: ctx).detail(group, withProjects: p.bool("with_projects") ?? true,
                                                           customAttributes: p.bool("with_custom_attributes") == true && ctx.caller.isAdmin))
        }
        registry.add(OperationDescriptor("groups.create", "POST", "/groups",
                                         example: "groups.create{name = \"API\", path = \"api\", parent_id = groups.get(\"platform\").id, visibility = \"internal\"}", result: ResultShapes.groupDetail, summary: "New group or subgroup", checksBeforeWriting: true, params: GroupParams.create)) { ctx, p in
            let group = try GroupCreateService(ctx).execute(p)
            return .ok(try GroupPresenter(ctx: ctx).detail(group, created: true), status: 201)
        }
        registry.add(OperationDescriptor("groups.update", "PUT", "/groups/:id",
                                         example: "groups.update(\"platform\", {description = \"Shared services\", visibility = \"internal\"})", result: ResultShapes.groupDetail, summary: "Update group (owners and administrators)", params: GroupParams.update)) { ctx, p in
            let group = try GroupUpdateService(ctx).execute(try ctx.findGroup(p["id"]), p)
            return .ok(try GroupPresenter(ctx: ctx).detail(group))
        }
        registry.add(OperationDescriptor("groups.avatar", "GET", "/groups/:id/avatar", result: ResultShapes.avatar, summary: "Download a group avatar", params: [GroupParams.id])) { ctx, p in
            let group = try ctx.findGroup(p["id"])
            guard let name = group.avatarFilename,
                  let data = try Data.fetchOne(ctx.db, sql: "SELECT avatar_data FROM namespaces WHERE id = ?", arguments: [group.id]) else {
                throw APIError.notFound("Avatar")
            }
            let type = Self.contentType(name)
            let bytes = [UInt8](data)
            return OperationResult(status: 200, body: .object([("filename", .string(name)), ("content_type", .string(type)), ("size", .int(bytes.count))]),
                                   attachment: .init(filename: name, contentType: type, data: bytes))
        }
    }

    static func listResult(_ ctx: OperationContext, _ scope: GroupFinder.Scope, _ p: Params) throws -> OperationResult {
        let (groups, page) = try GroupFinder(ctx).list(scope, p)
        let presenter = try GroupPresenter(ctx: ctx).list(groups, statistics: p.bool("statistics") == true && ctx.caller.isAdmin,
                                                          customAttributes: p.bool("with_custom_attributes") == true && ctx.caller.isAdmin)
        return .list(groups, page: page, p, presenter)
    }

    static func contentType(_ filename: String) -> String {
        switch filename.split(separator: ".").last?.lowercased() ?? "" {
        case "png": return "image/png"
        case "jpg", "jpeg": return "image/jpeg"
        case "gif": return "image/gif"
        case "bmp": return "image/bmp"
        case "tiff": return "image/tiff"
        case "ico": return "image/vnd.microsoft.icon"
        case "webp": return "image/webp"
        default: return "application/octet-stream"
        }
    }
}

/// Delete (mark), restore, and the purge of groups past retention.
enum GroupDeletionOperations: OperationModule {
    static func register(into registry: OperationRegistry) {
        registry.add(OperationDescriptor("groups.delete", "DELETE", "/groups/:id",
                                         example: "groups.delete(\"platform/sandbox\")   -- marked; groups.restore undoes it", result: ResultShapes.message, summary: "Mark a group for deletion, or remove a marked subgroup at once", success: 202, params: [
            GroupParams.id,
            ParamSpec("permanently_remove", .boolean, "Immediately deletes a subgroup if it is marked for deletion."),
            ParamSpec("full_path", .string, "Full path of subgroup to use with permanently_remove."),
        ])) { ctx, p in
            try GroupDestroyService(ctx).delete(try ctx.findGroup(p["id"]), permanentlyRemove: p.bool("permanently_remove") == true, fullPath: p.string("full_path"))
        }
        registry.add(OperationDescriptor("groups.restore", "POST", "/groups/:id/restore", result: ResultShapes.groupDetail, summary: "Restore a group marked for deletion", params: [GroupParams.id])) { ctx, p in
            let group = try GroupDestroyService(ctx).restore(try ctx.findGroup(p["id"]))
            return .ok(try GroupPresenter(ctx: ctx).detail(group), status: 201)
        }
        registry.add(OperationDescriptor("groups.purge_scheduled", "POST", "/admin/groups/purge_scheduled", summary: "Purge groups whose deletion retention period is over (administrators)", success: 200, params: [])) { ctx, _ in
            try ctx.requireAdmin()
            return .ok(.array(try GroupDestroyService(ctx).purgeDue().map { .string($0) }))
        }
    }
}

/// Moving groups and projects between namespaces.
enum GroupTransferOperations: OperationModule {
    static func register(into registry: OperationRegistry) {
        registry.add(OperationDescriptor("groups.transfer_locations", "GET", "/groups/:id/transfer_locations", result: ResultShapes.groupIdentity, summary: "Groups to which the caller can transfer a group",
                                         pagination: .offset, params: [GroupParams.id, ParamSpec("search", .string, "The group names to search for.")])) { ctx, p in
            let (groups, page) = try GroupTransferService(ctx).locations(try ctx.findGroup(p["id"]), p)
            let presenter = GroupPresenter(ctx: ctx)
            return OperationResult(status: 200, body: .array(groups.map(presenter.transferLocation)), page: page)
        }
        registry.add(OperationDescriptor("groups.transfer", "POST", "/groups/:id/transfer",
                                         example: "groups.transfer(\"platform/legacy\", {group_id = \"archive\"})   -- no group_id: top level", result: ResultShapes.groupDetail, summary: "Transfer a group to a new parent group or make it top-level", params: [
            GroupParams.id,
            ParamSpec("group_id", .idOrPath, "ID of the new parent group. When not specified, the group becomes a top-level group."),
        ])) { ctx, p in
            let group = try ctx.findGroup(p["id"])
            var target: GroupRecord?
            if let ref = p["group_id"], !ref.isNull { target = try ctx.findGroup(ref) }
            let moved = try GroupTransferService(ctx).execute(group, to: target)
            return .ok(try GroupPresenter(ctx: ctx).detail(moved), status: 201)
        }
        registry.add(OperationDescriptor("groups.transfer_project", "POST", "/groups/:id/projects/:project_id", result: ResultShapes.groupDetail, summary: "Transfer a project to the group namespace (administrators)", params: [
            ParamSpec("id", .idOrPath, required: true, "The ID or URL-encoded path of the target group"),
            ParamSpec("project_id", .idOrPath, required: true, "The ID or URL-encoded path of the project"),
        ])) { ctx, p in
            let group = try ctx.findGroup(p["id"])
            try ctx.requireAdmin()
            let project = try ProjectFinder(ctx).find(p["project_id"])
            try ProjectService(ctx).transfer(project, to: group)
            return .ok(try GroupPresenter(ctx: ctx).detail(try readBack(GroupRecord.find(ctx.db, id: group.id))), status: 201)
        }
    }
}

/// Sharing a group with another group.
enum GroupSharingOperations: OperationModule {
    static func register(into registry: OperationRegistry) {
        registry.add(OperationDescriptor("groups.share", "POST", "/groups/:id/share",
                                         example: "groups.share(\"data\", {group_id = \"platform\", group_access = 20, expires_at = \"2027-01-31\"})", result: ResultShapes.groupDetail, summary: "Share a group with another group", params: [
            GroupParams.id,
            ParamSpec("group_id", .idOrPath, required: true, "The ID of the group to share with"),
            ParamSpec("group_access", .integerEnumeration(AccessLevel.allValues), required: true, "The role (access_level) to grant the group"),
            ParamSpec("expires_at", .date, "Share expiration date in ISO 8601 format: 2016-09-26"),
            ParamSpec("member_role_id", .integer, "The ID of a custom member role (accepted, not used)"),
        ])) { ctx, p in
            let group = try GroupShareService(ctx).share(try ctx.findGroup(p["id"]), with: p["group_id"], access: try p.required.int("group_access"), expiresAt: p.string("expires_at"))
            return .ok(try GroupPresenter(ctx: ctx).detail(group), status: 201)
        }
        registry.add(OperationDescriptor("groups.unshare", "DELETE", "/groups/:id/share/:group_id", summary: "Delete link sharing group with another group", success: 204, params: [
            GroupParams.id,
            ParamSpec("group_id", .integer, required: true, "The ID of the group to share with"),
        ])) { ctx, p in
            try GroupShareService(ctx).unshare(try ctx.findGroup(p["id"]), sharedWithId: try p.required.int("group_id"))
            return .noContent
        }
    }
}
