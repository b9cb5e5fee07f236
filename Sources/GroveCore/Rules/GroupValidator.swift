import GRDB

/// Validates a group about to be saved: name, path, nesting depth and visibility, in
/// GitLab's order. One place for these rules; create, update, transfer and restore use it.
struct GroupValidator {
    static let maxAncestors = 20

    let db: Database

    struct Candidate {
        var id: Int64?
        var name: String
        var path: String
        var parent: GroupRecord?
        var visibility: Visibility
        var nameChanged: Bool
        var pathChanged: Bool
        var visibilityChanged: Bool
    }

    func errors(_ c: Candidate) throws -> FieldErrors {
        var errors = FieldErrors()
        for m in NameRules.errors(name: c.name) { errors.add("name", m) }
        let pathErrors = PathRules.errors(path: c.path, topLevel: c.parent == nil, changed: c.pathChanged)
        // Both uniqueness checks in one statement, each only where GitLab runs it.
        let taken = try taken(name: errors["name"].isEmpty && c.nameChanged && c.parent != nil ? c : nil,
                              path: pathErrors.isEmpty && c.pathChanged ? (fullPath(c), c.parent, c.id) : nil)
        if taken.name { errors.add("name", "has already been taken") }
        for m in pathErrors { errors.add("path", m) }
        if taken.path { errors.add("path", "has already been taken") }
        if let parent = c.parent, parent.depth >= Self.maxAncestors { errors.add("parent_id", "has too deep level of nesting") }
        if c.visibilityChanged || c.parent != nil {
            for m in try visibilityErrors(c) { errors.add(VisibilityRules.field, m) }
        }
        return errors
    }

    func fullPath(_ c: Candidate) -> String { c.parent.map { $0.fullPath + "/" + c.path } ?? c.path }

    func siblingNameTaken(_ c: Candidate) throws -> Bool {
        try taken(name: c, path: nil).name
    }

    /// Routes are unique case-insensitively across groups, projects and (at the top level)
    /// usernames, which own the personal namespace of the same path.
    func pathTaken(fullPath: String, parent: GroupRecord?, excluding id: Int64?) throws -> Bool {
        try taken(name: nil, path: (fullPath, parent, id)).path
    }

    private struct Taken: ColumnDecodable {
        var name = false
        var path = false
        init() {}
        init(columns: StatementColumns) throws { name = try columns.bool(0); path = try columns.bool(1) }
    }

    /// Whether a sibling of `name.parent` (other than the group itself) has its name, and
    /// whether the route `path.fullPath` is taken: by another group, by a project of
    /// `path.parent` with the last segment as path, or (top level) by a username.
    /// Nothing to check runs no query.
    private func taken(name: Candidate?, path: (fullPath: String, parent: GroupRecord?, excluding: Int64?)?) throws -> Taken {
        guard name != nil || path != nil else { return Taken() }
        return try Taken.fetchOne(db, cachedSQL: """
            SELECT
                CASE WHEN ?1 THEN EXISTS (SELECT 1 FROM namespaces WHERE parent_id IS ?2 AND name = ?3 AND id IS NOT ?4) ELSE 0 END,
                CASE WHEN NOT ?5 THEN 0
                     WHEN EXISTS (SELECT 1 FROM namespaces WHERE full_path = ?6 COLLATE NOCASE AND id IS NOT ?7) THEN 1
                     WHEN ?8 IS NOT NULL THEN EXISTS (SELECT 1 FROM projects WHERE namespace_id = ?8 AND path = ?9 COLLATE NOCASE)
                     ELSE EXISTS (SELECT 1 FROM users WHERE username = ?6 COLLATE NOCASE) END
            """, arguments: [name != nil, name?.parent?.id, name?.name, name?.id,
                             path != nil, path?.fullPath, path?.excluding, path?.parent?.id, path.map { Self.lastSegment($0.fullPath) }]) ?? Taken()
    }

    /// `fullPath.split(separator: "/").last ?? ""` without the array of segments.
    static func lastSegment(_ fullPath: String) -> String {
        var s = fullPath[...]
        while s.hasSuffix("/") { s = s.dropLast() }
        guard let slash = s.lastIndex(of: "/") else { return String(s) }
        return String(s[s.index(after: slash)...])
    }

    func visibilityErrors(_ c: Candidate) throws -> [String] {
        var errors: [String] = []
        if let parent = c.parent, c.visibility > parent.visibility {
            errors.append(VisibilityRules.parentMessage(c.visibility, parent: parent.visibility))
        }
        guard let id = c.id, let group = try GroupRecord.find(db, id: id) else { return errors }
        let r = TraversalIds.range(group.traversalIds)
        let projectMax = try Int64.fetchOne(db, cachedSQL: """
            SELECT MAX(p.visibility_level) FROM projects p JOIN namespaces n ON n.id = p.namespace_id
            WHERE n.traversal_ids >= ? AND n.traversal_ids < ?
            """, arguments: [r.lower, r.upper])
        if let projectMax, projectMax > c.visibility.rawValue { errors.append(VisibilityRules.projectsMessage(c.visibility)) }
        let subgroupMax = try Int64.fetchOne(db, cachedSQL: "SELECT MAX(visibility_level) FROM namespaces WHERE traversal_ids > ? AND traversal_ids < ?", arguments: [r.lower, r.upper])
        if let subgroupMax, subgroupMax > c.visibility.rawValue { errors.append(VisibilityRules.subgroupsMessage(c.visibility)) }
        return errors
    }
}
