import GroveFormats
/// `/groups/:id/push_rule` and the push checker.
enum PushRuleOperations: OperationModule {
    static let id = GroupParams.id
    static let attributes: [ParamSpec] = [
        ParamSpec("author_email_regex", .string, "Allow only commit author emails that match this regular expression (RE2, max 511)."),
        ParamSpec("branch_name_regex", .string, "Allow only branch names that match this regular expression (RE2, max 511)."),
        ParamSpec("commit_committer_check", .boolean, "If true, allows commits from users only if the committer email is one of their own verified emails."),
        ParamSpec("commit_committer_name_check", .boolean, "If true, allows commits from users only if the commit author name is consistent with their GitLab account name."),
        ParamSpec("commit_message_negative_regex", .string, "Reject commit messages matching this regular expression (RE2, max 2047)."),
        ParamSpec("commit_message_regex", .string, "Allow only commit messages that match this regular expression (RE2, max 511)."),
        ParamSpec("deny_delete_tag", .boolean, "Deny deleting a tag."),
        ParamSpec("file_name_regex", .string, "Reject filenames matching this regular expression (RE2, max 511)."),
        ParamSpec("max_file_size", .integer, "Maximum file size (MB) allowed; 0 is unlimited."),
        ParamSpec("member_check", .boolean, "If true, allows only GitLab users to author commits."),
        ParamSpec("prevent_secrets", .boolean, "If true, rejects files that are likely to contain secrets."),
        ParamSpec("reject_non_dco_commits", .boolean, "If true, rejects a commit when it's not DCO certified."),
        ParamSpec("reject_unsigned_commits", .boolean, "If true, rejects a commit when it's not signed."),
    ]
    static let atLeastOne = [attributes.map(\.name)]

    static func register(into registry: OperationRegistry) {
        registry.describe(module: "push_rules", "Group push rules and the push checker")
        registry.describe(module: "projects.push_rule", "A project's push rule, copied from its closest group's")
        registry.add(OperationDescriptor("groups.push_rule.get", "GET", "/groups/:id/push_rule", lua: "push_rules.get", result: ResultShapes.pushRule, summary: "Get the push rules of a group (Maintainer)", params: [id])) { ctx, p in
            let service = PushRuleService(ctx)
            return .ok(try service.get(try ctx.group(p["id"], may: .changePushRules)).json)
        }
        registry.add(OperationDescriptor("groups.push_rule.create", "POST", "/groups/:id/push_rule", lua: "push_rules.add",
                                         example: "push_rules.add(\"platform\", {prevent_secrets = true, max_file_size = 100, deny_delete_tag = true})", result: ResultShapes.pushRule, summary: "Add push rules to a group that has none (Maintainer)",
                                         atLeastOneOf: atLeastOne, params: [id] + attributes)) { ctx, p in
            let service = PushRuleService(ctx)
            return .ok(try service.create(try ctx.group(p["id"], may: .changePushRules), p).json, status: 201)
        }
        registry.add(OperationDescriptor("groups.push_rule.update", "PUT", "/groups/:id/push_rule", lua: "push_rules.edit", result: ResultShapes.pushRule, summary: "Edit the push rules of a group (Maintainer)",
                                         atLeastOneOf: atLeastOne, params: [id] + attributes)) { ctx, p in
            let service = PushRuleService(ctx)
            return .ok(try service.update(try ctx.group(p["id"], may: .changePushRules), p).json)
        }
        registry.add(OperationDescriptor("groups.push_rule.delete", "DELETE", "/groups/:id/push_rule", lua: "push_rules.delete", summary: "Delete the push rules of a group (Maintainer)", success: 204, params: [id])) { ctx, p in
            let service = PushRuleService(ctx)
            try service.delete(try ctx.group(p["id"], may: .changePushRules))
            return .noContent
        }
        registry.add(OperationDescriptor("projects.push_rule.get", "GET", "/projects/:id/push_rule", result: ResultShapes.pushRule, resultMayBeNull: true, summary: "A project's push rule (copied from its group at creation); null when none (Maintainer)", params: [
            ParamSpec("id", .idOrPath, required: true, "The ID or URL-encoded path of the project"),
        ])) { ctx, p in
            let finder = ProjectFinder(ctx)
            let project = try finder.find(p["id"])
            guard try finder.level(project) >= AccessLevel.maintainer else { throw APIError.forbidden() }
            return .ok(try PushRule.forProject(ctx.db, project.id)?.json ?? .null)
        }
        registry.add(OperationDescriptor("push_rules.check", "POST", "/groups/:id/push_rule/check",
                                         example: "push_rules.check(\"platform\", {branch_name = \"feature/x\", commit_message = \"WIP\", files = {{path = \"id_rsa\", size = 1}}})",
                                         result: ResultShapes.pushCheck, summary: "Evaluate a would-be push against the group's push rule (its own or the closest ancestor's); lists every violation (Developer)", success: 200, params: [
            id,
            ParamSpec("branch_name", .string, "The branch pushed to."),
            ParamSpec("commit_message", .string, "The commit message."),
            ParamSpec("author_email", .string, "The commit author's email."),
            ParamSpec("author_name", .string, "The commit author's name."),
            ParamSpec("committer_email", .string, "The committer's email."),
            ParamSpec("committer_name", .string, "The committer's name."),
            ParamSpec("signed", .boolean, "The commit carries a verified signature."),
            ParamSpec("files", .hashArray, "Files changed: [{path: string, size: integer (bytes)}]."),
            ParamSpec("delete_tag", .boolean, "The push deletes a tag."),
            ParamSpec("user_id", .idOrPath, "The pusher (defaults to the caller)."),
        ])) { ctx, p in
            let group = try ctx.group(p["id"], may: .pushCode)
            let pusher = try p["user_id"].map { try UserService(ctx).findUser($0) } ?? ctx.caller.user
            var files: [(path: String, size: Int64)] = []
            for (i, item) in (p["files"]?.arrayValue ?? []).enumerated() {
                guard let path = item["path"]?.stringValue else { throw APIError.grape("files[\(i)][path] is missing") }
                files.append((path, item["size"].flatMap(ParamParser.integer) ?? 0))
            }
            let push = PushRuleChecker.Push(branchName: p.string("branch_name"), commitMessage: p.string("commit_message"),
                                            authorEmail: p.string("author_email"), authorName: p.string("author_name"),
                                            committerEmail: p.string("committer_email"), committerName: p.string("committer_name"),
                                            signed: p.bool("signed"), files: files, deletesTag: p.bool("delete_tag") ?? false, pusher: pusher)
            let rule = try PushRule.effective(ctx.db, for: group)
            let violations = try rule.map { try PushRuleChecker(db: ctx.db).check(push, against: $0) } ?? []
            return .ok(.object([("allowed", .bool(violations.isEmpty)), ("push_rule_id", rule.map { .int($0.id) } ?? .null),
                                ("violations", .array(violations.map(\.json)))]))
        }
    }
}
