import GroveFormats
import GRDB

/// Renders groups in the seeds' shapes and field order: `Entities::Group` for lists,
/// `Entities::GroupDetail` for one group, and the short transfer-location shape.
struct GroupPresenter {
    let ctx: OperationContext

    private typealias Key = GroupFields.Key

    /// What every group shape shows alike.
    var fields: GroupFields { GroupFields(base: ctx.store.baseURL) }
    func webURL(_ g: GroupRecord) -> String { fields.webURL(g) }
    func avatarURL(_ g: GroupRecord) -> JSONValue { fields.avatarURL(g) }

    /// The presenter of a page of `Entities::Group` (GET /groups, subgroups,
    /// descendant_groups): `statistics` and `custom_attributes` are read here, for the
    /// page, when asked.
    func list(_ groups: [GroupRecord], statistics: Bool, customAttributes: Bool) throws -> GroupListPresenter {
        var presenter = GroupListPresenter(fields: fields)
        if statistics { presenter.statistics = try Dictionary(groups.map { ($0.id, try self.statistics($0)) }, uniquingKeysWith: { a, _ in a }) }
        if customAttributes { presenter.customAttributes = try Dictionary(groups.map { ($0.id, try self.customAttributes($0)) }, uniquingKeysWith: { a, _ in a }) }
        return presenter
    }

    /// `Entities::GroupDetail` (GET/PUT/POST of one group).
    /// `created`: the group was created by this operation, so it has no shares or
    /// projects yet and the queries for them are skipped.
    func detail(_ g: GroupRecord, withProjects: Bool = true, customAttributes: Bool = false, created: Bool = false) throws -> JSONValue {
        let privileged = try ctx.access.isOwner(g)
        var o = JSONObject(capacity: 48)
        fields.head(g, into: &o)
        if privileged { o.append("runners_token", .string(g.runnersToken)) }
        o.append("file_template_project_id", g.setting(Key.fileTemplateProjectId))
        o.append("parent_id", g.parentId.json)
        if privileged { o.append("enabled_git_access_protocol", g.setting(Key.enabledGitAccessProtocol)) }
        o.append("created_at", iso8601: g.createdAt)
        o.append("shared_with_groups", created ? [] : try sharedWithGroups(g))
        if g.isTopLevel { o.append("prevent_sharing_groups_outside_hierarchy", g.setting(Key.preventSharingGroupsOutsideHierarchy)) }
        if withProjects && created {
            o.append("projects", [])
            o.append("shared_projects", [])
        } else if withProjects {
            let inGroup = try ProjectFinder(ctx).readableProjects(inGroup: g.id, limit: 100)
            let shared = try ProjectFinder(ctx).readableProjects(sharedWith: g.id, limit: 100)
            let projects = try ProjectPresenter.reading(ctx, inGroup + shared)
            o.append("projects", .array(inGroup.map(projects.basic)))
            o.append("shared_projects", .array(shared.map(projects.basic)))
        }
        o.append("ip_restriction_ranges", g.setting(Key.ipRestrictionRanges))
        o.append("math_rendering_limits_enabled", g.setting(Key.mathRenderingLimitsEnabled))
        o.append("lock_math_rendering_limits_enabled", g.setting(Key.lockMathRenderingLimitsEnabled))
        if customAttributes { o.append("custom_attributes", try self.customAttributes(g)) }
        o.append("shared_runners_minutes_limit", g.setting(Key.sharedRunnersMinutesLimit))
        o.append("extra_shared_runners_minutes_limit", g.setting(Key.extraSharedRunnersMinutesLimit))
        o.append("marked_for_deletion_on", fields.markedForDeletionOn(g))
        o.append("membership_lock", g.setting(Key.membershipLock))
        o.append("wiki_access_level", g.setting(Key.wikiAccessLevel))
        o.append("duo_features_enabled", g.setting(Key.duoFeaturesEnabled))
        o.append("lock_duo_features_enabled", g.setting(Key.lockDuoFeaturesEnabled))
        return .object(o)
    }

    /// `GET /groups/:id/transfer_locations` entries.
    func transferLocation(_ g: GroupRecord) -> JSONValue {
        .object([("id", .int(g.id)), ("web_url", .string(webURL(g))), ("name", .string(g.name)), ("avatar_url", avatarURL(g)),
                 ("full_name", .string(g.fullName)), ("full_path", .string(g.fullPath))])
    }

    /// One `shared_with_groups` entry, read by column position (every group detail asks).
    private struct SharedWith: ColumnDecodable {
        let json: JSONValue
        init(columns c: StatementColumns) throws {
            json = .object([("group_id", .int(try c.int64(0))), ("group_name", .string(try c.string(1))),
                            ("group_full_path", .string(try c.string(2))), ("group_access_level", .int(try c.int64(3))),
                            ("expires_at", try c.optionalString(4).json)])
        }
    }

    func sharedWithGroups(_ g: GroupRecord) throws -> JSONValue {
        let links = try SharedWith.fetchAll(ctx.db, cachedSQL: """
            SELECT l.shared_with_group_id, n.name, n.full_path, l.group_access, l.expires_at
            FROM group_group_links l JOIN namespaces n ON n.id = l.shared_with_group_id
            WHERE l.shared_group_id = ? ORDER BY l.id
            """, arguments: [g.id])
        return .array(links.map(\.json))
    }

    func customAttributes(_ g: GroupRecord) throws -> JSONValue {
        let rows = try Row.fetchAll(ctx.db, cachedSQL: "SELECT key, value FROM group_custom_attributes WHERE group_id = ? ORDER BY key", arguments: [g.id])
        return .array(try rows.map { .object([("key", .string(try $0.column("key"))), ("value", .string(try $0.column("value")))]) })
    }

    /// Sums of the project statistics of the group's subtree (what REST's
    /// `statistics=true` shows of RootStorageStatistics).
    func statistics(_ g: GroupRecord) throws -> JSONValue {
        let r = TraversalIds.range(g.traversalIds)
        let row = try readBack(Row.fetchOne(ctx.db, cachedSQL: """
            SELECT COALESCE(SUM(p.repository_size),0) AS repository_size, COALESCE(SUM(p.wiki_size),0) AS wiki_size,
                   COALESCE(SUM(p.lfs_objects_size),0) AS lfs_objects_size, COALESCE(SUM(p.job_artifacts_size),0) AS job_artifacts_size,
                   COALESCE(SUM(p.pipeline_artifacts_size),0) AS pipeline_artifacts_size, COALESCE(SUM(p.packages_size),0) AS packages_size,
                   COALESCE(SUM(p.snippets_size),0) AS snippets_size, COALESCE(SUM(p.uploads_size),0) AS uploads_size
            FROM projects p JOIN namespaces n ON n.id = p.namespace_id WHERE n.traversal_ids >= ? AND n.traversal_ids < ?
            """, arguments: [r.lower, r.upper]))
        let keys = ["repository_size", "wiki_size", "lfs_objects_size", "job_artifacts_size", "pipeline_artifacts_size", "packages_size", "snippets_size", "uploads_size"]
        let values = try keys.map { (try row.column($0) as Int64) }
        return .object([("storage_size", .int(values.reduce(0, +)))] + zip(keys, values).map { ($0, JSONValue.int($1)) })
    }
}

/// What every group shape shows alike: the fields up to `full_path`, and the addresses.
struct GroupFields: Sendable {
    /// The instance's address.
    let base: String

    /// The settings these shapes show, with their defaults.
    fileprivate enum Key {
        static let head = ["share_with_group_lock", "require_two_factor_authentication", "two_factor_grace_period", "project_creation_level",
                           "auto_devops_enabled", "subgroup_creation_level", "emails_disabled", "emails_enabled", "mentions_disabled",
                           "lfs_enabled", "default_branch", "default_branch_protection", "default_branch_protection_defaults"].map(GroupSettings.Setting.init)
        static let requestAccessEnabled = GroupSettings.Setting("request_access_enabled")
        static let repositoryStorage = GroupSettings.Setting("repository_storage")
        static let fileTemplateProjectId = GroupSettings.Setting("file_template_project_id")
        static let ipRestrictionRanges = GroupSettings.Setting("ip_restriction_ranges")
        static let wikiAccessLevel = GroupSettings.Setting("wiki_access_level")
        static let duoFeaturesEnabled = GroupSettings.Setting("duo_features_enabled")
        static let lockDuoFeaturesEnabled = GroupSettings.Setting("lock_duo_features_enabled")
        static let enabledGitAccessProtocol = GroupSettings.Setting("enabled_git_access_protocol")
        static let preventSharingGroupsOutsideHierarchy = GroupSettings.Setting("prevent_sharing_groups_outside_hierarchy")
        static let mathRenderingLimitsEnabled = GroupSettings.Setting("math_rendering_limits_enabled")
        static let lockMathRenderingLimitsEnabled = GroupSettings.Setting("lock_math_rendering_limits_enabled")
        static let sharedRunnersMinutesLimit = GroupSettings.Setting("shared_runners_minutes_limit")
        static let extraSharedRunnersMinutesLimit = GroupSettings.Setting("extra_shared_runners_minutes_limit")
        static let membershipLock = GroupSettings.Setting("membership_lock")
    }

    func webURL(_ g: GroupRecord) -> String { "\(base)/groups/\(g.fullPath)" }

    func avatarURL(_ g: GroupRecord) -> JSONValue {
        g.avatarFilename.map { .string("\(base)/uploads/-/system/group/avatar/\(g.id)/\($0)") } ?? .null
    }

    func markedForDeletionOn(_ g: GroupRecord) -> JSONValue { g.markedForDeletionAt.map { .string(Timestamp.day($0)) } ?? .null }

    /// Fields shared by the list and detail shapes, up to `full_path`.
    func head(_ g: GroupRecord, into o: inout some JSONObjectBuilder) {
        o.append("id", .int(g.id))
        o.append("name", .string(g.name))
        o.append("path", .string(g.path))
        o.append("description", .string(g.description))
        o.append("visibility", .string(g.visibility.name))
        for key in Key.head { o.append(key.name, g.setting(key)) }
        o.append("avatar_url", avatarURL(g))
        o.append("web_url", .string(webURL(g)))
        o.append("request_access_enabled", g.setting(Key.requestAccessEnabled))
        o.append("repository_storage", g.setting(Key.repositoryStorage))
        o.append("full_name", .string(g.fullName))
        o.append("full_path", .string(g.fullPath))
    }
}

/// `Entities::Group` (GET /groups, subgroups, descendant_groups), for a page read by
/// `GroupPresenter.list`.
struct GroupListPresenter: ItemPresenter {
    let fields: GroupFields
    /// By group id, when asked (administrators).
    var statistics: [Int64: JSONValue]?
    var customAttributes: [Int64: JSONValue]?
    var fieldCount: Int { 36 }

    private typealias Key = GroupFields.Key

    func present(_ g: GroupRecord, into o: inout some JSONObjectBuilder) {
        fields.head(g, into: &o)
        o.append("file_template_project_id", g.setting(Key.fileTemplateProjectId))
        o.append("parent_id", g.parentId.json)
        o.append("created_at", iso8601: g.createdAt)
        o.append("ip_restriction_ranges", g.setting(Key.ipRestrictionRanges))
        if let statistics { o.append("statistics", statistics[g.id] ?? .null) }
        if let customAttributes { o.append("custom_attributes", customAttributes[g.id] ?? []) }
        o.append("marked_for_deletion_on", fields.markedForDeletionOn(g))
        o.append("wiki_access_level", g.setting(Key.wikiAccessLevel))
        o.append("duo_features_enabled", g.setting(Key.duoFeaturesEnabled))
        o.append("lock_duo_features_enabled", g.setting(Key.lockDuoFeaturesEnabled))
    }
}
