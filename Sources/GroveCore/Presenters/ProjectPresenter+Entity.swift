import GroveFormats
import GRDB

/// GitLab's `Entities::Project` (what `GET /projects/:id`, `POST /projects` and a group's
/// project lists answer), in the order of the seeds' example of `GET /groups/:id/projects/shared`,
/// with `namespace` as `NamespaceBasic`; `ProjectWithAccess` adds `permissions`. Grove keeps
/// no repositories, so a project is an empty repository with GitLab's defaults for what it
/// does not store.
extension ProjectPresenter {
    func entity(_ p: ProjectRecord) -> JSONValue {
        .object(fieldCount: 128) { entity(p, into: &$0) }
    }

    func entity(_ p: ProjectRecord, into o: inout some JSONObjectBuilder) {
        let level = callerLevel(in: p)
        let administers = level >= AccessLevel.maintainer
        let feature = { (name: String) in p.features[name] ?? true }
        let api = "\(fields.base)/api/v4/projects/\(p.id)"
        let pathWithNamespace = p.pathWithNamespace
        let web = fields.base + "/" + pathWithNamespace
        o.append("id", .int(p.id))
        o.append("description", p.description.json)
        o.append("name", .string(p.name))
        o.append("name_with_namespace", .string(p.nameWithNamespace))
        o.append("path", .string(p.path))
        o.append("path_with_namespace", .string(pathWithNamespace))
        o.append("created_at", iso8601: p.createdAt)
        o.append("default_branch", .string(p.defaultBranch))
        o.append("tag_list", .array(p.topics.map { .string($0) }))
        o.append("topics", .array(p.topics.map { .string($0) }))
        o.append("ssh_url_to_repo", .string("git@\(fields.host):\(pathWithNamespace).git"))
        o.append("http_url_to_repo", web, ".git")
        o.append("web_url", .string(web))
        o.append("readme_url", .null)
        o.append("forks_count", 0)
        o.append("avatar_url", .null)
        o.append("star_count", .int(p.starCount))
        o.append("last_activity_at", iso8601: p.lastActivityAt)
        o.appendObject("namespace", fieldCount: 8) { fields.namespace(p, full: true, into: &$0) }
        if callerIsAdmin { o.append("repository_storage", "default") }
        o.append("container_registry_image_prefix", .string("\(fields.host)/\(pathWithNamespace.lowercased())"))
        o.appendObject("_links", fieldCount: 8) { links in
            links.append("self", .string(api))
            if feature("issues_enabled") { links.append("issues", api, "/issues") }
            if feature("merge_requests_enabled") { links.append("merge_requests", api, "/merge_requests") }
            for (name, tail) in Self.linkTails { links.append(name, api, tail) }
        }
        o.append("packages_enabled", true)
        o.append("empty_repo", true)
        o.append("archived", .bool(p.archived))
        o.append("visibility", .string(p.visibility.name))
        o.append("resolve_outdated_diff_discussions", false)
        o.appendObject("container_expiration_policy", fieldCount: 7) { policy in
            for (name, value) in Self.expirationPolicyDefaults { policy.append(name, value) }
            // A day after creation; an instant at the end of time stays there.
            policy.append("next_run_at", iso8601: p.createdAt.addingReportingOverflow(86_400_000).overflow ? .max : p.createdAt + 86_400_000)
        }
        o.append("repository_object_format", "sha1")
        for name in ProjectFeatures.names { o.append(name, .bool(feature(name))) }
        o.append("service_desk_enabled", false)
        o.append("service_desk_address", .null)
        o.append("can_create_merge_request_in", .bool(level >= AccessLevel.developer))
        let onOff = { (name: String) -> JSONValue in feature(name) ? "enabled" : "disabled" }
        o.append("issues_access_level", onOff("issues_enabled"))
        o.append("repository_access_level", "enabled")
        o.append("merge_requests_access_level", onOff("merge_requests_enabled"))
        o.append("forking_access_level", "enabled")
        o.append("wiki_access_level", onOff("wiki_enabled"))
        o.append("builds_access_level", onOff("jobs_enabled"))
        o.append("snippets_access_level", onOff("snippets_enabled"))
        o.append("pages_access_level", p.visibility == .public ? "enabled" : "private")
        o.append("analytics_access_level", "enabled")
        o.append("container_registry_access_level", onOff("container_registry_enabled"))
        o.append("security_and_compliance_access_level", "private")
        for name in Self.enabledAccessLevels { o.append(name, "enabled") }
        o.append("emails_disabled", false)
        o.append("emails_enabled", true)
        o.append("shared_runners_enabled", true)
        o.append("lfs_enabled", true)
        o.append("creator_id", p.creatorId.json)
        if callerIsAdmin { o.append("import_url", .null) }
        o.append("import_type", .null)
        o.append("import_status", "none")
        if administers { o.append("import_error", .null) }
        if feature("issues_enabled") { o.append("open_issues_count", 0) }
        o.append("description_html", .string(p.description.map { $0.isEmpty ? "" : "<p dir=\"auto\">\(Self.escapeHTML($0))</p>" } ?? ""))
        o.append("updated_at", iso8601: p.updatedAt)
        if administers {
            for (name, value) in Self.ciDefaults { o.append(name, value) }
        }
        o.append("public_jobs", true)
        o.append("shared_with_groups", sharedWithGroups(p))
        for (name, value) in Self.mergeDefaults { o.append(name, value) }
        if withAccess {
            let groupLevel = groupLevel(of: p)
            o.append("permissions", .object([
                ("project_access", .null),
                ("group_access", groupLevel > 0 ? .object([("access_level", .int(groupLevel)), ("notification_level", 3)]) : .null),
            ]))
        }
    }

    // What every project shows alike, built once.
    private static let enabledAccessLevels = ["releases_access_level", "environments_access_level", "feature_flags_access_level",
                                              "infrastructure_access_level", "monitor_access_level", "model_experiments_access_level",
                                              "model_registry_access_level"]
    private static let linkTails = [("repo_branches", "/repository/branches"), ("labels", "/labels"), ("events", "/events"),
                                    ("members", "/members"), ("cluster_agents", "/cluster_agents")]
    private static let expirationPolicyDefaults: [(String, JSONValue)] = [
        ("cadence", "1d"), ("enabled", false), ("keep_n", 10), ("older_than", "90d"), ("name_regex", ".*"), ("name_regex_keep", .null),
    ]
    private static let ciDefaults: [(String, JSONValue)] = [
        ("ci_default_git_depth", 20), ("ci_forward_deployment_enabled", true), ("ci_forward_deployment_rollback_allowed", true),
        ("ci_job_token_scope_enabled", false), ("ci_separated_caches", true),
        ("ci_allow_fork_pipelines_to_run_in_parent_project", true), ("build_git_strategy", "fetch"),
        ("keep_latest_artifact", true), ("restrict_user_defined_variables", false), ("group_runners_enabled", true),
        ("auto_cancel_pending_pipelines", "enabled"), ("build_timeout", 3600), ("auto_devops_enabled", true),
        ("auto_devops_deploy_strategy", "continuous"), ("ci_config_path", .null),
    ]
    private static let mergeDefaults: [(String, JSONValue)] = [
        ("only_allow_merge_if_pipeline_succeeds", false), ("allow_merge_on_skipped_pipeline", .null),
        ("request_access_enabled", false), ("only_allow_merge_if_all_discussions_are_resolved", false),
        ("remove_source_branch_after_merge", true), ("printing_merge_request_link_enabled", true),
        ("merge_method", "merge"), ("squash_option", "default_off"), ("enforce_auth_checks_on_uploads", true),
        ("suggestion_commit_message", .null), ("merge_commit_template", .null), ("squash_commit_template", .null),
        ("issue_branch_template", .null), ("autoclose_referenced_issues", true),
    ]

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
