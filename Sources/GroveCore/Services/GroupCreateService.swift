import Foundation
import GroveFormats
import GRDB

/// `Groups::CreateService`: checks who may create, validates, inserts the group with its
/// traversal ids and makes the creator its owner.
struct GroupCreateService {
    let ctx: OperationContext
    init(_ ctx: OperationContext) { self.ctx = ctx }

    func execute(_ params: Params) throws -> GroupRecord {
        let access = try ctx.access
        var parent: GroupRecord?
        if let parentRef = params["parent_id"], !parentRef.isNull {
            let p = try ctx.findGroup(parentRef)
            guard access.canCreateSubgroup(p) else { throw APIError.forbidden() }
            parent = p
        } else if !access.canCreateTopLevelGroup {
            throw APIError.forbidden()
        }
        // ee/lib/ee/api/groups.rb: only admins may send these on create.
        for name in GroupAttributes.adminOnly where params.has(name) && !ctx.caller.isAdmin { throw APIError.forbidden() }

        let name = params.string("name") ?? ""
        let path = params.string("path") ?? ""
        let visibility = try params.string("visibility").flatMap(Visibility.init(name:)) ?? ctx.settings.defaultGroupVisibility
        let attributes = GroupAttributes(ctx: ctx)
        let settings = attributes.settings(from: params, topLevel: parent == nil).filter { $0.0 != "math_rendering_limits_enabled" }

        var errors = FieldErrors()
        if let message = try attributes.restrictedVisibilityError(visibility) { errors.add(VisibilityRules.field, message) }
        let candidate = GroupValidator.Candidate(id: nil, name: name, path: path, parent: parent, visibility: visibility,
                                                 nameChanged: true, pathChanged: true, visibilityChanged: true)
        for pair in try GroupValidator(db: ctx.db).errors(candidate).pairs { for m in pair.messages { errors.add(pair.field, m) } }
        for pair in attributes.errors(settings).pairs { for m in pair.messages { errors.add(pair.field, m) } }
        var avatar: UploadedFile?
        if case .some(.some(let file)) = params.file("avatar") {
            for m in attributes.avatarErrors(file) { errors.add("avatar", m) }
            avatar = file
        }
        if !errors.isEmpty {
            throw APIError(status: 400, body: .message("Failed to save group \(errors.rubyInspect)"), fieldErrors: errors)
        }

        var stored = JSONObject()
        for (k, v) in settings { stored[k] = v }
        var group = GroupRecord(id: 0, parentId: parent?.id, name: name, path: path, fullPath: GroupHierarchy.fullPath(parent: parent, path: path),
                                fullName: GroupHierarchy.fullName(parent: parent, name: name), traversalIds: "", visibility: visibility,
                                description: params.string("description") ?? "", avatarFilename: avatar?.filename,
                                runnersToken: GroupAttributes.newRunnersToken(), settings: stored, markedForDeletionAt: nil,
                                createdAt: ctx.now, updatedAt: ctx.now)
        // The traversal ids end with the group's own id: take the id AUTOINCREMENT would
        // give, max(sequence, largest id) + 1 (the write lock is held, so nothing else can
        // take it), and insert the row whole.
        // User namespaces share the sequence (`UserNamespaceSchema.nextId`).
        let id = try readBack(Int64.fetchOne(ctx.db, cachedSQL: "SELECT " + UserNamespaceSchema.nextId))
        group.id = id
        group.traversalIds = TraversalIds.child(of: parent?.traversalIds, id: id)
        try ctx.db.run(sql: """
            INSERT INTO namespaces (id, parent_id, name, path, full_path, full_name, traversal_ids, visibility_level, description,
                                    avatar_filename, avatar_data, runners_token, settings, created_at, updated_at)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """, arguments: [id, group.parentId, name, path, group.fullPath, group.fullName, group.traversalIds, visibility.rawValue, group.description,
                             group.avatarFilename, avatar.map { Data($0.data) }, group.runnersToken,
                             stored.isEmpty ? "{}" : JSONText.encode(.object(stored)), ctx.now, ctx.now])
        if let userId = ctx.caller.id {
            try ctx.db.run(sql: "INSERT INTO members (user_id, group_id, access_level, created_at) VALUES (?, ?, ?, ?)",
                               arguments: [userId, id, AccessLevel.owner, ctx.now])
            ctx.invalidateAccess()
        }
        var changes: [AuditEvent.Change] = [
            .init(attribute: "name", old: .null, new: .string(name)),
            .init(attribute: "path", old: .null, new: .string(path)),
            .init(attribute: "visibility", old: .null, new: .string(visibility.name)),
        ]
        if let parent { changes.append(.init(attribute: "parent", old: .null, new: .string(parent.fullPath))) }
        if let d = params.string("description"), !d.isEmpty { changes.append(.init(attribute: "description", old: .null, new: .string(d))) }
        changes += settings.map { .init(attribute: $0.0, old: .null, new: $0.1) }
        if let avatar { changes.append(.init(attribute: "avatar", old: .null, new: .string(avatar.filename))) }
        try ctx.audit("group.create", "Group", id: id, path: group.fullPath, changes: changes)
        return group
    }
}
