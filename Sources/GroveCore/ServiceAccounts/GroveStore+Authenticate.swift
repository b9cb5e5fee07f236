import GroveFormats
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
        guard let found = try lookUpToken(token) else { return nil }
        if found.useIsDue { try recordTokenUse(found.identity) }
        return found.identity
    }

    /// `authenticate` without its write, for callers that record the use elsewhere (the
    /// server does it off its request threads): the identity, and whether the use is due
    /// to be recorded with `recordTokenUse`.
    public func lookUpToken(_ token: String) throws -> (identity: TokenIdentity, useIsDue: Bool)? {
        let digest = TokenDigest.digest(token)
        let nowMillis = Timestamp.millis(now())
        return try read { db in
            guard let record = try PersonalAccessTokenRecord.fetchOne(
                db, cachedSQL: "SELECT \(PersonalAccessTokenRecord.columns) FROM personal_access_tokens WHERE token_digest = ?", arguments: [digest]
            ), let stored = try String.fetchOne(db, cachedSQL: "SELECT token_digest FROM personal_access_tokens WHERE id = ?", arguments: [record.id]),
                  TokenDigest.matches(token, digest: stored) else { return nil }
            guard record.isActive(today: Timestamp.day(nowMillis)),
                  let user = try UserRecord.find(db, id: record.userId), user.state == "active" else { return nil }
            let identity = TokenIdentity(tokenId: record.id, userId: user.id, username: user.username, scopes: record.scopes, expiresAt: record.expiresAt)
            let useIsDue = record.lastUsedAt.map { nowMillis - $0 >= Self.lastUsedUpdateInterval } ?? true
            return (identity, useIsDue)
        }
    }

    /// Records a use of the token as `last_used_at` (now).
    public func recordTokenUse(_ identity: TokenIdentity) throws {
        let nowMillis = Timestamp.millis(now())
        try write { db in
            try db.execute(sql: "UPDATE personal_access_tokens SET last_used_at = ? WHERE id = ?", arguments: [nowMillis, identity.tokenId])
        }
    }
}

extension GroveStore {
    /// Whether the user may administer everything (GitLab's `can_admin_all_resources?`).
    public func isAdministrator(userId: Int64) throws -> Bool {
        try read { db in try UserRecord.find(db, id: userId)?.isAdmin ?? false }
    }

    /// GitLab's `UserFinder#find_by_id_or_username`: all digits is an id, anything else a
    /// username (case-insensitive). Nil when there is no such user.
    public func userId(idOrUsername identifier: String) throws -> Int64? {
        try read { db in
            if !identifier.isEmpty, identifier.utf8.allSatisfy({ (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) }) {
                guard let id = Int64(identifier) else { return nil }
                return try UserRecord.find(db, id: id)?.id
            }
            return try UserRecord.find(db, username: identifier)?.id
        }
    }
}
