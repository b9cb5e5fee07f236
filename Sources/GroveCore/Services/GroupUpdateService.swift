import Foundation
import GroveFormats
import GRDB

/// `Groups::UpdateService`: owners and admins change attributes; forbidden settings are
/// dropped, `parent_id` is ignored, a path or name change rewrites the subtree's paths.
struct GroupUpdateService {
    let ctx: OperationContext
    init(_ ctx: OperationContext) { self.ctx = ctx }

    func execute(_ group: GroupRecord, _ params: Params) throws -> GroupRecord {
        guard try ctx.access.isOwner(group) else { throw APIError.forbidden() }
        let attributes = GroupAttributes(ctx: ctx)
        let parent = try group.parentId.flatMap { try GroupRecord.find(ctx.db, id: $0) }

        let newName = params.string("name") ?? group.name
        let newPath = params.string("path") ?? group.path
        let newVisibility = params.string("visibility").flatMap(Visibility.init(name:)) ?? group.visibility
        let newDescription = params.has("description") ? (params.string("description") ?? "") : group.description
        let settings = attributes.settings(from: params, topLevel: group.isTopLevel)

        var errors = FieldErrors()
        if newVisibility != group.visibility, let m = try attributes.restrictedVisibilityError(newVisibility) { errors.add(VisibilityRules.field, m) }
        let candidate = GroupValidator.Candidate(id: group.id, name: newName, path: newPath, parent: parent, visibility: newVisibility,
                                                 nameChanged: newName != group.name, pathChanged: newPath != group.path,
                                                 visibilityChanged: newVisibility != group.visibility)
        for pair in try GroupValidator(db: ctx.db).errors(candidate).pairs { for m in pair.messages { errors.add(pair.field, m) } }
        for pair in attributes.errors(settings).pairs { for m in pair.messages { errors.add(pair.field, m) } }
        let avatarParam = params.file("avatar")
        if case .some(.some(let file)) = avatarParam { for m in attributes.avatarErrors(file) { errors.add("avatar", m) } }
        if !errors.isEmpty { throw APIError.validation(errors) }

        var changes: [AuditEvent.Change] = []
        if newName != group.name || newPath != group.path {
            try GroupHierarchy.move(ctx.db, group, to: parent, path: newPath, name: newName, now: ctx.now)
            if newName != group.name { changes.append(.init(attribute: "name", old: .string(group.name), new: .string(newName))) }
            if newPath != group.path { changes.append(.init(attribute: "path", old: .string(group.path), new: .string(newPath))) }
        }
        if newVisibility != group.visibility {
            changes.append(.init(attribute: "visibility", old: .string(group.visibility.name), new: .string(newVisibility.name)))
        }
        if newDescription != group.description {
            changes.append(.init(attribute: "description", old: .string(group.description), new: .string(newDescription)))
        }
        var stored = group.settings
        for (name, value) in settings where group.setting(name) != value {
            changes.append(.init(attribute: name, old: group.setting(name), new: value))
            stored[name] = value
        }
        try ctx.db.run(sql: "UPDATE namespaces SET visibility_level = ?, description = ?, settings = ?, updated_at = ? WHERE id = ?",
                           arguments: [newVisibility.rawValue, newDescription, JSONText.encode(.object(stored)), ctx.now, group.id])
        switch avatarParam {
        case .some(.some(let file)):
            try ctx.db.run(sql: "UPDATE namespaces SET avatar_filename = ?, avatar_data = ? WHERE id = ?", arguments: [file.filename, Data(file.data), group.id])
            changes.append(.init(attribute: "avatar", old: group.avatarFilename.json, new: .string(file.filename)))
        case .some(.none):
            // An empty `avatar` removes it.
            if group.avatarFilename != nil {
                try ctx.db.run(sql: "UPDATE namespaces SET avatar_filename = NULL, avatar_data = NULL WHERE id = ?", arguments: [group.id])
                changes.append(.init(attribute: "avatar", old: group.avatarFilename.json, new: .null))
            }
        case .none: break
        }
        let updated = try readBack(GroupRecord.find(ctx.db, id: group.id))
        if !changes.isEmpty { try ctx.audit("group.update", "Group", id: group.id, path: updated.fullPath, changes: changes) }
        return updated
    }
}
