/// Parameter lists of the group operations, from the seeds (descriptions abridged).
enum GroupParams {
    static let id = ParamSpec("id", .idOrPath, required: true, "The ID or URL-encoded path of the group")
    static let visibility = ParamType.enumeration(Visibility.names)

    /// Filters shared by `GET /groups`, `/subgroups` and `/descendant_groups`.
    static func listFilters(orderBy: [String], searchNote: String) -> [ParamSpec] {
        [
            ParamSpec("skip_groups", .integerArray, "Skip the group IDs passed"),
            ParamSpec("all_available", .boolean, "Show all the groups you have access to (defaults to false for authenticated users, true for administrators); Attributes owned and min_access_level have precedence"),
            ParamSpec("search", .string, "Return the list of authorized groups matching the search criteria" + searchNote),
            ParamSpec("order_by", .enumeration(orderBy), default: "name", "Order groups by \(orderBy.joined(separator: ", ")). Default is name"),
            ParamSpec("sort", .enumeration(["asc", "desc"]), default: "asc", "Order groups in asc or desc order. Default is asc"),
            ParamSpec("statistics", .boolean, "Include group statistics (administrators only)"),
            ParamSpec("with_custom_attributes", .boolean, "Include custom attributes in response (administrators only)"),
            ParamSpec("owned", .boolean, "Limit to groups explicitly owned by the current user"),
            ParamSpec("min_access_level", .integerEnumeration(AccessLevel.allValues), "Limit to groups where current user has at least this role (access_level)"),
        ]
    }

    static let list: [ParamSpec] = listFilters(orderBy: ["name", "path", "id", "similarity"], searchNote: "") + [
        ParamSpec("visibility", visibility, "Limit to groups with public, internal, or private visibility."),
        ParamSpec("top_level_only", .boolean, "Limit to top level groups, excluding all subgroups"),
        ParamSpec("repository_storage", .string, "Filter by repository storage used by the group (administrators only)"),
        ParamSpec("marked_for_deletion_on", .date, "Filter by date when group was marked for deletion"),
        ParamSpec("custom_attributes", .hash, "Filter by custom attributes: custom_attributes[key]=value (administrators only)"),
    ]

    /// Attributes accepted by both create and update.
    static let attributes: [ParamSpec] = [
        ParamSpec("auto_devops_enabled", .boolean, "Default to Auto DevOps pipeline for all projects within this group."),
        ParamSpec("avatar", .file, "Image file for avatar of the group. An empty value removes it."),
        ParamSpec("default_branch", .string, "The default branch name for group's projects."),
        ParamSpec("default_branch_protection", .integerEnumeration([0, 1, 2, 3, 4]), "Deprecated. Use default_branch_protection_defaults instead."),
        ParamSpec("default_branch_protection_defaults", .fields([
            ParamSpec("allowed_to_push", .fieldsArray([ParamSpec("access_level", .integerEnumeration([0, 30, 40, 60]), required: true, "Developer (30) or Maintainer (40)")]), "Access levels allowed to push"),
            ParamSpec("allow_force_push", .boolean, "Allow force push for all users with push access"),
            ParamSpec("allowed_to_merge", .fieldsArray([ParamSpec("access_level", .integerEnumeration([0, 30, 40, 60]), required: true, "Developer (30) or Maintainer (40)")]), "Access levels allowed to merge"),
            ParamSpec("developer_can_initial_push", .boolean, "Allow developers to initial push"),
        ]), "Default branch protection of the group's new projects"),
        ParamSpec("description", .string, "The group's description."),
        ParamSpec("enabled_git_access_protocol", .enumeration(["ssh", "http", "all"]), "Enabled protocols for Git access: ssh, http, or all."),
        ParamSpec("emails_disabled", .boolean, "(Deprecated) Disable email notifications. Use emails_enabled instead."),
        ParamSpec("emails_enabled", .boolean, "Enable email notifications."),
        ParamSpec("lfs_enabled", .boolean, "Enable/disable Large File Storage (LFS) for the projects in this group."),
        ParamSpec("mentions_disabled", .boolean, "Disable the capability of a group from getting mentioned."),
        ParamSpec("project_creation_level", .enumeration(["noone", "maintainer", "developer"]), "Determine if developers can create projects in the group."),
        ParamSpec("request_access_enabled", .boolean, "Allow users to request member access."),
        ParamSpec("require_two_factor_authentication", .boolean, "Require all users in this group to set up two-factor authentication."),
        ParamSpec("share_with_group_lock", .boolean, "Prevent sharing a project with another group within this group."),
        ParamSpec("subgroup_creation_level", .enumeration(["owner", "maintainer"]), "Allowed to create subgroups: owner or maintainer."),
        ParamSpec("two_factor_grace_period", .integer, "Time before Two-factor authentication is enforced (in hours)."),
        ParamSpec("visibility", visibility, "The group's visibility: private, internal, or public."),
        ParamSpec("membership_lock", .boolean, "Users cannot be added to projects in this group."),
        ParamSpec("extra_shared_runners_minutes_limit", .integer, "Can be set by administrators only. Additional compute minutes for this group."),
        ParamSpec("shared_runners_minutes_limit", .integer, "Can be set by administrators only. Maximum number of monthly compute minutes for this group."),
        ParamSpec("wiki_access_level", .enumeration(["disabled", "private", "enabled"]), "The wiki access level."),
    ]

    static let create: [ParamSpec] = [
        ParamSpec("name", .string, required: true, "The name of the group."),
        ParamSpec("path", .string, required: true, "The path of the group."),
    ] + attributes + [
        ParamSpec("organization_id", .integer, "The organization ID for the group."),
        ParamSpec("parent_id", .idOrPath, "The parent group ID for creating nested group."),
    ]

    static let update: [ParamSpec] = [
        id,
        ParamSpec("name", .string, "The name of the group."),
        ParamSpec("path", .string, "The path of the group."),
    ] + attributes + [
        ParamSpec("prevent_sharing_groups_outside_hierarchy", .boolean, "Prevent group sharing outside the group hierarchy (top-level groups only)."),
        ParamSpec("shared_runners_setting", .enumeration(["enabled", "disabled_and_overridable", "disabled_and_unoverridable", "disabled_with_override"]), "Enable or disable shared runners for a group's subgroups and projects."),
        ParamSpec("file_template_project_id", .integer, "The ID of a project to load custom file templates from."),
        ParamSpec("prevent_forking_outside_group", .boolean, "When enabled, users can not fork projects from this group to external namespaces."),
        ParamSpec("unique_project_download_limit", .integer, "Maximum number of unique projects a user can download in the specified time period before they are banned (top-level only, max 10,000)."),
        ParamSpec("unique_project_download_limit_interval_in_seconds", .integer, "Time period for unique_project_download_limit (top-level only, max 864,000)."),
        ParamSpec("unique_project_download_limit_allowlist", .stringArray, "Usernames excluded from the unique project download limit (top-level only, max 100)."),
        ParamSpec("unique_project_download_limit_alertlist", .integerArray, "User IDs emailed when the unique project download limit is exceeded (top-level only, max 100)."),
        ParamSpec("auto_ban_user_on_excessive_projects_download", .boolean, "Ban users who exceed the unique project download limit."),
        ParamSpec("ip_restriction_ranges", .string, "Comma-separated list of IP addresses or subnet masks to restrict group access."),
        ParamSpec("math_rendering_limits_enabled", .boolean, "Indicates if math rendering limits are used for this group."),
        ParamSpec("lock_math_rendering_limits_enabled", .boolean, "Indicates if math rendering limits are locked for all descendent groups."),
        ParamSpec("duo_features_enabled", .boolean, "Indicates whether GitLab Duo features are enabled for this group."),
        ParamSpec("lock_duo_features_enabled", .boolean, "Indicates whether the GitLab Duo features enabled setting is enforced for all subgroups."),
        ParamSpec("parent_id", .idOrPath, "Ignored: use the transfer operation."),
    ]

    static let projectsFilters: [ParamSpec] = [
        ParamSpec("archived", .boolean, "Limit by archived status"),
        ParamSpec("visibility", visibility, "Limit by visibility public, internal, or private"),
        ParamSpec("order_by", .enumeration(["id", "name", "path", "created_at", "updated_at", "similarity", "star_count", "last_activity_at"]), default: "created_at",
                  "Return projects ordered by id, name, path, created_at, updated_at, similarity, star_count or last_activity_at fields. Default is created_at"),
        ParamSpec("sort", .enumeration(["asc", "desc"]), default: "desc", "Return projects sorted in asc or desc order. Default is desc"),
        ParamSpec("search", .string, "Return list of authorized projects matching the search criteria"),
        ParamSpec("simple", .boolean, "Return only limited fields for each project."),
        ParamSpec("starred", .boolean, "Limit by projects starred by the current user"),
        ParamSpec("with_issues_enabled", .boolean, "Limit by projects with issues feature enabled. Default is false"),
        ParamSpec("with_merge_requests_enabled", .boolean, "Limit by projects with merge requests feature enabled. Default is false"),
        ParamSpec("min_access_level", .integerEnumeration(AccessLevel.allValues), "Limit to projects where current user has at least this role (access_level)"),
        ParamSpec("with_custom_attributes", .boolean, "Include custom attributes in response (administrators only)"),
    ]
}
