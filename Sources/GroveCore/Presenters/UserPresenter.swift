/// Renders users: the basic shape, and the full admin shape of provisioned/group users.
struct UserPresenter {
    let ctx: OperationContext

    func webURL(_ u: UserRecord) -> String { "\(ctx.store.baseURL)/\(u.username)" }

    func basic(_ u: UserRecord) -> JSONValue {
        .object([("id", .int(u.id)), ("username", .string(u.username)), ("name", .string(u.name)), ("state", .string(u.state)),
                 ("avatar_url", .null), ("web_url", .string(webURL(u)))])
    }

    /// The seed's user shape for `provisioned_users` and `users`.
    func full(_ u: UserRecord) -> JSONValue {
        let created = JSONValue.string(Timestamp.iso8601(u.createdAt))
        return .object([
            ("id", .int(u.id)), ("username", .string(u.username)), ("name", .string(u.name)), ("state", .string(u.state)),
            ("avatar_url", .null), ("web_url", .string(webURL(u))), ("created_at", created), ("bio", ""),
            ("location", nil), ("public_email", ""), ("skype", ""), ("linkedin", ""), ("twitter", ""), ("website_url", ""),
            ("organization", nil), ("job_title", ""), ("pronouns", nil), ("bot", .bool(u.bot)), ("work_information", nil),
            ("followers", 0), ("following", 0), ("local_time", nil), ("last_sign_in_at", nil), ("confirmed_at", created),
            ("last_activity_on", nil), ("email", .string(u.email)), ("theme_id", 1), ("color_scheme_id", 1),
            ("projects_limit", 100000), ("current_sign_in_at", nil), ("identities", []),
            ("can_create_group", .bool(u.canCreateGroup)), ("can_create_project", true), ("two_factor_enabled", false),
            ("external", .bool(u.external)), ("private_profile", false), ("commit_email", .string(u.email)),
            ("shared_runners_minutes_limit", nil), ("extra_shared_runners_minutes_limit", nil),
        ])
    }

    /// What administrators see of any user (`users.*` operations).
    func admin(_ u: UserRecord) -> JSONValue {
        .object([("id", .int(u.id)), ("username", .string(u.username)), ("name", .string(u.name)), ("email", .string(u.email)),
                 ("state", .string(u.state)), ("is_admin", .bool(u.isAdmin)), ("bot", .bool(u.bot)), ("external", .bool(u.external)),
                 ("can_create_group", .bool(u.canCreateGroup)), ("created_at", .string(Timestamp.iso8601(u.createdAt))),
                 ("web_url", .string(webURL(u)))])
    }
}
