import GroveFormats
import GRDB

/// A row of `projects` with the names of its namespace (joined, so paths stay derived and
/// a group move needs no project update).
struct ProjectRecord: FetchableRecord, ColumnDecodable {
    var id: Int64
    var namespaceId: Int64
    var name: String
    var path: String
    var description: String?
    var visibility: Visibility
    var archived: Bool
    var topics: [String]
    var defaultBranch: String
    var features: ProjectFeatures
    var creatorId: Int64?
    var starCount: Int64
    var createdAt: Int64
    var updatedAt: Int64
    var lastActivityAt: Int64
    var namespaceName: String
    var namespacePath: String
    var namespaceFullPath: String
    var namespaceFullName: String
    var namespaceTraversalIds: String
    var namespaceParentId: Int64?
    var namespaceAvatar: String?

    init(row: Row) throws { try self.init(reading: row) }
    init(columns: StatementColumns) throws { try self.init(reading: columns) }

    /// Decodes by position, the columns of `select` in order: a lookup by name lowercases
    /// the name and searches every column, and a project has thirty.
    private init(reading c: some ColumnReader) throws {
        id = try c.int64(0); namespaceId = try c.int64(1); name = try c.string(2); path = try c.string(3)
        description = try c.optionalString(4); visibility = Visibility(rawValue: try c.int64(5)) ?? .private
        archived = try c.bool(6)
        let topicsText = try c.string(7)
        topics = topicsText == "[]" ? [] : (try? JSONText.decode(topicsText))?.arrayValue?.compactMap(\.stringValue) ?? []
        defaultBranch = try c.string(8)
        features = ProjectFeatures(issues: try c.bool(9), mergeRequests: try c.bool(10), wiki: try c.bool(11), jobs: try c.bool(12),
                                   snippets: try c.bool(13), containerRegistry: try c.bool(14))
        creatorId = try c.optionalInt64(15); starCount = try c.int64(16)
        createdAt = try c.int64(17); updatedAt = try c.int64(18); lastActivityAt = try c.int64(19)
        namespaceName = try c.string(20); namespacePath = try c.string(21); namespaceFullPath = try c.string(22)
        namespaceFullName = try c.string(23); namespaceTraversalIds = try c.string(24)
        namespaceParentId = try c.optionalInt64(25); namespaceAvatar = try c.optionalString(26)
    }

    var pathWithNamespace: String { namespaceFullPath + "/" + path }
    var nameWithNamespace: String { namespaceFullName + " / " + name }

    /// `SELECT` head and `FROM` for project queries (alias `p`, namespace alias `n`).
    static let select = """
        SELECT p.id, p.namespace_id, p.name, p.path, p.description, p.visibility_level, p.archived, p.topics, p.default_branch,
               p.issues_enabled, p.merge_requests_enabled, p.wiki_enabled, p.jobs_enabled, p.snippets_enabled, p.container_registry_enabled,
               p.creator_id, (SELECT COUNT(*) FROM project_stars s WHERE s.project_id = p.id) AS star_count,
               p.created_at, p.updated_at, p.last_activity_at,
               n.name AS ns_name, n.path AS ns_path, n.full_path AS ns_full_path, n.full_name AS ns_full_name,
               n.traversal_ids AS ns_traversal_ids, n.parent_id AS ns_parent_id, n.avatar_filename AS ns_avatar
        FROM projects p JOIN namespaces n ON n.id = p.namespace_id
        """

    static func find(_ db: Database, id: Int64) throws -> ProjectRecord? {
        try ProjectRecord.fetchOne(db, cachedSQL: select + " WHERE p.id = ?", arguments: [id])
    }

    /// A NUL names no project (see `GroupRecord.find(_:fullPath:)`).
    static func find(_ db: Database, fullPath: String) throws -> ProjectRecord? {
        guard !fullPath.utf8.contains(0) else { return nil }
        let parts = fullPath.split(separator: "/")
        guard parts.count >= 2, let last = parts.last else { return nil }
        let ns = parts.dropLast().joined(separator: "/")
        return try ProjectRecord.fetchOne(db, cachedSQL: select + " WHERE n.full_path = ? COLLATE NOCASE AND p.path = ? COLLATE NOCASE",
                                          arguments: [ns, String(last)])
    }
}

/// A project's feature switches, the columns `ProjectFeatures.names` (GitLab's
/// `*_enabled` attributes).
struct ProjectFeatures: Equatable {
    var issues, mergeRequests, wiki, jobs, snippets, containerRegistry: Bool

    static let names = ["issues_enabled", "merge_requests_enabled", "wiki_enabled", "jobs_enabled", "snippets_enabled", "container_registry_enabled"]

    /// The switch of that attribute name; nil for a name that is none of `names`.
    subscript(name: String) -> Bool? {
        switch name {
        case "issues_enabled": issues
        case "merge_requests_enabled": mergeRequests
        case "wiki_enabled": wiki
        case "jobs_enabled": jobs
        case "snippets_enabled": snippets
        case "container_registry_enabled": containerRegistry
        default: nil
        }
    }
}
