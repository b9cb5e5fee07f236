import GRDB

/// The user lists: every user (`GET /users`), those a group provisioned, and a top-level
/// group's SAML users and service accounts (`GET /groups/:id/users`), with GitLab's
/// `UsersFinder` filters, in id order.
struct UserFinder {
    let ctx: OperationContext

    enum Scope {
        case all
        case provisionedBy(GroupRecord)
        /// Users with a SAML identity of the group's root and/or service accounts provisioned
        /// anywhere in its hierarchy.
        case relatedTo(GroupRecord, samlUsers: Bool, serviceAccounts: Bool)
    }

    func list(_ scope: Scope, _ p: Params) throws -> ([UserRecord], PageInfo) {
        var f = QueryFilter()
        switch scope {
        case .all: break
        case .provisionedBy(let group):
            f.add("u.provisioned_by_group_id = ?", [group.id])
        case .relatedTo(let group, let samlUsers, let serviceAccounts):
            var kinds: [String] = []
            var args: [any DatabaseValueConvertible] = []
            if samlUsers { kinds.append("u.saml_group_id = ?"); args.append(group.rootId) }
            if serviceAccounts {
                kinds.append("(u.service_account = 1 AND u.provisioned_by_group_id IN (SELECT id FROM namespaces WHERE traversal_ids >= ? AND traversal_ids < ?))")
                args += ["\(group.rootId)/", "\(group.rootId)0"]
            }
            f.add("(" + kinds.joined(separator: " OR ") + ")", args)
        }
        if let u = p.string("username") { f.add("u.username = ? COLLATE NOCASE", [u]) }
        if let s = p.presentString("search") {
            let like = "%\(Like.escape(s))%"
            f.add("(u.name LIKE ? ESCAPE '\\' OR u.username LIKE ? ESCAPE '\\' OR u.email LIKE ? ESCAPE '\\')", [like, like, like])
        }
        if p.bool("active") == true { f.add("u.state = 'active'") }
        if p.bool("blocked") == true { f.add("u.state = 'blocked'") }
        if let after = p.int("created_after") { f.add("u.created_at > ?", [after]) }
        if let before = p.int("created_before") { f.add("u.created_at < ?", [before]) }
        return try Paginator.offset(ctx.db, select: "SELECT u.* FROM users u", filter: f, order: ListOrder([.asc("u.id")]), params: p, countFrom: "FROM users u")
    }

    /// `GET /users/:id/memberships`: groups are Grove's only member sources, so a `Project`
    /// filter gives none.
    func memberships(_ user: UserRecord, _ p: Params) throws -> ([Row], PageInfo) {
        var f = QueryFilter()
        f.add("m.user_id = ?", [user.id])
        if p.string("type") == "Project" { f.add("0") }
        let from = "FROM members m JOIN namespaces n ON n.id = m.group_id"
        return try Paginator.offset(ctx.db, select: "SELECT m.id, m.group_id, n.name, m.access_level \(from)", filter: f,
                                    order: ListOrder([.asc("m.id")]), params: p, countFrom: from)
    }
}
