import GroveFormats
/// Renders users: the basic shape, and the full admin shape of provisioned/group users.
struct UserPresenter {
    let ctx: OperationContext

    func webURL(_ u: UserRecord) -> String { "\(ctx.store.baseURL)/\(u.username)" }

    /// `Entities::UserBasic`: what others see of a user in lists.
    func basic(_ u: UserRecord) -> JSONValue { .object(basicFields(u)) }

    private func basicFields(_ u: UserRecord) -> JSONObject {
        JSONObject([("id", .int(u.id)), ("username", .string(u.username)), ("name", .string(u.name)), ("state", .string(u.state)),
                    ("locked", false), ("avatar_url", .null), ("web_url", .string(webURL(u)))])
    }

    /// `Entities::User`: what others see of one user (`GET /users/:id`).
    func profile(_ u: UserRecord) -> JSONValue { .object(profileFields(u)) }

    private func profileFields(_ u: UserRecord) -> JSONObject {
        var o = basicFields(u)
        for (key, value) in [("created_at", .string(Timestamp.iso8601(u.createdAt))), ("bio", ""), ("location", ""), ("public_email", .null),
                             ("linkedin", ""), ("twitter", ""), ("discord", ""), ("website_url", ""), ("organization", ""), ("job_title", ""),
                             ("pronouns", .null), ("bot", .bool(u.bot)), ("work_information", .null), ("followers", 0), ("following", 0),
                             ("is_followed", false), ("local_time", .null)] as [(String, JSONValue)] {
            o.append(key, value)
        }
        return o
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

    /// `Entities::UserPublic`: what a user sees of themself (`GET /user`).
    func current(_ u: UserRecord) -> JSONValue { .object(publicFields(u)) }

    private func publicFields(_ u: UserRecord) -> JSONObject {
        var o = profileFields(u)
        let created = JSONValue.string(Timestamp.iso8601(u.createdAt))
        for (key, value) in [("last_sign_in_at", .null), ("confirmed_at", created), ("last_activity_on", .null), ("email", .string(u.email)),
                             ("theme_id", 3), ("color_scheme_id", 1), ("projects_limit", 100000), ("current_sign_in_at", .null), ("identities", []),
                             ("can_create_group", .bool(u.canCreateGroup)), ("can_create_project", true), ("two_factor_enabled", false),
                             ("external", .bool(u.external)), ("private_profile", false), ("commit_email", .string(u.email)),
                             ("shared_runners_minutes_limit", .null), ("extra_shared_runners_minutes_limit", .null), ("scim_identities", [])] as [(String, JSONValue)] {
            o.append(key, value)
        }
        return o
    }

    /// `Entities::UserDetailsWithAdmin`: what administrators see of any user (`users.*`
    /// operations, `GET /user`), with the personal namespace's id.
    func admin(_ u: UserRecord) throws -> JSONValue {
        var o = publicFields(u)
        let namespaceId = try Int64.fetchOne(ctx.db, cachedSQL: "SELECT id FROM user_namespaces WHERE user_id = ?", arguments: [u.id])
        for (key, value) in [("is_admin", .bool(u.isAdmin)), ("note", .null), ("namespace_id", namespaceId.json), ("created_by", .null),
                             ("email_reset_offered_at", .null), ("current_sign_in_ip", .null), ("last_sign_in_ip", .null), ("sign_in_count", 0),
                             ("using_license_seat", .bool(u.state == "active" && !u.bot)), ("is_auditor", false),
                             ("provisioned_by_group_id", u.provisionedByGroupId.json), ("enterprise_group_id", .null),
                             ("enterprise_group_associated_at", .null)] as [(String, JSONValue)] {
            o.append(key, value)
        }
        return .object(o)
    }
}
