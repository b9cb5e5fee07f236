import Foundation
import GroveFormats

/// Sample payloads for `test/:trigger`, shaped like GitLab's (`object_kind` first), built
/// from the group, its first project and the caller.
enum HookTestPayload {
    static let objectKinds: [String: String] = [
        "push_events": "push", "tag_push_events": "tag_push", "issues_events": "issue", "confidential_issues_events": "issue",
        "note_events": "note", "confidential_note_events": "note", "merge_requests_events": "merge_request", "job_events": "build",
        "pipeline_events": "pipeline", "wiki_page_events": "wiki_page", "deployment_events": "deployment",
        "feature_flag_events": "feature_flag", "releases_events": "release", "emoji_events": "emoji",
        "resource_access_token_events": "access_token",
    ]

    static func build(trigger: String, group: GroupRecord, project: ProjectRecord?, user: UserRecord?, baseURL: String) -> JSONValue {
        let kind = objectKinds[trigger] ?? "push"
        let userJSON: JSONValue = .object([
            ("id", user.map { .int($0.id) } ?? .null), ("name", user.map { .string($0.name) } ?? .null),
            ("username", user.map { .string($0.username) } ?? .null), ("email", "[REDACTED]"),
        ])
        let projectJSON: JSONValue = project.map { p in
            .object([("id", .int(p.id)), ("name", .string(p.name)), ("path_with_namespace", .string(p.pathWithNamespace)),
                     ("web_url", .string("\(baseURL)/\(p.pathWithNamespace)")), ("default_branch", .string(p.defaultBranch)),
                     ("namespace", .string(p.namespaceName))])
        } ?? .null
        let groupJSON: JSONValue = .object([("group_id", .int(group.id)), ("group_name", .string(group.name)), ("group_path", .string(group.fullPath))])
        var o = JSONObject([("object_kind", .string(kind)), ("event_name", .string(kind))])
        switch kind {
        case "push", "tag_push":
            let ref = kind == "push" ? "refs/heads/\(project?.defaultBranch ?? "main")" : "refs/tags/v1.0.0"
            o["before"] = "0000000000000000000000000000000000000000"
            o["after"] = "da1560886d4f094c3e6c9ef40349f7d38b5d27d7"
            o["ref"] = .string(ref)
            o["user_id"] = user.map { .int($0.id) } ?? .null
            o["user_name"] = user.map { .string($0.name) } ?? .null
            o["user_username"] = user.map { .string($0.username) } ?? .null
            o["project_id"] = project.map { .int($0.id) } ?? .null
            o["project"] = projectJSON
            o["commits"] = []
            o["total_commits_count"] = 0
        default:
            o["user"] = userJSON
            o["project"] = projectJSON
            o["object_attributes"] = .object([("id", 1), ("title", .string("Test \(kind.replacingOccurrences(of: "_", with: " "))")),
                                              ("url", .string("\(baseURL)/\(project?.pathWithNamespace ?? group.fullPath)"))])
        }
        o["group"] = groupJSON
        return .object(o)
    }

    /// `custom_webhook_template`: `{{a.b}}` becomes the payload value at that path (strings
    /// JSON-escaped without their quotes); the result must be JSON.
    static func render(_ template: String, payload: JSONValue) throws -> String {
        let regex = try NSRegularExpression(pattern: #"\{\{(.+?)\}\}"#)
        var out = ""
        var last = template.startIndex
        for m in regex.matches(in: template, range: NSRange(template.startIndex..., in: template)) {
            guard let whole = Range(m.range, in: template), let inner = Range(m.range(at: 1), in: template) else { continue }
            out += template[last..<whole.lowerBound]
            var value: JSONValue? = payload
            for key in template[inner].trimmingCharacters(in: .whitespaces).split(separator: ".") {
                if let i = Int(key), let a = value?.arrayValue { value = i < a.count ? a[i] : nil } else { value = value?[String(key)] }
            }
            if let s = value?.stringValue {
                out += String(JSONText.encode(.string(s)).dropFirst().dropLast())
            } else {
                out += JSONText.encode(value ?? .null)
            }
            last = whole.upperBound
        }
        out += template[last...]
        do { _ = try JSONText.decode(out) } catch {
            throw APIError.api("Error while parsing rendered custom webhook template: \(error)", status: 422)
        }
        return out
    }
}
