import GroveFormats
/// `/groups/:id/service_accounts` and their personal access tokens.
enum ServiceAccountOperations: OperationModule {
    static let id = GroupParams.id
    static let userId = ParamSpec("user_id", .integer, required: true, "ID of a service account user.")
    static let tokenId = ParamSpec("token_id", .integer, required: true, "ID of a personal access token.")

    static func register(into registry: OperationRegistry) {
        registry.describe(module: "service_accounts", "Service accounts of a top-level group and their access tokens")
        registry.add(OperationDescriptor("groups.service_accounts.list", "GET", "/groups/:id/service_accounts", lua: "service_accounts.list",
                                         result: ResultShapes.serviceAccount, summary: "List service account users provisioned by a group (Owner)", pagination: .offset, params: [
            id,
            ParamSpec("order_by", .enumeration(["id", "username"]), default: "id", "Orders list of users by username or id. Default is id."),
            ParamSpec("sort", .enumeration(["asc", "desc"]), default: "desc", "Specifies sorting by asc or desc. Default is desc."),
        ])) { ctx, p in
            let service = ServiceAccountService(ctx)
            let (users, page) = try service.list(try ctx.group(p["id"], may: .adminServiceAccounts), p)
            return OperationResult(status: 200, body: .array(users.map(ServiceAccountService.json)), page: page)
        }
        registry.add(OperationDescriptor("groups.service_accounts.create", "POST", "/groups/:id/service_accounts", lua: "service_accounts.create",
                                         example: "local bot = service_accounts.create(\"platform\", {username = \"deploy-bot\"})",
                                         result: ResultShapes.serviceAccount, summary: "Create a service account user (top-level groups; administrators, or owners when allowed)", params: [
            id,
            ParamSpec("name", .string, default: "Service account user", "Name of the user."),
            ParamSpec("username", .string, "Username of the user (generated when absent)."),
        ])) { ctx, p in
            let service = ServiceAccountService(ctx)
            return .ok(ServiceAccountService.json(try service.create(try ctx.group(p["id"], may: .adminServiceAccounts), p)), status: 201)
        }
        registry.add(OperationDescriptor("groups.service_accounts.update", "PATCH", "/groups/:id/service_accounts/:user_id", lua: "service_accounts.update",
                                         result: ResultShapes.serviceAccount, summary: "Change a service account's name or username (Owner)", params: [
            id, userId, ParamSpec("name", .string, "Name of the user."), ParamSpec("username", .string, "Username of the user."),
        ])) { ctx, p in
            let service = ServiceAccountService(ctx)
            let group = try ctx.group(p["id"], may: .adminServiceAccounts)
            return .ok(ServiceAccountService.json(try service.update(group, try service.account(group, p["user_id"]), p)))
        }
        registry.add(OperationDescriptor("groups.service_accounts.delete", "DELETE", "/groups/:id/service_accounts/:user_id", lua: "service_accounts.delete",
                                         summary: "Delete a service account user (top-level groups; administrators, or owners when allowed)", success: 204, params: [
            id, userId,
            ParamSpec("hard_delete", .boolean, "If true, contributions that would usually be moved to a Ghost User are deleted instead, as well as groups owned solely by this service account user."),
        ])) { ctx, p in
            let service = ServiceAccountService(ctx)
            let group = try ctx.group(p["id"], may: .adminServiceAccounts)
            try service.delete(group, try service.account(group, p["user_id"]), hardDelete: p.bool("hard_delete") ?? false)
            return .noContent
        }
        registry.add(OperationDescriptor("groups.service_accounts.tokens.list", "GET", "/groups/:id/service_accounts/:user_id/personal_access_tokens", lua: "service_accounts.list_tokens",
                                         result: ResultShapes.accessToken, summary: "List a service account's personal access tokens, without their values (Owner)", pagination: .offset, params: [id, userId])) { ctx, p in
            let (_, user) = try tokenOwner(ctx, p)
            let (tokens, page) = try PersonalAccessTokenService(ctx).list(user, p)
            return OperationResult(status: 200, body: .array(tokens.map { $0.json(today: ctx.today) }), page: page)
        }
        registry.add(OperationDescriptor("groups.service_accounts.tokens.create", "POST", "/groups/:id/service_accounts/:user_id/personal_access_tokens", lua: "service_accounts.create_token",
                                         example: "local t = service_accounts.create_token(\"platform\", bot.id, {name = \"ci\", scopes = {\"api\"}, expires_at = \"2027-06-30\"})\nprint(t.token)   -- shown once",
                                         result: ResultShapes.accessToken, summary: "Create a personal access token for a service account; the token is shown only in this answer (Owner)", params: [
            id, userId,
            ParamSpec("name", .string, required: true, "Name of the personal access token."),
            ParamSpec("description", .string, "Description of the personal access token."),
            ParamSpec("scopes", .stringArray, required: true, "Scopes: " + PersonalAccessTokenService.scopes.joined(separator: ", ") + "."),
            ParamSpec("expires_at", .date, "Expiry date (YYYY-MM-DD, in the future). When blank, the instance's default expiry applies."),
        ])) { ctx, p in
            let (_, user) = try tokenOwner(ctx, p)
            let (record, token) = try PersonalAccessTokenService(ctx).create(user, p)
            return .ok(record.json(today: ctx.today, token: token), status: 201)
        }
        registry.add(OperationDescriptor("groups.service_accounts.tokens.rotate", "POST", "/groups/:id/service_accounts/:user_id/personal_access_tokens/:token_id/rotate", lua: "service_accounts.rotate_token",
                                         example: "local new = service_accounts.rotate_token(\"platform\", bot.id, token.id)",
                                         result: ResultShapes.accessToken, summary: "Rotate a service account's token: the old one is revoked, the new one returned (Owner)", success: 200, params: [
            id, userId, tokenId, ParamSpec("expires_at", .date, "Expiry date of the new token (YYYY-MM-DD)."),
        ])) { ctx, p in
            let (_, user) = try tokenOwner(ctx, p)
            let (record, token) = try PersonalAccessTokenService(ctx).rotate(user, tokenId: try p.required.int("token_id"), expiresAt: p.string("expires_at"))
            return .ok(record.json(today: ctx.today, token: token))
        }
        registry.add(OperationDescriptor("groups.service_accounts.tokens.revoke", "DELETE", "/groups/:id/service_accounts/:user_id/personal_access_tokens/:token_id", lua: "service_accounts.revoke_token",
                                         summary: "Revoke a service account's personal access token (Owner)", success: 204, params: [id, userId, tokenId])) { ctx, p in
            let (_, user) = try tokenOwner(ctx, p)
            try PersonalAccessTokenService(ctx).revoke(user, tokenId: try p.required.int("token_id"))
            return .noContent
        }
    }

    /// Token endpoints work on top-level groups only, for the group's own service accounts.
    static func tokenOwner(_ ctx: OperationContext, _ p: Params) throws -> (GroupRecord, UserRecord) {
        let service = ServiceAccountService(ctx)
        let group = try ctx.group(p["id"], may: .adminServiceAccounts)
        guard group.isTopLevel else { throw APIError.badRequest(ServiceAccountService.cannotCreate) }
        return (group, try service.account(group, p["user_id"]))
    }
}
