import GroveFormats
import GRDB

/// `Groups::GroupLinks::CreateService` / `DestroyService`: sharing a group with another.
struct GroupShareService {
    let ctx: OperationContext
    init(_ ctx: OperationContext) { self.ctx = ctx }

    func share(_ group: GroupRecord, with sharedWithRef: JSONValue?, access: Int64, expiresAt: String?) throws -> GroupRecord {
        guard try ctx.access.isOwner(group) else { throw APIError.forbidden() }
        // group_linkable.rb: an unknown or unreadable invited group is a bare "Not Found".
        guard let ref = sharedWithRef, let target = try ctx.lookupGroup(ref), try ctx.access.canRead(target) else {
            throw APIError.api("Not Found", status: 404)
        }
        let root = try GroupRecord.find(ctx.db, id: group.rootId)
        if root?.setting("prevent_sharing_groups_outside_hierarchy").boolValue == true, target.rootId != group.rootId {
            throw APIError.api("Not Found", status: 404)
        }
        if try Bool.fetchOne(ctx.db, cachedSQL: "SELECT EXISTS (SELECT 1 FROM group_group_links WHERE shared_group_id = ? AND shared_with_group_id = ?)",
                             arguments: [group.id, target.id]) ?? false {
            throw APIError.api("Shared group The group has already been shared with this group", status: 409)
        }
        try ctx.db.run(sql: "INSERT INTO group_group_links (shared_group_id, shared_with_group_id, group_access, expires_at, created_at) VALUES (?, ?, ?, ?, ?)",
                           arguments: [group.id, target.id, access, expiresAt, ctx.now])
        ctx.invalidateAccess()
        try ctx.audit("group.share", "Group", id: group.id, path: group.fullPath, changes: [
            .init(attribute: "shared_with_group", old: .null, new: .string(target.fullPath)),
            .init(attribute: "group_access", old: .null, new: .int(access)),
            .init(attribute: "expires_at", old: .null, new: expiresAt.json),
        ])
        return group
    }

    /// Answers 204 whenever the link exists, even if the caller may not remove it
    /// (`lib/api/groups.rb` ignores `GroupLinks::DestroyService`'s refusal).
    func unshare(_ group: GroupRecord, sharedWithId: Int64) throws {
        guard let linkId = try Int64.fetchOne(ctx.db, cachedSQL: "SELECT id FROM group_group_links WHERE shared_group_id = ? AND shared_with_group_id = ?",
                                              arguments: [group.id, sharedWithId]) else {
            throw APIError.notFound("Group Link")
        }
        guard try ctx.access.isOwner(group) else { return }
        try ctx.db.run(sql: "DELETE FROM group_group_links WHERE id = ?", arguments: [linkId])
        ctx.invalidateAccess()
        let target = try GroupRecord.find(ctx.db, id: sharedWithId)
        try ctx.audit("group.unshare", "Group", id: group.id, path: group.fullPath, changes: [
            .init(attribute: "shared_with_group", old: target.map { .string($0.fullPath) } ?? .int(sharedWithId), new: .null),
        ])
    }
}
