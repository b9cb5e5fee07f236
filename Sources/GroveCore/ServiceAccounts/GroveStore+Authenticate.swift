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
    /// How stale `last_used_at` may get before a use rewrites it. GitLab's
    /// `PersonalAccessTokens::LastUsedService` updates only when the last use is at least
    /// 10 minutes old, so authenticating a request is a read, not a write, almost always.
    static let lastUsedUpdateInterval: Int64 = 10 * 60 * 1000

    /// Looks a token up by its digest. Unknown, revoked and expired tokens, and tokens of
    /// users who are not active, answer nil. A hit records `last_used_at` when the recorded
    /// use is older than `lastUsedUpdateInterval` (or there is none).
    public func authenticate(token: String) throws -> TokenIdentity? {
        let digest = TokenDigest.digest(token)
        let nowMillis = Timestamp.millis(now())
        let found = try read { db -> (identity: TokenIdentity, lastUsedAt: Int64?)? in
            guard let row = try Row.fetchOne(db, cachedSQL: "SELECT * FROM personal_access_tokens WHERE token_digest = ?", arguments: [digest]) else { return nil }
            let record = PersonalAccessTokenRecord(row: row)
            guard record.isActive(today: Timestamp.day(nowMillis)),
                  let user = try UserRecord.find(db, id: record.userId), user.state == "active" else { return nil }
            let identity = TokenIdentity(tokenId: record.id, userId: user.id, username: user.username, scopes: record.scopes, expiresAt: record.expiresAt)
            return (identity, record.lastUsedAt)
        }
        guard let found else { return nil }
        if found.lastUsedAt.map({ nowMillis - $0 >= Self.lastUsedUpdateInterval }) ?? true {
            try write { db in
                try db.execute(sql: "UPDATE personal_access_tokens SET last_used_at = ? WHERE id = ?", arguments: [nowMillis, found.identity.tokenId])
            }
        }
        return found.identity
    }
}
