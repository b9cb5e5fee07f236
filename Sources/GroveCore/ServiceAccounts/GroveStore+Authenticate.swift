import GRDB

/// Who a token stands for: the REST server authenticates `PRIVATE-TOKEN` with this.
public struct TokenIdentity: Sendable, Equatable {
    public let tokenId: Int64
    public let userId: Int64
    public let username: String
    public let scopes: [String]
    public let expiresAt: String?

    public var actor: Actor { .user(id: userId) }
}

extension GroveStore {
    /// Looks a token up by its digest. Unknown, revoked and expired tokens, and tokens of
    /// users who are not active, answer nil. A hit records `last_used_at`.
    public func authenticate(token: String) throws -> TokenIdentity? {
        let digest = TokenDigest.digest(token)
        let nowMillis = Timestamp.millis(now())
        return try write { db -> TokenIdentity? in
            guard let row = try Row.fetchOne(db, sql: "SELECT * FROM personal_access_tokens WHERE token_digest = ?", arguments: [digest]) else { return nil }
            let record = PersonalAccessTokenRecord(row: row)
            guard record.isActive(today: Timestamp.day(nowMillis)),
                  let user = try UserRecord.find(db, id: record.userId), user.state == "active" else { return nil }
            try db.execute(sql: "UPDATE personal_access_tokens SET last_used_at = ? WHERE id = ?", arguments: [nowMillis, record.id])
            return TokenIdentity(tokenId: record.id, userId: user.id, username: user.username, scopes: record.scopes, expiresAt: record.expiresAt)
        }
    }
}
