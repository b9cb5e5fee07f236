import GroveFormats
import GRDB

/// Instance-wide settings an administrator controls (GitLab's ApplicationSetting subset).
struct InstanceSettings {
    /// Days a group marked for deletion waits before it is purged.
    var deletionAdjournedPeriod: Int64 = 7
    var defaultGroupVisibility: Visibility = .private
    var restrictedVisibilityLevels: [Visibility] = []
    /// LDAP configured (GitLab's `ldap.enabled` in gitlab.yml): off, as on a fresh GitLab,
    /// where `POST /groups/:id/ldap_sync` answers 404.
    var ldapEnabled = false

    static func load(_ db: Database) throws -> InstanceSettings {
        var s = InstanceSettings()
        for entry in try Entry.fetchAll(db, cachedSQL: "SELECT key, value FROM instance_settings") {
            let value = entry.value
            switch entry.key {
            case "deletion_adjourned_period": s.deletionAdjournedPeriod = Int64(value) ?? 7
            case "default_group_visibility": s.defaultGroupVisibility = Visibility(name: value) ?? .private
            case "restricted_visibility_levels": s.restrictedVisibilityLevels = value.split(separator: ",").compactMap { Visibility(name: String($0)) }
            case "ldap_enabled": s.ldapEnabled = value == "true"
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

    static let keys = ["deletion_adjourned_period", "default_group_visibility", "restricted_visibility_levels", "ldap_enabled"]

    var json: JSONValue {
        .object([
            ("deletion_adjourned_period", .int(deletionAdjournedPeriod)),
            ("default_group_visibility", .string(defaultGroupVisibility.name)),
            ("restricted_visibility_levels", .array(restrictedVisibilityLevels.map { .string($0.name) })),
            ("ldap_enabled", .bool(ldapEnabled)),
        ])
    }
}
