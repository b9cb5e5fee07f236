/// `settings.integrations.*`: the settings hooks, service accounts and tokens read (administrators).
enum IntegrationSettingsOperations: OperationModule {
    static func register(into registry: OperationRegistry) {
        registry.describe(module: "settings.integrations", "Instance settings for hooks, service accounts and tokens")
        registry.add(OperationDescriptor("settings.integrations.get", "GET", "/application/settings/integrations",
                                         result: ResultShapes.integrationSettings, summary: "Instance settings for hooks, service accounts and tokens (administrators)", params: [])) { ctx, _ in
            try ctx.requireAdmin()
            return .ok(try ctx.settings.integrationsJSON)
        }
        let updatable = [
            ParamSpec("allow_local_requests_from_web_hooks_and_services", .boolean, "Allow web hooks to call loopback and private network addresses."),
            ParamSpec("allow_top_level_group_owners_to_create_service_accounts", .boolean, "Let owners of top-level groups create service accounts."),
            ParamSpec("service_access_tokens_expiration_enforced", .boolean, "Require service account access tokens to have an expiration date."),
            ParamSpec("max_personal_access_token_lifetime", .integer, range: 1...400, "Maximum lifetime of access tokens in days"),
            ParamSpec("personal_access_token_prefix", .string, "Prefix of generated access tokens (default glpat-)."),
            ParamSpec("webhook_timeout", .integer, default: 10, range: 1...60, "Seconds a web hook receiver has to answer"),
        ]
        registry.add(OperationDescriptor("settings.integrations.update", "PUT", "/application/settings/integrations",
                                         result: ResultShapes.integrationSettings, summary: "Change instance settings for hooks, service accounts and tokens (administrators)", params: updatable)) { ctx, p in
            .ok(try InstanceSettingsService(ctx).update(p, declared: updatable, shown: \.integrationsJSON))
        }
    }
}
