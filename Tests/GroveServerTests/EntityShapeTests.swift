import Foundation
import GroveCore
import Testing

/// Grove's entities beside the examples of GitLab's documentation, field by field: every
/// documented field is sent, or is one GitLab itself omits in Grove's situation (named
/// here with the reason), and every field sent is documented, or one newer GitLab sends.
@Suite("Entity shapes against GitLab's documented examples")
struct EntityShapeTests {
    static let testsDirectory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()

    static func example(_ file: String) throws -> JSONValue {
        try JSONText.decode(String(contentsOf: testsDirectory.appendingPathComponent(file), encoding: .utf8))
    }

    /// The seeds' example of `GET /groups/:id/projects/shared`: the full project entity.
    static func seedProjectExample() throws -> JSONObject {
        let text = try String(contentsOf: testsDirectory.appendingPathComponent("seeds/groups_api.txt"), encoding: .utf8)
        let start = try #require(text.range(of: "GET /groups/:id/projects/shared"))
        let response = try #require(text.range(of: "Example response:\n", range: start.upperBound..<text.endIndex))
        let end = try #require(text.range(of: "\nDetails of a group", range: response.upperBound..<text.endIndex))
        // The doc annotates a field with a `//` comment.
        let json = text[response.upperBound..<end.lowerBound].split(separator: "\n")
            .map { line in line.range(of: " //").map { String(line[..<$0.lowerBound]) } ?? String(line) }.joined(separator: "\n")
        return try #require(try JSONText.decode(json).arrayValue?.first?.objectValue)
    }

    func compare(_ ours: JSONObject?, _ documented: JSONObject?, omitted: Set<String>, added: Set<String>, _ what: String) {
        let oursKeys = Set(ours?.keys ?? []), documentedKeys = Set(documented?.keys ?? [])
        #expect(documentedKeys.subtracting(oursKeys) == omitted, "\(what): documented but not sent")
        #expect(oursKeys.subtracting(documentedKeys) == added, "\(what): sent but not in the example")
        for key in oursKeys.intersection(documentedKeys) {
            guard let a = ours?[key], let b = documented?[key] else { continue }
            #expect(SeedCurlJSON.kind(a) == SeedCurlJSON.kind(b) || a.isNull || b.isNull, "\(what).\(key): \(a) beside the documented \(b)")
        }
    }

    @Test("project: GET /projects/:id and a group's projects beside the seeds' example; namespace is NamespaceBasic")
    func project() async throws {
        try await withServer { server in
            let root = try server.token()
            _ = try await server.request("POST", "/api/v4/groups", token: root, body: .json(["name": "H5bp", "path": "h5bp", "visibility": "public"]))
            _ = try await server.request("POST", "/api/v4/groups", token: root, body: .json(["name": "Commit451", "path": "commit451"]))
            let created = try await server.request("POST", "/api/v4/projects", token: root,
                                                   body: .json(["name": "Html5 Boilerplate", "namespace_id": "h5bp", "visibility": "public"]))
            #expect(created.status == 201, "\(created)")
            let id = try #require(created.json?["id"]?.intValue)
            _ = try await server.request("POST", "/api/v4/projects/\(id)/share", token: root, body: .json(["group_id": "commit451", "group_access": 30]))
            let documented = try Self.seedProjectExample()
            let shared = try await server.request("GET", "/api/v4/groups/commit451/projects/shared", token: root)
            let listed = try #require(shared.json?.arrayValue?.first?.objectValue, "\(shared)")
            // Newer GitLab's fields, beyond the seeds' edition of the example.
            let newer: Set<String> = [
                "container_registry_image_prefix", "packages_enabled", "repository_object_format", "service_desk_enabled", "service_desk_address",
                "analytics_access_level", "container_registry_access_level", "releases_access_level", "environments_access_level",
                "feature_flags_access_level", "infrastructure_access_level", "monitor_access_level", "model_experiments_access_level",
                "model_registry_access_level", "import_url", "import_type", "import_error", "description_html", "updated_at", "ci_job_token_scope_enabled",
                "ci_separated_caches", "build_git_strategy", "keep_latest_artifact", "restrict_user_defined_variables", "group_runners_enabled",
                "allow_merge_on_skipped_pipeline", "squash_option", "enforce_auth_checks_on_uploads", "merge_commit_template",
                "squash_commit_template", "issue_branch_template",
            ]
            compare(listed, documented, omitted: [], added: newer, "project")
            compare(listed["namespace"]?.objectValue, documented["namespace"]?.objectValue, omitted: [], added: [], "project.namespace")
            compare(listed["_links"]?.objectValue, documented["_links"]?.objectValue, omitted: [], added: ["cluster_agents"], "project._links")
            compare(listed["container_expiration_policy"]?.objectValue, documented["container_expiration_policy"]?.objectValue,
                    omitted: [], added: [], "project.container_expiration_policy")
            compare(listed["shared_with_groups"]?.arrayValue?.first?.objectValue, documented["shared_with_groups"]?.arrayValue?.first?.objectValue,
                    omitted: [], added: [], "project.shared_with_groups")
            #expect(listed["namespace"]?["web_url"]?.stringValue?.hasSuffix("/groups/h5bp") == true)

            // GET /projects/:id is ProjectWithAccess: the same plus permissions.
            let single = try await server.request("GET", "/api/v4/projects/h5bp%2Fhtml5-boilerplate", token: root)
            let detail = try #require(single.json?.objectValue)
            #expect(Set(detail.keys).subtracting(listed.keys) == ["permissions"])
            #expect(detail["permissions"]?["group_access"]?["access_level"]?.intValue == 50, "root created h5bp: \(detail["permissions"] ?? .null)")
            #expect(detail["permissions"]?["project_access"] == .null)
            // GET /projects: ProjectWithAccess too; anonymous callers get the simple entity of public projects.
            let all = try await server.request("GET", "/api/v4/projects", token: root)
            #expect(all.json?.arrayValue?.first?.objectValue?.keys == detail.keys, "\(all)")
            #expect(all.header("X-Total") == "1")
            let anonymous = try await server.request("GET", "/api/v4/projects")
            #expect(anonymous.json?.arrayValue?.first?["namespace"]?.objectValue?.keys == documented["namespace"]?.objectValue?.keys)
            #expect(anonymous.json?.arrayValue?.first?["permissions"] == nil && anonymous.json?.arrayValue?.first?["_links"] == nil)
            // A developer sees no CI or admin fields.
            _ = try server.store.perform("users.create", params: ["username": "dev", "email": "dev@example.com"], as: .root)
            _ = try await server.request("POST", "/api/v4/groups/h5bp/members", token: root, body: .json(["user_id": "dev", "access_level": 30]))
            let asDeveloper = try #require(try await server.request("GET", "/api/v4/projects/\(id)", token: try server.token(user: "dev")).json?.objectValue)
            #expect(Set(detail.keys).subtracting(asDeveloper.keys) == [
                "repository_storage", "import_url", "import_error", "ci_default_git_depth", "ci_forward_deployment_enabled",
                "ci_forward_deployment_rollback_allowed", "ci_job_token_scope_enabled", "ci_separated_caches",
                "ci_allow_fork_pipelines_to_run_in_parent_project", "build_git_strategy", "keep_latest_artifact", "restrict_user_defined_variables",
                "group_runners_enabled", "auto_cancel_pending_pipelines", "build_timeout", "auto_devops_enabled", "auto_devops_deploy_strategy",
                "ci_config_path",
            ])
            // simple=true: BasicProjectDetails, namespace included.
            let simple = try await server.request("GET", "/api/v4/groups/h5bp/projects?simple=true", token: root)
            #expect(simple.json?.arrayValue?.first?["namespace"]?.objectValue?.keys == documented["namespace"]?.objectValue?.keys)
            #expect(simple.json?.arrayValue?.first?["_links"] == nil)
        }
    }

    @Test("namespaces: user and group namespaces beside the Namespaces API examples; exists")
    func namespaces() async throws {
        try await withServer { server in
            let root = try server.token()
            _ = try await server.request("POST", "/api/v4/groups", token: root, body: .json(["name": "group1", "path": "group1"]))
            let examples = try Self.example("entities/namespaces.json")
            let listed = try await server.request("GET", "/api/v4/namespaces", token: root)
            let user = listed.json?.arrayValue?.first?.objectValue, group = listed.json?.arrayValue?.last?.objectValue
            // end_date: only with a GitLab.com subscription; root_repository_size and
            // projects_count: only for groups (`admin_request_for_group?`), though the example shows them.
            compare(user, examples["list_user_namespace"]?.objectValue, omitted: ["end_date", "root_repository_size", "projects_count"],
                    added: ["shared_runners_minutes_limit", "extra_shared_runners_minutes_limit", "additional_purchased_storage_size",
                            "additional_purchased_storage_ends_on"], "user namespace, seen by an administrator")
            let groupAdded: Set<String> = ["avatar_url", "web_url", "root_repository_size", "projects_count", "shared_runners_minutes_limit",
                                           "extra_shared_runners_minutes_limit", "additional_purchased_storage_size",
                                           "additional_purchased_storage_ends_on", "billable_members_count", "plan", "trial_ends_on", "trial"]
            compare(group, examples["list_group_namespace"]?.objectValue, omitted: [], added: groupAdded, "group namespace (12.10's example)")
            let searched = try await server.request("GET", "/api/v4/namespaces?search=group1", token: root)
            compare(searched.json?.arrayValue?.first?.objectValue, examples["search_group_namespace"]?.objectValue, omitted: [], added: groupAdded, "searched")
            let exists = try await server.request("GET", "/api/v4/namespaces/group1/exists", token: root)
            compare(exists.json?.objectValue, examples["exists"]?.objectValue, omitted: [], added: [], "exists")
        }
    }

    @Test("memberships beside the users API example (access_level an integer, as the column is)")
    func memberships() async throws {
        try await withServer { server in
            let root = try server.token()
            _ = try await server.request("POST", "/api/v4/groups", token: root, body: .json(["name": "Group three", "path": "group-three"]))
            let held = try await server.request("GET", "/api/v4/users/1/memberships", token: root)
            let documented = try Self.example("entities/memberships.json").arrayValue?.last?.objectValue
            let ours = held.json?.arrayValue?.first?.objectValue
            #expect(Set(ours?.keys ?? []) == Set(documented?.keys ?? []))
            #expect(ours?["source_name"] == "Group three" && ours?["source_type"] == documented?["source_type"])
        }
    }
}
