import GroveFormats
import GRDB

/// The slice of projects the group operations need: create, update (archived, visibility,
/// topics, features, statistics), star, share with a group, transfer to a group.
struct ProjectService {
    let ctx: OperationContext
    init(_ ctx: OperationContext) { self.ctx = ctx }

    static let statisticsColumns = ["repository_size", "wiki_size", "lfs_objects_size", "job_artifacts_size",
                                    "pipeline_artifacts_size", "packages_size", "snippets_size", "uploads_size"]

    /// Who may create projects in a group (`project_creation_level`).
    func canCreateProject(in group: GroupRecord) throws -> Bool {
        let level = try ctx.access.level(group)
        if level >= AccessLevel.admin { return true }
        switch group.setting("project_creation_level").stringValue ?? "developer" {
        case "noone": return false
        case "maintainer": return level >= AccessLevel.maintainer
        default: return level >= AccessLevel.developer
        }
    }

    func create(_ params: Params) throws -> ProjectRecord {
        let group = try ctx.findGroup(params["namespace_id"])
        guard try canCreateProject(in: group) else { throw APIError.forbidden() }
        let name = params.string("name") ?? params.string("path") ?? ""
        let path = params.string("path") ?? name.lowercased().replacingOccurrences(of: " ", with: "-")
        let visibility = params.string("visibility").flatMap(Visibility.init(name:)) ?? .private
        var errors = FieldErrors()
        if name.isEmpty { errors.add("name", "can't be blank") }
        for m in PathRules.errors(path: path, topLevel: false, changed: true) { errors.add("path", m) }
        if errors["path"].isEmpty, try pathTaken(path, in: group, excluding: nil) { errors.add("path", "has already been taken") }
        if try Bool.fetchOne(ctx.db, sql: "SELECT EXISTS (SELECT 1 FROM projects WHERE namespace_id = ? AND name = ?)", arguments: [group.id, name]) ?? false {
            errors.add("name", "has already been taken")
        }
        if visibility > group.visibility { errors.add(VisibilityRules.field, VisibilityRules.projectMessage(visibility, group: group.visibility)) }
        if !errors.isEmpty { throw APIError.validation(errors) }
        var columns = ["namespace_id", "name", "path", "description", "visibility_level", "topics", "creator_id", "created_at", "updated_at", "last_activity_at"]
        var values: [any DatabaseValueConvertible] = [group.id, name, path, params.string("description"), visibility.rawValue,
                                                      JSONText.encode(.array(params.stringArray("topics").map { .string($0) })),
                                                      ctx.caller.id, ctx.now, ctx.now, ctx.now]
        if let b = params.string("default_branch") { columns.append("default_branch"); values.append(b) }
        if let a = params.bool("archived") { columns.append("archived"); values.append(a) }
        for f in ProjectFeatures.names { if let v = params.bool(f) { columns.append(f); values.append(v) } }
        try ctx.db.execute(sql: "INSERT INTO projects (\(columns.joined(separator: ", "))) VALUES (\(columns.map { _ in "?" }.joined(separator: ", ")))",
                           arguments: StatementArguments(values))
        let project = try readBack(ProjectRecord.find(ctx.db, id: ctx.db.lastInsertedRowID))
        try PushRuleService.copyToNewProject(ctx, projectId: project.id, groupId: group.id)
        try ctx.audit("project.create", "Project", id: project.id, path: project.pathWithNamespace, changes: [
            .init(attribute: "name", old: .null, new: .string(name)), .init(attribute: "visibility", old: .null, new: .string(visibility.name)),
        ])
        return project
    }

    func pathTaken(_ path: String, in group: GroupRecord, excluding id: Int64?) throws -> Bool {
        if try Bool.fetchOne(ctx.db, sql: "SELECT EXISTS (SELECT 1 FROM projects WHERE namespace_id = ? AND path = ? COLLATE NOCASE AND id IS NOT ?)", arguments: [group.id, path, id]) ?? false { return true }
        return try Bool.fetchOne(ctx.db, sql: "SELECT EXISTS (SELECT 1 FROM namespaces WHERE full_path = ? COLLATE NOCASE)", arguments: [group.fullPath + "/" + path]) ?? false
    }

    func update(_ project: ProjectRecord, _ params: Params) throws -> ProjectRecord {
        let finder = ProjectFinder(ctx)
        guard try finder.level(project) >= AccessLevel.maintainer else { throw APIError.forbidden() }
        var sets: [String] = []
        var args: [any DatabaseValueConvertible] = []
        var changes: [AuditEvent.Change] = []
        func set(_ column: String, _ value: any DatabaseValueConvertible, audit old: JSONValue, _ new: JSONValue) {
            guard old != new else { return }
            sets.append("\(column) = ?"); args.append(value)
            changes.append(.init(attribute: column, old: old, new: new))
        }
        if let v = params.string("visibility").flatMap(Visibility.init(name:)) {
            let group = try readBack(GroupRecord.find(ctx.db, id: project.namespaceId))
            if v > group.visibility { throw APIError.validation(FieldErrors(VisibilityRules.field, VisibilityRules.projectMessage(v, group: group.visibility))) }
            set("visibility_level", v.rawValue, audit: .string(project.visibility.name), .string(v.name))
        }
        if let a = params.bool("archived") { set("archived", a, audit: .bool(project.archived), .bool(a)) }
        if params.has("topics") {
            let topics = params.stringArray("topics")
            set("topics", JSONText.encode(.array(topics.map { .string($0) })), audit: .array(project.topics.map { .string($0) }), .array(topics.map { .string($0) }))
        }
        if let d = params.string("description") { set("description", d, audit: project.description.json, .string(d)) }
        if let n = params.string("name") { set("name", n, audit: .string(project.name), .string(n)) }
        for f in ProjectFeatures.names { if let v = params.bool(f) { set(f, v, audit: .bool(project.features[f] ?? true), .bool(v)) } }
        for s in Self.statisticsColumns { if let v = params.int(s) { guard ctx.caller.isAdmin else { throw APIError.forbidden() }; set(s, v, audit: .null, .int(v)) } }
        if !sets.isEmpty {
            try ctx.db.execute(sql: "UPDATE projects SET \(sets.joined(separator: ", ")), updated_at = ? WHERE id = ?", arguments: StatementArguments(args + [ctx.now, project.id]))
            try ctx.audit("project.update", "Project", id: project.id, path: project.pathWithNamespace, changes: changes)
        }
        return try readBack(ProjectRecord.find(ctx.db, id: project.id))
    }

    /// Returns false when the project was already starred (REST answers 304).
    func star(_ project: ProjectRecord) throws -> Bool {
        guard let userId = ctx.caller.id else { throw APIError.unauthorized }
        try ctx.db.execute(sql: "INSERT OR IGNORE INTO project_stars (user_id, project_id) VALUES (?, ?)", arguments: [userId, project.id])
        guard ctx.db.changesCount > 0 else { return false }
        try ctx.audit("project.star", "Project", id: project.id, path: project.pathWithNamespace)
        return true
    }

    func share(_ project: ProjectRecord, groupRef: JSONValue?, access: Int64, expiresAt: String?) throws {
        guard try ProjectFinder(ctx).level(project) >= AccessLevel.maintainer else { throw APIError.forbidden() }
        guard let ref = groupRef, let group = try ctx.lookupGroup(ref), try ctx.access.canRead(group) else { throw APIError.notFound("Group") }
        if try Bool.fetchOne(ctx.db, sql: "SELECT EXISTS (SELECT 1 FROM project_group_links WHERE project_id = ? AND group_id = ?)", arguments: [project.id, group.id]) ?? false {
            throw APIError.api("Group already shared with this group", status: 409)
        }
        try ctx.db.execute(sql: "INSERT INTO project_group_links (project_id, group_id, group_access, expires_at, created_at) VALUES (?, ?, ?, ?, ?)",
                           arguments: [project.id, group.id, access, expiresAt, ctx.now])
        try ctx.audit("project.share", "Project", id: project.id, path: project.pathWithNamespace, changes: [
            .init(attribute: "shared_with_group", old: .null, new: .string(group.fullPath)), .init(attribute: "group_access", old: .null, new: .int(access)),
        ])
    }

    /// `POST /groups/:id/projects/:project_id` (instance administrators only).
    func transfer(_ project: ProjectRecord, to group: GroupRecord) throws {
        if try pathTaken(project.path, in: group, excluding: project.id) || (try Bool.fetchOne(ctx.db, sql: "SELECT EXISTS (SELECT 1 FROM projects WHERE namespace_id = ? AND name = ? AND id <> ?)", arguments: [group.id, project.name, project.id]) ?? false) {
            let errors = FieldErrors("new_namespace", "Project with same name or path in target namespace already exists")
            throw APIError(status: 400, body: .message("Failed to transfer project \(errors.rubyInspect)"), fieldErrors: errors)
        }
        let visibility = min(project.visibility, group.visibility)
        try ctx.db.execute(sql: "UPDATE projects SET namespace_id = ?, visibility_level = ?, updated_at = ? WHERE id = ?",
                           arguments: [group.id, visibility.rawValue, ctx.now, project.id])
        try ctx.audit("project.transfer", "Project", id: project.id, path: group.fullPath + "/" + project.path, changes: [
            .init(attribute: "namespace", old: .string(project.namespaceFullPath), new: .string(group.fullPath)),
        ])
    }
}
