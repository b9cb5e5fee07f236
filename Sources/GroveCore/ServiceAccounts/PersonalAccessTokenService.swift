import GroveFormats
import GRDB

/// A row of `personal_access_tokens` (never with the token value).
struct PersonalAccessTokenRecord {
    var id: Int64
    var userId: Int64
    var name: String
    var description: String?
    var scopes: [String]
    var revoked: Bool
    var expiresAt: String?
    var lastUsedAt: Int64?
    var createdAt: Int64

    init(row: Row) throws {
        id = try row.column("id"); userId = try row.column("user_id"); name = try row.column("name"); description = try row.column("description")
        scopes = Self.scopes(try row.column("scopes"))
        revoked = try row.column("revoked"); expiresAt = try row.column("expires_at"); lastUsedAt = try row.column("last_used_at"); createdAt = try row.column("created_at")
    }

    private static func scopes(_ text: String) -> [String] {
        (try? JSONText.decode(text))?.arrayValue?.compactMap(\.stringValue) ?? []
    }

    /// A token expires at the start of its `expires_at` day.
    func isExpired(today: String) -> Bool { expiresAt.map { $0 <= today } ?? false }
    func isActive(today: String) -> Bool { !revoked && !isExpired(today: today) }

    /// The seed's shape; `token` only right after creation or rotation.
    func json(today: String, token: String? = nil) -> JSONValue {
        var o = JSONObject([
            ("id", .int(id)), ("name", .string(name)), ("revoked", .bool(revoked)), ("created_at", .string(Timestamp.iso8601(createdAt))),
            ("scopes", .array(scopes.map { .string($0) })), ("user_id", .int(userId)), ("last_used_at", lastUsedAt.map { .string(Timestamp.iso8601($0)) } ?? .null),
            ("active", .bool(isActive(today: today))), ("expires_at", expiresAt.json),
        ])
        if let token { o["token"] = .string(token) }
        return .object(o)
    }

    static func find(_ db: Database, id: Int64, userId: Int64) throws -> PersonalAccessTokenRecord? {
        try Row.fetchOne(db, sql: "SELECT * FROM personal_access_tokens WHERE id = ? AND user_id = ?", arguments: [id, userId]).map(Self.init)
    }
}

/// Personal access tokens of service accounts: create, rotate, list, revoke.
struct PersonalAccessTokenService {
    let ctx: OperationContext
    init(_ ctx: OperationContext) { self.ctx = ctx }

    /// `Gitlab::Auth` scopes (registry scopes included: the registry counts as enabled).
    static let scopes = ["api", "read_api", "read_user", "create_runner", "manage_runner", "k8s_proxy", "read_repository", "write_repository",
                         "read_registry", "write_registry", "read_observability", "write_observability", "ai_features", "sudo", "admin_mode",
                         "read_service_ping"]

    static let tokenNotFound = APIError.notFound("Personal Access Token")

    func list(_ user: UserRecord, _ params: Params) throws -> ([PersonalAccessTokenRecord], PageInfo) {
        var f = QueryFilter()
        f.add("user_id = ?", [user.id])
        let (rows, page): ([Row], PageInfo) = try Paginator.offset(ctx.db, select: "SELECT * FROM personal_access_tokens", filter: f,
                                                                    order: ListOrder([.asc("id")]), params: params, countFrom: "FROM personal_access_tokens")
        return (try rows.map(PersonalAccessTokenRecord.init), page)
    }

    func create(_ user: UserRecord, _ params: Params) throws -> (PersonalAccessTokenRecord, String) {
        let scopes = params.stringArray("scopes")
        if scopes.isEmpty { throw APIError.grape("scopes is empty") }
        if scopes.contains(where: { !Self.scopes.contains($0) }) { throw APIError.grape("scopes does not have a valid value") }
        let settings = try ctx.settings
        let latest = Timestamp.day(ctx.now + settings.maxLifetimeDays * 86_400_000)
        var expiresAt = params.string("expires_at")
        if let given = expiresAt {
            if given <= ctx.today { throw APIError.api("Expires at must be in the future", status: 422) }
            if settings.serviceAccessTokensExpirationEnforced && given > latest { throw APIError.api("Expiration date must be before \(latest)", status: 422) }
        } else if settings.serviceAccessTokensExpirationEnforced {
            expiresAt = latest
        }
        let name = params.string("name") ?? ""
        if name.isEmpty { throw APIError.api("Name can't be blank", status: 422) }
        return try insert(user: user, name: name, description: params.string("description"), scopes: scopes, expiresAt: expiresAt, previous: nil, settings: settings)
    }

    /// Revokes the old token and issues a new one with the same name and scopes, in this
    /// operation's one transaction.
    func rotate(_ user: UserRecord, tokenId: Int64, expiresAt given: String?) throws -> (PersonalAccessTokenRecord, String) {
        guard let old = try PersonalAccessTokenRecord.find(ctx.db, id: tokenId, userId: user.id) else { throw Self.tokenNotFound }
        if old.revoked { throw APIError.badRequest("Token already revoked") }
        let settings = try ctx.settings
        var expiresAt = given
        if let given, given <= ctx.today { throw APIError.api("Expires at must be in the future", status: 422) }
        if expiresAt == nil && settings.serviceAccessTokensExpirationEnforced {
            expiresAt = Timestamp.day(ctx.now + min(7, settings.maxLifetimeDays) * 86_400_000)
        }
        try ctx.db.execute(sql: "UPDATE personal_access_tokens SET revoked = 1 WHERE id = ?", arguments: [old.id])
        return try insert(user: user, name: old.name, description: old.description, scopes: old.scopes, expiresAt: expiresAt, previous: old.id, settings: settings)
    }

    func revoke(_ user: UserRecord, tokenId: Int64) throws {
        guard let token = try PersonalAccessTokenRecord.find(ctx.db, id: tokenId, userId: user.id) else { throw Self.tokenNotFound }
        if token.revoked { return }
        try ctx.db.execute(sql: "UPDATE personal_access_tokens SET revoked = 1 WHERE id = ?", arguments: [token.id])
        try ctx.audit("personal_access_token.revoke", "User", id: user.id, path: user.username, changes: [
            .init(attribute: "personal_access_token", old: .string("#\(token.id) \(token.name)"), new: .null),
        ])
    }

    private func insert(user: UserRecord, name: String, description: String?, scopes: [String], expiresAt: String?, previous: Int64?,
                        settings: InstanceSettings) throws -> (PersonalAccessTokenRecord, String) {
        let token = TokenDigest.generate(prefix: settings.personalAccessTokenPrefix)
        try ctx.db.execute(sql: """
            INSERT INTO personal_access_tokens (user_id, name, description, scopes, token_digest, expires_at, previous_personal_access_token_id, created_at)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?)
            """, arguments: [user.id, name, description, JSONText.encode(.array(scopes.map { .string($0) })), TokenDigest.digest(token), expiresAt, previous, ctx.now])
        let record = try readBack(PersonalAccessTokenRecord.find(ctx.db, id: ctx.db.lastInsertedRowID, userId: user.id))
        var changes: [AuditEvent.Change] = [
            .init(attribute: "name", old: .null, new: .string(name)), .init(attribute: "scopes", old: .null, new: .array(scopes.map { .string($0) })),
            .init(attribute: "expires_at", old: .null, new: expiresAt.json),
        ]
        if let previous { changes.insert(.init(attribute: "rotated_from", old: .int(previous), new: .int(record.id)), at: 0) }
        try ctx.audit(previous == nil ? "personal_access_token.create" : "personal_access_token.rotate", "User", id: user.id, path: user.username, changes: changes)
        return (record, token)
    }
}

extension PersonalAccessTokenRecord: ColumnDecodable {
    /// The columns `init(columns:)` reads, in order (every request's token look-up).
    static let columns = "id, user_id, name, description, scopes, revoked, expires_at, last_used_at, created_at"

    init(columns c: StatementColumns) throws {
        id = try c.int64(0); userId = try c.int64(1); name = try c.string(2); description = try c.optionalString(3)
        scopes = Self.scopes(try c.string(4))
        revoked = try c.bool(5); expiresAt = try c.optionalString(6); lastUsedAt = try c.optionalInt64(7); createdAt = try c.int64(8)
    }
}
