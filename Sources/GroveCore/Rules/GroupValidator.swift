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
        if errors["name"].isEmpty, c.nameChanged, c.parent != nil, try siblingNameTaken(c) { errors.add("name", "has already been taken") }
        let pathErrors = PathRules.errors(path: c.path, topLevel: c.parent == nil, changed: c.pathChanged)
        for m in pathErrors { errors.add("path", m) }
        if pathErrors.isEmpty, c.pathChanged, try pathTaken(fullPath: fullPath(c), parent: c.parent, excluding: c.id) {
            errors.add("path", "has already been taken")
        }
        if let parent = c.parent, parent.depth >= Self.maxAncestors { errors.add("parent_id", "has too deep level of nesting") }
        if c.visibilityChanged || c.parent != nil {
            for m in try visibilityErrors(c) { errors.add(VisibilityRules.field, m) }
        }
        return errors
    }

    func fullPath(_ c: Candidate) -> String { c.parent.map { $0.fullPath + "/" + c.path } ?? c.path }

    func siblingNameTaken(_ c: Candidate) throws -> Bool {
        try Bool.fetchOne(db, cachedSQL: "SELECT EXISTS (SELECT 1 FROM namespaces WHERE parent_id IS ? AND name = ? AND id IS NOT ?)",
                          arguments: [c.parent?.id, c.name, c.id]) ?? false
    }

    /// Routes are unique case-insensitively across groups, projects and (at the top level)
    /// usernames, which own the personal namespace of the same path.
    func pathTaken(fullPath: String, parent: GroupRecord?, excluding id: Int64?) throws -> Bool {
        if try Bool.fetchOne(db, cachedSQL: "SELECT EXISTS (SELECT 1 FROM namespaces WHERE full_path = ? COLLATE NOCASE AND id IS NOT ?)", arguments: [fullPath, id]) ?? false {
            return true
        }
        if let parent {
            let last = String(fullPath.split(separator: "/").last ?? "")
            return try Bool.fetchOne(db, cachedSQL: "SELECT EXISTS (SELECT 1 FROM projects WHERE namespace_id = ? AND path = ? COLLATE NOCASE)", arguments: [parent.id, last]) ?? false
        }
        return try Bool.fetchOne(db, cachedSQL: "SELECT EXISTS (SELECT 1 FROM users WHERE username = ? COLLATE NOCASE)", arguments: [fullPath]) ?? false
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
