import GRDB

/// Renders projects as the seeds' group-project lists do (`Entities::Project` subset that
/// these operations use, and `Entities::BasicProjectDetails` for `simple=true`).
struct ProjectPresenter {
    let ctx: OperationContext

    var base: String { ctx.store.baseURL }
    private var host: String { base.replacingOccurrences(of: "https://", with: "").replacingOccurrences(of: "http://", with: "").split(separator: ":").first.map(String.init) ?? "localhost" }

    func webURL(_ p: ProjectRecord) -> String { "\(base)/\(p.pathWithNamespace)" }

    private func namespace(_ p: ProjectRecord, full: Bool) -> JSONValue {
        var o = JSONObject([("id", .int(p.namespaceId)), ("name", .string(p.namespaceName)), ("path", .string(p.namespacePath)), ("kind", "group")])
        if full {
            o["full_path"] = .string(p.namespaceFullPath)
            o["parent_id"] = p.namespaceParentId.json
            o["avatar_url"] = p.namespaceAvatar.map { .string("\(base)/uploads/-/system/group/avatar/\(p.namespaceId)/\($0)") } ?? .null
            o["web_url"] = .string("\(base)/groups/\(p.namespaceFullPath)")
        }
        return .object(o)
    }

    /// `simple=true`.
    func simple(_ p: ProjectRecord) -> JSONValue {
        .object([
            ("id", .int(p.id)), ("description", p.description.json), ("name", .string(p.name)),
            ("name_with_namespace", .string(p.nameWithNamespace)), ("path", .string(p.path)),
            ("path_with_namespace", .string(p.pathWithNamespace)), ("created_at", .string(Timestamp.iso8601(p.createdAt))),
            ("default_branch", .string(p.defaultBranch)), ("tag_list", .array(p.topics.map { .string($0) })),
            ("topics", .array(p.topics.map { .string($0) })),
            ("ssh_url_to_repo", .string("git@\(host):\(p.pathWithNamespace).git")),
            ("http_url_to_repo", .string("\(webURL(p)).git")), ("web_url", .string(webURL(p))),
            ("avatar_url", .null), ("star_count", .int(p.starCount)),
            ("last_activity_at", .string(Timestamp.iso8601(p.lastActivityAt))), ("namespace", namespace(p, full: true)),
        ])
    }

    /// The project shape of `GET /groups/:id/projects` and of a group's `projects`.
    func basic(_ p: ProjectRecord) throws -> JSONValue {
        var o = JSONObject()
        o["id"] = .int(p.id)
        o["description"] = p.description.json
        o["default_branch"] = .string(p.defaultBranch)
        o["tag_list"] = .array(p.topics.map { .string($0) })
        o["topics"] = .array(p.topics.map { .string($0) })
        o["archived"] = .bool(p.archived)
        o["visibility"] = .string(p.visibility.name)
        o["ssh_url_to_repo"] = .string("git@\(host):\(p.pathWithNamespace).git")
        o["http_url_to_repo"] = .string("\(webURL(p)).git")
        o["web_url"] = .string(webURL(p))
        o["name"] = .string(p.name)
        o["name_with_namespace"] = .string(p.nameWithNamespace)
        o["path"] = .string(p.path)
        o["path_with_namespace"] = .string(p.pathWithNamespace)
        for f in ProjectRecord.featureNames { o[f] = .bool(p.features[f] ?? true) }
        o["created_at"] = .string(Timestamp.iso8601(p.createdAt))
        o["last_activity_at"] = .string(Timestamp.iso8601(p.lastActivityAt))
        o["shared_runners_enabled"] = true
        o["creator_id"] = p.creatorId.json
        o["namespace"] = namespace(p, full: false)
        o["avatar_url"] = .null
        o["star_count"] = .int(p.starCount)
        o["forks_count"] = 0
        o["open_issues_count"] = 0
        o["public_jobs"] = true
        o["shared_with_groups"] = try sharedWithGroups(p)
        o["request_access_enabled"] = false
        return .object(o)
    }

    func sharedWithGroups(_ p: ProjectRecord) throws -> JSONValue {
        let rows = try Row.fetchAll(ctx.db, cachedSQL: """
            SELECT l.group_id, l.group_access, l.expires_at, n.name, n.full_path FROM project_group_links l
            JOIN namespaces n ON n.id = l.group_id WHERE l.project_id = ? ORDER BY l.id
            """, arguments: [p.id])
        return .array(rows.map { row in
            .object([("group_id", .int(row["group_id"] as Int64)), ("group_name", .string(row["name"])),
                     ("group_full_path", .string(row["full_path"])), ("group_access_level", .int(row["group_access"] as Int64)),
                     ("expires_at", (row["expires_at"] as String?).json)])
        })
    }
}
