import GroveFormats
import GRDB

/// A row of `projects` with the names of its namespace (joined, so paths stay derived and
/// a group move needs no project update).
struct ProjectRecord: FetchableRecord {
    var id: Int64
    var namespaceId: Int64
    var name: String
    var path: String
    var description: String?
    var visibility: Visibility
    var archived: Bool
    var topics: [String]
    var defaultBranch: String
    var features: [String: Bool]
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

    static let featureNames = ["issues_enabled", "merge_requests_enabled", "wiki_enabled", "jobs_enabled", "snippets_enabled", "container_registry_enabled"]

    init(row: Row) {
        id = row["id"]; namespaceId = row["namespace_id"]; name = row["name"]; path = row["path"]
        description = row["description"]; visibility = Visibility(rawValue: row["visibility_level"]) ?? .private
        archived = row["archived"]
        let topicsText: String = row["topics"]
        topics = (try? JSONText.decode(topicsText))?.arrayValue?.compactMap(\.stringValue) ?? []
        defaultBranch = row["default_branch"]
        var f: [String: Bool] = [:]
        for name in Self.featureNames { f[name] = row[name] }
        features = f
        creatorId = row["creator_id"]; starCount = row["star_count"]
        createdAt = row["created_at"]; updatedAt = row["updated_at"]; lastActivityAt = row["last_activity_at"]
        namespaceName = row["ns_name"]; namespacePath = row["ns_path"]; namespaceFullPath = row["ns_full_path"]
        namespaceFullName = row["ns_full_name"]; namespaceTraversalIds = row["ns_traversal_ids"]
        namespaceParentId = row["ns_parent_id"]; namespaceAvatar = row["ns_avatar"]
    }

    var pathWithNamespace: String { namespaceFullPath + "/" + path }
    var nameWithNamespace: String { namespaceFullName + " / " + name }

    /// `SELECT` head and `FROM` for project queries (alias `p`, namespace alias `n`).
    static let select = """
        SELECT p.*, (SELECT COUNT(*) FROM project_stars s WHERE s.project_id = p.id) AS star_count,
               n.name AS ns_name, n.path AS ns_path, n.full_path AS ns_full_path, n.full_name AS ns_full_name,
               n.traversal_ids AS ns_traversal_ids, n.parent_id AS ns_parent_id, n.avatar_filename AS ns_avatar
        FROM projects p JOIN namespaces n ON n.id = p.namespace_id
        """

    static func find(_ db: Database, id: Int64) throws -> ProjectRecord? {
        try ProjectRecord.fetchOne(db, cachedSQL: select + " WHERE p.id = ?", arguments: [id])
    }

    static func find(_ db: Database, fullPath: String) throws -> ProjectRecord? {
        let parts = fullPath.split(separator: "/")
        guard parts.count >= 2, let last = parts.last else { return nil }
        let ns = parts.dropLast().joined(separator: "/")
        return try ProjectRecord.fetchOne(db, cachedSQL: select + " WHERE n.full_path = ? COLLATE NOCASE AND p.path = ? COLLATE NOCASE",
                                          arguments: [ns, String(last)])
    }
}
