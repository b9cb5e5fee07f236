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

    init(row: Row) throws {
        id = try row.column("id"); namespaceId = try row.column("namespace_id"); name = try row.column("name"); path = try row.column("path")
        description = try row.column("description"); visibility = Visibility(rawValue: try row.column("visibility_level")) ?? .private
        archived = try row.column("archived")
        let topicsText: String = try row.column("topics")
        topics = (try? JSONText.decode(topicsText))?.arrayValue?.compactMap(\.stringValue) ?? []
        defaultBranch = try row.column("default_branch")
        var f: [String: Bool] = [:]
        for name in Self.featureNames { f[name] = try row.column(name) }
        features = f
        creatorId = try row.column("creator_id"); starCount = try row.column("star_count")
        createdAt = try row.column("created_at"); updatedAt = try row.column("updated_at"); lastActivityAt = try row.column("last_activity_at")
        namespaceName = try row.column("ns_name"); namespacePath = try row.column("ns_path"); namespaceFullPath = try row.column("ns_full_path")
        namespaceFullName = try row.column("ns_full_name"); namespaceTraversalIds = try row.column("ns_traversal_ids")
        namespaceParentId = try row.column("ns_parent_id"); namespaceAvatar = try row.column("ns_avatar")
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
