import GroveFormats
import GRDB

/// Instance settings read by part 2's features (GitLab ApplicationSetting attributes of
/// the same names), kept in the shared `instance_settings` key/value table.
struct IntegrationSettings: Sendable {
    /// Web hooks may call loopback and private addresses.
    var allowLocalRequestsFromWebHooksAndServices = false
    /// Owners of top-level groups (not only administrators) may create service accounts.
    var allowTopLevelGroupOwnersToCreateServiceAccounts = false
    /// Service account tokens must expire (a default expiry is applied when none is given).
    var serviceAccessTokensExpirationEnforced = true
    /// Maximum token lifetime in days (GitLab: 365 when unset).
    var maxPersonalAccessTokenLifetime: Int64?
    var personalAccessTokenPrefix = "glpat-"
    /// Seconds a hook receiver has to answer (GitLab's `gitlab.webhook_timeout`).
    var webhookTimeout: Int64 = 10

    static let keys = ["allow_local_requests_from_web_hooks_and_services", "allow_top_level_group_owners_to_create_service_accounts",
                       "service_access_tokens_expiration_enforced", "max_personal_access_token_lifetime", "personal_access_token_prefix", "webhook_timeout"]

    static func load(_ db: Database) throws -> IntegrationSettings {
        var s = IntegrationSettings()
        for row in try Row.fetchAll(db, sql: "SELECT key, value FROM instance_settings WHERE key IN (\(keys.map { "'\($0)'" }.joined(separator: ",")))") {
            let key: String = try row.column("key"), value: String = try row.column("value")
            switch key {
            case "allow_local_requests_from_web_hooks_and_services": s.allowLocalRequestsFromWebHooksAndServices = value == "true"
            case "allow_top_level_group_owners_to_create_service_accounts": s.allowTopLevelGroupOwnersToCreateServiceAccounts = value == "true"
            case "service_access_tokens_expiration_enforced": s.serviceAccessTokensExpirationEnforced = value == "true"
            case "max_personal_access_token_lifetime": s.maxPersonalAccessTokenLifetime = Int64(value)
            case "personal_access_token_prefix": s.personalAccessTokenPrefix = value
            case "webhook_timeout": s.webhookTimeout = Int64(value) ?? 10
            default: break
            }
        }
        return s
    }

    /// Days a token may live at most.
    var maxLifetimeDays: Int64 { maxPersonalAccessTokenLifetime ?? 365 }

    var json: JSONValue {
        .object([
            ("allow_local_requests_from_web_hooks_and_services", .bool(allowLocalRequestsFromWebHooksAndServices)),
            ("allow_top_level_group_owners_to_create_service_accounts", .bool(allowTopLevelGroupOwnersToCreateServiceAccounts)),
            ("service_access_tokens_expiration_enforced", .bool(serviceAccessTokensExpirationEnforced)),
            ("max_personal_access_token_lifetime", maxPersonalAccessTokenLifetime.json),
            ("personal_access_token_prefix", .string(personalAccessTokenPrefix)),
            ("webhook_timeout", .int(webhookTimeout)),
        ])
    }
}

/// `settings.integrations.*`: the settings above (administrators).
enum IntegrationSettingsOperations: OperationModule {
    static func register(into registry: OperationRegistry) {
        registry.describe(module: "settings.integrations", "Instance settings for hooks, service accounts and tokens")
        registry.add(OperationDescriptor("settings.integrations.get", "GET", "/application/settings/integrations",
                                         summary: "Instance settings for hooks, service accounts and tokens (administrators)", params: [])) { ctx, _ in
            try ctx.requireAdmin()
            return .ok(try IntegrationSettings.load(ctx.db).json)
        }
        registry.add(OperationDescriptor("settings.integrations.update", "PUT", "/application/settings/integrations",
                                         summary: "Change instance settings for hooks, service accounts and tokens (administrators)", params: [
            ParamSpec("allow_local_requests_from_web_hooks_and_services", .boolean, "Allow web hooks to call loopback and private network addresses."),
            ParamSpec("allow_top_level_group_owners_to_create_service_accounts", .boolean, "Let owners of top-level groups create service accounts."),
            ParamSpec("service_access_tokens_expiration_enforced", .boolean, "Require service account access tokens to have an expiration date."),
            ParamSpec("max_personal_access_token_lifetime", .integer, "Maximum lifetime of access tokens in days (1-400)."),
            ParamSpec("personal_access_token_prefix", .string, "Prefix of generated access tokens (default glpat-)."),
            ParamSpec("webhook_timeout", .integer, "Seconds a web hook receiver has to answer (1-60, default 10)."),
        ])) { ctx, p in
            try ctx.requireAdmin()
            if let days = p.int("max_personal_access_token_lifetime"), !(1...400).contains(days) {
                throw APIError.validation(FieldErrors("max_personal_access_token_lifetime", "must be between 1 and 400"))
            }
            if let seconds = p.int("webhook_timeout"), !(1...60).contains(seconds) {
                throw APIError.validation(FieldErrors("webhook_timeout", "must be between 1 and 60"))
            }
            let old = try IntegrationSettings.load(ctx.db).json
            var changes: [AuditEvent.Change] = []
            for key in IntegrationSettings.keys {
                guard let v = p[key] else { continue }
                let text = v.boolValue.map { $0 ? "true" : "false" } ?? v.intValue.map(String.init) ?? v.stringValue
                if let text {
                    try ctx.db.execute(sql: "INSERT INTO instance_settings (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value", arguments: [key, text])
                } else {
                    try ctx.db.execute(sql: "DELETE FROM instance_settings WHERE key = ?", arguments: [key])
                }
                changes.append(.init(attribute: key, old: old[key] ?? .null, new: v))
            }
            try ctx.audit("settings.update", "Instance", id: nil, path: nil, changes: changes)
            return .ok(try IntegrationSettings.load(ctx.db).json)
        }
    }
}
