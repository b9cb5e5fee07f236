import GroveFormats
import GRDB

/// The caller's roles as subtree grants: a membership in group G (or a share of G with a
/// group the caller belongs to) grants its level on G's whole subtree. A group's level is
/// the highest grant whose prefix it carries, so reads and list filters need no tree walk.
struct AccessGrants {
    struct Grant {
        let groupId: Int64
        let prefix: String
        let level: Int64
        /// A membership of the caller in exactly this group (not inherited, not shared).
        let direct: Bool
    }

    let caller: Caller
    let grants: [Grant]
    /// Groups reached through projects, worked out on first need (see `ProjectReach`).
    private let projectReach: ProjectReach?

    init(caller: Caller, grants: [Grant], db: Database? = nil, today: String = "") {
        self.caller = caller
        self.grants = grants
        guard let db, !grants.isEmpty else { projectReach = nil; return }
        // The links into the caller's granted subtrees, by the rule every list uses.
        let linked = AccessGrants(caller: caller, grants: grants).subtreeCondition(alias: "lg")
        projectReach = ProjectReach(db: db, grants: grants, today: today, linkedInGrants: linked)
    }

    /// A membership that grants its role today (GitLab removes expired ones daily); binds `today`.
    static func unexpired(_ alias: String) -> String { "(\(alias).expires_at IS NULL OR \(alias).expires_at > ?)" }

    static func load(_ db: Database, caller: Caller, today: String) throws -> AccessGrants {
        guard let userId = caller.id else { return AccessGrants(caller: caller, grants: []) }
        var grants: [Grant] = try Row.fetchAll(db, cachedSQL: """
            SELECT m.group_id, m.access_level, n.traversal_ids FROM members m JOIN namespaces n ON n.id = m.group_id
            WHERE m.user_id = ? AND \(unexpired("m"))
            """, arguments: [userId, today]).map { Grant(groupId: try $0.column(0), prefix: try $0.column(2), level: try $0.column(1), direct: true) }
        let memberships = AccessGrants(caller: caller, grants: grants)
        // Group shares (one hop, as GitLab): members of the invited group get
        // min(their level there, group_access) on the shared group's subtree.
        if !grants.isEmpty {
            let links = try Row.fetchAll(db, cachedSQL: """
                SELECT l.shared_group_id, l.group_access, s.traversal_ids AS shared_prefix, w.traversal_ids AS with_prefix
                FROM group_group_links l JOIN namespaces s ON s.id = l.shared_group_id JOIN namespaces w ON w.id = l.shared_with_group_id
                WHERE l.expires_at IS NULL OR l.expires_at > ?
                """, arguments: [today])
            for link in links {
                let level = memberships.level(prefix: try link.column("with_prefix"))
                guard level > 0 else { continue }
                grants.append(Grant(groupId: try link.column("shared_group_id"), prefix: try link.column("shared_prefix"), level: min(level, try link.column("group_access")), direct: false))
            }
        }
        return AccessGrants(caller: caller, grants: grants, db: db, today: today)
    }

    /// Groups readable through a project (GroupPolicy `has_projects`: the caller reaches a
    /// project in the group's subtree): the ancestors of a granted group whose subtree holds
    /// a project, and the group chain of a project shared with one of the caller's groups.
    /// Most checks are settled by visibility or a role first, so this is looked up only
    /// when one is not, once per operation.
    final class ProjectReach {
        private let db: Database
        private let grants: [Grant]
        private let today: String
        private let linkedInGrants: (sql: String, args: [any DatabaseValueConvertible])
        private var readable: Set<Int64>?

        init(db: Database, grants: [Grant], today: String, linkedInGrants: (sql: String, args: [any DatabaseValueConvertible])) {
            self.db = db
            self.grants = grants
            self.today = today
            self.linkedInGrants = linkedInGrants
        }

        func readableIds() throws -> Set<Int64> {
            if let readable { return readable }
            var ids = Set<Int64>()
            for grant in grants {
                let ancestors = TraversalIds.ids(grant.prefix).dropLast()
                guard !ancestors.isEmpty, !ids.isSuperset(of: ancestors) else { continue }
                let r = TraversalIds.range(grant.prefix)
                if try Bool.fetchOne(db, cachedSQL: """
                    SELECT EXISTS (SELECT 1 FROM namespaces n JOIN projects p ON p.namespace_id = n.id
                    WHERE n.traversal_ids >= ? AND n.traversal_ids < ?)
                    """, arguments: [r.lower, r.upper]) == true {
                    ids.formUnion(ancestors)
                }
            }
            // Projects shared with a group inside one of the caller's granted subtrees
            // (ProjectFinder's rule): only those links are read.
            let statement = try db.statement(varyingSQL: """
                SELECT pn.traversal_ids FROM project_group_links l
                JOIN namespaces lg ON lg.id = l.group_id JOIN projects p ON p.id = l.project_id JOIN namespaces pn ON pn.id = p.namespace_id
                WHERE (l.expires_at IS NULL OR l.expires_at > ?) AND \(linkedInGrants.sql)
                """)
            for chain in try String.fetchAll(statement, arguments: StatementArguments([today] + linkedInGrants.args)) {
                ids.formUnion(TraversalIds.ids(chain))
            }
            readable = ids
            return ids
        }
    }

    /// The caller's role in the group whose traversal ids are `prefix`.
    func level(prefix: String) -> Int64 {
        var best = AccessLevel.noAccess
        for g in grants where prefix.hasPrefix(g.prefix) && g.level > best { best = g.level }
        return best
    }

    /// The caller's effective role; administrators act as Admin (above Owner).
    func level(_ group: GroupRecord) -> Int64 {
        caller.isAdmin ? AccessLevel.admin : level(prefix: group.traversalIds)
    }

    /// The role from memberships only (for `owned`, `min_access_level` as GitLab filters).
    func memberLevel(_ group: GroupRecord) -> Int64 { level(prefix: group.traversalIds) }

    // MARK: GroupPolicy (app/policies/group_policy.rb)

    /// `read_group`: public to everyone, internal to signed-in non-external users,
    /// anything to members (inherited and shared included) and admins.
    func canRead(_ group: GroupRecord) throws -> Bool {
        if caller.isAdmin || group.visibility == .public { return true }
        if group.visibility == .internal && !caller.isAnonymous && !caller.isExternal { return true }
        if level(prefix: group.traversalIds) >= AccessLevel.guest { return true }
        return try projectReach?.readableIds().contains(group.id) ?? false
    }

    /// Owner abilities: admin_group, remove_group, change_group, admin_group_member,
    /// change_visibility_level.
    func isOwner(_ group: GroupRecord) -> Bool { level(group) >= AccessLevel.owner }

    func canCreateSubgroup(_ group: GroupRecord) -> Bool {
        let l = level(group)
        if l >= AccessLevel.owner { return true }
        return l >= AccessLevel.maintainer && group.setting("subgroup_creation_level").stringValue == "maintainer"
    }

    /// `create_group` on the instance: admins, and users allowed to create groups.
    var canCreateTopLevelGroup: Bool { caller.isAdmin || (caller.user?.canCreateGroup ?? false) }

    // MARK: SQL

    /// A condition on `namespaces` (alias `alias`) selecting groups where the caller holds
    /// at least `minLevel` through memberships or shares; `FALSE` when there are none.
    func subtreeCondition(alias: String = "n", minLevel: Int64 = AccessLevel.guest, directOnly: Bool = false) -> (sql: String, args: [any DatabaseValueConvertible]) {
        let matching = grants.filter { $0.level >= minLevel && (!directOnly || $0.direct) }
        guard !matching.isEmpty else { return ("0", []) }
        if directOnly {
            // Bound as one JSON array: the SQL text stays the same whatever the ids.
            return ("\(alias).id IN (SELECT value FROM json_each(?))", [JSONText.encode(.array(matching.map { .int($0.groupId) }))])
        }
        var parts: [String] = []
        var args: [any DatabaseValueConvertible] = []
        for g in matching {
            let r = TraversalIds.range(g.prefix)
            parts.append(TraversalIds.subtreeCondition("\(alias).traversal_ids"))
            args += [r.lower, r.upper]
        }
        return ("(" + parts.joined(separator: " OR ") + ")", args)
    }

    /// The groups `GET /groups` lists for a signed-in caller (`GroupsFinder`): granted
    /// subtrees, groups readable through projects, the ancestors of both, and with
    /// `includePublic` (all_available) every group public to the caller.
    func listedCondition(alias: String = "n", includePublic: Bool) throws -> (sql: String, args: [any DatabaseValueConvertible]) {
        if caller.isAdmin && includePublic { return ("1", []) }
        var parts: [String] = []
        var args: [any DatabaseValueConvertible] = []
        if includePublic {
            let minVisibility = caller.isAnonymous || caller.isExternal ? Visibility.public : .internal
            parts.append("\(alias).visibility_level >= \(minVisibility.rawValue)")
        }
        let member = subtreeCondition(alias: alias)
        parts.append(member.sql)
        args += member.args
        var extra = Set(grants.flatMap { TraversalIds.ids($0.prefix).dropLast() })
        if let projectReach { extra.formUnion(try projectReach.readableIds()) }
        if !extra.isEmpty {
            // One statement shape whatever the ids (the statement cache keys on SQL text).
            parts.append("\(alias).id IN (SELECT value FROM json_each(?))")
            args.append(JSONText.encode(.array(extra.sorted().map { .int($0) })))
        }
        return ("(" + parts.joined(separator: " OR ") + ")", args)
    }
}
