import GRDB

/// Moves and renames subtrees. A group's traversal ids, full path and full name are
/// prefixes of its descendants' ones, so one UPDATE rewrites the whole subtree.
enum GroupHierarchy {
    static func fullName(parent: GroupRecord?, name: String) -> String { parent.map { $0.fullName + " / " + name } ?? name }
    static func fullPath(parent: GroupRecord?, path: String) -> String { parent.map { $0.fullPath + "/" + path } ?? path }

    /// Re-roots `group` under `newParent` (nil: top level) with `path`/`name`, rewriting
    /// every descendant in one statement.
    static func move(_ db: Database, _ group: GroupRecord, to newParent: GroupRecord?, path: String, name: String, now: Int64) throws {
        let newTraversal = TraversalIds.child(of: newParent?.traversalIds, id: group.id)
        let newFullPath = fullPath(parent: newParent, path: path)
        let newFullName = fullName(parent: newParent, name: name)
        let r = TraversalIds.range(group.traversalIds)
        try db.run(sql: """
            UPDATE namespaces SET
                traversal_ids = ? || substr(traversal_ids, ?),
                full_path = ? || substr(full_path, ?),
                full_name = ? || substr(full_name, ?),
                parent_id = CASE WHEN id = ? THEN ? ELSE parent_id END,
                path = CASE WHEN id = ? THEN ? ELSE path END,
                name = CASE WHEN id = ? THEN ? ELSE name END,
                updated_at = CASE WHEN id = ? THEN ? ELSE updated_at END
            WHERE traversal_ids >= ? AND traversal_ids < ?
            """, arguments: [newTraversal, group.traversalIds.count + 1, newFullPath, group.fullPath.count + 1,
                             newFullName, group.fullName.count + 1, group.id, newParent?.id, group.id, path, group.id, name,
                             group.id, now, r.lower, r.upper])
    }

    /// Lowers every group and project of the subtree to at most `level` (transfer under a
    /// stricter parent).
    static func capVisibility(_ db: Database, subtreeOf group: GroupRecord, to level: Visibility) throws {
        let r = TraversalIds.range(group.traversalIds)
        try db.run(sql: "UPDATE namespaces SET visibility_level = ? WHERE traversal_ids >= ? AND traversal_ids < ? AND visibility_level > ?",
                       arguments: [level.rawValue, r.lower, r.upper, level.rawValue])
        try db.run(sql: """
            UPDATE projects SET visibility_level = ? WHERE visibility_level > ? AND namespace_id IN
                (SELECT id FROM namespaces WHERE traversal_ids >= ? AND traversal_ids < ?)
            """, arguments: [level.rawValue, level.rawValue, r.lower, r.upper])
    }
}
