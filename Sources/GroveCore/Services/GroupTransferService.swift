import GRDB

/// `Groups::TransferService`: moves a group under a new parent or to the top level.
/// Failures read `Transfer failed: <reason>`, reasons from one table, checked in GitLab's order.
struct GroupTransferService {
    enum Failure: String {
        case alreadyRoot = "Group is already a root group."
        case sameParent = "Group is already associated to the parent group."
        case invalidPolicies = "You don't have enough permissions."
        case namespaceWithSamePath = "The parent group already has a subgroup or a project with the same path."
        case toSubgroup = "Cannot transfer group to one of its subgroup."
        case tooDeep = "Parent has too deep level of nesting"
    }

    let ctx: OperationContext
    init(_ ctx: OperationContext) { self.ctx = ctx }

    func fail(_ failure: Failure) -> APIError { APIError.badRequest("Transfer failed: \(failure.rawValue)") }

    func execute(_ group: GroupRecord, to newParent: GroupRecord?) throws -> GroupRecord {
        // lib/api/groups.rb: authorize! :change_group
        guard try ctx.access.isOwner(group) else { throw APIError.forbidden() }
        if newParent == nil && group.isTopLevel { throw fail(.alreadyRoot) }
        if let newParent, newParent.id == group.parentId { throw fail(.sameParent) }
        if let newParent { guard try ctx.access.canCreateSubgroup(newParent) else { throw fail(.invalidPolicies) } }
        else { guard try ctx.access.canCreateTopLevelGroup else { throw fail(.invalidPolicies) } }
        if try GroupValidator(db: ctx.db).pathTaken(fullPath: GroupHierarchy.fullPath(parent: newParent, path: group.path), parent: newParent, excluding: group.id) {
            throw fail(.namespaceWithSamePath)
        }
        if let newParent, newParent.traversalIds.hasPrefix(group.traversalIds) { throw fail(.toSubgroup) }
        if let newParent, try newParent.depth + subtreeHeight(group) > GroupValidator.maxAncestors + 1 { throw fail(.tooDeep) }
        if try GroupValidator(db: ctx.db).siblingNameTaken(.init(id: group.id, name: group.name, path: group.path, parent: newParent,
                                                                  visibility: group.visibility, nameChanged: true, pathChanged: true, visibilityChanged: false)), newParent != nil {
            throw fail(.namespaceWithSamePath)
        }

        let oldPath = group.fullPath
        try GroupHierarchy.move(ctx.db, group, to: newParent, path: group.path, name: group.name, now: ctx.now)
        var changes: [AuditEvent.Change] = [
            .init(attribute: "parent", old: group.parentId.flatMap { _ in .string(String(oldPath.split(separator: "/").dropLast().joined(separator: "/"))) } ?? .null,
                  new: newParent.map { .string($0.fullPath) } ?? .null),
            .init(attribute: "full_path", old: .string(oldPath), new: .string(GroupHierarchy.fullPath(parent: newParent, path: group.path))),
        ]
        // Under a stricter parent the group, its subgroups and projects are lowered.
        if let newParent, group.visibility > newParent.visibility {
            let moved = try readBack(GroupRecord.find(ctx.db, id: group.id))
            try GroupHierarchy.capVisibility(ctx.db, subtreeOf: moved, to: newParent.visibility)
            changes.append(.init(attribute: "visibility", old: .string(group.visibility.name), new: .string(newParent.visibility.name)))
        }
        let updated = try readBack(GroupRecord.find(ctx.db, id: group.id))
        ctx.invalidateAccess()
        try ctx.audit("group.transfer", "Group", id: group.id, path: updated.fullPath, changes: changes)
        return updated
    }

    private func subtreeHeight(_ group: GroupRecord) throws -> Int {
        let r = TraversalIds.range(group.traversalIds)
        let deepest = try String.fetchOne(ctx.db, sql: """
            SELECT traversal_ids FROM namespaces WHERE traversal_ids >= ? AND traversal_ids < ?
            ORDER BY length(traversal_ids) - length(replace(traversal_ids, '/', '')) DESC LIMIT 1
            """, arguments: [r.lower, r.upper])
        return (deepest.map { TraversalIds.ids($0).count } ?? group.depth) - group.depth + 1
    }

    /// `Groups::AcceptingGroupTransfersFinder`: where the caller may move `group`.
    func locations(_ group: GroupRecord, _ params: Params) throws -> ([GroupRecord], PageInfo) {
        guard try ctx.access.isOwner(group) else { throw APIError.forbidden() }
        var f = QueryFilter()
        if !ctx.caller.isAdmin {
            let owner = try ctx.access.subtreeCondition(alias: "n", minLevel: AccessLevel.owner)
            let maintainer = try ctx.access.subtreeCondition(alias: "n", minLevel: AccessLevel.maintainer)
            f.add("(\(owner.sql) OR (\(maintainer.sql) AND COALESCE(json_extract(n.settings, '$.subgroup_creation_level'), 'maintainer') = 'maintainer'))",
                  owner.args + maintainer.args)
        }
        let r = TraversalIds.range(group.traversalIds)
        f.add("NOT (n.traversal_ids >= ? AND n.traversal_ids < ?)", [r.lower, r.upper])
        if let parentId = group.parentId { f.add("n.id <> ?", [parentId]) }
        if let search = params.presentString("search") { f.add("n.name LIKE ? ESCAPE '\\'", ["%\(Like.escape(search))%"]) }
        let select = "SELECT \(GroupRecord.columns) FROM namespaces n"
        return try Paginator.offset(ctx.db, select: select, filter: f, order: ListOrder([.asc("n.name"), .asc("n.id")]), params: params, countFrom: "FROM namespaces n")
    }
}
