import Foundation
import GroveFormats
import GRDB

/// `ee/lib/api/group_service_accounts.rb`: service account users provisioned by a group.
struct ServiceAccountService {
    let ctx: OperationContext
    init(_ ctx: OperationContext) { self.ctx = ctx }

    static let defaultName = "Service account user"
    static let cannotCreate = "User does not have permission to create a service account in this namespace."

    /// `create_service_account` / `delete_service_account`: top-level groups only; an
    /// administrator, or an owner when the instance allows it.
    func requireManage(_ group: GroupRecord) throws {
        let settings = try ctx.settings
        guard group.isTopLevel, ctx.caller.isAdmin || settings.allowTopLevelGroupOwnersToCreateServiceAccounts else {
            throw APIError.badRequest(Self.cannotCreate)
        }
    }

    /// A service account of this group (404 `User Not Found` otherwise).
    func account(_ group: GroupRecord, _ ref: JSONValue?) throws -> UserRecord {
        guard let id = ref.flatMap(ParamParser.integer), let user = try UserRecord.find(ctx.db, id: id) else { throw APIError.notFound("User") }
        guard user.serviceAccount else { throw APIError.badRequest("User is not of type Service Account") }
        guard user.provisionedByGroupId == group.id else { throw APIError.notFound("User") }
        return user
    }

    func list(_ group: GroupRecord, _ params: Params) throws -> ([UserRecord], PageInfo) {
        var f = QueryFilter()
        f.add("u.service_account = 1 AND u.provisioned_by_group_id = ?", [group.id])
        let descending = params.string("sort") != "asc"
        let byUsername = params.string("order_by") == "username"
        // Usernames are unique: the id only completes the key of a list ordered by them.
        let order = ListOrder((byUsername ? [OrderTerm("u.username", descending: descending)] : []) + [OrderTerm("u.id", descending: descending)])
        return try Paginator.offset(ctx.db, select: "SELECT u.* FROM users u", filter: f, order: order, params: params, countFrom: "FROM users u")
    }

    func create(_ group: GroupRecord, _ params: Params) throws -> UserRecord {
        try requireManage(group)
        let name = params.string("name").flatMap { $0.isEmpty ? nil : $0 } ?? Self.defaultName
        if let problem = UserService.nameProblem(name) { throw APIError.badRequest("Name \(problem)") }
        var username: String
        if let given = params.string("username") {
            try checkUsername(given)
            username = given
        } else {
            // `service_account_group_<id>_<32 hex>`, with a counter on the unlikely collision.
            let base = "service_account_group_\(group.id)_\(TokenDigest.randomHex())"
            username = base
            var n = 1
            while try taken(username) { username = base + String(n); n += 1 }
        }
        let email = "\(username)@noreply.\(URL(string: ctx.store.baseURL)?.host ?? "localhost")"
        try ctx.db.execute(sql: """
            INSERT INTO users (username, name, email, state, is_admin, bot, external, can_create_group, service_account, provisioned_by_group_id, created_at)
            VALUES (?, ?, ?, 'active', 0, 1, 0, 0, 1, ?, ?)
            """, arguments: [username, name, email, group.id, ctx.now])
        let user = try readBack(UserRecord.find(ctx.db, id: ctx.db.lastInsertedRowID))
        try ctx.audit("service_account.create", "User", id: user.id, path: user.username, changes: [
            .init(attribute: "username", old: .null, new: .string(username)), .init(attribute: "name", old: .null, new: .string(name)),
            .init(attribute: "provisioned_by_group", old: .null, new: .string(group.fullPath)),
        ])
        return user
    }

    func update(_ group: GroupRecord, _ user: UserRecord, _ params: Params) throws -> UserRecord {
        var changes: [AuditEvent.Change] = []
        if let name = params.string("name"), name != user.name {
            if let problem = UserService.nameProblem(name) { throw APIError.badRequest("Name \(problem)") }
            try ctx.db.execute(sql: "UPDATE users SET name = ? WHERE id = ?", arguments: [name, user.id])
            changes.append(.init(attribute: "name", old: .string(user.name), new: .string(name)))
        }
        if let username = params.string("username"), username != user.username {
            try checkUsername(username)
            try ctx.db.execute(sql: "UPDATE users SET username = ? WHERE id = ?", arguments: [username, user.id])
            changes.append(.init(attribute: "username", old: .string(user.username), new: .string(username)))
        }
        if !changes.isEmpty { try ctx.audit("service_account.update", "User", id: user.id, path: user.username, changes: changes) }
        return try readBack(UserRecord.find(ctx.db, id: user.id))
    }

    /// Removes the account, its memberships and tokens. `hard_delete` also removes groups
    /// whose only owner it was (GitLab would otherwise refuse with 409).
    func delete(_ group: GroupRecord, _ user: UserRecord, hardDelete: Bool) throws {
        try requireManage(group)
        let soleOwned = try Int64.fetchAll(ctx.db, sql: """
            SELECT m.group_id FROM members m WHERE m.user_id = ? AND m.access_level = 50
            AND NOT EXISTS (SELECT 1 FROM members o WHERE o.group_id = m.group_id AND o.access_level = 50 AND o.user_id <> m.user_id)
            """, arguments: [user.id])
        if !soleOwned.isEmpty && !hardDelete {
            throw APIError.api("User cannot be removed while is the sole-owner of a group", status: 409)
        }
        for id in soleOwned { try ctx.db.execute(sql: "DELETE FROM namespaces WHERE id = ?", arguments: [id]) }
        try ctx.db.execute(sql: "DELETE FROM users WHERE id = ?", arguments: [user.id])
        ctx.invalidateAccess()
        try ctx.audit("service_account.destroy", "User", id: user.id, path: user.username, changes: [
            .init(attribute: "username", old: .string(user.username), new: .null), .init(attribute: "hard_delete", old: .null, new: .bool(hardDelete)),
        ])
    }

    private func taken(_ username: String) throws -> Bool {
        try Bool.fetchOne(ctx.db, sql: "SELECT EXISTS (SELECT 1 FROM users WHERE username = ? COLLATE NOCASE) OR EXISTS (SELECT 1 FROM namespaces WHERE full_path = ? COLLATE NOCASE)",
                          arguments: [username, username]) ?? false
    }

    private func checkUsername(_ username: String) throws {
        if let problem = PathRules.errors(path: username, topLevel: true, changed: true).first { throw APIError.badRequest("Username \(problem)") }
        if try taken(username) { throw APIError.badRequest("Username has already been taken") }
    }

    static func json(_ u: UserRecord) -> JSONValue {
        .object([("id", .int(u.id)), ("username", .string(u.username)), ("name", .string(u.name))])
    }
}
