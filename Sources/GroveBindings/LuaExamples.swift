import GroveCore

/// The example `help(fn)` shows. Hand-written for the functions scripts use most;
/// for the rest, a call built from the function's required arguments.
enum LuaExamples {
    static let written: [String: String] = [
        "groups.list": "for g in groups.list{search = \"plat\", order_by = \"path\"} do print(g.full_path) end",
        "groups.get": "groups.get(\"platform/api\").web_url",
        "groups.create": "groups.create{name = \"API\", path = \"api\", parent_id = groups.get(\"platform\").id, visibility = \"internal\"}",
        "groups.update": "groups.update(\"platform\", {description = \"Shared services\", visibility = \"internal\"})",
        "groups.delete": "groups.delete(\"platform/sandbox\")   -- marked; groups.restore undoes it",
        "groups.transfer": "groups.transfer(\"platform/legacy\", {group_id = \"archive\"})   -- no group_id: top level",
        "groups.share": "groups.share(\"data\", {group_id = \"platform\", group_access = 20, expires_at = \"2027-01-31\"})",
        "groups.subgroups": "for g in groups.subgroups(\"platform\") do print(g.path) end",
        "groups.descendant_groups": "groups.descendant_groups(\"platform\"):count()",
        "groups.projects": "for p in groups.projects(\"platform\", {include_subgroups = true, archived = false}) do print(p.path_with_namespace) end",
        "members.add": "members.add(\"platform\", {user_id = users.list{username = \"alice\"}:first(1)[1].id, access_level = 40})",
        "branches.protect": "branches.protect(\"platform\", {name = \"release/*\", push_access_level = 40, merge_access_level = 30})",
        "branches.update": "branches.update(\"platform\", \"release/*\", {allowed_to_push = {{access_level = 30}}})",
        "branches.access": "branches.access(\"platform\", \"release/1.2\", {user_id = \"alice\"})",
        "hooks.add": "hooks.add(\"platform\", {url = \"https://ci.example.com/hook\", push_events = true, token = \"s3cret\"})",
        "hooks.test": "hooks.test(\"platform\", hook.id, \"push_events\")",
        "push_rules.add": "push_rules.add(\"platform\", {prevent_secrets = true, max_file_size = 100, deny_delete_tag = true})",
        "push_rules.check": "push_rules.check(\"platform\", {branch_name = \"feature/x\", commit_message = \"WIP\", files = {{path = \"id_rsa\", size = 1}}})",
        "service_accounts.create": "local bot = service_accounts.create(\"platform\", {username = \"deploy-bot\"})",
        "service_accounts.create_token": "local t = service_accounts.create_token(\"platform\", bot.id, {name = \"ci\", scopes = {\"api\"}, expires_at = \"2027-06-30\"})\nprint(t.token)   -- shown once",
        "service_accounts.rotate_token": "local new = service_accounts.rotate_token(\"platform\", bot.id, token.id)",
        "security.update": "security.update(\"platform\", {secret_push_protection_enabled = true, projects_to_exclude = {12, 31}})",
        "users.create": "users.create{username = \"alice\", name = \"Alice\", email = \"alice@example.com\"}",
        "projects.create": "projects.create{namespace_id = \"platform/api\", path = \"gateway\", visibility = \"internal\"}",
        "audit.list": "for _, e in ipairs(audit.list{limit = 20}) do print(e.action, e.entity_path) end",
    ]

    static func example(_ name: String, positional: [ParamSpec], options: [ParamSpec]) -> String {
        if let written = written[name] { return written }
        var arguments = positional.map { placeholder(for: $0) }
        let required = options.filter(\.required)
        if !required.isEmpty {
            arguments.append("{" + required.map { "\($0.name) = \(placeholder(for: $0))" }.joined(separator: ", ") + "}")
        }
        return "\(name)(\(arguments.joined(separator: ", ")))"
    }

    private static func placeholder(for spec: ParamSpec) -> String {
        switch spec.type {
        case .idOrPath: spec.name == "id" ? "\"platform\"" : "42"
        case .integer, .integerEnumeration: spec.name.hasSuffix("id") ? "42" : "30"
        case .boolean: "true"
        case .enumeration(let values): "\"\(values.first ?? "")\""
        case .date: "\"2027-01-31\""
        case .integerArray: "{1, 2}"
        case .stringArray: "{\"api\"}"
        case .hashArray, .hash: "{}"
        default: "\"\(spec.name)\""
        }
    }
}
