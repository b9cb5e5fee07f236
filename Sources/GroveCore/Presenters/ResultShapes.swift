/// What operations answer, field by field: the LuaLS classes of `grove annotations` and
/// the result sections of the reference pages read these. `ResultShapeTests` compares each
/// with what the presenters answer on a seeded store, so a field added to a presenter and
/// not here (or the other way round) fails the suite.
public struct ResultShape: Sendable, Equatable {
    public struct Field: Sendable, Equatable {
        public let name: String
        /// `integer`, `number`, `string`, `boolean`, `table` (an object) or `list`; several
        /// joined by `|` when the field takes more than one.
        public let type: String
        /// May be `grove.null`.
        public let nullable: Bool
        /// Only in some answers (a single record, a creation).
        public let sometimes: Bool
    }

    /// The LuaLS class is `grove.` + name.
    public let name: String
    public let summary: String
    /// A file download: REST answers the file itself, Lua a record describing it.
    public let isFile: Bool
    /// One word per field, `name:type`; `?` after the type when it may be null, `~` after
    /// the name when only some answers have it. Read into `fields` when asked: only the
    /// reference, the annotations and the OpenAPI document ask, and every start builds
    /// the descriptors that hold the shapes.
    let fieldWords: String

    init(_ name: String, _ summary: String, isFile: Bool = false, _ fields: String) {
        self.name = name
        self.summary = summary
        self.isFile = isFile
        self.fieldWords = fields
    }

    public var fields: [Field] {
        fieldWords.split(whereSeparator: \.isWhitespace).map { word in
            let parts = word.split(separator: ":", maxSplits: 1).map(String.init)
            let label = parts.first ?? ""
            let type = parts.count > 1 ? parts[1] : "any"
            return Field(name: label.hasSuffix("~") ? String(label.dropLast()) : label,
                         type: type.hasSuffix("?") ? String(type.dropLast()) : type,
                         nullable: type.hasSuffix("?"), sometimes: label.hasSuffix("~"))
        }
    }
}

public enum ResultShapes {
    public static let groupDetail = ResultShape("Group", "A group with its projects, shared projects and shares (`Entities::GroupDetail`)", """
        auto_devops_enabled:boolean? avatar_url:string? created_at:string default_branch:string?
        default_branch_protection:integer default_branch_protection_defaults:table description:string?
        duo_features_enabled:boolean emails_disabled:boolean emails_enabled:boolean enabled_git_access_protocol:string
        extra_shared_runners_minutes_limit:integer? file_template_project_id:integer? full_name:string
        full_path:string id:integer ip_restriction_ranges:string? lfs_enabled:boolean
        lock_duo_features_enabled:boolean lock_math_rendering_limits_enabled:boolean marked_for_deletion_on:string?
        math_rendering_limits_enabled:boolean membership_lock:boolean mentions_disabled:boolean? name:string
        parent_id:integer? path:string prevent_sharing_groups_outside_hierarchy~:boolean project_creation_level:string
        projects:list repository_storage:string request_access_enabled:boolean
        require_two_factor_authentication:boolean runners_token~:string share_with_group_lock:boolean
        shared_projects:list shared_runners_minutes_limit:integer? shared_with_groups:list
        subgroup_creation_level:string two_factor_grace_period:integer visibility:string web_url:string
        wiki_access_level:string
        """)
    public static let group = ResultShape("GroupSummary", "A group as lists show it (`Entities::Group`)", """
        auto_devops_enabled:boolean? avatar_url:string? created_at:string default_branch:string?
        default_branch_protection:integer default_branch_protection_defaults:table description:string?
        duo_features_enabled:boolean emails_disabled:boolean emails_enabled:boolean file_template_project_id:integer?
        full_name:string full_path:string id:integer ip_restriction_ranges:string? lfs_enabled:boolean
        lock_duo_features_enabled:boolean marked_for_deletion_on:string? mentions_disabled:boolean? name:string
        parent_id:integer? path:string project_creation_level:string repository_storage:string
        request_access_enabled:boolean require_two_factor_authentication:boolean share_with_group_lock:boolean
        subgroup_creation_level:string two_factor_grace_period:integer visibility:string web_url:string
        wiki_access_level:string
        """)
    public static let groupIdentity = ResultShape("GroupIdentity", "A group named and linked, nothing more", """
        avatar_url:string? full_name:string full_path:string id:integer name:string web_url:string
        """)
    public static let project = ResultShape("Project", "A project (`Entities::Project`); `permissions` only for one project", """
        _links:table allow_merge_on_skipped_pipeline:boolean? analytics_access_level:string archived:boolean
        auto_cancel_pending_pipelines:string auto_devops_deploy_strategy:string auto_devops_enabled:boolean
        autoclose_referenced_issues:boolean avatar_url:string? build_git_strategy:string build_timeout:integer
        builds_access_level:string can_create_merge_request_in:boolean
        ci_allow_fork_pipelines_to_run_in_parent_project:boolean ci_config_path:string? ci_default_git_depth:integer
        ci_forward_deployment_enabled:boolean ci_forward_deployment_rollback_allowed:boolean
        ci_job_token_scope_enabled:boolean ci_separated_caches:boolean container_expiration_policy:table
        container_registry_access_level:string container_registry_enabled:boolean
        container_registry_image_prefix:string created_at:string creator_id:integer default_branch:string?
        description:string? description_html:string emails_disabled:boolean emails_enabled:boolean empty_repo:boolean
        enforce_auth_checks_on_uploads:boolean environments_access_level:string feature_flags_access_level:string
        forking_access_level:string forks_count:integer group_runners_enabled:boolean http_url_to_repo:string
        id:integer import_error:string? import_status:string import_type:string? import_url:string?
        infrastructure_access_level:string issue_branch_template:string? issues_access_level:string
        issues_enabled:boolean jobs_enabled:boolean keep_latest_artifact:boolean last_activity_at:string
        lfs_enabled:boolean merge_commit_template:string? merge_method:string merge_requests_access_level:string
        merge_requests_enabled:boolean model_experiments_access_level:string model_registry_access_level:string
        monitor_access_level:string name:string name_with_namespace:string namespace:table
        only_allow_merge_if_all_discussions_are_resolved:boolean only_allow_merge_if_pipeline_succeeds:boolean
        open_issues_count:integer packages_enabled:boolean pages_access_level:string path:string
        path_with_namespace:string permissions~:table printing_merge_request_link_enabled:boolean public_jobs:boolean
        readme_url:string? releases_access_level:string remove_source_branch_after_merge:boolean
        repository_access_level:string repository_object_format:string repository_storage:string
        request_access_enabled:boolean resolve_outdated_diff_discussions:boolean
        restrict_user_defined_variables:boolean security_and_compliance_access_level:string
        service_desk_address:string? service_desk_enabled:boolean shared_runners_enabled:boolean
        shared_with_groups:list snippets_access_level:string snippets_enabled:boolean squash_commit_template:string?
        squash_option:string ssh_url_to_repo:string star_count:integer suggestion_commit_message:string? tag_list:list
        topics:list updated_at:string visibility:string web_url:string wiki_access_level:string wiki_enabled:boolean
        """)
    public static let user = ResultShape("User", "A user as administrators see it (`Entities::UserWithAdmin`); others see fewer fields", """
        avatar_url:string? bio:string bot:boolean can_create_group:boolean can_create_project:boolean
        color_scheme_id:integer commit_email:string? confirmed_at:string created_at:string created_by:table?
        current_sign_in_at:string? current_sign_in_ip:string? discord:string email:string
        email_reset_offered_at:string? enterprise_group_associated_at:string? enterprise_group_id:integer?
        external:boolean extra_shared_runners_minutes_limit:integer? followers:integer following:integer id:integer
        identities:list is_admin:boolean is_auditor:boolean is_followed:boolean job_title:string
        last_activity_on:string? last_sign_in_at:string? last_sign_in_ip:string? linkedin:string local_time:string?
        location:string? locked:boolean name:string namespace_id:integer note:string? organization:string?
        private_profile:boolean projects_limit:integer pronouns:string? provisioned_by_group_id:integer?
        public_email:string? scim_identities:list shared_runners_minutes_limit:integer? sign_in_count:integer
        state:string theme_id:integer twitter:string two_factor_enabled:boolean username:string
        using_license_seat:boolean web_url:string website_url:string work_information:string?
        """)
    public static let userPublic = ResultShape("UserPublic", "A user related to a group (`Entities::UserPublic`)", """
        avatar_url:string? bio:string bot:boolean can_create_group:boolean can_create_project:boolean
        color_scheme_id:integer commit_email:string? confirmed_at:string created_at:string current_sign_in_at:string?
        email:string external:boolean extra_shared_runners_minutes_limit:integer? followers:integer following:integer
        id:integer identities:list job_title:string last_activity_on:string? last_sign_in_at:string? linkedin:string
        local_time:string? location:string? name:string organization:string? private_profile:boolean
        projects_limit:integer pronouns:string? public_email:string? shared_runners_minutes_limit:integer?
        skype:string state:string theme_id:integer twitter:string two_factor_enabled:boolean username:string
        web_url:string website_url:string work_information:string?
        """)
    public static let member = ResultShape("Member", "A member of a group and its role (`Entities::Member`)", """
        access_level:integer avatar_url:string? created_at:string expires_at:string? id:integer locked:boolean
        membership_state:string name:string state:string username:string web_url:string
        """)
    public static let membership = ResultShape("Membership", "A group a user is a member of, and the role", """
        access_level:integer source_id:integer source_name:string source_type:string
        """)
    public static let protectedBranch = ResultShape("ProtectedBranch", "A protected branch rule with its access levels", """
        allow_force_push:boolean code_owner_approval_required:boolean id:integer merge_access_levels:list name:string
        push_access_levels:list unprotect_access_levels:list
        """)
    public static let branchAccess = ResultShape("BranchAccess", "Which rules protect a branch and what a user may do on it", """
        branch:string force_push:boolean merge:boolean protected:boolean protected_branches:list push:boolean
        unprotect:boolean user_id:integer
        """)
    public static let pushRule = ResultShape("PushRule", "A group push rule", """
        author_email_regex:string? branch_name_regex:string? commit_committer_check:boolean?
        commit_committer_name_check:boolean commit_message_negative_regex:string? commit_message_regex:string?
        created_at:string deny_delete_tag:boolean file_name_regex:string? id:integer max_file_size:integer?
        member_check:boolean prevent_secrets:boolean reject_non_dco_commits:boolean? reject_unsigned_commits:boolean?
        """)
    public static let pushCheck = ResultShape("PushCheck", "Whether a push passes the group push rule, and why not", """
        allowed:boolean push_rule_id:integer? violations:list
        """)
    public static let hook = ResultShape("Hook", "A group hook; its token and header values are never shown", """
        alert_status:string branch_filter_strategy:string confidential_issues_events:boolean
        confidential_note_events:boolean created_at:string custom_headers:list custom_webhook_template:string?
        deployment_events:boolean description:string? disabled_until:string? emoji_events:boolean
        enable_ssl_verification:boolean feature_flag_events:boolean group_id:integer id:integer issues_events:boolean
        job_events:boolean member_events:boolean merge_requests_events:boolean milestone_events:boolean name:string?
        note_events:boolean pipeline_events:boolean project_events:boolean push_events:boolean
        push_events_branch_filter:string releases_events:boolean repository_update_events:boolean
        resource_access_token_events:boolean subgroup_events:boolean tag_push_events:boolean url:string
        url_variables:list vulnerability_events:boolean wiki_page_events:boolean
        """)
    public static let hookDelivery = ResultShape("HookDelivery", "One delivery of a hook, secrets masked", """
        created_at:string execution_duration:number hook_id:integer id:integer internal_error_message:string?
        request_data:string request_headers:table response_body:string? response_status:integer|string trigger:string
        url:string
        """)
    public static let serviceAccount = ResultShape("ServiceAccount", "A service account user", """
        id:integer name:string username:string
        """)
    public static let accessToken = ResultShape("AccessToken", "A personal access token; `token` only when created or rotated", """
        active:boolean created_at:string expires_at:string? id:integer last_used_at:string? name:string
        revoked:boolean scopes:list token~:string user_id:integer
        """)
    public static let ldapLink = ResultShape("LDAPLink", "An LDAP group link (a CN or a filter)", """
        cn:string? filter:string? group_access:integer provider:string?
        """)
    public static let samlLink = ResultShape("SAMLLink", "A SAML group link", """
        access_level:integer member_role_id:integer? name:string provider:string?
        """)
    public static let customAttribute = ResultShape("CustomAttribute", "A custom attribute", """
        key:string value:string
        """)
    public static let auditEvent = ResultShape("AuditEvent", "A recorded change: who, what, when, and each attribute from and to", """
        action:string author_id:integer? author_username:string changes:list created_at:string entity_id:integer?
        entity_path:string? entity_type:string id:integer
        """)
    public static let namespace = ResultShape("Namespace", "A namespace (a group or a user's); counts only for one namespace", """
        additional_purchased_storage_ends_on:string? additional_purchased_storage_size:integer avatar_url:string?
        billable_members_count:integer extra_shared_runners_minutes_limit:integer? full_path:string id:integer
        kind:string members_count_with_descendants~:integer? name:string parent_id:integer? path:string plan:string
        projects_count~:integer? root_repository_size~:integer? shared_runners_minutes_limit:integer? trial:boolean
        trial_ends_on:string? web_url:string
        """)
    public static let namespaceExists = ResultShape("NamespaceExists", "Whether a path is taken, and free alternatives", """
        exists:boolean suggests:list
        """)
    public static let settings = ResultShape("Settings", "Instance settings group rules read", """
        default_group_visibility:string deletion_adjourned_period:integer ldap_enabled:boolean
        restricted_visibility_levels:list
        """)
    public static let integrationSettings = ResultShape("IntegrationSettings", "Instance settings hooks, service accounts and tokens read", """
        allow_local_requests_from_web_hooks_and_services:boolean
        allow_top_level_group_owners_to_create_service_accounts:boolean max_personal_access_token_lifetime:integer?
        personal_access_token_prefix:string service_access_tokens_expiration_enforced:boolean webhook_timeout:integer
        """)
    public static let securitySettingsUpdate = ResultShape("SecuritySettingsUpdate", "The new setting and the excluded ids that were not the group's projects", """
        errors:list secret_push_protection_enabled:boolean
        """)
    public static let projectSecuritySettings = ResultShape("ProjectSecuritySettings", "A project's security settings", """
        secret_push_protection_enabled:boolean
        """)
    public static let avatar = ResultShape("Avatar", "A downloaded file: its name, type and size", isFile: true, """
        content_type:string filename:string size:integer
        """)
    public static let message = ResultShape("Message", "GitLab's acknowledgement, `{message = \"202 Accepted\"}`", """
        message:string
        """)

    public static let all: [ResultShape] = [
        groupDetail, group, groupIdentity, project, user, userPublic, member, membership, protectedBranch, branchAccess, pushRule, pushCheck, hook, hookDelivery, serviceAccount, accessToken, ldapLink, samlLink, customAttribute, auditEvent, namespace, namespaceExists, settings, integrationSettings, securitySettingsUpdate, projectSecuritySettings, avatar, message,
    ]
}
