import Foundation
import GroveFormats
import GRDB

/// Deletion as GitLab Premium does it: `DELETE` marks a group for deletion (renamed
/// `<path>-deletion_scheduled-<id>`), `restore` undoes it, and groups past the retention
/// period are purged with their subtree and projects. Only marked subgroups may be removed
/// at once (`permanently_remove` + `full_path`).
struct GroupDestroyService {
    static let suffixAlphabet = Array("abcdefghijklmnopqrstuvwxyz0123456789")
    static let suffixMarker = "-deletion_scheduled-"

    let ctx: OperationContext
    init(_ ctx: OperationContext) { self.ctx = ctx }

    func delete(_ group: GroupRecord, permanentlyRemove: Bool, fullPath: String?) throws -> OperationResult {
        guard try ctx.access.isOwner(group) else { throw APIError.forbidden() }
        if permanentlyRemove {
            if group.isTopLevel { throw APIError.badRequest("`permanently_remove` option is only available for subgroups.") }
            guard group.markedForDeletionAt != nil else { throw APIError.badRequest("Group must be marked for deletion first.") }
            guard fullPath == group.fullPath else {
                throw APIError.badRequest("`full_path` is incorrect. You must enter the complete path for the subgroup.")
            }
            try destroy(group)
            return .accepted
        }
        if group.markedForDeletionAt != nil { throw APIError.api("Group has been already marked for deletion", status: 400) }
        // An ancestor already scheduled covers this group: accepted, nothing to do.
        if try !GroupRecord.ancestors(ctx.db, of: group).filter({ $0.markedForDeletionAt != nil }).isEmpty { return .accepted }
        let newPath = group.path + Self.suffixMarker + String(group.id)
        let newName = group.name + Self.suffixMarker + String(group.id)
        let parent = try group.parentId.flatMap { try GroupRecord.find(ctx.db, id: $0) }
        try GroupHierarchy.move(ctx.db, group, to: parent, path: newPath, name: newName, now: ctx.now)
        try ctx.db.run(sql: "UPDATE namespaces SET marked_for_deletion_at = ?, deleting_user_id = ? WHERE id = ?",
                           arguments: [ctx.now, ctx.caller.id, group.id])
        let due = try ctx.now + ctx.settings.deletionAdjournedPeriod * 86_400_000
        try ctx.audit("group.mark_for_deletion", "Group", id: group.id, path: group.fullPath, changes: [
            .init(attribute: "path", old: .string(group.path), new: .string(newPath)),
            .init(attribute: "marked_for_deletion_on", old: .null, new: .string(Timestamp.day(ctx.now))),
            .init(attribute: "permanent_deletion_on", old: .null, new: .string(Timestamp.day(due))),
        ])
        return .accepted
    }

    func restore(_ group: GroupRecord) throws -> GroupRecord {
        guard try ctx.access.isOwner(group) else { throw APIError.forbidden() }
        guard group.markedForDeletionAt != nil else { throw APIError.api("Group has not been marked for deletion", status: 400) }
        let parent = try group.parentId.flatMap { try GroupRecord.find(ctx.db, id: $0) }
        let marker = Self.suffixMarker + String(group.id)
        var path = group.path.hasSuffix(marker) ? String(group.path.dropLast(marker.count)) : group.path
        let name = group.name.hasSuffix(marker) ? String(group.name.dropLast(marker.count)) : group.name
        let validator = GroupValidator(db: ctx.db)
        // The original path may have been taken meanwhile: add a random suffix, as GitLab does.
        while try validator.pathTaken(fullPath: GroupHierarchy.fullPath(parent: parent, path: path), parent: parent, excluding: group.id) {
            path += "-" + String((0..<5).map { _ in Self.suffixAlphabet[Int.random(in: 0..<Self.suffixAlphabet.count)] })
        }
        try GroupHierarchy.move(ctx.db, group, to: parent, path: path, name: name, now: ctx.now)
        try ctx.db.run(sql: "UPDATE namespaces SET marked_for_deletion_at = NULL, deleting_user_id = NULL WHERE id = ?", arguments: [group.id])
        let restored = try readBack(GroupRecord.find(ctx.db, id: group.id))
        try ctx.audit("group.restore", "Group", id: group.id, path: restored.fullPath, changes: [
            .init(attribute: "path", old: .string(group.path), new: .string(path)),
            .init(attribute: "marked_for_deletion_on", old: group.markedForDeletionAt.map { .string(Timestamp.day($0)) } ?? .null, new: .null),
        ])
        return restored
    }

    /// Deletes the group, its descendants and all their projects, members and links.
    func destroy(_ group: GroupRecord) throws {
        let r = TraversalIds.range(group.traversalIds)
        let counts = try readBack(Row.fetchOne(ctx.db, cachedSQL: """
            SELECT (SELECT COUNT(*) FROM namespaces WHERE traversal_ids >= ? AND traversal_ids < ?) AS groups,
                   (SELECT COUNT(*) FROM projects WHERE namespace_id IN (SELECT id FROM namespaces WHERE traversal_ids >= ? AND traversal_ids < ?)) AS projects
            """, arguments: [r.lower, r.upper, r.lower, r.upper]))
        // Deepest first, so no row is removed from under a cascade still in progress.
        try ctx.db.run(sql: """
            DELETE FROM namespaces WHERE id IN (SELECT id FROM namespaces WHERE traversal_ids >= ? AND traversal_ids < ?
            ORDER BY length(traversal_ids) DESC)
            """, arguments: [r.lower, r.upper])
        try ctx.audit("group.destroy", "Group", id: group.id, path: group.fullPath, changes: [
            .init(attribute: "subgroups_removed", old: .null, new: .int((try counts.column("groups") as Int64) - 1)),
            .init(attribute: "projects_removed", old: .null, new: .int(try counts.column("projects") as Int64)),
        ])
    }

    /// Purges every group whose retention period is over; answers their full paths.
    func purgeDue() throws -> [String] {
        let cutoff = try ctx.now - ctx.settings.deletionAdjournedPeriod * 86_400_000
        let due = try GroupRecord.fetchAll(ctx.db, cachedSQL: "SELECT \(GroupRecord.columns) FROM namespaces WHERE marked_for_deletion_at IS NOT NULL AND marked_for_deletion_at <= ? ORDER BY length(traversal_ids)", arguments: [cutoff])
        var purged: [String] = []
        for group in due where try GroupRecord.find(ctx.db, id: group.id) != nil {
            try destroy(group)
            purged.append(group.fullPath)
        }
        return purged
    }
}
