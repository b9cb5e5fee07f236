import Foundation
import GroveFormats
import GRDB

/// A group hook's event flags, with the `X-Gitlab-Event` each one sends.
enum HookEvent {
    /// (flag, header, default, object_kind of the test payload)
    static let all: [(flag: String, header: String, defaultOn: Bool)] = [
        ("push_events", "Push Hook", true), ("tag_push_events", "Tag Push Hook", false), ("issues_events", "Issue Hook", false),
        ("confidential_issues_events", "Confidential Issue Hook", false), ("note_events", "Note Hook", false),
        ("confidential_note_events", "Confidential Note Hook", false), ("merge_requests_events", "Merge Request Hook", false),
        ("job_events", "Job Hook", false), ("pipeline_events", "Pipeline Hook", false), ("wiki_page_events", "Wiki Page Hook", false),
        ("deployment_events", "Deployment Hook", false), ("feature_flag_events", "Feature Flag Hook", false),
        ("releases_events", "Release Hook", false), ("member_events", "Member Hook", false), ("subgroup_events", "Subgroup Hook", false),
        ("emoji_events", "Emoji Hook", false), ("resource_access_token_events", "Resource Access Token Hook", false),
        ("milestone_events", "Milestone Hook", false), ("project_events", "Project Hook", false),
        ("vulnerability_events", "Vulnerability Hook", false),
    ]
    static let flags = all.map(\.flag)

    /// `ProjectHook.triggers`: what `test/:trigger` accepts.
    static let testTriggers = flags.filter { !["member_events", "subgroup_events", "milestone_events", "project_events", "vulnerability_events"].contains($0) }

    /// `merge_requests_events`: "merge requests".
    static func words(_ flag: String) -> String {
        (flag.hasSuffix("_events") ? flag.dropLast("_events".count) : flag[...]).split(separator: "_").joined(separator: " ")
    }

    static func header(_ flag: String) -> String { all.first { $0.flag == flag }?.header ?? "Push Hook" }
}

/// A row of `group_hooks` with its secrets opened.
struct GroupHookRecord {
    var id: Int64
    var groupId: Int64
    var url: String
    var name: String?
    var description: String?
    var events: [String: Bool]
    var pushEventsBranchFilter: String?
    var branchFilterStrategy: String
    var enableSSLVerification: Bool
    var customWebhookTemplate: String?
    var secrets: HookSecretValues
    /// Mirrored from a GitLab (`GroupImportService`): the token and secret values are unknown.
    var secretsUnknown = false
    var createdAt: Int64

    static func load(_ db: Database, _ row: Row) throws -> GroupHookRecord {
        let eventsText: String = try row.column("events")
        var events: [String: Bool] = [:]
        let stored = (try? JSONText.decode(eventsText))?.objectValue ?? JSONObject()
        for e in HookEvent.all { events[e.flag] = stored[e.flag]?.boolValue ?? e.defaultOn }
        return GroupHookRecord(id: try row.column("id"), groupId: try row.column("group_id"), url: try row.column("url"), name: try row.column("name"), description: try row.column("description"),
                               events: events, pushEventsBranchFilter: try row.column("push_events_branch_filter"),
                               branchFilterStrategy: try row.column("branch_filter_strategy"), enableSSLVerification: try row.column("enable_ssl_verification"),
                               customWebhookTemplate: try row.column("custom_webhook_template"), secrets: try HookSecrets.open(try row.column("secrets"), db),
                               secretsUnknown: (try row.column("secrets_unknown") as Bool?) ?? false, createdAt: try row.column("created_at"))
    }

    static func find(_ db: Database, groupId: Int64, id: Int64) throws -> GroupHookRecord? {
        try Row.fetchOne(db, sql: "SELECT * FROM group_hooks WHERE group_id = ? AND id = ?", arguments: [groupId, id]).map { try load(db, $0) }
    }

    static func all(_ db: Database, groupId: Int64) throws -> [GroupHookRecord] {
        try Row.fetchAll(db, sql: "SELECT * FROM group_hooks WHERE group_id = ? ORDER BY id", arguments: [groupId]).map { try load(db, $0) }
    }

    /// The URL with `{variable}` placeholders filled from the URL variables.
    var interpolatedURL: String {
        var out = url
        for v in secrets.urlVariables { out = out.replacingOccurrences(of: "{\(v.key)}", with: v.value) }
        return out
    }

    /// The seed's shape; secrets appear only as keys, the token never.
    var json: JSONValue {
        var o = JSONObject([
            ("id", .int(id)), ("url", .string(url)), ("name", name.json), ("description", description.json), ("group_id", .int(groupId)),
            ("push_events", .bool(events["push_events"] ?? true)), ("push_events_branch_filter", .string(pushEventsBranchFilter ?? "")),
            ("branch_filter_strategy", .string(branchFilterStrategy)),
        ])
        let seedOrder = ["issues_events", "confidential_issues_events", "merge_requests_events", "tag_push_events", "note_events",
                         "confidential_note_events", "job_events", "pipeline_events", "wiki_page_events", "deployment_events",
                         "feature_flag_events", "releases_events", "subgroup_events", "member_events", "emoji_events",
                         "milestone_events", "project_events", "vulnerability_events"]
        for flag in seedOrder { o[flag] = .bool(events[flag] ?? false) }
        o["enable_ssl_verification"] = .bool(enableSSLVerification)
        o["repository_update_events"] = false
        o["alert_status"] = "executable"
        o["disabled_until"] = .null
        o["url_variables"] = .array(secrets.urlVariables.map { .object([("key", .string($0.key))]) })
        o["created_at"] = .string(Timestamp.iso8601(createdAt))
        o["resource_access_token_events"] = .bool(events["resource_access_token_events"] ?? false)
        o["custom_webhook_template"] = customWebhookTemplate.json
        o["custom_headers"] = .array(secrets.customHeaders.map { .object([("key", .string($0.key))]) })
        return .object(o)
    }
}
