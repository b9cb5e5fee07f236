import GroveFormats
import GRDB

/// GitLab's `Entities::Project` (what `GET /projects/:id`, `POST /projects` and a group's
/// project lists answer), in the order of the seeds' example of `GET /groups/:id/projects/shared`,
/// with `namespace` as `NamespaceBasic`; `ProjectWithAccess` adds `permissions`. Grove keeps
/// no repositories, so a project is an empty repository with GitLab's defaults for what it
/// does not store.
extension ProjectPresenter {
    func entity(_ p: ProjectRecord, withAccess: Bool = false) throws -> JSONValue {
        let finder = ProjectFinder(ctx)
        let level = try finder.level(p)
        let administers = level >= AccessLevel.maintainer
        let feature = { (name: String) in p.features[name] ?? true }
        let api = "\(base)/api/v4/projects/\(p.id)"
        let pathWithNamespace = p.pathWithNamespace
        let web = base + "/" + pathWithNamespace
        var o = JSONObject(capacity: 128)
        o.append("id", .int(p.id))
        o.append("description", p.description.json)
        o.append("name", .string(p.name))
        o.append("name_with_namespace", .string(p.nameWithNamespace))
        o.append("path", .string(p.path))
        o.append("path_with_namespace", .string(pathWithNamespace))
        o.append("created_at", .string(Timestamp.iso8601(p.createdAt)))
        o.append("default_branch", .string(p.defaultBranch))
        o.append("tag_list", .array(p.topics.map { .string($0) }))
        o.append("topics", .array(p.topics.map { .string($0) }))
        o.append("ssh_url_to_repo", .string("git@\(host):\(pathWithNamespace).git"))
        o.append("http_url_to_repo", .string(web + ".git"))
        o.append("web_url", .string(web))
        o.append("readme_url", .null)
        o.append("forks_count", 0)
        o.append("avatar_url", .null)
        o.append("star_count", .int(p.starCount))
        o.append("last_activity_at", .string(Timestamp.iso8601(p.lastActivityAt)))
        o.append("namespace", namespace(p, full: true))
        if ctx.caller.isAdmin { o.append("repository_storage", "default") }
        o.append("container_registry_image_prefix", .string("\(host)/\(pathWithNamespace.lowercased())"))
        var links = JSONObject(capacity: 7)
        links.append("self", .string(api))
        if feature("issues_enabled") { links.append("issues", .string("\(api)/issues")) }
        if feature("merge_requests_enabled") { links.append("merge_requests", .string("\(api)/merge_requests")) }
        for (name, tail) in [("repo_branches", "repository/branches"), ("labels", "labels"), ("events", "events"), ("members", "members"),
                             ("cluster_agents", "cluster_agents")] {
            links.append(name, .string("\(api)/\(tail)"))
        }
        o.append("_links", .object(links))
        o.append("packages_enabled", true)
        o.append("empty_repo", true)
        o.append("archived", .bool(p.archived))
        o.append("visibility", .string(p.visibility.name))
        o.append("resolve_outdated_diff_discussions", false)
        o.append("container_expiration_policy", .object([
            ("cadence", "1d"), ("enabled", false), ("keep_n", 10), ("older_than", "90d"), ("name_regex", ".*"), ("name_regex_keep", .null),
            ("next_run_at", .string(Timestamp.iso8601(p.createdAt + 86_400_000))),
        ]))
        o.append("repository_object_format", "sha1")
        for name in ProjectFeatures.names { o.append(name, .bool(feature(name))) }
        o.append("service_desk_enabled", false)
        o.append("service_desk_address", .null)
        o.append("can_create_merge_request_in", .bool(level >= AccessLevel.developer))
        let onOff = { (enabled: Bool) -> JSONValue in enabled ? "enabled" : "disabled" }
        for (name, value) in [("issues_access_level", onOff(feature("issues_enabled"))), ("repository_access_level", "enabled"),
                              ("merge_requests_access_level", onOff(feature("merge_requests_enabled"))), ("forking_access_level", "enabled"),
                              ("wiki_access_level", onOff(feature("wiki_enabled"))), ("builds_access_level", onOff(feature("jobs_enabled"))),
                              ("snippets_access_level", onOff(feature("snippets_enabled"))), ("pages_access_level", p.visibility == .public ? "enabled" : "private"),
                              ("analytics_access_level", "enabled"), ("container_registry_access_level", onOff(feature("container_registry_enabled"))),
                              ("security_and_compliance_access_level", "private"), ("releases_access_level", "enabled"),
                              ("environments_access_level", "enabled"), ("feature_flags_access_level", "enabled"),
                              ("infrastructure_access_level", "enabled"), ("monitor_access_level", "enabled"),
                              ("model_experiments_access_level", "enabled"), ("model_registry_access_level", "enabled")] as [(String, JSONValue)] {
            o.append(name, value)
        }
        o.append("emails_disabled", false)
        o.append("emails_enabled", true)
        o.append("shared_runners_enabled", true)
        o.append("lfs_enabled", true)
        o.append("creator_id", p.creatorId.json)
        if ctx.caller.isAdmin { o.append("import_url", .null) }
        o.append("import_type", .null)
        o.append("import_status", "none")
        if administers { o.append("import_error", .null) }
        if feature("issues_enabled") { o.append("open_issues_count", 0) }
        o.append("description_html", .string(p.description.map { $0.isEmpty ? "" : "<p dir=\"auto\">\(Self.escapeHTML($0))</p>" } ?? ""))
        o.append("updated_at", .string(Timestamp.iso8601(p.updatedAt)))
        if administers {
            for (name, value) in [("ci_default_git_depth", 20), ("ci_forward_deployment_enabled", true), ("ci_forward_deployment_rollback_allowed", true),
                                  ("ci_job_token_scope_enabled", false), ("ci_separated_caches", true),
                                  ("ci_allow_fork_pipelines_to_run_in_parent_project", true), ("build_git_strategy", "fetch"),
                                  ("keep_latest_artifact", true), ("restrict_user_defined_variables", false), ("group_runners_enabled", true),
                                  ("auto_cancel_pending_pipelines", "enabled"), ("build_timeout", 3600), ("auto_devops_enabled", true),
                                  ("auto_devops_deploy_strategy", "continuous"), ("ci_config_path", .null)] as [(String, JSONValue)] {
                o.append(name, value)
            }
        }
        o.append("public_jobs", true)
        o.append("shared_with_groups", try sharedWithGroups(p))
        for (name, value) in [("only_allow_merge_if_pipeline_succeeds", false), ("allow_merge_on_skipped_pipeline", .null),
                              ("request_access_enabled", false), ("only_allow_merge_if_all_discussions_are_resolved", false),
                              ("remove_source_branch_after_merge", true), ("printing_merge_request_link_enabled", true),
                              ("merge_method", "merge"), ("squash_option", "default_off"), ("enforce_auth_checks_on_uploads", true),
                              ("suggestion_commit_message", .null), ("merge_commit_template", .null), ("squash_commit_template", .null),
                              ("issue_branch_template", .null), ("autoclose_referenced_issues", true)] as [(String, JSONValue)] {
            o.append(name, value)
        }
        if withAccess {
            // Grove has no project members: access comes from the group hierarchy.
            let groupLevel = try ctx.memberAccess.level(prefix: p.namespaceTraversalIds)
            o.append("permissions", .object([
                ("project_access", .null),
                ("group_access", groupLevel > 0 ? .object([("access_level", .int(groupLevel)), ("notification_level", 3)]) : .null),
            ]))
        }
        return .object(o)
    }

    static func escapeHTML(_ text: String) -> String {
        var out = ""
        for c in text {
            switch c {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            default: out.append(c)
            }
        }
        return out
    }
}
