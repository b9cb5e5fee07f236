import GroveFormats
import GRDB

/// Users and group memberships: the identities and roles the permission rules read.
struct UserService {
    let ctx: OperationContext
    init(_ ctx: OperationContext) { self.ctx = ctx }

    func findUser(_ ref: JSONValue?) throws -> UserRecord {
        var user: UserRecord?
        if let id = ref?.intValue { user = try UserRecord.find(ctx.db, id: id) }
        else if let s = ref?.stringValue { user = try Int64(s).flatMap { try UserRecord.find(ctx.db, id: $0) } ?? UserRecord.find(ctx.db, username: s) }
        guard let user else { throw APIError.notFound("User") }
        return user
    }

    /// Whether a username is a user's or a top-level path (arguments: the name twice), and
    /// whether an email is a user's; both read an index (`IndexUseTests`).
    static let usernameTakenSQL = "SELECT EXISTS (SELECT 1 FROM users WHERE username = ? COLLATE NOCASE) OR EXISTS (SELECT 1 FROM namespaces WHERE full_path = ? COLLATE NOCASE)"
    static let emailTakenSQL = "SELECT EXISTS (SELECT 1 FROM users WHERE email = ? COLLATE NOCASE)"

    /// `POST /users` (admins): usernames share the top-level namespace with groups.
    func create(_ params: Params) throws -> UserRecord {
        try ctx.requireAdmin()
        let username = params.string("username") ?? ""
        var errors = FieldErrors()
        for m in PathRules.errors(path: username, topLevel: true, changed: true) { errors.add("username", m) }
        if errors["username"].isEmpty {
            let taken = try Bool.fetchOne(ctx.db, cachedSQL: Self.usernameTakenSQL, arguments: [username, username]) ?? false
            if taken { errors.add("username", "has already been taken") }
        }
        if let name = params.string("name"), let problem = Self.nameProblem(name) { errors.add("name", problem) }
        let email = params.string("email") ?? ""
        if !email.contains("@") { errors.add("email", "is invalid") }
        else if try Bool.fetchOne(ctx.db, cachedSQL: Self.emailTakenSQL, arguments: [email]) ?? false { errors.add("email", "has already been taken") }
        var provisionedBy: Int64?
        if let ref = params["provisioned_by_group_id"], !ref.isNull {
            guard let g = try ctx.lookupGroup(ref) else { throw APIError.notFound("Group") }
            provisionedBy = g.id
        }
        var samlGroup: Int64?
        if let ref = params["saml_group_id"], !ref.isNull {
            guard let g = try ctx.lookupGroup(ref) else { throw APIError.notFound("Group") }
            samlGroup = g.rootId
        }
        if !errors.isEmpty { throw APIError.validation(errors) }
        try ctx.db.run(sql: """
            INSERT INTO users (username, name, email, state, is_admin, bot, external, can_create_group, service_account, provisioned_by_group_id, saml_group_id, created_at)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """, arguments: [username, params.string("name") ?? username, email, params.string("state") ?? "active", params.bool("admin") ?? false,
                             params.bool("bot") ?? false, params.bool("external") ?? false, params.bool("can_create_group") ?? true,
                             params.bool("service_account") ?? false, provisionedBy, samlGroup, ctx.now])
        let user = try readBack(UserRecord.find(ctx.db, id: ctx.db.lastInsertedRowID))
        try ctx.audit("user.create", "User", id: user.id, path: user.username, changes: [
            .init(attribute: "username", old: .null, new: .string(username)),
            .init(attribute: "admin", old: .null, new: .bool(user.isAdmin)),
        ])
        return user
    }

    /// `user.rb`: `validates :name, presence: true, length: { maximum: 255 }`.
    static func nameProblem(_ name: String) -> String? {
        if isBlank(name) { return "can't be blank" }
        return NameRules.tooLong(name)
    }

    func update(_ user: UserRecord, _ params: Params) throws -> UserRecord {
        try ctx.requireAdmin()
        if let name = params.string("name"), let problem = Self.nameProblem(name) { throw APIError.validation(FieldErrors("name", problem)) }
        var changes: [AuditEvent.Change] = []
        var sets: [String] = []
        var args: [any DatabaseValueConvertible] = []
        let current: [String: JSONValue] = ["name": .string(user.name), "email": .string(user.email), "state": .string(user.state),
                                            "admin": .bool(user.isAdmin), "external": .bool(user.external), "can_create_group": .bool(user.canCreateGroup)]
        let columns = [("name", "name"), ("email", "email"), ("state", "state"), ("admin", "is_admin"), ("external", "external"), ("can_create_group", "can_create_group")]
        for (key, column) in columns {
            guard let v = params[key], let old = current[key], v != old else { continue }
            sets.append("\(column) = ?")
            args.append(v.stringValue ?? v.boolValue.map { $0 ? "1" : "0" } ?? "")
            changes.append(.init(attribute: key, old: old, new: v))
        }
        if !sets.isEmpty {
            try ctx.db.execute(sql: "UPDATE users SET \(sets.joined(separator: ", ")) WHERE id = ?", arguments: StatementArguments(args + [user.id]))
            try ctx.audit("user.update", "User", id: user.id, path: user.username, changes: changes)
        }
        return try readBack(UserRecord.find(ctx.db, id: user.id))
    }

    // MARK: Members

    /// Adding, changing and removing members needs `admin_group_member` (owner); only an
    /// owner may grant Owner.
    func addMember(_ group: GroupRecord, user: UserRecord, level: Int64, expiresAt: String?) throws {
        guard try ctx.access.isOwner(group) else { throw APIError.forbidden() }
        if try Bool.fetchOne(ctx.db, cachedSQL: "SELECT EXISTS (SELECT 1 FROM members WHERE user_id = ? AND group_id = ?)", arguments: [user.id, group.id]) ?? false {
            throw APIError.api("Member already exists", status: 409)
        }
        if let expiresAt, expiresAt <= ctx.today { throw APIError.validation(FieldErrors("expires_at", "cannot be a date in the past")) }
        try ctx.db.run(sql: "INSERT INTO members (user_id, group_id, access_level, expires_at, created_at) VALUES (?, ?, ?, ?, ?)",
                           arguments: [user.id, group.id, level, expiresAt, ctx.now])
        ctx.invalidateAccess()
        try ctx.audit("member.create", "Group", id: group.id, path: group.fullPath, changes: [
            .init(attribute: "user", old: .null, new: .string(user.username)),
            .init(attribute: "access_level", old: .null, new: .string(AccessLevel.name(level))),
            .init(attribute: "expires_at", old: .null, new: expiresAt.json),
        ])
    }

    func updateMember(_ group: GroupRecord, user: UserRecord, level: Int64?, expiresAt: JSONValue?) throws {
        guard try ctx.access.isOwner(group) else { throw APIError.forbidden() }
        guard let row = try Row.fetchOne(ctx.db, cachedSQL: "SELECT access_level, expires_at FROM members WHERE user_id = ? AND group_id = ?", arguments: [user.id, group.id]) else {
            throw APIError.notFound("Member")
        }
        let currentLevel: Int64 = try row.column("access_level")
        if currentLevel == AccessLevel.owner, try isLastOwner(group, userId: user.id) { throw APIError.forbidden() }
        var changes: [AuditEvent.Change] = []
        if let level, level != currentLevel {
            try ctx.db.run(sql: "UPDATE members SET access_level = ? WHERE user_id = ? AND group_id = ?", arguments: [level, user.id, group.id])
            changes.append(.init(attribute: "access_level", old: .string(AccessLevel.name(currentLevel)), new: .string(AccessLevel.name(level))))
        }
        if let expiresAt {
            try ctx.db.run(sql: "UPDATE members SET expires_at = ? WHERE user_id = ? AND group_id = ?", arguments: [expiresAt.stringValue, user.id, group.id])
            changes.append(.init(attribute: "expires_at", old: (try row.column("expires_at") as String?).json, new: expiresAt))
        }
        ctx.invalidateAccess()
        if !changes.isEmpty { try ctx.audit("member.update", "Group", id: group.id, path: group.fullPath, changes: [.init(attribute: "user", old: .string(user.username), new: .string(user.username))] + changes) }
    }

    func removeMember(_ group: GroupRecord, user: UserRecord) throws {
        guard try ctx.access.isOwner(group) || ctx.caller.id == user.id else { throw APIError.forbidden() }
        guard let level = try Int64.fetchOne(ctx.db, cachedSQL: "SELECT access_level FROM members WHERE user_id = ? AND group_id = ?", arguments: [user.id, group.id]) else {
            throw APIError.notFound("Member")
        }
        if level == AccessLevel.owner, try isLastOwner(group, userId: user.id) { throw APIError.forbidden() }
        try ctx.db.run(sql: "DELETE FROM members WHERE user_id = ? AND group_id = ?", arguments: [user.id, group.id])
        ctx.invalidateAccess()
        try ctx.audit("member.destroy", "Group", id: group.id, path: group.fullPath, changes: [.init(attribute: "user", old: .string(user.username), new: .null)])
    }

    /// GitLab's `last_owner` (`GroupMemberPolicy`): the only owner of a group, counting the
    /// owners it inherits from its ancestors, can be neither changed nor removed, by anyone,
    /// administrators included: a group always keeps an owner. Owners whose membership
    /// expired do not count; blocked ones count only when no active owner is left
    /// (`member_last_blocked_owner?`).
    func isLastOwner(_ group: GroupRecord, userId: Int64) throws -> Bool {
        let ids = group.selfAndAncestorIds
        let owners = try Row.fetchAll(ctx.db, sql: """
            SELECT DISTINCT m.user_id, u.state = 'active' AS active FROM members m JOIN users u ON u.id = m.user_id
            WHERE m.access_level = ? AND \(AccessGrants.unexpired("m")) AND m.group_id IN (\(ids.map { _ in "?" }.joined(separator: ",")))
            """, arguments: StatementArguments([AccessLevel.owner, ctx.today] as [any DatabaseValueConvertible] + ids.map { $0 as any DatabaseValueConvertible }))
        let active: [Int64] = owners.filter { $0["active"] as Bool }.map { $0["user_id"] }
        let counted = active.isEmpty ? owners.map { $0["user_id"] as Int64 } : active
        return counted == [userId]
    }

    static let memberSelect = "SELECT \(MemberRecord.columns(membership: "m", user: "u")) FROM members m JOIN users u ON u.id = m.user_id"

    /// The group's direct members in id order, filtered by name or username.
    func directMembers(_ group: GroupRecord, _ p: Params) throws -> ([MemberRecord], PageInfo) {
        var f = QueryFilter()
        f.add("m.group_id = ?", [group.id])
        if let q = p.presentString("query") {
            let like = "%\(Like.escape(q))%"
            f.add("(u.username LIKE ? ESCAPE '\\' OR u.name LIKE ? ESCAPE '\\')", [like, like])
        }
        return try Paginator.offset(ctx.db, select: Self.memberSelect, filter: f, order: ListOrder([.asc("m.id")]), params: p,
                                    countFrom: "FROM members m JOIN users u ON u.id = m.user_id")
    }

    /// The user's direct membership of the group, shaped for `memberJSON`.
    func directMember(_ group: GroupRecord, _ user: UserRecord) throws -> MemberRecord? {
        try MemberRecord.fetchOne(ctx.db, cachedSQL: Self.memberSelect + " WHERE m.group_id = ? AND m.user_id = ?", arguments: [group.id, user.id])
    }

    func memberJSON(_ member: MemberRecord) -> JSONValue { MemberPresenter(ctx).tree(member) }
}

/// `Entities::Member`: the user as `UserBasic`, the role and dates, and EE's
/// `membership_state` (Grove has no awaiting memberships). `created_by` is omitted when
/// unknown, as GitLab's `expose_nil: false` does.
struct MemberPresenter: ItemPresenter {
    let base: String
    var fieldCount: Int { 11 }

    init(_ ctx: OperationContext) { base = ctx.store.baseURL }

    func present(_ member: MemberRecord, into o: inout some JSONObjectBuilder) {
        o.append("id", .int(member.userId))
        o.append("username", .string(member.username))
        o.append("name", .string(member.name))
        o.append("state", .string(member.state))
        o.append("locked", false)
        o.append("avatar_url", .null)
        o.append("web_url", base, "/" + member.username)
        o.append("access_level", .int(member.accessLevel))
        o.append("created_at", iso8601: member.createdAt)
        o.append("expires_at", member.expiresAt.json)
        o.append("membership_state", "active")
    }
}
