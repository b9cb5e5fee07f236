import GroveFormats
import GRDB

/// Per-project security settings (`project_security_settings`); absent rows mean defaults.
enum SecuritySettingsSchema {
    static func migrate(_ db: Database) throws {
        try db.execute(sql: """
            CREATE TABLE project_security_settings (
                project_id INTEGER PRIMARY KEY REFERENCES projects(id) ON DELETE CASCADE,
                secret_push_protection_enabled BOOLEAN NOT NULL DEFAULT 0,
                updated_at INTEGER NOT NULL
            );
            """)
    }

    static func secretPushProtection(_ db: Database, projectId: Int64) throws -> Bool {
        try Bool.fetchOne(db, sql: "SELECT secret_push_protection_enabled FROM project_security_settings WHERE project_id = ?", arguments: [projectId]) ?? false
    }
}

/// Secret push protection of a group's projects.
struct SecuritySettingsService {
    let ctx: OperationContext
    init(_ ctx: OperationContext) { self.ctx = ctx }

    /// Sets it for every project of the group and its subgroups but `excluded`; answers an
    /// error for each excluded id that is not such a project (GitLab goes on regardless).
    func setSecretPushProtection(_ group: GroupRecord, enabled: Bool, excluding excluded: [Int64]) throws -> [String] {
        let range = TraversalIds.range(group.traversalIds)
        let projectIds = try Int64.fetchAll(ctx.db, sql: """
            SELECT p.id FROM projects p JOIN namespaces n ON n.id = p.namespace_id
            WHERE n.traversal_ids >= ? AND n.traversal_ids < ? ORDER BY p.id
            """, arguments: [range.lower, range.upper])
        let inGroup = Set(projectIds)
        let errors = excluded.filter { !inGroup.contains($0) }.map { "Project with id \($0) does not belong to group \(group.fullPath)" }
        let excludedIds = Set(excluded)
        let targets = projectIds.filter { !excludedIds.contains($0) }
        for id in targets {
            try ctx.db.execute(sql: """
                INSERT INTO project_security_settings (project_id, secret_push_protection_enabled, updated_at) VALUES (?, ?, ?)
                ON CONFLICT(project_id) DO UPDATE SET secret_push_protection_enabled = excluded.secret_push_protection_enabled, updated_at = excluded.updated_at
                """, arguments: [id, enabled, ctx.now])
        }
        try ctx.audit("security_settings.update", "Group", id: group.id, path: group.fullPath, changes: [
            .init(attribute: "secret_push_protection_enabled", old: .null, new: .bool(enabled)),
            .init(attribute: "projects", old: .null, new: .array(targets.map { .int($0) })),
        ])
        return errors
    }
}

/// `ee/lib/api/group_security_settings.rb`: switches secret push protection for every
/// project of a group and its subgroups, minus `projects_to_exclude`.
enum SecuritySettingsOperations: OperationModule {
    static func register(into registry: OperationRegistry) {
        registry.describe(module: "security", "Secret push protection for a group's projects")
        registry.add(OperationDescriptor("groups.security_settings.update", "PUT", "/groups/:id/security_settings", lua: "security.update",
                                         example: "security.update(\"platform\", {secret_push_protection_enabled = true, projects_to_exclude = {12, 31}})",
                                         result: ResultShapes.securitySettingsUpdate, summary: "Update secret_push_protection_enabled for all projects of a group and its subgroups (Maintainer)", params: [
            GroupParams.id,
            ParamSpec("secret_push_protection_enabled", .boolean, required: true, "Whether secret push protection is enabled for the group."),
            ParamSpec("projects_to_exclude", .integerArray, "The IDs of projects to exclude from the feature."),
        ])) { ctx, p in
            let group = try ctx.group(p["id"], may: .enableSecretPushProtection)
            let enabled = try p.required.bool("secret_push_protection_enabled")
            let errors = try SecuritySettingsService(ctx).setSecretPushProtection(group, enabled: enabled, excluding: p.intArray("projects_to_exclude"))
            return .ok(.object([("secret_push_protection_enabled", .bool(enabled)), ("errors", .array(errors.map { .string($0) }))]))
        }
        registry.add(OperationDescriptor("projects.security_settings.get", "GET", "/projects/:id/security_settings", lua: "security.get_project",
                                         result: ResultShapes.projectSecuritySettings, summary: "A project's security settings (Developer)", params: [
            ParamSpec("id", .idOrPath, required: true, "The ID or URL-encoded path of the project"),
        ])) { ctx, p in
            let finder = ProjectFinder(ctx)
            let project = try finder.find(p["id"])
            guard try finder.level(project) >= AccessLevel.developer else { throw APIError.forbidden() }
            return .ok(.object([("secret_push_protection_enabled", .bool(try SecuritySettingsSchema.secretPushProtection(ctx.db, projectId: project.id)))]))
        }
    }
}
