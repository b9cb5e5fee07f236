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

    static func load(_ db: Database, caller: Caller, today: String) throws -> AccessGrants {
        guard let userId = caller.id else { return AccessGrants(caller: caller, grants: []) }
        var grants: [Grant] = try Row.fetchAll(db, cachedSQL: """
            SELECT m.group_id, m.access_level, n.traversal_ids FROM members m JOIN namespaces n ON n.id = m.group_id
            WHERE m.user_id = ? AND (m.expires_at IS NULL OR m.expires_at > ?)
            """, arguments: [userId, today]).map { Grant(groupId: $0[0], prefix: $0[2], level: $0[1], direct: true) }
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
                let level = memberships.level(prefix: link["with_prefix"])
                guard level > 0 else { continue }
                grants.append(Grant(groupId: link["shared_group_id"], prefix: link["shared_prefix"], level: min(level, link["group_access"]), direct: false))
            }
        }
        return AccessGrants(caller: caller, grants: grants)
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
    func canRead(_ group: GroupRecord) -> Bool {
        if caller.isAdmin || group.visibility == .public { return true }
        if group.visibility == .internal && !caller.isAnonymous && !caller.isExternal { return true }
        return level(prefix: group.traversalIds) >= AccessLevel.guest
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
            return ("\(alias).id IN (\(matching.map { String($0.groupId) }.joined(separator: ",")))", [])
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

    /// Groups the caller may read, as a condition on `namespaces` (alias `alias`).
    func readableCondition(alias: String = "n") -> (sql: String, args: [any DatabaseValueConvertible]) {
        if caller.isAdmin { return ("1", []) }
        let minVisibility = caller.isAnonymous || caller.isExternal ? Visibility.public : .internal
        let member = subtreeCondition(alias: alias)
        return ("(\(alias).visibility_level >= \(minVisibility.rawValue) OR \(member.sql))", member.args)
    }
}
