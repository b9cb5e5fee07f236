import GRDB

/// Instance-wide settings an administrator controls (GitLab's ApplicationSetting attributes
/// of the same names), one key/value row each in `instance_settings`: those group rules
/// read, and those hooks, service accounts and tokens read (`settings.integrations`).
struct InstanceSettings: Sendable {
    /// Days a group marked for deletion waits before it is purged.
    var deletionAdjournedPeriod: Int64 = 7
    var defaultGroupVisibility: Visibility = .private
    var restrictedVisibilityLevels: [Visibility] = []
    /// LDAP configured (GitLab's `ldap.enabled` in gitlab.yml): off, as on a fresh GitLab,
    /// where `POST /groups/:id/ldap_sync` answers 404.
    var ldapEnabled = false

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

    static func load(_ db: Database) throws -> InstanceSettings {
        var s = InstanceSettings()
        for entry in try Entry.fetchAll(db, cachedSQL: "SELECT key, value FROM instance_settings") {
            let value = entry.value
            switch entry.key {
            case "deletion_adjourned_period": s.deletionAdjournedPeriod = Int64(value) ?? 7
            case "default_group_visibility": s.defaultGroupVisibility = Visibility(name: value) ?? .private
            case "restricted_visibility_levels": s.restrictedVisibilityLevels = value.split(separator: ",").compactMap { Visibility(name: String($0)) }
            case "ldap_enabled": s.ldapEnabled = value == "true"
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

    private struct Entry: ColumnDecodable {
        let key: String
        let value: String
        init(columns: StatementColumns) throws { key = try columns.string(0); value = try columns.string(1) }
    }

    /// Days a token may live at most.
    var maxLifetimeDays: Int64 { maxPersonalAccessTokenLifetime ?? 365 }

    /// `settings.get`: what group rules read.
    var groupRulesJSON: JSONValue {
        .object([
            ("deletion_adjourned_period", .int(deletionAdjournedPeriod)),
            ("default_group_visibility", .string(defaultGroupVisibility.name)),
            ("restricted_visibility_levels", .array(restrictedVisibilityLevels.map { .string($0.name) })),
            ("ldap_enabled", .bool(ldapEnabled)),
        ])
    }

    /// `settings.integrations.get`: what hooks, service accounts and tokens read.
    var integrationsJSON: JSONValue {
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

/// Changes instance settings: checks every given value first, then writes one row per
/// setting and one audit event.
struct InstanceSettingsService {
    let ctx: OperationContext
    init(_ ctx: OperationContext) { self.ctx = ctx }

    /// Writes the settings among `params` that `shown` presents (the endpoint's half), and
    /// answers them as it presents them; `declared` holds the ranges to check. A null clears a setting back to its default.
    func update(_ params: Params, declared: [ParamSpec], shown: (InstanceSettings) -> JSONValue) throws -> JSONValue {
        try ctx.requireAdmin()
        let before = shown(try InstanceSettings.load(ctx.db))
        let keys = before.objectValue?.keys ?? []
        for spec in declared { try spec.checkRange(params.int(spec.name)) }
        if params.stringArray("restricted_visibility_levels").contains(where: { Visibility(name: $0) == nil }) {
            throw APIError.grape("restricted_visibility_levels does not have a valid value")
        }
        var changes: [AuditEvent.Change] = []
        for key in keys {
            guard let value = params[key] else { continue }
            if let text = Self.stored(value) {
                try ctx.db.execute(sql: "INSERT INTO instance_settings (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                                   arguments: [key, text])
            } else {
                try ctx.db.execute(sql: "DELETE FROM instance_settings WHERE key = ?", arguments: [key])
            }
            changes.append(.init(attribute: key, old: before[key] ?? .null, new: value))
        }
        try ctx.audit("settings.update", "Instance", id: nil, path: nil, changes: changes)
        return shown(try InstanceSettings.load(ctx.db))
    }

    /// A value as its row holds it: lists comma-separated, booleans `true`/`false`; nil for null.
    static func stored(_ value: JSONValue) -> String? {
        if let list = value.arrayValue { return list.compactMap(\.stringValue).joined(separator: ",") }
        return value.boolValue.map { $0 ? "true" : "false" } ?? value.intValue.map(String.init) ?? value.stringValue
    }
}
