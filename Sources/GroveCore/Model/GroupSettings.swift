import GroveFormats
/// Group attributes kept in the `settings` JSON column, with the values a new group gets.
/// One table for the defaults so create, update, the presenters and the audit agree.
enum GroupSettings {
    static let defaultBranchProtectionDefaults: JSONValue = .object([
        ("allowed_to_push", [["access_level": 40]]),
        ("allow_force_push", false),
        ("allowed_to_merge", [["access_level": 40]]),
    ])

    static let ordered: [(String, JSONValue)] = [
        ("share_with_group_lock", false),
        ("require_two_factor_authentication", false),
        ("two_factor_grace_period", 48),
        ("project_creation_level", "developer"),
        ("auto_devops_enabled", nil),
        ("subgroup_creation_level", "maintainer"),
        ("emails_disabled", false),
        ("emails_enabled", true),
        ("mentions_disabled", nil),
        ("lfs_enabled", true),
        ("default_branch", nil),
        ("default_branch_protection", 2),
        ("default_branch_protection_defaults", defaultBranchProtectionDefaults),
        ("request_access_enabled", true),
        ("repository_storage", "default"),
        ("file_template_project_id", nil),
        ("ip_restriction_ranges", nil),
        ("enabled_git_access_protocol", "all"),
        ("prevent_sharing_groups_outside_hierarchy", false),
        ("math_rendering_limits_enabled", true),
        ("lock_math_rendering_limits_enabled", false),
        ("shared_runners_minutes_limit", nil),
        ("extra_shared_runners_minutes_limit", nil),
        ("membership_lock", false),
        ("wiki_access_level", "enabled"),
        ("duo_features_enabled", true),
        ("lock_duo_features_enabled", false),
        ("shared_runners_setting", "enabled"),
        ("prevent_forking_outside_group", false),
        ("unique_project_download_limit", 0),
        ("unique_project_download_limit_interval_in_seconds", 0),
        ("unique_project_download_limit_allowlist", []),
        ("unique_project_download_limit_alertlist", []),
        ("auto_ban_user_on_excessive_projects_download", false),
        ("organization_id", nil),
    ]

    static let defaults: [String: JSONValue] = Dictionary(uniqueKeysWithValues: ordered)
    /// Settings GitLab reads as the instance's default when they are null (`Group#lfs_enabled?`,
    /// `project_creation_level`'s reader): a null given for them is their default.
    static let nullIsDefault: Set<String> = ["lfs_enabled", "project_creation_level"]
    static let names: Set<String> = Set(ordered.map(\.0))

    /// A setting's name with its default, looked up once: presenters read about thirty
    /// settings per group, most of them defaults.
    struct Setting {
        let name: String
        let defaultValue: JSONValue
        init(_ name: String) {
            self.name = name
            self.defaultValue = GroupSettings.defaults[name] ?? .null
        }
    }
}
